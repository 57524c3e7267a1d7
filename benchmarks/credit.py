"""The joint-punishment check at submission with 1,000,000 subjects and 5,000,000 records: p99 latency.

    .venv/bin/python benchmarks/credit.py [--subjects 1000000] [--records 5000000] [--checks 20000]
                                          [--warmup 2000] [--seed 7]

What a submission pays for 一处失信、处处受限: `submit_case` calls
`oneseal.cases.checks.subject_flags(applicant=…, item=…, stage="submission", at=now)`, which runs every check
other apps registered; the credit app registers `credit.checks.case_flags` in its `ready()` (the records in
effect of the applicant's number, read through the index `credit_record_check`, then their kinds'
application-scope measures). This script times exactly that call, in a Django process against a PostgreSQL
database holding N subjects and M records, for random numbers: clean subjects, subjects with records (in
effect or not) and unknown numbers, after a warm-up. The same-run reference is a primary-key lookup of one
subject row through the ORM (`CreditSubject.objects.filter(pk=…).first()`), timed the same way and
interleaved with the checks, so both see the same machine.

The database is a fresh one on BENCH_PG_URL, or on a private cluster this script starts (benchmarks/_pg.py:
loopback, a free port, fsync=off for the load). It is migrated with the project's migrations (which seed the
standard measures and record kinds), then loaded by COPY, not through the services (five million `record()`
calls would take hours): the secondary indexes and the unique and foreign-key constraints of the two tables
are dropped for the load and recreated from their own definitions afterwards (then compared, so the measured
schema is the migrated one), then VACUUM ANALYZE. Progress goes to stderr. It prints EXPLAIN (ANALYZE,
BUFFERS) of the check's statements once (a subject with records in effect, the subject with the most
records, a clean one). The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import array
import contextlib
import datetime as dt
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_P99_MS = 5.0
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
HISTORY_DAYS = 8 * 365  # records decided over the last eight years
WITH_RECORDS = 0.20  # share of subjects with at least one record; the others (most) have none
REGIONS = ["420683", "420602", "420606", "420607"]  # Zaoyang and Xiangyang's districts
UNKNOWN_REGION = "420625"  # 谷城县: nobody in the loaded data
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超",
         "秀兰", "霞", "平", "刚", "桂英", "建国", "建华", "国强", "志刚", "海燕", "红梅", "玉兰"]
TRADES = ["商贸", "建筑工程", "食品", "运输", "农业科技", "汽车配件", "纺织", "医药连锁", "餐饮管理", "物流",
          "建材", "机械制造", "电子", "房地产开发", "劳务", "环保科技"]
AUTHORITIES = ["枣阳市市场监督管理局", "枣阳市交通运输局", "枣阳市生态环境局", "枣阳市应急管理局",
               "枣阳市住房和城乡建设局", "枣阳市卫生健康局", "枣阳市自然资源和规划局", "枣阳市城市管理执法局"]
# Per record kind (the codes seeded by credit/migrations/0002): titles, the law, who decides.
KIND_TEXT = {
    "penalty_minor": (["未按规定公示许可证件", "超范围经营", "未按规定建立进货查验记录", "占道经营",
                       "未按规定设置警示标志", "从业人员未取得健康证明"], "《中华人民共和国行政处罚法》", None),
    "penalty_serious": (["生产销售不符合食品安全标准的食品", "无证从事危险化学品经营", "非法占用耕地",
                         "超标排放污染物拒不改正"], "《中华人民共和国行政处罚法》", None),
    "inspection_problem": (["双随机抽查：经营场所与登记不符", "双随机抽查：未按规定报送年度报告",
                            "双随机抽查：台账记录不全"], "《企业信息公示暂行条例》", None),
    "false_commitment": (["告知承诺不实：场所条件与承诺不符", "告知承诺不实：隐瞒有关情况"],
                         "《关于全面推行证明事项和涉企经营许可事项告知承诺制的指导意见》", None),
    "court_enforcement": (["有履行能力而拒不履行生效法律文书确定义务"],
                          "《最高人民法院关于公布失信被执行人名单信息的若干规定》", "枣阳市人民法院"),
    "tax_violation": (["虚开增值税专用发票", "逃避追缴欠税"], "《重大税收违法失信主体信息公布管理办法》",
                      "国家税务总局枣阳市税务局"),
    "regulator_penalty": (["监管部门反馈：未按规定办理变更登记", "监管部门反馈：违反安全生产规定",
                           "监管部门反馈：未按规定开展自查"], "《中华人民共和国行政许可法》", None),
}
# Share of each kind among the records of persons and of organisations.
PERSON_KINDS = {"penalty_minor": 40, "court_enforcement": 30, "penalty_serious": 10, "regulator_penalty": 12,
                "tax_violation": 4, "false_commitment": 4}
ORGANISATION_KINDS = {"penalty_minor": 30, "regulator_penalty": 18, "inspection_problem": 18, "penalty_serious": 10,
                      "court_enforcement": 10, "tax_violation": 7, "false_commitment": 7}
TABLES = ["credit_creditsubject", "credit_creditrecord"]


def _progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())} UTC] {message}", file=sys.stderr, flush=True)


def _pct(sorted_values: list[float], p: float) -> float | None:
    if not sorted_values:
        return None
    return sorted_values[min(len(sorted_values) - 1, int(p / 100 * len(sorted_values)))]


def _stats(values: list[float]) -> dict:
    values = sorted(values)
    return {"n": len(values), "p50_ms": _r(_pct(values, 50)), "p95_ms": _r(_pct(values, 95)),
            "p99_ms": _r(_pct(values, 99)), "max_ms": _r(values[-1] if values else None)}


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


# --------------------------------------------------------------------------------------------------
# Numbers: 18 characters with valid check characters (citizen ID GB 11643, credit code GB 32100).
# --------------------------------------------------------------------------------------------------

def citizen_id(n: int, region: str | None = None) -> str:
    from stdnum.cn import ric

    m = n // len(REGIONS)
    birth = dt.date(1950, 1, 1) + dt.timedelta(days=m % 20000)
    body = f"{region or REGIONS[n % len(REGIONS)]}{birth:%Y%m%d}{m // 20000:03d}"
    return body + ric.calc_check_digit(body + "0")


def credit_code(n: int) -> str:
    from stdnum.cn import uscc

    body = f"91420683{n:09d}"
    return body + uscc.calc_check_digit(body + "0")


# --------------------------------------------------------------------------------------------------
# The loader (a Django process on the benchmark database).
# --------------------------------------------------------------------------------------------------

def _secondary_schema(cursor, table: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(constraints, indexes) of `table` other than its primary key and CHECK constraints, as
    (name, definition): the unique and foreign-key constraints, and the indexes no constraint owns."""
    cursor.execute("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass "
                   "AND contype IN ('u', 'f') ORDER BY conname", [table])
    constraints = cursor.fetchall()
    cursor.execute("SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x "
                   "JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = %s::regclass "
                   "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid) "
                   "ORDER BY i.relname", [table])
    return constraints, cursor.fetchall()


