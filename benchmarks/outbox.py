"""The outbox kill test: webhook deliveries while the worker is killed with SIGKILL and restarted.

    .venv/bin/python benchmarks/outbox.py [--events 100000] [--kill-every 3] [--batch 200]
                                          [--max-seconds 420]

What it does, on PostgreSQL (a fresh database on BENCH_PG_URL, or a private cluster this script starts:
benchmarks/_pg.py, loopback, fsync=off):

1. Migrates; makes a supervising department, a regulator, and two webhook endpoints through
   `sharing.services.create_webhook_endpoint` (each with its own signing secret), pointing at two
   receiver processes on 127.0.0.1 (`python -m oneseal.sharing.webhook_receiver`: stdlib HTTP/1.1
   keep-alive; verifies every signature, deduplicates by X-OneSeal-Event-Id, counts).
2. Reference (same run, no kills): N `sharing.push_created` events, each with one delivery to the first
   endpoint, are written as `events.record` writes them (a DomainEvent and its EventDelivery rows, in
   bulk: recording 2 × N events one by one would only time the loader), then one worker,
   `oneseal events dispatch --loop --batch B`, delivers them; timed until no delivery is pending.
3. Kill test: N more events to the second endpoint; the same worker command is started, killed with
   SIGKILL after `--kill-every` seconds (±50 %, at random) of delivering — counted from its first
   committed delivery, so every kill lands on a worker at work rather than in Django's start-up (1-3 s on
   this machine) — and started again at once, until no delivery is pending (or `--max-seconds` passes).
4. Prints, for both runs: events, requests the receiver got (sent), distinct events received,
   duplicates absorbed, lost (= events − distinct received), deliveries left pending or given up,
   kills, elapsed seconds and deliveries per second. Goal: lost = 0 under kills.

The last line is one JSON object: `events`, `sent`, `received`, `duplicates`, `lost`, `kills`,
`elapsed_s`, `deliveries_per_s`, `pending`, `dead`, `rejected` (bad signatures), `incomplete` (requests
cut off by a kill), the reference's
`ref_*` figures, and `ok` (lost == 0 and nothing pending).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))


def _env(database_url: str, var: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": database_url, "ONESEAL_VAR": var, "DEBUG": "0", "LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "oneseal.settings", "PYTHONPATH": str(ROOT / "src")}


# --------------------------------------------------------------------------------------------------
# Inside a Django process: setup and loading.
# --------------------------------------------------------------------------------------------------

def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oneseal.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def setup(urls: list[str]) -> None:
    """Migrate, make the department, a regulator and one endpoint per receiver URL; print their ids and
    secrets as JSON (the parent hands the secrets to the receivers, as a regulator would configure them)."""
    _django()
    from django.core.management import call_command

    from oneseal.accounts.roles import RoleCode
    from oneseal.accounts.services import create_staff_member, sync_roles
    from oneseal.catalog import models as cm
    from oneseal.sharing.services import create_webhook_endpoint

    call_command("migrate", verbosity=0, interactive=False)
    sync_roles()
    region = cm.Region.objects.create(code="420683", name="枣阳市", level=cm.RegionLevel.CITY)
    market = cm.Department.objects.create(code="SJJ", name="枣阳市市场监督管理局", kind=cm.DepartmentKind.LINE,
                                          region=region)
    regulator, _profile = create_staff_member(actor=None, username="bench-regulator", password="Bench-2026-pass",
                                              full_name="监管员", role=RoleCode.REGULATOR, department=market,
                                              region=region)
    out = []
    for n, url in enumerate(urls):
        endpoint, secret = create_webhook_endpoint(actor=regulator, department=market, name=f"receiver {n}", url=url)
        out.append({"endpoint": endpoint.pk, "secret": secret})
    print(json.dumps(out))


def load(endpoint: int, count: int, chunk: int = 5000) -> None:
    """Write `count` sharing.push_created events with one pending delivery each to `endpoint`."""
    _django()
    from django.db import transaction
    from django.utils import timezone

    from oneseal.kernel.event_models import DomainEvent, EventDelivery

    started = time.perf_counter()
    now = timezone.now()
    target = f"sharing.webhook:{endpoint}"
    for first in range(0, count, chunk):
        with transaction.atomic():
            batch = [DomainEvent(id=uuid.uuid4(), topic="sharing.push_created", aggregate=f"sharing.RegulatorPush:{n}",
                                 occurred_at=now,
                                 payload={"push": n, "kind": "approved", "department": "SJJ",
                                          "issuing_department": "SPJ",
                                          "item": {"code": "420683-XK-00001", "name": "食品经营许可"},
                                          "case_number": f"420683-20261125-{n:06d}", "licence_number": "",
                                          "subject": "张三", "occurred_at": now.isoformat(),
                                          "pushed_at": now.isoformat(), "claim_due_at": now.isoformat(),
                                          "source_topic": "cases.approved", "data": {"status": "approved"}})
                     for n in range(first, min(first + chunk, count))]
            DomainEvent.objects.bulk_create(batch)
            EventDelivery.objects.bulk_create([EventDelivery(event=e, subscriber=target, next_attempt_at=now)
                                               for e in batch])
    print(json.dumps({"loaded": count, "seconds": time.perf_counter() - started}))


# --------------------------------------------------------------------------------------------------
# The parent: database, receivers, workers, the kill loop, the report.
# --------------------------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _python(argv: list[str], env: dict[str, str], timeout: float = 900) -> dict:
    result = subprocess.run([sys.executable, __file__, *argv], env=env, cwd=ROOT, capture_output=True, text=True,
                            timeout=timeout)
    if result.returncode != 0:
        raise RuntimeError(f"{argv[0]} failed: {result.stderr.strip()[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


class ReceiverProcess:
    def __init__(self, env: dict[str, str]) -> None:
        self.port = _free_port()
        self.env = env
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def start(self, secret: str) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "oneseal.sharing.webhook_receiver", "--port",
                                      str(self.port), "--secret", secret], env=self.env, cwd=ROOT,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.proc.stdout.readline()  # {"url": …} once listening

    def stats(self) -> dict:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/stats", timeout=10) as answer:
            return json.loads(answer.read())

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)


def _counts(url: str, endpoint: int) -> dict[str, int]:
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
        rows = conn.execute("SELECT status, count(*) FROM kernel_eventdelivery WHERE subscriber = %s "
                            "GROUP BY status", [f"sharing.webhook:{endpoint}"]).fetchall()
    return dict(rows)


def _worker(env: dict[str, str], batch: int) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "oneseal", "events", "dispatch", "--loop", "--batch", str(batch),
                             "--every", "0.2"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)


def run_phase(url: str, env: dict[str, str], endpoint: int, receiver: ReceiverProcess, count: int, *,
              batch: int, kill_every: float | None, max_seconds: float) -> dict:
    loaded = _python(["_load", "--endpoint", str(endpoint), "--count", str(count)], env)
    started = time.perf_counter()
    kills = 0
    rng = random.Random(7)
    worker = _worker(env, batch)
    done_at_start, working_since, interval = 0, None, 0.0
    try:
        while time.perf_counter() - started < max_seconds:
            time.sleep(0.2)
            counts = _counts(url, endpoint)
            if counts.get("pending", 0) == 0:
                break
            if not kill_every:
                continue
            # A worker is killed after `kill_every` seconds (±50 %, so kills land anywhere in a batch) of
            # delivering, counted from its first committed batch: Django's start-up (1-3 s here) is not
            # work that can be interrupted, and killing during it would only measure start-ups.
            if working_since is None and counts.get("done", 0) > done_at_start:
                working_since, interval = time.perf_counter(), kill_every * rng.uniform(0.5, 1.5)
            if working_since is not None and time.perf_counter() - working_since >= interval:
                os.kill(worker.pid, signal.SIGKILL)
                worker.wait()
                kills += 1
                done_at_start, working_since = _counts(url, endpoint).get("done", 0), None
                worker = _worker(env, batch)
        elapsed = time.perf_counter() - started
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
    counts = _counts(url, endpoint)
    stats = receiver.stats()
    done = counts.get("done", 0)
    return {"events": count, "load_s": round(loaded["seconds"], 1), "sent": stats["requests"],
            "received": stats["received"], "duplicates": stats["duplicates"], "rejected": stats["rejected"],
            "incomplete": stats["incomplete"],
            "lost": count - stats["received"], "pending": counts.get("pending", 0), "dead": counts.get("dead", 0),
            "done": done, "kills": kills, "elapsed_s": round(elapsed, 1),
            "deliveries_per_s": round(done / elapsed, 1) if elapsed else None}


def measure(server: str, args: argparse.Namespace) -> dict:
    from _pg import fresh_database

    with tempfile.TemporaryDirectory(prefix="oneseal-bench-outbox-") as var, \
            fresh_database(server, f"oneseal_bench_outbox_{os.getpid()}") as url:
        env = _env(url, var)
        receivers = [ReceiverProcess(env), ReceiverProcess(env)]
        endpoints = _python(["_setup", "--urls", *[r.url for r in receivers]], env)
        try:
            for receiver, endpoint in zip(receivers, endpoints, strict=True):
                receiver.start(endpoint["secret"])
            reference = run_phase(url, env, endpoints[0]["endpoint"], receivers[0], args.events, batch=args.batch,
                                  kill_every=None, max_seconds=args.max_seconds)
            killed = run_phase(url, env, endpoints[1]["endpoint"], receivers[1], args.events, batch=args.batch,
                               kill_every=args.kill_every, max_seconds=args.max_seconds)
        finally:
            for receiver in receivers:
                receiver.stop()
    return {"reference": reference, "killed": killed}


def report(result: dict, args: argparse.Namespace) -> dict:
    ref, run = result["reference"], result["killed"]
    print(f"outbox kill test: {args.events:,} webhook deliveries on PostgreSQL, worker "
          f"`oneseal events dispatch --loop --batch {args.batch}`")
    print(f"{'':26}{'no kills (reference)':>22}{'SIGKILL every ' + str(args.kill_every) + ' s':>24}")
    rows = [("events created", "events"), ("sent (requests)", "sent"), ("received (distinct)", "received"),
            ("duplicates absorbed", "duplicates"), ("lost", "lost"), ("still pending", "pending"),
            ("given up (dead)", "dead"), ("bad signatures", "rejected"), ("cut off mid-request", "incomplete"), ("worker kills", "kills"),
            ("elapsed (s)", "elapsed_s"), ("deliveries/s", "deliveries_per_s"), ("loading (s)", "load_s")]
    for label, key in rows:
        print(f"{label:26}{ref[key]!s:>22}{run[key]!s:>24}")
    ok = run["lost"] == 0 and run["pending"] == 0 and ref["lost"] == 0
    print("GOAL lost = 0: " + ("met" if ok else "NOT MET"))
    summary = {key: run[key] for key in ("events", "sent", "received", "duplicates", "lost", "kills", "elapsed_s",
                                         "deliveries_per_s", "pending", "dead", "rejected", "incomplete")}
    summary.update({f"ref_{key}": ref[key] for key in ("sent", "received", "duplicates", "lost", "elapsed_s",
                                                       "deliveries_per_s")})
    summary.update({"kill_every_s": args.kill_every, "batch": args.batch, "ok": ok})
    return summary


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_setup":
        setup(sys.argv[sys.argv.index("--urls") + 1:])
        return
    if len(sys.argv) > 1 and sys.argv[1] == "_load":
        load(int(sys.argv[sys.argv.index("--endpoint") + 1]), int(sys.argv[sys.argv.index("--count") + 1]))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--kill-every", type=float, default=3.0, help="seconds from a worker's start to its SIGKILL")
    parser.add_argument("--batch", type=int, default=200, help="deliveries the worker handles per round (one transaction each)")
    parser.add_argument("--max-seconds", type=float, default=420.0, help="time bound of each run")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_a: sys.exit(143))  # clean up (receivers, database) on SIGTERM
    from _pg import PostgresUnavailable, private_cluster

    try:
        with contextlib.ExitStack() as stack:
            server = os.environ.get("BENCH_PG_URL") or stack.enter_context(private_cluster())
            result = measure(server, args)
    except PostgresUnavailable as error:
        print(f"PostgreSQL unavailable: {error}", file=sys.stderr)
        print(json.dumps({"ok": False, "error": str(error)}))
        sys.exit(2)
    print(json.dumps(report(result, args)))


if __name__ == "__main__":
    main()
