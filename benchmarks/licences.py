"""Licence signatures and the public verification API.

    .venv/bin/python benchmarks/licences.py [--ops 3000] [--rounds 3] [--licences 40] [--rate 200]
        [--duration 20] [--warmup 3] [--workers 4] [--db postgres|sqlite] [--no-api]

1. Sign and verify per second for Ed25519 and SM2-with-SM3 through `oneseal.kernel.signer`, beside
   same-run references (SHA-256 of the same payload; cryptography's raw Ed25519 and GmSSL's raw SM2
   over a ready digest, without our wrapper). Each figure is the best of `--rounds` timed loops of
   `--ops` calls on one core (the best, as timeit reports: the other cores' load only ever slows a
   loop down). The payload is a licence record as the licences app signs it: canonical JSON of about
   600 bytes with Chinese text.
2. `GET /api/v1/licences/{number}/verify` over HTTP: a fresh database (PostgreSQL: BENCH_PG_URL or a
   private cluster via benchmarks/_pg.py; or SQLite with `--db sqlite`) gets `--licences` licences
   per algorithm issued through `licenses.services.issue_licence` (number, signature, QR payload,
   sealed PDF, audit, event: the real command); gunicorn serves the project on 127.0.0.1 and an
   open-loop client (track.py's) sends `--rate` requests per second for `--duration` seconds to the
   verification of random Ed25519 licences, then of SM2 ones, after the same load on a tiny endpoint
   of the same server (`/api/v1/_bench/ping`, mounted only in this benchmark's server) as the
   reference. Latency runs from each request's scheduled start to the end of the answer.

Traffic goes to 127.0.0.1 only and stops by itself. The last line printed is one JSON object with
the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from _server import PING, bench_application, gunicorn, request, server_env

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oneseal.settings")

GOAL_SIGN_VERIFY_MS = 1.0  # ARCHITECTURE.md: a compiled SM2 library, well under 1 ms per sign and verify
GOAL_VERIFY_P99_MS = 25.0  # the same bar as the public tracking lookup (track.py)


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


# --------------------------------------------------------------------------------------------------
# The verification API. The server process: gunicorn imports `licences:application` (PEP 562).
# --------------------------------------------------------------------------------------------------

def __getattr__(name: str):
    if name == "application":
        app = bench_application()
        globals()["application"] = app
        return app
    raise AttributeError(name)


def load(per_algorithm: int, sample_path: str) -> dict:
    """Migrate, then one issuing department, one licence type and `per_algorithm` licences per
    algorithm issued through the licences app's own command."""
    import datetime as dt

    from django.conf import settings
    from django.core.management import call_command
    from django.db import transaction

    from oneseal.cases.models import Applicant
    from oneseal.catalog import models as cm
    from oneseal.kernel import signer
    from oneseal.licenses import services
    from oneseal.licenses.models import LicenceType
    from track import _citizen_id, _credit_code

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    with transaction.atomic():
        city = cm.Region.objects.create(code="420683", name="枣阳市", name_en="Zaoyang", level=cm.RegionLevel.CITY)
        bureau = cm.Department.objects.create(code="SPJ", name="枣阳市行政审批局", kind=cm.DepartmentKind.BUREAU,
                                              region=city)
        licence_type = LicenceType.objects.create(
            code="SPJY", name="食品经营许可证", name_en="Food business licence", issuing_department=bureau,
            validity_days=5 * 365, fields=[{"name": "shop_name", "label": "经营者名称", "source": "applicant.name"},
                                           {"name": "id_number", "label": "统一社会信用代码",
                                            "source": "applicant.id_number"}])
        holders = [Applicant.objects.create(kind="organisation", name=f"枣阳市第{n}号老张面馆有限公司",
                                            id_number=_credit_code(n), legal_representative="张建国")
                   if n % 2 else Applicant.objects.create(kind="person", name=f"张三{n}", id_number=_citizen_id(n))
                   for n in range(per_algorithm)]
    t1 = time.perf_counter()
    numbers: dict[str, list[str]] = {}
    issue_s: dict[str, float] = {}
    start_day = services.local_today() - dt.timedelta(days=30)
    for algorithm in signer.available_algorithms():
        settings.ONESEAL_SIGNING_ALGORITHM = algorithm
        started = time.perf_counter()
        numbers[algorithm] = [
            services.issue_licence(actor=None, licence_type=licence_type, holder=holder, issuer=bureau,
                                   data={"shop_name": holder.name, "address": "湖北省枣阳市北城街道人民路 88 号",
                                         "business_scope": "热食类食品制售；冷食类食品制售"},
                                   valid_from=start_day).number
            for holder in holders]
        issue_s[algorithm] = time.perf_counter() - started
    Path(sample_path).write_text(json.dumps(numbers))
    return {"licences": {a: len(n) for a, n in numbers.items()}, "setup_s": round(t1 - t0, 1),
            "issue_per_s": {a: round(len(numbers[a]) / issue_s[a], 1) for a in numbers},
            "inprocess_ms": {a: in_process_ms(n) for a, n in numbers.items()}}


