"""Random inspections (双随机一公开): plans, the draw, its publication, results, recusal.

A plan's life is an explicit state machine (`TRANSITIONS`): draft → drawn → published → closed.

- `create_plan`: a regulator plans for its own department: the pool (holders of licence types, and/or
  commitment approvals awaiting verification of items it supervises), the sampling ratio, the
  inspectors per target (≥ 2) and the weight of bad credit;
- `draw_plan`: freezes the pool to a file named by its SHA-256, commits to a fresh secret seed by
  publishing only its SHA-256, and draws targets and inspectors (`credit.draw`); once only — a second
  draw, with whatever seed, is refused;
- `publish_plan`: reveals the seed, so anyone re-runs the draw from the pool file (selectors.verify_draw);
- `record_result`: one of the target's drawn inspectors records passed / problems / not found; problems
  and not found become an `inspection_problem` credit record (source `inspection:<target id>`);
- `close_plan`: publishes the results once every target has one;
- `declare_relation`: an inspector declares a subject they must not inspect (回避);
- `reassign_inspector`: the regulator replaces a drawn inspector (after a late declaration, illness …);
  an inspector with a declared relation to the target is refused, and the change is published.

A natural person's citizen ID never appears in the pool file: the person is there under a pseudonym,
HMAC-SHA256 of the ID under a salt kept with the plan (`pool_id`), so the draw is still reproducible by
anyone while the file names no one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import secrets
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from oneseal.accounts.roles import department_of
from oneseal.kernel import audit, events, identity
from oneseal.kernel.errors import DomainError, FieldIssue, PermissionDeniedError, ValidationFailed
from oneseal.kernel.fielderrors import text_issue
from oneseal.kernel.uploads import upload_root

from .. import draw, policy
from ..checks import in_effect
from ..models import (
    Commitment,
    CommitmentStatus,
    CreditRecord,
    InspectionPlan,
    InspectionTarget,
    Inspector,
    InspectorRelation,
    LicenceHolding,
    PlanStatus,
    Severity,
    TargetResult,
)
from . import records

logger = logging.getLogger(__name__)

POOL_FOLDER = "inspection-pools"  # under the upload root; files named by their SHA-256
MAX_INSPECTORS_PER_TARGET = 10
MAX_BAD_CREDIT_WEIGHT = 100
RECORDED_RESULTS = (TargetResult.PROBLEMS, TargetResult.NOT_FOUND)  # these become credit records
RECORD_KIND = "inspection_problem"


class ErrorCode(StrEnum):
    REQUIRED = "required"
    TOO_LONG = "too_long"
    BAD_RATIO = "bad_ratio"
    BAD_NUMBER = "bad_number"
    NO_POOL_SOURCE = "no_pool_source"
    EMPTY_POOL = "empty_pool"
    ILLEGAL_TRANSITION = "illegal_transition"
    ALREADY_DRAWN = "already_drawn"
    RESULTS_PENDING = "results_pending"
    UNKNOWN_RESULT = "unknown_result"
    ALREADY_RECORDED = "already_recorded"
    NOT_DRAWN_INSPECTOR = "not_drawn_inspector"
    NOT_AN_INSPECTOR = "not_an_inspector"
    ALREADY_DECLARED = "already_declared"
    RECUSAL = "recusal"
    NOT_ON_TARGET = "not_on_target"
    ALREADY_ON_TARGET = "already_on_target"
    INACTIVE = "inactive_inspector"
    OTHER_DEPARTMENT = "other_department"


class Conflict(DomainError):
    """Not allowed in the plan's or target's current state (409 over HTTP)."""

    status = 409


# -- the state machine -------------------------------------------------------------------------------

TRANSITIONS: dict[tuple[str, str], str] = {
    (PlanStatus.DRAFT, "draw"): PlanStatus.DRAWN,
    (PlanStatus.DRAWN, "publish"): PlanStatus.PUBLISHED,
    (PlanStatus.PUBLISHED, "close"): PlanStatus.CLOSED,
}
# Results are recorded and inspectors replaced while the plan is drawn or published, not after.
OPEN_STATES = (PlanStatus.DRAWN, PlanStatus.PUBLISHED)


def next_status(status: str, action: str) -> str:
    """The status `action` leads to from `status`; anything else is refused. A second draw is the
    refusal the public cares about (a draw re-run with another seed), so it has its own code."""
    target = TRANSITIONS.get((status, action))
    if target is not None:
        return target
    if action == "draw":
        raise Conflict(ErrorCode.ALREADY_DRAWN,
                       _("This plan was already drawn; a draw is made once, with one seed, and never re-run."),
                       field="status")
    raise Conflict(ErrorCode.ILLEGAL_TRANSITION, _("A plan that is %(status)s cannot be %(action)s."),
                   field="status", status=PlanStatus(status).label, action=_ACTION_NAMES.get(action, action))


_ACTION_NAMES = {"publish": _("published"), "close": _("closed"), "draw": _("drawn")}


def _locked(plan: InspectionPlan) -> InspectionPlan:
    return InspectionPlan.objects.select_for_update().select_related("department").get(pk=plan.pk)


# -- plans ------------------------------------------------------------------------------------------

def _required_text(issues: list[FieldIssue], field: str, value: Any, limit: int) -> str:
    text = str(value or "")
    issue = text_issue(field, text, limit)
    if issue is not None:
        issues.append(issue)
    return text.strip()


def _whole(issues: list[FieldIssue], field: str, value: Any, low: int, high: int) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        number = None
    if number is None or not low <= number <= high:
        issues.append(FieldIssue(field=field, code=ErrorCode.BAD_NUMBER,
                                 message=_("Enter a whole number from %(low)s to %(high)s."),
                                 params={"low": low, "high": high}))
        return low
    return number


def _ratio(issues: list[FieldIssue], value: Any) -> Decimal:
    try:
        ratio = Decimal(str(value).strip().rstrip("%")) / (100 if str(value).strip().endswith("%") else 1)
    except (InvalidOperation, TypeError, ValueError):
        ratio = None
    if ratio is None or not ratio.is_finite() or not Decimal(0) < ratio <= Decimal(1) \
            or ratio != ratio.quantize(Decimal("0.0001")):
        issues.append(FieldIssue(field="ratio", code=ErrorCode.BAD_RATIO,
                                 message=_("The sampling ratio is a number more than 0 and at most 1, with at most "
                                           "4 decimals (e.g. 0.05 or 5%).")))
        return Decimal("0.05")
    return ratio.quantize(Decimal("0.0001"))


def _licence_types(issues: list[FieldIssue], value: Any) -> list[str]:
    if isinstance(value, str):
        value = value.replace("，", ",").split(",")
    types = []
    for raw in value or []:
        text = str(raw).strip()
        if not text:
            continue
        if len(text) > 60:
            issues.append(FieldIssue(field="licence_types", code=ErrorCode.TOO_LONG,
                                     message=_("A licence type has at most %(limit)s characters."),
                                     params={"limit": 60}))
        elif text not in types:
            types.append(text)
    if len(types) > 50:
        issues.append(FieldIssue(field="licence_types", code=ErrorCode.TOO_LONG,
                                 message=_("At most %(limit)s licence types."), params={"limit": 50}))
    return types


def create_plan(*, actor, title: str, licence_types: Any = (), include_commitments: bool = False,
                ratio: Any = "0.05", inspectors_per_target: Any = 2, bad_credit_weight: Any = 3,
                now: dt.datetime | None = None) -> InspectionPlan:
    """A regulator plans a random inspection of its own department (部门抽查计划). Its pool holds the
    holders of the chosen licence types and/or the subjects of commitment approvals awaiting
    verification; at least 2 inspectors go to each target (DOMAIN.md §3.7)."""
    department = department_of(actor)
    policy.require_regulator_of(actor, department or 0, _("plan random inspections"))
    issues: list[FieldIssue] = []
    title = _required_text(issues, "title", title, 200)
    types = _licence_types(issues, licence_types)
    include_commitments = bool(include_commitments) and str(include_commitments).lower() not in ("0", "false", "")
    if not types and not include_commitments:
        issues.append(FieldIssue(field="licence_types", code=ErrorCode.NO_POOL_SOURCE,
                                 message=_("Choose licence types, commitment approvals, or both: the pool is "
                                           "drawn from them.")))
    ratio_value = _ratio(issues, ratio)
    k = _whole(issues, "inspectors_per_target", inspectors_per_target, draw.MIN_INSPECTORS, MAX_INSPECTORS_PER_TARGET)
    weight = _whole(issues, "bad_credit_weight", bad_credit_weight, 1, MAX_BAD_CREDIT_WEIGHT)
    if issues:
        raise ValidationFailed(issues, _("The plan has errors; nothing was saved."))
    now = now or timezone.now()
    with transaction.atomic():
        plan = InspectionPlan.objects.create(
            department_id=department, title=title, licence_types=types, include_commitments=include_commitments,
            ratio=ratio_value, inspectors_per_target=k, bad_credit_weight=weight, created_by=actor, created_at=now)
        audit.record(actor=actor, action="credit.inspection_planned", target=plan,
                     data={"title": title, "licence_types": types, "include_commitments": include_commitments,
                           "ratio": str(ratio_value), "inspectors_per_target": k, "bad_credit_weight": weight})
    return plan


# -- the draw ---------------------------------------------------------------------------------------

def pool_id(id_number: str, salt: str) -> str:
    """The id of a subject in the pool file: an organisation's credit code as it is, a natural person's
    citizen ID as ``P`` + 17 hex digits of HMAC-SHA256(salt, ID) — unlinkable without the plan's salt."""
    if identity.is_valid_citizen_id(id_number):
        return "P" + hmac.new(salt.encode(), id_number.encode(), hashlib.sha256).hexdigest()[:17].upper()
    return id_number


