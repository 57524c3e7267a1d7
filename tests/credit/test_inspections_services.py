"""Random inspections (双随机一公开): plans, the draw once with a committed seed, publication and the
public re-run, results that become credit records, recusal."""

import datetime as dt
import hashlib
from decimal import Decimal

import pytest

from oneseal.credit import draw
from oneseal.credit.models import CreditRecord, InspectorRelation, PlanStatus, TargetResult
from oneseal.credit.selectors import inspections as selectors
from oneseal.credit.services import inspections, records
from oneseal.kernel.errors import DomainError, PermissionDeniedError, ValidationFailed
from oneseal.kernel.models import AuditEntry
from tests.credit.inspections_support import (  # noqa: F401  (fixtures)
    AT,
    _pool_root,
    credit_code,
    drawn_plan,
    make_inspector,
    market_fixture,
    plan_of,
)

pytestmark = pytest.mark.django_db
LATER = AT + dt.timedelta(days=3)


def fields_of(error: ValidationFailed) -> set[str]:
    return {issue.field for issue in error.issues}


# -- plans ------------------------------------------------------------------------------------------

def test_a_regulator_plans_for_its_own_department(market):
    plan = plan_of(market, ratio="5%", licence_types="SP, YP")
    assert plan.department == market["department"] and plan.status == PlanStatus.DRAFT
    assert plan.ratio == Decimal("0.05") and plan.licence_types == ["SP", "YP"]
    assert AuditEntry.objects.filter(action="credit.inspection_planned").count() == 1


@pytest.mark.parametrize("changes, field", [
    ({"title": " "}, "title"),
    ({"title": "x" * 201}, "title"),
    ({"ratio": "0"}, "ratio"),
    ({"ratio": "1.5"}, "ratio"),
    ({"ratio": "0.00001"}, "ratio"),
    ({"ratio": "abc"}, "ratio"),
    ({"inspectors_per_target": 1}, "inspectors_per_target"),
    ({"inspectors_per_target": "two"}, "inspectors_per_target"),
    ({"bad_credit_weight": 0}, "bad_credit_weight"),
    ({"bad_credit_weight": 101}, "bad_credit_weight"),
    ({"licence_types": [], "include_commitments": False}, "licence_types"),
    ({"licence_types": ["x" * 61]}, "licence_types"),
])
def test_a_bad_plan_is_refused_naming_the_field(market, changes, field):
    with pytest.raises(ValidationFailed) as caught:
        plan_of(market, **changes)
    assert field in fields_of(caught.value)


def test_only_a_regulator_plans_and_only_for_its_own_department(market):
    from oneseal.credit.models import InspectionPlan

    with pytest.raises(PermissionDeniedError):
        inspections.create_plan(actor=market["approver"], title="抽查", licence_types=["SP"], ratio="0.1")
    assert not InspectionPlan.objects.exists()
    plan = inspections.create_plan(actor=market["other_regulator"], title="卫生抽查", licence_types=["WS"],
                                   ratio="0.1")
    assert plan.department == market["health"]  # a health regulator plans for health, never for the market
    for command in (inspections.draw_plan, inspections.publish_plan, inspections.close_plan):
        with pytest.raises(PermissionDeniedError):
            command(actor=market["other_regulator"], plan=plan_of(market))


# -- the draw ---------------------------------------------------------------------------------------

def test_the_draw_freezes_the_pool_commits_to_a_seed_and_assigns_two_inspectors(market, settings):
    plan = drawn_plan(market)
    assert plan.status == PlanStatus.DRAWN and plan.pool_size == 30
    text = selectors.pool_text(plan)
    assert hashlib.sha256(text.encode()).hexdigest() == plan.pool_sha256
    assert (settings.ONESEAL_UPLOAD_ROOT / plan.pool_path).exists()
    assert len(plan.seed) == 64 and hashlib.sha256(plan.seed.encode()).hexdigest() == plan.seed_sha256
    targets = list(plan.targets.all())
    assert len(targets) == 6  # ceil(0.2 × 30)
    assert all(t.inspectors.count() == 2 for t in targets)
    entry = AuditEntry.objects.get(action="credit.inspection_drawn")
    assert plan.seed not in str(entry.data) and entry.data["seed_sha256"] == plan.seed_sha256


def test_the_pool_file_names_no_citizen_id(market):
    plan = drawn_plan(market)
    text = selectors.pool_text(plan)
    person = market["holders"][-1].id_number
    assert person not in text
    assert inspections.pool_id(person, plan.inspector_pool["salt"]) in text
    assert credit_code(1) in text and credit_code(99) not in text  # another licence type is not in the pool