def _all_indexes(cursor) -> list[tuple[str, str]]:
    cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) ORDER BY indexname",
                   [TABLES])
    return cursor.fetchall()


class _Copy:
    """COPY … FROM STDIN fed with ready tab-separated lines, in chunks (Python builds the next chunk
    while the server parses the last)."""

    def __init__(self, cursor, table: str, columns: list[str]) -> None:
        self.context = cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN")
        self.copy = self.context.__enter__()
        self.lines: list[str] = []

    def add(self, line: str) -> None:
        self.lines.append(line)
        if len(self.lines) >= 50000:
            self.flush()

    def flush(self) -> None:
        if self.lines:
            self.copy.write("\n".join(self.lines) + "\n")
            self.lines = []

    def close(self) -> None:
        self.flush()
        self.context.__exit__(None, None, None)


def record_counts(organisation: bytearray, n_records: int, rng: random.Random) -> dict[int, int]:
    """Subject index → number of records. Most subjects have none: a record on 16 % of the persons and
    35 % of the organisations; log-normal counts, a few for a person (median about 2, at most a few
    hundred), a long tail into the thousands for organisations (median about 10); scaled to exactly
    `n_records` in all."""
    raw: dict[int, float] = {}
    for s, is_org in enumerate(organisation):
        if rng.random() < (0.35 if is_org else 0.16):
            raw[s] = (min(4000.0, rng.lognormvariate(math.log(10), 1.8)) if is_org
                      else min(150.0, rng.lognormvariate(math.log(2), 1.0)))
    if not raw:
        raw[0] = 1.0
    factor = n_records / sum(raw.values())
    counts = {s: max(1, round(r * factor)) for s, r in raw.items()}
    chosen = list(counts)
    diff = n_records - sum(counts.values())
    while diff:
        s = chosen[rng.randrange(len(chosen))]
        if diff > 0:
            counts[s] += 1
            diff -= 1
        elif counts[s] > 1:
            counts[s] -= 1
            diff += 1
    return counts


