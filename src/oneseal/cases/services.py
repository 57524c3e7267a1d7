"""Every write to a case: one function per command, one transaction, one audit entry, one timeline
event. The rules come from the Administrative Licensing Law as DOMAIN.md §4 reads it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import IO, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from oneseal.accounts.roles import RoleCode
from oneseal.catalog.models import ItemStatus, ItemVersion, LimitUnit, ServiceItem
from oneseal.kernel import audit, events, identity, rows, workcal
from oneseal.kernel.errors import DomainError, FieldIssue, ValidationFailed
from oneseal.kernel.fielderrors import check_json_form
from oneseal.kernel.uploads import StoredFile, check_upload, upload_root

from . import checks, clock, fees, policy
from .lifecycle import Action, next_status
from .models import (
    Applicant,
    ApplicantKind,
    Case,
    CaseEvent,
    CaseFlag,
    CaseMaterial,
    CaseStatus,
    CaseTask,
    Channel,
    ClockPause,
    Decision,
    Delivery,
    DeliveryMethod,
    FlagStage,
    Notice,
    NoticeKind,
    PauseKind,
    SupplementOverride,
    Visit,
    VisitKind,
)
from .numbering import next_case_number, next_notice_number

IN_PERSON = {Channel.WINDOW, Channel.KIOSK}
ISSUE_WITHIN_DAYS = 10  # Art. 44
DEFAULT_EXTENSION_DAYS = 10  # Art. 42


@dataclass(frozen=True)
class MaterialUpload:
    """One file the applicant hands in, for one material of the item's list."""

    material: str
    stream: IO[bytes]
    filename: str
    size: int | None = None


@dataclass(frozen=True)
class ReusedMaterial:
    """A material satisfied by a file that is already stored and was checked when it first came in: a
    bundle's shared material (一事联办, one set of materials) or an electronic licence (免提交). `source`
    says where it came from, e.g. ``bundle:12`` or ``licence:<number>``."""

    material: str
    file: StoredFile
    source: str


@dataclass(frozen=True)
class CommitmentWaiver:
    """The applicant signed commitments instead of these proofs (告知承诺); `reference` names the signed
    commitment (kept by the credit app), e.g. ``commitment:7``. The case runs the commitment procedure."""

    reference: str
    materials: tuple[str, ...] = ()


# -- helpers -------------------------------------------------------------------------------------

def _event(case: Case, action: str, actor, at: dt.datetime, note: str = "", *, writes: rows.Batch | None = None,
           **data: Any) -> None:
    """The step's timeline event, audit entry and outbox event, sent with the command's other queued
    `writes` in one round trip (kernel.rows.Batch); the command's last write."""
    writes = writes or rows.Batch()
    user = actor if getattr(actor, "is_authenticated", False) else None
    writes.insert(CaseEvent(case=case, at=at, action=action, actor=user, status_after=case.status, note=note,
                            data=json.loads(json.dumps(data, default=str))))
    audit.record(actor=actor, action=f"cases.{action}", target=case,
                 data={"number": case.number, "status": case.status, **data}, writes=writes)
    # Other apps (licences, regulator pushes, bundles) learn of it through the outbox; nothing is
    # written when no app subscribes to this action.
    events.record(f"cases.{action}", {"case": case.pk, "number": case.number, "item": case.item_id,
                                      "applicant": case.applicant_id, "status": case.status, **data},
                  aggregate=f"cases.Case:{case.pk}", at=at, writes=writes)
    writes.flush()


_LOCK_RELATED = ("item", "applicant", "hall", "item_version")
# What a step and its caller's answer read of the live item; the rest of its ~45 fields stay deferred
# (the case's own version snapshot holds what the item said when it was applied for).
_LOCK_ITEM_FIELDS = {"item": ("code", "name", "name_en", "status", "implementing_body", "procedure")}
_WAITING_FOR_SUPPLEMENT = (
    f"EXISTS (SELECT 1 FROM {ClockPause._meta.db_table} p WHERE p.case_id = t0.id AND p.ended_at IS NULL "
    "AND p.kind = %s)", [PauseKind.SUPPLEMENT])


def _locked(case: Case, *related: str, waiting: bool = False) -> Case:
    """Re-read the case under a row lock: two clerks acting at once are serialised here.

    `related` names the rows the command reads with it (item, applicant, hall, item_version; by
    default all four); with `waiting`, whether the case waits for the applicant's supplement
    comes in the same statement (as `waiting_for_supplement`). Every step of every case starts
    here, so the statement is built once (kernel.rows), not by the ORM on each call.
    """
    loader = rows.Loader(Case, related or _LOCK_RELATED, lock=True, only=_LOCK_ITEM_FIELDS,
                         extra={"waiting_for_supplement": _WAITING_FOR_SUPPLEMENT} if waiting else None)
    locked = loader.get(case.pk)
    if waiting:
        locked.waiting_for_supplement = bool(locked.waiting_for_supplement)
    return locked


