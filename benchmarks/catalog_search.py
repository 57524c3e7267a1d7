"""Catalog search page (/items/) over a large catalog: median server time on SQLite and PostgreSQL.

    .venv/bin/python benchmarks/catalog_search.py [--items 100000] [--reference-items 1000]
                                                  [--repeat 30] [--backend sqlite|postgres|both]

Each (database, catalog size) runs in its own subprocess, because Django's settings are per process:
the worker points DATABASE_URL at a fresh database (a temporary SQLite file, or a new database on the
PostgreSQL server named by BENCH_PG_URL, or else on a private cluster this script starts and stops),
migrates it, bulk-creates a synthetic but realistic catalog and then times GET /items/?… through
Django's test Client: URL routing, middleware, the view, its queries and the template rendering, i.e.
the whole server side of a request except the socket. The same queries over a 1,000-item catalog are
the same-run reference: the ratio shows how the page scales with the catalog.

The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
GOAL_MS = 50.0
RARE_WORD = "古树名木"  # only one rarely drawn subject contains it: a few dozen items in 100,000

# Department code, name, kind, the zone its windows sit in (None: not in the hall).
DEPARTMENTS = [
    ("SPJ", "枣阳市行政审批局", "bureau", "ZHFW"),
    ("FGJ", "枣阳市发展和改革局", "line", "GCJS"),
    ("JYJ", "枣阳市教育局", "line", "SHSW"),
    ("KJJ", "枣阳市科学技术局", "line", "ZHFW"),
    ("JXJ", "枣阳市经济和信息化局", "line", "QYKB"),
    ("GAJ", "枣阳市公安局", "line", "GAFW"),
    ("MZJ", "枣阳市民政局", "line", "SHSW"),
    ("SFJ", "枣阳市司法局", "line", "SHSW"),
    ("CZJ", "枣阳市财政局", "line", "ZHFW"),
    ("RSJ", "枣阳市人力资源和社会保障局", "line", "SHSW"),
    ("ZRJ", "枣阳市自然资源和规划局", "line", "GCJS"),
    ("HBJ", "襄阳市生态环境局枣阳分局", "vertical", "GCJS"),
    ("ZJJ", "枣阳市住房和城乡建设局", "line", "GCJS"),
    ("JTJ", "枣阳市交通运输局", "line", "ZHFW"),
    ("SLJ", "枣阳市水利和湖泊局", "line", "GCJS"),
    ("NYJ", "枣阳市农业农村局", "line", "ZHFW"),
    ("SWJ", "枣阳市商务局", "line", "QYKB"),
    ("WLJ", "枣阳市文化和旅游局", "line", "ZHFW"),
    ("WJJ", "枣阳市卫生健康局", "line", "SHSW"),
    ("TYJ", "枣阳市退役军人事务局", "line", "SHSW"),
    ("YJJ", "枣阳市应急管理局", "line", "ZHFW"),
    ("SJJ", "枣阳市审计局", "line", None),
    ("SCJ", "枣阳市市场监督管理局", "line", "QYKB"),
    ("TJJ", "枣阳市统计局", "line", None),
    ("YBJ", "枣阳市医疗保障局", "line", "SHSW"),
    ("LYJ", "枣阳市林业局", "line", "ZHFW"),
    ("CGJ", "枣阳市城市管理执法局", "line", "GCJS"),
    ("RFB", "枣阳市人民防空办公室", "line", "GCJS"),
    ("MZZ", "枣阳市民族宗教事务局", "line", "SHSW"),
    ("DAG", "枣阳市档案馆", "other", None),
    ("QXJ", "枣阳市气象局", "vertical", "GCJS"),
    ("SWU", "国家税务总局枣阳市税务局", "vertical", "SWFW"),
    ("YCJ", "枣阳市烟草专卖局", "vertical", "QYKB"),
    ("XFD", "枣阳市消防救援大队", "vertical", "GCJS"),
    ("GJJ", "襄阳住房公积金中心枣阳分中心", "other", "SHSW"),
    ("CLH", "枣阳市残疾人联合会", "other", "SHSW"),
    ("GDG", "国网枣阳市供电公司", "other", "ZHFW"),
    ("ZLS", "枣阳市自来水公司", "other", "ZHFW"),
    ("BDC", "枣阳市不动产登记中心", "line", "BDC"),
    ("JYZ", "枣阳市公共资源交易中心", "other", None),
]

ZONES = [
    ("QYKB", "企业开办服务区"), ("GCJS", "工程建设项目服务区"), ("SHSW", "社会事务服务区"),
    ("BDC", "不动产登记服务区"), ("GAFW", "公安服务区"), ("SWFW", "税务服务区"), ("ZHFW", "综合服务区"),
]

# Subject of the item, its department, English name, weight (how often it is drawn), action families.
SUBJECTS = [
    ("食品经营", "SCJ", "Food business", 8, "LFO"), ("食品生产", "SCJ", "Food production", 4, "LFO"),
    ("药品零售企业经营", "SCJ", "Retail pharmacy", 3, "LO"), ("医疗器械经营", "SCJ", "Medical device trade", 3, "LFO"),
    ("特种设备使用", "SCJ", "Special equipment use", 3, "CFO"), ("个体工商户", "SCJ", "Sole trader", 8, "CP"),
    ("企业设立", "SCJ", "Company formation", 8, "CP"), ("企业名称", "SCJ", "Company name", 4, "CP"),
    ("股权出质", "SCJ", "Equity pledge", 2, "C"), ("计量器具", "SCJ", "Measuring instrument", 2, "LO"),
    ("建筑工程施工", "ZJJ", "Construction work", 6, "LF"), ("建筑业企业资质", "ZJJ", "Builder qualification", 3, "LC"),
    ("商品房预售", "ZJJ", "Off-plan sales", 3, "LF"), ("城镇燃气经营", "ZJJ", "Gas supply", 2, "LO"),
    ("房屋建筑和市政基础设施工程竣工验收", "ZJJ", "Completion acceptance", 3, "F"),
    ("建设工程规划", "ZRJ", "Planning permit", 4, "L"), ("建设用地规划", "ZRJ", "Land-use planning", 3, "L"),
    ("乡村建设规划", "ZRJ", "Rural planning", 2, "L"), ("采矿", "ZRJ", "Mining", 1, "LC"),
    ("排污", "HBJ", "Discharge", 4, "LF"), ("建设项目环境影响评价", "HBJ", "Environmental impact", 4, "LF"),
    ("危险废物经营", "HBJ", "Hazardous waste", 1, "L"), ("取水", "SLJ", "Water abstraction", 3, "L"),
    ("河道管理范围内建设项目", "SLJ", "River works", 2, "L"), ("生产建设项目水土保持方案", "SLJ", "Soil conservation", 2, "L"),
    ("城镇污水排入排水管网", "CGJ", "Sewer connection", 3, "L"), ("城市建筑垃圾处置", "CGJ", "Construction waste", 2, "L"),
    ("户外广告设施设置", "CGJ", "Outdoor advertising", 2, "L"), ("临时占用城市道路", "CGJ", "Road occupation", 2, "L"),
    ("道路旅客运输经营", "JTJ", "Passenger transport", 3, "LO"), ("道路货物运输经营", "JTJ", "Freight transport", 4, "LO"),
    ("机动车驾驶员培训", "JTJ", "Driving school", 2, "LF"), ("出租汽车经营", "JTJ", "Taxi business", 2, "L"),
    ("公路超限运输", "JTJ", "Oversize transport", 2, "L"), ("医疗机构执业", "WJJ", "Medical institution", 3, "LO"),
    ("医师执业", "WJJ", "Physician practice", 5, "CO"), ("护士执业", "WJJ", "Nurse practice", 5, "CO"),
    ("公共场所卫生", "WJJ", "Public-place hygiene", 4, "LO"), ("出生医学证明", "WJJ", "Birth certificate", 5, "P"),
    ("母婴保健技术服务", "WJJ", "Maternal care", 1, "L"), ("放射诊疗", "WJJ", "Radiology", 1, "L"),
    ("民办学校办学", "JYJ", "Private school", 2, "LO"), ("教师资格", "JYJ", "Teacher qualification", 5, "CP"),
    ("校外培训机构", "JYJ", "Tutoring centre", 2, "LF"), ("学生资助", "JYJ", "Student aid", 3, "B"),
    ("社会团体", "MZJ", "Social organisation", 3, "CF"), ("民办非企业单位", "MZJ", "Private non-profit", 2, "CF"),
    ("最低生活保障", "MZJ", "Minimum living allowance", 6, "BP"), ("特困人员救助供养", "MZJ", "Destitute support", 3, "B"),
    ("婚姻", "MZJ", "Marriage", 6, "CP"), ("养老机构", "MZJ", "Care home", 2, "F"),
    ("临时救助", "MZJ", "Temporary relief", 3, "B"), ("失业保险金", "RSJ", "Unemployment benefit", 5, "BP"),
    ("职业技能鉴定", "RSJ", "Vocational skills", 3, "CP"), ("就业困难人员", "RSJ", "Hard-to-employ persons", 3, "CB"),
    ("城乡居民养老保险", "RSJ", "Residents' pension", 6, "CBP"), ("工伤", "RSJ", "Work injury", 4, "CBJ"),
    ("劳动人事争议", "RSJ", "Labour dispute", 2, "J"), ("人力资源服务", "RSJ", "HR services", 2, "LF"),
    ("基本医疗保险", "YBJ", "Medical insurance", 7, "CBP"), ("异地就医", "YBJ", "Out-of-town treatment", 4, "FP"),
    ("居民身份证", "GAJ", "Identity card", 8, "CP"), ("户口迁移", "GAJ", "Household transfer", 6, "CP"),
    ("机动车", "GAJ", "Motor vehicle", 6, "CP"), ("机动车驾驶证", "GAJ", "Driving licence", 6, "CP"),
    ("剧毒化学品购买", "GAJ", "Toxic chemicals purchase", 1, "L"), ("烟花爆竹道路运输", "GAJ", "Fireworks transport", 1, "L"),
    ("大型群众性活动安全", "GAJ", "Mass event safety", 1, "L"), ("旅馆业特种行业", "GAJ", "Hotel trade", 2, "L"),
    ("增值税发票", "SWU", "VAT invoice", 6, "CP"), ("纳税人", "SWU", "Taxpayer", 7, "CFP"),
    ("税收优惠", "SWU", "Tax relief", 4, "FC"), ("烟草专卖零售", "YCJ", "Tobacco retail", 4, "LO"),
    ("危险化学品经营", "YJJ", "Hazardous chemicals trade", 2, "L"), ("烟花爆竹经营", "YJJ", "Fireworks trade", 2, "L"),
    ("非煤矿山安全生产", "YJJ", "Mine safety", 1, "L"), ("公众聚集场所投入使用营业前消防安全检查", "XFD", "Fire safety", 3, "L"),
    ("建设工程消防设计审查", "ZJJ", "Fire design review", 3, "LF"), ("防空地下室易地建设", "RFB", "Shelter relocation", 1, "L"),
    ("雷电防护装置设计审核", "QXJ", "Lightning protection", 1, "L"), ("升放无人驾驶自由气球", "QXJ", "Balloon launch", 1, "L"),
    ("农药经营", "NYJ", "Pesticide trade", 2, "LO"), ("兽药经营", "NYJ", "Veterinary drugs", 2, "LO"),
    ("种子生产经营", "NYJ", "Seed trade", 2, "LO"), ("动物防疫条件合格证", "NYJ", "Animal epidemic prevention", 2, "LO"),
    ("农村宅基地", "NYJ", "Rural homestead", 3, "L"), ("耕地地力保护补贴", "NYJ", "Farmland subsidy", 4, "B"),
    ("农机购置补贴", "NYJ", "Farm machinery subsidy", 3, "B"), ("渔业捕捞", "NYJ", "Fishing", 1, "L"),
    ("林木采伐", "LYJ", "Tree felling", 2, "L"), ("使用林地", "LYJ", "Forest land use", 1, "L"),
    ("古树名木迁移", "LYJ", "Ancient tree relocation", 0.15, "L"),
    ("娱乐场所经营", "WLJ", "Entertainment venue", 2, "LO"), ("旅行社设立", "WLJ", "Travel agency", 1, "LO"),
    ("互联网上网服务营业场所", "WLJ", "Internet café", 2, "LO"), ("出版物零售", "WLJ", "Book retail", 2, "LF"),
    ("营业性演出", "WLJ", "Commercial performance", 2, "L"), ("文物保护单位建设控制地带内建设工程", "WLJ", "Heritage zone works", 1, "L"),
    ("退役士兵", "TYJ", "Veteran", 4, "BCP"), ("优抚对象", "TYJ", "Entitled group", 3, "BC"),
    ("残疾人证", "CLH", "Disability card", 4, "CP"), ("残疾人两项补贴", "CLH", "Disability allowance", 3, "B"),
    ("住房公积金", "GJJ", "Housing fund", 7, "BP"), ("不动产首次登记", "BDC", "First registration", 5, "C"),
    ("不动产转移登记", "BDC", "Transfer registration", 6, "C"), ("不动产抵押登记", "BDC", "Mortgage registration", 5, "C"),
    ("不动产登记资料", "BDC", "Registry records", 5, "P"), ("用电报装", "GDG", "Power connection", 4, "P"),
    ("用水报装", "ZLS", "Water connection", 3, "P"), ("固定资产投资项目", "FGJ", "Investment project", 4, "LF"),
    ("企业投资项目核准", "FGJ", "Project approval", 2, "L"), ("高新技术企业", "KJJ", "High-tech enterprise", 2, "CR"),
    ("科学技术奖", "KJJ", "Science award", 1, "R"), ("法律援助", "SFJ", "Legal aid", 3, "BP"),
    ("公证", "SFJ", "Notarisation", 3, "P"), ("政府采购", "CZJ", "Government procurement", 2, "FP"),
    ("统计调查项目", "TJJ", "Statistical survey", 1, "F"), ("宗教活动场所", "MZZ", "Religious venue", 1, "LC"),
    ("档案查阅", "DAG", "Archive access", 2, "P"), ("外商投资企业", "SWJ", "Foreign-invested company", 2, "F"),
    ("成品油零售经营", "SWJ", "Fuel retail", 1, "L"), ("拍卖企业", "SWJ", "Auction house", 1, "L"),
    ("工程建设项目招标", "JYZ", "Tendering", 2, "FP"), ("工业企业技术改造", "JXJ", "Technical upgrade", 2, "FR"),
]

# Action families: (item type, [(suffix, English suffix), …]).
ACTIONS = {
    "L": ("licensing", [("许可", "permit"), ("许可证核发", "permit issuance"), ("许可证变更", "permit change"),
                        ("许可证延续", "permit renewal"), ("许可证注销", "permit cancellation"),
                        ("许可证补办", "permit replacement"), ("审批", "approval")]),
    "O": ("other_power", [("年度检验", "annual inspection"), ("核查", "verification")]),
    "F": ("filing", [("备案", "filing"), ("备案变更", "filing change")]),
    "C": ("confirmation", [("登记", "registration"), ("变更登记", "change registration"),
                           ("注销登记", "deregistration"), ("资格认定", "qualification")]),
    "B": ("benefit", [("申领", "application"), ("发放", "payment"), ("补贴发放", "subsidy payment")]),
    "R": ("reward", [("奖励", "award")]),
    "J": ("adjudication", [("裁决", "adjudication")]),
    "P": ("public_service", [("查询", "enquiry"), ("证明开具", "certificate"), ("咨询", "consultation")]),
}
SCOPES = ["", "", "", "", "（新办）", "（变更）", "（延续）", "（补办）", "（市级）", "（乡镇）"]
TYPE_NUMBERS = {t: n for n, t in enumerate(
    ["licensing", "confirmation", "adjudication", "benefit", "reward", "filing", "other_power", "public_service"])}


def _queries() -> dict[str, dict[str, str]]:
    """The realistic mix of searches timed, by label."""
    return {
        "all, page 1": {},
        "all, page 2000": {"page": "2000"},
        "q=许可": {"q": "许可"},
        f"q={RARE_WORD} (rare)": {"q": RARE_WORD},
        "zone=QYKB": {"zone": "QYKB"},
        "department=SCJ&type=licensing": {"department": "SCJ", "type": "licensing"},
        "one_visit&high_frequency": {"one_visit": "1", "high_frequency": "1"},
        "q=登记&zone=SHSW&one_visit&depth=4": {"q": "登记", "zone": "SHSW", "one_visit": "1", "online_depth": "4"},
    }


# --------------------------------------------------------------------------------------------------
# Worker: one database, one catalog size, in its own process.
# --------------------------------------------------------------------------------------------------

def _build_catalog(n_items: int, seed: int = 20240601) -> None:
    from django.db import transaction

    from oneseal.catalog.models import Department, Hall, Region, ServiceItem, Zone

    rng = random.Random(seed)
    with transaction.atomic():
        city = Region.objects.create(code="420683", name="枣阳市", name_en="Zaoyang", level="city")
        hall = Hall.objects.create(code="ZYZWFW", name="枣阳市政务服务中心", region=city,
                                   address="枣阳市光武大道", phone="0710-6666666")
        zones = {code: Zone.objects.create(code=code, name=name, hall=hall, order=i)
                 for i, (code, name) in enumerate(ZONES)}
        departments = {code: Department.objects.create(code=code, name=name, kind=kind, region=city,
                                                       short_name=name.removeprefix("枣阳市"))
                       for code, name, kind, _zone in DEPARTMENTS}
    dept_zone = {code: zone for code, _name, _kind, zone in DEPARTMENTS}
    bureau = departments["SPJ"]
    weights = [s[3] for s in SUBJECTS]
    visits_choices, visits_weights = [0, 1, 2], [30, 55, 15]
    depth_choices, depth_weights = [1, 2, 3, 4], [5, 15, 40, 40]
    items = []
    for i in range(n_items):
        s_index = rng.choices(range(len(SUBJECTS)), weights)[0]
        subject, dept_code, subject_en, _w, families = SUBJECTS[s_index]
        item_type, actions = ACTIONS[rng.choice(families)]
        suffix, suffix_en = rng.choice(actions)
        name = subject + suffix + rng.choice(SCOPES)
        original = departments[dept_code]
        # A quarter of the licensing powers have been transferred to the approval bureau (相对集中许可权).
        body = bureau if item_type == "licensing" and rng.random() < 0.25 else original
        zone_code = "ZHFW" if body is bureau else dept_zone[dept_code]
        visits = rng.choices(visits_choices, visits_weights)[0]
        limit = rng.choice([1, 3, 5, 10, 15, 20])
        items.append(ServiceItem(
            code=f"{TYPE_NUMBERS[item_type] + 1:02d}{s_index:04d}{i:07d}",
            name=name,
            name_en=f"{subject_en} {suffix_en}" if rng.random() < 0.2 else "",
            item_type=item_type,
            status=rng.choices(["active", "suspended", "repealed"], [95, 3, 2])[0],
            implementing_body=body, original_department=original, supervising_department=original,
            zone=zones[zone_code] if zone_code and rng.random() < 0.9 else None,
            legal_basis=f"《中华人民共和国行政许可法》；《{subject}管理办法》第{rng.randint(3, 40)}条",
            conditions="申请人应当具备法律、法规规定的条件。",
            procedure_steps="受理、审查、决定、送达",
            statutory_limit=limit * 2, committed_limit=limit,
            place="枣阳市政务服务中心", office_hours="工作日 8:30-12:00, 14:30-17:30",
            consultation_channel="0710-6666666", complaint_channel="12345",
            visits_required=visits,
            online_depth=rng.choices(depth_choices, depth_weights)[0],
            handling_mode="on_the_spot" if visits == 0 and rng.random() < 0.5 else "committed",
            high_frequency=rng.random() < 0.06,
            is_free=rng.random() < 0.9,
        ))
    ServiceItem.objects.bulk_create(items, batch_size=2000)


class _Deadline:
    """Cancels the database statement running when a request passes its time limit.

    Without it one pathological query (minutes at 100,000 items) would hold the benchmark for hours;
    a request cut off this way is reported as "timed out", never as a figure.
    """

    def __init__(self, seconds: float):
        from django.db import connection

        connection.ensure_connection()
        self.raw = connection.connection  # the test Client keeps the connection open between requests
        self.cancel = self.raw.interrupt if connection.vendor == "sqlite" else self.raw.cancel
        self.seconds = seconds

    def get(self, client, url: str) -> float | None:
        """Milliseconds the request took, or None if it was cut off."""
        from django.db import Error

        timer = threading.Timer(self.seconds, self.cancel)
        timer.start()
        start = time.perf_counter()
        try:
            response = client.get(url)
        except Error:
            return None
        finally:
            timer.cancel()
        elapsed = (time.perf_counter() - start) * 1000
        if response.status_code != 200:
            raise SystemExit(f"GET {url} answered {response.status_code}")
        return elapsed


def _time_requests(repeat: int, warmup: int, timeout_s: float, budget_s: float = 15.0) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from oneseal.catalog import selectors, views
    from oneseal.catalog.models import Department, Zone

    logging.getLogger("django.request").setLevel(logging.CRITICAL)  # cut-off requests are reported below
    client = Client()
    deadline = _Deadline(timeout_s)
    queries = _queries()
    urls = {label: "/items/" + ("?" + urlencode(params) if params else "") for label, params in queries.items()}
    timed_out: set[str] = set()
    for _ in range(warmup):
        for label, url in urls.items():
            if label not in timed_out and deadline.get(client, url) is None:
                timed_out.add(label)
    samples: dict[str, list[float]] = {label: [] for label in urls}
    for _ in range(repeat):  # round-robin, so a slow moment of the machine is spread over all queries
        for label, url in urls.items():
            if label in timed_out or (len(samples[label]) >= 3 and sum(samples[label]) > budget_s * 1000):
                continue  # a very slow query gets fewer samples, so the whole run stays within minutes
            elapsed = deadline.get(client, url)
            if elapsed is None:
                timed_out.add(label)
            else:
                samples[label].append(elapsed)
    # The form only parses the query string here; filter_options() is what the page itself runs.
    options = {"departments": list(Department.objects.order_by("code")), "zones": list(Zone.objects.all())}
    per_query = {}
    for label, url in urls.items():
        form = views.ItemSearchForm(queries[label], options=options)
        form.is_valid()
        row = {"matches": selectors.search_items(form.filters()).count(), "timed_out": label in timed_out}
        if label in timed_out:
            # A request that was cut off counts as taking the limit: a lower bound, never a result.
            samples[label] = [timeout_s * 1000] * repeat
            row.update(median_ms=timeout_s * 1000, p90_ms=timeout_s * 1000, sql_queries=None)
        else:
            with CaptureQueriesContext(connection) as captured:
                deadline.get(client, url)
            row.update(median_ms=round(statistics.median(samples[label]), 2), samples=len(samples[label]),
                       p90_ms=round(_percentile(samples[label], 90), 2),
                       sql_queries=len(captured.captured_queries))
        per_query[label] = row
    pooled = [x for values in samples.values() for x in values]
    return {"median_ms": round(statistics.median(pooled), 2), "per_query": per_query,
            "timed_out": sorted(timed_out), "timeout_ms": timeout_s * 1000}


def _percentile(values: list[float], percent: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(percent / 100 * (len(ordered) - 1)))]


def _explain(label: str) -> None:
    """Print each SQL statement of one request with its plan (for --explain)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    params = _queries()[label]
    url = "/items/" + ("?" + urlencode(params) if params else "")
    with CaptureQueriesContext(connection) as captured:
        Client().get(url)
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN ANALYZE "
    print(f"\n## {connection.vendor} {label}: {len(captured.captured_queries)} queries", file=sys.stderr)
    for q in captured.captured_queries:
        with connection.cursor() as cursor:  # timed again with the rows fetched: SQLite works lazily
            start = time.perf_counter()
            cursor.execute(q["sql"])
            rows = len(cursor.fetchall())
            elapsed = (time.perf_counter() - start) * 1000
        print(f"-- {elapsed:.2f} ms, {rows} rows: {q['sql'][:300]}", file=sys.stderr)
        if q["sql"].lstrip().upper().startswith("SELECT"):
            with connection.cursor() as cursor:
                cursor.execute(prefix + q["sql"])
                for row in cursor.fetchall():
                    print("     ", " ".join(str(c) for c in row), file=sys.stderr)


