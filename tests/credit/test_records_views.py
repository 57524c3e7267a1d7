"""The records pages: public lookup and subject page (masking, public vs internal part), the applicant's
credit and repair form, the credit officer's desk (filters, paging, record form, lift, repairs, import)."""

import csv
import datetime as dt
import io

import pytest
from django.test import Client
from django.utils import timezone

from oneseal.credit.models import CreditRecord, RecordKind, RepairRequest, RepairStatus
from oneseal.credit.services import records as s
from tests.credit.records_support import COMPANY, PDF, PERSON, new, pdf, people_fixture, uploads_fixture  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("uploads")]


def client_of(user=None, english=False) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    if english:
        client.cookies["django_language"] = "en"
    return client


def recent(days: int = 0) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


@pytest.fixture
def on_record(people):
    """The company: a minor penalty in effect (100 days old), a lifted one, an expired one and a non-public
    one; the person: on the court's list."""
    officer = people["officer"]
    rows = {
        "minor": s.record(actor=officer, new=new(title="虚假宣传", effective_from=recent(100)), now=recent(100)),
        "lifted": s.record(actor=officer, new=new(title="已撤销的处罚", effective_from=recent(50)), now=recent(50)),
        "expired": s.record(actor=officer, new=new(title="过期的处罚", effective_from=recent(400)), now=recent(400)),
        "court": s.record(actor=officer, new=new(kind="court_enforcement", id_number=PERSON, subject_name="徐建军",
                                                 title="拒不履行判决", effective_from=recent(10)), now=recent(10)),
    }
    s.lift_record(actor=officer, record_=rows["lifted"], reason="复议撤销")
    RecordKind.objects.filter(code="inspection_problem").update(public=False)
    rows["hidden"] = s.record(actor=officer, new=new(kind="inspection_problem", title="内部抽查问题",
                                                     effective_from=recent(5)), now=recent(5))
    return rows


# -- public ---------------------------------------------------------------------------------------------

def test_a_full_number_opens_the_subject_page(on_record):
    client = client_of()
    assert client.get("/credit/", {"q": COMPANY.lower()})["Location"] == f"/credit/subjects/{COMPANY}/"
    assert client.get("/credit/", {"q": PERSON})["Location"] == f"/credit/subjects/{PERSON}/"


def test_organisations_are_found_by_name_and_persons_never(on_record):
    client = client_of()
    page = client.get("/credit/", {"q": "祺鑫"}).content.decode()
    assert "祺鑫通达电子商务有限公司" in page and COMPANY in page
    by_name = client.get("/credit/", {"q": "徐建军"}).content.decode()
    assert f"/credit/subjects/{PERSON}/" not in by_name and PERSON not in by_name
    short = client_of(english=True).get("/credit/", {"q": "x"}).content.decode()
    assert "Type at least two characters" in short


def test_the_public_sees_public_records_in_effect_only(on_record):
    page = client_of().get(f"/credit/subjects/{COMPANY}/").content.decode()
    assert "虚假宣传" in page
    for hidden in ("已撤销的处罚", "过期的处罚", "内部抽查问题", "closer_review", "列为重点审查对象"):
        assert hidden not in page


def test_a_persons_id_is_masked_on_the_public_page(on_record):
    page = client_of().get(f"/credit/subjects/{PERSON}/").content.decode()
    masked = PERSON[:6] + "********" + PERSON[-4:]
    assert masked in page and "拒不履行判决" in page
    assert PERSON not in page.replace(f"/credit/subjects/{PERSON}/", "")


def test_staff_see_the_internal_part(on_record, people):
    page = client_of(people["clerk"]).get(f"/credit/subjects/{COMPANY}/").content.decode()
    for shown in ("已撤销的处罚", "复议撤销", "过期的处罚", "内部抽查问题", "列为重点审查对象"):
        assert shown in page
    assert client_of(people["clerk"]).get(f"/credit/subjects/{PERSON}/").content.decode().count(PERSON) >= 1


def test_a_clean_valid_number_has_an_empty_page_and_an_invalid_one_is_not_found(db):
    from tests.credit.records_support import org_code

    assert client_of().get(f"/credit/subjects/{org_code('4A9R5QD')}/").status_code == 200
    assert client_of().get("/credit/subjects/123456/").status_code == 404


def test_the_pages_speak_english_on_request(on_record, people):
    page = client_of(people["officer"], english=True).get(f"/credit/subjects/{COMPANY}/").content.decode()
    assert "Publicised records" in page and "Internal part (staff only)" in page
    assert "Flag every application for closer review" in page
    assert "Credit desk" in client_of(people["officer"], english=True).get("/workbench/credit/").content.decode()


# -- the applicant ------------------------------------------------------------------------------------