def load(n_subjects: int, n_records: int, sample_path: str, seed: int) -> dict:
    from django.core.management import call_command
    from django.db import connection

    from oneseal.credit.models import RecordKind

    rng = random.Random(seed)
    t0 = time.perf_counter()
    _progress("migrating a fresh database …")
    call_command("migrate", verbosity=0, interactive=False)
    kinds = {k.code: k for k in RecordKind.objects.all()}
    missing = set(KIND_TEXT) - set(kinds)
    if missing:
        raise RuntimeError(f"record kinds not seeded by the migrations: {sorted(missing)}")
    t1 = time.perf_counter()

    today = dt.datetime.now(SHANGHAI).date()
    first_day = today - dt.timedelta(days=HISTORY_DAYS + 30)
    # Every date the data can hold, as text: day d is first_day + d (the load never formats a datetime).
    days = [(first_day + dt.timedelta(days=d)).isoformat() for d in range(HISTORY_DAYS + 30 + 4000)]
    today_d = (today - first_day).days
    loaded_at = f"{today.isoformat()} 08:00:00+08"

    organisation = bytearray(rng.random() < 0.2 for _ in range(n_subjects))  # one subject in five
    counts = record_counts(organisation, n_records, rng)
    numbers: list[str] = [""] * n_subjects

    with connection.cursor() as django_cursor:
        cursor = django_cursor.cursor  # psycopg's own cursor, for COPY
        cursor.execute("SET maintenance_work_mem = '512MB'")
        before = _all_indexes(cursor)
        saved = {table: _secondary_schema(cursor, table) for table in TABLES}
        for table in reversed(TABLES):
            for name, _definition in saved[table][0]:
                cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            for name, _definition in saved[table][1]:
                cursor.execute(f'DROP INDEX "{name}"')
        _progress(f"dropped for the load: {sum(len(c) + len(i) for c, i in saved.values())} secondary "
                  f"indexes and constraints of {', '.join(TABLES)}")

        # Subjects: ids 1..N, so records can name theirs without a lookup.
        copy = _Copy(cursor, "credit_creditsubject", ["id", "kind", "id_number", "name", "legal_representative",
                                                      "created_at"])
        persons = organisations = 0
        for i in range(n_subjects):
            if organisation[i]:
                number = credit_code(organisations)
                organisations += 1
                name = f"枣阳市{TRADES[i % len(TRADES)]}{i}有限公司"
                copy.add(f"{i + 1}\torganisation\t{number}\t{name}\t{SURNAMES[i % 50]}{GIVEN[i % 30]}\t{loaded_at}")
            else:
                number = citizen_id(persons)
                persons += 1
                copy.add(f"{i + 1}\tperson\t{number}\t{SURNAMES[i % 50]}{GIVEN[(i // 50) % 30]}\t\t{loaded_at}")
            numbers[i] = number
            if (i + 1) % 200000 == 0:
                _progress(f"subjects {i + 1:,}/{n_subjects:,} ({time.perf_counter() - t1:.0f} s)")
        copy.close()
        t2 = time.perf_counter()

        # Records: one slot per record, shuffled, so one subject's records lie all over the table as
        # they would after years of recording; dates grow along the table (recorded in time order),
        # denser in recent years.
        slots = array.array("i")
        for subject, count in counts.items():
            slots.extend([subject] * count)
        rng.shuffle(slots)
        _progress(f"{len(counts):,} subjects with records, {n_subjects - len(counts):,} without; the most "
                  f"records on one subject: {max(counts.values()):,}")
        choices = {}
        for is_org, table in ((False, PERSON_KINDS), (True, ORGANISATION_KINDS)):
            codes = list(table)
            choices[is_org] = ([kinds[c] for c in codes], list(table.values()))
        copy = _Copy(cursor, "credit_creditrecord", [
            "id", "number", "subject_id", "id_number", "kind_id", "source", "severity", "title", "facts",
            "legal_basis", "authority", "department_id", "decided_on", "effective_from", "effective_until",
            "public", "status", "ended_at", "ended_reason", "source_ref", "created_at", "created_by_id"])
        serials: dict[int, int] = {}
        status_counts = {"active": 0, "lifted": 0, "repaired": 0}
        in_effect = 0
        random_ = rng.random
        for i, subject in enumerate(slots):
            recorded_d = min(today_d, 30 + int(HISTORY_DAYS * ((i + random_()) / n_records) ** 0.75))
            decided_d = recorded_d - int(random_() * 20)
            from_d = recorded_d + 1  # in effect from the day after it was recorded (a few start tomorrow)
            is_org = organisation[subject]
            kind = rng.choices(*choices[is_org])[0]
            until_d = from_d + kind.effect_days if kind.effect_days else None
            titles, law, authority = KIND_TEXT[kind.code]
            title = titles[i % len(titles)]
            status, ended_at, reason = "active", r"\N", ""
            elapsed = today_d - from_d
            if elapsed > 1:
                end_by = min(today_d - 1, until_d) if until_d else today_d - 1
                roll = random_()
                if kind.effect_days is None:  # on the court's list until paid: half gone within two years
                    if roll < 1 - math.exp(-elapsed / 1000):
                        status, reason = "lifted", "已履行生效法律文书确定的义务"
                        ended_at = f"{days[from_d + int(random_() * (end_by - from_d))]} 10:00:00+08"
                elif kind.repairable and elapsed > kind.repair_after_days and roll < 0.15:
                    status, reason = "repaired", "已纠正失信行为、履行相关义务，准予信用修复"
                    start = min(from_d + kind.repair_after_days, end_by)
                    ended_at = f"{days[start + int(random_() * (end_by - start))]} 15:00:00+08"
                elif roll > 0.97:
                    status, reason = "lifted", "行政处罚决定被依法撤销"
                    ended_at = f"{days[from_d + int(random_() * (end_by - from_d))]} 09:30:00+08"
            status_counts[status] += 1
            if status == "active" and from_d <= today_d and (until_d is None or until_d > today_d):
                in_effect += 1
            year = int(days[recorded_d][:4])
            serial = serials[year] = serials.get(year, 0) + 1
            source_ref = f"{kind.source}:{i + 1}" if kind.source in ("regulator", "inspection") else r"\N"
            copy.add(f"{i + 1}\tXY-{year}-{serial:07d}\t{subject + 1}\t{numbers[subject]}\t{kind.pk}\t{kind.source}\t"
                     f"{kind.severity}\t{title}\t{title}，经查证属实。\t{law}\t"
                     f"{authority or AUTHORITIES[subject % len(AUTHORITIES)]}\t\\N\t{days[decided_d]}\t"
                     f"{days[from_d]} 00:00:00+08\t{days[until_d] + ' 00:00:00+08' if until_d else chr(92) + 'N'}\t"
                     f"t\t{status}\t{ended_at}\t{reason}\t{source_ref}\t{days[recorded_d]} 16:20:00+08\t\\N")
            if (i + 1) % 500000 == 0:
                _progress(f"records {i + 1:,}/{n_records:,} ({time.perf_counter() - t2:.0f} s)")
        copy.close()
        del slots
        for table in TABLES:
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        t3 = time.perf_counter()

        for table in TABLES:
            for name, definition in saved[table][1]:
                _progress(f"index {name} …")
                cursor.execute(definition)
            for name, definition in saved[table][0]:
                _progress(f"constraint {name} …")
                cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        after = _all_indexes(cursor)
        if after != before:
            raise RuntimeError(f"indexes differ after the load: {sorted(set(before) ^ set(after))}")
        t4 = time.perf_counter()
        _progress("VACUUM ANALYZE …")
        for table in TABLES:
            cursor.execute(f"VACUUM ANALYZE {table}")
        t5 = time.perf_counter()
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('credit_creditrecord')), "
                       "pg_size_pretty(pg_relation_size('credit_record_check')), "
                       "pg_size_pretty(pg_total_relation_size('credit_creditsubject'))")
        sizes = cursor.fetchone()

    # The numbers to check: clean subjects, subjects with records, unknown (valid numbers nobody has).
    clean, recorded = [], sorted(counts)
    while len(clean) < min(40000, n_subjects - len(counts)):
        s = rng.randrange(n_subjects)
        if s not in counts:
            clean.append(s)
    heaviest = sorted(counts, key=counts.get, reverse=True)[:20]
    unknown = [citizen_id(rng.randrange(10**6), UNKNOWN_REGION) if rng.random() < 0.8
               else credit_code(rng.randrange(10**8, 10**9 - 1)) for _ in range(10000)]
    Path(sample_path).write_text(json.dumps({
        "clean": [numbers[s] for s in clean],
        "recorded": [[numbers[s], counts[s]] for s in rng.sample(recorded, min(40000, len(recorded)))],
        "heaviest": [[numbers[s], counts[s]] for s in heaviest],
        "unknown": unknown, "subject_ids": [s + 1 for s in rng.sample(range(n_subjects), min(40000, n_subjects))],
    }))
    return {"subjects": n_subjects, "persons": persons, "organisations": organisations,
            "subjects_with_records": len(counts), "records": n_records, "records_in_effect": in_effect,
            "record_statuses": status_counts, "most_records_on_one_subject": max(counts.values()),
            "record_table_size": sizes[0], "check_index_size": sizes[1], "subject_table_size": sizes[2],
            "migrate_s": round(t1 - t0, 1), "subjects_s": round(t2 - t1, 1), "records_s": round(t3 - t2, 1),
            "indexes_s": round(t4 - t3, 1), "vacuum_s": round(t5 - t4, 1), "load_s": round(t5 - t0, 1)}


