"""Commitment approval (告知承诺制 / 先建后验) and its verification. Each command is one transaction with
one audit entry (DOMAIN.md §3.6).

- `sign_and_apply`: the applicant signs the item's commitment text instead of the proofs it replaces;
  the case is submitted with the waiver and approved at once (cases.grant_on_commitment), and a
  verification inspection by ≥ 2 inspectors drawn at random (with recusal) is scheduled;
- `record_verification`: one of the inspection's inspectors records what was found: confirmed (the
  case's verification step closes), fixable (a rectification deadline and a follow-up inspection),
  false (the approval is revoked, a `false_commitment` credit record is written; the licence and the
  regulator follow from `cases.revoked`);
- `flag_overdue_verifications`: the periodic task's work (tasks.py).

Who may not use it (国办发〔2020〕42号): high-risk items, and subjects bound by a commitment-scope
blocking measure or with a serious record in effect (严重失信).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import secrets
from enum import StrEnum
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from oneseal.cases.models import Applicant, Channel
from oneseal.cases.services import (
    CommitmentWaiver,
    MaterialUpload,
    ReusedMaterial,
    grant_on_commitment,
    submit_case,
)
from oneseal.cases.services import conclude_verification as cases_conclude_verification
from oneseal.catalog.models import CommitmentMode, ServiceItem
from oneseal.kernel import audit, events, identity
from oneseal.kernel.errors import DomainError, FieldIssue, PermissionDeniedError, ValidationFailed
from oneseal.kernel.fielderrors import text_issue
from oneseal.kernel.models import AuditEntry
from oneseal.kernel.workcal import add_working_days

from .. import checks
from ..models import (
    Commitment,
    CommitmentStatus,
    Inspector,
    MeasureScope,
    VerificationInspection,
    VerificationOutcome,
)
from .records import NewRecord, ensure_subject, record

INSPECTORS_PER_VERIFICATION = 2  # 双随机: at least two inspectors
MAX_RECTIFY_DAYS = 60
SYSTEM = "system"
OVERDUE_TOPIC = "credit.verification_overdue"

# The commitment's life cycle: the outcome of an inspection of an open commitment → its next status.
OPEN = (CommitmentStatus.AWAITING_VERIFICATION, CommitmentStatus.RECTIFYING)
OUTCOME_STATUS: dict[str, str] = {
    VerificationOutcome.CONFIRMED: CommitmentStatus.CONFIRMED,
    VerificationOutcome.FIXABLE: CommitmentStatus.RECTIFYING,
    VerificationOutcome.FALSE: CommitmentStatus.FALSE,
}


class ErrorCode(StrEnum):
    NOT_ALLOWED = "commitment_not_allowed"
    HIGH_RISK = "commitment_high_risk"
    NOT_REPLACEABLE = "material_not_replaceable"
    TEXT_CHANGED = "commitment_text_changed"
    RESTRICTED = "commitment_restricted"
    SERIOUS_RECORD = "serious_record"
    TOO_FEW_INSPECTORS = "too_few_inspectors"
    REQUIRED = "required"
    TOO_LONG = "too_long"
    UNKNOWN_OUTCOME = "unknown_outcome"
    BAD_DAYS = "invalid_rectify_days"
    SIGNER_NOT_APPLICANT = "signer_not_applicant"
    NOT_INSPECTOR = "forbidden"
    ALREADY_RECORDED = "already_recorded"
    CLOSED = "commitment_closed"


class Conflict(DomainError):
    """Not allowed in the current state (409 over HTTP)."""

    status = 409


class Restricted(DomainError):
    """The subject may not use commitment approval (403 over HTTP)."""

    status = 403


def text_sha256(text: str) -> str:
    """The hash the applicant's page shows and sends back: SHA-256 of the UTF-8 text as published."""
    return hashlib.sha256((text or "").encode("utf-8")).hexdigest()


def published_terms(item: ServiceItem) -> tuple[Any, dict | None]:
    """(latest published version, its commitment terms or None)."""
    version = item.versions.order_by("-number").first()
    return version, (version.snapshot.get("commitment") if version is not None else None)


