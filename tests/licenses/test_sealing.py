"""The QR payload and the sealed PDF: offline verification with the public key alone, and tampering."""

import base64
import json

import pytest

from oneseal.kernel import signer
from oneseal.kernel.uploads import open_stored
from oneseal.licenses import sealing, selectors
from oneseal.licenses.models import IssuerKey, Licence
from oneseal.licenses.selectors import Verdict
from tests.licenses.conftest import approve

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(licensing):
    licence = Licence.objects.get(case=approve(licensing))
    key = IssuerKey.objects.get(key_id=licence.key_id)
    with open_stored(licence.pdf_path) as handle:
        document = handle.read()
    return licence, bytes(key.public_key), document


def test_the_qr_payload_verifies_offline_with_the_public_key_only(issued):
    licence, public, _doc = issued
    claims = sealing.verify_payload(licence.qr_payload, public, "ed25519")
    assert claims == {"n": licence.number, "t": "SPJY", "h": "张三", "i": "SPJ", "v": "2031-03-04",
                      "k": licence.key_id}
    url = f"https://zwfw.example.gov.cn/verify/{licence.number}?p={licence.qr_payload}"
    assert sealing.verify_payload(url, public, "ed25519") == claims  # the QR code's URL works as well
    assert len(url) < 400  # fits a QR code a phone reads from paper


def _forge(payload: str, **changes) -> str:
    body, signature = payload.split(".")
    claims = json.loads(sealing.unb64url(body))
    claims.update(changes)
    return f"{sealing.b64url(sealing.canonical(claims))}.{signature}"


@pytest.mark.parametrize("bad", [
    lambda p: _forge(p, v="2099-12-31"),  # a later expiry
    lambda p: _forge(p, h="李四"),  # another holder
    lambda p: p[:-4] + ("AAAA" if not p.endswith("AAAA") else "BBBB"),  # a broken signature
    lambda p: p.split(".")[0] + "." + sealing.b64url(b"\x00" * 64),
    lambda p: "not-a-payload",
    lambda p: "",
    lambda p: "a.b.c",
    lambda p: sealing.b64url(b"[1,2]") + "." + p.split(".")[1],  # JSON but not the claims
    lambda p: "%%%." + p.split(".")[1],
])
def test_a_tampered_or_forged_payload_does_not_verify(issued, bad):
    licence, public, _doc = issued
    forged = bad(licence.qr_payload)
    assert sealing.verify_payload(forged, public, "ed25519") is None
    assert selectors.verify_payload_online(forged).verdict == Verdict.TAMPERED


def test_a_payload_signed_with_another_key_is_tampered(issued):
    licence, _public, _doc = issued
    other = signer.generate_key()
    claims = {"n": licence.number, "t": "SPJY", "h": "张三", "i": "SPJ", "v": "2099-12-31", "k": licence.key_id}
    forged = sealing.make_payload(claims, "ed25519", other.private)
    assert selectors.verify_payload_online(forged).verdict == Verdict.TAMPERED
    claims["k"] = signer.key_id("ed25519", other.public)  # naming its own (unpublished) key does not help
    assert selectors.verify_payload_online(sealing.make_payload(claims, "ed25519", other.private)).verdict \
        == Verdict.TAMPERED


def test_the_online_payload_check_reports_revocation(issued, licensing):
    from oneseal.licenses.services import revoke_licence

    licence, _public, _doc = issued
    assert selectors.verify_payload_online(licence.qr_payload).verdict == Verdict.VALID
    revoke_licence(actor=licensing["head"], licence=licence, reason="吊销")
    result = selectors.verify_payload_online(licence.qr_payload)
    assert (result.verdict, result.signature_valid) == (Verdict.REVOKED, True)


def test_the_pdf_is_sealed_and_verifies(issued):
    licence, public, document = issued
    assert document.startswith(b"%PDF-") and b"%OneSeal-Signature: n=" + licence.number.encode() in document
    assert sealing.verify_pdf_bytes(document, public, "ed25519").number == licence.number
    result = selectors.verify_pdf(document)
    assert (result.verdict, result.signature_valid, result.licence) == (Verdict.VALID, True, licence)