# --------------------------------------------------------------------------------------------------
# The measurement (a fresh Django process on the loaded database).
# --------------------------------------------------------------------------------------------------

class Statements:
    """Counts (and, when asked, keeps) the SQL statements run (connection.execute_wrapper)."""

    def __init__(self) -> None:
        self.count = 0
        self.log: list[tuple[str, object]] | None = None

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        if self.log is not None:
            self.log.append((sql, params))
        return execute(sql, params, many, context)


def measure(sample_path: str, n_checks: int, n_warmup: int, seed: int) -> dict:
    import gc

    from django.db import connection
    from django.utils import timezone

    from oneseal.cases import checks
    from oneseal.cases.models import Applicant, FlagStage
    from oneseal.credit.checks import case_flags
    from oneseal.credit.models import CreditSubject

    registered = [f"{c.__module__}.{c.__qualname__}" for c in checks._checks]
    if case_flags not in checks._checks:
        raise RuntimeError(f"credit.checks.case_flags is not registered (registered: {registered})")
    sample = json.loads(Path(sample_path).read_text())
    rng = random.Random(seed + 1)

    def draw(count: int) -> list[tuple[str, str]]:
        out = []
        for _ in range(count):
            roll = rng.random()
            if roll < 0.5:
                out.append(("clean", rng.choice(sample["clean"])))
            elif roll < 0.85:
                out.append(("recorded", rng.choice(sample["recorded"])[0]))
            else:
                out.append(("unknown", rng.choice(sample["unknown"])))
        return out

    statements = Statements()
    connection.execute_wrappers.append(statements)

    def check(number: str) -> tuple[float, list]:
        applicant = Applicant(kind="person", name="申请人", id_number=number)
        at = timezone.now()
        start = time.perf_counter()
        flags = checks.subject_flags(applicant=applicant, item=None, stage=FlagStage.SUBMISSION, at=at)
        return (time.perf_counter() - start) * 1000, flags

    def reference(pk: int) -> float:
        start = time.perf_counter()
        CreditSubject.objects.filter(pk=pk).first()
        return (time.perf_counter() - start) * 1000

    pks = sample["subject_ids"]
    for _group, number in draw(n_warmup):
        check(number)
        reference(rng.choice(pks))
    gc.collect()

    plan = draw(n_checks)
    latencies: dict[str, list[float]] = {"clean": [], "unknown": [], "flagged": [], "recorded, none in effect": []}
    statements_by_group: dict[str, int] = dict.fromkeys(latencies, 0)
    flagged = blocked = 0
    flags_per_flagged: list[int] = []
    all_checks: list[float] = []
    ref: list[float] = []
    load_before = os.getloadavg()
    started = time.perf_counter()
    for group, number in plan:
        count_before = statements.count
        ms, flags = check(number)
        if group == "recorded":
            group = "flagged" if flags else "recorded, none in effect"
        elif flags:
            raise RuntimeError(f"a {group} number {number} was flagged: {flags}")
        statements_by_group[group] += statements.count - count_before
        latencies[group].append(ms)
        all_checks.append(ms)
        flagged += bool(flags)
        if flags:
            flags_per_flagged.append(len(flags))
        blocked += any(f.blocking for f in flags)
        ref.append(reference(rng.choice(pks)))
    elapsed = time.perf_counter() - started
    load_after = os.getloadavg()

    heavy = []
    for number, count in sample["heaviest"][:5]:
        times = sorted(check(number)[0] for _ in range(21))
        heavy.append({"records": count, "p50_ms": _r(times[10]), "max_ms": _r(times[-1]),
                      "flags": len(check(number)[1])})

    # EXPLAIN (ANALYZE, BUFFERS) of the statements of three checks, with their own parameters.
    explain: list[str] = []
    flagged_number = next(n for n, _c in sample["recorded"] if check(n)[1])
    for label, number in (("a subject with records in effect", flagged_number),
                          (f"the subject with the most records ({sample['heaviest'][0][1]:,})",
                           sample["heaviest"][0][0]),
                          ("a clean subject", sample["clean"][0])):
        statements.log = []
        check(number)
        log, statements.log = statements.log, None
        for n, (sql, params) in enumerate(log, 1):
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                rows = [r[0] for r in cursor.fetchall()]
            explain.append(f"-- {label} {number}: statement {n} of {len(log)}\n{sql}\n-- params: {[str(p) for p in params]}\n"
                           + "\n".join(rows))
    connection.execute_wrappers.remove(statements)

    return {"registered_checks": registered, "checks": len(all_checks), "all": _stats(all_checks),
            "groups": {g: _stats(v) for g, v in latencies.items()},
            "statements_per_check": {g: round(statements_by_group[g] / len(v), 2) if v else None
                                     for g, v in latencies.items()},
            "flagged": flagged, "blocked": blocked,
            "flags_per_flagged_check": {"p50": _pct(sorted(flags_per_flagged), 50),
                                        "p99": _pct(sorted(flags_per_flagged), 99),
                                        "max": max(flags_per_flagged, default=None)},
            "reference": _stats(ref), "heaviest": heavy,
            "explain": explain, "timed_s": round(elapsed, 1),
            "loadavg": [round(load_before[0], 2), round(load_after[0], 2)]}


