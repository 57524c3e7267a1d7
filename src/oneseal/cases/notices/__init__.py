"""Written notices (文书) of the Administrative Licensing Law as PDFs: plain data in, bytes out.

See docs/notices.md. Nothing here touches the database: the cases app numbers, stores and serves them.
"""

from .data import (
    FeeLine,
    MaterialLine,
    NoticeData,
    NoticeKind,
    SpecialProcedure,
    format_notice_number,
    format_yuan,
    mask_id,
    yuan_in_words,
)
from .render import render_notice

__all__ = [
    "FeeLine",
    "MaterialLine",
    "NoticeData",
    "NoticeKind",
    "SpecialProcedure",
    "format_notice_number",
    "format_yuan",
    "mask_id",
    "render_notice",
    "yuan_in_words",
]