def _pool(plan: InspectionPlan, at: dt.datetime) -> dict[str, dict[str, Any]]:
    """id number → {name, bases, weight}: the valid holders of the plan's licence types and the subjects
    of its department's commitments awaiting verification; weighted by their records in effect."""
    subjects: dict[str, dict[str, Any]] = {}

    def add(number: str, name: str, basis: str) -> None:
        number = (number or "").strip().upper()
        if not draw.ID_PATTERN.fullmatch(number):
            logger.warning("inspection plan %s: %r is not an identity number; left out of the pool", plan.pk, number)
            return
        row = subjects.setdefault(number, {"name": name, "bases": set()})
        row["bases"].add(basis)

    if plan.licence_types:
        for number, name, kind in (LicenceHolding.objects.filter(valid=True, licence_type__in=plan.licence_types)
                                   .values_list("id_number", "holder_name", "licence_type").order_by("number")):
            add(number, name, f"licence:{kind}")
    if plan.include_commitments:
        for number, name in (Commitment.objects
                             .filter(status=CommitmentStatus.AWAITING_VERIFICATION,
                                     item__supervising_department_id=plan.department_id)
                             .values_list("subject__id_number", "subject__name").order_by("pk")):
            add(number, name, "commitment")
    serious, minor = set(), set()
    for number, severity in CreditRecord.objects.filter(in_effect(at)).values_list("id_number", "severity"):
        (serious if severity == Severity.SERIOUS else minor).add(number)
    for number, row in subjects.items():
        row["weight"] = (2 * plan.bad_credit_weight if number in serious
                         else plan.bad_credit_weight if number in minor else 1)
    return subjects