_CLOSE_TASKS = (f"UPDATE {CaseTask._meta.db_table} SET completed_at = %s, completed_by_id = %s "
                "WHERE case_id = %s AND completed_at IS NULL AND task_id IN ({ids})")


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _issue_notice(case: Case, kind: str, actor, at: dt.datetime, *, writes: rows.Batch = rows.NOW,
                  **content: Any) -> Notice:
    return writes.insert(Notice(case=case, kind=kind, number=next_notice_number(kind, at.year), issued_at=at,
                              issued_by=_user(actor), content=json.loads(json.dumps(content, default=str))))


def refresh_due(*, case: Case, now: dt.datetime | None = None) -> bool:
    """Recompute and store the case's due time; True if it changed."""
    reading = clock.compute(clock.clock_of(case), now)
    if (case.due_at, case.due_provisional) == (reading.due_at, reading.provisional):
        return False
    Case.objects.filter(pk=case.pk).update(due_at=reading.due_at, due_provisional=reading.provisional)
    case.due_at, case.due_provisional = reading.due_at, reading.provisional
    return True


def _workflow():
    from .workflow import engine

    return engine


def _advance_tasks(case: Case, before: list, after: list, at: dt.datetime, actor=None,
                   writes: rows.Batch = rows.NOW) -> None:
    """Move the inbox from the ready tasks `before` a step to those `after` it, without reading it
    back: the open entries of a case are always its workflow's ready tasks."""
    after_ids = {t.id for t in after}
    closed = [t.id for t in before if t.id not in after_ids]
    if closed:
        user = _user(actor)
        writes.execute(_CLOSE_TASKS.format(ids=", ".join(["%s"] * len(closed))), [
            rows.db_value(CaseTask, "completed_at", at), user.pk if user else None, case.pk, *closed])
    before_ids = {t.id for t in before}
    opened = [t for t in after if t.id not in before_ids]
    if opened:
        writes.insert_many([
            CaseTask(case=case, task_id=t.id, spec_name=t.spec_name, title=str(t.title)[:120], lane=t.lane,
                     kind=t.kind, special_procedure=t.special_procedure or "",
                     department_id=case.item.implementing_body_id, ready_at=at)
            for t in opened])


# -- applicants ----------------------------------------------------------------------------------

@transaction.atomic
def register_applicant(*, actor, kind: str, name: str, id_number: str, legal_representative: str = "",
                       phone: str = "", user=None) -> Applicant:
    """Find or create an applicant by ID number (citizen) or unified social credit code (organisation)."""
    if kind not in ApplicantKind.values:
        raise DomainError("unknown_applicant_kind", _("Unknown kind of applicant."), field="kind")
    if not name.strip():
        raise DomainError("required", _("The applicant's name is required."), field="name")
    if kind == ApplicantKind.PERSON:
        number = identity.validate_citizen_id(id_number, field="id_number")
    else:
        number = identity.validate_credit_code(id_number, field="id_number")
        if not legal_representative.strip():
            raise DomainError("required", _("An organisation's legal representative is required."),
                              field="legal_representative")
    applicant, created = Applicant.objects.get_or_create(
        kind=kind, id_number=number,
        defaults={"name": name.strip(), "legal_representative": legal_representative.strip(), "phone": phone,
                  "user": user},
    )
    if not created and user is not None and applicant.user_id is None:
        applicant.user = user
        applicant.save(update_fields=["user"])
    if created:
        audit.record(actor=actor, action="cases.applicant_registered", target=applicant, data={"kind": kind})
    return applicant


@transaction.atomic
def sign_up_applicant(*, username: str, password: str, kind: str, name: str, id_number: str,
                      legal_representative: str = "", phone: str = ""):
    """Open an online account and its applicant record together (one transaction).

    An ID number that already has an applicant record is not bound to a new account online: whoever
    knows a number could otherwise act for its holder. Such an applicant links the account at a
    window, where the clerk checks the ID in person.
    """
    from oneseal.accounts.services import create_applicant_account

    normalised = (identity.validate_citizen_id(id_number, field="id_number") if kind == ApplicantKind.PERSON
                  else identity.validate_credit_code(id_number, field="id_number")
                  if kind == ApplicantKind.ORGANISATION else id_number)
    if Applicant.objects.filter(kind=kind, id_number=normalised).exists():
        raise DomainError("applicant_exists",
                          _("This ID number already has an applicant record; link your account at a service "
                            "window with your ID."), field="id_number")
    user = create_applicant_account(actor=None, username=username, password=password)
    applicant = register_applicant(actor=user, kind=kind, name=name, id_number=id_number,
                                   legal_representative=legal_representative, phone=phone, user=user)
    return user, applicant


# -- submission ----------------------------------------------------------------------------------

def _request_hash(item: ServiceItem, applicant: Applicant, channel: str, form_data: dict,
                  uploads: list[MaterialUpload | ReusedMaterial]) -> str:
    body = {"item": item.code, "applicant": applicant.id_number, "channel": channel, "form": form_data,
            "materials": sorted(u.material for u in uploads)}
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _check_commitment(snapshot: dict, commitment: CommitmentWaiver | None) -> set[str]:
    """The materials a commitment stands in for; only an item that allows commitments takes one, and
    only for the proofs it lists as replaceable."""
    if commitment is None:
        return set()
    if not snapshot.get("commitment") or snapshot.get("high_risk"):
        raise DomainError("commitment_not_allowed", _("This item does not allow commitment approval."),
                          field="commitment")
    replaceable = {m["name"] for m in snapshot.get("materials", []) if m.get("commitment_replaceable")}
    wrong = sorted(set(commitment.materials) - replaceable)
    if wrong:
        raise DomainError("material_not_replaceable", _("“%(name)s” cannot be replaced by a commitment."),
                          field="commitment.materials", name=wrong[0])
    return set(commitment.materials)


