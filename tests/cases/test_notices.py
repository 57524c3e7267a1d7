"""The written notices as PDFs: content per kind, embedded font, QR code, determinism, a look at the pages.

No database: the renderer takes plain data and returns bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
from pathlib import Path
from zoneinfo import ZoneInfo

import pypdf
import pytest
import segno

from oneseal.cases.notices import (
    FeeLine,
    MaterialLine,
    NoticeData,
    NoticeKind,
    SpecialProcedure,
    format_notice_number,
    format_yuan,
    mask_id,
    render_notice,
    yuan_in_words,
)
from oneseal.cases.notices.render import FALLBACK_FONT, PRIMARY_FONT, wrap
from oneseal.cases.notices.texts import compose

TZ = ZoneInfo("Asia/Shanghai")
URL = "https://zwfw.zaoyang.gov.cn/track?number=420683-20261125-00042"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"

MATERIALS = (
    MaterialLine("营业执照复印件", "未加盖公章"),
    MaterialLine("经营场所平面图", "缺少设备布局和工艺流程标注"),
    MaterialLine("法定代表人身份证明", "已过有效期"),
    MaterialLine("食品安全管理制度", "未提交"),
)
REASONS = ("经营场所与住所不一致且未提供场所使用证明。", "申请人被列入严重违法失信名单，三年内不得申请。")
FEES = (FeeLine("工本费", 1000, "鄂价费〔2019〕12号"), FeeLine("检验检测费", 123450, "国家发展改革委、财政部规定"))


def make(kind: NoticeKind, **overrides) -> NoticeData:
    values = {
        "kind": kind,
        "number": format_notice_number(kind, 2026, 123),
        "case_number": "420683-20261125-00042",
        "issued_at": dt.datetime(2026, 11, 25, 2, 30, tzinfo=dt.UTC),  # 10:30 in Shanghai
        "issuer": "枣阳市行政审批局",
        "applicant_name": "张喆",  # 喆 is outside GB 2312: printed by the fallback face
        "applicant_id": "420683199001011234",
        "item_name": "食品经营许可（新办）",
        "item_code": "11420683MB1234567X4420100001",
        "received_at": dt.datetime(2026, 11, 24, 9, 5, tzinfo=TZ),
        "accepted_at": dt.datetime(2026, 11, 25, 10, 0, tzinfo=TZ),
        "due_at": dt.datetime(2026, 12, 23, 17, 30, tzinfo=TZ),
        "reasons": REASONS,
        "legal_basis": "《食品经营许可和备案管理办法》第十条",
        "materials": MATERIALS,
        "supplement_deadline": dt.datetime(2026, 12, 10, 17, 30, tzinfo=TZ),
        "special_procedures": (SpecialProcedure("现场核查", 5), SpecialProcedure("专家评审", 10)),
        "fees": FEES,
        "payment_code": "4206832611250000123",
        "tracking_url": URL,
        "seal_text": "行政审批专用章",
        "reconsideration_body": "枣阳市人民政府",
        "court": "枣阳市人民法院",
    }
    values.update(overrides)
    return NoticeData(**values)


def text_of(pdf: bytes) -> str:
    """The PDF's text by pypdf, whitespace and NULs removed.

    pypdf does not read the embedded Identity encoding CMap fpdf2 writes for CFF fonts, and interleaves
    spaces or NULs between CJK glyphs; poppler's pdftotext reads the same file cleanly (checked below).
    """
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return re.sub(r"[\s\x00]+", "", "".join(page.extract_text() for page in reader.pages))


@pytest.fixture(scope="module")
def rendered() -> dict[NoticeKind, bytes]:
    return {kind: render_notice(make(kind)) for kind in NoticeKind}


KIND_CONTENT = {
    NoticeKind.ACCEPTANCE: ["决定予以受理", "第三十二条第一款第（五）项", "2026年12月23日17:30", "第四十五条",
                            "现场核查", "10个工作日", "第四十四条"],
    NoticeKind.SUPPLEMENT: ["一次性告知", "第三十二条第一款第（四）项", "共4项", "2026年12月10日17:30"]
                           + [m.name for m in MATERIALS] + [m.problem for m in MATERIALS],
    NoticeKind.REFUSAL: ["决定不予受理", "第三十二条第一款", *(r.rstrip("。") for r in REASONS)],
    NoticeKind.APPROVAL: ["决定准予行政许可", "第三十八条第一款", "十个工作日内", "第四十四条"],
    NoticeKind.DENIAL: ["决定不予行政许可", "第三十八条第二款", *(r.rstrip("。") for r in REASONS)],
    NoticeKind.SPECIAL_PROCEDURE: ["第四十五条", "现场核查", "5个工作日", "专家评审", "10个工作日"],
    NoticeKind.EXTENSION: ["第四十二条第一款", "经本机关负责人批准", "延长10个工作日"],
    NoticeKind.FEE: ["10.00", "1,234.50", "1,244.50", "人民币壹仟贰佰肆拾肆元伍角整", "4206832611250000123",
                     "鄂价费〔2019〕12号", "第五十九条"],
    NoticeKind.REVOCATION: ["告知承诺书", "承诺内容与实际情况不符", "第六十九条第二款", "决定撤销该行政许可",
                            *(r.rstrip("。") for r in REASONS)],
}
REMEDIES = ["60日内", "《中华人民共和国行政复议法》", "枣阳市人民政府", "申请行政复议", "6个月内",
            "《中华人民共和国行政诉讼法》", "枣阳市人民法院", "提起行政诉讼"]


@pytest.mark.parametrize("kind", list(NoticeKind))
def test_each_notice_is_a_pdf_with_its_particulars(rendered, kind):
    pdf = rendered[kind]
    assert pdf.startswith(b"%PDF-")
    text = text_of(pdf)
    for expected in [kind.title, format_notice_number(kind, 2026, 123), "420683-20261125-00042",
                     "420683********1234", "张喆", "食品经营许可（新办）", "枣阳市行政审批局",
                     "2026年11月24日09:05", "2026年11月25日", "行政审批专用章"]:
        assert expected in text, (kind, expected)
    assert "420683199001011234" not in text  # the full citizen ID never prints


@pytest.mark.parametrize("kind", list(NoticeKind))
def test_kind_specific_content(rendered, kind):
    text = text_of(rendered[kind])
    for expected in KIND_CONTENT[kind]:
        assert expected in text, (kind, expected)
    has_remedies = all(r in text for r in REMEDIES)
    assert has_remedies == (kind in (NoticeKind.REFUSAL, NoticeKind.DENIAL, NoticeKind.REVOCATION)), kind


def test_dates_are_printed_in_shanghai_time(rendered):
    # issued_at is 02:30 UTC = 10:30 in Shanghai on the same day; a UTC evening is the next local day.
    late = make(NoticeKind.ACCEPTANCE, issued_at=dt.datetime(2026, 11, 25, 17, 0, tzinfo=dt.UTC),
                accepted_at=dt.datetime(2026, 11, 25, 17, 0, tzinfo=dt.UTC))
    text = text_of(render_notice(late))
    assert "2026年11月26日01:00" in text
    assert "2026年11月26日" in text


def test_provisional_due_time_is_marked():
    text = text_of(render_notice(make(NoticeKind.ACCEPTANCE, due_provisional=True)))
    assert "暂定" in text


def test_fonts_are_embedded(rendered):
    for kind, pdf in rendered.items():
        reader = pypdf.PdfReader(io.BytesIO(pdf))
        embedded = []
        for page in reader.pages:
            for font in page["/Resources"]["/Font"].values():
                font = font.get_object()
                fonts = [d.get_object() for d in font.get("/DescendantFonts", [])] or [font]
                for f in fonts:
                    descriptor = f["/FontDescriptor"].get_object()
                    embedded.append(any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")))
        assert embedded and all(embedded), kind


def test_font_files_are_vendored_with_their_licence():
    assert PRIMARY_FONT.stat().st_size < 6_000_000
    assert FALLBACK_FONT.stat().st_size < 8_000_000
    assert "SIL Open Font License" in (PRIMARY_FONT.parent / "OFL.txt").read_text(encoding="utf-8")


def test_rendering_is_deterministic():
    data = make(NoticeKind.DENIAL)
    first, second = render_notice(data), render_notice(data)
    assert text_of(first) == text_of(second)
    assert first == second


def test_pdf_is_a4_and_has_metadata(rendered):
    reader = pypdf.PdfReader(io.BytesIO(rendered[NoticeKind.APPROVAL]))
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (210, 297)
    assert reader.metadata.title == f"准予行政许可决定书 {format_notice_number('approval', 2026, 123)}"
    assert reader.metadata.author == "枣阳市行政审批局"


def test_qr_code_links_to_the_tracking_page(rendered):
    reader = pypdf.PdfReader(io.BytesIO(rendered[NoticeKind.ACCEPTANCE]))
    uris = [a.get_object()["/A"]["/URI"] for page in reader.pages for a in page.get("/Annots", [])]
    assert URL in uris
    # The drawn matrix is segno's for the URL (encode → the same modules the renderer draws).
    qr = segno.make(URL, error="m", micro=False)
    assert qr.designator.endswith("-M")


def test_long_supplement_list_spans_pages_and_keeps_every_material():
    materials = tuple(MaterialLine(f"第{i}项材料：建设工程规划许可证附图", f"问题{i}：缺少签章页，需重新提交原件")
                      for i in range(1, 41))
    pdf = render_notice(make(NoticeKind.SUPPLEMENT, materials=materials))
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 2
    text = text_of(pdf)
    for m in materials:
        assert m.name in text and m.problem in text
    assert "共40项" in text


def test_organisation_applicant_prints_credit_code():
    pdf = render_notice(make(NoticeKind.APPROVAL, applicant_name="枣阳市某某食品有限公司",
                             applicant_id="91420683MA4KX1234B"))
    assert "91420683MA4KX1234B" in text_of(pdf)


# --- the plain helpers -------------------------------------------------------------------------------

def test_notice_numbers():
    assert format_notice_number(NoticeKind.ACCEPTANCE, 2026, 123) == "枣审受字〔2026〕第000123号"
    assert format_notice_number("supplement", 2026, 1) == "枣审补字〔2026〕第000001号"
    assert format_notice_number(NoticeKind.REFUSAL, 2026, 5) == "枣审不受字〔2026〕第000005号"
    assert format_notice_number(NoticeKind.APPROVAL, 2027, 999_999) == "枣审许字〔2027〕第999999号"
    assert format_notice_number(NoticeKind.DENIAL, 2026, 42) == "枣审不许字〔2026〕第000042号"
    assert format_notice_number(NoticeKind.FEE, 2026, 42, prefix="襄审") == "襄审费字〔2026〕第000042号"
    numbers = {format_notice_number(kind, 2026, 1) for kind in NoticeKind}
    assert len(numbers) == len(NoticeKind)  # one series per kind
    for bad in (0, 1_000_000, -1):
        with pytest.raises(ValueError):
            format_notice_number(NoticeKind.ACCEPTANCE, 2026, bad)


@pytest.mark.parametrize(("raw", "masked"), [
    ("420683199001011234", "420683********1234"),
    ("42068319900101123x", "420683********123X"),
    ("420683********1234", "420683********1234"),
    ("420683900101123", "420683******123"),
    ("91420683MA4KX1234B", "91420683MA4KX1234B"),
    ("E12345678", "E1*****78"),
    ("abc", "***"),
    ("", ""),
])
def test_mask_id(raw, masked):
    assert mask_id(raw) == masked
    assert mask_id(mask_id(raw)) == masked


@pytest.mark.parametrize(("fen", "words"), [
    (0, "零元整"), (100, "壹元整"), (1000, "壹拾元整"), (10005, "壹佰元零伍分"),
    (123450, "壹仟贰佰叁拾肆元伍角整"), (10_000_000, "壹拾万元整"),
    (10_010_000, "壹拾万零壹佰元整"), (1_000_001_00, "壹佰万零壹元整"), (50, "伍角整"), (7, "柒分"),
    (1_234_567_89, "壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分"),
])
def test_yuan_in_words(fen, words):
    assert yuan_in_words(fen) == words


def test_format_yuan():
    assert format_yuan(123450) == "1,234.50"
    assert format_yuan(5) == "0.05"


def test_data_is_checked():
    with pytest.raises(ValueError, match="一次性告知"):
        make(NoticeKind.SUPPLEMENT, materials=())
    with pytest.raises(ValueError, match="reasons"):
        make(NoticeKind.DENIAL, reasons=())
    with pytest.raises(ValueError, match="aware"):
        make(NoticeKind.ACCEPTANCE, received_at=dt.datetime(2026, 11, 24, 9, 5))
    with pytest.raises(ValueError, match="fee"):
        make(NoticeKind.FEE, fees=())
    with pytest.raises(ValueError):
        FeeLine("x", -1)
    data = make(NoticeKind.SUPPLEMENT, materials=[("A", "B")], special_procedures=[("听证", 20)])
    assert data.materials == (MaterialLine("A", "B"),)
    assert data.special_procedures == (SpecialProcedure("听证", 20),)
    with pytest.raises(AttributeError):
        data.number = "x"  # frozen


def test_line_breaking_keeps_punctuation_rules():
    from fpdf import FPDF

    from oneseal.cases.notices.render import SERIF

    pdf = FPDF()
    pdf.add_font(SERIF, fname=PRIMARY_FONT)
    pdf.set_font(SERIF, size=12)
    text = "根据《中华人民共和国行政许可法》第三十八条第二款的规定，本机关决定不予行政许可。" * 6
    for width in range(40, 160, 7):
        lines = wrap(pdf, text, width)
        assert "".join(lines) == text
        for line in lines[1:]:
            assert line[0] not in "，。、；：）》”", (width, line)
        for line in lines[:-1]:
            assert line[-1] not in "（《“", (width, line)


def test_composed_blocks_need_no_pdf():
    blocks = compose(make(NoticeKind.REFUSAL))
    assert blocks[0].text == "张喆："
    assert any("60日内" in getattr(b, "text", "") for b in blocks)


# --- a look at the pages -----------------------------------------------------------------------------

@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) not installed")
@pytest.mark.parametrize("kind", list(NoticeKind))
def test_notice_renders_to_png(rendered, kind, tmp_path):
    """Rasterise page 1 with poppler (saved to var/screenshots/ for a look); decode the QR if zxing-cpp is there."""
    source = tmp_path / f"{kind.value}.pdf"
    source.write_bytes(rendered[kind])
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / f"notice-{kind.value}"
    subprocess.run(["pdftoppm", "-png", "-r", "100", "-singlefile", "-f", "1", "-l", "1", str(source), str(target)],
                   check=True, capture_output=True)
    png = target.with_suffix(".png")
    assert png.stat().st_size > 20_000
    if shutil.which("pdffonts"):
        fonts = subprocess.run(["pdffonts", str(source)], check=True, capture_output=True, text=True).stdout
        assert "NotoSerifCJKSC" in fonts
        assert "NotoSansCJKSC" in fonts  # the fallback face, for 喆 in the applicant's name
        assert all(" yes " in line for line in fonts.splitlines()[2:]), fonts  # every font embedded
    if shutil.which("pdftotext"):
        plain = subprocess.run(["pdftotext", str(source), "-"], check=True, capture_output=True, text=True).stdout
        assert kind.title in plain and "张喆" in plain and "420683********1234" in plain
    try:
        import zxingcpp
        from PIL import Image
    except ImportError:
        return
    subprocess.run(["pdftoppm", "-png", "-r", "100", str(source), str(tmp_path / "all")], check=True)
    pages = sorted(tmp_path.glob("all-*.png"))
    decoded = [b.text for p in pages for b in zxingcpp.read_barcodes(Image.open(p))]
    assert URL in decoded
