import pytest
from pypdf import PdfReader

from oneseal.cases import services as s
from oneseal.cases.documents import notice_pdf
from oneseal.cases.models import NoticeKind
from tests.cases.conftest import pdf
from tests.cases.test_services import step, submit

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    import io

    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).replace(" ", "").replace(
        "\x00", "")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_every_notice_of_a_case_prints_as_a_pdf_with_its_number(world):
    case = submit(world)
    s.request_supplement(actor=world["clerk"], case=case, problems=[("场所证明", "未加盖公章")])
    case = s.receive_supplement(actor=world["clerk"], case=case, materials=[pdf("场所证明", "v2.pdf")])
    case = s.accept_case(actor=world["clerk"], case=case)
    case = step(world, case, "review", {"passed": True})
    case = step(world, case, "expert_review", {"passed": True})
    case = s.extend_case(actor=world["head"], case=case, reason="需要补充调查")
    case = step(world, case, "decide", {"approved": False, "reasons": "经营场所不符合卫生要求"})
    kinds = {}
    for notice in case.notices.all():
        text = _text(notice_pdf(notice))
        assert notice.number.replace(" ", "") in text and case.number in text
        kinds[notice.kind] = text
    assert set(kinds) == {NoticeKind.SUPPLEMENT, NoticeKind.ACCEPTANCE, NoticeKind.SPECIAL_PROCEDURE,
                          NoticeKind.EXTENSION, NoticeKind.DENIAL}
    assert "未加盖公章" in kinds[NoticeKind.SUPPLEMENT]
    assert "经营场所不符合卫生要求" in kinds[NoticeKind.DENIAL] and "60日" in kinds[NoticeKind.DENIAL]


def test_a_notice_is_rendered_once_and_then_served_from_disk(world, settings):
    case = s.accept_case(actor=world["clerk"], case=submit(world))
    notice = case.notices.get(kind=NoticeKind.ACCEPTANCE)
    first = notice_pdf(notice)
    assert list((settings.MEDIA_ROOT / "notices").glob("*.pdf"))
    assert notice_pdf(notice) == first
