"""Writes to the catalog. Each function is one transaction with one audit entry.

`apply_catalog` is the only way bulk catalog data gets in (the Excel import and the demo loader
both call it): it checks every row of every sheet first and writes nothing if any is wrong.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from oneseal.kernel import audit
from oneseal.kernel.errors import FieldIssue, ValidationFailed

from . import models as m
from .sheets import SHEETS, SHEETS_BY_KEY, Sheet, cell_issue, coerce
from .snapshot import item_snapshot

_EXISTING_KEYS = {
    "regions": lambda: set(m.Region.objects.values_list("code", flat=True)),
    "departments": lambda: set(m.Department.objects.values_list("code", flat=True)),
    "halls": lambda: set(m.Hall.objects.values_list("code", flat=True)),
    "zones": lambda: set(m.Zone.objects.values_list("code", flat=True)),
    "items": lambda: set(m.ServiceItem.objects.values_list("code", flat=True)),
}


def _where(row: dict, index: int) -> int:
    return row.get("_row", index + 2)


def _letter(row: dict, key: str) -> str | None:
    return (row.get("_letters") or {}).get(key)


def clean_catalog(data: dict[str, list[dict[str, Any]]]) -> tuple[dict[str, list[dict]], list[FieldIssue]]:
    """Type-check, de-duplicate and cross-check every row; return clean rows and every issue."""
    issues: list[FieldIssue] = []
    clean: dict[str, list[dict]] = {}
    for key in data:
        if key not in SHEETS_BY_KEY:
            issues.append(FieldIssue(field=key, code="unknown_sheet", message=_("Unknown sheet: %(sheet)s."),
                                     params={"sheet": key}))
    for sheet in SHEETS:
        rows = data.get(sheet.key)
        if rows is None:
            continue
        out = []
        seen: dict[tuple, int] = {}
        for index, raw in enumerate(rows):
            row_no = _where(raw, index)
            row: dict[str, Any] = {"_row": row_no, "_letters": raw.get("_letters") or {}}
            ok = True
            for column in sheet.columns:
                try:
                    row[column.key] = coerce(raw.get(column.key), column)
                except ValueError as exc:
                    issues.append(cell_issue(sheet, column, str(exc), row_no, _letter(raw, column.key)))
                    ok = False
            if any(k not in row for k in sheet.natural_key):
                continue
            natural = tuple(row[k] for k in sheet.natural_key)
            if natural in seen:
                col = sheet.natural_key[-1]
                issues.append(FieldIssue(
                    field=f"{sheet.key}.{col}", code="duplicate", row=row_no, column=_letter(raw, col) or col,
                    message=_("Duplicate %(key)s %(value)s (first on row %(first)s)."),
                    params={"key": "/".join(sheet.column(k).label for k in sheet.natural_key),
                            "value": "/".join(map(str, natural)), "first": seen[natural]}))
                continue
            seen[natural] = row_no
            if ok:
                out.append(row)
        clean[sheet.key] = out
    issues.extend(_check_references(clean))
    issues.extend(_check_rules(clean))
    return clean, issues


def _check_references(clean: dict[str, list[dict]]) -> list[FieldIssue]:
    issues = []
    known: dict[str, set[str]] = {}
    for sheet in SHEETS:
        for column in sheet.columns:
            if not column.ref:
                continue
            if column.ref not in known:
                target = SHEETS_BY_KEY[column.ref]
                known[column.ref] = {r[target.natural_key[0]] for r in clean.get(column.ref, [])}
                known[column.ref] |= _EXISTING_KEYS[column.ref]()
            for row in clean.get(sheet.key, []):
                value = row.get(column.key)
                if value and value not in known[column.ref]:
                    issues.append(FieldIssue(
                        field=f"{sheet.key}.{column.key}", code="unknown_reference", row=row["_row"],
                        column=row["_letters"].get(column.key) or column.key,
                        message=_("Unknown %(sheet)s code: %(value)s."),
                        params={"sheet": SHEETS_BY_KEY[column.ref].title, "value": value}))
    return issues


def _issue(sheet: str, column: str, row: dict, code: str, message, **params) -> FieldIssue:
    return FieldIssue(field=f"{sheet}.{column}", code=code, row=row["_row"],
                      column=row["_letters"].get(column) or column, message=message, params=params)


def _check_rules(clean: dict[str, list[dict]]) -> list[FieldIssue]:
    """Rules a single cell cannot show (DOMAIN.md §3.1 and §4)."""
    issues = []
    for row in clean.get("regions", []):
        if (row["level"] == m.RegionLevel.CITY) == bool(row["parent"]):
            issues.append(_issue("regions", "parent", row, "region_parent",
                                 _("A city has no parent region; a township or street must have one.")))
    for row in clean.get("halls", []):
        if not (row["morning_start"] < row["morning_end"] <= row["afternoon_start"] < row["afternoon_end"]):
            issues.append(_issue("halls", "morning_start", row, "office_hours_order",
                                 _("Office hours must be in order: the morning opens before it closes, the afternoon opens no "
                                   "earlier than the morning closes and before it closes.")))
    item_rows = {r["code"]: r for r in clean.get("items", [])}
    for row in item_rows.values():
        if (row["statutory_limit_unit"] == row["committed_limit_unit"]
                and row["committed_limit"] > row["statutory_limit"]):
            issues.append(_issue("items", "committed_limit", row, "committed_over_statutory",
                                 _("The committed limit (%(committed)s) exceeds the statutory limit "
                                   "(%(statutory)s)."),
                                 committed=row["committed_limit"], statutory=row["statutory_limit"]))
        if row["commitment_mode"] and row["high_risk"]:
            issues.append(_issue("items", "commitment_mode", row, "high_risk_commitment",
                                 _("A high-risk item cannot allow commitment approval.")))
        if row["commitment_mode"] and not (row["commitment_text"] or "").strip():
            issues.append(_issue("items", "commitment_text", row, "commitment_text_required",
                                 _("An item that allows commitment approval needs the commitment text.")))
    for row in clean.get("fees", []):
        item = item_rows.get(row["item"])
        if item is not None and item["is_free"]:
            issues.append(_issue("fees", "item", row, "fee_on_free_item",
                                 _("Item %(item)s is marked free of charge but has a fee."), item=row["item"]))
    existing_types = dict(m.ServiceItem.objects.values_list("code", "item_type"))
    for row in clean.get("transfers", []):
        if row["from_department"] == row["to_department"]:
            issues.append(_issue("transfers", "to_department", row, "transfer_to_self",
                                 _("The department a power is transferred from and the one it goes to must differ.")))
        item_type = item_rows[row["item"]]["item_type"] if row["item"] in item_rows else existing_types.get(row["item"])
        if item_type and item_type != m.ItemType.LICENSING:
            issues.append(_issue("transfers", "item", row, "transfer_not_licensing",
                                 _("Only administrative licensing items are transferred; %(item)s is not one."),
                                 item=row["item"]))
    return issues


class _Upserter:
    """Insert or update rows of one model by natural key, counting what happened."""

    def __init__(self, model, lookup: dict[str, Any]):
        self.model = model
        self.lookup = lookup
        self.counts = {"created": 0, "updated": 0, "unchanged": 0}

    def put(self, key, values: dict[str, Any], **identity):
        obj = self.lookup.get(key)
        if obj is None:
            obj = self.model(**identity, **values)
            obj.full_clean(validate_unique=False, validate_constraints=False)
            obj.save()
            self.lookup[key] = obj
            self.counts["created"] += 1
            return obj, True
        changed = [f for f, v in values.items() if getattr(obj, f) != v]
        if changed:
            for f in changed:
                setattr(obj, f, values[f])
            obj.save()
            self.counts["updated"] += 1
        else:
            self.counts["unchanged"] += 1
        return obj, bool(changed)


def _values(row: dict, sheet: Sheet, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    return {c.key: row[c.key] for c in sheet.columns if c.key not in skip and not c.ref and c.key not in sheet.natural_key}


@transaction.atomic
def apply_catalog(*, actor, data: dict[str, list[dict[str, Any]]], note: str = "") -> dict[str, Any]:
    """Check then write catalog data sheet by sheet (upsert by natural key).

    For every item in the "items" sheet, the materials, fees and special procedures sheets that are
    present replace the item's rows. An item whose disclosed content changed gets a new version.
    Raises ValidationFailed with every bad row; then nothing is written.
    """
    clean, issues = clean_catalog(data)
    if issues:
        raise ValidationFailed(issues, ngettext_lazy(
            "The catalog data has %(count)s error; nothing was written.",
            "The catalog data has %(count)s errors; nothing was written.", "count"), count=len(issues))
    summary: dict[str, Any] = {}

    regions = _Upserter(m.Region, {r.code: r for r in m.Region.objects.all()})
    for row in sorted(clean.get("regions", []), key=lambda r: r["level"] != m.RegionLevel.CITY):
        parent = regions.lookup.get(row["parent"]) if row["parent"] else None
        if row["parent"] and parent is None:  # parent listed later in the same sheet
            parent = m.Region.objects.get(code=row["parent"])
        regions.put(row["code"], {**_values(row, SHEETS_BY_KEY["regions"]), "parent": parent}, code=row["code"])
    summary["regions"] = regions.counts

    departments = _Upserter(m.Department, {d.code: d for d in m.Department.objects.all()})
    for row in clean.get("departments", []):
        departments.put(row["code"], {**_values(row, SHEETS_BY_KEY["departments"]),
                                      "region": regions.lookup[row["region"]]}, code=row["code"])
    summary["departments"] = departments.counts

    halls = _Upserter(m.Hall, {h.code: h for h in m.Hall.objects.all()})
    for row in clean.get("halls", []):
        halls.put(row["code"], {**_values(row, SHEETS_BY_KEY["halls"]), "region": regions.lookup[row["region"]]},
                  code=row["code"])
    summary["halls"] = halls.counts

    zones = _Upserter(m.Zone, {z.code: z for z in m.Zone.objects.all()})
    for row in clean.get("zones", []):
        zones.put(row["code"], {"name": row["name"], "name_en": row["name_en"], "order": row["order"] or 0,
                                "hall": halls.lookup[row["hall"]]}, code=row["code"])
    summary["zones"] = zones.counts

    windows = _Upserter(m.Window, {(w.zone.code, w.number): w for w in m.Window.objects.select_related("zone")})
    for row in clean.get("windows", []):
        windows.put((row["zone"], row["number"]),
                    {"kind": row["kind"], "department": departments.lookup[row["department"]]},
                    zone=zones.lookup[row["zone"]], number=row["number"])
    summary["windows"] = windows.counts

    items = _Upserter(m.ServiceItem, {i.code: i for i in m.ServiceItem.objects.all()})
    touched: dict[str, m.ServiceItem] = {}
    for row in clean.get("items", []):
        values = _values(row, SHEETS_BY_KEY["items"])
        values["status"] = values["status"] or m.ItemStatus.ACTIVE
        values["fee_due_before"] = values["fee_due_before"] or m.FeeDueBefore.DELIVERY
        values["commitment_verify_days"] = values["commitment_verify_days"] or 20
        for key in ("implementing_body", "original_department", "supervising_department"):
            values[key] = departments.lookup[row[key]]
        values["zone"] = zones.lookup[row["zone"]] if row["zone"] else None
        obj, _changed = items.put(row["code"], values, code=row["code"])
        touched[obj.code] = obj
    summary["items"] = items.counts

    child_counts = _replace_children(clean, touched)
    summary.update(child_counts)

    transfers = _Upserter(m.LicensingTransfer,
                          {t.item.code: t for t in m.LicensingTransfer.objects.select_related("item")})
    for row in clean.get("transfers", []):
        item = items.lookup[row["item"]]
        transfers.put(row["item"], {
            "from_department": departments.lookup[row["from_department"]],
            "to_department": departments.lookup[row["to_department"]],
            "batch": row["batch"], "date": row["date"], "status": row["status"], "note": row["note"],
        }, item=item)
    summary["transfers"] = transfers.counts

    summary["versions"] = _publish_changed(actor, touched.values(), note or "catalog import")
    audit.record(actor=actor, action="catalog.applied", data={"summary": summary, "note": note})
    return summary


def _replace_children(clean: dict[str, list[dict]], touched: dict[str, m.ServiceItem]) -> dict[str, Any]:
    counts = {}
    specs = (
        ("materials", m.Material, lambda r: {
            "order": r["order"] or 0, "name": r["name"], "form": r["form"], "copies": r["copies"],
            "required": r["required"], "licence_replaceable": r["licence_replaceable"],
            "licence_type": r["licence_type"], "note": r["note"],
            "commitment_replaceable": r["commitment_replaceable"]}),
        ("fees", m.Fee, lambda r: {
            "name": r["name"], "amount_fen": int((r["amount_yuan"] * 100).to_integral_value()),
            "unit": r["unit"], "legal_basis": r["legal_basis"]}),
        ("special_procedures", m.SpecialProcedure, lambda r: {
            "kind": r["kind"], "max_working_days": r["max_working_days"], "stops_clock": r["stops_clock"],
            "note": r["note"]}),
    )
    for key, model, to_fields in specs:
        if key not in clean:
            continue
        rows_by_item: dict[str, list[dict]] = defaultdict(list)
        for row in clean[key]:
            rows_by_item[row["item"]].append(row)
        item_codes = set(touched) | set(rows_by_item)
        targets = {i.code: i for i in m.ServiceItem.objects.filter(code__in=item_codes)}
        model.objects.filter(item__code__in=item_codes).delete()
        model.objects.bulk_create(
            [model(item=targets[code], **to_fields(r)) for code in item_codes for r in rows_by_item.get(code, [])]
        )
        counts[key] = {"rows": sum(len(v) for v in rows_by_item.values())}
        for code in item_codes:
            touched.setdefault(code, targets[code])
    return counts


def _publish_changed(actor, items, note: str) -> int:
    """Give every item whose snapshot differs from its latest version a new version."""
    published = 0
    latest = {}
    codes = [i.code for i in items]
    for version in m.ItemVersion.objects.filter(item__code__in=codes).order_by("item_id", "-number"):
        latest.setdefault(version.item_id, version)
    items = m.ServiceItem.objects.filter(code__in=codes).select_related(
        "implementing_body", "original_department", "supervising_department", "zone").prefetch_related(
        "materials", "fees", "special_procedures")
    for item in items:
        snapshot = item_snapshot(item)
        previous = latest.get(item.pk)
        if previous is not None and previous.snapshot == snapshot:
            continue
        _new_version(actor, item, snapshot, previous.number + 1 if previous else 1, note)
        published += 1
    return published


def _new_version(actor, item: m.ServiceItem, snapshot: dict, number: int, note: str) -> m.ItemVersion:
    version = m.ItemVersion.objects.create(
        item=item, number=number, snapshot=snapshot, change_note=note[:500], published_at=timezone.now(),
        published_by=getattr(actor, "username", "") or "system")
    if item.version != number:
        m.ServiceItem.objects.filter(pk=item.pk).update(version=number)
        item.version = number
    return version


@transaction.atomic
def publish_item_version(*, actor, item: m.ServiceItem, note: str) -> m.ItemVersion | None:
    """Record the item's current content as a new version if it changed (事项版本管理).

    A change of legal basis, materials, fees, limits … is a new version, visible as a diff on the
    guide page. Returns None when nothing changed since the latest version.
    """
    item = m.ServiceItem.objects.select_for_update().get(pk=item.pk)
    snapshot = item_snapshot(item)
    previous = item.versions.order_by("-number").first()
    if previous is not None and previous.snapshot == snapshot:
        return None
    version = _new_version(actor, item, snapshot, previous.number + 1 if previous else 1, note)
    audit.record(actor=actor, action="catalog.item_version_published", target=item,
                 data={"code": item.code, "version": version.number, "note": note})
    return version


@transaction.atomic
def record_admin_change(*, actor, obj, action: str, changed: list[str] | None = None) -> None:
    """Audit a change made through the Django admin (the admin's own save runs in this transaction)."""
    audit.record(actor=actor, action=f"catalog.admin_{action}", target=obj,
                 data={"repr": str(obj), "changed": changed or []})

