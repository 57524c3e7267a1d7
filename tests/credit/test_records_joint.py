"""Joint punishment end to end (一处失信、处处受限): a credit record's measures reach the cases app through
the subject check — a court-list subject is refused at submission, a minor penalty flags the case with the
record behind it, a record that arrives after submission blocks the approval, and lifting it lets the
next submission through."""

import pytest

from oneseal.accounts.roles import RoleCode
from oneseal.cases import services as cases
from oneseal.cases.checks import SubjectRestricted
from oneseal.cases.models import Case, CaseStatus
from oneseal.cases.services import register_applicant
from oneseal.catalog import models as cm
from oneseal.catalog.services import publish_item_version
from oneseal.credit.services import records as credit
from tests.cases.conftest import at, citizen_id, pdf
from tests.factories import BureauFactory, DepartmentFactory, HallFactory, ServiceItemFactory

pytestmark = pytest.mark.django_db

BEFORE = at("2026-03-01 09:00")


@pytest.fixture(autouse=True)
def _uploads(settings, tmp_path):
    settings.ONESEAL_UPLOAD_ROOT = tmp_path / "uploads"


@pytest.fixture
def world(db, user_in_role):
    """The bureau's hall, an item of the `standard` procedure (review, then decision), a clerk, an
    approver, a credit officer and a citizen applicant."""
    bureau = BureauFactory()
    hall = HallFactory()
    item = ServiceItemFactory(implementing_body=bureau, procedure="standard", committed_limit=5, statutory_limit=20,
                              name="食品经营许可")
    cm.Material.objects.create(item=item, order=1, name="申请书", required=True)
    publish_item_version(actor=None, item=item, note="test")
    fgj = DepartmentFactory(code="FGJ", name="枣阳市发展和改革局")
    return {
        "item": item, "hall": hall,
        "clerk": user_in_role(RoleCode.WINDOW_CLERK, "clerk", hall=hall),
        "approver": user_in_role(RoleCode.APPROVER, "approver", department=bureau, hall=hall),
        "officer": user_in_role(RoleCode.CREDIT_OFFICER, "officer", department=fgj),
        "applicant": register_applicant(actor=None, kind="person", name="张三", id_number=citizen_id()),
    }


def submit(world, now="2026-03-02 09:00"):
    return cases.submit_case(actor=world["clerk"], item=world["item"], applicant=world["applicant"], channel="window",
                             materials=[pdf("申请书")], hall=world["hall"], now=at(now))


def put_on_record(world, kind, now=BEFORE):
    return credit.record(actor=world["officer"], now=now, new=credit.NewRecord(
        id_number=world["applicant"].id_number, subject_name="张三", kind=kind, title="失信记录",
        facts="经查属实。", authority="枣阳市人民法院", decided_on=now.date(), effective_from=now))


def review_task(case, spec_name):
    from oneseal.cases.workflow import engine

    return next(t for t in engine.ready_tasks(case.procedure, case.workflow_state) if t.spec_name == spec_name)


def test_a_subject_on_the_court_list_is_refused_at_submission(world):
    row = put_on_record(world, "court_enforcement")
    with pytest.raises(SubjectRestricted) as info:
        submit(world)
    assert info.value.code == "subject_restricted" and info.value.field == "applicant"
    assert info.value.params["reference"] == row.number
    assert not Case.objects.exists()


def test_a_minor_penalty_flags_the_case_with_the_record_behind_it(world):
    row = put_on_record(world, "penalty_minor")
    case = submit(world)
    assert case.status == CaseStatus.SUBMITTED
    flags = list(case.flags.values_list("source", "code", "reference", "blocking", "stage"))
    assert flags == [("credit", "closer_review", row.number, False, "submission")]


def test_a_record_after_submission_blocks_the_approval_and_lifting_it_lets_the_next_case_through(world):
    case = submit(world)
    assert not case.flags.exists()
    case = cases.accept_case(actor=world["clerk"], case=case, now=at("2026-03-02 10:00"))
    case = cases.complete_task(actor=world["approver"], case=case, task_id=review_task(case, "review").id,
                               data={"passed": True}, now=at("2026-03-03 10:00"))
    row = put_on_record(world, "court_enforcement", now=at("2026-03-03 11:00"))
    with pytest.raises(SubjectRestricted) as info:
        cases.complete_task(actor=world["approver"], case=case, task_id=review_task(case, "decide").id,
                            data={"approved": True}, now=at("2026-03-04 10:00"))
    assert info.value.code == "subject_restricted" and info.value.field == "approved"
    assert Case.objects.get(pk=case.pk).status == CaseStatus.ACCEPTED
    with pytest.raises(SubjectRestricted):
        submit(world, now="2026-03-04 11:00")

    credit.lift_record(actor=world["officer"], record_=row, reason="已履行完毕，法院决定删除失信信息",
                       now=at("2026-03-05 09:00"))
    approved = cases.complete_task(actor=world["approver"], case=Case.objects.get(pk=case.pk),
                                   task_id=review_task(case, "decide").id, data={"approved": True},
                                   now=at("2026-03-05 10:00"))
    assert approved.status == CaseStatus.APPROVED
    following = submit(world, now="2026-03-05 11:00")
    assert following.status == CaseStatus.SUBMITTED and not following.flags.exists()


def test_the_clerk_and_the_approver_see_the_flag_with_its_record_on_the_case_page(world, client):
    record = put_on_record(world, "penalty_minor")
    case = submit(world)
    for user in (world["clerk"], world["approver"]):
        if user == world["approver"]:  # the back office sees a case once it is accepted
            cases.accept_case(actor=world["clerk"], case=case, now=at("2026-03-02 10:00"))
        client.force_login(user)
        page = client.get(f"/workbench/cases/{case.number}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
        body = page.content.decode()
        assert page.status_code == 200, user
        assert record.number in body and f"/credit/subjects/{world['applicant'].id_number}/" in body
        assert "列为重点审查对象" in body  # the measure's name


def test_the_applicant_does_not_see_the_flags_on_their_own_case_page(world, client):
    from oneseal.accounts.services import create_applicant_account

    record = put_on_record(world, "penalty_minor")
    case = submit(world)
    user = create_applicant_account(actor=None, username="zhangsan", password="correct-horse-battery")
    world["applicant"].user = user
    world["applicant"].save(update_fields=["user"])
    client.force_login(user)
    page = client.get(f"/my/cases/{case.number}/")
    assert page.status_code == 200 and record.number not in page.content.decode()


def test_the_window_and_the_inbox_mark_a_flagged_applicant(world, client):
    put_on_record(world, "penalty_minor")
    case = submit(world)
    client.force_login(world["clerk"])
    window = client.get("/workbench/window/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert case.number in window and "信用提示" in window
    cases.accept_case(actor=world["clerk"], case=case, now=at("2026-03-02 10:00"))
    client.force_login(world["approver"])
    inbox = client.get("/workbench/approval/").content.decode()
    assert case.number in inbox and "信用提示" in inbox


def test_an_unflagged_case_carries_no_mark(world, client):
    case = submit(world)
    client.force_login(world["clerk"])
    window = client.get("/workbench/window/").content.decode()
    assert case.number in window and "信用提示" not in window