def test_the_applicant_sees_their_records_and_asks_for_repair(on_record, people):
    client = client_of(people["company_user"])
    page = client.get("/my/credit/").content.decode()
    assert "虚假宣传" in page and "内部抽查问题" in page and "拒不履行判决" not in page
    stream, name = pdf()
    stream.name = name
    response = client.post("/my/credit/", {"record": on_record["minor"].number, "statement": "已整改",
                                           "evidence": stream})
    assert response.status_code == 302
    repair = RepairRequest.objects.get()
    assert repair.record == on_record["minor"] and repair.evidence_name == "proof.pdf"
    assert "等待" in client.get("/my/credit/").content.decode() or "waiting" in client_of(
        people["company_user"], english=True).get("/my/credit/").content.decode()


def test_a_repair_request_without_a_proof_is_refused_on_the_page(on_record, people):
    client = client_of(people["company_user"], english=True)
    response = client.post("/my/credit/", {"record": on_record["minor"].number, "statement": ""})
    assert response.status_code == 422
    page = response.content.decode()
    assert "This field is required." in page and "Attach the proof" in page
    assert not RepairRequest.objects.exists()


def test_nobody_asks_to_repair_someone_elses_record(on_record, people):
    response = client_of(people["person_user"]).post("/my/credit/", {
        "record": on_record["minor"].number, "statement": "x", "evidence": io.BytesIO(PDF)})
    assert response.status_code == 404 and not RepairRequest.objects.exists()
    assert client_of(people["clerk"]).get("/my/credit/").status_code == 403
    assert client_of().get("/my/credit/").status_code == 302


# -- the desk -------------------------------------------------------------------------------------------

def test_the_desk_is_the_credit_officers_and_regulators(on_record, people):
    assert client_of(people["officer"]).get("/workbench/credit/").status_code == 200
    assert client_of(people["clerk"]).get("/workbench/credit/").status_code == 403
    assert client_of(people["company_user"]).get("/workbench/credit/").status_code == 403
    assert client_of().get("/workbench/credit/").status_code == 302
    own = s.record(actor=people["regulator"], new=new(title="市场监管局的处罚", department_id=people["market"].pk))
    page = client_of(people["regulator"]).get("/workbench/credit/").content.decode()
    assert own.number in page and on_record["minor"].number not in page


@pytest.mark.parametrize(("query", "shown", "not_shown"), [
    ({"state": "lifted"}, "lifted", "minor"),
    ({"state": "expired"}, "expired", "minor"),
    ({"state": "in_effect"}, "minor", "expired"),
    ({"source": "court"}, "court", "minor"),
    ({"severity": "serious"}, "court", "minor"),
    ({"q": PERSON}, "court", "minor"),
])
def test_the_desk_filters(on_record, people, query, shown, not_shown):
    page = client_of(people["officer"]).get("/workbench/credit/", query).content.decode()
    assert on_record[shown].number in page and on_record[not_shown].number not in page


def test_the_desk_pages(people):
    for n in range(25):
        s.record(actor=people["officer"], new=new(title=f"处罚{n:02d}"))
    client = client_of(people["officer"])
    first = client.get("/workbench/credit/").content.decode()
    second = client.get("/workbench/credit/", {"page": 2}).content.decode()
    assert "处罚24" in first and "处罚00" not in first and "处罚00" in second


def test_the_record_form_records_and_names_bad_fields(people):
    client = client_of(people["officer"], english=True)
    assert client.get("/workbench/credit/records/new/").status_code == 200
    bad = client.post("/workbench/credit/records/new/", {"id_number": "91420683MA4F0BQX3A", "kind": "",
                                                          "decided_on": "2026-13-01"})
    assert bad.status_code == 422
    page = bad.content.decode()
    assert "Write a date as YYYY-MM-DD." in page
    bad = client.post("/workbench/credit/records/new/", {"id_number": "", "kind": "", "decided_on": "2026-10-01"})
    assert bad.status_code == 422 and 'id="record-title-errors"' in bad.content.decode()
    good = client.post("/workbench/credit/records/new/", {
        "id_number": COMPANY, "subject_name": "祺鑫通达", "kind": "penalty_serious", "title": "严重违法",
        "facts": "事实", "authority": "市场监管局", "decided_on": "2026-10-01", "effective_from": "2026-10-01",
        "effective_until": "2027-09-30", "department": str(people["market"].pk)})
    assert good.status_code == 302 and good["Location"] == f"/credit/subjects/{COMPANY}/"
    row = CreditRecord.objects.get(title="严重违法")
    assert row.department == people["market"] and timezone.localtime(row.effective_until).date() == dt.date(2027, 10, 1)


def test_a_regulator_may_not_record_for_another_department(people):
    response = client_of(people["health_regulator"]).post("/workbench/credit/records/new/", {
        "id_number": COMPANY, "subject_name": "祺鑫通达", "kind": "penalty_minor", "title": "t", "facts": "f",
        "authority": "a", "decided_on": "2026-10-01", "department": str(people["market"].pk)})
    assert response.status_code == 403 and not CreditRecord.objects.exists()


