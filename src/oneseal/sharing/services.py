"""Writes of the sharing app (审管互动). Each command is one transaction with one audit entry.

- `push_from_event`: a decision or licence event becomes a push to the item's supervising department
  (DOMAIN.md §3.5), once per event, and is sent to the department's webhook endpoints through the outbox;
- `claim_push`: a regulator of that department claims it (认领);
- `sweep_pushes`: unclaimed after 2 working days → reminder; one working day later → escalation to
  supervision;
- `file_finding`, `acknowledge_finding`, `close_finding`: regulators push back findings (a penalty, a
  request to revoke a licence, a rectification order) to the issuing department, which handles them;
- `create_webhook_endpoint`, `deactivate_webhook_endpoint`: a department's own receiving system.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from oneseal.catalog.models import Department, ServiceItem
from oneseal.kernel import audit, events
from oneseal.kernel.errors import DomainError, FieldIssue, ValidationFailed
from oneseal.kernel.event_models import DomainEvent
from oneseal.kernel.fielderrors import text_issue
from oneseal.kernel.workcal import add_working_days

from . import policy
from .models import (
    ClaimChannel,
    FindingKind,
    FindingStatus,
    PushKind,
    RegulatorFinding,
    RegulatorPush,
    WebhookEndpoint,
)
from .receivers import WEBHOOK_PREFIX, forget_endpoint

logger = logging.getLogger(__name__)

CLAIM_WORKING_DAYS = 2  # DOMAIN.md §3.5: claim within 2 working days
ESCALATION_WORKING_DAYS = 1  # after the reminder, one more working day before supervision is told
SYSTEM = "system"

# Source topics and the push they make (the licences' payload contract is in the task's notes).
TOPIC_KINDS: dict[str, str] = {
    "cases.approved": PushKind.APPROVED,
    "cases.denied": PushKind.DENIED,
    "cases.revoked": PushKind.REVOKED,
    "licenses.issued": PushKind.LICENCE_ISSUED,
    "licenses.revoked": PushKind.LICENCE_REVOKED,
    "licenses.expired": PushKind.LICENCE_EXPIRED,
    "licenses.renewed": PushKind.LICENCE_RENEWED,
}


class ErrorCode(StrEnum):
    ALREADY_CLAIMED = "already_claimed"
    ALREADY_HANDLED = "illegal_transition"
    REQUIRED = "required"
    TOO_LONG = "too_long"
    UNKNOWN_KIND = "unknown_kind"
    NO_LICENCE = "no_licence"
    BAD_URL = "invalid_url"
    INACTIVE = "inactive"


class Conflict(DomainError):
    """Not allowed in the current state (409 over HTTP)."""

    status = 409


# -- pushes ----------------------------------------------------------------------------------------

def push_document(push: RegulatorPush) -> dict[str, Any]:
    """The push as a regulator's system receives it (webhook body, API)."""
    item = push.item
    return {
        "push": push.pk,
        "kind": push.kind,
        "department": push.department.code,
        "issuing_department": push.issuing_department.code,
        "item": {"code": item.code, "name": item.name} if item else None,
        "case_number": push.case_number,
        "licence_number": push.licence_number,
        "subject": push.subject_name,
        "occurred_at": push.occurred_at.isoformat(),
        "pushed_at": push.created_at.isoformat(),
        "claim_due_at": push.due_at.isoformat(),
        "source_topic": push.source_topic,
        "data": push.summary,
    }


def _push_sources(payload: dict[str, Any]) -> tuple[Any, ServiceItem | None, Department | None, str]:
    """(case, item, issuing department, subject name) named by a cases.* or licenses.* payload."""
    from oneseal.cases.models import Case

    case = None
    case_pk = payload.get("case")
    if isinstance(case_pk, int):
        case = Case.objects.select_related("item__supervising_department", "applicant").filter(pk=case_pk).first()
    item = case.item if case else None
    if item is None and isinstance(payload.get("item"), int):
        item = ServiceItem.objects.select_related("supervising_department").filter(pk=payload["item"]).first()
    issuer = None
    if isinstance(payload.get("issuer"), int):
        issuer = Department.objects.filter(pk=payload["issuer"]).first()
    if issuer is None and item is not None:
        issuer = item.implementing_body
    subject = case.applicant.name if case else ""
    return case, item, issuer, subject


