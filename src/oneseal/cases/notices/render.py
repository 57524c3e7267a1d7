"""Lay a notice out as an A4 PDF with fpdf2, the CJK font embedded (subset), a QR code and the seal.

Pure: takes :class:`NoticeData`, returns bytes; the same data gives the same bytes (the PDF's creation
date is the notice's issue time, and its file identifier is a hash of the content).
"""

from __future__ import annotations

import math
from pathlib import Path

import segno
from fpdf import FPDF
from fpdf.enums import Align, TextMode, WrapMode, XPos, YPos
from fpdf.fonts import FontFace

from .data import NoticeData, NoticeKind, local
from .texts import Block, Paragraph, Table, closing_date, compose, header_rows

DATA_DIR = Path(__file__).resolve().parent / "data"
PRIMARY_FONT = DATA_DIR / "NotoSerifCJKsc-Regular-GB2312.otf"
FALLBACK_FONT = DATA_DIR / "NotoSansCJKsc-Regular-GBKext.otf"

SERIF = "NotoSerifSC"
FALLBACK = "NotoSansSC"
RED = (200, 16, 16)
BLACK = (0, 0, 0)
GREY = (90, 90, 90)

# GB/T 9704-2012 margins, loosened a little at the bottom for the page footer.
MARGIN_LEFT, MARGIN_TOP, MARGIN_RIGHT, MARGIN_BOTTOM = 28, 25, 26, 20
BODY_PT = 12
LINE_H = 7.0
SEAL_RADIUS = 21  # mm: a 42 mm seal, the size of an administrative organ's seal
QR_SIZE = 30  # mm, quiet zone included