def test_lifting_from_the_desk(on_record, people):
    client = client_of(people["officer"])
    row = on_record["minor"]
    client.post(f"/workbench/credit/records/{row.number}/lift/", {"reason": ""})
    row.refresh_from_db()
    assert row.status == "active"
    assert client.post(f"/workbench/credit/records/{row.number}/lift/", {"reason": "错录"}).status_code == 302
    row.refresh_from_db()
    assert row.status == "lifted"
    assert client_of(people["clerk"]).post(f"/workbench/credit/records/{row.number}/lift/",
                                           {"reason": "x"}).status_code == 403
    assert client.post("/workbench/credit/records/XY-0000-0000000/lift/", {"reason": "x"}).status_code == 404


def test_deciding_a_repair_from_the_desk(on_record, people):
    stream, name = pdf()
    repair = s.request_repair(actor=people["company_user"], record_=on_record["minor"], statement="已整改",
                              evidence=stream, evidence_name=name)
    officer = client_of(people["officer"])
    page = officer.get("/workbench/credit/").content.decode()
    assert f"/workbench/credit/repairs/{repair.pk}/decide/" in page
    evidence = officer.get(f"/credit/repairs/{repair.pk}/evidence/")
    assert evidence.status_code == 200 and b"".join(evidence.streaming_content).startswith(b"%PDF")
    assert client_of(people["person_user"]).get(f"/credit/repairs/{repair.pk}/evidence/").status_code == 404
    assert client_of(people["regulator"]).post(f"/workbench/credit/repairs/{repair.pk}/decide/", {
        "decision": "approve", "reason": "x"}).status_code == 403
    officer.post(f"/workbench/credit/repairs/{repair.pk}/decide/", {"decision": "approve", "reason": ""})
    repair.refresh_from_db()
    assert repair.status == RepairStatus.PENDING
    officer.post(f"/workbench/credit/repairs/{repair.pk}/decide/", {"decision": "approve", "reason": "整改到位"})
    repair.refresh_from_db()
    on_record["minor"].refresh_from_db()
    assert repair.status == RepairStatus.APPROVED and on_record["minor"].status == "repaired"


def _csv(rows) -> io.BytesIO:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    file = io.BytesIO(out.getvalue().encode())
    file.name = "records.csv"
    return file


HEADER = ["id_number", "subject_name", "kind", "title", "facts", "authority", "decided_on"]


def test_importing_from_the_desk(people):
    client = client_of(people["officer"], english=True)
    bad = client.post("/workbench/credit/import/", {"file": _csv([HEADER, [COMPANY, "祺鑫", "nope", "t", "f", "a",
                                                                           "2026-10-01"]])})
    assert bad.status_code == 422 and "row 2, column kind" in bad.content.decode()
    assert not CreditRecord.objects.exists()
    assert client.post("/workbench/credit/import/", {}).status_code == 409
    good = client.post("/workbench/credit/import/", {"file": _csv([HEADER, [COMPANY, "祺鑫", "penalty_minor", "t",
                                                                            "f", "a", "2026-10-01"]])})
    assert good.status_code == 302 and CreditRecord.objects.count() == 1
    assert client_of(people["regulator"]).post("/workbench/credit/import/", {
        "file": _csv([HEADER])}).status_code == 403


def test_nul_characters_and_impossible_dates_are_refused_not_crashing(on_record, people):
    assert client_of().get("/credit/", {"q": "祺\x00鑫"}).status_code == 200
    officer = client_of(people["officer"], english=True)
    assert officer.get("/workbench/credit/", {"q": "a\x00b"}).status_code == 200
    assert officer.post("/workbench/credit/records/\x00/lift/", {"reason": "x"}).status_code == 404
    response = officer.post("/workbench/credit/records/new/", {
        "id_number": COMPANY, "subject_name": "祺鑫\x00通达", "kind": "penalty_minor", "title": "t", "facts": "f",
        "authority": "a", "decided_on": "2026-10-01", "effective_until": "9999-12-31"})
    assert response.status_code == 422 and "The date must lie between 1949 and 2199." in response.content.decode()
    response = officer.post("/workbench/credit/records/new/", {
        "id_number": COMPANY, "subject_name": "祺鑫\x00通达", "kind": "penalty_minor", "title": "t", "facts": "f",
        "authority": "a", "decided_on": "2026-10-01"})
    assert response.status_code in (302, 422)  # Django may drop the NUL on parsing; never a server error
    assert all("\x00" not in row.subject.name for row in CreditRecord.objects.select_related("subject"))
    assert client_of(people["company_user"]).post("/my/credit/", {"record": "XY\x00"}).status_code == 404
