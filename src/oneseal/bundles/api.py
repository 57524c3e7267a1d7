"""`/api/v1/bundles`: one-thing joint handling (一事联办) over HTTP.

Public: the definitions (like the catalog) and tracking by number AND ID (a wrong pair answers
exactly like an unknown number). Signed in (API token or session): apply (multipart, one file per
pool material), the caller's bundles, one bundle with its parts and clock, and for window clerks the
joint acceptance and the joint delivery. Administrators define bundles. The API only translates
HTTP: writes go through `services`, reads through `selectors`. Statuses: 401 not signed in, 403
refused by policy, 404 unknown or invisible bundle, 409 not allowed in the bundle's state, 413 file
too large, 422 invalid input. docs/bundles.md shows an example of each.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Literal

from django.core.paginator import Paginator
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, File, Form, Query, Router, Schema
from ninja.files import UploadedFile

from oneseal.accounts.tokens import api_auth
from oneseal.cases import api as case_api
from oneseal.cases.models import ApplicantKind, CaseStatus, Channel, DeliveryMethod
from oneseal.catalog.models import LimitUnit
from oneseal.kernel.errors import DomainError
from oneseal.kernel.schemas import ErrorOut

from . import clock, selectors, services
from .models import BundleApplication, BundleDefinition, BundleStatus, MappingSource, PartStatus

router = Router(tags=["bundles"], auth=api_auth)

PAGE_SIZE = 20
CONFLICT_CODES = {"bundle_not_ready", "nothing_to_accept", "bundle_not_active", *case_api.CONFLICT_CODES}
READ = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class NotFound(DomainError):
    status = 404


@contextmanager
def _refusals() -> Iterator[None]:
    try:
        yield
    except DomainError as exc:
        if type(exc).status == DomainError.status:
            exc.status = 409 if exc.code in CONFLICT_CODES else 413 if exc.code == "file_too_large" else 422
        raise


def _bundle_or_404(request: HttpRequest, number: str) -> BundleApplication:
    found = selectors.bundle_for(request.user, number)
    if found is None:
        raise NotFound("not_found", _("No bundle with number %(number)s."), field="number", number=number)
    return found


def _definition_or_404(code: str) -> BundleDefinition:
    found = selectors.definition(code)
    if found is None:
        raise NotFound("not_found", _("No bundle with code %(code)s."), field="definition", code=code)
    return found


# -- definitions ------------------------------------------------------------------------------------

class DefinitionItemOut(Schema):
    item: str = Field(description="service item code")
    item_name: str
    committed_limit: str
    depends_on: list[str] = Field(description="codes of the items it starts after")


class PoolUseOut(Schema):
    item: str
    material: str


class PoolMaterialOut(Schema):
    name: str
    required: bool
    uses: list[PoolUseOut]


class MappingOut(Schema):
    source: str
    source_kind: str
    source_key: str
    target: str
    field: str


class DefinitionOut(Schema):
    code: str
    name: str
    name_en: str
    description: str
    limit: str = Field(description="the bundle's own limit, e.g. '1 working_days'")
    active: bool
    items: list[DefinitionItemOut]
    pool: list[PoolMaterialOut]
    mappings: list[MappingOut]
    form_schema: dict = Field(description="the one application form (JSON Schema)")


def _definition(d: BundleDefinition) -> dict[str, Any]:
    return {
        "code": d.code, "name": d.name, "name_en": d.name_en, "description": d.description,
        "limit": f"{d.limit_amount} {d.limit_unit}", "active": d.active,
        "items": [{"item": i.item.code, "item_name": i.item.name,
                   "committed_limit": f"{i.item.committed_limit} {i.item.committed_limit_unit}",
                   "depends_on": [x.item.code for x in i.depends_on.all()]} for i in d.items.all()],
        "pool": [{"name": m.name, "required": m.required,
                  "uses": [{"item": u.bundle_item.item.code, "material": u.material} for u in m.uses.all()]}
                 for m in d.pool.all()],
        "mappings": [{"source": m.source.item.code, "source_kind": m.source_kind, "source_key": m.source_key,
                      "target": m.target.item.code, "field": m.target_field} for m in d.mappings.all()],
        "form_schema": services.application_form(d),
    }


@router.get("/definitions", auth=None, response={200: list[DefinitionOut]}, summary="The bundles offered (public)")
def list_definitions(request: HttpRequest):
    return [_definition(d) for d in selectors.definitions()]


@router.get("/definitions/{code}", auth=None, response={200: DefinitionOut, 404: ErrorOut},
            summary="One bundle: items, dependencies, shared materials, mappings, the one form")
def definition_detail(request: HttpRequest, code: str):
    return _definition(_definition_or_404(code))


class ItemIn(Schema):
    item: str = Field(max_length=40)
    depends_on: list[str] = Field([], max_length=50)


class PoolUseIn(Schema):
    item: str = Field(max_length=40)
    material: str = Field(max_length=200)


class PoolMaterialIn(Schema):
    name: str = Field(max_length=200)
    uses: list[PoolUseIn] = Field(max_length=50)


class MappingIn(Schema):
    source: str = Field(max_length=40)
    source_kind: Literal[tuple(MappingSource.values)] = MappingSource.FORM  # type: ignore[valid-type]
    source_key: str = Field(max_length=80)
    target: str = Field(max_length=40)
    field: str = Field(max_length=80)


class DefinitionIn(Schema):
    code: str = Field(max_length=40)
    name: str = Field(max_length=200)
    name_en: str = Field("", max_length=300)
    description: str = Field("", max_length=4000)
    limit_amount: int = Field(ge=1, le=10_000)
    limit_unit: Literal[tuple(LimitUnit.values)]  # type: ignore[valid-type]
    form_schema: dict = Field({}, description="shared form fields beyond the items' own (JSON Schema)")
    items: list[ItemIn] = Field(max_length=50)
    pool: list[PoolMaterialIn] = Field(max_length=100)
    mappings: list[MappingIn] = Field([], max_length=100)


@router.post("/definitions", response={200: DefinitionOut, **WRITE},
             summary="Administrator: define a bundle (refused as a whole on a cycle, an unknown item, …)")
def create_definition(request: HttpRequest, body: DefinitionIn):
    with _refusals():
        created = services.define_bundle(
            actor=request.user, code=body.code, name=body.name, name_en=body.name_en, description=body.description,
            limit_amount=body.limit_amount, limit_unit=body.limit_unit, form_schema=body.form_schema,
            items=[services.ItemSpec(i.item, tuple(i.depends_on)) for i in body.items],
            pool=[services.PoolSpec(p.name, tuple((u.item, u.material) for u in p.uses)) for p in body.pool],
            mappings=[services.MappingSpec(m.source, m.source_key, m.target, m.field, m.source_kind)
                      for m in body.mappings])
    return _definition(selectors.definition(created.code, active_only=False))


# -- applications --------------------------------------------------------------------------------

class PartOut(Schema):
    item: str
    item_name: str
    status: str
    status_label: str
    depends_on: list[str]
    case: str | None = Field(description="the child case's number, once started")
    case_status: str | None
    case_limit: str = Field(description="the child case's own committed limit")
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    elapsed_working_minutes: int | None = Field(description="from the case's start to its result (or now)")
    failure: str


class NoticeOut(Schema):
    kind: str
    at: dt.datetime
    content: dict


class ClockOut(Schema):
    limit: str
    due_at: dt.datetime
    due_provisional: bool
    elapsed_working_minutes: int
    remaining_working_minutes: int
    finished: bool
    overdue: bool


class BundleSummaryOut(Schema):
    number: str
    definition: str
    definition_name: str
    status: str
    status_label: str
    channel: str
    submitted_at: dt.datetime
    due_at: dt.datetime
    ready_at: dt.datetime | None
    closed_at: dt.datetime | None


class BundleOut(BundleSummaryOut):
    applicant_name: str
    clock: ClockOut
    parts: list[PartOut]
    materials_uploaded: int
    materials_needed: int = Field(description="materials the child cases received")
    materials_saved: int
    stop_reason: str
    delivery_method: str
    waybill: str
    notices: list[NoticeOut]


class BundlePageOut(Schema):
    count: int
    page: int
    pages: int
    page_size: int
    results: list[BundleSummaryOut]


def _summary(b: BundleApplication) -> dict[str, Any]:
    return {"number": b.number, "definition": b.definition.code, "definition_name": b.definition.name,
            "status": b.status, "status_label": str(BundleStatus(b.status).label), "channel": b.channel,
            "submitted_at": b.submitted_at, "due_at": b.due_at, "ready_at": b.ready_at, "closed_at": b.closed_at}


def _part(part) -> dict[str, Any]:
    case = part.case
    elapsed = None
    if case is not None:
        end = case.issued_at or case.closed_at
        elapsed = clock.case_elapsed_minutes(case, end)
    return {
        "item": part.bundle_item.item.code, "item_name": part.bundle_item.item.name, "status": part.status,
        "status_label": str(PartStatus(part.status).label),
        "depends_on": [d.item.code for d in part.bundle_item.depends_on.all()],
        "case": case.number if case else None, "case_status": case.status if case else None,
        "case_limit": (f"{case.limit_amount} {case.limit_unit}" if case else
                       f"{part.bundle_item.item.committed_limit} {part.bundle_item.item.committed_limit_unit}"),
        "started_at": part.started_at, "finished_at": part.finished_at, "elapsed_working_minutes": elapsed,
        "failure": part.failure,
    }


def detail(b: BundleApplication) -> dict[str, Any]:
    reading = clock.reading(b)
    saving = selectors.material_saving(b)
    return {
        **_summary(b), "applicant_name": b.applicant.name,
        "clock": {"limit": f"{b.limit_amount} {b.limit_unit}", "due_at": reading.due_at,
                  "due_provisional": reading.provisional, "elapsed_working_minutes": reading.elapsed_minutes,
                  "remaining_working_minutes": reading.remaining_minutes, "finished": reading.finished,
                  "overdue": reading.overdue},
        "parts": [_part(p) for p in selectors.parts(b)],
        "materials_uploaded": saving.uploaded, "materials_needed": saving.needed, "materials_saved": saving.saved,
        "stop_reason": b.stop_reason, "delivery_method": b.delivery_method, "waybill": b.waybill,
        "notices": list(b.notices.all()),
    }


class ListQuery(Schema):
    status: Literal[tuple(BundleStatus.values)] | None = None  # type: ignore[valid-type]
    overdue: bool = Field(False, description="only open bundles past their own due time")
    page: int = Field(1, ge=1, le=100_000)


@router.get("", response={200: BundlePageOut, **READ}, summary="The bundles the caller may see, newest first")
def list_bundles(request: HttpRequest, query: Query[ListQuery]):
    qs = selectors.visible_bundles(request.user)
    if query.status:
        qs = qs.filter(status=query.status)
    if query.overdue:
        qs = selectors.overdue(qs)
    current = Paginator(qs.order_by("-submitted_at", "-id"), PAGE_SIZE).get_page(query.page)
    return {"count": current.paginator.count, "page": current.number, "pages": current.paginator.num_pages,
            "page_size": PAGE_SIZE, "results": [_summary(b) for b in current.object_list]}


class TrackQuery(Schema):
    number: str = Field(..., min_length=1, max_length=30)
    id: str = Field(..., min_length=1, max_length=18, description="the applicant's ID number or credit code")


class TrackPartOut(Schema):
    item_name: str
    status: str
    status_label: str
    case: str | None
    case_status_label: str | None


class TrackOut(Schema):
    number: str
    definition_name: str
    status: str
    status_label: str
    submitted_at: dt.datetime
    due_at: dt.datetime
    ready_at: dt.datetime | None
    elapsed_working_minutes: int
    overdue: bool
    stop_reason: str
    parts: list[TrackPartOut]


def tracking(b: BundleApplication) -> dict[str, Any]:
    reading = clock.reading(b)
    return {
        "number": b.number, "definition_name": b.definition.name, "status": b.status,
        "status_label": str(BundleStatus(b.status).label), "submitted_at": b.submitted_at, "due_at": b.due_at,
        "ready_at": b.ready_at, "elapsed_working_minutes": reading.elapsed_minutes, "overdue": reading.overdue,
        "stop_reason": b.stop_reason,
        "parts": [{"item_name": p.bundle_item.item.name, "status": p.status,
                   "status_label": str(PartStatus(p.status).label), "case": p.case.number if p.case else None,
                   "case_status_label": str(CaseStatus(p.case.status).label) if p.case else None}
                  for p in selectors.parts(b)],
    }


@router.get("/track", auth=None, response={200: TrackOut, 404: ErrorOut, 422: ErrorOut},
            summary="Public tracking by bundle number AND the applicant's ID or credit code")
def track(request: HttpRequest, query: Query[TrackQuery]):
    found = selectors.track(query.number, query.id)
    if found is None:
        raise NotFound("not_found", _("No bundle matches this number and ID."), field="number")
    return tracking(found)


@router.get("/{number}", response={200: BundleOut, **READ}, summary="One bundle: its parts, clock, materials saved")
def bundle_detail(request: HttpRequest, number: str):
    return detail(_bundle_or_404(request, number))


class ApplyForm(Schema):
    definition: str = Field(max_length=40, description="bundle code")
    channel: Literal[tuple(Channel.values)] = Field(  # type: ignore[valid-type]
        description="window/kiosk: a window clerk on the applicant's behalf; online/mobile: the applicant")
    hall: str = Field("", max_length=20, description="hall code (window/kiosk; default: the clerk's hall)")
    form: str = Field("{}", max_length=100_000, description="the one application form as a JSON object")
    kind: Literal[("", *ApplicantKind.values)] = ""  # type: ignore[valid-type]
    name: str = Field("", max_length=200)
    id_number: str = Field("", max_length=18)
    legal_representative: str = Field("", max_length=60)
    phone: str = Field("", max_length=40)
    material: list[str] = Field([], description="with `file`: the pool material of each file, in order")


@router.post("", response={200: BundleOut, **WRITE, 413: ErrorOut},
             summary="Apply for a whole bundle (multipart: one file per pool material)")
def apply(request: HttpRequest, fields: Form[ApplyForm], file: File[list[UploadedFile]] = None):
    """Multipart: the fields below and each pool material as a file part named `material:<name>` (or
    repeated `file` parts with a parallel list of `material` fields). Header `Idempotency-Key`
    (optional): a repeat answers the same bundle."""
    key = request.headers.get("Idempotency-Key") or None
    with _refusals():
        if key is not None and len(key) > 100:
            raise DomainError("idempotency_key_too_long", _("The Idempotency-Key is at most 100 characters."),
                              field="Idempotency-Key")
        definition = selectors.definition(fields.definition.strip())
        if definition is None:
            raise DomainError("unknown_definition", _("No bundle with code %(code)s."), field="definition",
                              code=fields.definition)
        hall = case_api._intake_hall(request.user, fields.channel, fields.hall.strip())
        form_data = case_api._form_data(fields.form)
        uploads = case_api._uploads(request, file, fields.material)
        applicant = case_api._applicant_for(request.user, fields.channel, fields)
        application = services.apply_bundle(actor=request.user, definition=definition, applicant=applicant,
                                            channel=fields.channel, form_data=form_data, materials=uploads,
                                            hall=hall, idempotency_key=key)
    return detail(application)


@router.post("/{number}/accept", response={200: BundleOut, **WRITE},
             summary="Window: receive the bundle as one application (accept every case waiting)")
def accept(request: HttpRequest, number: str):
    with _refusals():
        application = _bundle_or_404(request, number)
        services.accept_parts(actor=request.user, application=application)
    return detail(_bundle_or_404(request, number))


class DeliverIn(Schema):
    method: Literal[tuple(DeliveryMethod.values)]  # type: ignore[valid-type]
    carrier: str = Field("", max_length=60)
    waybill: str = Field("", max_length=60)


@router.post("/{number}/deliver", response={200: BundleOut, **WRITE},
             summary="Window: hand out every result together (一窗取件) or send them with one waybill")
def deliver(request: HttpRequest, number: str, body: DeliverIn):
    with _refusals():
        application = _bundle_or_404(request, number)
        services.deliver_bundle(actor=request.user, application=application, method=body.method,
                                carrier=body.carrier, waybill=body.waybill)
    return detail(_bundle_or_404(request, number))
