"""Subjects and records: recording, lifting (which lifts the record's measures with it), credit repair
(信用修复) and the import of records from a sheet."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import IO, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from oneseal.kernel import audit, events, identity
from oneseal.kernel.errors import DomainError, FieldIssue, PermissionDeniedError, ValidationFailed
from oneseal.kernel.sequences import next_serial
from oneseal.kernel.uploads import check_upload, max_upload_bytes

from .. import policy
from ..models import (
    CreditRecord,
    CreditSequence,
    CreditSubject,
    RecordKind,
    RecordStatus,
    RepairRequest,
    RepairStatus,
    SubjectKind,
)


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


EARLIEST_YEAR, LATEST_YEAR = 1949, 2199  # dates outside are typing errors (and would overflow arithmetic)


def _nul_issue(field: str) -> FieldIssue:
    return FieldIssue(field=field, code="nul_character",
                      message=_("The input contains a NUL character, which is not allowed."), params={})


def _no_nul(value: str, field: str) -> None:
    if "\x00" in (value or ""):
        raise ValidationFailed([_nul_issue(field)])


def _check(new: NewRecord) -> RecordKind:
    issues = []
    kind = RecordKind.objects.filter(code=new.kind).first() if "\x00" not in str(new.kind) else None
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
    if len(new.legal_basis or "") > 500:
        issues.append(FieldIssue(field="legal_basis", code="too_long", message=_("At most %(limit)s characters."),
                                 params={"limit": 500}))
    for field in ("id_number", "subject_name", "title", "facts", "authority", "legal_basis", "source_ref"):
        if "\x00" in str(getattr(new, field) or ""):
            issues.append(_nul_issue(field))
    for field in ("decided_on", "effective_from", "effective_until"):
        value = getattr(new, field)
        if value is not None and not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
            issues.append(FieldIssue(field=field, code="out_of_range",
                                     message=_("The date must lie between %(first)s and %(last)s."),
                                     params={"first": EARLIEST_YEAR, "last": LATEST_YEAR}))
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
        if until is not None and until <= start:
            raise DomainError("ends_before_start", _("A record must end after it starts."), field="effective_until")
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
    _no_nul(reason, "reason")
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
    """A credit officer, or a regulator of the record's department, lifts it with a reason. A repair
    request still pending has nothing left to repair: it is closed (not refused), with the lifting's reason."""
    policy.require_officer_or_regulator_of(actor, record_.department_id, _("lift credit records"))
    now = now or timezone.now()
    with transaction.atomic():
        row = end_record(actor=actor, record_=record_, status=RecordStatus.LIFTED, reason=reason, now=now)
        RepairRequest.objects.filter(record=row, status=RepairStatus.PENDING).update(
            status=RepairStatus.CLOSED, decided_by=actor, decided_at=now, decision_reason=row.ended_reason)
    return row


# -- credit repair (信用修复) -------------------------------------------------------------------------

def _in_effect(row: CreditRecord, at: dt.datetime) -> bool:
    return (row.status == RecordStatus.ACTIVE and row.effective_from <= at
            and (row.effective_until is None or row.effective_until > at))