def in_process_ms(numbers: list[str], calls: int = 200, rounds: int = 3) -> float:
    """The verify API's own cost without HTTP or queueing: ms per call through Django's test client
    (middleware, ninja, selectors, signature), the best of `rounds` loops."""
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    assert client.get(_verify_path(numbers[0])).status_code == 200
    return round(1000 / best_rate(lambda: client.get(_verify_path(random.choice(numbers))), calls, rounds), 2)


@contextlib.contextmanager
def _database(kind: str) -> Iterator[tuple[str | None, str]]:
    """(DATABASE_URL or None for SQLite under ONESEAL_VAR, a label)."""
    if kind == "sqlite":
        yield None, "SQLite"
        return
    from _pg import fresh_database, private_cluster

    with contextlib.ExitStack() as stack:
        server = os.environ.get("BENCH_PG_URL") or stack.enter_context(private_cluster())
        yield stack.enter_context(fresh_database(server, f"oneseal_bench_licences_{os.getpid()}")), "PostgreSQL"


def _verify_path(number: str) -> str:
    return f"/api/v1/licences/{number}/verify"


def _first_answer(port: int, number: str) -> tuple[int, dict | None]:
    status, data = asyncio.run(request(port, _verify_path(number), 5))
    try:
        return status, json.loads(data.split(b"\r\n\r\n", 1)[1])
    except (IndexError, ValueError):
        return status, None


async def tagged_open_loop(port: int, requests: list[tuple[str, str, bytes]], rate: float,
                           timeout: float = 5.0) -> dict[str, dict]:
    """Send requests[i] = (tag, path, expected text in a 200 answer) at start + i/rate whatever happens
    to the others (open loop, as track.py's), and give latency figures per tag. A status other than
    200, an answer without the expected text, a timeout or a broken connection is an error."""
    latencies: dict[str, list[float]] = {tag: [] for tag, _path, _text in requests}
    errors: dict[str, dict[str, int]] = {tag: {} for tag in latencies}
    lags: list[float] = []

    def error(tag: str, kind: str) -> None:
        errors[tag][kind] = errors[tag].get(kind, 0) + 1

    async def one(tag: str, path: str, expected: bytes, scheduled: float) -> None:
        lags.append(time.perf_counter() - scheduled)
        try:
            status, body = await request(port, path, timeout)
        except (TimeoutError, OSError) as failure:
            error(tag, type(failure).__name__)
            return
        latencies[tag].append((time.perf_counter() - scheduled) * 1000)
        if status != 200:
            error(tag, f"status {status}")
        elif expected not in body:
            error(tag, "unexpected answer")

    tasks = []
    start = time.perf_counter() + 0.2
    for i, (tag, path, expected) in enumerate(requests):
        scheduled = start + i / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(tag, path, expected, scheduled)))
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - start
    verify_tags = [tag for tag in latencies if not tag.startswith("ping")]
    if len(verify_tags) > 1:  # and every verification together
        every: dict[str, int] = {}
        for tag in verify_tags:
            for kind, n in errors[tag].items():
                every[kind] = every.get(kind, 0) + n
        latencies["all"] = [value for tag in verify_tags for value in latencies[tag]]
        errors["all"] = every
    out = {}
    for tag, values in latencies.items():
        values.sort()

        def pct(p: float, values: list[float] = values) -> float | None:
            return round(values[min(len(values) - 1, int(p / 100 * len(values)))], 2) if values else None

        sent = sum(1 for request in requests if request[0] == tag or (tag == "all" and request[0] in verify_tags))
        out[tag] = {"sent": sent, "answered": len(values), "errors": sum(errors[tag].values()),
                    "error_kinds": errors[tag], "p50_ms": pct(50), "p90_ms": pct(90), "p99_ms": pct(99),
                    "max_ms": round(values[-1], 2) if values else None, "achieved_rate": round(sent / elapsed, 1),
                    "max_send_lag_ms": round(max(lags) * 1000, 2) if lags else None}
    return out


VALID = b'"verdict": "valid"'


PINGS_EVERY = 10  # in the verification stream, one ping after every 10 verifications


