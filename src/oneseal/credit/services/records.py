"""Subjects and records: recording, lifting (which lifts the record's measures with it)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from oneseal.kernel import audit, events, identity
from oneseal.kernel.errors import DomainError, FieldIssue, ValidationFailed
from oneseal.kernel.sequences import next_serial

from .. import policy
from ..models import CreditRecord, CreditSequence, CreditSubject, RecordKind, RecordStatus, SubjectKind


def identify(id_number: str, field: str = "id_number") -> tuple[str, str]:
    """(kind, normalised number): a valid citizen ID is a person, else it must be a valid unified
    social credit code (an organisation); the error names the field."""
    number = str(id_number or "").strip().upper()
    if identity.is_valid_citizen_id(number):
        return SubjectKind.PERSON, identity.validate_citizen_id(number, field=field)
    if number[:17].isdigit() and not identity.is_valid_credit_code(number):
        return SubjectKind.PERSON, identity.validate_citizen_id(number, field=field)  # raises, naming the field
    return SubjectKind.ORGANISATION, identity.validate_credit_code(number, field=field)


def ensure_subject(*, id_number: str, name: str, at: dt.datetime | None = None,
                   legal_representative: str = "") -> CreditSubject:
    """The subject of `id_number`, created on first sight; the number must be a valid citizen ID or
    unified social credit code. Runs inside the caller's transaction."""
    kind, id_number = identify(id_number)
    subject = CreditSubject.objects.filter(id_number=id_number).first()
    if subject is not None:
        return subject
    try:
        with transaction.atomic():
            return CreditSubject.objects.create(kind=kind, id_number=id_number,
                                                name=name.strip()[:200] or id_number,
                                                legal_representative=legal_representative[:60],
                                                created_at=at or timezone.now())
    except IntegrityError:  # created concurrently
        return CreditSubject.objects.get(id_number=id_number)


@dataclass(frozen=True)
class NewRecord:
    """What a record says; `effective_until` defaults to the kind's period of effect."""

    id_number: str
    subject_name: str
    kind: str  # RecordKind.code
    title: str
    facts: str
    authority: str
    decided_on: dt.date
    legal_basis: str = ""
    department_id: int | None = None
    effective_from: dt.datetime | None = None
    effective_until: dt.datetime | None = None
    source_ref: str | None = None


def _record_number(at: dt.datetime) -> str:
    year = timezone.localtime(at).year
    return f"XY-{year}-{next_serial(CreditSequence, f'record:{year}'):07d}"


def _check(new: NewRecord) -> RecordKind:
    issues = []
    kind = RecordKind.objects.filter(code=new.kind).first()
    if kind is None:
        issues.append(FieldIssue(field="kind", code="unknown_kind", message=_("Unknown record kind."),
                                 params={}))
    for field, value, limit in (("title", new.title, 200), ("facts", new.facts, 4000),
                                ("authority", new.authority, 200), ("subject_name", new.subject_name, 200)):
        if not str(value or "").strip():
            issues.append(FieldIssue(field=field, code="required", message=_("This field is required."),
                                     params={}))
        elif len(str(value)) > limit:
            issues.append(FieldIssue(field=field, code="too_long",
                                     message=_("At most %(limit)s characters."), params={"limit": limit}))
    if new.effective_until and new.effective_from and new.effective_until <= new.effective_from:
        issues.append(FieldIssue(field="effective_until", code="ends_before_start",
                                 message=_("A record must end after it starts."), params={}))
    if issues:
        raise ValidationFailed(issues, _("The record has errors; nothing was recorded."))
    return kind


def record(*, actor, new: NewRecord, now: dt.datetime | None = None, authorised: bool = False) -> CreditRecord:
    """Record a breach of trust on a subject. A credit officer records any; a regulator those of its own
    department; other apps' events (a regulator's finding, a false commitment, an inspection) pass
    `authorised` because the command that produced them was authorised. The same `source_ref` twice
    gives back the first record."""
    if not authorised:
        policy.require_officer_or_regulator_of(actor, new.department_id, _("record credit"))
    kind = _check(new)
    now = now or timezone.now()
    with transaction.atomic():
        if new.source_ref:
            existing = CreditRecord.objects.filter(source_ref=new.source_ref).first()
            if existing is not None:
                return existing
        subject = ensure_subject(id_number=new.id_number, name=new.subject_name, at=now)
        start = new.effective_from or now
        until = new.effective_until
        if until is None and kind.effect_days:
            until = start + dt.timedelta(days=kind.effect_days)
        row = CreditRecord.objects.create(
            number=_record_number(now), subject=subject, id_number=subject.id_number, kind=kind, source=kind.source,
            severity=kind.severity, title=new.title.strip(), facts=new.facts.strip(),
            legal_basis=new.legal_basis.strip(), authority=new.authority.strip(), department_id=new.department_id,
            decided_on=new.decided_on, effective_from=start, effective_until=until, public=kind.public,
            source_ref=new.source_ref or None, created_at=now,
            created_by=actor if getattr(actor, "is_authenticated", False) else None)
        audit.record(actor=actor, action="credit.recorded", target=row,
                     data={"number": row.number, "subject": subject.id_number, "kind": kind.code,
                           "severity": row.severity, "source_ref": row.source_ref})
        events.record("credit.recorded", {"record": row.pk, "number": row.number, "subject": subject.id_number,
                                          "kind": kind.code, "severity": row.severity},
                      aggregate=f"credit.CreditRecord:{row.pk}", at=now)
    return row


def _locked(record_: CreditRecord) -> CreditRecord:
    return CreditRecord.objects.select_for_update().get(pk=record_.pk)


def end_record(*, actor, record_: CreditRecord, status: str, reason: str, now: dt.datetime | None = None
               ) -> CreditRecord:
    """Lift a record (移出: wrongly recorded, or the court took the subject off its list) or mark it
    repaired; its measures stop binding at once. Only a record in effect can end."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("reason_required", _("Say why the record ends."), field="reason")
    if status not in (RecordStatus.LIFTED, RecordStatus.REPAIRED):
        raise DomainError("unknown_status", _("A record is lifted or repaired."), field="status")
    now = now or timezone.now()
    with transaction.atomic():
        row = _locked(record_)
        if row.status != RecordStatus.ACTIVE:
            raise DomainError("record_not_active", _("This record is no longer in effect."), field="status")
        row.status, row.ended_at, row.ended_reason = status, now, reason[:500]
        row.save(update_fields=["status", "ended_at", "ended_reason"])
        audit.record(actor=actor, action=f"credit.{status}", target=row, data={"number": row.number, "reason": reason})
        events.record(f"credit.{status}", {"record": row.pk, "number": row.number, "subject": row.id_number},
                      aggregate=f"credit.CreditRecord:{row.pk}", at=now)
    return row


def lift_record(*, actor, record_: CreditRecord, reason: str, now: dt.datetime | None = None) -> CreditRecord:
    policy.require_officer_or_regulator_of(actor, record_.department_id, _("lift credit records"))
    return end_record(actor=actor, record_=record_, status=RecordStatus.LIFTED, reason=reason, now=now)