class _NoticePDF(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(SERIF, size=9)
        self.set_text_color(*GREY)
        self.cell(0, 5, f"{self.footer_text}　第 {self.page_no()} 页 / 共 {{nb}} 页", align=Align.C)
        self.set_text_color(*BLACK)


def _new_pdf(data: NoticeData) -> _NoticePDF:
    pdf = _NoticePDF(orientation="P", unit="mm", format="A4")
    pdf.set_margins(MARGIN_LEFT, MARGIN_TOP, MARGIN_RIGHT)
    pdf.set_auto_page_break(True, margin=MARGIN_BOTTOM)
    pdf.add_font(SERIF, fname=PRIMARY_FONT)
    pdf.add_font(FALLBACK, fname=FALLBACK_FONT)
    pdf.set_fallback_fonts([FALLBACK], exact_match=False)
    pdf.set_creation_date(local(data.issued_at))
    pdf.set_lang("zh-CN")
    pdf.set_title(f"{data.kind.title} {data.number}")
    pdf.set_author(data.issuer)
    pdf.set_subject(f"{data.item_name} 办件编号 {data.case_number}")
    pdf.set_creator("OneSeal")
    pdf.set_producer("OneSeal")
    pdf.footer_text = data.number
    pdf.alias_nb_pages()
    return pdf


def _bold_text(pdf: FPDF, size: float, text: str, color: tuple[int, int, int], h: float) -> None:
    """A centred heading in a heavier weight: the regular face filled and stroked (no bold file shipped).

    Inside a local context (q … Q) so the text render mode does not leak into later text.
    """
    pdf.set_font(SERIF, size=size)
    with pdf.local_context(text_mode=TextMode.FILL_STROKE, line_width=size * 0.012, text_color=color,
                           draw_color=color):
        pdf.multi_cell(0, h, text, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT, wrapmode=WrapMode.CHAR)


def _heading(pdf: FPDF, data: NoticeData) -> None:
    pdf.add_page()
    _bold_text(pdf, 20, data.issuer, RED, 11)
    pdf.ln(1)
    _bold_text(pdf, 22, data.kind.title, BLACK, 12)
    pdf.ln(3)
    pdf.set_font(SERIF, size=BODY_PT)
    pdf.cell(0, LINE_H, data.number, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_draw_color(*RED)
    pdf.set_line_width(0.6)
    y = pdf.get_y() + 1.5
    pdf.line(pdf.l_margin, y, pdf.w - pdf.r_margin, y)
    pdf.set_draw_color(*BLACK)
    pdf.set_y(y + 4)


def _particulars(pdf: FPDF, data: NoticeData) -> None:
    """The particulars in a ruled box, two per row; the item (long) on a row of its own."""
    pdf.set_font(SERIF, size=10.5)
    pdf.set_line_width(0.2)
    label = FontFace(fill_color=(242, 242, 242))
    rows = list(header_rows(data))
    item = next(r for r in rows if r[0] == "申请事项")
    pairs = [r for r in rows if r is not item]
    with pdf.table(col_widths=(17, 33, 17, 33), first_row_as_headings=False, line_height=6.2,
                   text_align=("C", "L", "C", "L"), wrapmode=WrapMode.CHAR, padding=(0.8, 2)) as table:
        for i in range(0, len(pairs), 2):
            row = table.row()
            for name, value in pairs[i:i + 2]:
                row.cell(name, style=label)
                row.cell(value)
            if len(pairs[i:i + 2]) == 1:
                row.cell("", style=label)
                row.cell("")
        row = table.row()
        row.cell(item[0], style=label)
        row.cell(item[1], colspan=3)
    pdf.ln(5)


# Line-breaking rules (禁则): these may not begin a line, those may not end one.
NO_LINE_START = set("，。、；：？！）》」』】〕〗”’…—％‰,.;:?!)]}%·")
NO_LINE_END = set("（《「『【〔〖“‘([{")


def _tokens(text: str) -> list[str]:
    """Units a line may break between: one CJK character, or a run of ASCII (a number, a word, a URL)."""
    tokens: list[str] = []
    for ch in text:
        if ch.isascii() and not ch.isspace() and ch not in NO_LINE_START and tokens and tokens[-1].isascii() \
                and not tokens[-1].isspace() and tokens[-1][-1] not in NO_LINE_START:
            tokens[-1] += ch
        else:
            tokens.append(ch)
    return tokens


def wrap(pdf: FPDF, text: str, width: float) -> list[str]:
    """Break ``text`` into lines no wider than ``width`` (in the current font), keeping 禁则.

    A punctuation mark that may not start a line hangs at the end of the previous one (the line is then
    squeezed by its character spacing); an opening mark that may not end a line moves to the next one.
    """
    lines: list[str] = []
    line = ""
    for token in _tokens(text):
        if pdf.get_string_width(line + token) <= width:
            line += token
            continue
        if token in NO_LINE_START and line:
            line += token
            lines.append(line)
            line = ""
            continue
        if line and line[-1] in NO_LINE_END:
            carry, line = line[-1], line[:-1]
        else:
            carry = ""
        if line.strip():
            lines.append(line)
        line = carry
        if pdf.get_string_width(line + token) <= width:
            line += token.lstrip() if not line else token
            continue
        for ch in token:  # a token longer than a line (a long URL): break it anywhere
            if pdf.get_string_width(line + ch) > width and line:
                lines.append(line)
                line = ""
            line += ch
    if line.strip():
        lines.append(line)
    return lines


def _paragraph(pdf: FPDF, block: Paragraph) -> None:
    """Lines justified to the full width by character spacing, as Chinese text is set; last line ragged."""
    pdf.set_font(SERIF, size=BODY_PT)
    text = ("\u3000\u3000" + block.text) if block.indent else block.text
    width = pdf.w - pdf.l_margin - pdf.r_margin
    lines = wrap(pdf, text, width)
    for i, line in enumerate(lines):
        spacing = 0.0
        natural = pdf.get_string_width(line)
        if (i < len(lines) - 1 or natural > width) and len(line) > 1:
            spacing = (width - natural) / (len(line) - 1)
        pdf.set_char_spacing(spacing * pdf.k)  # fpdf2 takes points here
        pdf.set_x(pdf.l_margin)
        pdf.cell(width, LINE_H, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_char_spacing(0)


def _table(pdf: FPDF, block: Table) -> None:
    pdf.ln(1)
    pdf.set_font(SERIF, size=10.5)
    pdf.set_line_width(0.2)
    heading = FontFace(emphasis="", fill_color=(235, 235, 235))
    align = block.align or ("L",) * len(block.headers)
    with pdf.table(col_widths=block.widths, line_height=6.2, text_align=align, wrapmode=WrapMode.CHAR,
                   headings_style=heading, padding=(0.8, 1.5)) as table:
        head = table.row()
        for text in block.headers:
            head.cell(text, align="C")
        for cells in block.rows:
            row = table.row()
            for text in cells:
                row.cell(text)
    pdf.ln(2)


def _closing_height() -> float:
    return 2 * SEAL_RADIUS + 8


def _body(pdf: FPDF, blocks: list[Block]) -> None:
    """The blocks; the last paragraph goes to a new page with the closing rather than leave the seal alone
    on a page (GB/T 9704: no page with only the seal and date)."""
    width = pdf.w - pdf.l_margin - pdf.r_margin
    for i, block in enumerate(blocks):
        if isinstance(block, Table):
            _table(pdf, block)
            continue
        if i == len(blocks) - 1:
            pdf.set_font(SERIF, size=BODY_PT)
            height = len(wrap(pdf, "\u3000\u3000" + block.text, width)) * LINE_H
            if pdf.get_y() + height + _closing_height() > pdf.h - pdf.b_margin:
                pdf.add_page()
        _paragraph(pdf, block)


def _qr(pdf: FPDF, url: str, x: float, y: float, size: float) -> None:
    """The QR code as vector squares (one rectangle per horizontal run of dark modules)."""
    qr = segno.make(url, error="m", micro=False)
    rows = [list(r) for r in qr.matrix_iter(scale=1, border=2)]
    module = size / len(rows)
    pdf.set_fill_color(*BLACK)
    for j, row in enumerate(rows):
        i = 0
        while i < len(row):
            if row[i]:
                start = i
                while i < len(row) and row[i]:
                    i += 1
                pdf.rect(x + start * module, y + j * module, (i - start) * module, module, style="F")
            else:
                i += 1


def _star(pdf: FPDF, cx: float, cy: float, r: float) -> None:
    points = []
    for k in range(10):
        radius = r if k % 2 == 0 else r * 0.382
        angle = math.radians(90 + 36 * k)
        points.append((cx + radius * math.cos(angle), cy - radius * math.sin(angle)))
    pdf.polygon(points, style="F")


def _seal(pdf: FPDF, data: NoticeData, cx: float, cy: float) -> None:
    """A drawing of the issuer's seal: red ring, the issuer's name on the upper arc, a star, the seal text."""
    r = SEAL_RADIUS
    with pdf.local_context(fill_opacity=0.85, stroke_opacity=0.85):
        pdf.set_draw_color(*RED)
        pdf.set_fill_color(*RED)
        pdf.set_text_color(*RED)
        pdf.set_line_width(1.1)
        pdf.circle(cx, cy, r, style="D")
        _star(pdf, cx, cy, r * 0.30)
        name = data.issuer
        size = 13 if len(name) <= 10 else max(8.0, 13 - (len(name) - 10) * 0.6)
        pdf.set_font(SERIF, size=size)
        span = min(250.0, 24.0 * len(name))
        text_r = r - 1.1 - size * 0.3528 * 0.62  # font size pt → mm, glyph centre below the ring
        for k, ch in enumerate(name):
            theta = 90 + span / 2 - (span * (k + 0.5) / len(name))
            t = math.radians(theta)
            px, py = cx + text_r * math.cos(t), cy - text_r * math.sin(t)
            w = pdf.get_string_width(ch)
            with pdf.rotation(theta - 90, px, py):
                pdf.text(px - w / 2, py + size * 0.3528 * 0.36, ch)
        bottom = data.seal_text or "行政审批专用章"
        pdf.set_font(SERIF, size=8.5)
        w = pdf.get_string_width(bottom)
        if w > r * 1.5:
            pdf.set_font(SERIF, size=8.5 * r * 1.5 / w)
            w = pdf.get_string_width(bottom)
        pdf.text(cx - w / 2, cy + r * 0.58, bottom)
    pdf.set_text_color(*BLACK)
    pdf.set_draw_color(*BLACK)
    pdf.set_fill_color(*BLACK)


def _closing(pdf: FPDF, data: NoticeData) -> None:
    """Issuer and date at the right with the seal over them; the QR code at the left."""
    if pdf.get_y() + _closing_height() > pdf.h - pdf.b_margin:
        pdf.add_page()
    top = pdf.get_y() + 2
    right = pdf.w - pdf.r_margin
    pdf.set_font(SERIF, size=BODY_PT)
    block_w = max(pdf.get_string_width(data.issuer), pdf.get_string_width(closing_date(data))) + 8
    x = right - block_w
    text_y = top + SEAL_RADIUS - 4
    pdf.set_xy(x, text_y)
    pdf.cell(block_w, LINE_H, data.issuer, align=Align.C, new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.cell(block_w, LINE_H, closing_date(data), align=Align.C, new_x=XPos.LEFT, new_y=YPos.NEXT)
    _seal(pdf, data, x + block_w / 2, text_y + LINE_H)
    if data.tracking_url:
        _qr(pdf, data.tracking_url, pdf.l_margin, top, QR_SIZE)
        pdf.link(pdf.l_margin, top, QR_SIZE, QR_SIZE, data.tracking_url)
        pdf.set_font(SERIF, size=9)
        pdf.set_xy(pdf.l_margin, top + QR_SIZE + 0.5)
        pdf.cell(QR_SIZE, 4.5, "扫码查询办理进度", align=Align.C)
    pdf.set_y(top + 2 * SEAL_RADIUS + 4)
    pdf.set_x(pdf.l_margin)


def render_notice(data: NoticeData) -> bytes:
    """The notice as a PDF (A4, fonts embedded), deterministic for the same data."""
    pdf = _new_pdf(data)
    _heading(pdf, data)
    _particulars(pdf, data)
    _body(pdf, compose(data))
    _closing(pdf, data)
    if data.kind in (NoticeKind.REFUSAL, NoticeKind.DENIAL, NoticeKind.APPROVAL, NoticeKind.REVOCATION):
        pdf.set_font(SERIF, size=9)
        pdf.set_text_color(*GREY)
        pdf.multi_cell(0, 5, "本文书一式两份，一份送达申请人，一份存档。", new_x=XPos.LMARGIN, new_y=YPos.NEXT,
                       wrapmode=WrapMode.CHAR)
        pdf.set_text_color(*BLACK)
    return bytes(pdf.output())
