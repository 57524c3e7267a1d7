"""The wording of each notice, citing the Administrative Licensing Law (《中华人民共和国行政许可法》).

:func:`compose` turns :class:`NoticeData` into a list of blocks (paragraphs and tables); the renderer
only lays them out. Keeping the words here keeps them testable without a PDF.
"""

from __future__ import annotations

from dataclasses import dataclass

from .data import NoticeData, NoticeKind, format_date, format_datetime, format_yuan, yuan_in_words

LAW = "《中华人民共和国行政许可法》"
RECONSIDERATION_LAW = "《中华人民共和国行政复议法》"
LITIGATION_LAW = "《中华人民共和国行政诉讼法》"
#: Days to apply for reconsideration (行政复议法 Art. 20) and months to sue (行政诉讼法 Art. 46).
RECONSIDERATION_DAYS = 60
LAWSUIT_MONTHS = 6
PROVISIONAL = "（暂定：该期限跨越的节假日安排尚未公布，公布后本机关将重新计算并告知）"


@dataclass(frozen=True)
class Paragraph:
    text: str
    indent: bool = True


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[int, ...]
    align: tuple[str, ...] = ()


Block = Paragraph | Table


def _you(data: NoticeData) -> str:
    return "你（单位）"


def _application(data: NoticeData) -> str:
    return (f"{_you(data)}于{format_datetime(data.received_at)}提出的“{data.item_name}”"
            f"（事项编码：{data.item_code}）行政许可申请")


def _due(data: NoticeData) -> str:
    return format_datetime(data.due_at) + (PROVISIONAL if data.due_provisional else "")


def _numbered(lines: tuple[str, ...]) -> list[Paragraph]:
    if len(lines) == 1:
        return [Paragraph(lines[0])]
    return [Paragraph(f"{i}. {line}") for i, line in enumerate(lines, 1)]


def _basis(data: NoticeData, article: str) -> str:
    own = data.legal_basis.strip()
    return f"{own}和{LAW}{article}" if own else f"{LAW}{article}"


def remedies(data: NoticeData, document: str) -> Paragraph:
    """Art. 38 para. 2: the rights to reconsideration and to sue, with their time limits."""
    body = data.reconsideration_body or "行政复议机关"
    court = data.court or "有管辖权的人民法院"
    return Paragraph(
        f"{_you(data)}如不服本{document}，可以自收到本{document}之日起{RECONSIDERATION_DAYS}日内，"
        f"依照{RECONSIDERATION_LAW}向{body}申请行政复议；也可以自收到本{document}之日起"
        f"{LAWSUIT_MONTHS}个月内，依照{LITIGATION_LAW}向{court}提起行政诉讼。"
    )


def _special_procedures_table(data: NoticeData) -> Table:
    return Table(
        headers=("序号", "特别程序", "所需时间（最长）"),
        rows=tuple((str(i), p.name, f"{p.max_working_days}个工作日")
                   for i, p in enumerate(data.special_procedures, 1)),
        widths=(12, 58, 30),
        align=("C", "L", "C"),
    )


def _tracking(data: NoticeData) -> list[Paragraph]:
    if not data.tracking_url:
        return []
    return [Paragraph(f"办理进度可扫描本文书二维码或登录 {data.tracking_url}，凭办件编号和证件号码查询。")]


def _acceptance(data: NoticeData) -> list[Block]:
    accepted = data.accepted_at or data.issued_at
    blocks: list[Block] = [
        Paragraph(f"{_application(data)}，申请事项属于本机关职权范围，申请材料齐全、符合法定形式。"
                  f"根据{LAW}第三十二条第一款第（五）项的规定，本机关决定予以受理，受理时间为"
                  f"{format_datetime(accepted)}。"),
    ]
    if data.due_at is not None:
        blocks.append(Paragraph(f"本机关将在受理之日起的法定（承诺）期限内作出行政许可决定，办结时限至"
                                f"{_due(data)}。期限以工作日计算，不含法定节假日（第八十二条）。"))
    blocks.append(Paragraph(f"依法需要听证、招标、拍卖、检验、检测、检疫、鉴定和专家评审的，所需时间不计算在"
                            f"上述期限内，本机关将书面告知所需时间（{LAW}第四十五条）。"))
    if data.special_procedures:
        blocks.append(Paragraph("本申请需经下列程序，所需时间不计算在审批期限内："))
        blocks.append(_special_procedures_table(data))
    blocks.append(Paragraph("本机关作出准予行政许可决定的，将自作出决定之日起十个工作日内向你（单位）"
                            f"颁发、送达行政许可证件（{LAW}第四十四条）。"))
    return blocks


