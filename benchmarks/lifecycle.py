"""Full case life cycles per second through the service layer on PostgreSQL, beside pgbench TPC-B.

    .venv/bin/python benchmarks/lifecycle.py [--cycles 500] [--warmup 30] [--procs CORES]
                                             [--pgbench-seconds 15] [--profile]

One life cycle is what a licence costs the back end: `submit_case` at a window with 3 small PDF
materials → `accept_case` (acceptance notice, legal clock, BPMN instance started) → `complete_task`
review → `complete_task` decide (approve; decision notice) → `issue_result`, each its own transaction
with its audit entry and timeline event, as the services run them for the API and the pages. The item
runs the "standard" procedure (review → decide, both in the approver's lane), has a committed limit of
5 working days and no fees. Notices are stored as rows; their PDFs render lazily when printed, so they
are not in this path.

The database is PostgreSQL: a fresh database on BENCH_PG_URL, or on a private cluster this script starts
(benchmarks/_pg.py: a free port, fsync=off), reached through its Unix-domain socket, which is how Django
and libpq connect to a server on the same machine when HOST is empty (--tcp: over loopback TCP instead).
In the same run, on the same server and through the same transport, `pgbench` TPC-B (scale 1, 2 clients,
2 threads) is the reference: the ratio life cycles/s ÷ pgbench tps says how many "TPC-B transactions'
worth" of database a life cycle costs on this machine, whatever the machine.

The materials are real files, written by kernel.uploads under ONESEAL_VAR: by default a fresh folder on tmpfs
(/dev/shm), --files-on-disk a fresh folder under the system's temporary directory. This machine's root
filesystem is ext4 without a journal, where creating a file scans past every inode deleted in the last 60–360
seconds (fs/ext4/ialloc.c, recently_deleted): right after a previous run's cleanup, or a test run, creating
a file there costs 0.3–0.7 ms instead of 0.02–0.08, which is this machine's history, not the services' cost
(a server's journaled disk, holding materials that are never deleted, does not do it). Either way the run
first times creating 300 files where the materials go and prints it.

The BPMN engine's share is the time spent inside oneseal.cases.workflow.engine's start / complete /
ready_tasks (wrapped with timers) over the timed wall time. --profile runs the timed cycles of one
process under cProfile and prints the top functions to stderr.

The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import io
import json
import os
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL = 150.0
CORES = os.cpu_count() or 1
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
MATERIALS = ["申请书", "营业执照", "场所证明"]
STEPS = ["submit", "accept", "review", "decide", "issue"]


# --------------------------------------------------------------------------------------------------
# Worker: one Django process on the benchmark database.
# --------------------------------------------------------------------------------------------------

def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oneseal.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def _citizen_id(n: int) -> str:
    from stdnum.cn import ric

    body = f"420683{1990 + n % 15:04d}{1 + n % 12:02d}{1 + n % 28:02d}{n % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def setup_world() -> None:
    """Region, bureau, hall, one standard-procedure item with 3 materials, a clerk, an approver and a
    pool of applicants. Printed as JSON for the run workers."""
    from django.core.management import call_command
    from django.db import transaction

    from oneseal.accounts.roles import RoleCode
    from oneseal.accounts.services import create_staff_member
    from oneseal.cases.services import register_applicant
    from oneseal.catalog import models as cm
    from oneseal.catalog.services import publish_item_version

    call_command("migrate", verbosity=0, interactive=False)
    with transaction.atomic():
        city = cm.Region.objects.create(code="420683", name="枣阳市", name_en="Zaoyang", level=cm.RegionLevel.CITY)
        bureau = cm.Department.objects.create(code="SPJ", name="枣阳市行政审批局", name_en="Approval Bureau",
                                              kind=cm.DepartmentKind.BUREAU, region=city)
        scj = cm.Department.objects.create(code="SCJ", name="枣阳市市场监督管理局", kind=cm.DepartmentKind.LINE,
                                           region=city)
        hall = cm.Hall.objects.create(code="ZYZWDT", name="枣阳市政务服务大厅", region=city)
        zone = cm.Zone.objects.create(code="QYKB", name="企业开办服务区", hall=hall, order=1)
        item = cm.ServiceItem.objects.create(
            code="420683-XK-00001", name="食品经营许可证核发", name_en="Food business licence",
            item_type=cm.ItemType.LICENSING, implementing_body=bureau, original_department=scj,
            supervising_department=scj, zone=zone, legal_basis="《中华人民共和国食品安全法》第三十五条",
            conditions="申请人符合法定条件。", statutory_limit=20, committed_limit=5, procedure="standard",
            place="枣阳市政务服务大厅", office_hours="工作日 08:30-12:00, 14:30-17:30",
            consultation_channel="0710-6222222", complaint_channel="12345", visits_required=1,
            online_depth=cm.OnlineDepth.PRE_REVIEW, high_frequency=True, is_free=True)
        for order, name in enumerate(MATERIALS, 1):
            cm.Material.objects.create(item=item, order=order, name=name, required=True)
        publish_item_version(actor=None, item=item, note="benchmark")
        clerk, _p = create_staff_member(actor=None, username="bench-clerk", password=None, full_name="窗口 测试",
                                        role=RoleCode.WINDOW_CLERK, department=bureau, region=city, hall=hall)
        approver, _p = create_staff_member(actor=None, username="bench-approver", password=None,
                                           full_name="审批 测试", role=RoleCode.APPROVER, department=bureau,
                                           region=city, hall=hall)
        applicants = [register_applicant(actor=None, kind="person", name=f"申请人{n}", id_number=_citizen_id(n)).pk
                      for n in range(200)]
    print(json.dumps({"item": item.pk, "hall": hall.pk, "clerk": clerk.pk, "approver": approver.pk,
                      "applicants": applicants}))


class EngineTimer:
    """Wraps the BPMN engine's entry points the services call, adding up the time spent inside: opening
    (deserialising) or starting an instance, reading its ready tasks, completing one, dumping its state."""

    FUNCTIONS = ("new_instance", "open_instance")
    METHODS = ("ready", "complete", "state")

    def __init__(self) -> None:
        from oneseal.cases.workflow import engine

        self.seconds = 0.0
        self.calls = dict.fromkeys(self.FUNCTIONS + self.METHODS, 0)
        for name in self.FUNCTIONS:
            setattr(engine, name, self._wrap(name, getattr(engine, name)))
        for name in self.METHODS:
            setattr(engine.Instance, name, self._wrap(name, getattr(engine.Instance, name)))

    def _wrap(self, name, func):
        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - start
                self.calls[name] += 1
        return timed


class QueryCounter:
    """Counts SQL statements (connection.execute_wrapper) and calls to the server, cheaply enough to stay
    on while timing. A kernel.rows.Batch of several statements goes to PostgreSQL as one statement: its
    statements count one by one, the batch as one call."""

    def __init__(self) -> None:
        self.count = 0  # statements
        self.calls = 0  # calls to the server (round trips); BEGIN and COMMIT not included
        self.batched = False
        self.log: list[str] | None = None  # set to a list to record the statements

    def watch_batches(self) -> None:
        from django.db import connection

        from oneseal.kernel import rows

        flush, counter = rows.Batch.flush, self

        def counted(batch):
            several = len(batch._pending) > 1 and connection.vendor == "postgresql"
            if several:  # one statement made of several (kernel.rows.Batch): counted as they were queued
                counter.count += len(batch._pending)
                counter.calls += 1
                counter.batched = True
                if counter.log is not None:
                    counter.log.extend(["   queued  " + " ".join(sql.split()) for sql, _p in batch._pending])
                    counter.log.append(f"   batch of {len(batch._pending)} statements sent as one:")
            try:
                return flush(batch)
            finally:
                counter.batched = False
        rows.Batch.flush = counted

    def __call__(self, execute, sql, params, many, context):
        if not self.batched:
            self.count += 1
            self.calls += 1
        if self.log is None:
            return execute(sql, params, many, context)
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            text = "(the batch)" if self.batched else " ".join(sql.split())
            self.log.append(f"{(time.perf_counter() - start) * 1000:6.2f} ms  {text}")


def one_cycle(world: dict, n: int, step_seconds: dict[str, float], step_queries: dict[str, int],
              counter: QueryCounter) -> None:
    from oneseal.cases import selectors
    from oneseal.cases import services as s

    def step(name, func, **kwargs):
        if counter.log is not None:
            counter.log.append(f"-- {name}")
        before, start = counter.count, time.perf_counter()
        result = func(**kwargs)
        step_seconds[name] += time.perf_counter() - start
        step_queries[name] += counter.count - before
        return result

    clerk, approver = world["clerk"], world["approver"]
    tag = f"{os.getpid()}-{n}".encode()
    uploads = [s.MaterialUpload(material=m, stream=io.BytesIO(PDF + m.encode() + tag), filename=f"{i}.pdf")
               for i, m in enumerate(MATERIALS)]
    applicant = world["applicants"][n % len(world["applicants"])]
    case = step("submit", s.submit_case, actor=clerk, item=world["item"], applicant=applicant, channel="window",
                materials=uploads, hall=world["hall"])
    case = step("accept", s.accept_case, actor=clerk, case=case)
    for name, data in (("review", {}), ("decide", {"approved": True})):
        # What a workbench does: the step to complete is the open inbox entry of the case.
        (task,) = selectors.open_tasks(case)
        task_id = task.task_id
        case = step(name, s.complete_task, actor=approver, case=case, task_id=task_id, data=data)
    step("issue", s.issue_result, actor=approver, case=case)
    assert case.status == "approved", case.status


def _own_time_by_package(stats) -> str:
    """The profile's own (tottime) seconds added up by package: where the process's time goes."""
    totals: dict[str, float] = {}
    for (filename, _line, name), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():
        if "site-packages/" in filename:
            group = filename.split("site-packages/")[1].split("/")[0]
        elif "/src/oneseal/" in filename:
            group = "oneseal." + filename.split("/src/oneseal/")[1].split("/")[0].removesuffix(".py")
        elif filename.startswith("~") or filename.startswith("<"):
            group = f"builtin {name}" if tottime > 0.05 else "builtins (other)"
        else:
            group = "stdlib " + Path(filename).stem
        totals[group] = totals.get(group, 0.0) + tottime
    whole = sum(totals.values())
    lines = [f"{seconds:8.3f} s {seconds / whole:6.1%}  {group}"
             for group, seconds in sorted(totals.items(), key=lambda kv: -kv[1]) if seconds / whole >= 0.005]
    return "\n## own time by package\n" + "\n".join(lines) + "\n"


def _backend_cpu_reader(connection):
    """A function giving the CPU seconds (user + system) used so far by this connection's PostgreSQL
    backend process, read from /proc (the server runs on this machine); 0.0 where /proc cannot say."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    ticks = os.sysconf("SC_CLK_TCK")

    def read() -> float:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / ticks  # utime, stime (fields 14 and 15 of stat)
    return read


