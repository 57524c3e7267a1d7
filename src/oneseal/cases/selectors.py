"""Reads of cases, each scoped to the acting user (ARCHITECTURE.md: a clerk sees their hall, an
approver their department's cases)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case as When_
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum, When
from django.db.models.functions import Coalesce

from oneseal.accounts.roles import RoleCode, roles_of
from oneseal.kernel import rows

from .models import Case, CaseEvent, CaseFlag, CaseStatus, CaseTask, Visit

OPEN_STATUSES = [CaseStatus.SUBMITTED, CaseStatus.AWAITING_SUPPLEMENT, CaseStatus.ACCEPTED, CaseStatus.APPROVED,
                 CaseStatus.DENIED, CaseStatus.ISSUED, CaseStatus.DELIVERED]


def _profile(user):
    return getattr(user, "staff_profile", None)


def visible_cases(user) -> QuerySet[Case]:
    """Every case the user may see: their hall's (clerk), their department's (approver, head), all
    (supervisor), their own (applicant). Nothing for anyone else."""
    qs = Case.objects.select_related("item", "applicant", "hall")
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    roles = roles_of(user)
    if RoleCode.SUPERVISOR in roles:
        return qs
    profile = _profile(user)
    scope = Q(pk__in=[])
    if RoleCode.WINDOW_CLERK in roles and profile is not None:
        scope |= Q(hall=profile.hall) | Q(hall__isnull=True)
    if roles & {RoleCode.APPROVER, RoleCode.BUREAU_HEAD} and profile is not None:
        scope |= Q(item__implementing_body=profile.department, accepted_at__isnull=False)
    if RoleCode.APPLICANT in roles or hasattr(user, "applicant"):
        scope |= Q(applicant__user=user)
    return qs.filter(scope)


def case_for(user, number: str) -> Case | None:
    return visible_cases(user).filter(number=number).first()


def inbox(user) -> QuerySet[CaseTask]:
    """The open steps waiting for the user's roles in their department, most urgent first."""
    profile = _profile(user)
    roles = roles_of(user)
    if profile is None or not roles:
        return CaseTask.objects.none()
    qs = CaseTask.objects.filter(completed_at__isnull=True, lane__in=roles, department=profile.department)
    if RoleCode.WINDOW_CLERK in roles and profile.hall_id:
        qs = qs.filter(Q(lane=RoleCode.WINDOW_CLERK, case__hall=profile.hall) | ~Q(lane=RoleCode.WINDOW_CLERK))
    return (qs.select_related("case", "case__item", "case__applicant")
            .annotate(flagged=Exists(CaseFlag.objects.filter(case=OuterRef("case_id"))))
            .order_by(F("case__due_at").asc(nulls_last=True), "ready_at"))


_OPEN_TASKS = rows.Loader(CaseTask, where="t0.case_id = %s AND t0.completed_at IS NULL ORDER BY t0.ready_at, t0.id")


def open_tasks(case: Case) -> list[CaseTask]:
    """The case's open inbox entries (its procedure's ready steps), oldest first. Every case page and the
    case API read them, so the statement is built once (kernel.rows)."""
    return _OPEN_TASKS.all(case.pk)


def reception_queue(user) -> QuerySet[Case]:
    """Applications of the clerk's hall (and online ones) awaiting a decision on acceptance."""
    profile = _profile(user)
    if profile is None or RoleCode.WINDOW_CLERK not in roles_of(user):
        return Case.objects.none()
    return (Case.objects.filter(status__in=[CaseStatus.SUBMITTED, CaseStatus.AWAITING_SUPPLEMENT])
            .filter(Q(hall=profile.hall) | Q(hall__isnull=True))
            .annotate(flagged=Exists(CaseFlag.objects.filter(case=OuterRef("pk"))))
            .select_related("item", "applicant").order_by("submitted_at"))


def output_queue(user) -> QuerySet[Case]:
    """Results ready to hand out at the comprehensive output window (综合窗口出件)."""
    profile = _profile(user)
    if profile is None or RoleCode.WINDOW_CLERK not in roles_of(user):
        return Case.objects.none()
    return (Case.objects.filter(status=CaseStatus.ISSUED).filter(Q(hall=profile.hall) | Q(hall__isnull=True))
            .select_related("item", "applicant").order_by("issued_at"))


def track(number: str, id_number: str) -> Case | None:
    """The public tracking lookup: a case only for its number AND its applicant's ID/credit code.
    A wrong pair answers exactly like an unknown number (no enumeration)."""
    number, id_number = number.strip(), id_number.strip().upper()
    if not number or not id_number:
        return None
    # A slice, not first(): the number is unique, so no ORDER BY is needed.
    found = list(Case.objects.select_related("item", "applicant", "hall").defer("form_data")
                 .filter(number=number, applicant__id_number=id_number)[:1])
    return found[0] if found else None


def timeline(case: Case) -> QuerySet[CaseEvent]:
    return case.events.order_by("at", "id")


@dataclass(frozen=True)
class VisitRate:
    key: str
    name: str
    cases: int
    at_most_one_visit: int

    @property
    def rate(self) -> float | None:
        return self.at_most_one_visit / self.cases if self.cases else None


def one_visit_rates(by: str = "item") -> list[VisitRate]:
    """最多跑一次, measured: the share of closed cases that took at most one in-person visit, per item
    or per department, from recorded visits (not from the catalog's flag)."""
    field = {"item": ("item__code", "item__name"),
             "department": ("item__implementing_body__code", "item__implementing_body__name")}[by]
    per_case = (Visit.objects.filter(case=OuterRef("pk")).order_by().values("case")
                .annotate(n=Count("id")).values("n"))
    rows = (Case.objects.filter(status=CaseStatus.CLOSED)
            .annotate(n_visits=Coalesce(Subquery(per_case), 0))
            .values(*field)
            .annotate(cases=Count("id"), one=Sum(When_(When(n_visits__lte=1, then=1), default=0)))
            .order_by(field[0]))
    return [VisitRate(r[field[0]], r[field[1]], r["cases"], r["one"]) for r in rows]


def visit_count(case: Case) -> int:
    return Visit.objects.filter(case=case).count()
