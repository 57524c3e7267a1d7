"""A readable diff between two versions of an item: field by field, and row by row for the
materials, fees and special procedures (matched by name or kind)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

FIELD_LABELS: dict[str, Promise] = {
    "code": _("Item code"),
    "name": _("Name"),
    "name_en": _("English name"),
    "item_type": _("Item type"),
    "status": _("Status"),
    "implementing_body": _("Implementing body"),
    "original_department": _("Original department"),
    "supervising_department": _("Supervising department"),
    "zone": _("Zone"),
    "legal_basis": _("Legal basis"),
    "conditions": _("Conditions"),
    "procedure": _("Procedure"),
    "procedure_steps": _("Procedure steps"),
    "statutory_limit": _("Statutory time limit"),
    "committed_limit": _("Committed time limit"),
    "is_free": _("Free of charge"),
    "fee_due_before": _("Fee to be paid before"),
    "place": _("Place"),
    "office_hours": _("Office hours"),
    "consultation_channel": _("Consultation channel"),
    "complaint_channel": _("Complaint channel"),
    "visits_required": _("Visits required"),
    "online_depth": _("Online depth"),
    "handling_mode": _("Handling mode"),
    "high_frequency": _("High-frequency"),
    "high_risk": _("High-risk"),
    "commitment": _("Commitment approval"),
    "form_schema": _("Application form"),
    "materials": _("Material"),
    "fees": _("Fee"),
    "special_procedures": _("Special procedure"),
}
_ROW_KEYS = {"materials": "name", "fees": "name", "special_procedures": "kind"}


@dataclass(frozen=True)
class Change:
    field: str
    label: str
    kind: str  # added | removed | changed
    old: Any = None
    new: Any = None
    row: str = ""  # the material/fee/procedure the change is about


def _fmt(value: Any) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_fmt(v)}" for k, v in value.items())
    if isinstance(value, bool):
        return "✓" if value else "✗"
    return "" if value is None else str(value)


def diff_versions(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """What changed from `old` to `new`, in the order of FIELD_LABELS."""
    changes: list[Change] = []
    for key, label in FIELD_LABELS.items():
        a, b = old.get(key), new.get(key)
        if key in _ROW_KEYS:
            changes.extend(_diff_rows(key, str(label), a or [], b or []))
        elif a != b:
            kind = "added" if a in (None, "") else "removed" if b in (None, "") else "changed"
            changes.append(Change(key, str(label), kind, _fmt(a), _fmt(b)))
    return changes


def _diff_rows(key: str, label: str, old: list[dict], new: list[dict]) -> list[Change]:
    ident = _ROW_KEYS[key]
    before = {r[ident]: r for r in old}
    after = {r[ident]: r for r in new}
    out = []
    for name, row in after.items():
        if name not in before:
            out.append(Change(key, label, "added", "", _fmt(row), row=name))
        elif before[name] != row:
            fields = {k for k in row.keys() | before[name].keys() if row.get(k) != before[name].get(k)}
            out.append(Change(key, label, "changed",
                              _fmt({k: before[name].get(k) for k in sorted(fields)}),
                              _fmt({k: row.get(k) for k in sorted(fields)}), row=name))
    for name, row in before.items():
        if name not in after:
            out.append(Change(key, label, "removed", _fmt(row), "", row=name))
    return out
