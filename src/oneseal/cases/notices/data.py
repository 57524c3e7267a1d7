"""What a notice says, as plain frozen data: no database, no request.

The cases app builds a :class:`NoticeData` from a case and hands it to
:func:`oneseal.cases.notices.render_notice`; the notice number comes from the app's own sequence and is
formatted by :func:`format_notice_number`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import TextChoices

LOCAL_TZ = ZoneInfo("Asia/Shanghai")


class NoticeKind(TextChoices):
    """The written notices (文书). Values are those of ``cases.models.NoticeKind``; labels the titles."""

    ACCEPTANCE = "acceptance", "受理通知书"
    SUPPLEMENT = "supplement", "补正通知书"
    REFUSAL = "refusal", "不予受理通知书"
    APPROVAL = "approval", "准予行政许可决定书"
    DENIAL = "denial", "不予行政许可决定书"
    SPECIAL_PROCEDURE = "special_procedure", "特别程序告知书"
    EXTENSION = "extension", "延长审批期限告知书"
    FEE = "fee", "缴费通知书"
    REVOCATION = "revocation", "撤销行政许可决定书"

    @property
    def title(self) -> str:
        return str(self.label)


#: The character of each kind in a notice number: 枣审受字〔2026〕第000123号.
NUMBER_MARK = {
    NoticeKind.ACCEPTANCE: "受",
    NoticeKind.SUPPLEMENT: "补",
    NoticeKind.REFUSAL: "不受",
    NoticeKind.APPROVAL: "许",
    NoticeKind.DENIAL: "不许",
    NoticeKind.SPECIAL_PROCEDURE: "特",
    NoticeKind.EXTENSION: "延",
    NoticeKind.FEE: "费",
    NoticeKind.REVOCATION: "撤",
}

#: Kinds that refuse something and so must state the remedies (Art. 38 para. 2; Art. 32 for refusals).
REMEDY_KINDS = frozenset({NoticeKind.REFUSAL, NoticeKind.DENIAL, NoticeKind.REVOCATION})


def format_notice_number(kind: NoticeKind | str, year: int, serial: int, prefix: str = "枣审") -> str:
    """The bureau's document number: prefix + kind mark + 字〔year〕第serial号, serial six digits.

    >>> format_notice_number(NoticeKind.ACCEPTANCE, 2026, 123)
    '枣审受字〔2026〕第000123号'
    >>> format_notice_number("denial", 2026, 7)
    '枣审不许字〔2026〕第000007号'

    One series per kind and year (the serial restarts each year); ``prefix`` is the issuer's short name
    (枣审 for 枣阳市行政审批局).
    """
    if not 1 <= serial <= 999_999:
        raise ValueError(f"notice serial out of range: {serial}")
    if not 2000 <= year <= 2999:
        raise ValueError(f"notice year out of range: {year}")
    return f"{prefix}{NUMBER_MARK[NoticeKind(kind)]}字〔{year}〕第{serial:06d}号"


_CITIZEN_ID = re.compile(r"^(\d{6})(\d{8})(\d{3}[\dXx])$")
_OLD_CITIZEN_ID = re.compile(r"^(\d{6})(\d{6})(\d{3})$")
_USCC = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def mask_id(value: str) -> str:
    """Mask an identity number for printing; idempotent.

    * 18-digit citizen ID: region code and last four shown, birth date and sequence hidden:
      ``420683199001011234`` → ``420683********1234``.
    * 15-digit (first-generation) citizen ID: ``420683900101123`` → ``420683******123``.
    * A unified social credit code (统一社会信用代码) is public (it is printed on the business licence and
      in the credit publicity system), so it is printed whole.
    * Anything else (passport, permit numbers): first two and last two characters shown.
    """
    value = (value or "").strip()
    if "*" in value:
        return value
    if m := _CITIZEN_ID.match(value):
        return f"{m[1]}{'*' * 8}{m[3].upper()}"
    if m := _OLD_CITIZEN_ID.match(value):
        return f"{m[1]}{'*' * 6}{m[3]}"
    if _USCC.match(value.upper()):
        return value.upper()
    if len(value) <= 4:
        return "*" * len(value)
    return f"{value[:2]}{'*' * (len(value) - 4)}{value[-2:]}"


def format_yuan(amount_fen: int) -> str:
    """``123450`` → ``'1,234.50'`` (yuan, two decimals)."""
    sign = "-" if amount_fen < 0 else ""
    yuan, fen = divmod(abs(amount_fen), 100)
    return f"{sign}{yuan:,}.{fen:02d}"


_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ["", "拾", "佰", "仟"]
_BIG_UNITS = ["", "万", "亿", "万亿"]


def _four_digits(n: int) -> str:
    out, zero = "", False
    for i in range(3, -1, -1):
        d = n // 10**i % 10
        if d == 0:
            zero = bool(out)
        else:
            if zero:
                out += "零"
                zero = False
            out += _DIGITS[d] + _SMALL_UNITS[i]
    return out


def yuan_in_words(amount_fen: int) -> str:
    """The amount in capital numerals as on Chinese receipts: ``123450`` → ``'壹仟贰佰叁拾肆元伍角整'``.

    >>> yuan_in_words(100)
    '壹元整'
    >>> yuan_in_words(10005)
    '壹佰元零伍分'
    >>> yuan_in_words(0)
    '零元整'
    """
    if amount_fen < 0:
        raise ValueError("negative amount")
    yuan, fen = divmod(amount_fen, 100)
    jiao, fen = divmod(fen, 10)
    words = ""
    if yuan:
        groups = []
        while yuan:
            yuan, group = divmod(yuan, 10_000)
            groups.append(group)
        pending_zero = False
        for i in range(len(groups) - 1, -1, -1):
            group = groups[i]
            if group == 0:
                pending_zero = bool(words)
                continue
            if words and (pending_zero or group < 1000):
                words += "零"
            words += _four_digits(group) + _BIG_UNITS[i]
            pending_zero = False
        words += "元"
    if not jiao and not fen:
        return (words or "零元") + "整"
    if jiao:
        words += _DIGITS[jiao] + "角"
    elif words:
        words += "零"
    if fen:
        words += _DIGITS[fen] + "分"
    else:
        words += "整"
    return words


@dataclass(frozen=True)
class MaterialLine:
    """One material to supplement and what is wrong with it (missing, expired, unsigned …)."""

    name: str
    problem: str


@dataclass(frozen=True)
class FeeLine:
    """One charge on a fee notice, in fen (分), with the law or price document that sets it."""

    name: str
    amount_fen: int
    legal_basis: str = ""

    def __post_init__(self) -> None:
        if self.amount_fen < 0:
            raise ValueError(f"negative fee: {self.name}")


@dataclass(frozen=True)
class SpecialProcedure:
    """A procedure whose time does not count toward the decision limit (Art. 45), and its maximum."""

    name: str
    max_working_days: int


Moment = dt.datetime | dt.date


@dataclass(frozen=True)
class NoticeData:
    """Everything a notice prints. Datetimes must be aware; they are printed in Asia/Shanghai time.

    ``applicant_id`` is printed through :func:`mask_id`, so passing it masked or not gives the same print.
    ``due_at`` is the time limit the notice announces: the decision due time on an acceptance, special
    procedure or extension notice, the delivery due time on a decision, the payment due time on a fee
    notice. ``due_provisional`` marks it as computed on a holiday calendar not yet published.
    """

    kind: NoticeKind
    number: str
    case_number: str
    issued_at: dt.datetime
    issuer: str
    applicant_name: str
    applicant_id: str
    item_name: str
    item_code: str
    received_at: dt.datetime
    accepted_at: dt.datetime | None = None
    due_at: Moment | None = None
    due_provisional: bool = False
    reasons: tuple[str, ...] = ()
    legal_basis: str = ""
    materials: tuple[MaterialLine, ...] = ()
    supplement_deadline: Moment | None = None
    special_procedures: tuple[SpecialProcedure, ...] = ()
    fees: tuple[FeeLine, ...] = ()
    payment_code: str = ""
    tracking_url: str = ""
    seal_text: str = ""
    reconsideration_body: str = ""
    court: str = ""
    extension_working_days: int | None = None
    contact: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", NoticeKind(self.kind))
        for name in ("reasons", "materials", "special_procedures", "fees"):
            value = getattr(self, name)
            object.__setattr__(self, name, tuple(value or ()))
        object.__setattr__(self, "special_procedures",
                           tuple(p if isinstance(p, SpecialProcedure) else SpecialProcedure(*p)
                                 for p in self.special_procedures))
        object.__setattr__(self, "materials",
                           tuple(m if isinstance(m, MaterialLine) else MaterialLine(*m) for m in self.materials))
        object.__setattr__(self, "fees",
                           tuple(f if isinstance(f, FeeLine) else FeeLine(*f) for f in self.fees))
        for name in ("issued_at", "received_at", "accepted_at", "due_at", "supplement_deadline"):
            value = getattr(self, name)
            if isinstance(value, dt.datetime) and value.tzinfo is None:
                raise ValueError(f"{name} must be an aware datetime")
        if not self.number or not self.case_number:
            raise ValueError("a notice needs its number and the case number")
        self._check_kind()

    def _check_kind(self) -> None:
        kind = self.kind
        if kind == NoticeKind.SUPPLEMENT and not self.materials:
            raise ValueError("a supplement notice lists every material to supplement (一次性告知)")
        if kind in REMEDY_KINDS and not self.reasons:
            raise ValueError(f"a {kind.title} states its reasons")
        if kind == NoticeKind.FEE and not self.fees:
            raise ValueError("a fee notice lists its fees")
        if kind == NoticeKind.SPECIAL_PROCEDURE and not self.special_procedures:
            raise ValueError("a special procedure notice names the procedures and how long they take")
        if kind == NoticeKind.EXTENSION and not self.reasons:
            raise ValueError("an extension notice states its reason (Art. 42)")
        if kind in (NoticeKind.APPROVAL, NoticeKind.DENIAL, NoticeKind.REVOCATION) and self.accepted_at is None:
            raise ValueError("a decision needs the acceptance time")

    @property
    def masked_id(self) -> str:
        return mask_id(self.applicant_id)

    @property
    def fee_total_fen(self) -> int:
        return sum(f.amount_fen for f in self.fees)


def local(moment: Moment) -> Moment:
    return moment.astimezone(LOCAL_TZ) if isinstance(moment, dt.datetime) else moment


def format_date(moment: Moment) -> str:
    """``2026年11月25日`` in Asia/Shanghai (GB/T 9704 dates: Arabic numerals, no leading zeros)."""
    d = local(moment)
    return f"{d.year}年{d.month}月{d.day}日"


def format_datetime(moment: Moment) -> str:
    """``2026年11月25日 09:05`` in Asia/Shanghai; a bare date prints as a date."""
    if not isinstance(moment, dt.datetime):
        return format_date(moment)
    d = local(moment)
    return f"{format_date(d)} {d:%H:%M}"
