"""The signer: Ed25519 and SM2-with-SM3 behind one interface, checked against the standards' published
vectors (RFC 8032, GB/T 32905, GB/T 32918.5 / GM/T 0003.5) and against OpenSSL where it is installed."""

import random
import shutil
import subprocess

import pytest

from oneseal.kernel import signer
from oneseal.kernel.signer import (
    KeyPair,
    UnsupportedAlgorithm,
    available_algorithms,
    generate_key,
    key_id,
    sign,
    sm3,
    verify,
)

needs_sm2 = pytest.mark.skipif("sm2-sm3" not in signer.ALGORITHMS, reason="the SM2 library is not installed")

# RFC 8032 §7.1, TEST 1 (empty message).
RFC8032_SECRET = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
RFC8032_PUBLIC = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
RFC8032_SIGNATURE = bytes.fromhex(
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46b"
    "d25bf5f0595bbe24655141438e7a100b")

# GB/T 32918.5-2017 / GM/T 0003.5-2012, the signature example on the recommended curve sm2p256v1:
# user id 1234567812345678, message "message digest", with the published Z_A, e, and (r, s).
SM2_D = bytes.fromhex("3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8")
SM2_PUBLIC = bytes.fromhex(
    "04" "09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020"
    "CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13")
SM2_MESSAGE = b"message digest"
SM2_Z = bytes.fromhex("B2E14C5C79C6DF5B85F4FE7ED8DB7A262B9DA7E07CCB0EA9F4747B8CCDA8A4F3")
SM2_E = bytes.fromhex("F0B43E94BA45ACCAACE692ED534382EB17E6AB5A19CE7B31F4486FDFC0D28640")
SM2_R = 0xF5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3
SM2_S = 0xB1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA


def der_integer(value: int) -> bytes:
    body = value.to_bytes((value.bit_length() + 8) // 8, "big")  # a leading 0 when the top bit is set
    return b"\x02" + bytes([len(body)]) + body


def der_signature(r: int, s: int) -> bytes:
    body = der_integer(r) + der_integer(s)
    return b"\x30" + bytes([len(body)]) + body


# --- Ed25519 ---------------------------------------------------------------------------------------

def test_ed25519_signs_rfc8032_test_1_as_published():
    assert sign("ed25519", RFC8032_SECRET, b"") == RFC8032_SIGNATURE
    assert verify("ed25519", RFC8032_PUBLIC, b"", RFC8032_SIGNATURE)


def test_ed25519_round_trip_and_refusals():
    pair = generate_key("ed25519")
    assert (pair.algorithm, len(pair.private), len(pair.public)) == ("ed25519", 32, 32)
    signature = sign("ed25519", pair.private, b"licence 420683-2026-000001")
    assert len(signature) == 64
    assert verify("ed25519", pair.public, b"licence 420683-2026-000001", signature)
    assert not verify("ed25519", pair.public, b"licence 420683-2026-000002", signature)
    tampered = bytes([signature[0] ^ 1]) + signature[1:]
    assert not verify("ed25519", pair.public, b"licence 420683-2026-000001", tampered)
    assert not verify("ed25519", generate_key("ed25519").public, b"licence 420683-2026-000001", signature)


def test_default_algorithm_is_ed25519():
    assert signer.DEFAULT_ALGORITHM == "ed25519"
    assert generate_key().algorithm == "ed25519"


# --- SM3 -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("message", "digest"), [
    (b"abc", "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"),  # GB/T 32905 A.1
    (b"abcd" * 16, "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"),  # A.2
])
def test_sm3_matches_gbt_32905_examples(message, digest):
    assert sm3(message).hex() == digest


# --- SM2 with SM3 ----------------------------------------------------------------------------------

@needs_sm2
def test_sm2_computes_the_published_z_and_e():
    assert signer.sm2_z(SM2_PUBLIC) == SM2_Z
    assert signer.sm2_digest(SM2_PUBLIC, SM2_MESSAGE) == SM2_E


@needs_sm2
def test_sm2_verifies_the_published_signature():
    assert verify("sm2-sm3", SM2_PUBLIC, SM2_MESSAGE, der_signature(SM2_R, SM2_S))
    assert not verify("sm2-sm3", SM2_PUBLIC, SM2_MESSAGE, der_signature(SM2_R ^ 1, SM2_S))
    assert not verify("sm2-sm3", SM2_PUBLIC, SM2_MESSAGE, der_signature(SM2_R, SM2_S ^ 1 << 7))
    assert not verify("sm2-sm3", SM2_PUBLIC, b"message digesT", der_signature(SM2_R, SM2_S))