def replaceable_materials(snapshot: dict) -> list[str]:
    return [m["name"] for m in snapshot.get("materials", []) if m.get("commitment_replaceable")]


# -- who may sign -------------------------------------------------------------------------------------

def refuse_if_excluded(id_number: str, at: dt.datetime) -> None:
    """一处失信、处处受限: a commitment-scope blocking measure, or any serious record in effect, excludes
    the subject from commitment approval. The error names the record."""
    blocking = [r for r in checks.restrictions(id_number, at=at, scope=MeasureScope.COMMITMENT) if r.blocks]
    if blocking:
        first = blocking[0]
        raise Restricted(ErrorCode.RESTRICTED,
                         _("The applicant may not use commitment approval: %(measure)s (record %(record)s, "
                           "%(title)s)."), field="applicant", measure=first.measure_name,
                         record=first.record_number, title=first.record_title)
    serious = checks.has_serious_record(id_number, at=at)
    if serious is not None:
        raise Restricted(ErrorCode.SERIOUS_RECORD,
                         _("The applicant has a serious breach of trust in effect (record %(record)s, %(title)s) "
                           "and may not use commitment approval."), field="applicant", record=serious.number,
                         title=serious.title)


def _check_terms(item: ServiceItem, applicant: Applicant, *, channel, replaced, project, signer_name, signer_id_number,
                 text_shown_sha256) -> tuple[Any, dict, tuple[str, ...]]:
    """The item allows it, the replaced proofs are replaceable, the text is the one shown, the signer is
    named: every field issue at once."""
    if channel not in Channel.values:
        raise DomainError("unknown_channel", _("Unknown channel."), field="channel")
    version, terms = published_terms(item)
    if version is None or not terms or item.commitment_mode == CommitmentMode.NONE:
        raise DomainError(ErrorCode.NOT_ALLOWED, _("The item %(code)s does not allow commitment approval."),
                          field="item", code=item.code)
    if item.high_risk or version.snapshot.get("high_risk"):
        raise DomainError(ErrorCode.HIGH_RISK, _("The item %(code)s is high-risk: it is excluded from commitment "
                                                 "approval."), field="item", code=item.code)
    issues: list[FieldIssue] = []
    names = tuple(dict.fromkeys(str(n) for n in (replaced or ())))
    replaceable = set(replaceable_materials(version.snapshot))
    for name in names:
        if name not in replaceable:
            issues.append(FieldIssue(field="replaced", code=ErrorCode.NOT_REPLACEABLE,
                                     message=_("“%(name)s” cannot be replaced by a commitment."),
                                     params={"name": name[:200]}))
    if not isinstance(text_shown_sha256, str) or text_shown_sha256.strip().lower() != text_sha256(terms["text"]):
        issues.append(FieldIssue(field="text_shown_sha256", code=ErrorCode.TEXT_CHANGED, message=_(
            "The commitment text has changed since it was shown to you: read the current text and sign again.")))
    for issue in (text_issue("signer_name", signer_name, 60),
                  text_issue("project", project, 200, required=terms.get("mode") == CommitmentMode.BUILD_FIRST)):
        if issue is not None:
            issues.append(issue)
    try:
        signer_number = identity.validate_citizen_id(str(signer_id_number or ""), field="signer_id_number")
    except DomainError as error:
        issues.append(FieldIssue(field="signer_id_number", code=error.code, message=error.message,
                                 params=error.params))
    else:
        if applicant.kind == "person" and signer_number != applicant.id_number:
            issues.append(FieldIssue(field="signer_id_number", code=ErrorCode.SIGNER_NOT_APPLICANT, message=_(
                "A natural person signs their own commitment: the signer's ID number must be the applicant's.")))
    if issues:
        raise ValidationFailed(issues, _("The commitment was not signed; nothing was submitted."))
    return version, terms, names


# -- the draw --------------------------------------------------------------------------------------