# --------------------------------------------------------------------------------------------------
# Parent.
# --------------------------------------------------------------------------------------------------

def _child(argv: list[str], env: dict[str, str]) -> dict:
    done = subprocess.run([sys.executable, __file__, *argv], env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True,
                          timeout=7200)  # stderr (progress) goes straight through
    if done.returncode != 0:
        raise RuntimeError(f"{argv[0]} failed (exit {done.returncode}): {done.stdout.strip()[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run(server: str, args: argparse.Namespace) -> tuple[dict, dict]:
    from _pg import fresh_database
    from _server import server_env

    with tempfile.TemporaryDirectory(prefix="oneseal-bench-") as var, \
            fresh_database(server, f"oneseal_bench_credit_{os.getpid()}") as url:
        env = server_env(var, url)
        sample = os.path.join(var, "sample.json")
        _progress(f"loading {args.subjects:,} subjects and {args.records:,} records …")
        loaded = _child(["--load", "--subjects", str(args.subjects), "--records", str(args.records),
                         "--sample", sample, "--seed", str(args.seed)], env)
        _progress(f"loaded in {loaded['load_s']} s; timing {args.checks:,} checks after {args.warmup:,} warm-up …")
        measured = _child(["--measure", "--sample", sample, "--checks", str(args.checks), "--warmup",
                           str(args.warmup), "--seed", str(args.seed)], env)
    return loaded, measured


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subjects", type=int, default=1_000_000, help="credit subjects (default 1000000)")
    parser.add_argument("--records", type=int, default=5_000_000, help="credit records (default 5000000)")
    parser.add_argument("--checks", type=int, default=20_000, help="timed checks (default 20000)")
    parser.add_argument("--warmup", type=int, default=2_000, help="untimed checks first (default 2000)")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    parser.add_argument("--load", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--sample", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load or args.measure:
        sys.path.insert(0, str(ROOT / "src"))
        import django

        django.setup()  # runs CreditConfig.ready(), which registers the check with cases
        result = (load(args.subjects, args.records, args.sample, args.seed) if args.load
                  else measure(args.sample, args.checks, args.warmup, args.seed))
        print(json.dumps(result, ensure_ascii=False))
        return

    from _pg import PostgresUnavailable, private_cluster

    started = time.perf_counter()
    base = {"subjects": args.subjects, "records": args.records, "checks": args.checks, "goal_p99_ms": GOAL_P99_MS}
    try:
        with contextlib.ExitStack() as stack:
            server = os.environ.get("BENCH_PG_URL") or stack.enter_context(private_cluster())
            loaded, m = run(server, args)
    except PostgresUnavailable as error:
        print("\n" + "!" * 100 + f"\n!! PostgreSQL NOT AVAILABLE, nothing measured: {error}\n" + "!" * 100 + "\n")
        print(json.dumps({**base, "p50_ms": None, "p99_ms": None, "reference_p99_ms": None, "ok": False,
                          "postgres_error": str(error)}))
        return

    print("\n".join(m["explain"]) + "\n")
    print(f"loaded: {json.dumps(loaded, ensure_ascii=False)}")
    print(f"registered subject checks: {', '.join(m['registered_checks'])}\n")
    print(f"oneseal.cases.checks.subject_flags(stage='submission') in one Django process on PostgreSQL, "
          f"{args.subjects:,} subjects, {args.records:,} records; {m['checks']:,} checks after {args.warmup:,} "
          f"warm-up, each followed by the reference lookup\n")
    print(f"{'':<34}{'checks':>8}{'p50':>10}{'p95':>10}{'p99':>10}{'max':>10}{'SQL':>6}")

    def row(label: str, s: dict, sql) -> None:
        cells = "".join(f"{s[k]:>8.2f}ms" if s[k] is not None else f"{'—':>10}"
                        for k in ("p50_ms", "p95_ms", "p99_ms", "max_ms"))
        print(f"{label:<34}{s['n']:>8}{cells}{sql if sql is not None else '':>6}")

    row("credit check, all", m["all"], None)
    for group, s in m["groups"].items():
        row(f"  {group}", s, m["statements_per_check"][group])
    row("reference: subject by primary key", m["reference"], 1)
    f = m["flags_per_flagged_check"]
    print(f"\nflagged {m['flagged']:,} checks, {m['blocked']:,} of them blocking; flags per flagged check (one per "
          f"record in effect and measure): p50 {f['p50']}, p99 {f['p99']}, max {f['max']}; goal p99 ≤ "
          f"{GOAL_P99_MS:.0f} ms")
    for h in m["heaviest"]:
        print(f"heavy subject, {h['records']:,} records: p50 {h['p50_ms']:.2f} ms, max {h['max_ms']:.2f} ms of 21 "
              f"checks, {h['flags']} flags")
    print(f"load average before/after the timed checks: {m['loadavg']}; timed part {m['timed_s']} s; total "
          f"{time.perf_counter() - started:.0f} s\n")
    a = m["all"]
    print(json.dumps({**base, "checks": m["checks"], "p50_ms": a["p50_ms"], "p95_ms": a["p95_ms"],
                      "p99_ms": a["p99_ms"], "max_ms": a["max_ms"], "reference_p50_ms": m["reference"]["p50_ms"],
                      "reference_p99_ms": m["reference"]["p99_ms"],
                      "groups": {g: {"n": s["n"], "p50_ms": s["p50_ms"], "p99_ms": s["p99_ms"]}
                                 for g, s in m["groups"].items()},
                      "flagged": m["flagged"], "blocked": m["blocked"], "flags_per_flagged_check": f,
                      "heaviest": m["heaviest"][:1], "loaded": loaded, "loadavg": m["loadavg"],
                      "ok": a["p99_ms"] is not None and a["p99_ms"] <= GOAL_P99_MS}, ensure_ascii=False))


if __name__ == "__main__":
    main()