def worker(args: argparse.Namespace) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oneseal.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    t1 = time.perf_counter()
    _build_catalog(args.items)
    if connection.vendor == "postgresql":
        # What autovacuum does shortly after a bulk load: statistics and the visibility map.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    t2 = time.perf_counter()
    result = _time_requests(args.repeat, args.warmup, args.timeout)
    result.update(vendor=connection.vendor, items=args.items, migrate_s=round(t1 - t0, 1),
                  load_s=round(t2 - t1, 1), measure_s=round(time.perf_counter() - t2, 1))
    for label in args.explain or []:
        _explain(label)
    print(json.dumps(result, ensure_ascii=False))


# --------------------------------------------------------------------------------------------------
# Parent: spawns the workers and prints the table.
# --------------------------------------------------------------------------------------------------

def _run_worker(database_url: str, items: int, args: argparse.Namespace) -> dict:
    with tempfile.TemporaryDirectory(prefix="oneseal-bench-") as var:
        if database_url == "sqlite":
            database_url = f"sqlite:///{var}/bench.sqlite3"
        env = {**os.environ, "DATABASE_URL": database_url, "ONESEAL_VAR": var,
               "ALLOWED_HOSTS": "localhost,127.0.0.1,testserver", "DEBUG": "0", "LOG_LEVEL": "WARNING",
               "DJANGO_SETTINGS_MODULE": "oneseal.settings"}
        argv = [sys.executable, __file__, "--worker", "--items", str(items), "--repeat", str(args.repeat),
                "--warmup", str(args.warmup), "--timeout", str(args.timeout)]
        for label in args.explain or []:
            argv += ["--explain", label]
        done = subprocess.run(argv, env=env, capture_output=True, text=True, cwd=ROOT, timeout=1800)
        sys.stderr.write(done.stderr)
        if done.returncode != 0 or not done.stdout.strip():
            raise RuntimeError(f"worker failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
        return json.loads(done.stdout.strip().splitlines()[-1])


def _run_postgres(items_sizes: list[int], args: argparse.Namespace) -> dict[int, dict] | str:
    """Results per size, or the reason PostgreSQL could not be used."""
    import contextlib

    from _pg import PostgresUnavailable, fresh_database, private_cluster

    results: dict[int, dict] = {}
    try:
        with contextlib.ExitStack() as stack:
            server = os.environ.get("BENCH_PG_URL") or stack.enter_context(private_cluster())
            for n in items_sizes:
                with fresh_database(server, f"oneseal_bench_{os.getpid()}_{n}") as url:
                    results[n] = _run_worker(url, n, args)
    except PostgresUnavailable as error:
        return str(error)
    return results


def _cell(result: dict, label: str) -> str:
    row = result["per_query"][label]
    if row["timed_out"]:
        return f"{'>' + format(row['median_ms'], '.0f'):>13} ms"
    return f"{row['median_ms']:>13.1f} ms"


def _print_table(results: dict[str, dict[int, dict]], sizes: list[int]) -> None:
    big, small = sizes
    backends = list(results)
    header = _pad("query", 40) + "".join(
        f"{b + ' ' + _k(n):>16}" for b in backends for n in sizes) + "".join(
        f"{b + ' ratio':>16}" for b in backends) + f"{'matches':>10}{'SQL':>5}"
    print(header)
    print("-" * len(header))
    for label in _queries():
        row = _pad(label, 40)
        for b in backends:
            for n in sizes:
                row += _cell(results[b][n], label)
        for b in backends:
            big_row, small_row = results[b][big]["per_query"][label], results[b][small]["per_query"][label]
            ratio = f"{big_row['median_ms'] / small_row['median_ms']:.1f}×"
            row += f"{'>' + ratio if big_row['timed_out'] else ratio:>16}"
        first = results[backends[0]][big]["per_query"][label]
        row += f"{first['matches']:>10}{first['sql_queries'] if first['sql_queries'] is not None else '-':>5}"
        print(row)
    row = _pad("overall median (all requests pooled)", 40)
    for b in backends:
        for n in sizes:
            row += f"{results[b][n]['median_ms']:>13.1f} ms"
    for b in backends:
        row += f"{results[b][big]['median_ms'] / results[b][small]['median_ms']:>15.1f}×"
    print(row)
    for b in backends:
        for n in sizes:
            if results[b][n]["timed_out"]:
                print(f"!! {b} {_k(n)}: cut off after {results[b][n]['timeout_ms'] / 1000:.0f} s, not measured: "
                      + ", ".join(results[b][n]["timed_out"]))


def _pad(text: str, width: int) -> str:
    """Left-align text in a monospace column where each CJK character takes two cells."""
    cells = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(0, width - cells)


def _k(n: int) -> str:
    return f"{n // 1000}k" if n >= 1000 and n % 1000 == 0 else str(n)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=100_000, help="catalog size measured (default 100000)")
    parser.add_argument("--reference-items", type=int, default=1_000, help="same-run reference size (1000)")
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per query (default 30)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests per query first (default 3)")
    parser.add_argument("--timeout", type=float, default=10.0,
                        help="seconds after which a request is cut off and its query reported as timed out (10)")
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--explain", action="append", choices=list(_queries()),
                        help="print the SQL and plans of one query's request (to stderr); repeatable")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return

    started = time.perf_counter()
    sizes = [args.items, args.reference_items]
    results: dict[str, dict[int, dict]] = {}
    pg_error = None
    if args.backend in ("sqlite", "both"):
        results["sqlite"] = {n: _run_worker("sqlite", n, args) for n in sizes}
    if args.backend in ("postgres", "both"):
        outcome = _run_postgres(sizes, args)
        if isinstance(outcome, str):
            pg_error = outcome
            print("\n" + "!" * 100 + f"\n!! PostgreSQL NOT MEASURED: {outcome}\n" + "!" * 100 + "\n")
        else:
            results["postgres"] = outcome

    print(f"\nCatalog search page GET /items/ — median server time of {args.repeat} requests per query "
          f"(Django test Client: routing, middleware, view, SQL, template)\n")
    _print_table(results, sizes)
    for backend, by_size in results.items():
        r = by_size[args.items]
        print(f"{backend}: migrate {r['migrate_s']} s, load {args.items} items {r['load_s']} s, "
              f"measure {r['measure_s']} s")
    print(f"total {time.perf_counter() - started:.0f} s\n")

    def median(backend: str, n: int) -> float | None:
        return results[backend][n]["median_ms"] if backend in results else None

    big = {b: by_size[args.items] for b, by_size in results.items()}
    summary = {
        "items": args.items,
        "reference_items": args.reference_items,
        "sqlite_median_ms": median("sqlite", args.items),
        "postgres_median_ms": median("postgres", args.items),
        "sqlite_1k_median_ms": median("sqlite", args.reference_items),
        "postgres_1k_median_ms": median("postgres", args.reference_items),
        "worst_query_median_ms": {b: max(q["median_ms"] for q in r["per_query"].values()) for b, r in big.items()},
        "per_query": {label: {b: r["per_query"][label]["median_ms"] for b, r in big.items()} for label in _queries()},
        "goal_ms": GOAL_MS,
        "timed_out": {b: r["timed_out"] for b, r in big.items() if r["timed_out"]},
        "postgres_error": pg_error,
    }
    measured = [m for m in (summary["sqlite_median_ms"], summary["postgres_median_ms"]) if m is not None]
    summary["ok"] = (bool(measured) and pg_error is None and not summary["timed_out"]
                     and all(m <= GOAL_MS for m in measured))
    print(json.dumps(summary, ensure_ascii=False))


if __name__ == "__main__":
    main()
