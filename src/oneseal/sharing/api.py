"""`/api/v1/sharing`: regulator pushes, claims, escalations, findings and webhook endpoints (审管互动).

For regulators' systems (API token of a regulator account: `oneseal token create <user>`) and the pages
(session + CSRF). The API only translates HTTP: `selectors` scope every read to the caller (a push of
another department answers 404 like an unknown one), `services` decide and write. Statuses: 401 no
caller, 403 refused by policy, 404 unknown or invisible, 409 not allowed in the current state (already
claimed, already closed), 422 invalid input. docs/sharing.md shows each endpoint.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.core.paginator import Paginator
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema, Status

from oneseal.accounts.tokens import api_auth
from oneseal.kernel.errors import DomainError, PermissionDeniedError
from oneseal.kernel.schemas import ErrorOut

from . import policy, selectors, services
from .models import ClaimChannel, RegulatorFinding, RegulatorPush, WebhookEndpoint

router = Router(tags=["sharing"], auth=api_auth)

PAGE_SIZE = 20
READ = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class NotFound(DomainError):
    status = 404


_MISSING = {
    "push": _("No push with id %(id)s."),
    "finding": _("No finding with id %(id)s."),
    "webhook": _("No webhook with id %(id)s."),
}


def _not_found(what: str, pk: int) -> NotFound:
    return NotFound("not_found", _MISSING[what], field="id", id=pk)


def _forbidden(message) -> PermissionDeniedError:
    return PermissionDeniedError("forbidden", message, field="actor")


def _page(qs, page: int) -> dict:
    current = Paginator(qs, PAGE_SIZE).get_page(page)
    return {"count": current.paginator.count, "page": current.number, "pages": current.paginator.num_pages,
            "page_size": PAGE_SIZE, "items": list(current.object_list)}


# -- schemas ---------------------------------------------------------------------------------------

class PushOut(Schema):
    id: int
    kind: str
    department: str = Field(..., description="supervising department (code)")
    issuing_department: str = Field(..., description="department that decided or issued (code)")
    item_code: str | None
    item_name: str | None
    case_number: str
    licence_number: str
    subject: str
    event_id: str | None = Field(None, description="id of the sharing.push_created event (webhook dedupe key)")
    occurred_at: dt.datetime
    pushed_at: dt.datetime
    claim_due_at: dt.datetime
    escalation_due_at: dt.datetime
    claimed_at: dt.datetime | None
    claimed_by: str | None
    claim_channel: str
    reminded_at: dt.datetime | None
    escalated_at: dt.datetime | None
    data: dict

    @staticmethod
    def from_push(push: RegulatorPush) -> dict:
        return {
            "id": push.pk, "kind": push.kind, "department": push.department.code,
            "issuing_department": push.issuing_department.code,
            "item_code": push.item.code if push.item else None, "item_name": push.item.name if push.item else None,
            "case_number": push.case_number, "licence_number": push.licence_number, "subject": push.subject_name,
            "event_id": str(push.event_id) if push.event_id else None, "occurred_at": push.occurred_at,
            "pushed_at": push.created_at, "claim_due_at": push.due_at, "escalation_due_at": push.escalate_at,
            "claimed_at": push.claimed_at, "claimed_by": push.claimed_by.get_username() if push.claimed_by else None,
            "claim_channel": push.claim_channel, "reminded_at": push.reminded_at,
            "escalated_at": push.escalated_at, "data": push.summary,
        }


class PushPageOut(Schema):
    count: int
    page: int
    pages: int
    page_size: int
    items: list[PushOut]


class PushQuery(Schema):
    state: Literal["unclaimed", "claimed", "overdue", "escalated"] | None = Field(
        None, description="unclaimed, claimed, overdue (unclaimed past the 2-working-day deadline), escalated")
    page: int = Field(1, ge=1, le=100_000)


class ClaimIn(Schema):
    note: str = Field("", max_length=500)


class FindingIn(Schema):
    push: int = Field(..., description="the push the finding is about")
    kind: Literal["penalty", "revoke_request", "rectification"]
    text: str = Field(..., max_length=4000)
    legal_basis: str = Field(..., max_length=500)


class FindingOut(Schema):
    id: int
    push: int
    kind: str
    status: str
    department: str
    issuing_department: str
    case_number: str
    licence_number: str
    text: str
    legal_basis: str
    filed_by: str
    filed_at: dt.datetime
    acknowledged_at: dt.datetime | None
    closed_at: dt.datetime | None
    outcome: str

    @staticmethod
    def from_finding(finding: RegulatorFinding) -> dict:
        return {
            "id": finding.pk, "push": finding.push_id, "kind": finding.kind, "status": finding.status,
            "department": finding.department.code, "issuing_department": finding.issuing_department.code,
            "case_number": finding.push.case_number, "licence_number": finding.licence_number,
            "text": finding.text, "legal_basis": finding.legal_basis, "filed_by": finding.filed_by.get_username(),
            "filed_at": finding.filed_at, "acknowledged_at": finding.acknowledged_at,
            "closed_at": finding.closed_at, "outcome": finding.outcome,
        }


class FindingPageOut(Schema):
    count: int
    page: int
    pages: int
    page_size: int
    items: list[FindingOut]


class FindingQuery(Schema):
    status: Literal["open", "acknowledged", "closed"] | None = None
    page: int = Field(1, ge=1, le=100_000)


class CloseIn(Schema):
    outcome: str = Field(..., max_length=4000)


class WebhookIn(Schema):
    name: str = Field(..., max_length=100)
    url: str = Field(..., max_length=500, description="http:// or https:// address of the receiving system")


class WebhookOut(Schema):
    id: int
    department: str
    name: str
    url: str
    active: bool
    created_at: dt.datetime

    @staticmethod
    def from_endpoint(endpoint: WebhookEndpoint) -> dict:
        return {"id": endpoint.pk, "department": endpoint.department.code, "name": endpoint.name,
                "url": endpoint.url, "active": endpoint.active, "created_at": endpoint.created_at}


class WebhookCreatedOut(WebhookOut):
    secret: str = Field(..., description="the signing secret: shown this once, store it now")


# -- pushes ----------------------------------------------------------------------------------------

def _push_or_404(request: HttpRequest, push_id: int) -> RegulatorPush:
    push = selectors.push_for(request.user, push_id)
    if push is None:
        raise _not_found("push", push_id)
    return push


@router.get("/pushes", response={200: PushPageOut, **READ},
            summary="The pushes of the caller's department (regulators), newest first")
def list_pushes(request: HttpRequest, query: Query[PushQuery]):
    if policy.regulator_department(request.user) is None:
        raise _forbidden(_("Only regulators have a push inbox."))
    out = _page(selectors.pushes_for(request.user, query.state), query.page)
    out["items"] = [PushOut.from_push(p) for p in out["items"]]
    return out


@router.get("/pushes/{push_id}", response={200: PushOut, **READ}, summary="One push")
def push_detail(request: HttpRequest, push_id: int):
    return PushOut.from_push(_push_or_404(request, push_id))


CLAIM_BODY = {"requestBody": {"required": False, "content": {"application/json": {
    "schema": {"type": "object", "properties": {"note": {"type": "string", "maxLength": 500}}}}}}}


class InvalidInput(DomainError):
    status = 422


@router.post("/pushes/{push_id}/claim", response={200: PushOut, **WRITE}, openapi_extra=CLAIM_BODY,
             summary="Claim a push (认领): a regulator of its department, once")
def claim(request: HttpRequest, push_id: int):
    """The body is optional: `{"note": "…"}`, or nothing at all."""
    note = ""
    if request.content_type == "application/json" and request.body.strip():
        try:
            note = ClaimIn.model_validate_json(request.body).note
        except ValueError:
            raise InvalidInput("invalid_body", _("Send a JSON object with an optional “note” (at most 500 "
                                                 "characters), or nothing."), field="note") from None
    push = _push_or_404(request, push_id)
    channel = ClaimChannel.API if request.headers.get("Authorization") else ClaimChannel.PAGE
    services.claim_push(actor=request.user, push=push, note=note, channel=channel)
    return PushOut.from_push(_push_or_404(request, push_id))


@router.get("/escalations", response={200: PushPageOut, **READ},
            summary="Pushes escalated to supervision, unclaimed first (supervisors)")
def escalations(request: HttpRequest, query: Query[PushQuery]):
    if not policy.is_supervisor(request.user):
        raise _forbidden(_("Only supervisors see escalated pushes."))
    state = query.state if query.state in ("unclaimed", "claimed") else None
    out = _page(selectors.escalations_for(request.user, state), query.page)
    out["items"] = [PushOut.from_push(p) for p in out["items"]]
    return out


# -- findings --------------------------------------------------------------------------------------

def _finding_or_404(request: HttpRequest, finding_id: int) -> RegulatorFinding:
    finding = selectors.finding_for(request.user, finding_id)
    if finding is None:
        raise _not_found("finding", finding_id)
    return finding


@router.get("/findings", response={200: FindingPageOut, **READ},
            summary="Findings the caller's department received (approvers, head) or filed (regulators)")
def list_findings(request: HttpRequest, query: Query[FindingQuery]):
    out = _page(selectors.findings_for(request.user, query.status), query.page)
    out["items"] = [FindingOut.from_finding(f) for f in out["items"]]
    return out


@router.post("/findings", response={201: FindingOut, **WRITE},
             summary="File a finding on a push: penalty, revocation request or rectification order")
def file_finding(request: HttpRequest, body: FindingIn):
    push = selectors.push_for(request.user, body.push)
    if push is None:
        raise NotFound("not_found", _("No push with id %(id)s."), field="push", id=body.push)
    finding = services.file_finding(actor=request.user, push=push, kind=body.kind, text=body.text,
                                    legal_basis=body.legal_basis)
    return Status(201, FindingOut.from_finding(_finding_or_404(request, finding.pk)))


@router.post("/findings/{finding_id}/acknowledge", response={200: FindingOut, **WRITE},
             summary="Acknowledge a finding (the issuing department)")
def acknowledge(request: HttpRequest, finding_id: int):
    finding = services.acknowledge_finding(actor=request.user, finding=_finding_or_404(request, finding_id))
    return FindingOut.from_finding(_finding_or_404(request, finding.pk))


@router.post("/findings/{finding_id}/close", response={200: FindingOut, **WRITE},
             summary="Close a finding with what was done (the issuing department)")
def close(request: HttpRequest, finding_id: int, body: CloseIn):
    finding = services.close_finding(actor=request.user, finding=_finding_or_404(request, finding_id),
                                     outcome=body.outcome)
    return FindingOut.from_finding(_finding_or_404(request, finding.pk))


# -- webhook endpoints -----------------------------------------------------------------------------

@router.get("/webhooks", response={200: list[WebhookOut], **READ},
            summary="The caller's department's webhook endpoints (never their secrets)")
def list_webhooks(request: HttpRequest):
    return [WebhookOut.from_endpoint(e) for e in selectors.endpoints_for(request.user)]


@router.post("/webhooks", response={201: WebhookCreatedOut, **WRITE},
             summary="Register the department's receiving system; the signing secret is shown once")
def create_webhook(request: HttpRequest, body: WebhookIn):
    department_id = policy.regulator_department(request.user)
    if department_id is None:
        raise _forbidden(_("Only a regulator registers a webhook for their department."))
    from oneseal.catalog.models import Department

    endpoint, secret = services.create_webhook_endpoint(
        actor=request.user, department=Department.objects.get(pk=department_id), name=body.name, url=body.url)
    return Status(201, {**WebhookOut.from_endpoint(endpoint), "secret": secret})


@router.post("/webhooks/{webhook_id}/deactivate", response={200: WebhookOut, **WRITE},
             summary="Stop sending pushes to an endpoint")
def deactivate_webhook(request: HttpRequest, webhook_id: int):
    endpoint = selectors.endpoint_for(request.user, webhook_id)
    if endpoint is None:
        raise _not_found("webhook", webhook_id)
    return WebhookOut.from_endpoint(services.deactivate_webhook_endpoint(actor=request.user, endpoint=endpoint))

