"""Reads of commitment approval, scoped to the acting user (policy.py says who sees what).

- an applicant sees the commitments of the subjects their account acts for;
- an inspector sees the verification inspections they were drawn for;
- a commitment's page is for its applicant, its inspectors, and government staff.
A commitment the user may not see is answered exactly like one that does not exist.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from .. import policy
from ..models import Commitment, CommitmentStatus, Inspector, VerificationInspection

VERIFICATION_STATES = ("open", "overdue", "due_soon", "recorded")
DUE_SOON_DAYS = 7


def _commitments() -> QuerySet[Commitment]:
    return Commitment.objects.select_related("item", "item__supervising_department", "subject", "case")


def commitments_of(user: Any, status: str | None = None) -> QuerySet[Commitment]:
    """An applicant's commitments (those of the identity numbers their account acts for), newest first."""
    numbers = policy.subject_numbers_of(user)
    if not numbers:
        return Commitment.objects.none()
    qs = _commitments().filter(subject__id_number__in=numbers)
    if status in CommitmentStatus.values:
        qs = qs.filter(status=status)
    return qs.order_by("-signed_at", "-pk")


def inspector_of(user: Any) -> Inspector | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Inspector.objects.filter(user=user).select_related("department").first()


def verifications_for(user: Any, state: str | None = None, item_code: str = "",
                      now: dt.datetime | None = None) -> QuerySet[VerificationInspection]:
    """The verification inspections the user was drawn for, due first; `state` open, overdue (open past
    its due time), due_soon (open, due within 7 days) or recorded; `item_code` narrows to one item."""
    me = inspector_of(user)
    if me is None:
        return VerificationInspection.objects.none()
    now = now or timezone.now()
    qs = (VerificationInspection.objects.filter(inspectors=me)
          .select_related("commitment", "commitment__item", "commitment__subject", "commitment__case",
                          "recorded_by")
          .prefetch_related("inspectors"))
    if state == "open":
        qs = qs.filter(recorded_at__isnull=True)
    elif state == "overdue":
        qs = qs.filter(recorded_at__isnull=True, due_by__lt=now)
    elif state == "due_soon":
        qs = qs.filter(recorded_at__isnull=True, due_by__gte=now, due_by__lt=now + dt.timedelta(days=DUE_SOON_DAYS))
    elif state == "recorded":
        qs = qs.filter(recorded_at__isnull=False)
    if item_code:
        qs = qs.filter(commitment__item__code=item_code)
    if state == "recorded":
        return qs.order_by("-recorded_at", "-pk")
    return qs.order_by(F("recorded_at").asc(nulls_first=True), "due_by", "pk")  # open ones first


def verification_for(user: Any, pk: int) -> VerificationInspection | None:
    return verifications_for(user).filter(pk=pk).first()


def verification_counts(user: Any, now: dt.datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    return {state: verifications_for(user, state, now=now).count() for state in ("open", "overdue")}


def commitment_for(user: Any, pk: int) -> Commitment | None:
    """One commitment: the applicant's own, one the user inspects, or any for government staff."""
    if not getattr(user, "is_authenticated", False):
        return None
    scope = Q(subject__id_number__in=policy.subject_numbers_of(user))
    me = inspector_of(user)
    if me is not None:
        scope |= Q(inspections__inspectors=me)
    qs = _commitments() if policy.is_staff(user) else _commitments().filter(scope)
    return qs.filter(pk=pk).distinct().first()


def inspections_of(commitment: Commitment) -> list[VerificationInspection]:
    return list(commitment.inspections.select_related("recorded_by").prefetch_related("inspectors")
                .order_by("scheduled_at", "pk"))