def _check_materials(snapshot: dict, uploads: list[MaterialUpload | ReusedMaterial], *, supplement: bool = False,
                     waived: set[str] = frozenset()) -> list:
    """Every required material is there (or waived by a signed commitment), none is beyond the item's
    list, every file passes the checks."""
    listed = {m["name"]: m for m in snapshot.get("materials", [])}
    issues = []
    for index, upload in enumerate(uploads):
        if upload.material not in listed:
            issues.append(FieldIssue(field=f"materials.{index}", code="material_not_listed",
                                     message=_("“%(name)s” is not a material of this item."),
                                     params={"name": upload.material}))
    if not supplement:
        given = {u.material for u in uploads}
        for name, material in listed.items():
            if material.get("required") and name not in given | waived and not material.get("licence_replaceable"):
                issues.append(FieldIssue(field="materials", code="material_missing",
                                         message=_("The required material “%(name)s” is missing."),
                                         params={"name": name}))
    if issues:
        raise ValidationFailed(issues, _("The materials are incomplete or wrong."))
    checked = []
    for index, upload in enumerate(uploads):
        if isinstance(upload, ReusedMaterial):
            if not (upload_root() / upload.file.path).is_file():
                raise DomainError("material_file_missing", _("The stored file for “%(name)s” is missing."),
                                  field=f"materials.{index}", name=upload.material)
            checked.append((upload, None))
            continue
        checked.append((upload, check_upload(upload.stream, upload.filename, field=f"materials.{index}",
                                             declared_size=upload.size)))
    return checked


_LATEST_VERSION = rows.Loader(ItemVersion, where="t0.item_id = %s ORDER BY t0.number DESC LIMIT 1")


def submit_case(*, actor, item: ServiceItem, applicant: Applicant, channel: str, form_data: dict | None = None,
                materials: list[MaterialUpload | ReusedMaterial] = (), hall=None, idempotency_key: str | None = None,
                commitment: CommitmentWaiver | None = None, now: dt.datetime | None = None) -> Case:
    """Receive an application (一号申请). The same Idempotency-Key with the same body gives the same
    case; with another body it is refused. The applicant is checked (joint punishment): a blocking
    finding refuses the application, any other is flagged on the case."""
    form_data = form_data or {}
    now = now or timezone.now()
    uploads = list(materials)
    if channel not in Channel.values:
        raise DomainError("unknown_channel", _("Unknown channel."), field="channel")
    if item.status != ItemStatus.ACTIVE:
        raise DomainError("item_not_in_force", _("The item %(code)s is not in force."), field="item",
                          code=item.code)
    policy.require_may_submit(actor, channel, hall, applicant)
    request_hash = _request_hash(item, applicant, channel, form_data, uploads)
    if idempotency_key:
        existing = Case.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return _same_request(existing, request_hash)
    try:
        version = _LATEST_VERSION.get(item.pk)
    except ItemVersion.DoesNotExist:
        raise DomainError("item_not_published", _("The item %(code)s has no published version."), field="item",
                          code=item.code) from None
    check_json_form(version.snapshot.get("form_schema") or {}, form_data)
    waived = _check_commitment(version.snapshot, commitment)
    checked = _check_materials(version.snapshot, uploads, waived=waived)
    flags = checks.subject_flags(applicant=applicant, item=item, stage=FlagStage.SUBMISSION, at=now)
    checks.refuse_if_blocked(flags)
    try:
        return _create_case(actor=actor, item=item, version=version, applicant=applicant, channel=channel,
                            form_data=form_data, checked=checked, hall=hall, idempotency_key=idempotency_key,
                            request_hash=request_hash, commitment=commitment, flags=flags, now=now)
    except IntegrityError:
        if idempotency_key:  # a concurrent request with the same key won the race
            existing = Case.objects.filter(idempotency_key=idempotency_key).first()
            if existing is not None:
                return _same_request(existing, request_hash)
        raise


def _store_materials(case: Case, checked: list, now: dt.datetime, supplement: bool = False,
                     writes: rows.Batch = rows.NOW) -> None:
    """Write the checked files (by hash) and their rows; runs inside the command's transaction."""
    stored_rows = []
    for upload, checked_upload in checked:
        stored = upload.file if checked_upload is None else checked_upload.store()
        stored_rows.append(CaseMaterial(case=case, name=upload.material, path=stored.path, sha256=stored.sha256,
                                        size=stored.size, content_type=stored.content_type,
                                        original_name=stored.original_name, uploaded_at=now, supplement=supplement,
                                        source=getattr(upload, "source", "")))
    writes.insert_many(stored_rows)