def _verify_requests(numbers: dict[str, list[str]], count: int, rng: random.Random) -> list[tuple[str, str, bytes]]:
    """`count` verifications of random licences, the algorithms interleaved at random in one stream so
    that both see the same load on the machine, with a ping after every PINGS_EVERY of them: the
    reference measured in the same seconds and the same server queue."""
    algorithms = sorted(numbers)
    out = []
    for i in range(count):
        algorithm = rng.choice(algorithms)
        out.append((algorithm, _verify_path(rng.choice(numbers[algorithm])), VALID))
        if i % PINGS_EVERY == PINGS_EVERY - 1:
            out.append(("ping_in_stream", PING, b'"ok"'))
    return out


def measure_api(args: argparse.Namespace) -> dict:
    with tempfile.TemporaryDirectory(prefix="oneseal-bench-") as var, _database(args.db) as (url, label):
        env = server_env(var, url)
        sample_path = os.path.join(var, "sample.json")
        print(f"\nissuing {args.licences} licences per algorithm through the licences app ({label}) …", flush=True)
        done = subprocess.run([sys.executable, __file__, "--load", "--licences", str(args.licences), "--sample",
                               sample_path], env=env, cwd=ROOT, capture_output=True, text=True, timeout=3600)
        if done.returncode != 0:
            raise RuntimeError(f"loader failed: {done.stderr.strip()[-3000:]}")
        loaded = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"loaded: {loaded}", flush=True)
        numbers: dict[str, list[str]] = json.loads(Path(sample_path).read_text())
        rng = random.Random(7)
        count = int(args.rate * args.duration)
        warm = max(1, int(args.rate * args.warmup))
        ping = [("reference", PING, b'"ok"')]
        with gunicorn("licences:application", env, args.workers) as port:
            verdicts = {}
            for algorithm, sample in numbers.items():
                status, body = _first_answer(port, sample[0])
                verdicts[algorithm] = (status, body)
                if status != 200 or not body or body.get("verdict") != "valid":
                    return {"db": label, "loaded": loaded, "api_missing": True,
                            "first_answer": {a: [s, b] for a, (s, b) in verdicts.items()}}
            print("first answers: " + ", ".join(f"{a} {b['number']} {b['verdict']}" for a, (_s, b) in verdicts.items()),
                  flush=True)
            asyncio.run(tagged_open_loop(port, ping * warm, args.rate))
            asyncio.run(tagged_open_loop(port, _verify_requests(numbers, warm, rng), args.rate * (PINGS_EVERY + 1) / PINGS_EVERY))
            load_before = os.getloadavg()[0]
            reference = asyncio.run(tagged_open_loop(port, ping * count, args.rate))
            verifications = asyncio.run(tagged_open_loop(port, _verify_requests(numbers, count, rng),
                                                         args.rate * (PINGS_EVERY + 1) / PINGS_EVERY))
            load_after = os.getloadavg()[0]
    return {"db": label, "loaded": loaded, "api_missing": False, **reference, **verifications,
            "loadavg": [round(load_before, 2), round(load_after, 2)]}