def inspector_pool(department_id: int, id_number: str) -> list[Inspector]:
    """The active inspectors of the supervising department, minus those with a declared relation to the
    subject (回避), in badge order."""
    return list(Inspector.objects.filter(department_id=department_id, active=True)
                .exclude(relations__id_number=id_number).select_related("user").order_by("badge"))


def draw_inspectors(department_id: int, id_number: str, *, rng: random.Random | None = None,
                    count: int = INSPECTORS_PER_VERIFICATION) -> list[Inspector]:
    """≥ 2 inspectors drawn at random (secrets.SystemRandom unless a seeded generator is given: the tests
    and the demo), or a refusal naming the item when fewer remain after recusal."""
    pool = inspector_pool(department_id, id_number)
    if len(pool) < count:
        raise DomainError(ErrorCode.TOO_FEW_INSPECTORS,
                          _("The supervising department has %(count)s inspector(s) who may verify this applicant; "
                            "at least %(needed)s are needed. Ask the department to add inspectors."),
                          field="item", count=len(pool), needed=count)
    return (rng or secrets.SystemRandom()).sample(pool, count)


# -- signing ---------------------------------------------------------------------------------------

def sign_and_apply(*, actor, item: ServiceItem, applicant: Applicant, channel: str, form_data: dict | None = None,
                   materials: list[MaterialUpload | ReusedMaterial] = (), replaced: list[str] | tuple = (),
                   project: str = "", signer_name: str, signer_id_number: str, text_shown_sha256: str,
                   hall=None, now: dt.datetime | None = None, rng: random.Random | None = None) -> Commitment:
    """Sign the item's commitment and apply on it (告知承诺): the signed text, its hash, the signer, the
    account and the time are kept; the case is submitted with the waiver and approved at once; for
    先建后验 construction may start from the signing. A verification inspection is scheduled within the
    item's verification days (working days), by ≥ 2 inspectors of the supervising department drawn at
    random, none with a declared relation to the applicant."""
    now = now or timezone.now()
    version, terms, names = _check_terms(item, applicant, channel=channel, replaced=replaced, project=project,
                                         signer_name=signer_name, signer_id_number=signer_id_number,
                                         text_shown_sha256=text_shown_sha256)
    refuse_if_excluded(applicant.id_number, now)
    with transaction.atomic():
        drawn = draw_inspectors(item.supervising_department_id, applicant.id_number, rng=rng)
        subject = ensure_subject(id_number=applicant.id_number, name=applicant.name, at=now,
                                 legal_representative=applicant.legal_representative)
        due = add_working_days(now, int(terms.get("verify_days") or item.commitment_verify_days)).at
        mode = terms.get("mode") or item.commitment_mode
        commitment = Commitment.objects.create(
            subject=subject, item=item, mode=mode, project=(project or "").strip(), text=terms["text"],
            text_sha256=text_sha256(terms["text"]), materials=list(names), signer_name=signer_name.strip(),
            signer_id_number=identity.validate_citizen_id(signer_id_number, field="signer_id_number"),
            signed_by=actor if getattr(actor, "is_authenticated", False) else None, signed_at=now,
            channel=channel, construction_allowed_from=now if mode == CommitmentMode.BUILD_FIRST else None,
            verify_by=due)
        case = submit_case(actor=actor, item=item, applicant=applicant, channel=channel, form_data=form_data,
                           materials=materials, hall=hall, now=now,
                           commitment=CommitmentWaiver(reference=commitment.reference, materials=names))
        commitment.case = case
        commitment.save(update_fields=["case"])
        commitment.case = case = grant_on_commitment(actor=actor, case=case, now=now)
        inspection = VerificationInspection.objects.create(commitment=commitment, due_by=due, scheduled_at=now)
        inspection.inspectors.set(drawn)
        audit.record(actor=actor, action="credit.commitment_signed", target=commitment, data={
            "case": case.number, "item": item.code, "subject": subject.id_number, "mode": mode,
            "text_sha256": commitment.text_sha256, "replaced": list(names), "version": version.number,
            "verify_by": due, "inspectors": [i.badge for i in drawn]})
        events.record("credit.commitment_signed", {
            "commitment": commitment.pk, "case": case.pk, "number": case.number, "item": item.pk,
            "subject": subject.id_number, "mode": mode, "verify_by": due, "inspection": inspection.pk},
            aggregate=f"credit.Commitment:{commitment.pk}", at=now)
    return commitment


