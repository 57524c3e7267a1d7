"""Reads of the credit app: records, scoped to the acting user (policy.py says who sees what).

- the public (公示) sees a subject's public records in effect, a person's citizen ID masked, and finds a
  person only by the full ID number, never by name;
- staff see every record of a subject, ended and non-public ones too, with measures and repairs;
- the applicant sees their own subjects' records;
- the credit officer's desk lists every record; a regulator's, those of its own department.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from oneseal.accounts.roles import RoleCode, department_of, has_role
from oneseal.kernel.errors import DomainError

from .. import policy
from ..checks import in_effect
from ..models import (
    CreditRecord,
    CreditSubject,
    Measure,
    RecordStatus,
    RepairRequest,
    RepairStatus,
    SubjectKind,
)
from ..services.records import identify


class RecordState:
    """What a record is at a moment, for pages: in effect, not yet in effect, expired (past its period
    of effect: it no longer binds, but was never lifted), repaired or lifted."""

    IN_EFFECT = "in_effect"
    PENDING = "pending"
    EXPIRED = "expired"
    REPAIRED = RecordStatus.REPAIRED.value
    LIFTED = RecordStatus.LIFTED.value


def record_state(row: CreditRecord, at: dt.datetime | None = None) -> str:
    at = at or timezone.now()
    if row.status != RecordStatus.ACTIVE:
        return row.status
    if row.effective_until is not None and row.effective_until <= at:
        return RecordState.EXPIRED
    if row.effective_from > at:
        return RecordState.PENDING
    return RecordState.IN_EFFECT


def expired(at: dt.datetime) -> Q:
    return Q(status=RecordStatus.ACTIVE, effective_until__lte=at)


def mask_number(id_number: str, kind: str) -> str:
    """A person's citizen ID on a public page: region and the last four characters only (the birth
    date hidden); an organisation's credit code is public."""
    if kind != SubjectKind.PERSON or len(id_number) < 10:
        return id_number
    return id_number[:6] + "*" * (len(id_number) - 10) + id_number[-4:]


def clean(text: str, limit: int = 100) -> str:
    """User input for a query: trimmed, bounded, without NUL characters (which PostgreSQL refuses)."""
    return str(text or "").replace("\x00", "").strip()[:limit]


def normalised_number(query: str) -> str | None:
    """The query as a valid citizen ID or credit code, or None."""
    query = clean(query, 40)
    try:
        return identify(query)[1]
    except DomainError:
        return None


def search_subjects(query: str) -> tuple[str | None, QuerySet[CreditSubject]]:
    """Public lookup: (the normalised number if the query is one, organisations whose name contains
    the query). A person is never listed by name."""
    query = clean(query)
    number = normalised_number(query)
    if number is not None or len(query) < 2:
        return number, CreditSubject.objects.none()
    return None, CreditSubject.objects.filter(kind=SubjectKind.ORGANISATION, name__icontains=query).order_by(
        "name", "id_number")


def _with_kinds(qs: QuerySet[CreditRecord]) -> QuerySet[CreditRecord]:
    return qs.select_related("kind", "department").prefetch_related(
        Prefetch("kind__measures", queryset=Measure.objects.order_by("scope", "code")))


def public_records(id_number: str, at: dt.datetime | None = None) -> QuerySet[CreditRecord]:
    """The public part (公示): public records in effect now."""
    at = at or timezone.now()
    return _with_kinds(CreditRecord.objects.filter(in_effect(at), id_number=id_number, public=True)).order_by(
        "-effective_from", "-pk")


def all_records(id_number: str) -> QuerySet[CreditRecord]:
    """The internal part: every record, with its kind's measures and its repair requests."""
    return _with_kinds(CreditRecord.objects.filter(id_number=id_number)).prefetch_related(
        Prefetch("repairs", queryset=RepairRequest.objects.select_related("requested_by", "decided_by"))
    ).order_by("-effective_from", "-pk")


@dataclass
class SubjectView:
    id_number: str
    subject: CreditSubject | None
    shown_number: str
    public: list[CreditRecord]
    internal: list[CreditRecord] | None  # None: the caller may not see the internal part


