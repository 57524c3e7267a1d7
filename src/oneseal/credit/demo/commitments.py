"""The Zaoyang scenario's commitment approvals (告知承诺制 / 先建后验, DOMAIN.md §2), made through the services.

1. The catalog's commitment terms and high-risk items (demo/zaoyang/licensing.py COMMITMENT_TERMS,
   HIGH_RISK) are applied to the items, and a new version is published where they changed (the catalog
   sheets do not carry these columns yet).
2. The licence types the four commitment items produce, where the licences demo has none.
3. Inspector rows (执法检查人员) for the `<dept>-zf01..03` and `<dept>-jg01` regulators of the inspecting
   departments, and for demo-regulator (市场监管局).
4. The seed's three enterprises with their 先建后验 projects, signed in the past at dated moments:
   祺鑫通达 kept its commitment (CONFIRMED), 鑫西康化工 is rectifying (deadline ahead), 科立环保 awaits
   its verification (due within days). One more enterprise's commitment proved FALSE (case and licence
   revoked, a false_commitment record: it is refused commitment approval and its next application,
   also here, is flagged). A food shop's commitment awaits a verification demo-regulator was drawn for.

Loading twice creates nothing new.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import random

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from stdnum.cn import uscc

from oneseal.cases.models import Applicant, Case, Channel
from oneseal.cases.services import MaterialUpload, register_applicant, submit_case
from oneseal.catalog.models import Department, Material, ServiceItem
from oneseal.catalog.services import publish_item_version
from oneseal.kernel import events, workcal

from ..models import Commitment, CommitmentStatus, Inspector
from ..services import commitments as svc

logger = logging.getLogger(__name__)
CITY = "420683"
ACTOR = "demo"
DEMO_REGULATOR = "demo-regulator"
FLAGGED_KEY = "demo:credit:after-false-commitment"

ITEM_COLUMNS = ("high_risk", "commitment_mode", "commitment_text", "commitment_verify_days")

# key, name, the 7 characters after 91420683MA, legal representative, phone, the representative's
# birth date and serial (their citizen ID, the signer's)
ENTERPRISES = [
    ("qixin", "祺鑫通达电子商务有限公司", "4QX8T01", "王建华", "0710-6235518", "19900315", "013"),
    ("xinxikang", "鑫西康化工有限公司", "4XK3H02", "李国栋", "0710-6418826", "19930722", "051"),
    ("keli", "科立环保科技有限公司", "4KL6B03", "陈立新", "0710-6377105", "19901108", "037"),
    ("hanrun", "枣阳市汉润洗浴有限公司", "4HR2Y04", "胡德胜", "0710-6229147", "19910204", "019"),
    ("xianfeng", "枣阳市鲜丰超市有限公司", "4XF5C05", "赵春燕", "0710-6286630", "19920917", "042"),
]
# licence type code, name, English, issuing department, validity days, item (department, name)
LICENCE_TYPES = [
    ("JZSG", "建筑工程施工许可证", "Construction permit", "ZJJ", None, ("ZJJ", "建筑工程施工许可证核发")),
    ("JSGH", "建设工程规划许可证", "Construction project planning permit", "ZRZYJ", None,
     ("ZRZYJ", "建设工程规划许可证核发")),
    ("GGWS", "公共场所卫生许可证", "Public-place hygiene licence", "WJJ", 4 * 365, ("WJJ", "公共场所卫生许可")),
    ("SPJY", "食品经营许可证", "Food business licence", "SCJGJ", 5 * 365, ("SCJGJ", "食品经营许可")),
]


def credit_code(own: str) -> str:
    body = f"91{CITY}MA{own}"
    return body + uscc.calc_check_digit(body)


# -- catalog -----------------------------------------------------------------------------------------

def apply_catalog_terms() -> int:
    """Give the items their commitment terms and high-risk flags; publish a version where they changed.
    Returns how many items changed."""
    from oneseal.demo.zaoyang.items import build_items

    data = build_items()
    replaceable = {(m["item"], m["name"]) for m in data["materials"] if m.get("commitment_replaceable")}
    wanted = {row["code"]: row for row in data["items"] if row.get("commitment_mode") or row.get("high_risk")}
    changed = 0
    with transaction.atomic():
        for item in ServiceItem.objects.filter(code__in=wanted):
            row = wanted[item.code]
            fields = [f for f in ITEM_COLUMNS if getattr(item, f) != row[f]]
            for field in fields:
                setattr(item, field, row[field])
            if fields:
                item.save(update_fields=[*fields, "updated_at"])
            for material in Material.objects.filter(item=item):
                flag = (item.code, material.name) in replaceable
                if material.commitment_replaceable != flag:
                    Material.objects.filter(pk=material.pk).update(commitment_replaceable=flag)
            if publish_item_version(actor=ACTOR, item=item, note="告知承诺制 / 高风险事项"):
                changed += 1
    return changed


def _licence_types() -> None:
    from oneseal.licenses.models import IssuedLicenceType, LicenceType

    departments = {d.code: d for d in Department.objects.all()}
    fields = [{"name": "name", "label": "名称", "source": "applicant.name"},
              {"name": "matter", "label": "许可事项", "source": "item.name"},
              {"name": "case", "label": "办件编号", "source": "case.number"}]
    for code, name, name_en, issuer, days, (department, item_name) in LICENCE_TYPES:
        item = ServiceItem.objects.filter(original_department__code=department, name=item_name).first()
        if item is None or IssuedLicenceType.objects.filter(item=item).exists():
            continue
        licence_type = (LicenceType.objects.filter(name=name).first()
                        or LicenceType.objects.filter(code=code).first()
                        or LicenceType.objects.create(code=code, name=name, name_en=name_en,
                                                      issuing_department=departments[issuer], validity_days=days,
                                                      fields=fields))
        IssuedLicenceType.objects.create(item=item, licence_type=licence_type)


# -- inspectors ---------------------------------------------------------------------------------------

def ensure_inspectors() -> int:
    """An Inspector row for each demo enforcement officer (zf01..03), head of supervision (jg01) and
    demo-regulator; badges read 420683 + department number + officer number. Returns how many were added."""
    from oneseal.demo.zaoyang.people import INSPECTOR_DEPARTMENTS

    users = get_user_model().objects
    departments = {d.code: d for d in Department.objects.filter(code__in=INSPECTOR_DEPARTMENTS)}
    wanted = []
    for index, code in enumerate(INSPECTOR_DEPARTMENTS, start=1):
        for n, suffix in ((1, "zf01"), (2, "zf02"), (3, "zf03"), (10, "jg01")):
            wanted.append((f"{code.lower()}-{suffix}", code, f"{CITY}{index:03d}{n:02d}"))
        if code == "SCJGJ":
            wanted.append((DEMO_REGULATOR, code, f"{CITY}{index:03d}11"))
    added = 0
    for username, code, badge in wanted:
        user = users.filter(username=username).first()
        if user is None or code not in departments or Inspector.objects.filter(user=user).exists():
            continue
        while Inspector.objects.filter(badge=badge).exists():
            badge = f"{badge}9"
        Inspector.objects.create(user=user, department=departments[code], name=user.get_full_name() or username,
                                 badge=badge)
        added += 1
    return added


# -- the commitments -----------------------------------------------------------------------------------

def _moment(days_ago: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    """A working day `days_ago` calendar days back (or the working day before it), at a local time."""
    day = timezone.localdate() - dt.timedelta(days=days_ago)
    while not workcal.is_working_day(day):
        day -= dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _applicant(key: str) -> Applicant:
    _key, name, own, representative, phone, _birth, _serial = next(e for e in ENTERPRISES if e[0] == key)
    return register_applicant(actor=ACTOR, kind="organisation", name=name, id_number=credit_code(own),
                              legal_representative=representative, phone=phone)


def _item(department: str, name: str) -> ServiceItem:
    return ServiceItem.objects.select_related("supervising_department").get(original_department__code=department,
                                                                            name=name)


def _uploads(item: ServiceItem, skip: set[str]) -> list[MaterialUpload]:
    """A small PDF for every required material not replaced and not offered from a licence."""
    from oneseal.demo.casework import tiny_pdf

    version = item.versions.order_by("-number").first()
    out = []
    for material in version.snapshot["materials"]:
        if material["required"] and not material["licence_replaceable"] and material["name"] not in skip:
            content = tiny_pdf(material["name"], ["Zaoyang demo", item.code])
            out.append(MaterialUpload(material=material["name"], stream=io.BytesIO(content), filename="material.pdf",
                                      size=len(content)))
    return out


def _window():
    """(demo-clerk, the hall): the enterprises sign at the 工程建设 / 综合受理 windows, in person."""
    from oneseal.catalog.models import Hall
    from oneseal.demo.zaoyang.places import HALL

    return get_user_model().objects.get(username="demo-clerk"), Hall.objects.get(code=HALL)


def _sign(key: str, item: ServiceItem, project: str, signed_at: dt.datetime, rng: random.Random) -> Commitment:
    applicant = _applicant(key)
    existing = Commitment.objects.filter(subject__id_number=applicant.id_number, item=item).first()
    if existing is not None:
        return existing
    terms = item.versions.order_by("-number").first().snapshot["commitment"]
    replaced = svc.replaceable_materials(item.versions.order_by("-number").first().snapshot)
    clerk, hall = _window()
    commitment = svc.sign_and_apply(
        actor=clerk, item=item, applicant=applicant, channel=Channel.WINDOW, hall=hall,
        materials=_uploads(item, set(replaced)),
        replaced=replaced, project=project, signer_name=applicant.legal_representative,
        signer_id_number=_signer_id(key), text_shown_sha256=svc.text_sha256(terms["text"]), now=signed_at, rng=rng)
    events.dispatch_all()  # the licence is issued before any verification can revoke it
    return commitment


def _signer_id(key: str) -> str:
    from stdnum.cn import ric

    *_rest, birth, serial = next(e for e in ENTERPRISES if e[0] == key)
    body = f"{CITY}{birth}{serial}"
    return body + ric.calc_check_digit(body + "0")


def _record(commitment: Commitment, outcome: str, findings: str, at: dt.datetime, rectify_days=None) -> None:
    if commitment.inspections.filter(recorded_at__isnull=False).exists():  # recorded on an earlier load
        return
    inspection = commitment.inspections.get()
    inspector = inspection.inspectors.order_by("badge").first()
    svc.record_verification(actor=inspector.user, inspection=inspection, outcome=outcome, findings=findings,
                            rectify_days=rectify_days, now=at)


def _due_soon_start(verify_days: int) -> dt.datetime:
    """A signing moment whose verification falls due within the next few days."""
    now = timezone.now()
    for days_ago in range(verify_days, verify_days * 3):
        start = _moment(days_ago)
        due = workcal.add_working_days(start, verify_days).at
        if now + dt.timedelta(days=1) < due <= now + dt.timedelta(days=6):
            return start
    return _moment(verify_days + verify_days // 2)


def _seat_demo_regulator(item: ServiceItem, id_number: str) -> random.Random:
    """A seeded draw that seats demo-regulator, so a visitor signed in as them can record the outcome.
    The draw itself is the service's; only the seed is chosen."""
    me = Inspector.objects.filter(user__username=DEMO_REGULATOR).first()
    for seed in range(200):
        drawn = svc.draw_inspectors(item.supervising_department_id, id_number, rng=random.Random(seed))
        if me in drawn:
            return random.Random(seed)
    return random.Random(0)