def test_bad_credit_weighs_more(market):
    records.record(actor=None, authorised=True, now=AT - dt.timedelta(days=1), new=records.NewRecord(
        id_number=credit_code(1), subject_name="测试主体1", kind="penalty_minor", title="罚款", facts="事实",
        authority="市场监管局", decided_on=AT.date()))
    records.record(actor=None, authorised=True, now=AT - dt.timedelta(days=1), new=records.NewRecord(
        id_number=credit_code(2), subject_name="测试主体2", kind="penalty_serious", title="吊销", facts="事实",
        authority="市场监管局", decided_on=AT.date()))
    plan = drawn_plan(market, bad_credit_weight=4)
    weights = {line.split("\t")[0]: int(line.split("\t")[1]) for line in selectors.pool_text(plan).splitlines()}
    assert weights[credit_code(1)] == 4 and weights[credit_code(2)] == 8 and weights[credit_code(3)] == 1


def test_commitments_awaiting_verification_of_supervised_items_are_in_the_pool(market):
    from oneseal.credit.models import Commitment, CreditSubject
    from tests.factories import ServiceItemFactory

    item = ServiceItemFactory(original_department=market["department"])
    other = ServiceItemFactory(original_department=market["health"])
    for n, (it, status) in enumerate([(item, "awaiting"), (item, "confirmed"), (other, "awaiting")], start=200):
        subject = CreditSubject.objects.create(kind="organisation", id_number=credit_code(n), name=f"承诺{n}",
                                               created_at=AT)
        Commitment.objects.create(subject=subject, item=it, mode="standard", text="承诺", text_sha256="0" * 64,
                                  signer_name="甲", signer_id_number="x", signed_at=AT, channel="online",
                                  verify_by=AT + dt.timedelta(days=30), status=status)
    plan = drawn_plan(market, licence_types=[], include_commitments=True, ratio="1")
    assert [(t.id_number, t.basis) for t in plan.targets.all()] == [(credit_code(200), "commitment")]


def test_a_second_draw_is_refused_whatever_the_state(market):
    plan = drawn_plan(market)
    seed = plan.seed
    with pytest.raises(DomainError) as caught:
        inspections.draw_plan(actor=market["regulator"], plan=plan)
    assert caught.value.code == "already_drawn" and caught.value.status == 409
    inspections.publish_plan(actor=market["regulator"], plan=plan)
    with pytest.raises(DomainError) as caught:
        inspections.draw_plan(actor=market["regulator"], plan=plan)
    assert caught.value.code == "already_drawn"
    plan.refresh_from_db()
    assert plan.seed == seed and plan.targets.count() == 6


def test_an_empty_pool_or_too_few_inspectors_refuse_the_draw(market):
    plan = plan_of(market, licence_types=["NONE"])
    with pytest.raises(DomainError) as caught:
        inspections.draw_plan(actor=market["regulator"], plan=plan)
    assert caught.value.code == "empty_pool" and caught.value.field == "licence_types"
    plan = plan_of(market, inspectors_per_target=5)
    with pytest.raises(ValidationFailed) as caught:
        inspections.draw_plan(actor=market["regulator"], plan=plan)
    assert fields_of(caught.value) == {"inspectors"}
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT and not plan.targets.exists()


def test_the_draw_keeps_declared_relations(market):
    subject = credit_code(5)
    for inspector in market["inspectors"][:2]:
        inspections.declare_relation(actor=inspector.user, id_number=subject, relation="配偶在该公司任职")
    plan = drawn_plan(market, ratio="1")
    target = plan.targets.get(id_number=subject)
    assert set(target.inspectors.all()) == set(market["inspectors"][2:])
    assert len(plan.inspector_pool["relations"]) == 2


# -- publication and the public re-run ---------------------------------------------------------------

def test_a_published_draw_is_reproduced_from_its_pool_file_and_seed(market):
    plan = drawn_plan(market)
    with pytest.raises(DomainError) as caught:
        selectors.verify_draw(plan)
    assert caught.value.code == "not_published"
    plan = inspections.publish_plan(actor=market["regulator"], plan=plan, now=LATER)
    verification = selectors.verify_draw(plan)
    assert verification.matches and verification.drawn == 6
    inputs = selectors.draw_inputs(plan)
    rerun = draw.redraw(selectors.pool_text(plan), inputs["inspectors"], inputs["relations"], plan.seed,
                        inputs["ratio"], inputs["k"])
    salt = plan.inspector_pool["salt"]
    assert [(t.id) for t in rerun.targets] == [inspections.pool_id(t.id_number, salt) for t in plan.targets.all()]


