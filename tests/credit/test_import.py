"""Importing records from CSV or XLSX (services.records.import_records and `oneseal credit import`):
all rows or none, every bad cell named by row and column, a re-import adds nothing."""

import csv
import datetime as dt
import hashlib
import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from oneseal.credit.models import CreditRecord
from oneseal.credit.services import records as s
from oneseal.kernel.errors import DomainError, PermissionDeniedError, ValidationFailed
from oneseal.kernel.workcal import SHANGHAI
from tests.credit.records_support import AT, COMPANY, PERSON, org_code, people_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

HEADER = ["id_number", "subject_name", "kind", "title", "facts", "authority", "decided_on", "effective_from",
          "effective_until", "legal_basis"]
GOOD = [
    [COMPANY, "祺鑫通达电子商务有限公司", "penalty_minor", "虚假宣传", "发布虚假广告。", "枣阳市市场监督管理局", "2026-10-01", "", "",
     "《广告法》第五十五条"],
    [PERSON, "徐建军", "court_enforcement", "拒不履行", "拒不履行生效判决。", "枣阳市人民法院", "2026/9/1", "2026-09-02", "", ""],
    [org_code("4W7R3KX"), "枣阳市鑫盛商贸有限公司", "tax_violation", "虚开发票", "虚开增值税专用发票。", "枣阳市税务局",
     "20260801", "2026-08-01", "2027-07-31", ""],
]


def as_csv(rows, encoding="utf-8-sig") -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode(encoding)


def as_xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def run(people, content, filename="records.csv"):
    return s.import_records(actor=people["officer"], content=content, filename=filename, now=AT)


def test_a_csv_is_imported_once(people):
    content = as_csv([HEADER, *GOOD])
    result = run(people, content)
    assert (result.rows, result.created, result.existing) == (3, 3, 0)
    sha = hashlib.sha256(content).hexdigest()
    assert set(CreditRecord.objects.values_list("source_ref", flat=True)) == {f"import:{sha}:{n}" for n in (2, 3, 4)}
    court = CreditRecord.objects.get(kind__code="court_enforcement")
    assert court.effective_until is None and str(court.decided_on) == "2026-09-01"
    assert court.effective_from == dt.datetime(2026, 9, 2, tzinfo=SHANGHAI)
    tax = CreditRecord.objects.get(kind__code="tax_violation")
    assert tax.effective_until == dt.datetime(2027, 8, 1, tzinfo=SHANGHAI)  # through the last day
    minor = CreditRecord.objects.get(kind__code="penalty_minor")
    assert minor.effective_from == dt.datetime(2026, 10, 1, tzinfo=SHANGHAI)  # from the decision's day
    assert minor.legal_basis == "《广告法》第五十五条"

    again = run(people, content)
    assert (again.created, again.existing) == (0, 3) and CreditRecord.objects.count() == 3


def test_an_xlsx_with_date_cells_and_a_gb18030_csv_are_read(people):
    rows = [HEADER[:7], [COMPANY, "祺鑫通达电子商务有限公司", "penalty_minor", "虚假宣传", "发布虚假广告。", "市场监管局",
                         dt.datetime(2026, 10, 1)]]
    assert run(people, as_xlsx(rows), "records.xlsx").created == 1
    assert run(people, as_csv([HEADER, GOOD[1]], encoding="gb18030")).created == 1
    assert CreditRecord.objects.get(kind__code="court_enforcement").subject.name == "徐建军"


def test_every_bad_cell_is_named_and_nothing_is_written(people):
    rows = [HEADER, GOOD[0],
            ["91420683MA4F0BQX3A", "某公司", "no_such_kind", "", "事实", "机关", "2026-13-01", "", "", ""],
            [PERSON, "", "penalty_minor", "标题", "事实", "机关", "2027-01-01", "", "", ""],
            [COMPANY, "某公司", "penalty_minor", "标题", "事实", "机关", "2026-10-01", "2026-10-05", "2026-10-01", "x" * 501],
            ["", "", "", "", "", "", "", "", "", ""],  # a blank row is skipped
            GOOD[1]]
    with pytest.raises(ValidationFailed) as info:
        run(people, as_csv(rows))
    found = {(i.row, i.column, i.code) for i in info.value.issues}
    assert found == {
        (3, "id_number", "credit_code_checksum"), (3, "kind", "unknown_kind"), (3, "title", "required"),
        (3, "decided_on", "invalid_date"),
        (4, "subject_name", "required"), (4, "decided_on", "in_future"),
        (5, "effective_until", "ends_before_start"), (5, "legal_basis", "too_long"),
    }
    assert all(i.as_dict()["row"] and i.as_dict()["message_en"] for i in info.value.issues)
    assert not CreditRecord.objects.exists()