def run_cycles(args: argparse.Namespace) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection

    from oneseal.cases.models import Applicant
    from oneseal.catalog.models import Hall, ServiceItem

    ids = json.loads(args.world)
    User = get_user_model()
    world = {"item": ServiceItem.objects.get(pk=ids["item"]), "hall": Hall.objects.get(pk=ids["hall"]),
             "clerk": User.objects.get(pk=ids["clerk"]), "approver": User.objects.get(pk=ids["approver"]),
             "applicants": list(Applicant.objects.filter(pk__in=ids["applicants"]))}
    counter = QueryCounter()
    connection.execute_wrappers.append(counter)  # stays for the life of the process
    counter.watch_batches()
    warm_s = dict.fromkeys(STEPS, 0.0)
    warm_q = dict.fromkeys(STEPS, 0)
    from django.db import Error

    warm_failed = 0
    for n in range(args.warmup):
        try:
            one_cycle(world, n, warm_s, warm_q, counter)
        except Error:  # the processes' warm-ups overlap: the same races as below, reported there
            warm_failed += 1
    if args.sql:
        counter.log = []
        one_cycle(world, args.warmup + args.cycles, dict.fromkeys(STEPS, 0.0), dict.fromkeys(STEPS, 0), counter)
        sys.stderr.write("\n## SQL of one life cycle\n" + "\n".join(
            line if line.startswith("-- ") else "   " + line[:200] for line in counter.log) + "\n")
        counter.log = None
    timer = EngineTimer()  # after the warm-up: the procedure is parsed once per process, not per cycle
    step_s = dict.fromkeys(STEPS, 0.0)
    step_q = dict.fromkeys(STEPS, 0)
    if args.start_at:
        time.sleep(max(0.0, args.start_at - time.time()))
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    latencies = []
    failures: dict[str, int] = {}
    backend = _backend_cpu_reader(connection)
    cpu0, backend0, calls0, times0 = time.process_time(), backend(), counter.calls, os.times()
    started = time.perf_counter()
    for n in range(args.warmup, args.warmup + args.cycles):
        t0 = time.perf_counter()
        cycle_s, cycle_q = dict.fromkeys(STEPS, 0.0), dict.fromkeys(STEPS, 0)
        try:
            one_cycle(world, n, cycle_s, cycle_q, counter)
        except Error as error:  # e.g. two processes racing for the audit chain's head: counted, not hidden
            key = f"{type(error).__name__}: {str(error).splitlines()[0][:120]}"
            failures[key] = failures.get(key, 0) + 1
            continue
        latencies.append(time.perf_counter() - t0)
        for k in STEPS:  # completed cycles only, like the rate
            step_s[k] += cycle_s[k]
            step_q[k] += cycle_q[k]
    elapsed = time.perf_counter() - started
    cpu_s, backend_cpu_s = time.process_time() - cpu0, backend() - backend0
    system_s = os.times().system - times0.system  # the kernel's share: files, sockets
    calls = counter.calls - calls0  # failed cycles' calls included: only a rough figure then
    if profiler is not None:
        import pstats

        profiler.disable()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("cumulative").print_stats(45)
        out.write(_own_time_by_package(stats))
        stats.sort_stats("tottime").print_stats(30)
        sys.stderr.write(f"\n## cProfile of {args.cycles} life cycles (pid {os.getpid()})\n" + out.getvalue())
    print(json.dumps({
        "cycles": len(latencies), "failed": sum(failures.values()), "failures": failures, "warmup_failed": warm_failed,
        "elapsed_s": elapsed, "cpu_s": cpu_s, "system_s": system_s, "backend_cpu_s": backend_cpu_s, "calls": calls, "engine_s": timer.seconds, "engine_calls": timer.calls,
        "step_s": step_s, "step_queries": step_q, "median_cycle_ms": statistics.median(latencies) * 1000,
        "p90_cycle_ms": sorted(latencies)[int(0.9 * (len(latencies) - 1))] * 1000,
    }))