# -- verification ----------------------------------------------------------------------------------

def inspector_of(user) -> Inspector | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Inspector.objects.filter(user=user).first()


def is_inspector_on(user, inspection: VerificationInspection) -> bool:
    me = inspector_of(user)
    return me is not None and inspection.inspectors.filter(pk=me.pk).exists()


def _check_outcome(outcome: Any, findings: Any, rectify_days: Any) -> int | None:
    issues = []
    if outcome not in VerificationOutcome.values:
        issues.append(FieldIssue(field="outcome", code=ErrorCode.UNKNOWN_OUTCOME,
                                 message=_("Choose confirmed, fixable or false.")))
    issue = text_issue("findings", findings, 4000)
    if issue is not None:
        issues.append(issue)
    days = None
    if outcome == VerificationOutcome.FIXABLE:
        try:
            days = int(rectify_days)
        except (TypeError, ValueError):
            days = None
        if days is None or isinstance(rectify_days, bool) or not 1 <= days <= MAX_RECTIFY_DAYS:
            issues.append(FieldIssue(field="rectify_days", code=ErrorCode.BAD_DAYS, message=_(
                "Give the rectification period in working days, from 1 to %(max)s."), params={"max": MAX_RECTIFY_DAYS}))
    if issues:
        raise ValidationFailed(issues, _("The verification has errors; nothing was recorded."))
    return days


def _false_commitment_record(actor, commitment: Commitment, findings: str, now: dt.datetime):
    item = commitment.item
    return record(actor=actor, authorised=True, now=now, new=NewRecord(
        id_number=commitment.subject.id_number, subject_name=commitment.subject.name, kind="false_commitment",
        title=f"虚假承诺：{item.name}"[:200],
        facts=(f"{timezone.localtime(commitment.signed_at):%Y年%m月%d日}以告知承诺方式申请“{item.name}”"
               f"（办件编号 {commitment.case.number if commitment.case else '—'}），经核查承诺内容不实：{findings}")[:4000],
        authority=item.implementing_body.name, decided_on=timezone.localtime(now).date(),
        legal_basis="《中华人民共和国行政许可法》第六十九条；《国务院办公厅关于全面推行证明事项和涉企经营许可事项"
                    "告知承诺制的指导意见》（国办发〔2020〕42号）",
        department_id=item.implementing_body_id, effective_from=now, source_ref=commitment.reference))