@needs_sm2
def test_sm2_signs_with_the_published_key():
    private = signer.sm2_private_key_der(SM2_D, SM2_PUBLIC)
    signature = sign("sm2-sm3", private, SM2_MESSAGE)
    assert verify("sm2-sm3", SM2_PUBLIC, SM2_MESSAGE, signature)


@needs_sm2
def test_sm2_round_trip_tampering_and_wrong_key():
    pair = generate_key("sm2-sm3")
    assert (len(pair.private), len(pair.public), pair.public[0]) == (121, 65, 4)
    data = "营业执照 420683-2026-000001".encode()
    signature = sign("sm2-sm3", pair.private, data)
    assert signature[0] == 0x30 and len(signature) <= 72
    assert verify("sm2-sm3", pair.public, data, signature)
    assert not verify("sm2-sm3", pair.public, data + b" ", signature)
    for index in (5, len(signature) - 1):  # a byte of r, a byte of s
        tampered = bytearray(signature)
        tampered[index] ^= 0x01
        assert not verify("sm2-sm3", pair.public, data, bytes(tampered))
    assert not verify("sm2-sm3", generate_key("sm2-sm3").public, data, signature)


@needs_sm2
def test_sm2_nonce_is_not_drawn_from_python_random():
    """Seeding `random` the same way twice must not repeat a signature (the pure-Python gmssl's flaw:
    a repeated nonce gives the private key away)."""
    pair = generate_key("sm2-sm3")
    random.seed(2026)
    first = sign("sm2-sm3", pair.private, b"same message")
    random.seed(2026)
    second = sign("sm2-sm3", pair.private, b"same message")
    assert first != second
    assert verify("sm2-sm3", pair.public, b"same message", first)
    assert verify("sm2-sm3", pair.public, b"same message", second)


@needs_sm2
def test_sm2_refuses_a_private_key_whose_public_half_does_not_match():
    other = generate_key("sm2-sm3")
    with pytest.raises(signer.InvalidSigningKey) as refused:
        sign("sm2-sm3", signer.sm2_private_key_der(SM2_D, other.public), b"data")
    assert refused.value.code == "invalid_signing_key" and refused.value.field == "private"


@needs_sm2
@pytest.mark.parametrize("private", [
    b"",
    SM2_D,  # the bare scalar, not the DER key
    signer.sm2_private_key_der(b"\x00" * 32, SM2_PUBLIC),  # d = 0
    signer.sm2_private_key_der(b"\xff" * 32, SM2_PUBLIC),  # d ≥ n
    b"\x31" + signer.sm2_private_key_der(SM2_D, SM2_PUBLIC)[1:],  # not a SEQUENCE
])
def test_sm2_refuses_malformed_private_keys(private):
    with pytest.raises(signer.InvalidSigningKey):
        sign("sm2-sm3", private, b"data")


@needs_sm2
@pytest.mark.parametrize(("public", "signature"), [
    (SM2_PUBLIC[1:], der_signature(SM2_R, SM2_S)),  # no 04 prefix
    (b"\x04" + b"\x00" * 64, der_signature(SM2_R, SM2_S)),  # not on the curve
    (SM2_PUBLIC[:-1] + bytes([SM2_PUBLIC[-1] ^ 1]), der_signature(SM2_R, SM2_S)),  # off the curve by a bit
    (SM2_PUBLIC, b""),
    (SM2_PUBLIC, SM2_R.to_bytes(32, "big") + SM2_S.to_bytes(32, "big")),  # raw r ‖ s, not DER
    (SM2_PUBLIC, der_signature(SM2_R, SM2_S) + b"\x00"),  # trailing data
    (SM2_PUBLIC, der_signature(0, SM2_S)),
    (SM2_PUBLIC, der_signature(SM2_R, signer._SM2_N)),  # s = n
    (SM2_PUBLIC, b"\x30\x06\x02\x01\x00\x02\x01\x01"),
    (SM2_PUBLIC, b"\x30" * 72),
])
def test_sm2_bad_keys_and_signatures_give_false(public, signature):
    assert verify("sm2-sm3", public, SM2_MESSAGE, signature) is False


