"""The licence as an A4 PDF (fpdf2, the notices' Noto CJK subsets, a segno QR code, the seal drawing).

Pure: `render_licence(LicenceDocument) -> bytes`, the same data giving the same bytes. The caller
(`services`) seals the bytes with the issuer's key (`sealing.seal_pdf`) and stores them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from types import SimpleNamespace

from fpdf import FPDF
from fpdf.enums import Align, WrapMode, XPos, YPos
from fpdf.fonts import FontFace

from oneseal.cases.notices.data import local
from oneseal.cases.notices.render import FALLBACK, FALLBACK_FONT, PRIMARY_FONT, RED, SERIF, _qr, _seal

QR_SIZE = 38  # mm: the payload is longer than a tracking URL


@dataclass(frozen=True)
class LicenceDocument:
    number: str
    type_name: str
    holder_name: str
    holder_id_number: str
    issuer_name: str
    issued_at: dt.datetime
    valid_from: dt.date
    valid_until: dt.date | None
    fields: tuple[tuple[str, str], ...]  # (label, value) in the type's order
    case_number: str
    verify_url: str  # what the QR code holds: the verification URL with the signed payload
    key_id: str
    algorithm: str


def _date(value: dt.date | None) -> str:
    return f"{value.year}年{value.month:02d}月{value.day:02d}日" if value else "长期"


def render_licence(doc: LicenceDocument) -> bytes:
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_margins(25, 22, 25)
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_font(SERIF, fname=PRIMARY_FONT)
    pdf.add_font(FALLBACK, fname=FALLBACK_FONT)
    pdf.set_fallback_fonts([FALLBACK], exact_match=False)
    pdf.set_creation_date(local(doc.issued_at))
    pdf.set_lang("zh-CN")
    pdf.set_title(f"{doc.type_name} {doc.number}")
    pdf.set_author(doc.issuer_name)
    pdf.set_subject(f"电子证照 {doc.number}")
    pdf.set_creator("OneSeal")
    pdf.set_producer("OneSeal")
    pdf.add_page()
    # A double red frame, as printed licences have.
    pdf.set_draw_color(*RED)
    pdf.set_line_width(1.2)
    pdf.rect(12, 12, pdf.w - 24, pdf.h - 24)
    pdf.set_line_width(0.3)
    pdf.rect(15, 15, pdf.w - 30, pdf.h - 30)
    pdf.set_draw_color(0, 0, 0)
    pdf.set_font(SERIF, size=26)
    pdf.set_text_color(*RED)
    pdf.ln(6)
    pdf.cell(0, 14, doc.type_name, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(0, 0, 0)
    pdf.set_font(SERIF, size=11)
    pdf.cell(0, 7, "（电子证照）", align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.cell(0, 7, f"证照编号：{doc.number}", align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(5)
    rows = [("持证主体", doc.holder_name), ("证件号码", doc.holder_id_number), *doc.fields,
            ("发证机关", doc.issuer_name), ("发证日期", _date(local(doc.issued_at).date())),
            ("有效期限", f"{_date(doc.valid_from)} 至 {_date(doc.valid_until)}")]
    if doc.case_number:
        rows.append(("办件编号", doc.case_number))
    pdf.set_font(SERIF, size=11)
    pdf.set_line_width(0.2)
    label = FontFace(fill_color=(246, 238, 238))
    with pdf.table(col_widths=(28, 72), first_row_as_headings=False, line_height=7.5, text_align=("C", "L"),
                   wrapmode=WrapMode.CHAR, padding=(1, 2)) as table:
        for name, value in rows:
            row = table.row()
            row.cell(name, style=label)
            row.cell(str(value))
    top = max(pdf.get_y() + 8, 190)
    _qr(pdf, doc.verify_url, pdf.l_margin, top, QR_SIZE)
    pdf.link(pdf.l_margin, top, QR_SIZE, QR_SIZE, doc.verify_url)
    pdf.set_font(SERIF, size=9)
    pdf.set_xy(pdf.l_margin, top + QR_SIZE + 0.5)
    pdf.cell(QR_SIZE, 4.5, "扫码核验真伪", align=Align.C)
    seal_x, seal_y = pdf.w - pdf.r_margin - 32, top + 18
    pdf.set_font(SERIF, size=12)
    pdf.set_xy(seal_x - 30, seal_y - 2)
    pdf.cell(60, 7, doc.issuer_name, align=Align.C, new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.cell(60, 7, _date(local(doc.issued_at).date()), align=Align.C)
    _seal(pdf, SimpleNamespace(issuer=doc.issuer_name, seal_text="电子证照专用章"), seal_x, seal_y + 5)
    pdf.set_xy(pdf.l_margin, top + QR_SIZE + 10)
    pdf.set_font(SERIF, size=8.5)
    pdf.set_text_color(90, 90, 90)
    pdf.multi_cell(0, 4.6, (
        f"本电子证照由{doc.issuer_name}以电子印章（{doc.algorithm}，密钥 {doc.key_id}）签发，与纸质证照具有同等"
        "效力。扫描二维码或在政务服务平台“证照核验”中输入证照编号，可核验其真伪及是否有效；本文件末尾附有"
        "签发机关对全文的数字签名，文件经任何改动即核验为“已篡改”。"),
        new_x=XPos.LMARGIN, new_y=YPos.NEXT, wrapmode=WrapMode.CHAR)
    return bytes(pdf.output())