# --------------------------------------------------------------------------------------------------
# Parent: the database, the workers, pgbench, the report.
# --------------------------------------------------------------------------------------------------

def _env(database_url: str, var: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": database_url, "ONESEAL_VAR": var, "DEBUG": "0", "LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "oneseal.settings", "PYTHONPATH": str(ROOT / "src")}


def _worker(argv: list[str], env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, __file__, *argv], env=env, cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _finish(proc: subprocess.Popen, timeout: float = 3600) -> dict:
    out, err = proc.communicate(timeout=timeout)
    sys.stderr.write(err)
    if proc.returncode != 0 or not out.strip():
        raise RuntimeError(f"worker failed ({proc.returncode}): {err.strip()[-2000:]}")
    return json.loads(out.strip().splitlines()[-1])


def _pgbench_bin() -> str | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pgbench"), key=lambda p: int(p.split("/")[-3].split(".")[0]))
    return found[-1] if found else None


def run_pgbench(database_url: str, seconds: int) -> tuple[float | None, str]:
    """TPC-B (pgbench's default script), scale 1, 2 clients, 2 threads: tps, or None and why not."""
    binary = _pgbench_bin()
    if binary is None:
        return None, "pgbench not found under /usr/lib/postgresql/*/bin"
    from _pg import libpq_env

    env = {**os.environ, **libpq_env(database_url)}
    init = subprocess.run([binary, "-i", "-s", "1", "-q"], env=env, capture_output=True, text=True, timeout=300)
    if init.returncode != 0:
        return None, f"pgbench -i failed: {init.stderr.strip()[-500:]}"
    argv = [binary, "-c", "2", "-j", "2", "-T", str(seconds)]
    run = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=seconds + 120)
    match = re.search(r"tps = ([0-9.]+) \((?:without|excluding)", run.stdout)
    if run.returncode != 0 or match is None:
        return None, f"{shlex.join(argv)} failed: {(run.stderr or run.stdout).strip()[-500:]}"
    return float(match.group(1)), shlex.join(argv)