def test_a_missing_column_is_reported_on_the_header_row(people):
    with pytest.raises(ValidationFailed) as info:
        run(people, as_csv([HEADER[:5], GOOD[0][:5]]))
    assert {(i.row, i.column) for i in info.value.issues} == {(1, "authority"), (1, "decided_on")}


@pytest.mark.parametrize(("content", "name", "code"), [
    (b"", "empty.csv", "file_empty"),
    (b"\x00\x01\x02\xff\xfe\x00", "junk.csv", "unreadable_file"),
    (b"PK\x03\x04 not really a workbook", "broken.xlsx", "unreadable_file"),
])
def test_an_unreadable_file_is_refused(people, content, name, code):
    with pytest.raises(DomainError) as info:
        run(people, content, name)
    assert info.value.code == code and info.value.field == "file"


def test_a_header_only_file_has_no_rows(people):
    with pytest.raises(ValidationFailed) as info:
        run(people, as_csv([HEADER]))
    assert info.value.issues[0].code == "empty"


def test_only_a_credit_officer_imports(people):
    for who in ("regulator", "clerk", "company_user"):
        with pytest.raises(PermissionDeniedError):
            s.import_records(actor=people[who], content=as_csv([HEADER, *GOOD]), filename="r.csv", now=AT)
    assert not CreditRecord.objects.exists()


# -- the command ---------------------------------------------------------------------------------------

def test_the_command_imports_and_reports(people, tmp_path):
    path = tmp_path / "records.csv"
    path.write_bytes(as_csv([HEADER, *GOOD]))
    out = io.StringIO()
    call_command("credit", "import", str(path), "--as", "officer", stdout=out)
    assert "3" in out.getvalue() and CreditRecord.objects.count() == 3
    call_command("credit", "import", str(path), "--as", "officer", stdout=io.StringIO())
    assert CreditRecord.objects.count() == 3


def test_the_command_lists_every_bad_cell_and_writes_nothing(people, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(as_csv([HEADER, GOOD[0], [COMPANY, "某公司", "nope", "标题", "事实", "机关", "2026-10-01"]]))
    err = io.StringIO()
    with pytest.raises(CommandError, match="1"):
        call_command("credit", "import", str(path), "--as", "officer", stdout=io.StringIO(), stderr=err)
    assert "row 3, column kind" in err.getvalue() and not CreditRecord.objects.exists()


@pytest.mark.parametrize(("args", "message"), [
    (["missing.csv", "--as", "officer"], "missing.csv"),
    (["{path}", "--as", "nobody"], "nobody"),
])
def test_the_command_refuses_a_missing_file_or_user(people, tmp_path, args, message):
    path = tmp_path / "records.csv"
    path.write_bytes(as_csv([HEADER, *GOOD]))
    with pytest.raises(CommandError, match=message):
        call_command("credit", "import", *[a.format(path=path) for a in args], stdout=io.StringIO())


def test_the_command_refuses_a_user_who_is_not_a_credit_officer(people, tmp_path):
    path = tmp_path / "records.csv"
    path.write_bytes(as_csv([HEADER, *GOOD]))
    with pytest.raises(CommandError):
        call_command("credit", "import", str(path), "--as", "clerk", stdout=io.StringIO())
    assert not CreditRecord.objects.exists()


def test_impossible_years_are_cell_errors_and_a_csv_with_nul_characters_is_refused(people):
    rows = [HEADER, [COMPANY, "某公司", "penalty_minor", "标题", "事实", "机关", "0001-01-01", "", "9999-12-31", ""]]
    with pytest.raises(ValidationFailed) as info:
        run(people, as_csv(rows))
    assert {(i.row, i.column, i.code) for i in info.value.issues} == {
        (2, "decided_on", "out_of_range"), (2, "effective_until", "out_of_range")}
    rows[1][1] = "某\x00公司"
    with pytest.raises(DomainError) as refused:
        run(people, as_csv(rows))
    assert refused.value.code == "unreadable_file"


def test_a_csv_the_reader_cannot_parse_is_refused(people):
    content = ("id_number,subject_name\n" + '"' + "x" * 200_000 + '"\n').encode()
    with pytest.raises(DomainError) as info:
        run(people, content)
    assert info.value.code == "unreadable_file"