def request_repair(*, actor, record_: CreditRecord, statement: str, evidence: IO[bytes] | None,
                   evidence_name: str = "", evidence_size: int | None = None,
                   now: dt.datetime | None = None) -> RepairRequest:
    """The subject asks to repair a record (信用修复): it has corrected the breach and says how, with a
    proof. Only the applicant account of the record's subject asks; the record's kind must be repairable,
    the record in effect and public for at least the kind's `repair_after_days`, and no other request of
    it pending (the database holds one pending request per record). The evidence file is checked before
    anything is written (kernel.uploads), as a case's materials are."""
    if record_.id_number not in policy.subject_numbers_of(actor):
        raise PermissionDeniedError("forbidden", _("Only the record's subject may ask to repair it."), field="actor")
    now = now or timezone.now()
    statement = (statement or "").strip()
    issues = []
    if not statement:
        issues.append(FieldIssue(field="statement", code="required", message=_("This field is required.")))
    elif len(statement) > 4000:
        issues.append(FieldIssue(field="statement", code="too_long", message=_("At most %(limit)s characters."),
                                 params={"limit": 4000}))
    elif "\x00" in statement:
        issues.append(_nul_issue("statement"))
    if evidence is None:
        issues.append(FieldIssue(field="evidence", code="required",
                                 message=_("Attach the proof that the breach was corrected.")))
    if issues:
        raise ValidationFailed(issues, _("The repair request has errors; nothing was sent."))
    kind = record_.kind
    if not kind.repairable:
        raise DomainError("not_repairable", _("Records of this kind cannot be repaired; they end when lifted."),
                          field="record")
    if not _in_effect(record_, now):
        raise DomainError("record_not_in_effect", _("Only a record in effect can be repaired."), field="record")
    earliest = record_.effective_from + dt.timedelta(days=kind.repair_after_days)
    if now < earliest:
        raise DomainError("repair_too_early", _("This record can be repaired from %(date)s."), field="record",
                          date=timezone.localtime(earliest).date().isoformat())
    checked = check_upload(evidence, evidence_name or "evidence", field="evidence", declared_size=evidence_size)
    with transaction.atomic():
        row = _locked(record_)
        if not _in_effect(row, now):
            raise DomainError("record_not_in_effect", _("Only a record in effect can be repaired."), field="record")
        if RepairRequest.objects.filter(record=row, status=RepairStatus.PENDING).exists():
            raise DomainError("repair_pending", _("A repair request of this record is already waiting for a "
                                                  "decision."), field="record")
        stored = checked.store()
        request = RepairRequest.objects.create(
            record=row, statement=statement, evidence_path=stored.path, evidence_sha256=stored.sha256,
            evidence_name=stored.original_name, requested_by=actor, requested_at=now)
        audit.record(actor=actor, action="credit.repair_requested", target=request,
                     data={"record": row.number, "evidence_sha256": stored.sha256})
        events.record("credit.repair_requested", {"repair": request.pk, "record": row.pk, "number": row.number,
                                                  "subject": row.id_number},
                      aggregate=f"credit.CreditRecord:{row.pk}", at=now)
    return request


def decide_repair(*, actor, request: RepairRequest, approve: bool, reason: str,
                  now: dt.datetime | None = None) -> RepairRequest:
    """A credit officer decides a pending repair request, with a reason either way; approving ends the
    record as repaired (`end_record`), so its measures stop binding at once."""
    policy.require_credit_officer(actor, _("decide repair requests"))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("reason_required", _("Say why the request is granted or refused."), field="reason")
    if len(reason) > 500:
        raise DomainError("too_long", _("At most %(limit)s characters."), field="reason", limit=500)
    _no_nul(reason, "reason")
    if not isinstance(approve, bool):
        raise DomainError("decision_required", _("Choose to repair or to refuse."), field="approve")
    now = now or timezone.now()
    with transaction.atomic():
        locked = RepairRequest.objects.select_for_update().select_related("record").get(pk=request.pk)
        if locked.status != RepairStatus.PENDING:
            raise DomainError("repair_not_pending", _("This repair request was already decided."), field="status")
        if approve and not _in_effect(locked.record, now):
            raise DomainError("record_not_in_effect", _("The record no longer binds (it expired or ended): refuse "
                                                        "the request instead."), field="approve")
        if approve:
            end_record(actor=actor, record_=locked.record, status=RecordStatus.REPAIRED, reason=reason, now=now)
        locked.status = RepairStatus.APPROVED if approve else RepairStatus.REJECTED
        locked.decided_by, locked.decided_at, locked.decision_reason = actor, now, reason
        locked.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
        audit.record(actor=actor, action=f"credit.repair_{locked.status}", target=locked,
                     data={"record": locked.record.number, "reason": reason})
        events.record(f"credit.repair_{locked.status}", {"repair": locked.pk, "record": locked.record_id,
                                                         "number": locked.record.number,
                                                         "subject": locked.record.id_number},
                      aggregate=f"credit.CreditRecord:{locked.record_id}", at=now)
    return locked


# -- import (CSV or XLSX) ----------------------------------------------------------------------------

IMPORT_COLUMNS = ("id_number", "subject_name", "kind", "title", "facts", "authority", "decided_on",
                  "effective_from", "effective_until", "legal_basis")
REQUIRED_COLUMNS = IMPORT_COLUMNS[:7]
MAX_IMPORT_ROWS = 20_000
_LIMITS = {"subject_name": 200, "title": 200, "facts": 4000, "authority": 200, "legal_basis": 500}


