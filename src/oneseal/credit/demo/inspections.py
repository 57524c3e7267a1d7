"""The Zaoyang scenario's random inspections (双随机一公开), loaded after the licences' demo.

The market regulation bureau (SCJGJ) has an inspector pool — its head of supervision `scjgj-jg01` and
its three law-enforcement officers `scjgj-zf01..03` — one of whom declared a relation (回避) to a licence
holder. Its plan "2026年第四季度市场主体双随机抽查" (holders of business and food licences, and commitment
approvals awaiting verification; 60 %) is drawn and published, with results recorded for all targets but
the last (problems at an organisation became a credit record); "2027年第一季度告知承诺事项核查抽查" is a draft. demo-regulator
(赵丽娟, SCJGJ) runs both from /workbench/inspections/; /credit/inspections/ shows the published one.

The pool is the licence holdings kept by the credit app's receivers from the licences' events, so the
outbox is delivered first; holdings are never read from the licences' tables. Loading twice creates
nothing new.
"""

from __future__ import annotations

import logging

from django.contrib.auth import get_user_model
from django.db import transaction

from oneseal.catalog.models import Department
from oneseal.kernel import events, identity

from ..models import InspectionPlan, Inspector, InspectorRelation, LicenceHolding
from ..services import inspections as services

logger = logging.getLogger(__name__)

DEPARTMENT = "SCJGJ"
REGULATOR = "demo-regulator"
PUBLISHED_TITLE = "2026年第四季度市场主体双随机抽查"
DRAFT_TITLE = "2027年第一季度告知承诺事项核查抽查"
# What the market regulator supervises among the demo's licences (营业执照, 食品经营/生产许可, 特种设备, 工业产品);
# other types held in the demo are not its domain (居民身份证 is not a licence to inspect at all).
MARKET_TYPES = ("YYZZ", "SPJY", "SPSC", "TZSB", "GYCP")
FINDINGS = "经营场所未公示营业执照，食品贮存区有过期原料未及时清理，已责令限期整改。"


def _inspectors(department: Department) -> list[Inspector]:
    users = get_user_model().objects
    rows = []
    for n, suffix in enumerate(["jg01", "zf01", "zf02", "zf03"], start=1):
        user = users.filter(username=f"{DEPARTMENT.lower()}-{suffix}").first()
        if user is None:
            logger.info("demo inspections: no account %s-%s", DEPARTMENT.lower(), suffix)
            continue
        rows.append(services.enrol_inspector(actor="system", user=user, badge=f"42068311{n:03d}"))
    return [r for r in rows if r.department_id == department.pk and r.active]


def _record_results(plan: InspectionPlan) -> None:
    """Results for all targets but the last (left for the inspectors' desk, at most two): problems found
    at the first organisation, no problem elsewhere — no demo person gets a credit record."""
    targets = list(plan.targets.order_by("position"))[:-1][:2]
    problem_found = False
    for target in targets:
        problems = not problem_found and not identity.is_valid_citizen_id(target.id_number)
        problem_found |= problems
        services.record_result(actor=target.inspectors.order_by("badge").first().user, target=target,
                               result="problems" if problems else "passed", findings=FINDINGS if problems else "")


def load() -> None:
    events.dispatch_all()
    department = Department.objects.filter(code=DEPARTMENT).first()
    regulator = get_user_model().objects.filter(username=REGULATOR).first()
    if department is None or regulator is None:
        logger.info("demo inspections: no %s department or %s account; skipped", DEPARTMENT, REGULATOR)
        return
    inspectors = _inspectors(department)
    held = LicenceHolding.objects.filter(valid=True, licence_type__in=MARKET_TYPES)
    types = sorted(set(held.values_list("licence_type", flat=True)))
    if len(inspectors) < 2 or not types:
        logger.info("demo inspections: %s inspectors, %s licence types held; no plan drawn", len(inspectors),
                    len(types))
        return
    first_holder = held.order_by("number").first()
    if first_holder is not None and len(inspectors) > 2 and not InspectorRelation.objects.filter(
            inspector=inspectors[1]).exists():
        services.declare_relation(actor=inspectors[1].user, id_number=first_holder.id_number,
                                  relation="配偶在该单位任职")
    plans = InspectionPlan.objects.filter(department=department)
    if not plans.filter(title=PUBLISHED_TITLE).exists():
        with transaction.atomic():
            plan = services.create_plan(actor=regulator, title=PUBLISHED_TITLE, licence_types=types,
                                        include_commitments=True, ratio="0.6", inspectors_per_target=2,
                                        bad_credit_weight=3)
            plan = services.draw_plan(actor=regulator, plan=plan)
            plan = services.publish_plan(actor=regulator, plan=plan)
            _record_results(plan)
    if not plans.filter(title=DRAFT_TITLE).exists():
        services.create_plan(actor=regulator, title=DRAFT_TITLE, licence_types=[], include_commitments=True,
                             ratio="0.5", inspectors_per_target=2, bad_credit_weight=3)