def _freeze(text: str, sha: str) -> str:
    """Write the pool file under the upload root, named by its SHA-256 (the same pool is one file)."""
    relative = Path(POOL_FOLDER) / f"{sha}.tsv"
    target = upload_root() / relative
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".part")
        tmp.write_bytes(text.encode("utf-8"))
        tmp.replace(target)
    return str(relative)


_DRAW_MESSAGES = {
    "too_few_inspectors": _("Only %(eligible)s inspectors may inspect %(id)s, and %(k)s are needed: add "
                            "inspectors to the pool or lower the inspectors per target."),
    "too_few_per_target": _("At least %(min)s inspectors per target."),
    "bad_seed": _("The seed must be 64 lower-case hexadecimal digits."),
    "bad_ratio": _("The sampling ratio must be more than 0 and at most 1."),
}


def draw_error(error: draw.DrawError) -> DomainError:
    """A refusal of the draw module as a bilingual domain error naming the same field."""
    message = _DRAW_MESSAGES.get(error.code)
    if message is None:
        message = _("The pool file is malformed at line %(line)s.") if error.line else _("The draw failed: %(detail)s")
        return ValidationFailed([FieldIssue(field=error.field, code=error.code, message=message,
                                            params={"line": error.line, "detail": str(error)})],
                                _("The draw cannot be made."))
    return ValidationFailed([FieldIssue(field=error.field, code=error.code, message=message, params=error.params)],
                            _("The draw cannot be made."))