def _supplement(data: NoticeData) -> list[Block]:
    blocks: list[Block] = [
        Paragraph(f"{_application(data)}，经审查，申请材料不齐全或者不符合法定形式。根据{LAW}"
                  f"第三十二条第一款第（四）项的规定，现一次性告知{_you(data)}需要补正的全部内容"
                  f"（共{len(data.materials)}项）："),
        Table(
            headers=("序号", "材料名称", "存在问题及补正要求"),
            rows=tuple((str(i), m.name, m.problem) for i, m in enumerate(data.materials, 1)),
            widths=(12, 38, 50),
            align=("C", "L", "L"),
        ),
    ]
    if data.supplement_deadline is not None:
        blocks.append(Paragraph(f"请于{format_datetime(data.supplement_deadline)}前提交上述全部补正材料。"))
    blocks.append(Paragraph("本通知已列明需要补正的全部内容，本机关不再要求补正上述以外的材料。补正期间不计算在"
                            "审批期限内；你（单位）按要求提交全部补正材料后，本机关依法予以受理。"))
    if data.reasons:
        blocks.append(Paragraph("补充说明：" + "；".join(r.rstrip("。；") for r in data.reasons) + "。"))
    return blocks


def _refusal(data: NoticeData) -> list[Block]:
    blocks: list[Block] = [
        Paragraph(f"{_application(data)}，经审查，有下列情形："),
        *_numbered(data.reasons),
        Paragraph(f"根据{_basis(data, '第三十二条第一款')}的规定，本机关决定不予受理。"),
        remedies(data, "通知书"),
    ]
    return blocks


def _approval(data: NoticeData) -> list[Block]:
    assert data.accepted_at is not None
    blocks: list[Block] = [
        Paragraph(f"{_application(data)}，本机关于{format_datetime(data.accepted_at)}受理。"
                  "经审查，该申请符合法定条件、标准。"),
    ]
    if data.reasons:
        blocks += _numbered(data.reasons)
    blocks.append(Paragraph(f"根据{_basis(data, '第三十八条第一款')}的规定，本机关决定准予行政许可。"))
    delivery = f"，送达期限至{_due(data)}" if data.due_at is not None else ""
    blocks.append(Paragraph(f"本机关将自本决定作出之日起十个工作日内向{_you(data)}颁发、送达行政许可证件"
                            f"（{LAW}第四十四条）{delivery}。"))
    return blocks


def _denial(data: NoticeData) -> list[Block]:
    assert data.accepted_at is not None
    return [
        Paragraph(f"{_application(data)}，本机关于{format_datetime(data.accepted_at)}受理。"
                  "经审查，该申请不符合法定条件、标准，理由如下："),
        *_numbered(data.reasons),
        Paragraph(f"根据{_basis(data, '第三十八条第二款')}的规定，本机关决定不予行政许可。"),
        remedies(data, "决定书"),
    ]


def _special_procedure(data: NoticeData) -> list[Block]:
    blocks: list[Block] = [
        Paragraph(f"{_application(data)}"
                  + (f"已于{format_datetime(data.accepted_at)}受理" if data.accepted_at else "已受理")
                  + "。作出行政许可决定前，依法需要进行下列程序：" ),
        _special_procedures_table(data),
    ]
    if data.reasons:
        blocks += _numbered(data.reasons)
    basis = f"{data.legal_basis}和" if data.legal_basis else ""
    blocks.append(Paragraph(f"根据{basis}{LAW}第四十五条的规定，上述程序所需时间不计算在作出行政许可决定的期限内，"
                            "现书面告知。程序结束后，审批期限继续计算。"))
    if data.due_at is not None:
        blocks.append(Paragraph(f"按上述最长时间计算，预计办结时限至{_due(data)}。"))
    return blocks


