"""The catalog's exchange format: one sheet per kind of record, one column per field.

The same definitions check a workbook being imported (`xlsx.read_workbook`) and data handed to
`services.apply_catalog` by code (the demo loader), so both paths refuse the same things with the
same messages. A header cell may hold the Chinese label, the key, or "label (key)".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext_lazy as _

from oneseal.kernel.errors import FieldIssue

from . import models as m


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # Chinese header used in exported workbooks
    kind: str = "str"  # str | text | int | bool | decimal | date | time | choice
    required: bool = True
    choices: tuple[str, ...] = ()
    max_length: int | None = None
    ref: str | None = None  # sheet whose key this column refers to
    minimum: int | None = None
    maximum: int | None = None


@dataclass(frozen=True)
class Sheet:
    key: str
    title: str  # worksheet title
    columns: tuple[Column, ...]
    natural_key: tuple[str, ...]

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


def _choices(choices) -> tuple[str, ...]:
    return tuple(str(v) for v in choices.values)


_UNITS = _choices(m.LimitUnit)
_BOOL_TRUE = {"1", "true", "yes", "y", "是", "√", "✓"}
_BOOL_FALSE = {"0", "false", "no", "n", "否", "×", ""}

SHEETS: tuple[Sheet, ...] = (
    Sheet("regions", "区划", (
        Column("code", "区划代码", max_length=12),
        Column("name", "名称", max_length=200),
        Column("name_en", "英文名称", required=False, max_length=300),
        Column("level", "层级", "choice", choices=_choices(m.RegionLevel)),
        Column("parent", "上级区划", required=False, ref="regions"),
    ), ("code",)),
    Sheet("departments", "部门", (
        Column("code", "部门编码", max_length=20),
        Column("name", "名称", max_length=200),
        Column("name_en", "英文名称", required=False, max_length=300),
        Column("short_name", "简称", required=False, max_length=40),
        Column("kind", "类别", "choice", choices=_choices(m.DepartmentKind)),
        Column("region", "区划", ref="regions"),
        Column("phone", "电话", required=False, max_length=40),
    ), ("code",)),
    Sheet("halls", "大厅", (
        Column("code", "大厅编码", max_length=20),
        Column("name", "名称", max_length=200),
        Column("name_en", "英文名称", required=False, max_length=300),
        Column("region", "区划", ref="regions"),
        Column("address", "地址", required=False, max_length=300),
        Column("phone", "电话", required=False, max_length=40),
        Column("morning_start", "上午开始", "time"),
        Column("morning_end", "上午结束", "time"),
        Column("afternoon_start", "下午开始", "time"),
        Column("afternoon_end", "下午结束", "time"),
    ), ("code",)),
    Sheet("zones", "服务区", (
        Column("code", "服务区编码", max_length=20),
        Column("hall", "大厅", ref="halls"),
        Column("name", "名称", max_length=200),
        Column("name_en", "英文名称", required=False, max_length=300),
        Column("order", "排序", "int", required=False, minimum=0),
    ), ("code",)),
    Sheet("windows", "窗口", (
        Column("zone", "服务区", ref="zones"),
        Column("number", "窗口号", max_length=10),
        Column("kind", "类别", "choice", choices=_choices(m.WindowKind)),
        Column("department", "部门", ref="departments"),
    ), ("zone", "number")),
    Sheet("items", "事项", (
        Column("code", "事项编码", max_length=40),
        Column("name", "事项名称", max_length=200),
        Column("name_en", "英文名称", required=False, max_length=300),
        Column("item_type", "事项类型", "choice", choices=_choices(m.ItemType)),
        Column("status", "状态", "choice", required=False, choices=_choices(m.ItemStatus)),
        Column("implementing_body", "实施主体", ref="departments"),
        Column("original_department", "原审批部门", ref="departments"),
        Column("supervising_department", "监管部门", ref="departments"),
        Column("zone", "服务区", required=False, ref="zones"),
        Column("legal_basis", "设定依据", "text"),
        Column("conditions", "受理条件", "text", required=False),
        Column("procedure", "办理流程", max_length=40),
        Column("procedure_steps", "流程说明", "text", required=False),
        Column("statutory_limit", "法定时限", "int", minimum=1),
        Column("statutory_limit_unit", "法定时限单位", "choice", choices=_UNITS),
        Column("committed_limit", "承诺时限", "int", minimum=1),
        Column("committed_limit_unit", "承诺时限单位", "choice", choices=_UNITS),
        Column("is_free", "是否免费", "bool"),
        Column("fee_due_before", "缴费节点", "choice", required=False, choices=_choices(m.FeeDueBefore)),
        Column("place", "办理地点", required=False, max_length=300),
        Column("office_hours", "办理时间", required=False, max_length=200),
        Column("consultation_channel", "咨询方式", required=False, max_length=200),
        Column("complaint_channel", "投诉方式", required=False, max_length=200),
        Column("visits_required", "到现场次数", "int", minimum=0, maximum=2),
        Column("online_depth", "网办深度", "int", minimum=1, maximum=4),
        Column("handling_mode", "办件类型", "choice", choices=_choices(m.HandlingMode)),
        Column("high_frequency", "高频事项", "bool"),
        Column("high_risk", "高风险事项", "bool", required=False),
        Column("commitment_mode", "告知承诺", "choice", required=False, choices=_choices(m.CommitmentMode)),
        Column("commitment_text", "承诺书内容", "text", required=False),
        Column("commitment_verify_days", "核查时限(工作日)", "int", required=False, minimum=1, maximum=365),
    ), ("code",)),
    Sheet("materials", "申请材料", (
        Column("item", "事项编码", ref="items"),
        Column("order", "序号", "int", required=False, minimum=0),
        Column("name", "材料名称", max_length=200),
        Column("form", "材料形式", "choice", choices=_choices(m.MaterialForm)),
        Column("copies", "份数", "int", minimum=1),
        Column("required", "是否必需", "bool"),
        Column("licence_replaceable", "可用电子证照", "bool"),
        Column("licence_type", "证照类型", required=False, max_length=60),
        Column("note", "备注", required=False, max_length=300),
        Column("commitment_replaceable", "可承诺替代", "bool", required=False),
    ), ("item", "name")),
    Sheet("fees", "收费", (
        Column("item", "事项编码", ref="items"),
        Column("name", "收费项目", max_length=200),
        Column("amount_yuan", "金额(元)", "decimal"),
        Column("unit", "计费单位", required=False, max_length=40),
        Column("legal_basis", "收费依据", "text"),
    ), ("item", "name")),
    Sheet("special_procedures", "特别程序", (
        Column("item", "事项编码", ref="items"),
        Column("kind", "程序种类", "choice", choices=_choices(m.SpecialProcedureKind)),
        Column("max_working_days", "时限(工作日)", "int", minimum=1),
        Column("stops_clock", "是否停止计时", "bool"),
        Column("note", "备注", required=False, max_length=300),
    ), ("item", "kind")),
    Sheet("transfers", "许可权划转", (
        Column("item", "事项编码", ref="items"),
        Column("from_department", "划出部门", ref="departments"),
        Column("to_department", "划入部门", ref="departments"),
        Column("batch", "批次", max_length=40),
        Column("date", "日期", "date"),
        Column("status", "划转状态", "choice", choices=_choices(m.TransferStatus)),
        Column("note", "备注", required=False, max_length=300),
    ), ("item",)),
)
SHEETS_BY_KEY = {s.key: s for s in SHEETS}


def coerce(value: Any, column: Column) -> Any:
    """Turn a cell or a Python value into the column's type; raise ValueError with a message key."""
    if isinstance(value, str):
        value = value.strip()
    if value is None or value == "":
        if column.required and column.kind != "bool":
            raise ValueError("missing")
        return {"bool": False, "int": None, "decimal": None, "date": None, "time": None}.get(column.kind, "")
    kind = column.kind
    if kind in ("str", "text", "choice"):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = str(value)
        if column.max_length and len(text) > column.max_length:
            raise ValueError("too_long")
        if kind == "choice" and text not in column.choices:
            raise ValueError("choice")
        return text
    if kind == "int":
        if isinstance(value, bool):
            raise ValueError("int")
        if isinstance(value, float):
            if not value.is_integer():
                raise ValueError("int")
            value = int(value)
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise ValueError("int") from None
        if column.minimum is not None and number < column.minimum:
            raise ValueError("range")
        if column.maximum is not None and number > column.maximum:
            raise ValueError("range")
        return number
    if kind == "bool":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _BOOL_TRUE:
            return True
        if text in _BOOL_FALSE:
            return False
        raise ValueError("bool")
    if kind == "decimal":
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            raise ValueError("decimal") from None
        if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")):
            raise ValueError("decimal")
        return amount
    if kind == "date":
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            raise ValueError("date") from None
    if kind == "time":
        if isinstance(value, dt.datetime):
            return value.time()
        if isinstance(value, dt.time):
            return value
        try:
            return dt.time.fromisoformat(str(value))
        except ValueError:
            raise ValueError("time") from None
    raise AssertionError(f"unknown column kind {kind}")


MESSAGES = {
    "missing": _("This value is required."),
    "too_long": _("Too long: at most %(max_length)s characters."),
    "choice": _("Not one of the allowed values: %(choices)s."),
    "int": _("Not a whole number."),
    "range": _("Out of range (%(minimum)s to %(maximum)s)."),
    "bool": _("Not a yes/no value (是/否, true/false, 1/0)."),
    "decimal": _("Not an amount in yuan with at most two decimals."),
    "date": _("Not a date (YYYY-MM-DD)."),
    "time": _("Not a time (HH:MM)."),
}


def cell_issue(sheet: Sheet, column: Column, code: str, row: int, letter: str | None) -> FieldIssue:
    return FieldIssue(
        field=f"{sheet.key}.{column.key}", code=code, message=MESSAGES[code], row=row,
        column=letter or column.key,
        params={"max_length": column.max_length, "choices": ", ".join(column.choices),
                "minimum": column.minimum if column.minimum is not None else "-",
                "maximum": column.maximum if column.maximum is not None else "-"},
    )
