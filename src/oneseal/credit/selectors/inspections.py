"""Reads of random inspections (双随机一公开), scoped to the acting user.

- a regulator sees its department's plans; an inspector the plans and targets they were drawn for;
- anyone sees published plans (the draw, the seed, the pool file) and closed plans' results, with
  natural persons' citizen IDs masked;
- `verify_draw` re-runs a published draw from the stored pool file and says whether it matches.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from oneseal.accounts.roles import RoleCode, department_of, has_role
from oneseal.kernel import identity
from oneseal.kernel.errors import DomainError
from oneseal.kernel.uploads import upload_root

from .. import draw
from ..models import (
    InspectionPlan,
    InspectionTarget,
    Inspector,
    InspectorRelation,
    LicenceHolding,
    PlanStatus,
)
from ..services.inspections import Conflict, draw_error, pool_id

PUBLIC_STATES = (PlanStatus.PUBLISHED, PlanStatus.CLOSED)


class NotFound(DomainError):
    status = 404


def mask_id(id_number: str) -> str:
    """A citizen ID as 420683********123X on public pages; an organisation's credit code is public."""
    if identity.is_valid_citizen_id(id_number):
        return f"{id_number[:6]}{'*' * 8}{id_number[-4:]}"
    return id_number


def inspector_of(user: Any) -> Inspector | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Inspector.objects.filter(user=user).select_related("department").first()


def is_regulator(user: Any) -> bool:
    return has_role(user, RoleCode.REGULATOR) and department_of(user) is not None


def _plans() -> QuerySet[InspectionPlan]:
    return InspectionPlan.objects.select_related("department", "created_by").annotate(
        target_count=Count("targets"), done_count=Count("targets", filter=~Q(targets__result="")))


def desk_plans(user: Any, status: str | None = None) -> QuerySet[InspectionPlan]:
    """The plans a regulator runs (its department's), or an inspector was drawn for."""
    scope = Q(pk__in=[])
    if is_regulator(user):
        scope |= Q(department_id=department_of(user))
    inspector = inspector_of(user)
    if inspector is not None:
        scope |= Q(pk__in=InspectionTarget.objects.filter(inspectors=inspector).values("plan_id"))
    qs = _plans().filter(scope)
    if status in PlanStatus.values:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-pk")


def desk_plan(user: Any, pk: int) -> InspectionPlan | None:
    return desk_plans(user).filter(pk=pk).first()


def may_run(user: Any, plan: InspectionPlan) -> bool:
    return is_regulator(user) and department_of(user) == plan.department_id


def targets_of(plan: InspectionPlan) -> QuerySet[InspectionTarget]:
    return (plan.targets.select_related("record", "recorded_by")
            .prefetch_related(Prefetch("inspectors", queryset=Inspector.objects.order_by("badge"))))


def my_targets(user: Any, pending_only: bool = False) -> QuerySet[InspectionTarget]:
    """An inspector's targets on open plans (drawn or published), those without a result first."""
    inspector = inspector_of(user)
    if inspector is None:
        return InspectionTarget.objects.none()
    qs = (InspectionTarget.objects.filter(inspectors=inspector, plan__status__in=(PlanStatus.DRAWN,
                                                                                   PlanStatus.PUBLISHED))
          .select_related("plan", "plan__department")
          .prefetch_related(Prefetch("inspectors", queryset=Inspector.objects.order_by("badge"))))
    if pending_only:
        qs = qs.filter(result="")
    return qs.order_by("result", "plan_id", "position")


def target_for(user: Any, pk: int) -> InspectionTarget | None:
    """A target whose result the user may record or see on the desk."""
    plan_ids = desk_plans(user).values("pk")
    return InspectionTarget.objects.filter(pk=pk, plan_id__in=plan_ids).select_related("plan").first()


def recusals_on(targets) -> dict[int, set[int]]:
    """Target id → the ids of its drawn inspectors who have declared a relation to its subject (after the
    draw: the draw itself never assigns one). The desk asks the regulator to replace them."""
    targets = list(targets)
    if not targets:
        return {}
    pairs = set(InspectorRelation.objects.filter(id_number__in={t.id_number for t in targets})
                .values_list("inspector_id", "id_number"))
    return {t.pk: {i.pk for i in t.inspectors.all() if (i.pk, t.id_number) in pairs} for t in targets}


def relations_of(user: Any) -> QuerySet[InspectorRelation]:
    inspector = inspector_of(user)
    if inspector is None:
        return InspectorRelation.objects.none()
    return inspector.relations.all()


def department_inspectors(plan: InspectionPlan) -> QuerySet[Inspector]:
    return Inspector.objects.filter(department_id=plan.department_id, active=True).order_by("badge")


def licence_types() -> list[str]:
    """The licence types somebody validly holds (the pools plans draw from)."""
    return list(LicenceHolding.objects.filter(valid=True).values_list("licence_type", flat=True)
                .distinct().order_by("licence_type"))


# -- the public part --------------------------------------------------------------------------------

