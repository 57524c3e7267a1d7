"""The PDF of a stored notice: built from the notice row and its case, rendered once and kept.

Rendering is deterministic (the same data gives the same bytes), so the stored file can always be
checked against a fresh rendering; it is cached under MEDIA_ROOT/notices/ by notice number and the
SHA-256 of the data, so a changed template never serves a stale file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings

from .models import Notice, NoticeKind
from .notices import FeeLine, MaterialLine, NoticeData, SpecialProcedure, render_notice

ISSUER = "枣阳市行政审批局"


def _moment(value) -> dt.datetime | None:
    if not value:
        return None
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))


def tracking_url(number: str) -> str:
    base = getattr(settings, "ONESEAL_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
    return f"{base}/track/?{urlencode({'number': number})}"


def notice_data(notice: Notice) -> NoticeData:
    case = notice.case
    content = notice.content or {}
    reasons = [r for r in (content.get("reason"), content.get("reasons")) if r]
    kind = NoticeKind(notice.kind)
    special = []
    if kind == NoticeKind.SPECIAL_PROCEDURE:
        from oneseal.catalog.models import SpecialProcedureKind

        name = str(SpecialProcedureKind(content["procedure"]).label) if content.get("procedure") else ""
        special = [SpecialProcedure(name, int(content.get("max_working_days") or 0))]
    if kind == NoticeKind.APPROVAL and not reasons:
        reasons = ["申请符合法定条件、标准"]
    return NoticeData(
        kind=notice.kind, number=notice.number, case_number=case.number, issued_at=notice.issued_at,
        issuer=ISSUER, applicant_name=case.applicant.name, applicant_id=case.applicant.id_number,
        item_name=case.item_version.snapshot.get("name", case.item.name), item_code=case.item.code,
        received_at=case.submitted_at, accepted_at=case.accepted_at,
        due_at=_moment(content.get("due_at")) or case.due_at, due_provisional=bool(content.get("provisional")),
        reasons=tuple(reasons), legal_basis=content.get("legal_basis") or case.item_version.snapshot.get(
            "legal_basis", ""),
        materials=tuple(MaterialLine(p["material"], p["problem"]) for p in content.get("problems", [])),
        special_procedures=tuple(special),
        fees=tuple(FeeLine(f["name"], int(f["amount_fen"]), f.get("legal_basis", ""))
                   for f in content.get("fees", [])),
        payment_code=content.get("payment_code", ""), tracking_url=tracking_url(case.number),
        extension_working_days=content.get("days"),
    )


def notice_pdf(notice: Notice) -> bytes:
    data = notice_data(notice)
    digest = hashlib.sha256(repr(data).encode()).hexdigest()[:16]
    folder = Path(settings.MEDIA_ROOT) / "notices"
    path = folder / f"{hashlib.sha256(notice.number.encode()).hexdigest()[:24]}-{digest}.pdf"
    if path.exists():
        return path.read_bytes()
    pdf = render_notice(data)
    folder.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".part")
    tmp.write_bytes(pdf)
    tmp.replace(path)
    return pdf