def record_verification(*, actor, inspection: VerificationInspection, outcome: str, findings: str,
                        rectify_days: int | None = None, now: dt.datetime | None = None) -> VerificationInspection:
    """Record a verification inspection (核查), once, by one of its inspectors:
    confirmed → the case's verification closes, the commitment is kept;
    fixable → rectify within `rectify_days` working days, a follow-up inspection by the same inspectors;
    false → the approval is revoked (行政许可法 Art. 69), and a `false_commitment` record lands on the subject."""
    if not is_inspector_on(actor, inspection):
        raise PermissionDeniedError(ErrorCode.NOT_INSPECTOR, _("Only the inspectors drawn for this verification "
                                                               "may record it."), field="actor")
    days = _check_outcome(outcome, findings, rectify_days)
    findings = findings.strip()
    now = now or timezone.now()
    with transaction.atomic():
        inspection = (VerificationInspection.objects.select_for_update(of=("self",))
                      .select_related("commitment").get(pk=inspection.pk))
        if inspection.recorded_at is not None:
            raise Conflict(ErrorCode.ALREADY_RECORDED, _("This verification was already recorded on %(at)s."),
                           field="inspection", at=timezone.localtime(inspection.recorded_at).strftime("%Y-%m-%d %H:%M"))
        commitment = (Commitment.objects.select_for_update(of=("self",))
                      .select_related("item__implementing_body", "subject", "case").get(pk=inspection.commitment_id))
        if commitment.status not in OPEN:
            raise Conflict(ErrorCode.CLOSED, _("This commitment is already concluded (%(status)s)."), field="status",
                           status=CommitmentStatus(commitment.status).label)
        inspection.outcome, inspection.findings = outcome, findings
        inspection.recorded_by, inspection.recorded_at = actor, now
        data: dict[str, Any] = {"commitment": commitment.pk, "outcome": outcome,
                                "case": commitment.case.number if commitment.case else ""}
        if outcome == VerificationOutcome.FIXABLE:
            inspection.rectify_by = add_working_days(now, days).at
            follow_up = VerificationInspection.objects.create(commitment=commitment, due_by=inspection.rectify_by,
                                                              scheduled_at=now)
            follow_up.inspectors.set(inspection.inspectors.all())
            commitment.verify_by = inspection.rectify_by
            data.update(rectify_by=inspection.rectify_by, follow_up=follow_up.pk)
        else:
            cases_conclude_verification(actor=actor, case=commitment.case, kept=outcome == VerificationOutcome.CONFIRMED,
                                        reason=findings, now=now)
            commitment.concluded_at = now
        if outcome == VerificationOutcome.FALSE:
            data["record"] = _false_commitment_record(actor, commitment, findings, now).number
        commitment.status = OUTCOME_STATUS[outcome]
        commitment.save(update_fields=["status", "verify_by", "concluded_at"])
        inspection.save(update_fields=["outcome", "findings", "recorded_by", "recorded_at", "rectify_by"])
        audit.record(actor=actor, action="credit.verification_recorded", target=inspection, data=data)
        events.record("credit.verification_recorded", {"inspection": inspection.pk, **data},
                      aggregate=f"credit.Commitment:{commitment.pk}", at=now)
    return inspection


# -- overdue verifications -------------------------------------------------------------------------

def _flagged(pks: list[int]) -> set[int]:
    """The inspections already flagged overdue: the flag is the audit entry written with it (the event is
    only written when someone subscribes, so it cannot be the flag)."""
    done = AuditEntry.objects.filter(action=OVERDUE_TOPIC, target_type=VerificationInspection._meta.label,
                                     target_id__in=[str(pk) for pk in pks]).values_list("target_id", flat=True)
    return {int(pk) for pk in done}


def flag_overdue_verifications(now: dt.datetime | None = None) -> list[int]:
    """Publish `credit.verification_overdue` once per open verification inspection past its due time
    (for supervision, DOMAIN.md §3.10); returns the inspections flagged this time. Running it again
    flags nothing new."""
    now = now or timezone.now()
    flagged: list[int] = []
    with transaction.atomic():
        overdue = list(VerificationInspection.objects.select_for_update(of=("self",))
                       .filter(recorded_at__isnull=True, due_by__lt=now, commitment__status__in=OPEN)
                       .select_related("commitment__item", "commitment__case", "commitment__subject")
                       .order_by("due_by", "pk"))
        already = _flagged([i.pk for i in overdue])
        for inspection in overdue:
            if inspection.pk in already:
                continue
            commitment = inspection.commitment
            payload = {"inspection": inspection.pk, "commitment": commitment.pk, "due_by": inspection.due_by,
                       "item": commitment.item.code, "department": commitment.item.supervising_department_id,
                       "case": commitment.case.number if commitment.case else "",
                       "subject": commitment.subject.id_number,
                       "inspectors": list(inspection.inspectors.values_list("badge", flat=True))}
            events.record(OVERDUE_TOPIC, payload, aggregate=f"credit.VerificationInspection:{inspection.pk}", at=now)
            audit.record(actor=SYSTEM, action=OVERDUE_TOPIC, target=inspection, data=payload)
            flagged.append(inspection.pk)
    return flagged