def public_plans(query: str = "", department: int | None = None) -> QuerySet[InspectionPlan]:
    """Published and closed plans, newest publication first; `query` searches titles and departments."""
    qs = _plans().filter(status__in=PUBLIC_STATES)
    query = (query or "").strip()
    if query:
        qs = qs.filter(Q(title__icontains=query) | Q(department__name__icontains=query))
    if department:
        qs = qs.filter(department_id=department)
    return qs.order_by("-published_at", "-pk")


def public_plan(pk: int) -> InspectionPlan | None:
    return _plans().filter(status__in=PUBLIC_STATES, pk=pk).first()


def public_targets(plan: InspectionPlan) -> list[dict[str, Any]]:
    """The drawn targets as published: pool id (what the pool file and a re-run show), masked number,
    name, basis, weight, inspectors; the result and findings only once the plan is closed."""
    salt = (plan.inspector_pool or {}).get("salt", "")
    closed = plan.status == PlanStatus.CLOSED
    out = []
    for target in targets_of(plan):
        out.append({
            "position": target.position, "pool_id": pool_id(target.id_number, salt),
            "id_number": mask_id(target.id_number), "name": target.name, "basis": target.basis,
            "weight": target.weight, "inspectors": [(i.badge, i.name) for i in target.inspectors.all()],
            "result": target.result if closed else None,
            "result_label": target.get_result_display() if closed else None,
            "findings": target.findings if closed else None,
            "record": target.record.number if closed and target.record and target.record.public else None,
        })
    return out


def pool_text(plan: InspectionPlan) -> str:
    """The frozen pool file of a drawn plan."""
    if not plan.pool_path:
        raise NotFound("no_pool", _("This plan has not been drawn yet."), field="id")
    path = upload_root() / plan.pool_path
    try:
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise NotFound("pool_file_missing", _("The pool file of this plan is missing from the server."),
                       field="pool") from None


def draw_inputs(plan: InspectionPlan) -> dict[str, Any]:
    """What a re-run needs besides the pool file and the seed (published with the plan)."""
    pool = plan.inspector_pool or {}
    return {"inspectors": [i["badge"] for i in pool.get("inspectors", []) if not i.get("late")],
            "relations": [tuple(pair) for pair in pool.get("relations", [])],
            "ratio": str(plan.ratio), "k": plan.inspectors_per_target}


@dataclass
class Verification:
    """The outcome of re-running a published draw."""

    matches: bool
    pool_matches: bool
    seed_matches: bool
    targets_match: bool
    pool_size: int
    drawn: int
    differences: list[str] = field(default_factory=list)
    reassignments: list[dict[str, Any]] = field(default_factory=list)


def verify_draw(plan: InspectionPlan, seed: str | None = None) -> Verification:
    """Re-run a published draw server side from the stored pool file and its published seed, and
    compare with the targets and inspectors on record (replacements made after the draw, published with
    the plan, are applied to the re-run). Another seed than the published one is refused: a draw is
    never re-run with another seed."""
    if plan.status not in PUBLIC_STATES or not plan.seed:
        raise Conflict("not_published", _("The seed is published with the plan; this plan is not published yet."),
                          field="id")
    if seed is not None and seed.strip() and seed.strip() != plan.seed:
        raise Conflict("other_seed", _("A draw is re-run only with its published seed, never another one."),
                          field="seed")
    text = pool_text(plan)
    inputs = draw_inputs(plan)
    try:
        result = draw.redraw(text, inputs["inspectors"], inputs["relations"], plan.seed, inputs["ratio"],
                             inputs["k"])
    except draw.DrawError as error:
        raise draw_error(error) from None
    differences: list[str] = []
    pool_ok = result.pool_sha256 == plan.pool_sha256 and result.pool_size == plan.pool_size
    if not pool_ok:
        differences.append(str(_("The pool file's SHA-256 is not the one published at the draw.")))
    seed_ok = result.seed_sha256 == plan.seed_sha256
    if not seed_ok:
        differences.append(str(_("The seed's SHA-256 is not the one published at the draw.")))
    pool = plan.inspector_pool or {}
    expected = {t.position: (t.id, set(t.inspectors)) for t in result.targets}
    reassigned = pool.get("reassigned", [])
    for change in reassigned:
        if change.get("position") in expected:
            team = expected[change["position"]][1]
            team.discard(change.get("removed"))
            team.add(change.get("added"))
    salt = pool.get("salt", "")
    stored = {t.position: (pool_id(t.id_number, salt), {i.badge for i in t.inspectors.all()})
              for t in targets_of(plan)}
    for position in sorted(set(expected) | set(stored)):
        if expected.get(position) != stored.get(position):
            differences.append(str(_("Target %(position)s differs from the re-run.") % {"position": position}))
    targets_ok = len(differences) == (0 if pool_ok else 1) + (0 if seed_ok else 1)
    return Verification(matches=pool_ok and seed_ok and targets_ok, pool_matches=pool_ok, seed_matches=seed_ok,
                        targets_match=targets_ok, pool_size=result.pool_size, drawn=len(result.targets),
                        differences=differences[:50], reassignments=reassigned)