def _flagged_application(key: str) -> None:
    """After the false commitment: an ordinary application of the same enterprise, flagged for review."""
    if Case.objects.filter(idempotency_key=FLAGGED_KEY).exists():
        return
    item = _item("SCJGJ", "食品经营许可")
    clerk, hall = _window()
    submit_case(actor=clerk, item=item, applicant=_applicant(key), channel=Channel.WINDOW, hall=hall,
                materials=_uploads(item, set()), idempotency_key=FLAGGED_KEY, now=_moment(6, 15, 20))


def load() -> None:
    apply_catalog_terms()
    with transaction.atomic():
        _licence_types()
        ensure_inspectors()
    building = _item("ZJJ", "建筑工程施工许可证核发")
    planning = _item("ZRZYJ", "建设工程规划许可证核发")
    hygiene = _item("WJJ", "公共场所卫生许可")
    food = _item("SCJGJ", "食品经营许可")

    kept = _sign("qixin", building, "祺鑫通达电商物流仓储中心1#仓库（枣阳市北城街道）", _moment(95, 9, 30),
                 random.Random("zaoyang:commitment:qixin"))
    _record(kept, "confirmed", "现场核查：施工图已审查合格，建设资金到位，施工许可条件与承诺一致。",
            _moment(70, 15, 0))

    fixing = _sign("xinxikang", planning, "鑫西康化工年产2万吨水处理剂项目综合办公楼（枣阳市化工园区）",
                   _moment(40, 10, 15), random.Random("zaoyang:commitment:xinxikang"))
    _record(fixing, "fixable", "现场核查：综合楼北侧退让道路红线不足1.5米，与承诺的设计方案不符，须按方案整改。",
            _moment(5, 16, 0), rectify_days=15)

    _sign("keli", building, "科立环保科技研发生产基地1号厂房（枣阳市南城街道）",
          _due_soon_start(int(building.versions.order_by("-number").first().snapshot["commitment"]["verify_days"])),
          random.Random("zaoyang:commitment:keli"))

    false = _sign("hanrun", hygiene, "", _moment(62, 11, 0), random.Random("zaoyang:commitment:hanrun"))
    _record(false, "false", "现场核查：8名从业人员中5人无有效健康合格证明，卫生检测报告未出具，承诺内容不实。",
            _moment(40, 10, 30))
    if Commitment.objects.filter(pk=false.pk, status=CommitmentStatus.FALSE).exists():
        _flagged_application("hanrun")

    shop = _applicant("xianfeng")
    _sign("xianfeng", food, "", _moment(8, 14, 40), _seat_demo_regulator(food, shop.id_number))