@dataclass(frozen=True)
class ImportResult:
    sha256: str
    rows: int
    created: int
    existing: int  # rows recorded by an earlier import of the same file


def _sheet_rows(content: bytes, filename: str) -> list[list[Any]]:
    """The rows of the first sheet (XLSX) or of the CSV (UTF-8, with or without BOM, or GB 18030 as
    Chinese Excel saves it)."""
    if content[:2] == b"PK" or filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many types for a broken package
            raise DomainError("unreadable_file", _("The file is not a readable XLSX workbook."),
                              field="file") from error
        try:
            sheet = book.worksheets[0]
            return [list(row) for row in sheet.iter_rows(values_only=True)]
        finally:
            book.close()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise DomainError("unreadable_file", _("The CSV file is neither UTF-8 nor GB 18030 text."), field="file")
    if "\x00" in text:
        raise DomainError("unreadable_file", _("The CSV file is neither UTF-8 nor GB 18030 text."), field="file")
    try:
        return [list(row) for row in csv.reader(io.StringIO(text))]
    except csv.Error as error:
        raise DomainError("unreadable_file", _("The CSV file could not be read: %(error)s"), field="file",
                          error=str(error)[:200]) from None


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _cell_date(value: Any) -> dt.date | None:
    """A date cell: a spreadsheet date, or text as 2026-03-01 / 2026/3/1 / 20260301."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _cell_text(value)
    for pattern in ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y.%m.%d"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def local_day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()), timezone.get_default_timezone())


def period_of_days(first: dt.date, last: dt.date | None) -> tuple[dt.datetime, dt.datetime | None]:
    """A period given in days (a sheet's cells, a form's dates): from the first day's start to the end of
    the last day (the next midnight, local time), open-ended without a last day."""
    return local_day_start(first), local_day_start(last + dt.timedelta(days=1)) if last else None


def _row_record(values: dict[str, Any], row: int, kinds: dict[str, RecordKind], today: dt.date,
                issues: list[FieldIssue]) -> NewRecord | None:
    """One sheet row as a NewRecord, or its problems appended to `issues` (each naming row and column)."""
    found: list[FieldIssue] = []

    def issue(column: str, error_code: str, message, **params) -> None:
        found.append(FieldIssue(field=column, code=error_code, message=message, params=params, row=row,
                                column=column))

    text = {c: _cell_text(values.get(c)) for c in IMPORT_COLUMNS}
    for column, value in text.items():
        if "\x00" in value:
            issue(column, "nul_character", _("The input contains a NUL character, which is not allowed."))
            text[column] = value.replace("\x00", "")
    id_number = ""
    try:
        _kind, id_number = identify(text["id_number"], field="id_number")
    except DomainError as error:
        issue("id_number", error.code, error.message, **error.params)
    for column in REQUIRED_COLUMNS:
        if column not in ("id_number", "decided_on") and not text[column]:
            issue(column, "required", _("This field is required."))
    for column, limit in _LIMITS.items():
        if len(text[column]) > limit:
            issue(column, "too_long", _("At most %(limit)s characters."), limit=limit)
    if text["kind"] and text["kind"] not in kinds:
        issue("kind", "unknown_kind", _("Unknown record kind %(kind)s."), kind=text["kind"][:40])
    dates: dict[str, dt.date | None] = {}
    for column in ("decided_on", "effective_from", "effective_until"):
        dates[column] = None
        if not _cell_text(values.get(column)):
            if column == "decided_on":
                issue(column, "required", _("This field is required."))
            continue
        try:
            dates[column] = _cell_date(values[column])
        except ValueError:
            issue(column, "invalid_date", _("Write a date as YYYY-MM-DD."))
    for column, day in dates.items():
        if day is not None and not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
            issue(column, "out_of_range", _("The date must lie between %(first)s and %(last)s."),
                  first=EARLIEST_YEAR, last=LATEST_YEAR)
            dates[column] = None
    if dates["decided_on"] and dates["decided_on"] > today:
        issue("decided_on", "in_future", _("A decision date cannot be in the future."))
    start = dates["effective_from"] or dates["decided_on"]
    if dates["effective_until"] and start and dates["effective_until"] < start:
        issue("effective_until", "ends_before_start", _("A record must end after it starts."))
    if found:
        issues.extend(found)
        return None
    start_at, until_at = period_of_days(start, dates["effective_until"])
    return NewRecord(
        id_number=id_number, subject_name=text["subject_name"], kind=text["kind"], title=text["title"],
        facts=text["facts"], authority=text["authority"], decided_on=dates["decided_on"],
        legal_basis=text["legal_basis"], effective_from=start_at, effective_until=until_at)


def parse_import(content: bytes, filename: str, *, today: dt.date) -> list[tuple[int, NewRecord]]:
    """Every data row of the sheet as (row number, NewRecord); every bad cell raises together, as one
    ValidationFailed whose issues name the row (as the spreadsheet numbers it) and the column."""
    rows = _sheet_rows(content, filename)
    if not rows:
        raise ValidationFailed([FieldIssue(field="file", code="empty", message=_("The file has no rows."),
                                           row=1, column="")], _("The import has errors; nothing was recorded."))
    header = [_cell_text(c).lower() for c in rows[0]]
    issues = [FieldIssue(field=c, code="missing_column", message=_("The column %(column)s is missing."),
                         params={"column": c}, row=1, column=c) for c in REQUIRED_COLUMNS if c not in header]
    if issues:
        raise ValidationFailed(issues, _("The import has errors; nothing was recorded."))
    index = {c: header.index(c) for c in IMPORT_COLUMNS if c in header}
    kinds = {k.code: k for k in RecordKind.objects.all()}
    parsed: list[tuple[int, NewRecord]] = []
    data_rows = [(n, r) for n, r in enumerate(rows[1:], start=2) if any(_cell_text(c) for c in r)]
    if len(data_rows) > MAX_IMPORT_ROWS:
        raise ValidationFailed([FieldIssue(field="file", code="too_many_rows",
                                           message=_("At most %(limit)s rows per file."),
                                           params={"limit": MAX_IMPORT_ROWS}, row=len(rows), column="")],
                               _("The import has errors; nothing was recorded."))
    if not data_rows:
        raise ValidationFailed([FieldIssue(field="file", code="empty", message=_("The file has no rows."),
                                           row=2, column="")], _("The import has errors; nothing was recorded."))
    for number, cells in data_rows:
        values = {c: (cells[i] if i < len(cells) else None) for c, i in index.items()}
        new = _row_record(values, number, kinds, today, issues)
        if new is not None:
            parsed.append((number, new))
    if issues:
        raise ValidationFailed(issues, _("The import has errors; nothing was recorded."))
    return parsed


def import_records(*, actor, content: bytes, filename: str, now: dt.datetime | None = None,
                   progress: Callable[[int, int], None] | None = None) -> ImportResult:
    """A credit officer imports records from a CSV or XLSX sheet (columns: IMPORT_COLUMNS, the last three
    optional). All or nothing: any bad cell refuses the whole file, each problem naming its row and
    column. Each row's source is `import:<sha256 of the file>:<row>`, so importing the same file again
    records nothing new. `progress(done, total)` is called after each row (the command's bar)."""
    policy.require_credit_officer(actor, _("import credit records"))
    if len(content) > max_upload_bytes():
        raise DomainError("file_too_large", _("%(name)s is larger than %(limit)s MB."), field="file",
                          name=filename, limit=max_upload_bytes() // (1024 * 1024))
    if not content:
        raise DomainError("file_empty", _("%(name)s is empty."), field="file", name=filename)
    now = now or timezone.now()
    sha = hashlib.sha256(content).hexdigest()
    parsed = parse_import(content, filename, today=timezone.localtime(now).date())
    refs = {f"import:{sha}:{number}" for number, _new in parsed}
    with transaction.atomic():
        already = set(CreditRecord.objects.filter(source_ref__in=refs).values_list("source_ref", flat=True))
        created = 0
        for done, (number, new) in enumerate(parsed, start=1):
            ref = f"import:{sha}:{number}"
            if ref not in already:
                record(actor=actor, new=replace(new, source_ref=ref), now=now, authorised=True)
                created += 1
            if progress is not None:
                progress(done, len(parsed))
        audit.record(actor=actor, action="credit.imported", data={
            "file": filename[:200], "sha256": sha, "rows": len(parsed), "created": created})
    return ImportResult(sha256=sha, rows=len(parsed), created=created, existing=len(parsed) - created)