def draw_plan(*, actor, plan: InspectionPlan, now: dt.datetime | None = None) -> InspectionPlan:
    """Draw the targets and their inspectors (双随机), once. The pool is frozen to a file whose SHA-256
    is published at once; the seed is a fresh `secrets.token_hex(32)`, kept hidden until the plan is
    published but committed to now by publishing its SHA-256 — so the draw cannot be redone with
    another seed, and anyone can check it afterwards."""
    policy.require_regulator_of(actor, plan.department_id, _("draw inspection plans"))
    now = now or timezone.now()
    with transaction.atomic():
        plan = _locked(plan)
        status = next_status(plan.status, "draw")
        subjects = _pool(plan, now)
        if not subjects:
            raise Conflict(ErrorCode.EMPTY_POOL, _("The pool is empty: nobody holds the chosen licence types and no "
                                                   "commitment approval awaits verification."),
                           field="licence_types")
        salt = secrets.token_hex(16)
        ids = {pool_id(number, salt): number for number in subjects}
        text = draw.canonical_pool(
            draw.PoolEntry(key, subjects[number]["weight"], ",".join(sorted(subjects[number]["bases"])))
            for key, number in ids.items())
        inspectors = list(Inspector.objects.filter(department_id=plan.department_id, active=True)
                          .order_by("badge"))
        by_badge = {i.badge: i for i in inspectors}
        keys = {number: key for key, number in ids.items()}
        relations = sorted({(badge, keys[number]) for badge, number in InspectorRelation.objects
                            .filter(inspector__in=inspectors).values_list("inspector__badge", "id_number")
                            if number in keys})
        seed = secrets.token_hex(32)
        try:
            result = draw.redraw(text, list(by_badge), relations, seed, str(plan.ratio), plan.inspectors_per_target)
        except draw.DrawError as error:
            raise draw_error(error) from None
        sha = result.pool_sha256
        plan.pool_path = _freeze(text, sha)
        plan.pool_size, plan.pool_sha256 = result.pool_size, sha
        plan.inspector_pool = {"inspectors": [{"badge": i.badge, "name": i.name} for i in inspectors],
                               "relations": [list(pair) for pair in relations], "salt": salt, "reassigned": []}
        plan.seed, plan.seed_sha256 = seed, result.seed_sha256
        plan.status, plan.drawn_at, plan.drawn_by = status, now, actor
        plan.save(update_fields=["pool_path", "pool_size", "pool_sha256", "inspector_pool", "seed", "seed_sha256",
                                 "status", "drawn_at", "drawn_by"])
        rows = InspectionTarget.objects.bulk_create([
            InspectionTarget(plan=plan, position=t.position, id_number=ids[t.id], name=subjects[ids[t.id]]["name"][:200],
                             basis=t.basis[:120], weight=t.weight)
            for t in result.targets])
        Through = InspectionTarget.inspectors.through
        Through.objects.bulk_create([Through(inspectiontarget_id=row.pk, inspector_id=by_badge[badge].pk)
                                     for row, t in zip(rows, result.targets, strict=True) for badge in t.inspectors])
        audit.record(actor=actor, action="credit.inspection_drawn", target=plan,
                     data={"pool_size": result.pool_size, "pool_sha256": sha, "seed_sha256": result.seed_sha256,
                           "targets": len(rows), "inspectors": len(inspectors)})
        events.record("credit.inspection_drawn", {"plan": plan.pk, "department": plan.department_id,
                                                  "pool_sha256": sha, "seed_sha256": result.seed_sha256,
                                                  "targets": len(rows)},
                      aggregate=f"credit.InspectionPlan:{plan.pk}", at=now)
    return plan


