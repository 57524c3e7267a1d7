"""Excel (.xlsx) import and export of the whole catalog (openpyxl).

The workbook has one worksheet per sheet of `sheets.SHEETS`; row 1 holds the headers. On import,
every problem (not an xlsx file, a missing worksheet or column, a bad cell, a duplicate code, an
unknown reference) is reported with its worksheet, row number and column letter, and nothing is
written.
"""

from __future__ import annotations

import io
import zipfile
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from oneseal.kernel.errors import FieldIssue, ValidationFailed

from . import models as m
from .services import apply_catalog
from .sheets import SHEETS, Sheet

XLSX_MAGIC = b"PK\x03\x04"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _header_key(cell_value: Any, sheet: Sheet) -> str | None:
    if cell_value is None:
        return None
    text = str(cell_value).strip()
    for column in sheet.columns:
        if text in (column.key, column.label, f"{column.label} ({column.key})", f"{column.label}({column.key})"):
            return column.key
    return None


def _file_issue(code: str, message, **params) -> ValidationFailed:
    return ValidationFailed([FieldIssue(field="file", code=code, message=message, params=params)])


def check_upload(content: bytes) -> None:
    """Refuse anything that is not a plausible .xlsx before openpyxl parses it."""
    limit = settings.ONESEAL_IMPORT_MAX_BYTES
    if len(content) > limit:
        raise _file_issue("file_too_large", _("The file is larger than %(limit)s MB."), limit=limit // (1024 * 1024))
    if not content.startswith(XLSX_MAGIC):
        raise _file_issue("not_xlsx", _("The file is not an Excel .xlsx workbook."))
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        raise _file_issue("not_xlsx", _("The file is not an Excel .xlsx workbook.")) from None
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise _file_issue("not_xlsx", _("The file is not an Excel .xlsx workbook."))


def read_workbook(content: bytes) -> dict[str, list[dict[str, Any]]]:
    """Parse a catalog workbook into sheet rows; raise ValidationFailed on structural problems."""
    check_upload(content)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged package
        raise _file_issue("not_xlsx", _("The file is not an Excel .xlsx workbook.")) from None
    issues: list[FieldIssue] = []
    data: dict[str, list[dict[str, Any]]] = {}
    titles = {ws.title.strip(): ws for ws in workbook.worksheets}
    for sheet in SHEETS:
        ws = titles.get(sheet.title) or titles.get(sheet.key)
        if ws is None:
            continue
        rows = ws.iter_rows(values_only=True)
        header = next(rows, None) or ()
        positions: dict[str, int] = {}
        for index, value in enumerate(header):
            key = _header_key(value, sheet)
            if key:
                positions[key] = index
        missing = [c for c in sheet.columns if c.key not in positions and c.required]
        for column in missing:
            issues.append(FieldIssue(
                field=f"{sheet.key}.{column.key}", code="missing_column", row=1, column=column.label,
                message=_("Worksheet %(sheet)s has no column %(column)s."),
                params={"sheet": sheet.title, "column": f"{column.label} ({column.key})"}))
        if missing:
            continue
        letters = {key: get_column_letter(i + 1) for key, i in positions.items()}
        out = []
        for row_no, values in enumerate(rows, start=2):
            if values is None or all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            row = {key: (values[i] if i < len(values) else None) for key, i in positions.items()}
            row["_row"] = row_no
            row["_letters"] = letters
            out.append(row)
        data[sheet.key] = out
    workbook.close()
    if not data and not issues:
        issues.append(FieldIssue(field="file", code="no_sheets",
                                 message=_("The workbook has none of the catalog's worksheets.")))
    if issues:
        raise ValidationFailed(issues)
    return data


def import_workbook(*, actor, content: bytes, note: str = "") -> dict[str, Any]:
    """Read and apply a catalog workbook in one transaction (see services.apply_catalog)."""
    data = read_workbook(content)
    try:
        return apply_catalog(actor=actor, data=data, note=note or "Excel import")
    except ValidationFailed as exc:
        for issue in exc.issues:  # show the worksheet title beside the row
            sheet = issue.field.split(".")[0]
            if sheet in {s.key for s in SHEETS}:
                issue.params.setdefault("sheet", next(s.title for s in SHEETS if s.key == sheet))
        raise


def _rows(sheet: Sheet):
    if sheet.key == "regions":
        for r in m.Region.objects.select_related("parent").order_by("code"):
            yield [r.code, r.name, r.name_en, r.level, r.parent.code if r.parent else ""]
    elif sheet.key == "departments":
        for d in m.Department.objects.select_related("region").order_by("code"):
            yield [d.code, d.name, d.name_en, d.short_name, d.kind, d.region.code, d.phone]
    elif sheet.key == "halls":
        for h in m.Hall.objects.select_related("region").order_by("code"):
            yield [h.code, h.name, h.name_en, h.region.code, h.address, h.phone, h.morning_start.strftime("%H:%M"),
                   h.morning_end.strftime("%H:%M"), h.afternoon_start.strftime("%H:%M"),
                   h.afternoon_end.strftime("%H:%M")]
    elif sheet.key == "zones":
        for z in m.Zone.objects.select_related("hall").order_by("code"):
            yield [z.code, z.hall.code, z.name, z.name_en, z.order]
    elif sheet.key == "windows":
        for w in m.Window.objects.select_related("zone", "department").order_by("zone__code", "number"):
            yield [w.zone.code, w.number, w.kind, w.department.code]
    elif sheet.key == "items":
        qs = m.ServiceItem.objects.select_related(
            "implementing_body", "original_department", "supervising_department", "zone").order_by("code")
        for i in qs.iterator(chunk_size=2000):
            yield [i.code, i.name, i.name_en, i.item_type, i.status, i.implementing_body.code,
                   i.original_department.code, i.supervising_department.code, i.zone.code if i.zone else "",
                   i.legal_basis, i.conditions, i.procedure, i.procedure_steps, i.statutory_limit,
                   i.statutory_limit_unit, i.committed_limit, i.committed_limit_unit, i.is_free, i.fee_due_before,
                   i.place,
                   i.office_hours, i.consultation_channel, i.complaint_channel, i.visits_required,
                   i.online_depth, i.handling_mode, i.high_frequency, i.high_risk, i.commitment_mode,
                   i.commitment_text, i.commitment_verify_days]
    elif sheet.key == "materials":
        for x in m.Material.objects.select_related("item").order_by("item__code", "order", "id").iterator(2000):
            yield [x.item.code, x.order, x.name, x.form, x.copies, x.required, x.licence_replaceable,
                   x.licence_type, x.note, x.commitment_replaceable]
    elif sheet.key == "fees":
        for f in m.Fee.objects.select_related("item").order_by("item__code", "id"):
            yield [f.item.code, f.name, f.amount_yuan, f.unit, f.legal_basis]
    elif sheet.key == "special_procedures":
        for p in m.SpecialProcedure.objects.select_related("item").order_by("item__code", "kind"):
            yield [p.item.code, p.kind, p.max_working_days, p.stops_clock, p.note]
    elif sheet.key == "transfers":
        qs = m.LicensingTransfer.objects.select_related("item", "from_department", "to_department")
        for t in qs.order_by("item__code"):
            yield [t.item.code, t.from_department.code, t.to_department.code, t.batch, t.date.isoformat(),
                   t.status, t.note]


def export_workbook(stream: IO[bytes] | None = None) -> bytes:
    """Write the whole catalog as a workbook that `import_workbook` reads back unchanged."""
    workbook = Workbook(write_only=False)
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for sheet in SHEETS:
        ws = workbook.create_sheet(sheet.title)
        ws.append([f"{c.label} ({c.key})" for c in sheet.columns])
        for cell in ws[1]:
            cell.font, cell.fill = bold, fill
        ws.freeze_panes = "A2"
        for row in _rows(sheet):
            ws.append(["是" if v is True else "否" if v is False else v for v in row])
        for index, column in enumerate(sheet.columns, start=1):
            ws.column_dimensions[get_column_letter(index)].width = 40 if column.kind == "text" else 16
    buffer = stream or io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue() if isinstance(buffer, io.BytesIO) else b""