def api_figures(args: argparse.Namespace) -> dict:
    """Run the API phase and print its table; the figures for the JSON line."""
    from _pg import PostgresUnavailable

    empty = {"verify_api_p50_ms": None, "verify_api_p99_ms": None, "reference_p50_ms": None,
             "reference_p99_ms": None}
    try:
        result = measure_api(args)
    except PostgresUnavailable as error:
        print(f"\n!! PostgreSQL NOT AVAILABLE, verify API not measured ({error}); try --db sqlite\n")
        return {**empty, "verify_api": "not measured: PostgreSQL unavailable", "postgres_error": str(error)}
    if result["api_missing"]:
        print(f"\n!! GET /api/v1/licences/{{number}}/verify does not answer 200 with verdict 'valid' yet: "
              f"{result['first_answer']}; verify API not measured\n")
        return {**empty, "verify_api": "missing", "first_answer": result["first_answer"], "db": result["db"],
                "issue_per_s": result["loaded"]["issue_per_s"]}
    ref, ed, sm2 = result["reference"], result["ed25519"], result.get("sm2-sm3")
    every, in_stream = result.get("all", ed), result["ping_in_stream"]
    print(f"\nGET /api/v1/licences/{{number}}/verify over HTTP, gunicorn {args.workers} sync worker(s) on "
          f"127.0.0.1, {result['db']}, open loop at {args.rate:.0f} verifications/s for {args.duration:.0f} s (the "
          f"algorithms' licences interleaved at random in one stream, with a ping after every {PINGS_EVERY}; the "
          f"reference alone at the same rate in its own phase before), one connection per request; latency from "
          f"each request's scheduled start\n")
    print(f"{'endpoint':<34}{'p50':>9}{'p90':>9}{'p99':>9}{'max':>9}{'errors':>8}{'rate':>8}{'lag':>9}")
    rows = [("verify, all licences", every), ("  of which Ed25519 licences", ed), ("  of which SM2 licences", sm2),
            ("ping within the verify stream", in_stream), ("GET /api/v1/_bench/ping (ref.)", ref)]
    for label, row in rows:
        if row is None:
            continue
        print(f"{label:<34}{row['p50_ms']:>7.1f}ms{row['p90_ms']:>7.1f}ms{row['p99_ms']:>7.1f}ms"
              f"{row['max_ms']:>7.0f}ms{row['errors']:>8}{row['achieved_rate']:>8.0f}{row['max_send_lag_ms']:>7.1f}ms")
    print(f"\nverification overhead over the reference: p50 +{every['p50_ms'] - ref['p50_ms']:.1f} ms, p99 "
          f"+{every['p99_ms'] - ref['p99_ms']:.1f} ms; goal p99 ≤ {GOAL_VERIFY_P99_MS:.0f} ms")
    print(f"the same verification in-process (Django test client, no HTTP, no queue), ms per call: "
          f"{result['loaded']['inprocess_ms']}")
    print(f"load average before/after the measured phases: {result['loadavg']}; licences issued through the "
          f"service per second: {result['loaded']['issue_per_s']}\n")
    return {
        "verify_api": "measured", "db": result["db"], "rate": args.rate, "duration_s": args.duration,
        "workers": args.workers, "licences_per_algorithm": args.licences,
        "issue_per_s": result["loaded"]["issue_per_s"], "verify_inprocess_ms": result["loaded"]["inprocess_ms"],
        "verify_api_p50_ms": every["p50_ms"], "verify_api_p99_ms": every["p99_ms"],
        "verify_api_errors": every["errors"], "verify_api_error_kinds": every["error_kinds"],
        "verify_api_ed25519_p50_ms": ed["p50_ms"], "verify_api_ed25519_p99_ms": ed["p99_ms"],
        "verify_api_sm2_p50_ms": sm2["p50_ms"] if sm2 else None,
        "verify_api_sm2_p99_ms": sm2["p99_ms"] if sm2 else None,
        "reference_endpoint": PING, "reference_p50_ms": ref["p50_ms"], "reference_p99_ms": ref["p99_ms"],
        "reference_errors": ref["errors"], "reference_in_stream_p50_ms": in_stream["p50_ms"],
        "reference_in_stream_p99_ms": in_stream["p99_ms"], "achieved_rate": every["achieved_rate"],
        "goal_verify_p99_ms": GOAL_VERIFY_P99_MS,
        "verify_api_ok": every["p99_ms"] is not None and every["p99_ms"] <= GOAL_VERIFY_P99_MS
        and every["errors"] == 0,
        "api_loadavg": result["loadavg"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ops", type=int, default=3000, help="calls per timed loop (default 3000)")
    parser.add_argument("--rounds", type=int, default=3, help="timed loops per figure; the best counts (3)")
    parser.add_argument("--licences", type=int, default=40, help="licences issued per algorithm (default 40)")
    parser.add_argument("--rate", type=float, default=200.0, help="verify requests per second (default 200)")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per measured phase (default 20)")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of untimed load per endpoint first (3)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (default 4)")
    parser.add_argument("--db", choices=["postgres", "sqlite"], default="postgres",
                        help="database of the API phase (default postgres: BENCH_PG_URL or a private cluster)")
    parser.add_argument("--no-api", dest="api", action="store_false", help="sign/verify figures only")
    parser.add_argument("--load", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--sample", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load:
        import django

        django.setup()
        print(json.dumps(load(args.licences, args.sample)))
        return

    started = time.perf_counter()
    load_before = os.getloadavg()[0]
    figures = measure_signatures(args.ops, args.rounds)
    api = api_figures(args) if args.api else {"verify_api": "not measured (--no-api)"}
    slowest_ms = max((1000 / figures[name] for name in ("ed25519_sign_per_s", "ed25519_verify_per_s",
                                                         "sm2_sign_per_s", "sm2_verify_per_s")
                      if figures.get(name)), default=None)
    summary = {
        "ops": args.ops, "rounds": args.rounds, **figures,
        "slowest_sign_or_verify_ms": round(slowest_ms, 3) if slowest_ms else None,
        "goal_sign_verify_ms": GOAL_SIGN_VERIFY_MS,
        "ok": slowest_ms is not None and slowest_ms < GOAL_SIGN_VERIFY_MS and figures.get("sm2_verify_per_s")
        is not None and api.get("verify_api_ok", True) is not False,
        **api,
        "loadavg": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "python": platform.python_version(), "elapsed_s": round(time.perf_counter() - started, 1),
    }
    print(json.dumps(summary, ensure_ascii=False))


if __name__ == "__main__":
    main()