def _extension(data: NoticeData) -> list[Block]:
    days = data.extension_working_days or 10
    blocks: list[Block] = [
        Paragraph(f"{_application(data)}"
                  + (f"已于{format_datetime(data.accepted_at)}受理" if data.accepted_at else "已受理")
                  + "。因下列原因，本机关不能在规定期限内作出行政许可决定："),
        *_numbered(data.reasons),
        Paragraph(f"经本机关负责人批准，根据{_basis(data, '第四十二条第一款')}的规定，审批期限延长{days}个工作日"
                  + (f"，延长后的办结时限至{_due(data)}" if data.due_at is not None else "") + "。"),
    ]
    return blocks


def _fee(data: NoticeData) -> list[Block]:
    total = data.fee_total_fen
    rows = [(str(i), f.name, format_yuan(f.amount_fen), f.legal_basis or "—")
            for i, f in enumerate(data.fees, 1)]
    rows.append(("", "合计", format_yuan(total), f"人民币{yuan_in_words(total)}"))
    blocks: list[Block] = [
        Paragraph(f"{_application(data)}，依照法律、行政法规的规定应当缴纳下列费用："),
        Table(headers=("序号", "收费项目", "金额（元）", "收费依据"), rows=tuple(rows),
              widths=(10, 32, 18, 40), align=("C", "L", "R", "L")),
    ]
    pay = f"请凭缴款码 {data.payment_code} 通过省非税收入统一缴款平台缴纳" if data.payment_code else "请按规定缴纳"
    due = f"，缴费期限至{format_datetime(data.due_at)}" if data.due_at is not None else ""
    blocks.append(Paragraph(f"{pay}{due}。本机关按照公布的法定项目和标准收费，所收费用全部上缴国库"
                            f"（{LAW}第五十八条、第五十九条）；未列入上表的费用，{_you(data)}有权拒绝缴纳。"))
    return blocks


def _revocation(data: NoticeData) -> list[Block]:
    """Art. 69 para. 2: a licence obtained by deception (here a false commitment, 告知承诺不实) is revoked."""
    assert data.accepted_at is not None
    return [
        Paragraph(f"{_application(data)}，本机关于{format_datetime(data.accepted_at)}依据{_you(data)}签署的"
                  "告知承诺书作出准予行政许可决定。经核查，承诺内容与实际情况不符："),
        *_numbered(data.reasons),
        Paragraph(f"根据{_basis(data, '第六十九条第二款')}的规定，本机关决定撤销该行政许可。"
                  "相关失信信息依法记入信用记录。"),
        remedies(data, "决定书"),
    ]


_COMPOSERS = {
    NoticeKind.ACCEPTANCE: _acceptance,
    NoticeKind.SUPPLEMENT: _supplement,
    NoticeKind.REFUSAL: _refusal,
    NoticeKind.APPROVAL: _approval,
    NoticeKind.DENIAL: _denial,
    NoticeKind.SPECIAL_PROCEDURE: _special_procedure,
    NoticeKind.EXTENSION: _extension,
    NoticeKind.FEE: _fee,
    NoticeKind.REVOCATION: _revocation,
}


def header_rows(data: NoticeData) -> tuple[tuple[str, str], ...]:
    """The particulars printed above the body."""
    rows = [
        ("办件编号", data.case_number),
        ("申请时间", format_datetime(data.received_at)),
        ("申 请 人", data.applicant_name),
        ("证件号码", data.masked_id),
        ("申请事项", f"{data.item_name}（{data.item_code}）"),
    ]
    if data.accepted_at is not None and data.kind not in (NoticeKind.SUPPLEMENT, NoticeKind.REFUSAL):
        rows.append(("受理时间", format_datetime(data.accepted_at)))
    return tuple(rows)


def compose(data: NoticeData) -> list[Block]:
    """Salutation, the body for the notice's kind, tracking and contact lines."""
    blocks: list[Block] = [Paragraph(f"{data.applicant_name}：", indent=False)]
    blocks += _COMPOSERS[data.kind](data)
    blocks += _tracking(data)
    if data.contact:
        blocks.append(Paragraph(f"联系方式：{data.contact}"))
    return blocks


def closing_date(data: NoticeData) -> str:
    return format_date(data.issued_at)