def _same_request(existing: Case, request_hash: str) -> Case:
    if existing.request_hash != request_hash:
        raise DomainError("idempotency_conflict",
                          _("This Idempotency-Key was already used for a different application."),
                          field="Idempotency-Key")
    return existing


@transaction.atomic
def _create_case(*, actor, item, version, applicant, channel, form_data, checked, hall, idempotency_key,
                 request_hash, commitment, flags, now) -> Case:
    snapshot = version.snapshot
    limit_amount, limit_unit = snapshot["committed_limit"].split(" ")
    region = hall.region.code if hall else item.implementing_body.region.code
    case = rows.insert(Case(
        number=next_case_number(region, timezone.localtime(now).date()), item=item, item_version=version,
        applicant=applicant, channel=channel, hall=hall, form_data=form_data, submitted_at=now,
        submitted_by=_user(actor), limit_amount=int(limit_amount), limit_unit=limit_unit,
        procedure="commitment" if commitment else snapshot.get("procedure") or item.procedure,
        idempotency_key=idempotency_key or None, request_hash=request_hash,
        commitment_ref=commitment.reference if commitment else "",
        waived_materials=sorted(commitment.materials) if commitment else [],
    ))
    writes = rows.Batch()
    _store_materials(case, checked, now, writes=writes)
    _record_flags(case, flags, FlagStage.SUBMISSION, now)
    if channel in IN_PERSON:
        writes.insert(Visit(case=case, kind=VisitKind.SUBMIT, at=now, recorded_by=_user(actor)))
    _event(case, "submitted", actor, now, writes=writes, channel=channel, item=item.code, version=version.number,
           materials=[u.material for u, _c in checked],
           **({"commitment": case.commitment_ref, "waived": case.waived_materials} if commitment else {}),
           **({"flags": [f.code for f in flags]} if flags else {}))
    return case


def _record_flags(case: Case, flags: list, stage: str, at: dt.datetime) -> None:
    if flags:
        CaseFlag.objects.bulk_create([
            CaseFlag(case=case, stage=stage, source=f.source, code=f.code, message=str(f.message)[:500],
                     reference=f.reference, blocking=f.blocking, raised_at=at) for f in flags])


# -- acceptance (Art. 32) ------------------------------------------------------------------------

def _start_clock(case: Case, at: dt.datetime, actor=None, writes: rows.Batch = rows.NOW) -> None:
    case.accepted_at = at
    instance = _workflow().new_instance(case.procedure)
    case.workflow_state = instance.state()
    # A clock that starts now has no pauses yet: its due time is computed here and written with the rest.
    reading = clock.compute(clock.ClockInput(at, case.limit_amount, case.limit_unit, case.extension_days,
                                             hours=clock.hours_of(case)), at)
    case.due_at, case.due_provisional = reading.due_at, reading.provisional
    writes.update(case, ["status", "accepted_at", "accepted_by", "deemed_accepted", "workflow_state", "due_at",
                         "due_provisional"])
    _advance_tasks(case, [], instance.ready(), at, actor, writes)  # a new instance: no open entry yet


@transaction.atomic
def accept_case(*, actor, case: Case, now: dt.datetime | None = None) -> Case:
    """受理: the application is complete and within the bureau's remit; the legal clock starts."""
    now = now or timezone.now()
    case = _locked(case, "item", "hall", "item_version")  # the applicant is read only if the item charges
    policy.require_window_clerk(actor, case, _("accept"))
    case.status = next_status(case.status, Action.ACCEPT)
    case.accepted_by = _user(actor)
    writes = rows.Batch()
    _start_clock(case, now, actor, writes)
    notice = _issue_notice(case, NoticeKind.ACCEPTANCE, actor, now, writes=writes, due_at=case.due_at,
                           provisional=case.due_provisional)
    _event(case, "accepted", actor, now, writes=writes, notice=notice.number, due_at=case.due_at)
    _charge(case, actor, now)
    return case


def _charge(case: Case, actor, now: dt.datetime) -> None:
    order = fees.charge(case, actor)
    if order is None:
        return
    notice = _issue_notice(case, NoticeKind.FEE, actor, now, fees=fees.fee_lines(case),
                           payment_code=order.payment_code)
    _event(case, "fee_notice_issued", actor, now, notice=notice.number, payment_code=order.payment_code,
           total_fen=order.total_fen)


