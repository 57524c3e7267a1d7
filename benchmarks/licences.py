"""Licence signatures: sign and verify per second for Ed25519 and SM2-with-SM3 through
`oneseal.kernel.signer`, beside same-run references (SHA-256 of the same payload, cryptography's raw
Ed25519 and GmSSL's raw SM2 over a ready digest, both without our wrapper).

    .venv/bin/python benchmarks/licences.py [--ops 3000] [--rounds 3]

Each figure is the best of `--rounds` timed loops of `--ops` calls on one core (the best, as timeit
reports, because the other cores' load only ever slows a loop down). The payload is a licence record
as the licences app signs it: canonical JSON of about 600 bytes with Chinese text. The last line
printed is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oneseal.settings")

GOAL_SIGN_VERIFY_MS = 1.0  # ARCHITECTURE.md: a compiled SM2 library, well under 1 ms per sign and verify


def licence_payload() -> bytes:
    """A licence record of the size and shape the licences app signs (canonical JSON)."""
    record = {
        "number": "420683-SPJ-SPJY-2026-000123", "type": "SPJY", "holder_name": "枣阳市老张面馆餐饮有限公司",
        "holder_id_number": "91420683MA4F0XYZ1K", "issuer": "SPJ", "issued_at": "2026-11-25T10:30:00+08:00",
        "valid_from": "2026-11-25", "valid_until": "2031-11-24", "case_number": "420683-20261120-00042",
        "algorithm": "sm2-sm3", "key_id": "e1e91cabf8f2470c", "renewed_from": "",
        "data": {"shop_name": "老张面馆", "address": "湖北省枣阳市北城街道人民路 88 号", "business_scope":
                 "热食类食品制售；冷食类食品制售；自制饮品制售", "legal_representative": "张建国", "area": "45"},
    }
    return json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def best_rate(fn: Callable[[], object], ops: int, rounds: int) -> float:
    """Calls per second: the best of `rounds` loops of `ops` calls."""
    fn()  # warm: caches, lazy imports
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(ops):
            fn()
        best = min(best, time.perf_counter() - start)
    return ops / best


def measure_signatures(ops: int, rounds: int) -> dict[str, float | int | None]:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from oneseal.kernel import signer

    payload = licence_payload()
    out: dict[str, float | int | None] = {"payload_bytes": len(payload)}

    def rate(name: str, fn: Callable[[], object]) -> None:
        out[name] = round(best_rate(fn, ops, rounds), 1)
        print(f"  {name:<36}{out[name]:>12,.0f} /s   {1e6 / out[name]:>9.1f} µs", flush=True)

    print(f"{ops} calls × best of {rounds}, payload {len(payload)} bytes")
    rate("reference_sha256_per_s", lambda: hashlib.sha256(payload).digest())
    rate("sm3_per_s", lambda: signer.sm3(payload))

    pair = signer.generate_key("ed25519")
    signature = signer.sign("ed25519", pair.private, payload)
    assert signer.verify("ed25519", pair.public, payload, signature)
    rate("ed25519_sign_per_s", lambda: signer.sign("ed25519", pair.private, payload))
    rate("ed25519_verify_per_s", lambda: signer.verify("ed25519", pair.public, payload, signature))
    raw_private = Ed25519PrivateKey.from_private_bytes(pair.private)
    raw_public = raw_private.public_key()
    rate("reference_raw_ed25519_sign_per_s", lambda: raw_private.sign(payload))
    rate("reference_raw_ed25519_verify_per_s", lambda: raw_public.verify(signature, payload))

    if "sm2-sm3" not in signer.available_algorithms():
        print("  sm2-sm3: the SM2 library is not installed here, not measured")
        out.update({"sm2_sign_per_s": None, "sm2_verify_per_s": None})
        return out
    import gmssl_pyx

    pair = signer.generate_key("sm2-sm3")
    signature = signer.sign("sm2-sm3", pair.private, payload)
    assert signer.verify("sm2-sm3", pair.public, payload, signature)
    rate("sm2_sign_per_s", lambda: signer.sign("sm2-sm3", pair.private, payload))
    rate("sm2_verify_per_s", lambda: signer.verify("sm2-sm3", pair.public, payload, signature))
    scalar, public64 = pair.private[7:39], pair.public[1:]
    digest = signer.sm2_digest(pair.public, payload)
    raw_signature = gmssl_pyx.sm2_sign_sm3_digest(scalar, digest)
    rate("reference_raw_sm2_sign_digest_per_s", lambda: gmssl_pyx.sm2_sign_sm3_digest(scalar, digest))
    rate("reference_raw_sm2_verify_digest_per_s",
         lambda: gmssl_pyx.sm2_verify_sm3_digest(public64, digest, raw_signature))
    # GmSSL's own message-level call computes Z_A and e itself, far more slowly (see the README).
    out["gmssl_sm2_sign_message_per_s"] = round(best_rate(
        lambda: gmssl_pyx.sm2_sign(scalar, public64, payload), max(1, ops // 10), rounds), 1)
    print(f"  {'gmssl_sm2_sign_message_per_s':<36}{out['gmssl_sm2_sign_message_per_s']:>12,.0f} /s", flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ops", type=int, default=3000, help="calls per timed loop (default 3000)")
    parser.add_argument("--rounds", type=int, default=3, help="timed loops per figure; the best counts (3)")
    args = parser.parse_args()

    started = time.perf_counter()
    load_before = os.getloadavg()[0]
    figures = measure_signatures(args.ops, args.rounds)
    slowest_ms = max((1000 / figures[name] for name in ("ed25519_sign_per_s", "ed25519_verify_per_s",
                                                         "sm2_sign_per_s", "sm2_verify_per_s")
                      if figures.get(name)), default=None)
    summary = {
        "ops": args.ops, "rounds": args.rounds, **figures,
        "slowest_sign_or_verify_ms": round(slowest_ms, 3) if slowest_ms else None,
        "goal_sign_verify_ms": GOAL_SIGN_VERIFY_MS,
        "ok": slowest_ms is not None and slowest_ms < GOAL_SIGN_VERIFY_MS and figures.get("sm2_verify_per_s")
        is not None,
        "loadavg": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "python": platform.python_version(), "elapsed_s": round(time.perf_counter() - started, 1),
    }
    print(json.dumps(summary, ensure_ascii=False))


if __name__ == "__main__":
    main()