@needs_sm2
@pytest.mark.skipif(shutil.which("openssl") is None, reason="no openssl command")
def test_sm2_interoperates_with_openssl(tmp_path):
    """Our DER key loads in OpenSSL, OpenSSL verifies our signature, and we verify OpenSSL's."""
    pair = generate_key("sm2-sm3")
    message = "电子证照 420683".encode()
    (tmp_path / "key.der").write_bytes(pair.private)
    (tmp_path / "msg").write_bytes(message)
    (tmp_path / "ours.sig").write_bytes(sign("sm2-sm3", pair.private, message))

    def openssl(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["openssl", *args], cwd=tmp_path, capture_output=True, text=True, timeout=30)

    if openssl("pkey", "-inform", "DER", "-in", "key.der", "-out", "key.pem").returncode != 0:
        pytest.skip("this openssl cannot read SM2 keys")
    assert openssl("pkey", "-in", "key.pem", "-pubout", "-out", "pub.pem").returncode == 0
    text = openssl("pkey", "-in", "key.pem", "-text", "-noout").stdout
    assert pair.public.hex() in "".join(text.split("pub:")[1].split("ASN1")[0].split()).replace(":", "")
    sm2 = ("-rawin", "-digest", "sm3", "-pkeyopt", "distid:1234567812345678", "-in", "msg")
    checked = openssl("pkeyutl", "-verify", "-pubin", "-inkey", "pub.pem", "-sigfile", "ours.sig", *sm2)
    assert checked.returncode == 0, checked.stderr
    assert openssl("pkeyutl", "-sign", "-inkey", "key.pem", "-out", "theirs.sig", *sm2).returncode == 0
    assert verify("sm2-sm3", pair.public, message, (tmp_path / "theirs.sig").read_bytes())


# --- the interface ---------------------------------------------------------------------------------

@pytest.mark.parametrize("algorithm", signer.ALGORITHMS)
def test_keys_and_signatures_may_come_back_from_the_database_as_memoryview(algorithm):
    pair = generate_key(algorithm)
    signature = sign(algorithm, memoryview(pair.private), bytearray(b"data"))
    assert verify(algorithm, memoryview(pair.public), memoryview(b"data"), memoryview(signature))


@pytest.mark.parametrize("algorithm", signer.ALGORITHMS)
@pytest.mark.parametrize("bad", [None, "text", 42, b""])
def test_verify_never_raises_for_bad_input(algorithm, bad):
    pair = generate_key(algorithm)
    signature = sign(algorithm, pair.private, b"data")
    assert verify(algorithm, bad, b"data", signature) is False
    assert verify(algorithm, pair.public, b"data", bad) is False
    if bad != b"":
        assert verify(algorithm, pair.public, bad, signature) is False


@pytest.mark.parametrize("algorithm", ["rsa", "", "ED25519", "sm2"])
def test_unknown_algorithm_is_refused_naming_the_field(algorithm):
    for call in (lambda: generate_key(algorithm), lambda: sign(algorithm, RFC8032_SECRET, b"x"),
                 lambda: verify(algorithm, RFC8032_PUBLIC, b"", RFC8032_SIGNATURE),
                 lambda: key_id(algorithm, RFC8032_PUBLIC)):
        with pytest.raises(UnsupportedAlgorithm) as refused:
            call()
        assert refused.value.code == "unsupported_algorithm"
        assert refused.value.field == "algorithm"
        assert refused.value.as_dict()["message_en"].startswith(f"The signing algorithm {algorithm} ")


def test_unsupported_algorithm_also_takes_domain_errors_own_arguments():
    error = UnsupportedAlgorithm("unsupported_algorithm", "The signing algorithm %(algorithm)s is not available here.",
                                 field="algorithm", algorithm="rsa")
    assert (error.code, error.field, error.as_dict()["message_en"]) == (
        "unsupported_algorithm", "algorithm", "The signing algorithm rsa is not available here.")


def test_a_key_of_the_wrong_size_is_refused_when_signing():
    with pytest.raises(signer.InvalidSigningKey):
        sign("ed25519", RFC8032_SECRET[:31], b"x")


def test_available_algorithms_and_key_id():
    assert available_algorithms() == signer.ALGORITHMS
    assert available_algorithms()[0] == "ed25519"
    fingerprint = key_id("ed25519", RFC8032_PUBLIC)
    assert len(fingerprint) == 16 and fingerprint == key_id("ed25519", memoryview(RFC8032_PUBLIC))
    assert fingerprint != key_id("ed25519", generate_key().public)


def test_key_pair_repr_hides_the_private_key():
    pair = generate_key()
    assert pair.private.hex() not in repr(pair) and key_id("ed25519", pair.public) in repr(pair)
    assert KeyPair("ed25519", pair.private, pair.public) == pair


def test_configured_algorithm_follows_settings(settings):
    settings.ONESEAL_SIGNING_ALGORITHM = "ed25519"
    assert signer.configured_algorithm() == "ed25519"
    settings.ONESEAL_SIGNING_ALGORITHM = "rsa-2048"
    with pytest.raises(UnsupportedAlgorithm):
        signer.configured_algorithm()


@needs_sm2
def test_configured_algorithm_may_be_sm2(settings):
    settings.ONESEAL_SIGNING_ALGORITHM = "sm2-sm3"
    assert signer.configured_algorithm() == "sm2-sm3"