def publish_plan(*, actor, plan: InspectionPlan, now: dt.datetime | None = None) -> InspectionPlan:
    """Publish the draw (公开): the seed is revealed, and with the pool file anyone re-runs the draw."""
    policy.require_regulator_of(actor, plan.department_id, _("publish inspection plans"))
    now = now or timezone.now()
    with transaction.atomic():
        plan = _locked(plan)
        plan.status = next_status(plan.status, "publish")
        plan.published_at = now
        plan.save(update_fields=["status", "published_at"])
        audit.record(actor=actor, action="credit.inspection_published", target=plan,
                     data={"seed": plan.seed, "seed_sha256": plan.seed_sha256, "pool_sha256": plan.pool_sha256})
        events.record("credit.inspection_published", {"plan": plan.pk, "department": plan.department_id,
                                                      "seed": plan.seed, "pool_sha256": plan.pool_sha256},
                      aggregate=f"credit.InspectionPlan:{plan.pk}", at=now)
    return plan


def close_plan(*, actor, plan: InspectionPlan, now: dt.datetime | None = None) -> InspectionPlan:
    """Publish the results (结果公开): only once every target has one."""
    policy.require_regulator_of(actor, plan.department_id, _("publish inspection results"))
    now = now or timezone.now()
    with transaction.atomic():
        plan = _locked(plan)
        status = next_status(plan.status, "close")
        pending = plan.targets.filter(result=TargetResult.PENDING).count()
        if pending:
            raise Conflict(ErrorCode.RESULTS_PENDING,
                           _("%(count)s targets have no result yet; record every result before publishing them."),
                           field="results", count=pending)
        plan.status, plan.closed_at = status, now
        plan.save(update_fields=["status", "closed_at"])
        counts = {value: plan.targets.filter(result=value).count() for value in TargetResult.values if value}
        audit.record(actor=actor, action="credit.inspection_closed", target=plan, data={"results": counts})
        events.record("credit.inspection_closed", {"plan": plan.pk, "department": plan.department_id,
                                                   "results": counts},
                      aggregate=f"credit.InspectionPlan:{plan.pk}", at=now)
    return plan


# -- results ----------------------------------------------------------------------------------------

def _locked_target(target: InspectionTarget) -> InspectionTarget:
    return (InspectionTarget.objects.select_for_update(of=("self",)).select_related("plan", "plan__department")
            .get(pk=target.pk))


