"""Pages of random inspections (双随机一公开).

- the desk (`/workbench/inspections/`): a regulator's plans (create, draw, publish, close, replace an
  inspector), an inspector's targets (record results) and declared relations (回避);
- the public pages (`/credit/inspections/`): published plans with the pool's and the seed's hashes, the
  seed, the drawn targets (citizen IDs masked), the results once closed, a server-side re-run of the
  draw ("verify the draw") and the pool file.

Views parse, read through `selectors`, write through `services`, render; a plan the user may not see is
a 404 like one that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from oneseal.catalog.models import Department
from oneseal.kernel.errors import DomainError

from ..models import Inspector, PlanStatus, TargetResult
from ..selectors import inspections as selectors
from ..services import inspections as services

PAGE_SIZE = 20
TARGET_PAGE_SIZE = 50


def _errors(error: DomainError) -> dict[str, list[str]]:
    return error.by_field(general="general")


def _status_of(error: DomainError) -> int:
    return error.status if error.status != 400 else 409


def _flash_error(request: HttpRequest, error: DomainError) -> None:
    messages.error(request, " ".join(m for ms in _errors(error).values() for m in ms))


# -- the desk ---------------------------------------------------------------------------------------

def _desk_user(request: HttpRequest) -> tuple[bool, Inspector | None]:
    regulator = selectors.is_regulator(request.user)
    inspector = selectors.inspector_of(request.user)
    if not regulator and inspector is None:
        raise PermissionDenied
    return regulator, inspector


@login_required
@require_http_methods(["GET", "POST"])
def desk(request: HttpRequest) -> HttpResponse:
    """The regulator's plans and the inspector's targets; an inspector declares relations here (POST)."""
    regulator, inspector = _desk_user(request)
    errors: dict[str, list[str]] = {}
    status_code = 200
    if request.method == "POST":
        try:
            services.declare_relation(actor=request.user, id_number=request.POST.get("id_number", ""),
                                      relation=request.POST.get("relation", ""))
            messages.success(request, gettext("The relation was recorded: you will not be drawn for this subject."))
            return redirect("credit:inspection_desk")
        except DomainError as error:
            errors, status_code = _errors(error), _status_of(error)
    status = request.GET.get("status", "")
    if status not in PlanStatus.values:
        status = ""
    plans = Paginator(selectors.desk_plans(request.user, status or None), PAGE_SIZE).get_page(request.GET.get("page"))
    targets = Paginator(selectors.my_targets(request.user), PAGE_SIZE).get_page(request.GET.get("tpage"))
    context = {
        "nav": "inspections", "regulator": regulator, "inspector": inspector, "plans": plans, "status": status,
        "statuses": [("", gettext("All"))] + [(v, str(label)) for v, label in PlanStatus.choices],
        "targets": targets, "relations": list(selectors.relations_of(request.user)),
        "errors": errors, "post": request.POST if errors else {},
    }
    return render(request, "credit/inspections/desk.html", context, status=status_code)


@login_required
@require_http_methods(["GET", "POST"])
def plan_new(request: HttpRequest) -> HttpResponse:
    if not selectors.is_regulator(request.user):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    status_code = 200
    if request.method == "POST":
        types = request.POST.getlist("licence_types") + request.POST.get("other_types", "").replace("，", ",").split(",")
        try:
            plan = services.create_plan(
                actor=request.user, title=request.POST.get("title", ""), licence_types=types,
                include_commitments=request.POST.get("include_commitments") == "on",
                ratio=request.POST.get("ratio", ""), inspectors_per_target=request.POST.get("inspectors_per_target", ""),
                bad_credit_weight=request.POST.get("bad_credit_weight", ""))
            messages.success(request, gettext("The plan was saved as a draft. Draw it when the pool is ready."))
            return redirect("credit:inspection_plan", pk=plan.pk)
        except DomainError as error:
            errors, status_code = _errors(error), _status_of(error)
    context = {"nav": "inspections", "errors": errors, "post": request.POST if request.method == "POST" else {},
               "known_types": selectors.licence_types(),
               "chosen_types": request.POST.getlist("licence_types") if request.method == "POST" else []}
    return render(request, "credit/inspections/plan_new.html", context, status=status_code)


def _desk_plan(request: HttpRequest, pk: int):
    plan = selectors.desk_plan(request.user, pk)
    if plan is None:
        raise Http404
    return plan


_PLAN_ACTIONS = {"draw": services.draw_plan, "publish": services.publish_plan, "close": services.close_plan}
_DONE = {"draw": _("Drawn. The pool's and the seed's SHA-256 are fixed; publish the plan to reveal the seed."),
         "publish": _("Published: the seed is public and anyone can re-run the draw."),
         "close": _("The results are published.")}


@login_required
@require_http_methods(["GET", "POST"])
def plan_page(request: HttpRequest, pk: int) -> HttpResponse:
    """One plan on the desk: its facts, the actions of its state, its targets with result forms."""
    plan = _desk_plan(request, pk)
    may_run = selectors.may_run(request.user, plan)
    status_code = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        command = _PLAN_ACTIONS.get(action)
        if command is None or not may_run:
            raise PermissionDenied
        try:
            command(actor=request.user, plan=plan)
            messages.success(request, str(_DONE[action]))
            return redirect("credit:inspection_plan", pk=plan.pk)
        except DomainError as error:
            _flash_error(request, error)
            status_code = _status_of(error)
            plan = _desk_plan(request, pk)
    return _render_plan(request, plan, may_run, status=status_code)


def _render_plan(request: HttpRequest, plan, may_run: bool, *, status: int = 200,
                 target_errors: dict[int, dict[str, list[str]]] | None = None, post: Any = None) -> HttpResponse:
    inspector = selectors.inspector_of(request.user)
    page = Paginator(selectors.targets_of(plan), TARGET_PAGE_SIZE).get_page(request.GET.get("page"))
    pool = list(selectors.department_inspectors(plan)) if may_run else []
    recused = selectors.recusals_on(page.object_list)
    rows = []
    for target in page.object_list:
        team = list(target.inspectors.all())
        rows.append({"target": target, "team": team, "recused": recused.get(target.pk, set()),
                     "mine": inspector is not None and inspector in team,
                     "errors": (target_errors or {}).get(target.pk, {}),
                     "others": [i for i in pool if i not in team]})
    context = {
        "nav": "inspections", "plan": plan, "may_run": may_run, "page": page, "rows": rows,
        "open": plan.status in services.OPEN_STATES, "results": [c for c in TargetResult.choices if c[0]],
        "masked": selectors.mask_id, "post": post or {},
        "inspector_pool": (plan.inspector_pool or {}).get("inspectors", []),
        "reassigned": (plan.inspector_pool or {}).get("reassigned", []),
    }
    return render(request, "credit/inspections/plan.html", context, status=status)


def _desk_target(request: HttpRequest, pk: int):
    target = selectors.target_for(request.user, pk)
    if target is None:
        raise Http404
    return target


@login_required
@require_POST
def target_result(request: HttpRequest, pk: int) -> HttpResponse:
    """A drawn inspector records a target's result."""
    target = _desk_target(request, pk)
    try:
        services.record_result(actor=request.user, target=target, result=request.POST.get("result", ""),
                               findings=request.POST.get("findings", ""))
    except DomainError as error:
        plan = selectors.desk_plan(request.user, target.plan_id)
        return _render_plan(request, plan, selectors.may_run(request.user, plan), status=_status_of(error),
                            target_errors={target.pk: _errors(error)}, post=request.POST)
    messages.success(request, gettext("The result was recorded."))
    if request.POST.get("next") == "desk":
        return redirect("credit:inspection_desk")
    return redirect("credit:inspection_plan", pk=target.plan_id)