@transaction.atomic
def request_supplement(*, actor, case: Case, problems: list[tuple[str, str]], note: str = "",
                       now: dt.datetime | None = None) -> Notice:
    """一次性告知: ONE notice listing every missing or wrong material. A second notice on the same case
    needs a supervisor's override, which is recorded for supervision."""
    now = now or timezone.now()
    case = _locked(case)
    policy.require_window_clerk(actor, case, _("ask for a supplement on"))
    if not problems or any(not m.strip() or not p.strip() for m, p in problems):
        raise DomainError("supplement_needs_problems",
                          _("List every missing or wrong material, each with what is wrong."), field="problems")
    status = next_status(case.status, Action.REQUEST_SUPPLEMENT)
    override = None
    if case.notices.filter(kind=NoticeKind.SUPPLEMENT).exists():
        override = case.overrides.select_for_update().filter(used=False).first()
        if override is None:
            raise DomainError("second_supplement_notice",
                              _("This case already had its one supplement notice (一次性告知); a second one "
                                "needs a supervisor's override."), field="problems")
        override.used = True
        override.save(update_fields=["used"])
    if case.status == CaseStatus.ACCEPTED:
        if case.pauses.filter(ended_at__isnull=True).exists():
            raise DomainError("clock_already_stopped",
                              _("The case is in a special procedure or already waiting for a supplement; ask "
                                "for the supplement when it ends."), field="problems")
        ClockPause.objects.create(case=case, kind=PauseKind.SUPPLEMENT, started_at=now)
    case.status = status
    case.save(update_fields=["status"])
    refresh_due(case=case)
    notice = _issue_notice(case, NoticeKind.SUPPLEMENT, actor, now, note=note,
                           problems=[{"material": m, "problem": p} for m, p in problems])
    _event(case, "supplement_requested", actor, now, notice=notice.number, problems=len(problems),
           override=override.pk if override else None)
    return notice


@transaction.atomic
def grant_supplement_override(*, actor, case: Case, reason: str, now: dt.datetime | None = None
                              ) -> SupplementOverride:
    """A supervisor allows a second supplement notice; supervision sees every such override."""
    policy.require_supervisor(actor, _("allow a second supplement notice"))
    if not reason.strip():
        raise DomainError("reason_required", _("A reason is required."), field="reason")
    now = now or timezone.now()
    override = SupplementOverride.objects.create(case=case, granted_by=actor, reason=reason, granted_at=now)
    _event(case, "supplement_override_granted", actor, now, reason=reason)
    return override


@transaction.atomic
def receive_supplement(*, actor, case: Case, materials: list[MaterialUpload], in_person: bool = True,
                       now: dt.datetime | None = None) -> Case:
    """The applicant hands in what the notice asked for; the clock runs again."""
    now = now or timezone.now()
    case = _locked(case)
    policy.require_applicant_or_clerk(actor, case, _("hand in a supplement for"))
    status = next_status(case.status, Action.RECEIVE_SUPPLEMENT)
    pause = case.pauses.filter(ended_at__isnull=True, kind=PauseKind.SUPPLEMENT).first()
    if case.status == CaseStatus.ACCEPTED and pause is None:
        raise DomainError("no_supplement_requested", _("No supplement was asked for on this case."),
                          field="materials")
    if not materials:
        raise DomainError("supplement_empty", _("Hand in at least one material."), field="materials")
    checked = _check_materials(case.item_version.snapshot, list(materials), supplement=True)
    _store_materials(case, checked, now, supplement=True)
    if pause is not None:
        pause.ended_at = now
        pause.save(update_fields=["ended_at"])
    if in_person:
        Visit.objects.create(case=case, kind=VisitKind.SUPPLEMENT, at=now, recorded_by=_user(actor))
    case.status = status
    case.save(update_fields=["status"])
    refresh_due(case=case)
    _event(case, "supplement_received", actor, now, materials=[u.material for u, _c in checked])
    return case


@transaction.atomic
def refuse_case(*, actor, case: Case, reason: str, legal_basis: str, now: dt.datetime | None = None) -> Notice:
    """不予受理: in writing, with the reason and its legal basis, and the applicant's remedies."""
    now = now or timezone.now()
    case = _locked(case)
    policy.require_window_clerk(actor, case, _("refuse"))
    issues = []
    if not reason.strip():
        issues.append(FieldIssue(field="reason", code="required", message=_("A refusal needs a reason.")))
    if not legal_basis.strip():
        issues.append(FieldIssue(field="legal_basis", code="required",
                                 message=_("A refusal needs its legal basis.")))
    if issues:
        raise ValidationFailed(issues)
    case.status = next_status(case.status, Action.REFUSE)
    case.closed_at = now
    case.save(update_fields=["status", "closed_at"])
    notice = _issue_notice(case, NoticeKind.REFUSAL, actor, now, reason=reason, legal_basis=legal_basis)
    _event(case, "refused", actor, now, notice=notice.number, reason=reason, legal_basis=legal_basis)
    return notice


def deemed_acceptance_start(case: Case) -> dt.datetime:
    """Receipt of the application, or of the supplement that completed it."""
    last = case.events.filter(action="supplement_received").order_by("-at").first()
    return last.at if last else case.submitted_at


@transaction.atomic
def deem_accepted(*, case: Case, now: dt.datetime | None = None) -> bool:
    """Art. 32: no decision on acceptance within 5 working days of receipt → accepted from receipt."""
    now = now or timezone.now()
    case = _locked(case)
    if case.status != CaseStatus.SUBMITTED:
        return False
    received = deemed_acceptance_start(case)
    if clock.deemed_acceptance_deadline(received, clock.hours_of(case)).at > now:
        return False
    case.status = next_status(case.status, Action.DEEM_ACCEPTED)
    case.deemed_accepted = True
    _start_clock(case, received)
    _event(case, "deemed_accepted", "system", now, accepted_from=received, due_at=case.due_at)
    _charge(case, "system", now)
    return True