def push_from_event(event: DomainEvent) -> RegulatorPush | None:
    """Make the push for a decision or licence event (审管推送), once per event.

    The push goes to the supervising department of the event's service item, with its claim deadline
    (2 working days from the event) and escalation deadline; `sharing.push_created` is recorded with one
    webhook target per active endpoint of that department. Returns None when the event names no item
    (nothing to supervise) or when the push already exists (a redelivered event).
    """
    kind = TOPIC_KINDS.get(event.topic)
    if kind is None:
        raise ValueError(f"sharing does not push {event.topic}")
    payload = event.payload or {}
    with transaction.atomic():
        if RegulatorPush.objects.filter(source_event=event.id).exists():
            return None
        case, item, issuer, subject = _push_sources(payload)
        if item is None or issuer is None:
            logger.warning("event %s (%s) names no service item: no regulator push", event.id, event.topic)
            return None
        occurred = event.occurred_at
        due = add_working_days(occurred, CLAIM_WORKING_DAYS).at
        if event.topic.startswith("licenses."):
            licence_number = str(payload.get("number") or "")
            case_number = str(payload.get("case_number") or (case.number if case else ""))
        else:
            licence_number, case_number = "", str(payload.get("number") or "")
        push = RegulatorPush(
            kind=kind, department_id=item.supervising_department_id, issuing_department=issuer, item=item,
            case=case, case_number=case_number[:40], licence_number=licence_number[:80],
            subject_name=subject[:200], summary=payload, source_topic=event.topic, source_event=event.id,
            occurred_at=occurred, created_at=timezone.now(), due_at=due,
            escalate_at=add_working_days(due, ESCALATION_WORKING_DAYS).at,
        )
        try:
            with transaction.atomic():
                push.save(force_insert=True)
        except IntegrityError:  # the same event handled concurrently by another worker
            return None
        endpoints = list(WebhookEndpoint.objects.filter(department_id=push.department_id, active=True)
                         .values_list("pk", flat=True))
        created = events.record("sharing.push_created", push_document(push),
                                aggregate=f"sharing.RegulatorPush:{push.pk}",
                                targets=[f"{WEBHOOK_PREFIX}{pk}" for pk in endpoints])
        if created is not None:
            push.event_id = created.id
            RegulatorPush.objects.filter(pk=push.pk).update(event_id=created.id)
        audit.record(actor=SYSTEM, action="sharing.push_created", target=push,
                     data={"kind": kind, "department": push.department_id, "reference": push.reference,
                           "source_event": str(event.id), "due_at": due, "webhooks": len(endpoints)})
    return push


def claim_push(*, actor: Any, push: RegulatorPush, note: str = "",
               channel: str = ClaimChannel.PAGE, at: dt.datetime | None = None) -> RegulatorPush:
    """Claim a push (认领): only a regulator of its supervising department, only once."""
    policy.require_regulator_of(actor, push.department_id)
    note = (note or "").strip()
    if len(note) > 500:
        raise ValidationFailed([FieldIssue(field="note", code=ErrorCode.TOO_LONG,
                                           message=_("At most %(limit)s characters."), params={"limit": 500})])
    with transaction.atomic():
        push = RegulatorPush.objects.select_for_update().get(pk=push.pk)
        if push.claimed_at is not None:
            raise Conflict(ErrorCode.ALREADY_CLAIMED, _("This push was already claimed on %(at)s."),
                           field="push", at=timezone.localtime(push.claimed_at).strftime("%Y-%m-%d %H:%M"))
        push.claimed_at, push.claimed_by = at or timezone.now(), actor
        push.claim_channel, push.claim_note = ClaimChannel(channel), note
        push.save(update_fields=["claimed_at", "claimed_by", "claim_channel", "claim_note"])
        events.record("sharing.push_claimed", {"push": push.pk, "department": push.department_id,
                                               "reference": push.reference, "late": push.claimed_at > push.due_at},
                      aggregate=f"sharing.RegulatorPush:{push.pk}", at=push.claimed_at)
        audit.record(actor=actor, action="sharing.push_claimed", target=push,
                     data={"channel": push.claim_channel, "late": push.claimed_at > push.due_at,
                           "reference": push.reference})
    return push


@dataclass
class SweepReport:
    reminded: list[int] = field(default_factory=list)
    escalated: list[int] = field(default_factory=list)


