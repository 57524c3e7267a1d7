"""Reads of bundles, each scoped to the acting user: the applicant sees their own, a window clerk
their hall's (and online ones), a supervisor every bundle. Nobody else sees any."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from oneseal.accounts.roles import RoleCode, roles_of

from .models import BundleApplication, BundleDefinition, BundleStatus


def definitions(active_only: bool = True) -> QuerySet[BundleDefinition]:
    """Bundle definitions are public, like the catalog they are made of."""
    qs = BundleDefinition.objects.prefetch_related("items__item", "items__depends_on", "pool__uses__bundle_item__item",
                                                   "mappings__source__item", "mappings__target__item")
    return qs.filter(active=True) if active_only else qs


def definition(code: str, active_only: bool = True) -> BundleDefinition | None:
    return definitions(active_only).filter(code=code).first()


def visible_bundles(user) -> QuerySet[BundleApplication]:
    qs = BundleApplication.objects.select_related("definition", "applicant", "hall")
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    roles = roles_of(user)
    if RoleCode.SUPERVISOR in roles:
        return qs
    scope = Q(pk__in=[])
    profile = getattr(user, "staff_profile", None)
    if RoleCode.WINDOW_CLERK in roles and profile is not None:
        scope |= Q(hall=profile.hall) | Q(hall__isnull=True)
    if RoleCode.APPLICANT in roles or hasattr(user, "applicant"):
        scope |= Q(applicant__user=user)
    return qs.filter(scope)


def overdue(qs: QuerySet[BundleApplication], now=None) -> QuerySet[BundleApplication]:
    """Open bundles past their own due time with a result still missing (for supervision)."""
    from django.utils import timezone

    return qs.filter(status__in=[BundleStatus.SUBMITTED, BundleStatus.IN_PROGRESS], due_at__lt=now or timezone.now())


def bundle_for(user, number: str) -> BundleApplication | None:
    return visible_bundles(user).filter(number=number).first()


def my_bundles(user) -> QuerySet[BundleApplication]:
    """The applicant's own bundles, newest first."""
    if not getattr(user, "is_authenticated", False):
        return BundleApplication.objects.none()
    return (BundleApplication.objects.select_related("definition").filter(applicant__user=user)
            .order_by("-submitted_at", "-id"))


def window_queue(user) -> QuerySet[BundleApplication]:
    """The clerk's open bundles: to receive, in progress, ready to hand out."""
    profile = getattr(user, "staff_profile", None)
    if profile is None or RoleCode.WINDOW_CLERK not in roles_of(user):
        return BundleApplication.objects.none()
    return (BundleApplication.objects.select_related("definition", "applicant")
            .filter(Q(hall=profile.hall) | Q(hall__isnull=True))
            .filter(status__in=[BundleStatus.SUBMITTED, BundleStatus.IN_PROGRESS, BundleStatus.READY])
            .order_by("due_at"))


def track(number: str, id_number: str) -> BundleApplication | None:
    """Public tracking: a bundle only for its number AND its applicant's ID or credit code; a wrong
    pair answers exactly like an unknown number."""
    number, id_number = number.strip(), id_number.strip().upper()
    if not number or not id_number:
        return None
    found = list(BundleApplication.objects.select_related("definition", "applicant")
                 .filter(number=number, applicant__id_number=id_number)[:1])
    return found[0] if found else None


@dataclass(frozen=True)
class MaterialSaving:
    uploaded: int  # distinct files the applicant handed in
    needed: int  # materials the child cases received (what separate applications would have asked)

    @property
    def saved(self) -> int:
        return self.needed - self.uploaded


def material_saving(application: BundleApplication) -> MaterialSaving:
    from oneseal.cases.models import CaseMaterial

    needed = CaseMaterial.objects.filter(case__bundle_part__application=application, supplement=False).count()
    return MaterialSaving(uploaded=application.files.count(), needed=needed)


def parts(application: BundleApplication):
    return (application.parts.select_related("bundle_item__item", "case", "case__decision")
            .prefetch_related("bundle_item__depends_on__item").order_by("bundle_item__order", "id"))
