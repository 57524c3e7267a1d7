"""`/api/v1/credit/inspections`: published random-inspection plans (双随机一公开), for anyone.

GET lists published plans and shows one (with its seed, its inspector pool, the relations in force at
the draw, its targets with natural persons' citizen IDs masked, and the results once closed); GET
`/{id}/pool` is the frozen pool file; POST `/{id}/verify` re-runs the draw server side. Statuses: 404
unknown or not published, 409 refused (another seed than the published one), 422 invalid input.
"""

from __future__ import annotations

import datetime as dt

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import Body, Field, Query, Router, Schema

from oneseal.kernel.errors import DomainError
from oneseal.kernel.schemas import ErrorOut

from ..models import InspectionPlan
from ..selectors import inspections as selectors

router = Router(tags=["credit"])

PAGE_SIZE = 20
PUBLIC = {404: ErrorOut, 422: ErrorOut}
BODY = {400: ErrorOut}


class NotFound(DomainError):
    status = 404


def _plan(plan_id: int) -> InspectionPlan:
    plan = selectors.public_plan(plan_id)
    if plan is None:
        raise NotFound("not_found", _("No published inspection plan with id %(id)s."), field="id", id=plan_id)
    return plan


# -- schemas ---------------------------------------------------------------------------------------

class PlanSummaryOut(Schema):
    id: int
    title: str
    department: str
    status: str = Field(..., description="published (the draw and its seed are public) or closed (results too)")
    ratio: str
    inspectors_per_target: int
    pool_size: int
    pool_sha256: str
    seed_sha256: str
    seed: str = Field(..., description="the published seed: re-run the draw with it (see credit/draw.py)")
    targets: int
    drawn_at: dt.datetime
    published_at: dt.datetime
    closed_at: dt.datetime | None

    @staticmethod
    def of(plan: InspectionPlan) -> dict:
        return {"id": plan.pk, "title": plan.title, "department": plan.department.name, "status": plan.status,
                "ratio": str(plan.ratio), "inspectors_per_target": plan.inspectors_per_target,
                "pool_size": plan.pool_size or 0, "pool_sha256": plan.pool_sha256, "seed_sha256": plan.seed_sha256,
                "seed": plan.seed, "targets": getattr(plan, "target_count", 0), "drawn_at": plan.drawn_at,
                "published_at": plan.published_at, "closed_at": plan.closed_at}


class PlanPageOut(Schema):
    count: int
    page: int
    pages: int
    page_size: int
    items: list[PlanSummaryOut]


class PlanQuery(Schema):
    q: str = Field("", max_length=100, description="search titles and departments")
    page: int = Field(1, ge=1, le=100_000)


class InspectorOut(Schema):
    badge: str
    name: str


class ReassignmentOut(Schema):
    position: int
    removed: str
    added: str
    reason: str
    at: str


class TargetOut(Schema):
    position: int
    pool_id: str = Field(..., description="the subject's id in the pool file (a pseudonym for a natural person)")
    id_number: str = Field(..., description="credit code, or a citizen ID masked as 420683********123X")
    name: str
    basis: str
    weight: int
    inspectors: list[str] = Field(..., description="badges")
    result: str | None = Field(None, description="passed, problems or not_found, once the plan is closed")
    findings: str | None = None
    record: str | None = Field(None, description="the credit record the finding became, if public")


class PlanOut(PlanSummaryOut):
    licence_types: list[str]
    include_commitments: bool
    bad_credit_weight: int
    inspector_pool: list[InspectorOut]
    relations: list[list[str]] = Field(..., description="(badge, pool id) pairs declared before the draw")
    reassigned: list[ReassignmentOut]
    target_list: list[TargetOut]


class VerifyIn(Schema):
    seed: str | None = Field(None, max_length=200,
                             description="optional: must be the published seed; a draw is never re-run with another")


class VerifyOut(Schema):
    matches: bool
    pool_matches: bool
    seed_matches: bool
    targets_match: bool
    pool_size: int
    drawn: int
    differences: list[str]
    reassignments: list[ReassignmentOut]


# -- endpoints -------------------------------------------------------------------------------------

@router.get("/", response={200: PlanPageOut, **PUBLIC}, summary="Published random-inspection plans")
def list_plans(request: HttpRequest, filters: Query[PlanQuery]):
    current = Paginator(selectors.public_plans(filters.q), PAGE_SIZE).get_page(filters.page)
    return {"count": current.paginator.count, "page": current.number, "pages": current.paginator.num_pages,
            "page_size": PAGE_SIZE, "items": [PlanSummaryOut.of(p) for p in current.object_list]}


@router.get("/{plan_id}", response={200: PlanOut, **PUBLIC},
            summary="One published plan: its draw, seed, inspectors, targets (and results once closed)")
def get_plan(request: HttpRequest, plan_id: int):
    plan = _plan(plan_id)
    pool = plan.inspector_pool or {}
    return {**PlanSummaryOut.of(plan), "licence_types": plan.licence_types,
            "include_commitments": plan.include_commitments, "bad_credit_weight": plan.bad_credit_weight,
            "inspector_pool": [{"badge": i["badge"], "name": i["name"]} for i in pool.get("inspectors", [])],
            "relations": [list(pair) for pair in pool.get("relations", [])],
            "reassigned": pool.get("reassigned", []),
            "target_list": [{**t, "inspectors": [badge for badge, _name in t["inspectors"]]}
                            for t in selectors.public_targets(plan)]}


@router.get("/{plan_id}/pool", response={200: None, **PUBLIC},
            summary="The frozen pool file (text/tab-separated-values: id, weight, basis)")
def get_pool(request: HttpRequest, plan_id: int):
    plan = _plan(plan_id)
    text = selectors.pool_text(plan)
    response = HttpResponse(text.encode("utf-8"), content_type="text/tab-separated-values; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="inspection-{plan.pk}-pool.tsv"'
    return response


@router.post("/{plan_id}/verify", response={200: VerifyOut, **PUBLIC, **BODY, 409: ErrorOut},
             summary="Re-run a published draw from its pool file and seed, and compare")
def verify(request: HttpRequest, plan_id: int, body: VerifyIn = Body(None)):  # noqa: B008
    plan = _plan(plan_id)
    outcome = selectors.verify_draw(plan, seed=body.seed if body else None)
    return {"matches": outcome.matches, "pool_matches": outcome.pool_matches, "seed_matches": outcome.seed_matches,
            "targets_match": outcome.targets_match, "pool_size": outcome.pool_size, "drawn": outcome.drawn,
            "differences": outcome.differences, "reassignments": outcome.reassignments}