def test_a_re_run_with_another_seed_after_publication_is_refused(market):
    plan = inspections.publish_plan(actor=market["regulator"], plan=drawn_plan(market))
    with pytest.raises(DomainError) as caught:
        selectors.verify_draw(plan, seed="0" * 64)
    assert caught.value.code == "other_seed" and caught.value.field == "seed"
    assert selectors.verify_draw(plan, seed=plan.seed).matches


def test_a_tampered_draw_does_not_verify(market):
    plan = inspections.publish_plan(actor=market["regulator"], plan=drawn_plan(market))
    target = plan.targets.first()
    target.inspectors.set(market["inspectors"][:2] if set(target.inspectors.all()) != set(market["inspectors"][:2])
                          else market["inspectors"][2:])
    verification = selectors.verify_draw(plan)
    assert not verification.matches and verification.pool_matches and not verification.targets_match


def test_a_changed_pool_file_does_not_verify(market, settings):
    plan = inspections.publish_plan(actor=market["regulator"], plan=drawn_plan(market))
    path = settings.ONESEAL_UPLOAD_ROOT / plan.pool_path
    path.write_text(path.read_text().replace("\t1\t", "\t9\t", 1))
    verification = selectors.verify_draw(plan)
    assert not verification.matches and not verification.pool_matches


@pytest.mark.parametrize("action", ["publish", "close"])
def test_transitions_out_of_order_are_refused(market, action):
    plan = plan_of(market)
    with pytest.raises(DomainError) as caught:
        getattr(inspections, f"{action}_plan")(actor=market["regulator"], plan=plan)
    assert caught.value.code == "illegal_transition" and caught.value.status == 409


@pytest.mark.parametrize("status, action, result", [
    ("draft", "draw", "drawn"), ("drawn", "publish", "published"), ("published", "close", "closed"),
    ("drawn", "draw", "already_drawn"), ("published", "draw", "already_drawn"), ("closed", "draw", "already_drawn"),
    ("draft", "publish", "illegal_transition"), ("closed", "publish", "illegal_transition"),
    ("drawn", "close", "illegal_transition"), ("closed", "close", "illegal_transition"),
])
def test_the_state_machine(status, action, result):
    try:
        assert inspections.next_status(status, action) == result
    except DomainError as error:
        assert error.code == result


# -- results ----------------------------------------------------------------------------------------

def test_an_inspector_records_results_and_problems_become_credit_records(market):
    plan = inspections.publish_plan(actor=market["regulator"], plan=drawn_plan(market))
    first, second, *rest = plan.targets.all()
    inspector = first.inspectors.first()
    passed = inspections.record_result(actor=inspector.user, target=first, result="passed", now=LATER)
    assert passed.result == TargetResult.PASSED and passed.record is None
    found = inspections.record_result(actor=second.inspectors.first().user, target=second, result="problems",
                                      findings="过期食品未下架。", now=LATER)
    record = CreditRecord.objects.get(source_ref=f"inspection:{second.pk}")
    assert found.record == record and record.kind.code == "inspection_problem"
    assert record.id_number == second.id_number and record.department == market["department"]
    with pytest.raises(DomainError) as caught:
        inspections.close_plan(actor=market["regulator"], plan=plan)
    assert caught.value.code == "results_pending"
    for target in rest:
        inspections.record_result(actor=target.inspectors.first().user, target=target, result="not_found",
                                  findings="经营场所已关闭。", now=LATER)
    plan = inspections.close_plan(actor=market["regulator"], plan=plan)
    assert plan.status == PlanStatus.CLOSED
    assert CreditRecord.objects.filter(source_ref__startswith="inspection:").count() == 5
    with pytest.raises(DomainError):  # closed: nothing more
        inspections.record_result(actor=inspector.user, target=first, result="problems", findings="x")


def test_only_a_drawn_inspector_records_a_result(market):
    plan = drawn_plan(market)
    target = plan.targets.first()
    outsider = next(i for i in market["inspectors"] if i not in target.inspectors.all())
    for actor in (outsider.user, market["regulator"], market["approver"]):
        with pytest.raises(PermissionDeniedError):
            inspections.record_result(actor=actor, target=target, result="passed")
    target.refresh_from_db()
    assert target.result == ""