def sweep_pushes(now: dt.datetime | None = None) -> SweepReport:
    """Remind the regulators of every push unclaimed past its claim deadline, and escalate to supervision
    every push still unclaimed past its escalation deadline (DOMAIN.md §3.5). One transaction; each
    reminder and escalation is recorded on the push, audited, and published (`sharing.push_reminded`,
    `sharing.push_escalated`) for the supervision app. Running it again changes nothing."""
    now = now or timezone.now()
    report = SweepReport()
    with transaction.atomic():
        unclaimed = RegulatorPush.objects.select_for_update().filter(claimed_at__isnull=True)
        for push in unclaimed.filter(reminded_at__isnull=True, due_at__lte=now).order_by("due_at", "pk"):
            push.reminded_at = now
            push.save(update_fields=["reminded_at"])
            events.record("sharing.push_reminded", {"push": push.pk, "department": push.department_id,
                                                    "reference": push.reference, "due_at": push.due_at},
                          aggregate=f"sharing.RegulatorPush:{push.pk}", at=now)
            report.reminded.append(push.pk)
        for push in unclaimed.filter(escalated_at__isnull=True, escalate_at__lte=now).order_by("escalate_at", "pk"):
            push.escalated_at = now
            push.reminded_at = push.reminded_at or now
            push.save(update_fields=["escalated_at", "reminded_at"])
            events.record("sharing.push_escalated", {"push": push.pk, "department": push.department_id,
                                                     "reference": push.reference, "due_at": push.due_at},
                          aggregate=f"sharing.RegulatorPush:{push.pk}", at=now)
            report.escalated.append(push.pk)
        if report.reminded or report.escalated:
            audit.record(actor=SYSTEM, action="sharing.pushes_swept", data={
                "at": now, "reminded": report.reminded, "escalated": report.escalated})
    return report


def recompute_push_deadlines(years) -> int:
    """Calendar hook (kernel.workcal): when working days change, move the deadlines of the pushes still
    waiting for a claim (not yet reminded or escalated) that the change can reach. Returns how many moved."""
    years = sorted(set(years))
    if not years:
        return 0
    first = dt.datetime(years[0] - 1, 1, 1, tzinfo=timezone.get_current_timezone())
    moved = 0
    with transaction.atomic():
        waiting = RegulatorPush.objects.select_for_update().filter(
            claimed_at__isnull=True, escalated_at__isnull=True, occurred_at__gte=first)
        for push in waiting:
            due = push.due_at if push.reminded_at else add_working_days(push.occurred_at, CLAIM_WORKING_DAYS).at
            escalate = add_working_days(due, ESCALATION_WORKING_DAYS).at
            if (due, escalate) != (push.due_at, push.escalate_at):
                push.due_at, push.escalate_at = due, escalate
                push.save(update_fields=["due_at", "escalate_at"])
                moved += 1
        if moved:
            audit.record(actor=SYSTEM, action="sharing.push_deadlines_recomputed", data={"years": years,
                                                                                        "moved": moved})
    return moved


# -- findings --------------------------------------------------------------------------------------

def _text_issues(values: dict[str, tuple[Any, int]]) -> list[FieldIssue]:
    return [issue for name, (value, limit) in values.items() if (issue := text_issue(name, value, limit)) is not None]


def file_finding(*, actor: Any, push: RegulatorPush, kind: str, text: str, legal_basis: str,
                 at: dt.datetime | None = None) -> RegulatorFinding:
    """A regulator of the push's department files a finding back to the issuing department (监管反馈).

    A revocation request needs a licence (a licence push); it publishes `sharing.revoke_requested` with
    the licence number, for the licences app to act on."""
    policy.require_regulator_of(actor, push.department_id)
    issues = _text_issues({"text": (text, 4000), "legal_basis": (legal_basis, 500)})
    if kind not in FindingKind.values:
        issues.insert(0, FieldIssue(field="kind", code=ErrorCode.UNKNOWN_KIND,
                                    message=_("Choose a penalty, a revocation request or a rectification order.")))
    elif kind == FindingKind.REVOKE_REQUEST and not push.licence_number:
        issues.insert(0, FieldIssue(field="kind", code=ErrorCode.NO_LICENCE,
                                    message=_("A revocation request needs a licence: file it on the push of "
                                              "the licence.")))
    if issues:
        raise ValidationFailed(issues, _("The finding has errors; nothing was filed."))
    now = at or timezone.now()
    with transaction.atomic():
        finding = RegulatorFinding.objects.create(
            push=push, department_id=push.department_id, issuing_department_id=push.issuing_department_id,
            kind=kind, text=text.strip(), legal_basis=legal_basis.strip(), licence_number=push.licence_number,
            filed_by=actor, filed_at=now)
        payload = {"finding": finding.pk, "push": push.pk, "kind": kind, "department": push.department_id,
                   "issuing_department": push.issuing_department_id, "licence_number": push.licence_number,
                   "case_number": push.case_number, "legal_basis": finding.legal_basis, "text": finding.text,
                   "subject_name": push.subject_name,
                   "subject_id_number": push.case.applicant.id_number if push.case_id else "",
                   "item": push.item_id}
        events.record("sharing.finding_filed", payload, aggregate=f"sharing.RegulatorFinding:{finding.pk}", at=now)
        if kind == FindingKind.REVOKE_REQUEST:
            events.record("sharing.revoke_requested", {**payload, "number": push.licence_number,
                                                       "reason": finding.text},
                          aggregate=f"sharing.RegulatorFinding:{finding.pk}", at=now)
        audit.record(actor=actor, action="sharing.finding_filed", target=finding,
                     data={"push": push.pk, "kind": kind, "reference": push.reference})
    return finding