def subject_view(user, id_number: str, at: dt.datetime | None = None) -> SubjectView | None:
    """A subject's credit page; None when the number is not a valid ID or credit code."""
    number = normalised_number(id_number)
    if number is None:
        return None
    at = at or timezone.now()
    subject = CreditSubject.objects.filter(id_number=number).first()
    kind = subject.kind if subject else identify(number)[0]
    staff = policy.is_staff(user)
    public = list(public_records(number, at)) if subject else []
    internal = list(all_records(number)) if staff and subject else ([] if staff else None)
    for row in [*public, *(internal or [])]:
        row.state = record_state(row, at)
    shown = number if staff or number in policy.subject_numbers_of(user) else mask_number(number, kind)
    return SubjectView(id_number=number, subject=subject, shown_number=shown, public=public, internal=internal)


# -- the applicant -------------------------------------------------------------------------------------

def my_records(user, at: dt.datetime | None = None) -> list[CreditRecord]:
    """Every record of the subjects the applicant's account acts for, with what a repair needs to know."""
    at = at or timezone.now()
    numbers = policy.subject_numbers_of(user)
    rows = list(all_records_of(numbers))
    for row in rows:
        row.state = record_state(row, at)
        row.pending_repair = next((r for r in row.repairs.all() if r.status == RepairStatus.PENDING), None)
        row.repairable_from = row.effective_from + dt.timedelta(days=row.kind.repair_after_days)
        row.may_repair = (row.kind.repairable and row.state == RecordState.IN_EFFECT and row.pending_repair is None
                          and at >= row.repairable_from)
    return rows


def all_records_of(numbers) -> QuerySet[CreditRecord]:
    return _with_kinds(CreditRecord.objects.filter(id_number__in=list(numbers))).prefetch_related(
        Prefetch("repairs", queryset=RepairRequest.objects.select_related("requested_by", "decided_by"))
    ).order_by("-effective_from", "-pk")


def my_record(user, number: str) -> CreditRecord | None:
    numbers = list(policy.subject_numbers_of(user))
    return CreditRecord.objects.filter(number=clean(number, 30), id_number__in=numbers).select_related("kind").first()


# -- the credit officer's desk -------------------------------------------------------------------------

DESK_STATES = ("in_effect", "expired", "repaired", "lifted")


def regulator_department(user) -> int | None:
    return department_of(user) if has_role(user, RoleCode.REGULATOR) else None


def may_use_desk(user) -> bool:
    return policy.is_credit_officer(user) or regulator_department(user) is not None


def desk_records(user, *, source: str = "", severity: str = "", state: str = "", query: str = "",
                 at: dt.datetime | None = None) -> QuerySet[CreditRecord]:
    """The records a desk user may see (a credit officer every one, a regulator its department's),
    filtered; newest first."""
    at = at or timezone.now()
    qs = CreditRecord.objects.select_related("subject", "kind", "department")
    if not policy.is_credit_officer(user):
        department = regulator_department(user)
        if department is None:
            return qs.none()
        qs = qs.filter(department_id=department)
    if source:
        qs = qs.filter(source=source)
    if severity:
        qs = qs.filter(severity=severity)
    if state == "in_effect":
        qs = qs.filter(in_effect(at))
    elif state == "expired":
        qs = qs.filter(expired(at))
    elif state in (RecordStatus.REPAIRED, RecordStatus.LIFTED):
        qs = qs.filter(status=state)
    query = clean(query)
    if query:
        qs = qs.filter(Q(number=query.upper()) | Q(id_number=query.upper()) | Q(subject__name__icontains=query)
                       | Q(title__icontains=query))
    return qs.order_by("-created_at", "-pk")


def desk_record(user, number: str) -> CreditRecord | None:
    return desk_records(user).filter(number=clean(number, 30)).first()


def pending_repairs(user) -> QuerySet[RepairRequest]:
    if not policy.is_credit_officer(user):
        return RepairRequest.objects.none()
    return (RepairRequest.objects.filter(status=RepairStatus.PENDING)
            .select_related("record__kind", "record__subject", "requested_by").order_by("requested_at", "pk"))


def repair_for(user, pk: int) -> RepairRequest | None:
    """A repair request: its decider (a credit officer) or the account that asked sees it."""
    qs = RepairRequest.objects.select_related("record__kind", "record__subject", "requested_by")
    if policy.is_credit_officer(user):
        return qs.filter(pk=pk).first()
    if getattr(user, "is_authenticated", False):
        return qs.filter(pk=pk, requested_by=user).first()
    return None