@pytest.mark.parametrize("result, findings, field", [
    ("maybe", "", "result"), ("problems", "", "findings"), ("not_found", "  ", "findings"),
    ("passed", "x" * 4001, "findings"),
])
def test_a_bad_result_is_refused_naming_the_field(market, result, findings, field):
    target = drawn_plan(market).targets.first()
    with pytest.raises(ValidationFailed) as caught:
        inspections.record_result(actor=target.inspectors.first().user, target=target, result=result,
                                  findings=findings)
    assert fields_of(caught.value) == {field}


def test_a_result_is_recorded_once_and_not_on_a_draft(market):
    target = drawn_plan(market).targets.first()
    user = target.inspectors.first().user
    inspections.record_result(actor=user, target=target, result="passed")
    with pytest.raises(DomainError) as caught:
        inspections.record_result(actor=user, target=target, result="problems", findings="x")
    assert caught.value.code == "already_recorded"


# -- recusal ----------------------------------------------------------------------------------------

def test_an_inspector_declares_a_relation_once(market):
    user = market["inspectors"][0].user
    row = inspections.declare_relation(actor=user, id_number=credit_code(7).lower(), relation="曾任职")
    assert row.id_number == credit_code(7)
    with pytest.raises(DomainError) as caught:
        inspections.declare_relation(actor=user, id_number=credit_code(7), relation="亲属")
    assert caught.value.code == "already_declared"
    with pytest.raises(ValidationFailed) as caught:
        inspections.declare_relation(actor=user, id_number="123", relation="")
    assert fields_of(caught.value) == {"id_number", "relation"}
    with pytest.raises(PermissionDeniedError):
        inspections.declare_relation(actor=market["approver"], id_number=credit_code(8), relation="亲属")
    assert InspectorRelation.objects.count() == 1


def test_assigning_an_inspector_against_a_declared_relation_is_refused(market):
    plan = drawn_plan(market)
    target = plan.targets.first()
    on, off = list(target.inspectors.all()), [i for i in market["inspectors"] if i not in target.inspectors.all()]
    inspections.declare_relation(actor=off[0].user, id_number=target.id_number, relation="配偶任法定代表人")
    with pytest.raises(DomainError) as caught:
        inspections.reassign_inspector(actor=market["regulator"], target=target, remove=on[0], add=off[0],
                                       reason="回避")
    assert caught.value.code == "recusal" and caught.value.field == "add"
    assert set(target.inspectors.all()) == set(on)
    # the other one has no relation: the replacement is made, published, and the draw still verifies
    inspections.reassign_inspector(actor=market["regulator"], target=target, remove=on[0], add=off[1],
                                   reason="病假")
    assert set(target.inspectors.all()) == {on[1], off[1]}
    plan = inspections.publish_plan(actor=market["regulator"], plan=plan)
    verification = selectors.verify_draw(plan)
    assert verification.matches and verification.reassignments[0]["reason"] == "病假"


def test_reassignment_refusals(market, user_in_role):
    plan = drawn_plan(market)
    target = plan.targets.first()
    on = list(target.inspectors.all())
    off = [i for i in market["inspectors"] if i not in on]
    stranger = make_inspector(user_in_role, market["health"], 50)
    cases = [
        (market["regulator"], off[0], off[1], "", ValidationFailed),
        (market["regulator"], off[0], off[1], "x", DomainError),  # not on the target
        (market["regulator"], on[0], on[1], "x", DomainError),  # already on it
        (market["regulator"], on[0], stranger, "x", DomainError),  # another department
        (market["other_regulator"], on[0], off[0], "x", PermissionDeniedError),
    ]
    for actor, remove, add, reason, error in cases:
        with pytest.raises(error):
            inspections.reassign_inspector(actor=actor, target=target, remove=remove, add=add, reason=reason)
    assert set(target.inspectors.all()) == set(on)


def test_an_inspector_who_declared_a_relation_after_the_draw_cannot_record_until_replaced(market):
    plan = drawn_plan(market)
    target = plan.targets.first()
    on = list(target.inspectors.order_by("badge"))
    inspections.declare_relation(actor=on[0].user, id_number=target.id_number, relation="近亲属入股")
    assert selectors.recusals_on([target]) == {target.pk: {on[0].pk}}
    with pytest.raises(DomainError) as caught:
        inspections.record_result(actor=on[0].user, target=target, result="passed")
    assert caught.value.code == "recusal"
    off = next(i for i in market["inspectors"] if i not in on)
    inspections.reassign_inspector(actor=market["regulator"], target=target, remove=on[0], add=off, reason="回避")
    assert selectors.recusals_on([target]) == {target.pk: set()}
    assert inspections.record_result(actor=off.user, target=target, result="passed").result == "passed"