@login_required
@require_POST
def target_reassign(request: HttpRequest, pk: int) -> HttpResponse:
    """The regulator replaces one of a target's inspectors (refused against a declared relation)."""
    target = _desk_target(request, pk)
    plan = target.plan
    inspectors = {str(i.pk): i for i in Inspector.objects.filter(department_id=plan.department_id)}
    remove, add = inspectors.get(request.POST.get("remove", "")), inspectors.get(request.POST.get("add", ""))
    try:
        if remove is None or add is None:
            raise DomainError("choose_inspectors", _("Choose the inspector to replace and the one who comes in."),
                              field="add")
        services.reassign_inspector(actor=request.user, target=target, remove=remove, add=add,
                                    reason=request.POST.get("reason", ""))
    except DomainError as error:
        plan = selectors.desk_plan(request.user, target.plan_id)
        return _render_plan(request, plan, selectors.may_run(request.user, plan), status=error.status
                            if error.status != 400 else 409, target_errors={target.pk: _errors(error)}, post=request.POST)
    messages.success(request, gettext("The inspector was replaced; the change is published with the plan."))
    return redirect("credit:inspection_plan", pk=plan.pk)


# -- the public pages -------------------------------------------------------------------------------

def public_list(request: HttpRequest) -> HttpResponse:
    """Published random-inspection plans (双随机一公开), searchable by title or department."""
    query = request.GET.get("q", "")[:100]
    try:
        department = int(request.GET.get("department", "") or 0)
    except ValueError:
        department = 0
    page = Paginator(selectors.public_plans(query, department or None), PAGE_SIZE).get_page(request.GET.get("page"))
    departments = Department.objects.filter(inspection_plans__status__in=selectors.PUBLIC_STATES).distinct() \
        .order_by("name")
    context = {"nav": "credit", "page": page, "q": query, "department": department,
               "departments": departments}
    return render(request, "credit/inspections/public_list.html", context)


def _public_plan(pk: int):
    plan = selectors.public_plan(pk)
    if plan is None:
        raise Http404
    return plan


def public_plan(request: HttpRequest, pk: int, *, verification=None, errors=None, status: int = 200) -> HttpResponse:
    plan = _public_plan(pk)
    targets = selectors.public_targets(plan)
    page = Paginator(targets, TARGET_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"nav": "credit", "plan": plan, "page": page, "verification": verification,
               "errors": errors or {}, "inputs": selectors.draw_inputs(plan),
               "inspector_pool": (plan.inspector_pool or {}).get("inspectors", []),
               "reassigned": (plan.inspector_pool or {}).get("reassigned", []),
               "closed": plan.status == PlanStatus.CLOSED}
    return render(request, "credit/inspections/public_plan.html", context, status=status)


@require_POST
def verify(request: HttpRequest, pk: int) -> HttpResponse:
    """Re-run the draw server side from the stored pool file and the published seed."""
    plan = _public_plan(pk)
    seed = request.POST.get("seed", "")
    try:
        verification = selectors.verify_draw(plan, seed=seed or None)
    except DomainError as error:
        return public_plan(request, pk, errors=_errors(error), status=_status_of(error))
    return public_plan(request, pk, verification=verification)


def pool(request: HttpRequest, pk: int) -> HttpResponse:
    """The frozen pool file (public once the plan is published; on the desk from the draw)."""
    plan = selectors.public_plan(pk) or selectors.desk_plan(request.user, pk)
    if plan is None or not plan.pool_path:
        raise Http404
    try:
        text = selectors.pool_text(plan)
    except DomainError as error:
        raise Http404 from error
    response = HttpResponse(text.encode("utf-8"), content_type="text/tab-separated-values; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="inspection-{plan.pk}-pool-{plan.pool_sha256[:12]}.tsv"'
    return response
