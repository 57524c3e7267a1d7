"""`/api/v1/cases`: cases (办件) over HTTP, for systems (API token) and pages (session + CSRF).

The API only translates HTTP (STYLE.md rule 1): it parses, authorises the caller, and calls the
services (writes) and selectors (reads). A case the caller may not see answers 404 exactly like an
unknown number. Refusals are the services' domain errors, with these statuses: 401 not signed in,
403 refused by policy, 404 unknown or invisible case, 409 not allowed in the case's state,
413 file too large, 422 invalid input. docs/api.md shows every endpoint with an example.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Literal

from django.core.paginator import Paginator
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, File, Form, Query, Router, Schema
from ninja.files import UploadedFile

from oneseal.accounts.roles import RoleCode, has_role
from oneseal.accounts.tokens import api_auth
from oneseal.catalog.models import Hall, ServiceItem
from oneseal.kernel.errors import DomainError, PermissionDeniedError
from oneseal.kernel.schemas import ErrorOut

from . import clock, policy, selectors, services
from .forms import material_offers
from .models import Applicant, ApplicantKind, Case, CaseStatus, Channel, DeliveryMethod
from .notices.data import mask_id
from .services import MaterialUpload

router = Router(tags=["cases"], auth=api_auth)

PAGE_SIZE = 20
MATERIAL_PART = "material:"
# Refusals the services raise as plain DomainError (400), by what they mean over HTTP.
CONFLICT_CODES = {"second_supplement_notice", "task_not_ready", "waiting_for_supplement", "already_extended",
                  "no_supplement_requested"}
TOO_LARGE_CODES = {"file_too_large"}

READ = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
UPLOAD = {**WRITE, 413: ErrorOut}


class NotFound(DomainError):
    status = 404


class InvalidInput(DomainError):
    status = 422


@contextmanager
def _refusals() -> Iterator[None]:
    """Give the services' generic refusals their HTTP status: a state conflict is 409, a file over
    the limit 413, any other bad input 422. Errors that carry their own status keep it."""
    try:
        yield
    except DomainError as exc:
        if type(exc).status == DomainError.status:
            exc.status = 409 if exc.code in CONFLICT_CODES else 413 if exc.code in TOO_LARGE_CODES else 422
        raise


def _forbidden(message, **params) -> PermissionDeniedError:
    return PermissionDeniedError("forbidden", message, field="actor", **params)


def _case_or_404(request: HttpRequest, number: str) -> Case:
    case = selectors.case_for(request.user, number)
    if case is None:
        raise NotFound("not_found", _("No case with number %(number)s."), field="number", number=number)
    return case


def _reload(case: Case) -> Case:
    return Case.objects.select_related("item", "applicant", "hall", "item_version").get(pk=case.pk)


# -- schemas ------------------------------------------------------------------------------------

class ApplicantOut(Schema):
    kind: str
    name: str
    id_number_masked: str
    legal_representative: str


class MaterialOut(Schema):
    name: str
    original_name: str
    sha256: str
    size: int
    content_type: str
    uploaded_at: dt.datetime
    supplement: bool


class NoticeOut(Schema):
    kind: str
    number: str
    issued_at: dt.datetime


class TaskOut(Schema):
    task_id: str
    spec_name: str
    title: str
    lane: str
    kind: str
    special_procedure: str
    ready_at: dt.datetime


class EventOut(Schema):
    at: dt.datetime
    action: str
    status_after: str
    note: str


class DecisionOut(Schema):
    approved: bool
    reasons: str
    legal_basis: str
    decided_at: dt.datetime


class DeliveryOut(Schema):
    method: str
    carrier: str
    waybill: str
    sent_at: dt.datetime
    confirmed_at: dt.datetime | None


class FlagOut(Schema):
    stage: str
    source: str
    code: str
    message: str
    reference: str = Field(description="the record behind the flag, e.g. a credit record's number")
    blocking: bool
    raised_at: dt.datetime


class CaseSummaryOut(Schema):
    number: str
    status: str
    status_label: str
    item: str = Field(description="service item code")
    item_name: str
    applicant_name: str
    channel: str
    submitted_at: dt.datetime
    accepted_at: dt.datetime | None
    due_at: dt.datetime | None
    due_provisional: bool


class CaseDetailOut(CaseSummaryOut):
    hall: str | None
    applicant: ApplicantOut
    deemed_accepted: bool
    decided_at: dt.datetime | None
    issued_at: dt.datetime | None
    delivered_at: dt.datetime | None
    closed_at: dt.datetime | None
    limit: str = Field(description="the committed time limit, e.g. '5 working_days'")
    extension_days: int
    remaining: int | None = Field(description="time left in `remaining_unit`; negative when overdue; "
                                              "null before acceptance")
    remaining_unit: str
    paused: bool
    overdue: bool
    materials: list[MaterialOut]
    notices: list[NoticeOut]
    tasks: list[TaskOut] = Field(description="steps of the procedure waiting to be done")
    decision: DecisionOut | None
    delivery: DeliveryOut | None
    visits: int
    timeline: list[EventOut]
    commitment: str = Field("", description="the signed commitment the case was approved on (告知承诺), if any")
    waived_materials: list[str] = Field([], description="proofs the signed commitment stands in for")
    revoked_at: dt.datetime | None = None
    flags: list[FlagOut] = Field([], description="credit warnings on the applicant (staff only)")


class CasePageOut(Schema):
    count: int
    page: int
    pages: int
    page_size: int
    results: list[CaseSummaryOut]


class InboxEntryOut(Schema):
    number: str
    status: str
    item: str
    item_name: str
    applicant_name: str
    due_at: dt.datetime | None
    task: TaskOut


class InboxPageOut(Schema):
    count: int
    page: int
    pages: int
    page_size: int
    results: list[InboxEntryOut]


def _summary(case: Case) -> dict:
    return {
        "number": case.number, "status": case.status, "status_label": str(CaseStatus(case.status).label),
        "item": case.item.code, "item_name": case.item.name, "applicant_name": case.applicant.name,
        "channel": case.channel, "submitted_at": case.submitted_at, "accepted_at": case.accepted_at,
        "due_at": case.due_at, "due_provisional": case.due_provisional,
    }


def _task(task) -> dict:
    return {f: getattr(task, f) for f in TaskOut.model_fields}


def _detail(case: Case, staff: bool = False) -> dict:
    reading = clock.compute(clock.clock_of(case))
    decision = getattr(case, "decision", None)
    delivery = getattr(case, "delivery", None)
    return {
        **_summary(case),
        "hall": case.hall.code if case.hall_id else None,
        "applicant": {"kind": case.applicant.kind, "name": case.applicant.name,
                      "id_number_masked": mask_id(case.applicant.id_number),
                      "legal_representative": case.applicant.legal_representative},
        "deemed_accepted": case.deemed_accepted, "decided_at": case.decided_at, "issued_at": case.issued_at,
        "delivered_at": case.delivered_at, "closed_at": case.closed_at,
        "limit": f"{case.limit_amount} {case.limit_unit}", "extension_days": case.extension_days,
        "due_at": reading.due_at if reading.started else case.due_at,
        "due_provisional": reading.provisional,
        "remaining": reading.remaining, "remaining_unit": reading.unit, "paused": reading.paused,
        "overdue": reading.overdue,
        "materials": list(case.materials.all()),
        "notices": list(case.notices.all()),
        "tasks": [_task(t) for t in selectors.open_tasks(case)],
        "decision": decision, "delivery": delivery,
        "visits": selectors.visit_count(case),
        "timeline": list(selectors.timeline(case)),
        "commitment": case.commitment_ref, "waived_materials": case.waived_materials, "revoked_at": case.revoked_at,
        "flags": list(case.flags.all()) if staff else [],
    }


def _page(qs, page: int) -> tuple[dict, list]:
    current = Paginator(qs, PAGE_SIZE).get_page(page)
    meta = {"count": current.paginator.count, "page": current.number, "pages": current.paginator.num_pages,
            "page_size": PAGE_SIZE}
    return meta, list(current.object_list)


# -- reads --------------------------------------------------------------------------------------

class CaseListQuery(Schema):
    status: Literal[tuple(CaseStatus.values)] | None = Field(None, description="only cases in this status")  # type: ignore[valid-type]
    page: int = Field(1, ge=1, le=100_000)


@router.get("", response={200: CasePageOut, **READ}, summary="The cases the caller may see, newest first")
def list_cases(request: HttpRequest, query: Query[CaseListQuery]):
    qs = selectors.visible_cases(request.user)
    if query.status:
        qs = qs.filter(status=query.status)
    meta, rows = _page(qs.order_by("-submitted_at", "-id"), query.page)
    return {**meta, "results": [_summary(c) for c in rows]}


class PageQuery(Schema):
    page: int = Field(1, ge=1, le=100_000)


INBOX_ROLES = (RoleCode.APPROVER, RoleCode.BUREAU_HEAD, RoleCode.WINDOW_CLERK)


@router.get("/inbox", response={200: InboxPageOut, 403: ErrorOut, **READ},
            summary="Steps waiting for the caller's role and department, most urgent first")
def inbox(request: HttpRequest, query: Query[PageQuery]):
    """For approvers, bureau heads and window clerks."""
    if not has_role(request.user, *INBOX_ROLES):
        raise _forbidden(_("Only approvers, bureau heads and window clerks have an inbox."))
    meta, rows = _page(selectors.inbox(request.user), query.page)
    return {**meta, "results": [
        {"number": t.case.number, "status": t.case.status, "item": t.case.item.code,
         "item_name": t.case.item.name, "applicant_name": t.case.applicant.name, "due_at": t.case.due_at,
         "task": _task(t)} for t in rows]}


class VisitRateOut(Schema):
    code: str
    name: str
    cases: int
    at_most_one_visit: int
    rate: float | None


class VisitRatesOut(Schema):
    by: str
    results: list[VisitRateOut]


class VisitRatesQuery(Schema):
    by: Literal["item", "department"] = "item"


@router.get("/stats/one-visit", response={200: VisitRatesOut, 403: ErrorOut, **READ},
            summary="最多跑一次, measured: the share of closed cases that took at most one visit")
def one_visit(request: HttpRequest, query: Query[VisitRatesQuery]):
    """Per item or per department, from the recorded in-person visits (not the catalog's flag).
    For supervisors, bureau heads and administrators."""
    if not has_role(request.user, RoleCode.SUPERVISOR, RoleCode.BUREAU_HEAD, RoleCode.ADMINISTRATOR):
        raise _forbidden(_("Only supervisors, bureau heads and administrators see the visit figures."))
    rows = selectors.one_visit_rates(query.by)
    return {"by": query.by, "results": [
        {"code": r.key, "name": r.name, "cases": r.cases, "at_most_one_visit": r.at_most_one_visit,
         "rate": r.rate} for r in rows]}


@router.get("/{number}", response={200: CaseDetailOut, **READ}, summary="One case: clock, materials, notices, "
            "steps waiting, timeline")
def case_detail(request: HttpRequest, number: str):
    return _detail(_case_or_404(request, number), staff=policy.is_staff(request.user))


# -- submission ---------------------------------------------------------------------------------

class SubmitForm(Schema):
    item: str = Field(max_length=40, description="service item code")
    channel: Literal[tuple(Channel.values)] = Field(  # type: ignore[valid-type]
        description="window/kiosk: a window clerk on the applicant's behalf; online/mobile: the applicant")
    hall: str = Field("", max_length=20, description="hall code (window/kiosk; default: the clerk's hall)")
    form: str = Field("{}", max_length=100_000, description="the application form as a JSON object")
    kind: Literal[("", *ApplicantKind.values)] = Field(  # type: ignore[valid-type]
        "", description="applicant: person | organisation (not needed when an applicant applies for themselves "
                        "and already has an applicant record)")
    name: str = Field("", max_length=200, description="applicant's name")
    id_number: str = Field("", max_length=18, description="citizen ID or unified social credit code")
    legal_representative: str = Field("", max_length=60, description="organisations only")
    phone: str = Field("", max_length=40)
    material: list[str] = Field([], description="with `file`: the material of each file, in the same order "
                                                "(the alternative to parts named `material:<name>`)")
    use_licence: list[str] = Field([], description="once-only (免提交): materials to take from the applicant's "
                                                   "electronic licences instead of a file (see "
                                                   "`GET /licences/offers?item=`)")


def _reused(applicant: Applicant, item: ServiceItem, names: list[str], uploads: list[MaterialUpload]) -> list:
    """The materials the applicant takes from documents they already hold (their electronic licences),
    offered by the apps registered with `forms.register_material_offers`."""
    if not names:
        return []
    version = item.versions.order_by("-number").first()
    offers = material_offers(applicant, version.snapshot if version else {})
    uploaded = {u.material for u in uploads}
    reused = []
    for index, name in enumerate(names):
        offer = offers.get(name.strip())
        if offer is None:
            raise InvalidInput("no_licence_for_material",
                               _("You hold no valid electronic licence that can stand in for “%(name)s”."),
                               field=f"use_licence.{index}", name=name)
        if offer.material in uploaded:
            raise InvalidInput("material_given_twice",
                               _("“%(name)s” is both uploaded and taken from a licence: choose one."),
                               field=f"use_licence.{index}", name=name)
        reused.append(services.ReusedMaterial(material=offer.material, file=offer.file, source=offer.source))
    return reused


def _uploads(request: HttpRequest, files: list[UploadedFile] | None, names: list[str]) -> list[MaterialUpload]:
    """Files as parts named `material:<material name>`, or as repeated `file` parts with a parallel
    list of `material` fields. Errors name `materials.N`, N counting the files in the order sent."""
    uploads = []
    for key in request.FILES:
        if key == "file":
            continue
        if not key.startswith(MATERIAL_PART) or not key[len(MATERIAL_PART):].strip():
            raise InvalidInput("unknown_file_part", _("A file part must be named “material:<material name>”."),
                               field=key)
        for upload in request.FILES.getlist(key):
            uploads.append(MaterialUpload(material=key[len(MATERIAL_PART):].strip(), stream=upload,
                                          filename=upload.name or "", size=upload.size))
    files = list(files or [])
    if len(files) != len(names):
        raise InvalidInput("material_names_mismatch",
                           _("Send one “material” field for each “file” part, in the same order."),
                           field="material")
    for upload, name in zip(files, names, strict=True):
        uploads.append(MaterialUpload(material=name.strip(), stream=upload, filename=upload.name or "",
                                      size=upload.size))
    return uploads


def _form_data(text: str) -> dict:
    try:
        data = json.loads(text or "{}")
    except ValueError:
        raise InvalidInput("form_not_json", _("The form must be a JSON object."), field="form") from None
    if not isinstance(data, dict):
        raise InvalidInput("form_not_json", _("The form must be a JSON object."), field="form")
    return data


def _intake_hall(user, channel: str, code: str) -> Hall | None:
    """Who may submit, and where (DOMAIN.md §3.2): a window clerk in their own hall for window and
    kiosk applications; an applicant online or on mobile, with no hall."""
    if channel in services.IN_PERSON:
        profile = getattr(user, "staff_profile", None)
        if not has_role(user, RoleCode.WINDOW_CLERK) or profile is None or profile.hall_id is None:
            raise _forbidden(_("Only a window clerk may receive an application at a window or a kiosk."))
        if code and code != profile.hall.code:
            raise _forbidden(_("A clerk receives applications only in their own hall."))
        return profile.hall
    if not (has_role(user, RoleCode.APPLICANT) or hasattr(user, "applicant")):
        raise _forbidden(_("Only an applicant may apply online or on mobile."))
    if code:
        raise InvalidInput("hall_not_for_channel", _("An online application has no hall."), field="hall")
    return None


def _applicant_for(user, channel: str, fields: SubmitForm) -> Applicant:
    """At a window, the applicant the clerk names; online, the caller's own applicant record."""
    details = {"kind": fields.kind, "name": fields.name, "id_number": fields.id_number,
               "legal_representative": fields.legal_representative, "phone": fields.phone}
    if channel in services.IN_PERSON:
        return services.register_applicant(actor=user, **details)
    own = getattr(user, "applicant", None)
    if own is not None:
        return own
    # First application of a new account: its applicant record is created and bound to it, unless
    # that ID number is already someone's record (binding it would let anyone act as them).
    if Applicant.objects.filter(kind=fields.kind, id_number=fields.id_number.strip().upper()).exists():
        raise _forbidden(_("That ID number already has an applicant record; apply from its own account."))
    return services.register_applicant(actor=user, user=user, **details)


@router.post("", response={200: CaseDetailOut, **UPLOAD}, summary="Submit an application (multipart)")
def submit(request: HttpRequest, fields: Form[SubmitForm], file: File[list[UploadedFile]] = None):
    """Multipart form: the fields below, and each material as a file part named
    `material:<material name>` (or repeated `file` parts with a parallel list of `material` fields).
    Header `Idempotency-Key` (optional, ≤100 characters): a repeat with the same key and body
    answers the same case; the same key with another body is refused (422, field Idempotency-Key).
    Once-only (免提交): `use_licence` names materials to take from the applicant's electronic licences
    instead of a file (`GET /api/v1/licences/offers?item=` lists them); one the applicant holds no valid
    licence for is 422 `no_licence_for_material` (field `use_licence.N`)."""
    key = request.headers.get("Idempotency-Key") or None
    if key is not None and len(key) > 100:
        raise InvalidInput("idempotency_key_too_long", _("The Idempotency-Key is at most 100 characters."),
                           field="Idempotency-Key")
    with _refusals():
        hall = _intake_hall(request.user, fields.channel, fields.hall.strip())
        item = ServiceItem.objects.filter(code=fields.item.strip()).first()
        if item is None:
            raise InvalidInput("unknown_item", _("No service item with code %(code)s."), field="item",
                               code=fields.item)
        form_data = _form_data(fields.form)
        uploads = _uploads(request, file, fields.material)
        applicant = _applicant_for(request.user, fields.channel, fields)
        reused = _reused(applicant, item, fields.use_licence, uploads)
        case = services.submit_case(actor=request.user, item=item, applicant=applicant, channel=fields.channel,
                                    form_data=form_data, materials=[*uploads, *reused], hall=hall,
                                    idempotency_key=key)
    return _detail(_reload(case), staff=policy.is_staff(request.user))


# -- acceptance ---------------------------------------------------------------------------------

@router.post("/{number}/accept", response={200: CaseDetailOut, **WRITE}, summary="Accept (受理, Art. 32)")
def accept(request: HttpRequest, number: str):
    with _refusals():
        case = services.accept_case(actor=request.user, case=_case_or_404(request, number))
    return _detail(_reload(case), staff=policy.is_staff(request.user))


class ProblemIn(Schema):
    material: str = Field(max_length=200)
    problem: str = Field(max_length=1000)


class SupplementIn(Schema):
    problems: list[ProblemIn] = Field(max_length=100, description="every missing or wrong material (一次性告知)")
    note: str = Field("", max_length=2000)


@router.post("/{number}/supplement", response={200: CaseDetailOut, **WRITE},
             summary="Issue THE supplement notice (补正通知, one per case)")
def supplement(request: HttpRequest, number: str, body: SupplementIn):
    with _refusals():
        case = _case_or_404(request, number)
        services.request_supplement(actor=request.user, case=case, note=body.note,
                                    problems=[(p.material, p.problem) for p in body.problems])
    return _detail(_reload(case), staff=policy.is_staff(request.user))


class MaterialNamesForm(Schema):
    material: list[str] = Field([], description="with `file`: the material of each file, in the same order")


@router.post("/{number}/supplement/receive", response={200: CaseDetailOut, **UPLOAD},
             summary="Hand in the supplement (multipart, files as in submission)")
def receive_supplement(request: HttpRequest, number: str, fields: Form[MaterialNamesForm],
                       file: File[list[UploadedFile]] = None):
    with _refusals():
        case = _case_or_404(request, number)
        uploads = _uploads(request, file, fields.material)
        in_person = case.applicant.user_id != request.user.pk  # a clerk at the window: a visit
        case = services.receive_supplement(actor=request.user, case=case, materials=uploads, in_person=in_person)
    return _detail(_reload(case), staff=policy.is_staff(request.user))


class RefuseIn(Schema):
    reason: str = Field(max_length=2000)
    legal_basis: str = Field(max_length=2000)


@router.post("/{number}/refuse", response={200: CaseDetailOut, **WRITE}, summary="Refuse (不予受理)")
def refuse(request: HttpRequest, number: str, body: RefuseIn):
    with _refusals():
        case = _case_or_404(request, number)
        services.refuse_case(actor=request.user, case=case, reason=body.reason, legal_basis=body.legal_basis)
    return _detail(_reload(case), staff=policy.is_staff(request.user))


class ReasonIn(Schema):
    reason: str = Field(max_length=2000)


@router.post("/{number}/override", response={200: CaseDetailOut, **WRITE},
             summary="Supervisor: allow a second supplement notice")
def override(request: HttpRequest, number: str, body: ReasonIn):
    with _refusals():
        case = _case_or_404(request, number)
        services.grant_supplement_override(actor=request.user, case=case, reason=body.reason)
    return _detail(_reload(case), staff=policy.is_staff(request.user))


# -- back office --------------------------------------------------------------------------------

class TaskCompleteIn(Schema):
    passed: bool | None = Field(None, description="review steps")
    approved: bool | None = Field(None, description="the decision step: approve or deny")
    reasons: str = Field("", max_length=4000, description="required to deny")
    legal_basis: str = Field("", max_length=2000)
    note: str = Field("", max_length=2000)


@router.post("/{number}/tasks/{task_id}/complete", response={200: CaseDetailOut, **WRITE},
             summary="Complete a step of the case's procedure (review, decision, …)")
def complete_task(request: HttpRequest, number: str, task_id: str, body: TaskCompleteIn):
    data = body.model_dump(exclude_none=True)
    data = {k: v for k, v in data.items() if v != ""}
    with _refusals():
        case = services.complete_task(actor=request.user, case=_case_or_404(request, number), task_id=task_id,
                                      data=data)
    return _detail(_reload(case), staff=policy.is_staff(request.user))


class ExtendIn(Schema):
    reason: str = Field(max_length=2000)
    days: int = Field(services.DEFAULT_EXTENSION_DAYS, ge=1, le=30)


@router.post("/{number}/extend", response={200: CaseDetailOut, **WRITE},
             summary="Bureau head: extend once (Art. 42)")
def extend(request: HttpRequest, number: str, body: ExtendIn):
    with _refusals():
        case = services.extend_case(actor=request.user, case=_case_or_404(request, number), reason=body.reason,
                                    days=body.days)
    return _detail(_reload(case), staff=policy.is_staff(request.user))


# -- result -------------------------------------------------------------------------------------

@router.post("/{number}/issue", response={200: CaseDetailOut, **WRITE}, summary="Issue the result (Art. 44)")
def issue(request: HttpRequest, number: str):
    with _refusals():
        case = services.issue_result(actor=request.user, case=_case_or_404(request, number))
    return _detail(_reload(case), staff=policy.is_staff(request.user))


class DeliverIn(Schema):
    method: Literal[tuple(DeliveryMethod.values)]  # type: ignore[valid-type]
    carrier: str = Field("", max_length=60)
    waybill: str = Field("", max_length=60)


@router.post("/{number}/deliver", response={200: CaseDetailOut, **WRITE},
             summary="Hand out or send the result (pickup, courier, electronic)")
def deliver(request: HttpRequest, number: str, body: DeliverIn):
    with _refusals():
        case = _case_or_404(request, number)
        services.deliver_result(actor=request.user, case=case, method=body.method, carrier=body.carrier,
                                waybill=body.waybill)
    return _detail(_reload(case), staff=policy.is_staff(request.user))


@router.post("/{number}/confirm-receipt", response={200: CaseDetailOut, **WRITE},
             summary="Confirm the applicant received the result (办结)")
def confirm_receipt(request: HttpRequest, number: str):
    with _refusals():
        case = services.confirm_receipt(actor=request.user, case=_case_or_404(request, number))
    return _detail(_reload(case), staff=policy.is_staff(request.user))


class WithdrawIn(Schema):
    reason: str = Field("", max_length=2000)


WITHDRAW_BODY = {"requestBody": {"required": False, "content": {"application/json": {
    "schema": {"type": "object", "properties": {"reason": {"type": "string", "maxLength": 2000}}}}}}}


@router.post("/{number}/withdraw", response={200: CaseDetailOut, **WRITE}, summary="Withdraw the application",
             openapi_extra=WITHDRAW_BODY)
def withdraw(request: HttpRequest, number: str):
    """The body is optional: `{"reason": "…"}`, or nothing at all."""
    reason = ""
    if request.body.strip() and request.content_type == "application/json":
        try:
            reason = WithdrawIn.model_validate_json(request.body).reason
        except ValueError:
            raise InvalidInput("invalid_body", _("Send a JSON object with an optional “reason”, or nothing."), field="reason") from None
    with _refusals():
        case = services.withdraw_case(actor=request.user, case=_case_or_404(request, number), reason=reason)
    return _detail(_reload(case), staff=policy.is_staff(request.user))