def _locked_finding(finding: RegulatorFinding) -> RegulatorFinding:
    return RegulatorFinding.objects.select_for_update().get(pk=finding.pk)


def acknowledge_finding(*, actor: Any, finding: RegulatorFinding) -> RegulatorFinding:
    """The issuing department's approver or head acknowledges an open finding (签收)."""
    policy.require_bureau_of(actor, finding.issuing_department_id)
    with transaction.atomic():
        finding = _locked_finding(finding)
        if finding.status != FindingStatus.OPEN:
            raise Conflict(ErrorCode.ALREADY_HANDLED, _("Only an open finding can be acknowledged; this one is "
                                                        "%(status)s."), field="status",
                           status=FindingStatus(finding.status).label)
        finding.status, finding.acknowledged_by, finding.acknowledged_at = (
            FindingStatus.ACKNOWLEDGED, actor, timezone.now())
        finding.save(update_fields=["status", "acknowledged_by", "acknowledged_at"])
        audit.record(actor=actor, action="sharing.finding_acknowledged", target=finding, data={"kind": finding.kind})
    return finding


def close_finding(*, actor: Any, finding: RegulatorFinding, outcome: str) -> RegulatorFinding:
    """Close a finding with what the issuing department did about it (acknowledging it on the way)."""
    policy.require_bureau_of(actor, finding.issuing_department_id)
    issues = _text_issues({"outcome": (outcome, 4000)})
    if issues:
        raise ValidationFailed(issues, _("Say what was done before closing the finding."))
    with transaction.atomic():
        finding = _locked_finding(finding)
        if finding.status == FindingStatus.CLOSED:
            raise Conflict(ErrorCode.ALREADY_HANDLED, _("This finding is already closed."), field="status")
        now = timezone.now()
        if finding.acknowledged_at is None:
            finding.acknowledged_by, finding.acknowledged_at = actor, now
        finding.status, finding.closed_by, finding.closed_at, finding.outcome = (
            FindingStatus.CLOSED, actor, now, outcome.strip())
        finding.save(update_fields=["status", "acknowledged_by", "acknowledged_at", "closed_by", "closed_at",
                                    "outcome"])
        events.record("sharing.finding_closed", {"finding": finding.pk, "push": finding.push_id,
                                                 "department": finding.department_id},
                      aggregate=f"sharing.RegulatorFinding:{finding.pk}", at=now)
        audit.record(actor=actor, action="sharing.finding_closed", target=finding, data={"kind": finding.kind})
    return finding


# -- webhook endpoints -----------------------------------------------------------------------------

def _check_url(url: Any) -> str:
    text = url.strip() if isinstance(url, str) else ""
    parts = urlsplit(text)
    if not text or parts.scheme not in ("http", "https") or not parts.hostname or len(text) > 500 \
            or parts.username or parts.password:
        raise ValidationFailed([FieldIssue(field="url", code=ErrorCode.BAD_URL, message=_(
            "Give the full http:// or https:// address of the receiving system (no user name or password "
            "in it, at most 500 characters)."))])
    return text


def create_webhook_endpoint(*, actor: Any, department: Department, name: str, url: str) -> tuple[WebhookEndpoint, str]:
    """Register a department's receiving system; returns the endpoint and its signing secret, which is
    shown this once (the audit entry and the logs never hold it)."""
    policy.require_endpoint_manager(actor, department.pk)
    issues = _text_issues({"name": (name, 100)})
    if issues:
        raise ValidationFailed(issues)
    clean_url = _check_url(url)
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.create(
            department=department, name=name.strip(), url=clean_url, secret=secret,
            owner=actor if getattr(actor, "is_authenticated", False) else None)
        audit.record(actor=actor, action="sharing.webhook_created", target=endpoint,
                     data={"department": department.pk, "url": clean_url, "name": endpoint.name})
    return endpoint, secret


def deactivate_webhook_endpoint(*, actor: Any, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """Stop sending to an endpoint; deliveries already queued for it are dropped when they come due."""
    policy.require_endpoint_manager(actor, endpoint.department_id)
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        if not endpoint.active:
            raise Conflict(ErrorCode.INACTIVE, _("This webhook is already switched off."), field="endpoint")
        endpoint.active, endpoint.deactivated_at = False, timezone.now()
        endpoint.save(update_fields=["active", "deactivated_at"])
        audit.record(actor=actor, action="sharing.webhook_deactivated", target=endpoint,
                     data={"department": endpoint.department_id})
        forget_endpoint(endpoint.pk)
    return endpoint