def measure(server: str, args: argparse.Namespace) -> dict:
    from _pg import fresh_database, libpq_env

    tag = f"oneseal_bench_lc_{os.getpid()}"
    base = None if args.files_on_disk or not os.path.isdir("/dev/shm") else "/dev/shm"
    with tempfile.TemporaryDirectory(prefix="oneseal-bench-", dir=base) as var, fresh_database(server, tag) as url:
        file_ms = _file_creation_ms(Path(var))
        env = _env(url, var)
        t0 = time.perf_counter()
        world = _finish(_worker(["--setup"], env), timeout=600)
        setup_s = time.perf_counter() - t0
        start_at = time.time() + 8 + 2 * args.warmup * 0.05  # every process warmed up before the clock starts
        argv = ["--run", "--world", json.dumps(world), "--cycles", str(args.cycles), "--warmup", str(args.warmup),
                "--start-at", str(start_at)]
        first = (["--profile"] if args.profile else []) + (["--sql"] if args.sql else [])
        procs = [_worker(argv + (first if i == 0 else []), env) for i in range(args.procs)]
        runs = [_finish(p) for p in procs]
        with connection_to(url) as conn:
            cases = conn.execute("SELECT count(*) FROM cases_case WHERE status = 'issued'").fetchone()[0]
    with fresh_database(server, tag + "_pgbench") as url:
        tps, how = run_pgbench(url, args.pgbench_seconds)
    transport = "unix socket" if libpq_env(server)["PGHOST"].startswith("/") else "tcp"
    return {"runs": runs, "setup_s": setup_s, "issued_cases": cases, "pgbench_tps": tps, "pgbench": how,
            "transport": transport, "files_on": "tmpfs" if base else "disk", "file_creation_ms": file_ms}