def record_result(*, actor, target: InspectionTarget, result: str, findings: str = "",
                  now: dt.datetime | None = None) -> InspectionTarget:
    """One of the target's drawn inspectors records what the inspection found, once; not one who has
    declared a relation to the subject since the draw (回避). Problems found or the subject not found at
    its address become a credit record (双随机抽查发现问题) on the subject."""
    inspector = Inspector.objects.filter(user_id=getattr(actor, "pk", None)).first()
    if inspector is None or not target.inspectors.filter(pk=inspector.pk).exists():
        raise PermissionDeniedError(ErrorCode.NOT_DRAWN_INSPECTOR,
                                    _("Only the inspectors drawn for this target record its result."), field="actor")
    issues: list[FieldIssue] = []
    findings = str(findings or "").strip()
    if result not in (TargetResult.PASSED, TargetResult.PROBLEMS, TargetResult.NOT_FOUND):
        issues.append(FieldIssue(field="result", code=ErrorCode.UNKNOWN_RESULT,
                                 message=_("Choose: no problem found, problems found, or not found at its address.")))
    elif result in RECORDED_RESULTS and not findings:
        issues.append(FieldIssue(field="findings", code=ErrorCode.REQUIRED,
                                 message=_("Describe what was found: it goes into the subject's credit record.")))
    if len(findings) > 4000:
        issues.append(FieldIssue(field="findings", code=ErrorCode.TOO_LONG, message=_("At most %(limit)s characters."),
                                 params={"limit": 4000}))
    if issues:
        raise ValidationFailed(issues, _("The result has errors; nothing was recorded."))
    now = now or timezone.now()
    with transaction.atomic():
        target = _locked_target(target)
        plan = target.plan
        if plan.status not in OPEN_STATES:
            raise Conflict(ErrorCode.ILLEGAL_TRANSITION,
                           _("Results are recorded while the plan is drawn or published, not when it is %(status)s."),
                           field="status", status=PlanStatus(plan.status).label)
        if target.result:
            raise Conflict(ErrorCode.ALREADY_RECORDED, _("This target's result was already recorded."),
                           field="result")
        if InspectorRelation.objects.filter(inspector=inspector, id_number=target.id_number).exists():
            # declared after the draw: the regulator replaces the inspector before anything is recorded
            raise Conflict(ErrorCode.RECUSAL, _("You declared a relation to this subject and must not inspect it "
                                                "(回避); ask for another inspector."), field="actor")
        target.result, target.findings, target.recorded_by, target.recorded_at = result, findings, actor, now
        if result in RECORDED_RESULTS:
            with translation.override("zh-hans"):
                title = f"{plan.title}：{TargetResult(result).label}"[:200]
            target.record = records.record(actor=actor, authorised=True, now=now, new=records.NewRecord(
                id_number=target.id_number, subject_name=target.name, kind=RECORD_KIND, title=title, facts=findings,
                authority=plan.department.name, decided_on=timezone.localdate(now), department_id=plan.department_id,
                source_ref=f"inspection:{target.pk}"))
        target.save(update_fields=["result", "findings", "recorded_by", "recorded_at", "record"])
        audit.record(actor=actor, action="credit.inspection_result", target=target,
                     data={"plan": plan.pk, "position": target.position, "result": result,
                           "record": target.record.number if target.record else None})
        events.record("credit.inspection_result", {"plan": plan.pk, "target": target.pk, "result": result,
                                                   "record": target.record_id},
                      aggregate=f"credit.InspectionPlan:{plan.pk}", at=now)
    return target


# -- recusal ----------------------------------------------------------------------------------------

def declare_relation(*, actor, id_number: str, relation: str, now: dt.datetime | None = None) -> InspectorRelation:
    """An inspector declares a subject they must not inspect (回避): no later draw sends them there, and
    a regulator cannot assign them to it."""
    inspector = Inspector.objects.filter(user_id=getattr(actor, "pk", None)).first()
    if inspector is None:
        raise PermissionDeniedError(ErrorCode.NOT_AN_INSPECTOR, _("Only an inspector declares relations."),
                                    field="actor")
    issues: list[FieldIssue] = []
    number = ""
    try:
        number = records.identify(id_number, field="id_number")[1]
    except DomainError as error:
        issues.append(FieldIssue(field="id_number", code=error.code, message=error.message, params=error.params))
    text = _required_text(issues, "relation", relation, 200)
    if issues:
        raise ValidationFailed(issues, _("The declaration has errors; nothing was recorded."))
    now = now or timezone.now()
    try:
        with transaction.atomic():
            row = InspectorRelation.objects.create(inspector=inspector, id_number=number, relation=text,
                                                   declared_at=now)
            audit.record(actor=actor, action="credit.relation_declared", target=row,
                         data={"inspector": inspector.badge, "subject": number, "relation": text})
    except IntegrityError:
        raise Conflict(ErrorCode.ALREADY_DECLARED, _("You already declared a relation to %(number)s."),
                       field="id_number", number=number) from None
    return row


