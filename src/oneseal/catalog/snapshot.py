"""The content of an item as a plain dict: what a version stores and what the diff compares."""

from __future__ import annotations

from typing import Any

from .models import ServiceItem


def _dept(d) -> str:
    return f"{d.code} {d.name}" if d else ""


def item_snapshot(item: ServiceItem) -> dict[str, Any]:
    return {
        "code": item.code,
        "name": item.name,
        "name_en": item.name_en,
        "item_type": item.item_type,
        "status": item.status,
        "implementing_body": _dept(item.implementing_body),
        "original_department": _dept(item.original_department),
        "supervising_department": _dept(item.supervising_department),
        "zone": f"{item.zone.code} {item.zone.name}" if item.zone_id else "",
        "legal_basis": item.legal_basis,
        "conditions": item.conditions,
        "procedure": item.procedure,
        "procedure_steps": item.procedure_steps,
        "statutory_limit": f"{item.statutory_limit} {item.statutory_limit_unit}",
        "committed_limit": f"{item.committed_limit} {item.committed_limit_unit}",
        "is_free": item.is_free,
        "fee_due_before": item.fee_due_before,
        "place": item.place,
        "office_hours": item.office_hours,
        "consultation_channel": item.consultation_channel,
        "complaint_channel": item.complaint_channel,
        "visits_required": item.visits_required,
        "online_depth": item.online_depth,
        "handling_mode": item.handling_mode,
        "high_frequency": item.high_frequency,
        "high_risk": item.high_risk,
        "commitment": ({"mode": item.commitment_mode, "text": item.commitment_text,
                        "verify_days": item.commitment_verify_days} if item.commitment_mode else None),
        "form_schema": item.form_schema,
        "materials": [
            {"name": mat.name, "form": mat.form, "copies": mat.copies, "required": mat.required,
             "licence_replaceable": mat.licence_replaceable, "licence_type": mat.licence_type,
             "commitment_replaceable": mat.commitment_replaceable, "note": mat.note}
            for mat in item.materials.order_by("order", "id")
        ],
        "fees": [
            {"name": fee.name, "amount_fen": fee.amount_fen, "unit": fee.unit, "legal_basis": fee.legal_basis}
            for fee in item.fees.order_by("id")
        ],
        "special_procedures": [
            {"kind": sp.kind, "max_working_days": sp.max_working_days, "stops_clock": sp.stops_clock,
             "note": sp.note}
            for sp in item.special_procedures.order_by("kind")
        ],
    }