def _file_creation_ms(folder: Path, count: int = 300) -> float:
    """Milliseconds to create (and write 64 bytes to) one new file in `folder`, over `count` files; CPU
    time, as the kernel charges it to the process. The files stay until the folder goes: deleting them
    now would make the run's own files dearer on an unjournaled ext4 (see above)."""
    probe = folder / "probe"
    probe.mkdir()
    start = time.process_time()
    for n in range(count):
        (probe / f"{n}.bin").write_bytes(os.urandom(64))
    return (time.process_time() - start) / count * 1000


@contextlib.contextmanager
def connection_to(url: str):
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
        yield conn


def report(result: dict, args: argparse.Namespace) -> dict:
    runs = result["runs"]
    total = sum(r["cycles"] for r in runs)  # completed life cycles only
    failed = sum(r["failed"] for r in runs)
    failures: dict[str, int] = {}
    for r in runs:
        for key, count in r["failures"].items():
            failures[key] = failures.get(key, 0) + count
    wall = max(r["elapsed_s"] for r in runs)
    rate = total / wall
    engine_share = sum(r["engine_s"] for r in runs) / sum(r["elapsed_s"] for r in runs)
    tps = result["pgbench_tps"]
    print(f"\nCase life cycles through oneseal.cases.services on PostgreSQL over {result['transport']} "
          f"({args.procs} process(es), {args.cycles} timed cycles each after {args.warmup} warm-up cycles)\n")
    print("step       ms/cycle   SQL/cycle   share")
    step_s = {k: sum(r["step_s"][k] for r in runs) for k in STEPS}
    step_q = {k: sum(r["step_queries"][k] for r in runs) for k in STEPS}
    whole = sum(step_s.values())
    for k in STEPS:
        print(f"{k:<10}{step_s[k] / total * 1000:>9.2f}{step_q[k] / total:>12.1f}{step_s[k] / whole:>8.0%}")
    print(f"{'cycle':<10}{whole / total * 1000:>9.2f}{sum(step_q.values()) / total:>12.1f}")
    calls_per_cycle = sum(r["calls"] for r in runs) / total
    print(f"calls to the server per cycle: {calls_per_cycle:.1f} (a batch of statements is one call; each "
          f"transaction's BEGIN and COMMIT, one call each, not counted)")
    calls = {k: sum(r["engine_calls"][k] for r in runs) / total for k in EngineTimer.FUNCTIONS + EngineTimer.METHODS}
    print(f"\nBPMN engine (new/open instance, ready, complete, state): {engine_share:.1%} of the time; calls per cycle: "
          + ", ".join(f"{k} {v:.0f}" for k, v in calls.items()))
    app_cpu = sum(r["cpu_s"] for r in runs) / total * 1000
    db_cpu = sum(r["backend_cpu_s"] for r in runs) / total * 1000
    system = sum(r["system_s"] for r in runs) / total * 1000
    print(f"CPU per cycle: {app_cpu:.1f} ms in the Django process(es) (of it {system:.1f} ms in the kernel: files, "
          f"sockets), {db_cpu:.1f} ms in their PostgreSQL backends "
          f"({CORES} cores / {app_cpu + db_cpu:.1f} ms = at most {CORES * 1000 / (app_cpu + db_cpu):.0f} "
          f"life cycles/s)")
    print(f"materials written to {result['files_on']}, where creating a file cost "
          f"{result['file_creation_ms']:.3f} ms just before the run")
    print(f"median cycle {statistics.median(r['median_cycle_ms'] for r in runs):.1f} ms, "
          f"p90 {max(r['p90_cycle_ms'] for r in runs):.1f} ms; issued cases in the database: {result['issued_cases']}")
    if failed:
        print(f"\n!! {failed} life cycle(s) FAILED (database errors, not counted in the rate):")
        for key, count in failures.items():
            print(f"!!   {count} × {key}")
    print(f"\nlife cycles/s:  {rate:8.1f}   (goal ≥ {GOAL:.0f})")
    if tps is None:
        print(f"pgbench:        NOT MEASURED: {result['pgbench']}")
    else:
        print(f"pgbench tps:    {tps:8.1f}   ({result['pgbench']}, TPC-B scale 1, same server, fsync as configured)")
        print(f"ratio:          {rate / tps:8.3f}   life cycles per TPC-B transaction")
    return {"lifecycles": total, "lifecycles_per_s": round(rate, 1), "pgbench_tps": round(tps, 1) if tps else None,
            "ratio": round(rate / tps, 4) if tps else None, "engine_share": round(engine_share, 3),
            "sql_per_cycle": round(sum(step_q.values()) / total, 1), "calls_per_cycle": round(calls_per_cycle, 1), "app_cpu_ms": round(app_cpu, 2), "app_system_ms": round(system, 2),
            "db_cpu_ms": round(db_cpu, 2), "procs": args.procs, "transport": result["transport"], "files_on": result["files_on"],
            "file_creation_ms": round(result["file_creation_ms"], 3), "failed": failed,
            "goal": GOAL, "ok": rate >= GOAL and failed == 0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cycles", type=int, default=500, help="timed life cycles per process (default 500)")
    parser.add_argument("--warmup", type=int, default=30, help="untimed life cycles per process first (30)")
    parser.add_argument("--procs", type=int, default=CORES,
                        help="processes running life cycles at once on the same database (default: one per core, "
                             "as a server runs at least as many web processes)")
    parser.add_argument("--pgbench-seconds", type=int, default=15, help="pgbench -T (default 15)")
    parser.add_argument("--tcp", action="store_true",
                        help="connect the processes and pgbench to the private cluster over loopback TCP instead "
                             "of its Unix-domain socket")
    parser.add_argument("--files-on-disk", action="store_true",
                        help="write the materials under the system's temporary directory instead of /dev/shm (tmpfs)")
    parser.add_argument("--profile", action="store_true", help="cProfile the first process (to stderr)")
    parser.add_argument("--sql", action="store_true", help="print the SQL statements of one life cycle (stderr)")
    parser.add_argument("--setup", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--run", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--world", help=argparse.SUPPRESS)
    parser.add_argument("--start-at", type=float, default=0.0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.setup or args.run:
        _django()
        setup_world() if args.setup else run_cycles(args)
        return

    from _pg import PostgresUnavailable, private_cluster

    started = time.perf_counter()
    try:
        with contextlib.ExitStack() as stack:
            server = os.environ.get("BENCH_PG_URL") or stack.enter_context(private_cluster(socket=not args.tcp))
            result = measure(server, args)
    except PostgresUnavailable as error:
        print("\n" + "!" * 100 + f"\n!! PostgreSQL NOT AVAILABLE, nothing measured: {error}\n" + "!" * 100 + "\n")
        print(json.dumps({"lifecycles": 0, "lifecycles_per_s": None, "pgbench_tps": None, "ratio": None,
                          "engine_share": None, "goal": GOAL, "ok": False, "postgres_error": str(error)}))
        return
    summary = report(result, args)
    print(f"setup {result['setup_s']:.0f} s, total {time.perf_counter() - started:.0f} s\n")
    print(json.dumps(summary, ensure_ascii=False))


if __name__ == "__main__":
    main()
