import io

import pytest
from openpyxl import Workbook, load_workbook

from oneseal.catalog import models as m
from oneseal.catalog.services import apply_catalog
from oneseal.catalog.xlsx import export_workbook, import_workbook
from oneseal.kernel.errors import ValidationFailed

pytestmark = pytest.mark.django_db


def _rewrite(content: bytes, edit) -> bytes:
    wb = load_workbook(io.BytesIO(content))
    edit(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _header_index(ws, key: str) -> int:
    return next(c.column for c in ws[1] if c.value.endswith(f"({key})"))


def test_export_then_import_round_trips_unchanged(catalog_data):
    apply_catalog(actor=None, data=catalog_data)
    content = export_workbook()
    summary = import_workbook(actor=None, content=content)
    assert summary["items"] == {"created": 0, "updated": 0, "unchanged": 1}
    assert summary["versions"] == 0


def test_import_into_an_empty_database_recreates_the_catalog(catalog_data):
    apply_catalog(actor=None, data=catalog_data)
    content = export_workbook()
    m.ItemVersion.objects.all().delete()
    m.LicensingTransfer.objects.all().delete()
    m.ServiceItem.objects.all().delete()
    import_workbook(actor=None, content=content)
    item = m.ServiceItem.objects.get(code="420683-XK-001")
    assert item.materials.count() == 2 and item.transfer.status == "transferred"


def test_chinese_only_headers_are_accepted(catalog_data):
    apply_catalog(actor=None, data=catalog_data)

    def to_chinese_headers(wb):
        for ws in wb.worksheets:
            for cell in ws[1]:
                cell.value = cell.value.split(" (")[0]

    import_workbook(actor=None, content=_rewrite(export_workbook(), to_chinese_headers))


def test_missing_column_is_named_and_nothing_written(catalog_data):
    apply_catalog(actor=None, data=catalog_data)

    def drop_legal_basis(wb):
        ws = wb["事项"]
        ws.delete_cols(_header_index(ws, "legal_basis"))

    from oneseal.kernel.models import AuditEntry

    before = AuditEntry.objects.count()
    with pytest.raises(ValidationFailed) as info:
        import_workbook(actor=None, content=_rewrite(export_workbook(), drop_legal_basis))
    issue = info.value.issues[0]
    assert (issue.field, issue.code, issue.row) == ("items.legal_basis", "missing_column", 1)
    assert AuditEntry.objects.count() == before


def test_wrong_type_reports_row_and_column_letter(catalog_data):
    apply_catalog(actor=None, data=catalog_data)

    def bad_limit(wb):
        ws = wb["事项"]
        ws.cell(row=2, column=_header_index(ws, "statutory_limit"), value="二十天")
        ws.cell(row=2, column=_header_index(ws, "legal_basis"), value="改过的依据")

    with pytest.raises(ValidationFailed) as info:
        import_workbook(actor=None, content=_rewrite(export_workbook(), bad_limit))
    issue = next(i for i in info.value.issues if i.field == "items.statutory_limit")
    assert issue.row == 2 and issue.column == "N" and issue.code == "int"
    assert m.ServiceItem.objects.get().legal_basis == catalog_data["items"][0]["legal_basis"]


def test_duplicate_code_is_refused(catalog_data):
    apply_catalog(actor=None, data=catalog_data)

    def duplicate(wb):
        ws = wb["事项"]
        ws.append([c.value for c in ws[2]])

    with pytest.raises(ValidationFailed) as info:
        import_workbook(actor=None, content=_rewrite(export_workbook(), duplicate))
    issue = info.value.issues[0]
    assert (issue.field, issue.code, issue.row) == ("items.code", "duplicate", 3)


@pytest.mark.parametrize("content", [
    b"<html><body>not a workbook</body></html>",
    b"PK\x03\x04 truncated zip",
    b"",
])
def test_a_non_xlsx_file_named_xlsx_is_refused(content):
    with pytest.raises(ValidationFailed) as info:
        import_workbook(actor=None, content=content)
    assert info.value.issues[0].code == "not_xlsx"


def test_a_zip_that_is_not_a_workbook_is_refused():
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(ValidationFailed) as info:
        import_workbook(actor=None, content=buffer.getvalue())
    assert info.value.issues[0].code == "not_xlsx"


def test_an_oversized_file_is_refused_before_parsing(settings):
    settings.ONESEAL_IMPORT_MAX_BYTES = 1024 * 1024
    with pytest.raises(ValidationFailed) as info:
        import_workbook(actor=None, content=b"PK\x03\x04" + b"0" * (1024 * 1024 + 1))
    assert info.value.issues[0].code == "file_too_large"


def test_a_workbook_without_catalog_sheets_is_refused():
    wb = Workbook()
    wb.active.title = "随便"
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(ValidationFailed) as info:
        import_workbook(actor=None, content=out.getvalue())
    assert info.value.issues[0].code == "no_sheets"


def test_catalog_command_reports_every_bad_row(tmp_path, catalog_data):
    from django.core.management import CommandError, call_command
    from django.utils import translation

    apply_catalog(actor=None, data=catalog_data)

    def two_bad_rows(wb):
        ws = wb["事项"]
        ws.append([c.value for c in ws[2]])
        ws.cell(row=2, column=_header_index(ws, "online_depth"), value=9)

    path = tmp_path / "catalog.xlsx"
    path.write_bytes(_rewrite(export_workbook(), two_bad_rows))
    err = io.StringIO()
    with translation.override("en"), pytest.raises(CommandError, match="2 errors"):
        call_command("catalog", "import", str(path), stderr=err)
    assert "row 2" in err.getvalue() and "row 3" in err.getvalue()