def reassign_inspector(*, actor, target: InspectionTarget, remove: Inspector, add: Inspector, reason: str,
                       now: dt.datetime | None = None) -> InspectionTarget:
    """Replace one of a target's drawn inspectors (a relation declared after the draw, illness …). The
    newcomer must be an active inspector of the plan's department, not already on the target, and
    without a declared relation to the subject (回避) — else refused. The change is published with the
    plan, beside the draw it departs from."""
    plan = target.plan
    policy.require_regulator_of(actor, plan.department_id, _("assign inspectors"))
    issues: list[FieldIssue] = []
    reason = _required_text(issues, "reason", reason, 200)
    if issues:
        raise ValidationFailed(issues, _("Say why the inspector is replaced."))
    now = now or timezone.now()
    with transaction.atomic():
        plan = _locked(plan)
        target = _locked_target(target)
        if plan.status not in OPEN_STATES or target.result:
            raise Conflict(ErrorCode.ILLEGAL_TRANSITION,
                           _("Inspectors are replaced only on a drawn or published plan, before the result."),
                           field="status")
        current = set(target.inspectors.values_list("pk", flat=True))
        if remove.pk not in current:
            raise DomainError(ErrorCode.NOT_ON_TARGET, _("%(name)s is not drawn for this target."), field="remove",
                              name=remove.name)
        if add.pk in current:
            raise DomainError(ErrorCode.ALREADY_ON_TARGET, _("%(name)s already inspects this target."), field="add",
                              name=add.name)
        if add.department_id != plan.department_id:
            raise DomainError(ErrorCode.OTHER_DEPARTMENT, _("%(name)s is not an inspector of this department."),
                              field="add", name=add.name)
        if not add.active:
            raise DomainError(ErrorCode.INACTIVE, _("%(name)s is no longer in the inspector pool."), field="add",
                              name=add.name)
        if InspectorRelation.objects.filter(inspector=add, id_number=target.id_number).exists():
            raise DomainError(ErrorCode.RECUSAL,
                              _("%(name)s declared a relation to this subject and must not inspect it (回避)."),
                              field="add", name=add.name)
        target.inspectors.remove(remove)
        target.inspectors.add(add)
        pool = dict(plan.inspector_pool or {})
        pool["reassigned"] = [*pool.get("reassigned", []), {
            "position": target.position, "removed": remove.badge, "added": add.badge, "reason": reason,
            "at": now.isoformat()}]
        known = {i["badge"] for i in pool.get("inspectors", [])}
        if add.badge not in known:  # published with the plan, so the change names who came in
            pool["inspectors"] = [*pool.get("inspectors", []), {"badge": add.badge, "name": add.name, "late": True}]
        plan.inspector_pool = pool
        plan.save(update_fields=["inspector_pool"])
        audit.record(actor=actor, action="credit.inspector_reassigned", target=target,
                     data={"plan": plan.pk, "position": target.position, "removed": remove.badge,
                           "added": add.badge, "reason": reason})
    return target


def enrol_inspector(*, actor, user, badge: str, name: str = "", now: dt.datetime | None = None) -> Inspector:
    """Put a regulator's staff member into the department's inspector pool (执法检查人员名录库) under their
    enforcement certificate number. A regulator of the same department (or an administrator) enrols;
    `actor="system"` is the demo loader. Enrolling someone already in the pool gives back their row."""
    from oneseal.accounts.roles import RoleCode, has_role

    department = department_of(user)
    if department is None or not has_role(user, RoleCode.REGULATOR):
        raise DomainError(ErrorCode.NOT_AN_INSPECTOR, _("Only a regulator's staff can be inspectors."), field="user")
    if actor != "system" and not has_role(actor, RoleCode.ADMINISTRATOR):
        policy.require_regulator_of(actor, department, _("enrol inspectors"))
    existing = Inspector.objects.filter(user=user).first()
    if existing is not None:
        return existing
    issues: list[FieldIssue] = []
    badge = _required_text(issues, "badge", badge, 40)
    profile = getattr(user, "staff_profile", None)
    name = (name or getattr(profile, "full_name", "") or user.get_full_name() or user.get_username()).strip()[:60]
    if issues:
        raise ValidationFailed(issues, _("The inspector has errors; nothing was saved."))
    try:
        with transaction.atomic():
            row = Inspector.objects.create(user=user, department_id=department, name=name, badge=badge, active=True)
            audit.record(actor=actor, action="credit.inspector_enrolled", target=row,
                         data={"badge": badge, "department": department, "user": user.get_username()})
    except IntegrityError:
        raise Conflict("badge_taken", _("Badge %(badge)s is already in the pool."), field="badge",
                       badge=badge) from None
    return row