def _flip(document: bytes, at: int) -> bytes:
    return document[:at] + bytes([document[at] ^ 0x01]) + document[at + 1:]


@pytest.mark.parametrize("change", [
    lambda d, n: _flip(d, 200),  # one bit inside the document
    lambda d, n: _flip(d, len(d) // 2),
    lambda d, n: d.replace(b"%OneSeal-Signature: n=" + n, b"%OneSeal-Signature: n=" + n[:-1] + b"X"),  # another number
    lambda d, n: d[: d.rfind(b"%OneSeal-Signature")],  # signature removed
    lambda d, n: d.replace(b";s=", b";s=AAAA"),  # signature altered
    lambda d, n: b"%PDF-1.4\n" + d,  # bytes added in front
])
def test_a_tampered_pdf_verifies_as_tampered(issued, change):
    licence, public, document = issued
    changed = change(document, licence.number.encode())
    assert changed != document
    assert sealing.verify_pdf_bytes(changed, public, "ed25519") is None
    assert selectors.verify_pdf(changed).verdict == Verdict.TAMPERED


def test_a_pdf_of_one_licence_cannot_vouch_for_another(issued, licensing):
    """The signature covers the number: re-labelling a valid PDF with another number fails."""
    from oneseal.licenses.services import issue_licence

    licence, _public, document = issued
    other = issue_licence(actor=None, licence_type=licensing["food"], holder=licensing["applicant"],
                          issuer=licensing["bureau"], data={})
    relabelled = document.replace(licence.number.encode(), other.number.encode())
    assert selectors.verify_pdf(relabelled).verdict == Verdict.TAMPERED


def test_the_pdf_carries_the_licence_and_its_qr_code(issued):
    pypdf = pytest.importorskip("pypdf")
    import io

    licence, _public, document = issued
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(document)).pages)
    text = text.replace("\x00", "").replace(" ", "")
    for expected in ("食品经营许可证", licence.number, "老张面馆", "枣阳市行政审批局", "2031年03月04日"):
        assert expected in text
    zxingcpp = pytest.importorskip("zxingcpp")
    import shutil
    import subprocess
    import tempfile

    if not shutil.which("pdftoppm"):
        pytest.skip("poppler-utils not installed")
    PIL = pytest.importorskip("PIL.Image")
    with tempfile.TemporaryDirectory() as folder:
        source = f"{folder}/l.pdf"
        with open(source, "wb") as handle:
            handle.write(document)
        subprocess.run(["pdftoppm", "-r", "150", "-png", source, f"{folder}/p"], check=True)
        image = PIL.open(next(__import__("pathlib").Path(folder).glob("p*.png")))
        found = [r.text for r in zxingcpp.read_barcodes(image)]
    assert f"https://zwfw.example.gov.cn/verify/{licence.number}?p={licence.qr_payload}" in found


def test_the_published_key_is_base64_of_the_raw_public_key(issued, client):
    licence, public, _doc = issued
    keys = client.get("/api/v1/licences/keys").json()
    assert [k["key_id"] for k in keys] == [licence.key_id]
    assert base64.b64decode(keys[0]["public_key"]) == public and keys[0]["department"] == "SPJ"


def test_reading_any_text_as_a_payload_never_raises():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    public = signer.generate_key().public

    @settings(max_examples=300, deadline=None)
    @given(st.one_of(st.text(max_size=300), st.text(alphabet="ABCabc012-_.=%/?:p", max_size=300)))
    def check(text):
        assert sealing.verify_payload(text, public, "ed25519") is None

    check()


def test_reading_any_bytes_as_a_sealed_pdf_never_raises():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    public = signer.generate_key().public
    marker = st.builds(lambda a, b: a + b"\n%OneSeal-Signature: " + b, st.binary(max_size=200), st.binary(max_size=200))

    @settings(max_examples=300, deadline=None)
    @given(st.one_of(st.binary(max_size=400), marker))
    def check(document):
        assert sealing.verify_pdf_bytes(document, public, "ed25519") is None

    check()
