import io

import pytest

from oneseal.kernel.errors import DomainError
from oneseal.kernel.uploads import check_and_store, upload_root

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _uploads(settings, tmp_path):
    settings.ONESEAL_UPLOAD_ROOT = tmp_path / "uploads"
    settings.ONESEAL_UPLOAD_MAX_BYTES = 1024 * 1024


def test_a_pdf_is_stored_under_its_hash():
    stored = check_and_store(io.BytesIO(PDF), "营业执照.pdf")
    assert stored.content_type == "application/pdf" and stored.size == len(PDF)
    assert (upload_root() / stored.path).read_bytes() == PDF
    assert stored.path.endswith(f"{stored.sha256}.pdf")


def test_missing_directories_are_made_and_no_partial_file_is_left():
    first = check_and_store(io.BytesIO(PDF), "a.pdf")  # the root itself does not exist yet
    second = check_and_store(io.BytesIO(PDF + b"%second"), "b.pdf")  # another hash, maybe another folder
    root = upload_root()
    assert (root / first.path).read_bytes() == PDF and (root / second.path).read_bytes() == PDF + b"%second"
    assert not list(root.rglob("*.part"))


def test_the_same_content_is_stored_once():
    a = check_and_store(io.BytesIO(PNG), "a.png")
    b = check_and_store(io.BytesIO(PNG), "b.png")
    assert a.path == b.path


def test_html_renamed_pdf_is_refused_and_nothing_is_written():
    with pytest.raises(DomainError) as info:
        check_and_store(io.BytesIO(b"<html><script>alert(1)</script></html>"), "申请书.pdf", field="materials.0")
    assert (info.value.code, info.value.field) == ("file_type_not_allowed", "materials.0")
    assert not any(upload_root().rglob("*"))


def test_a_png_named_pdf_is_refused():
    with pytest.raises(DomainError) as info:
        check_and_store(io.BytesIO(PNG), "scan.pdf")
    assert info.value.code == "file_type_mismatch"


def test_an_oversized_upload_is_refused_while_reading():
    class Endless(io.RawIOBase):
        read_calls = 0

        def readable(self):
            return True

        def readinto(self, buffer):
            Endless.read_calls += 1
            buffer[:] = b"\0" * len(buffer)
            return len(buffer)

    with pytest.raises(DomainError) as info:
        check_and_store(io.BufferedReader(Endless()), "huge.pdf")
    assert info.value.code == "file_too_large"
    assert Endless.read_calls < 10
    assert not any(upload_root().rglob("*"))


def test_a_declared_200_mb_upload_is_refused_before_reading():
    with pytest.raises(DomainError) as info:
        check_and_store(io.BytesIO(PDF), "big.pdf", declared_size=200 * 1024 * 1024)
    assert info.value.code == "file_too_large"


def test_an_empty_file_is_refused():
    with pytest.raises(DomainError) as info:
        check_and_store(io.BytesIO(b""), "empty.pdf")
    assert info.value.code == "file_empty"
