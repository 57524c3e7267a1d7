"""Catalog API: public search, item guide data, and the reform figures."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema

from oneseal.kernel.errors import DomainError
from oneseal.kernel.schemas import ERRORS, ErrorOut

from . import selectors
from .diff import diff_versions
from .models import ItemType

router = Router(tags=["catalog"])


class NotFound(DomainError):
    status = 404


class ItemFilterQuery(Schema):
    q: str = Field("", max_length=100, description="Words in the name, or the start of the code")
    department: str = Field("", max_length=20, description="Department code (implementing or original)")
    zone: str = Field("", max_length=20, description="Zone code")
    type: Literal[tuple(ItemType.values)] | None = Field(None, description="Item type")  # type: ignore[valid-type]
    online_depth: int | None = Field(None, ge=1, le=4)
    visits: int | None = Field(None, ge=0, le=2, description="Visits required")
    high_frequency: bool | None = None
    one_visit: bool | None = Field(None, description="At most one visit (最多跑一次)")
    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(selectors.PAGE_SIZE, ge=1, le=selectors.MAX_PAGE_SIZE)


class DepartmentOut(Schema):
    code: str
    name: str
    name_en: str


class ItemSummaryOut(Schema):
    code: str
    name: str
    name_en: str
    item_type: str
    implementing_body: DepartmentOut
    original_department: DepartmentOut
    zone: str | None = Field(None, alias="zone.code")
    committed_limit: int
    committed_limit_unit: str
    statutory_limit: int
    statutory_limit_unit: str
    visits_required: int
    online_depth: int
    handling_mode: str
    high_frequency: bool
    version: int


class ItemPageOut(Schema):
    count: int
    page: int
    pages: int
    page_size: int
    results: list[ItemSummaryOut]


class MaterialOut(Schema):
    name: str
    form: str
    copies: int
    required: bool
    licence_replaceable: bool
    licence_type: str
    note: str


class FeeOut(Schema):
    name: str
    amount_fen: int
    amount_yuan: str
    unit: str
    legal_basis: str


class SpecialProcedureOut(Schema):
    kind: str
    max_working_days: int
    stops_clock: bool
    note: str


class TransferOut(Schema):
    from_department: DepartmentOut
    to_department: DepartmentOut
    batch: str
    date: str
    status: str


class VersionOut(Schema):
    number: int
    published_at: str
    change_note: str


class ItemDetailOut(ItemSummaryOut):
    status: str
    supervising_department: DepartmentOut
    legal_basis: str
    conditions: str
    procedure: str
    procedure_steps: str
    is_free: bool
    place: str
    office_hours: str
    consultation_channel: str
    complaint_channel: str
    at_most_one_visit: bool
    materials: list[MaterialOut]
    fees: list[FeeOut]
    special_procedures: list[SpecialProcedureOut]
    transfer: TransferOut | None
    versions: list[VersionOut]


class ChangeOut(Schema):
    field: str
    label: str
    kind: str
    old: str
    new: str
    row: str


class VersionDiffOut(Schema):
    code: str
    from_version: int
    to_version: int
    changes: list[ChangeOut]


class ReformStatsOut(Schema):
    zones: int
    hall_departments: int
    staff: int
    licensing_items: int
    licensing_categories: int
    licensing_transferred: int
    licensing_pending: int
    pending_departments: int
    items: int
    one_visit_items: int
    high_frequency_items: int
    transfer_by_department: list[dict]


@router.get("/items", response={200: ItemPageOut, 422: ErrorOut}, summary="Search the service catalog")
def list_items(request: HttpRequest, filters: Query[ItemFilterQuery]):
    qs = selectors.search_items(selectors.ItemFilters(
        q=filters.q, department=filters.department, zone=filters.zone, item_type=filters.type or "",
        online_depth=filters.online_depth, visits=filters.visits, high_frequency=filters.high_frequency,
        one_visit=filters.one_visit,
    ))
    page = selectors.page_of(qs, filters.page, filters.page_size)
    return {
        "count": page.paginator.count,
        "page": page.number,
        "pages": page.paginator.num_pages,
        "page_size": page.paginator.per_page,
        "results": list(page.object_list),
    }


def _item_or_404(code: str):
    item = selectors.item_detail(code)
    if item is None:
        raise NotFound("not_found", _("No service item with code %(code)s."), field="code", code=code)
    return item


@router.get("/items/{code}", response={200: ItemDetailOut, **ERRORS}, summary="One service item with every disclosed element")
def get_item(request: HttpRequest, code: str):
    item = _item_or_404(code)
    transfer = getattr(item, "transfer", None)  # RelatedObjectDoesNotExist is an AttributeError
    return {
        **{f: getattr(item, f) for f in ItemDetailOut.model_fields if hasattr(item, f) and f not in {
            "materials", "fees", "special_procedures", "transfer", "versions", "zone"}},
        "zone": item.zone.code if item.zone else None,
        "materials": list(item.materials.all()),
        "fees": list(item.fees.all()),
        "special_procedures": list(item.special_procedures.all()),
        "transfer": None if transfer is None else {
            "from_department": transfer.from_department, "to_department": transfer.to_department,
            "batch": transfer.batch, "date": transfer.date.isoformat(), "status": transfer.status},
        "versions": [{"number": v.number, "published_at": v.published_at.isoformat(),
                      "change_note": v.change_note} for v in item.versions.all()],
    }


@router.get("/items/{code}/diff", response={200: VersionDiffOut, **ERRORS}, summary="What changed between two versions")
def diff_item(request: HttpRequest, code: str, from_version: int = Query(..., alias="from", ge=1),
              to_version: int = Query(..., alias="to", ge=1)):
    item = _item_or_404(code)
    versions = {v.number: v for v in item.versions.all()}
    for name, number in (("from", from_version), ("to", to_version)):
        if number not in versions:
            raise NotFound("unknown_version", _("Item %(code)s has no version %(number)s."), field=name,
                           code=code, number=number)
    changes = diff_versions(versions[from_version].snapshot, versions[to_version].snapshot)
    return {"code": code, "from_version": from_version, "to_version": to_version,
            "changes": [c.__dict__ for c in changes]}


@router.get("/stats/reform", response=ReformStatsOut, summary="Reform figures computed from the database")
def reform(request: HttpRequest):
    return {**selectors.reform_stats(), "transfer_by_department": selectors.transfer_progress()}
