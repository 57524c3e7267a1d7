"""The public tracking API over HTTP with a million cases: p50 and p99 latency at a fixed request rate.

    .venv/bin/python benchmarks/track.py [--cases 1000000] [--rate 200] [--duration 30] [--workers 4]

Builds a PostgreSQL database (BENCH_PG_URL, or a private cluster via benchmarks/_pg.py) with N cases
loaded by COPY and INSERT … SELECT (not through the services: a million life cycles would take hours),
serves the project's WSGI application with gunicorn on 127.0.0.1 (sync workers), and drives
`GET /api/v1/track?number=…&id=…` with an open-loop generator: requests leave on a fixed schedule
whatever the answers do, each on its own connection, with random existing (number, ID) pairs and about
10 % wrong pairs (a real number with another applicant's ID, or an unknown number). Latency is measured
by the client from each request's scheduled start (so a late generator counts against the server, not
for it) to the end of the answer. The same-run reference is the same load against a tiny endpoint of
the same server and stack (`GET /api/v1/_bench/ping`, mounted only in this benchmark's process, no
SQL), so what the tracking lookup itself costs is visible.

If the tracking router is not mounted in oneseal.api yet, this script mounts it (in its own server
process only). Traffic goes to 127.0.0.1 only and stops by itself. The last line printed is one JSON
object with the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import io
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

from _server import bench_application, gunicorn, request, server_env

ROOT = Path(__file__).resolve().parent.parent
GOAL_P99_MS = 25.0
SHANGHAI = dt.timezone(dt.timedelta(hours=8))

# Share of cases per status, and the timeline each status has (action, minutes after receipt, status after).
STATUSES = [("closed", 80), ("delivered", 3), ("issued", 2), ("approved", 1), ("accepted", 6), ("submitted", 2),
            ("refused", 4), ("withdrawn", 2)]
_DONE = [("submitted", 0, "submitted"), ("accepted", 60, "accepted"), ("task_completed", 2 * 1440, "accepted"),
         ("approved", 3 * 1440, "approved"), ("issued", 4 * 1440, "issued"), ("delivered", 5 * 1440, "delivered"),
         ("receipt_confirmed", 6 * 1440, "closed")]
TIMELINES = {
    "closed": _DONE, "delivered": _DONE[:6], "issued": _DONE[:5], "approved": _DONE[:4], "accepted": _DONE[:2],
    "submitted": _DONE[:1], "refused": [("submitted", 0, "submitted"), ("refused", 120, "refused")],
    "withdrawn": [("submitted", 0, "submitted"), ("accepted", 60, "accepted"), ("withdrawn", 1440, "withdrawn")],
}


# --------------------------------------------------------------------------------------------------
# The server process: gunicorn imports `track:application` (PEP 562 module __getattr__).
# --------------------------------------------------------------------------------------------------

def __getattr__(name: str):
    if name == "application":
        app = bench_application()
        globals()["application"] = app
        return app
    raise AttributeError(name)


# --------------------------------------------------------------------------------------------------
# The loader: migrate, a catalog of 20 items, N cases with their applicants, timelines and open steps.
# --------------------------------------------------------------------------------------------------

def _citizen_id(n: int) -> str:
    from stdnum.cn import ric

    birth = dt.date(1960, 1, 1) + dt.timedelta(days=n // 900)
    body = f"{random.choice(['420683', '420602', '420606', '420607'])}{birth:%Y%m%d}{n % 900 + 100:03d}"
    return body + ric.calc_check_digit(body + "0")


def _credit_code(n: int) -> str:
    from stdnum.cn import uscc

    body = f"91420683{n:09d}"
    return body + uscc.calc_check_digit(body + "0")


def _copy_text(value) -> str:
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dt.datetime):
        return value.isoformat()
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _copy(cursor, table: str, columns: list[str], rows) -> None:
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        buffer = io.StringIO()
        for count, row in enumerate(rows, 1):
            buffer.write("\t".join(_copy_text(v) for v in row) + "\n")
            if count % 20000 == 0:
                copy.write(buffer.getvalue())
                buffer = io.StringIO()
        copy.write(buffer.getvalue())


def load(n_cases: int, sample_path: str, seed: int = 7) -> dict:
    from django.core.management import call_command
    from django.db import connection, transaction

    from oneseal.cases.workflow import engine
    from oneseal.catalog import models as cm
    from oneseal.catalog.services import publish_item_version

    rng = random.Random(seed)
    random.seed(seed)
    t0 = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    with transaction.atomic():
        city = cm.Region.objects.create(code="420683", name="枣阳市", name_en="Zaoyang", level=cm.RegionLevel.CITY)
        bureau = cm.Department.objects.create(code="SPJ", name="枣阳市行政审批局", kind=cm.DepartmentKind.BUREAU,
                                              region=city)
        hall = cm.Hall.objects.create(code="ZYZWDT", name="枣阳市政务服务大厅", region=city)
        versions = []
        for i, name in enumerate(["食品经营许可", "药品零售企业经营许可", "公共场所卫生许可", "道路货物运输经营许可",
                                  "建筑工程施工许可", "排污许可", "取水许可", "城镇污水排入排水管网许可",
                                  "户外广告设施设置许可", "娱乐场所经营许可", "医疗机构执业许可", "旅馆业特种行业许可",
                                  "烟草专卖零售许可", "农药经营许可", "兽药经营许可", "林木采伐许可",
                                  "出版物零售许可", "民办学校办学许可", "人力资源服务许可", "危险化学品经营许可"]):
            item = cm.ServiceItem.objects.create(
                code=f"420683-XK-{i:05d}", name=name + "证核发", item_type=cm.ItemType.LICENSING,
                implementing_body=bureau, original_department=bureau, supervising_department=bureau,
                legal_basis="《中华人民共和国行政许可法》", conditions="申请人符合法定条件。", statutory_limit=20,
                committed_limit=rng.choice([3, 5, 10]), procedure="standard", place="枣阳市政务服务大厅",
                office_hours="工作日 08:30-12:00, 14:30-17:30", consultation_channel="0710-6222222",
                complaint_channel="12345", visits_required=1, online_depth=cm.OnlineDepth.PRE_REVIEW, is_free=True)
            versions.append((item.pk, publish_item_version(actor=None, item=item, note="benchmark").pk,
                             item.committed_limit))
    open_state = json.dumps(engine.start("standard"), ensure_ascii=False)
    t1 = time.perf_counter()

    n_applicants = max(1, int(n_cases * 0.8))
    ids: list[str] = []
    now = dt.datetime.now(SHANGHAI)

    def applicants():
        for n in range(n_applicants):
            org = n % 7 == 0  # about one applicant in seven is an organisation
            number = _credit_code(n) if org else _citizen_id(n)
            ids.append(number)
            yield ("organisation" if org else "person", f"申请人{n}", number, "法定代表人" if org else "",
                   f"139{n:08d}"[-11:], None, now)

    statuses, weights = zip(*STATUSES, strict=True)
    start_day = dt.date.today() - dt.timedelta(days=3 * 365)
    per_day = max(1, n_cases // (3 * 365) + 1)
    status_of: list[str] = []

    def cases():
        for i in range(n_cases):
            day = start_day + dt.timedelta(days=i // per_day)
            serial = i % per_day + 1
            status = rng.choices(statuses, weights)[0]
            status_of.append(status)
            item_id, version_id, limit = versions[rng.randrange(len(versions))]
            submitted = dt.datetime.combine(day, dt.time(8, 30), SHANGHAI) + dt.timedelta(minutes=rng.randrange(480))
            accepted = submitted + dt.timedelta(hours=1) if status not in ("submitted", "refused") else None
            decided = submitted + dt.timedelta(days=3) if status in ("closed", "delivered", "issued", "approved") \
                else None
            closed = submitted + dt.timedelta(days=6) if status == "closed" else \
                submitted + dt.timedelta(hours=2) if status == "refused" else \
                submitted + dt.timedelta(days=1) if status == "withdrawn" else None
            yield (f"420683-{day:%Y%m%d}-{serial:05d}", item_id, version_id, rng.randrange(n_applicants) + 1,
                   rng.choice(["window", "online", "online", "mobile"]), hall.pk, status,
                   '{"shop_name": "老张面馆", "area": 45}', submitted, None, accepted, False, None, limit,
                   "working_days", 0, "", None, accepted + dt.timedelta(days=limit + 2) if accepted else None, False,
                   "standard", open_state if status == "accepted" else "{}", decided,
                   decided + dt.timedelta(days=1) if status in ("closed", "delivered", "issued") else None,
                   decided + dt.timedelta(days=2) if status in ("closed", "delivered") else None, closed, None, "",
                   "", "[]")

    with connection.cursor() as django_cursor:
        cursor = django_cursor.cursor  # psycopg's own cursor, for COPY
        cursor.execute("SET maintenance_work_mem = '256MB'")
        _copy(cursor, "cases_applicant", ["kind", "name", "id_number", "legal_representative", "phone", "user_id",
                                          "created_at"], applicants())
        _copy(cursor, "cases_case", [
            "number", "item_id", "item_version_id", "applicant_id", "channel", "hall_id", "status", "form_data",
            "submitted_at", "submitted_by_id", "accepted_at", "deemed_accepted", "accepted_by_id", "limit_amount",
            "limit_unit", "extension_days", "extension_reason", "extension_approved_by_id", "due_at",
            "due_provisional", "procedure", "workflow_state", "decided_at", "issued_at", "delivered_at",
            "closed_at", "idempotency_key", "request_hash", "commitment_ref", "waived_materials"], cases())
        t2 = time.perf_counter()
        cursor.execute("CREATE TEMP TABLE bench_timeline (status text, ord int, action text, minutes int, "
                       "status_after text)")
        _copy(cursor, "bench_timeline", ["status", "ord", "action", "minutes", "status_after"],
              [(s, i, a, m, after) for s, steps in TIMELINES.items() for i, (a, m, after) in enumerate(steps)])
        cursor.execute(
            "INSERT INTO cases_caseevent (case_id, at, action, actor_id, status_after, note, data) "
            "SELECT c.id, c.submitted_at + t.minutes * interval '1 minute', t.action, NULL, t.status_after, '', "
            "CASE WHEN t.action = 'task_completed' THEN '{\"task\": \"review\", \"title\": \"Review\"}'::jsonb "
            "ELSE '{}'::jsonb END FROM cases_case c JOIN bench_timeline t ON t.status = c.status "
            "ORDER BY c.id, t.ord")
        events = cursor.rowcount
        cursor.execute(
            "INSERT INTO cases_casetask (case_id, task_id, spec_name, title, lane, kind, special_procedure, "
            "department_id, ready_at, completed_at, completed_by_id) "
            "SELECT c.id, gen_random_uuid()::text, 'review', 'Review', 'approver', 'review', '', %s, c.accepted_at, "
            "NULL, NULL FROM cases_case c WHERE c.status = 'accepted'", [bureau.pk])
        t3 = time.perf_counter()
        cursor.execute("VACUUM ANALYZE")  # what autovacuum does soon after a bulk load
        # Write the loaded pages out now rather than in a checkpoint during the measured phases: a server
        # in service has no gigabytes of fresh bulk load waiting to be written.
        cursor.execute("CHECKPOINT")
        t4 = time.perf_counter()
        picks = rng.sample(range(1, n_cases + 1), min(n_cases, 20000))
        cursor.execute("SELECT c.number, a.id_number FROM cases_case c JOIN cases_applicant a ON a.id = c.applicant_id "
                       "WHERE c.id = ANY(%s)", [picks])
        pairs = cursor.fetchall()
    Path(sample_path).write_text(json.dumps({"pairs": pairs, "ids": rng.sample(ids, min(len(ids), 20000))}))
    return {"cases": n_cases, "applicants": n_applicants, "events": events, "catalog_s": round(t1 - t0, 1),
            "copy_s": round(t2 - t1, 1), "timeline_s": round(t3 - t2, 1), "vacuum_s": round(t4 - t3, 1),
            "load_s": round(t4 - t0, 1)}


# --------------------------------------------------------------------------------------------------
# The client: an open-loop generator on raw sockets.
# --------------------------------------------------------------------------------------------------

async def open_loop(port: int, requests: list[tuple[str, int]], rate: float, timeout: float = 5.0) -> dict:
    """Send requests[i] at start + i/rate whatever happens to the others. Each request is (path, expected
    status); an answer with another status, a timeout or a broken connection is an error."""
    latencies: list[float] = []
    errors: dict[str, int] = {}
    lags: list[float] = []

    async def one(path: str, expected: int, scheduled: float) -> None:
        lags.append(time.perf_counter() - scheduled)
        try:
            status, _body = await request(port, path, timeout)
        except (TimeoutError, OSError) as error:
            errors[type(error).__name__] = errors.get(type(error).__name__, 0) + 1
            return
        latencies.append((time.perf_counter() - scheduled) * 1000)
        if status != expected:
            errors[f"status {status}"] = errors.get(f"status {status}", 0) + 1

    tasks = []
    start = time.perf_counter() + 0.2
    for i, (path, expected) in enumerate(requests):
        scheduled = start + i / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(path, expected, scheduled)))
    await asyncio.gather(*tasks)
    latencies.sort()

    def pct(p: float) -> float | None:
        return round(latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))], 2) if latencies else None

    return {"sent": len(requests), "answered": len(latencies), "errors": sum(errors.values()), "error_kinds": errors,
            "p50_ms": pct(50), "p90_ms": pct(90), "p99_ms": pct(99), "max_ms": round(latencies[-1], 2) if latencies
            else None, "achieved_rate": round(len(requests) / (time.perf_counter() - start), 1),
            "max_send_lag_ms": round(max(lags) * 1000, 2) if lags else None}


def track_requests(sample: dict, count: int, rng: random.Random) -> list[tuple[str, int]]:
    pairs, ids = sample["pairs"], sample["ids"]
    out = []
    for _ in range(count):
        number, id_number = rng.choice(pairs)
        expected = 200
        roll = rng.random()
        if roll < 0.05:  # a real number with someone else's ID
            other = rng.choice(ids)
            id_number, expected = other, 200 if other == id_number else 404
        elif roll < 0.10:  # an unknown number (serial past any day's cases)
            number, expected = number[:-5] + "99999", 404
        out.append((f"/api/v1/track?number={quote(number)}&id={quote(id_number)}", expected))
    return out


# --------------------------------------------------------------------------------------------------
# Parent.
# --------------------------------------------------------------------------------------------------

def measure(server: str, args: argparse.Namespace) -> dict:
    from _pg import fresh_database

    with tempfile.TemporaryDirectory(prefix="oneseal-bench-") as var, \
            fresh_database(server, f"oneseal_bench_track_{os.getpid()}") as url:
        env = server_env(var, url)
        sample_path = os.path.join(var, "sample.json")
        print(f"loading {args.cases} cases …", flush=True)
        done = subprocess.run([sys.executable, __file__, "--load", "--cases", str(args.cases), "--sample", sample_path],
                              env=env, cwd=ROOT, capture_output=True, text=True, timeout=3600)
        sys.stderr.write(done.stderr)
        if done.returncode != 0:
            raise RuntimeError(f"loader failed: {done.stderr.strip()[-2000:]}")
        loaded = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"loaded: {loaded}", flush=True)
        sample = json.loads(Path(sample_path).read_text())
        rng = random.Random(11)
        count = int(args.rate * args.duration)
        with gunicorn("track:application", env, args.workers, args.threads) as port:
            warm = max(1, int(args.rate * args.warmup))
            asyncio.run(open_loop(port, [("/api/v1/_bench/ping", 200)] * warm, args.rate))
            asyncio.run(open_loop(port, track_requests(sample, warm, rng), args.rate))
            load_before = os.getloadavg()[0]
            reference = asyncio.run(open_loop(port, [("/api/v1/_bench/ping", 200)] * count, args.rate))
            tracking = asyncio.run(open_loop(port, track_requests(sample, count, rng), args.rate))
            load_after = os.getloadavg()[0]
    return {"loaded": loaded, "reference": reference, "tracking": tracking,
            "loadavg": [round(load_before, 2), round(load_after, 2)]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000, help="cases in the database (default 1000000)")
    parser.add_argument("--rate", type=float, default=200.0, help="requests per second (default 200)")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds per measured phase (default 30)")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of untimed load per endpoint first (3)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    parser.add_argument("--threads", type=int, default=1, help="threads per worker; >1 uses gthread (default 1)")
    parser.add_argument("--load", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--sample", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load:
        sys.path.insert(0, str(ROOT / "src"))
        import django

        django.setup()
        print(json.dumps(load(args.cases, args.sample)))
        return

    from _pg import PostgresUnavailable, private_cluster

    started = time.perf_counter()
    base = {"cases": args.cases, "rate": args.rate, "duration_s": args.duration, "workers": args.workers,
            "threads": args.threads, "goal_p99_ms": GOAL_P99_MS}
    try:
        with contextlib.ExitStack() as stack:
            server = os.environ.get("BENCH_PG_URL") or stack.enter_context(private_cluster())
            result = measure(server, args)
    except PostgresUnavailable as error:
        print("\n" + "!" * 100 + f"\n!! PostgreSQL NOT AVAILABLE, nothing measured: {error}\n" + "!" * 100 + "\n")
        print(json.dumps({**base, "track_p50_ms": None, "track_p99_ms": None, "ok": False,
                          "postgres_error": str(error)}))
        return
    t, r = result["tracking"], result["reference"]
    print(f"\nGET /api/v1/track over HTTP, gunicorn {args.workers} worker(s) × {args.threads} thread(s) on 127.0.0.1, "
          f"{args.cases:,} cases in PostgreSQL, open loop at {args.rate:.0f} req/s for {args.duration:.0f} s, "
          f"one connection per request; latency from each request's scheduled start\n")
    print(f"{'endpoint':<34}{'p50':>9}{'p90':>9}{'p99':>9}{'max':>9}{'errors':>8}{'rate':>8}{'lag':>9}")
    for label, row in (("GET /api/v1/track (~10 % wrong)", t), ("GET /api/v1/_bench/ping (ref.)", r)):
        print(f"{label:<34}{row['p50_ms']:>7.1f}ms{row['p90_ms']:>7.1f}ms{row['p99_ms']:>7.1f}ms{row['max_ms']:>7.0f}ms"
              f"{row['errors']:>8}{row['achieved_rate']:>8.0f}{row['max_send_lag_ms']:>7.1f}ms")
    print(f"\ntracking overhead over the reference: p50 +{t['p50_ms'] - r['p50_ms']:.1f} ms, "
          f"p99 +{t['p99_ms'] - r['p99_ms']:.1f} ms; goal p99 ≤ {GOAL_P99_MS:.0f} ms")
    print(f"load average before/after the measured phases: {result['loadavg']}; total "
          f"{time.perf_counter() - started:.0f} s\n")
    summary = {**base, "loaded": result["loaded"],
               "track_p50_ms": t["p50_ms"], "track_p99_ms": t["p99_ms"], "track_errors": t["errors"],
               "track_error_kinds": t["error_kinds"], "ref_endpoint": "/api/v1/_bench/ping",
               "ref_p50_ms": r["p50_ms"], "ref_p99_ms": r["p99_ms"], "ref_errors": r["errors"],
               "achieved_rate": t["achieved_rate"], "loadavg": result["loadavg"],
               "ok": t["p99_ms"] is not None and t["p99_ms"] <= GOAL_P99_MS and t["errors"] == 0}
    print(json.dumps(summary, ensure_ascii=False))


if __name__ == "__main__":
    main()