def deem_overdue_acceptances(now: dt.datetime | None = None) -> int:
    """Run by the worker: every application left without an acceptance decision too long."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=5)  # 5 working days are at least 5 calendar days
    count = 0
    for case in Case.objects.filter(status=CaseStatus.SUBMITTED, submitted_at__lte=cutoff).iterator():
        count += deem_accepted(case=case, now=now)
    return count


# -- back office (BPMN) --------------------------------------------------------------------------

@transaction.atomic
def complete_task(*, actor, case: Case, task_id: str, data: dict | None = None,
                  now: dt.datetime | None = None) -> Case:
    """Complete one ready step of the case's procedure, as the role its lane names.

    A decision step approves or denies (a denial needs reasons and states the remedies, Art. 38).
    Entering a special-procedure step stops the clock and tells the applicant in writing how long
    it takes (Art. 45); leaving it starts the clock again.
    """
    now = now or timezone.now()
    data = dict(data or {})
    case = _locked(case, "item", "applicant", "item_version", waiting=True)  # the hall only if the clock moves
    instance = _workflow().open_instance(case.procedure, case.workflow_state)
    before = instance.ready()
    task = next((t for t in before if t.id == task_id), None)
    if task is None:
        raise DomainError("task_not_ready", _("That step is not waiting to be done on this case."),
                          field="task_id")
    policy.require_lane(actor, case, task.lane, _("do this step on"))
    if case.waiting_for_supplement:
        raise DomainError("waiting_for_supplement", _("The case is waiting for the applicant's supplement."),
                          field="task_id")
    if task.kind == "decision":
        return _decide(actor, case, instance, task, data, now)
    if task.kind == "verification":
        raise DomainError("verification_by_inspection",
                          _("A commitment is verified by its verification inspection, not as a review step."),
                          field="task_id")
    next_status(case.status, Action.COMPLETE_TASK)
    if case.status != CaseStatus.ACCEPTED:
        raise DomainError("task_not_ready", _("That step is not waiting to be done on this case."),
                          field="task_id")
    instance.complete(task_id, data)
    case.workflow_state = instance.state()
    if task.special_procedure:
        pause = case.pauses.filter(ended_at__isnull=True, kind=PauseKind.SPECIAL_PROCEDURE).first()
        if pause is not None:
            pause.ended_at = now
            pause.save(update_fields=["ended_at"])
    writes = rows.Batch()
    writes.update(case, ["workflow_state"])
    ready = instance.ready()
    _advance_tasks(case, before, ready, now, actor, writes)
    _event(case, "task_completed", actor, now, writes=writes, task=task.spec_name, title=str(task.title), data=data)
    clock_changed = bool(task.special_procedure)
    for following in ready:
        if following.special_procedure and following.id not in {t.id for t in before}:
            _start_special_procedure(actor, case, following.special_procedure, now)
            clock_changed = True
    if clock_changed:  # only a pause that began or ended moves the due time
        refresh_due(case=case)
    return case


def _start_special_procedure(actor, case: Case, kind: str, now: dt.datetime) -> None:
    next_status(case.status, Action.START_SPECIAL_PROCEDURE)
    rule = next((p for p in case.item_version.snapshot.get("special_procedures", []) if p["kind"] == kind), None)
    if rule is not None and not rule.get("stops_clock", True):
        return
    max_days = rule["max_working_days"] if rule else None
    ClockPause.objects.create(case=case, kind=PauseKind.SPECIAL_PROCEDURE, special_procedure=kind,
                              max_working_days=max_days, started_at=now)
    notice = _issue_notice(case, NoticeKind.SPECIAL_PROCEDURE, actor, now, procedure=kind,
                           max_working_days=max_days)
    _event(case, "special_procedure_started", actor, now, procedure=kind, max_working_days=max_days,
           notice=notice.number)


def _decide(actor, case: Case, instance, task, data: dict, now: dt.datetime) -> Case:
    approved = data.get("approved")
    if not isinstance(approved, bool):
        raise DomainError("decision_required", _("Choose to approve or deny."), field="approved")
    reasons = str(data.get("reasons", "")).strip()
    legal_basis = str(data.get("legal_basis", "")).strip()
    if not approved and not reasons:
        raise DomainError("denial_needs_reasons", _("A denial needs its reasons."), field="reasons")
    flags = checks.subject_flags(applicant=case.applicant, item=case.item, stage=FlagStage.DECISION, at=now)
    if approved:  # joint punishment is checked again at the decision: a record may have come in since
        checks.refuse_if_blocked(flags, field="approved")
        fees.require_paid(case, before="decision")
    case.status = next_status(case.status, Action.APPROVE if approved else Action.DENY)
    _record_flags(case, flags, FlagStage.DECISION, now)
    return _record_decision(actor, case, instance, task, approved=approved, reasons=reasons, legal_basis=legal_basis,
                            decided_by=actor, now=now)


def _record_decision(actor, case: Case, instance, task, *, approved: bool, reasons: str, legal_basis: str,
                     decided_by, now: dt.datetime, **event_data: Any) -> Case:
    """The decision step done (status already moved): the procedure goes on, the decision and its notice
    (准予 / 不予行政许可决定书) are written, and the event tells the other apps."""
    before = instance.ready()
    instance.complete(task.id, {"approved": approved})
    case.workflow_state = instance.state()
    case.decided_at = now
    writes = rows.Batch()
    writes.update(case, ["status", "workflow_state", "decided_at"])
    _advance_tasks(case, before, instance.ready(), now, actor, writes)
    writes.insert(Decision(case=case, approved=approved, reasons=reasons,
                           legal_basis=legal_basis or case.item_version.snapshot.get("legal_basis", ""),
                           decided_by=decided_by, decided_at=now))
    kind = NoticeKind.APPROVAL if approved else NoticeKind.DENIAL
    notice = _issue_notice(case, kind, actor, now, writes=writes, reasons=reasons, legal_basis=legal_basis)
    if not approved:
        writes.flush()  # the payments app reads and writes on its own
        fees.settle_without_result(case, actor, "不予行政许可")
    # The stored due time is kept current whenever a pause begins or ends, so it says whether the
    # decision came late without reading the pauses again.
    _event(case, "approved" if approved else "denied", actor, now, writes=writes, notice=notice.number,
           overdue=bool(case.due_at and now > case.due_at), reasons=reasons, **event_data)
    return case


# -- commitment approval (告知承诺) ------------------------------------------------------------------

@transaction.atomic
def grant_on_commitment(*, actor, case: Case, now: dt.datetime | None = None) -> Case:
    """告知承诺: the applicant signed the item's commitments, so the case is accepted and approved at once
    (当场作出决定) and its verification inspection becomes the procedure's open step. The caller (the
    credit app) has already checked that the applicant may use commitment approval."""
    now = now or timezone.now()
    case = _locked(case)
    if getattr(actor, "is_authenticated", False):  # internal callers (a bundle, the demo) act as the system
        policy.require_applicant_or_clerk(actor, case, _("approve on a commitment"))
    if not case.commitment_ref or case.procedure != "commitment":
        raise DomainError("no_commitment", _("The case has no signed commitment."), field="commitment")
    case.status = next_status(case.status, Action.GRANT_ON_COMMITMENT)
    flags = checks.subject_flags(applicant=case.applicant, item=case.item, stage=FlagStage.DECISION, at=now)
    checks.refuse_if_blocked(flags, field="commitment")
    fees.require_paid(case, before="decision")
    _start_clock(case, now, actor)
    acceptance = _issue_notice(case, NoticeKind.ACCEPTANCE, actor, now, due_at=case.due_at,
                               provisional=case.due_provisional)
    _event(case, "accepted", actor, now, notice=acceptance.number, due_at=case.due_at, commitment=case.commitment_ref)
    _record_flags(case, flags, FlagStage.DECISION, now)
    instance = _workflow().open_instance(case.procedure, case.workflow_state)
    decide = next(t for t in instance.ready() if t.kind == "decision")
    reasons = "申请人已签署告知承诺书，承诺符合法定条件、标准；本机关依承诺作出决定，并将在规定期限内核查承诺内容。"
    return _record_decision(actor, case, instance, decide, approved=True, reasons=reasons, legal_basis="",
                            decided_by=_user(actor) if policy.is_staff(actor) else None, now=now,
                            commitment=case.commitment_ref)


@transaction.atomic
def conclude_verification(*, actor, case: Case, kept: bool, reason: str = "", now: dt.datetime | None = None) -> Case:
    """Close the verification step of a commitment case: the commitment was kept, or it was false and
    the approval is revoked (撤销, Art. 69 para. 2) with a written decision. The caller (the credit
    app's verification inspection) authorises the inspector; a false commitment needs its reason."""
    now = now or timezone.now()
    case = _locked(case)
    instance = _workflow().open_instance(case.procedure, case.workflow_state)
    before = instance.ready()
    task = next((t for t in before if t.kind == "verification"), None)
    if task is None:
        raise DomainError("no_verification_pending", _("No verification is waiting on this case."), field="case")
    if not kept and not reason.strip():
        raise DomainError("reason_required", _("A revocation needs its reasons."), field="reason")
    status = next_status(case.status, Action.COMPLETE_TASK if kept else Action.REVOKE)
    instance.complete(task.id, {"passed": kept})
    case.workflow_state, case.status = instance.state(), status
    fields = ["workflow_state", "status"]
    if not kept:
        case.revoked_at = now
        fields.append("revoked_at")
    case.save(update_fields=fields)
    _advance_tasks(case, before, instance.ready(), now, actor)
    if kept:
        _event(case, "verified", actor, now, commitment=case.commitment_ref)
        return case
    notice = _issue_notice(case, NoticeKind.REVOCATION, actor, now, reasons=reason,
                           legal_basis=case.item_version.snapshot.get("legal_basis", ""))
    _event(case, "revoked", actor, now, notice=notice.number, reason=reason, commitment=case.commitment_ref)
    return case


@transaction.atomic
def extend_case(*, actor, case: Case, reason: str, days: int = DEFAULT_EXTENSION_DAYS,
                now: dt.datetime | None = None) -> Case:
    """Art. 42: one extension, with the bureau head's approval and a stated reason."""
    now = now or timezone.now()
    case = _locked(case)
    policy.require_bureau_head(actor, case, _("extend"))
    next_status(case.status, Action.EXTEND)
    if case.extension_days:
        raise DomainError("already_extended", _("A case can be extended only once."), field="days")
    if not reason.strip():
        raise DomainError("reason_required", _("An extension needs a reason."), field="reason")
    if not 1 <= days <= DEFAULT_EXTENSION_DAYS:
        raise DomainError("extension_too_long", _("An extension is 1 to %(max)s working days."), field="days",
                          max=DEFAULT_EXTENSION_DAYS)
    case.extension_days, case.extension_reason, case.extension_approved_by = days, reason, actor
    case.save(update_fields=["extension_days", "extension_reason", "extension_approved_by"])
    refresh_due(case=case, now=now)
    notice = _issue_notice(case, NoticeKind.EXTENSION, actor, now, days=days, reason=reason, due_at=case.due_at)
    _event(case, "extended", actor, now, days=days, reason=reason, due_at=case.due_at, notice=notice.number)
    return case


# -- result and delivery (Art. 44) -----------------------------------------------------------------

@transaction.atomic
def issue_result(*, actor, case: Case, now: dt.datetime | None = None) -> Case:
    """The licence (or the denial) is ready to be served; the law gives 10 working days after the
    decision, and a later issue is recorded as late for supervision."""
    now = now or timezone.now()
    case = _locked(case, "item")
    policy.require_lane(actor, case, RoleCode.APPROVER, _("issue the result of"))
    case.status = next_status(case.status, Action.ISSUE)
    case.issued_at = now
    writes = rows.Batch()
    writes.update(case, ["status", "issued_at"])
    limit = workcal.add_working_days(case.decided_at, ISSUE_WITHIN_DAYS)
    _event(case, "issued", actor, now, writes=writes, late=now > limit.at, issue_by=limit.at)
    return case


@transaction.atomic
def deliver_result(*, actor, case: Case, method: str, carrier: str = "", waybill: str = "",
                   now: dt.datetime | None = None) -> Delivery:
    """Pickup at the comprehensive output window, courier (carrier and waybill), or electronic."""
    now = now or timezone.now()
    case = _locked(case)
    policy.require_window_clerk(actor, case, _("hand out the result of"))
    if method not in DeliveryMethod.values:
        raise DomainError("unknown_delivery_method", _("Unknown delivery method."), field="method")
    if method == DeliveryMethod.COURIER and not (carrier.strip() and waybill.strip()):
        raise DomainError("waybill_required", _("A courier delivery needs the carrier and the waybill number."),
                          field="waybill")
    case.status = next_status(case.status, Action.DELIVER)
    if case.decision.approved:
        fees.require_paid(case, before="delivery")
    case.delivered_at = now
    case.save(update_fields=["status", "delivered_at"])
    delivery = Delivery.objects.create(case=case, method=method, carrier=carrier, waybill=waybill, sent_at=now,
                                       sent_by=_user(actor))
    if method == DeliveryMethod.PICKUP:
        Visit.objects.create(case=case, kind=VisitKind.PICKUP, at=now, recorded_by=_user(actor))
    _event(case, "delivered", actor, now, method=method, carrier=carrier, waybill=waybill)
    return delivery


@transaction.atomic
def confirm_receipt(*, actor, case: Case, now: dt.datetime | None = None) -> Case:
    """The applicant confirms they received the result; the case is closed (办结)."""
    now = now or timezone.now()
    case = _locked(case)
    policy.require_applicant_or_clerk(actor, case, _("confirm receipt for"))
    case.status = next_status(case.status, Action.CONFIRM_RECEIPT)
    case.closed_at = now
    case.save(update_fields=["status", "closed_at"])
    Delivery.objects.filter(case=case).update(confirmed_at=now)
    _event(case, "receipt_confirmed", actor, now)
    return case


@transaction.atomic
def record_fee_paid(*, case_number: str, payment_code: str, paid_at: dt.datetime) -> bool:
    """Receiver of the payments app's order_paid event: note the payment on the case's timeline once."""
    case = Case.objects.filter(number=case_number).first()
    if case is None or case.events.filter(action="fee_paid", data__payment_code=payment_code).exists():
        return False
    _event(case, "fee_paid", "payment platform", paid_at, payment_code=payment_code)
    return True


@transaction.atomic
def withdraw_case(*, actor, case: Case, reason: str = "", now: dt.datetime | None = None) -> Case:
    now = now or timezone.now()
    case = _locked(case)
    policy.require_applicant_or_clerk(actor, case, _("withdraw"))
    case.status = next_status(case.status, Action.WITHDRAW)
    case.closed_at = now
    case.save(update_fields=["status", "closed_at"])
    ClockPause.objects.filter(case=case, ended_at__isnull=True).update(ended_at=now)
    case.tasks.filter(completed_at__isnull=True).update(completed_at=now)
    settled = fees.settle_without_result(case, actor, reason or "申请人撤回申请")
    _event(case, "withdrawn", actor, now, reason=reason, fee=settled)
    return case


def limit_label(case: Case) -> str:
    return f"{case.limit_amount} {LimitUnit(case.limit_unit).label}"
