"""Turn the item specs into the catalog rows `apply_catalog` takes: items, materials, fees,
special procedures and licensing-power transfers.

Item codes read `420683-<type>-<department>-<nnn>`: the region code, a two-letter type code
(XK 行政许可, QR 行政确认, CJ 行政裁决, JF 行政给付, JL 行政奖励, BA 行政备案, QT 其他行政权力,
GG 公共服务), the original department's code and a three-digit number within that department
and type, in the order the specs list them.

Everything a spec leaves open is drawn from a random generator seeded with the item's code, so
the catalog is the same on every run and adding an item does not reshuffle the others.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from .licensing import COMMITMENT_TERMS, HIGH_RISK, LICENSING
from .places import BUREAU, CITY, DEPARTMENT_ZONE, DEPARTMENTS, OFFICE_HOURS, place_of
from .services import SERVICES
from .spec import ItemSpec

ONE_VISIT_ITEMS = 184  # 184个高频事项实现“最多跑一次”

TYPE_CODES = {
    "licensing": "XK", "confirmation": "QR", "adjudication": "CJ", "benefit": "JF",
    "reward": "JL", "filing": "BA", "other_power": "QT", "public_service": "GG",
}
# Statutory limit (working days) where the spec names none.
DEFAULT_LIMIT = {
    "licensing": 20, "confirmation": 20, "adjudication": 60, "benefit": 20,
    "reward": 30, "filing": 5, "other_power": 20, "public_service": 10,
}
# Art. 45 kinds stop the clock; a site inspection (现场勘验) is not among them and counts.
SPECIAL_PROCEDURE_DAYS = {
    "hearing": 20, "tendering": 20, "auction": 20, "testing": 15, "inspection": 10, "quarantine": 5,
    "appraisal": 30, "expert_review": 10, "public_notice": 7, "site_inspection": 5,
}
SPECIAL_PROCEDURE_NOTES = {
    "testing": "检验所需时间不计入办理时限，书面告知申请人",
    "inspection": "检测所需时间不计入办理时限，书面告知申请人",
    "quarantine": "检疫所需时间不计入办理时限",
    "appraisal": "鉴定所需时间不计入办理时限",
    "expert_review": "专家评审所需时间不计入办理时限，书面告知申请人",
    "public_notice": "公示期不计入办理时限",
    "site_inspection": "现场勘验计入办理时限",
    "hearing": "听证所需时间不计入办理时限",
}
PROCEDURE_STEPS = {
    "on_the_spot": "受理 → 审查 → 当场决定 → 当场发证",
    "standard": "受理 → 审查 → 决定 → 送达",
    "site_inspection": "受理 → 审查 → 现场勘验 → 决定 → 送达",
    "expert_review": "受理 → 审查 → 专家评审 → 决定 → 送达",
    "public_notice": "受理 → 审查 → 公示 → 决定 → 送达",
    "commitment": "受理 → 签署告知承诺书 → 当场决定 → 送达 → 事后核查",
}
TRANSFER_BATCHES = [
    ("2015年第一批", dt.date(2015, 11, 30), {"FGJ", "JYJ", "KJJXJ", "MZZJJ", "MZJ", "RSJ"}),
    ("2016年第二批", dt.date(2016, 6, 30), {"ZRZYJ", "ZJJ", "JTJ", "SLJ", "SCJGJ"}),
    ("2017年第三批", dt.date(2017, 12, 29), {"NYJ", "SHWJ", "WLJ", "CGJ", "LYJ"}),
]
PENDING_BATCH = ("待划转", dt.date(2021, 12, 31),
                 "承接所需检验检测设备和专业技术人员欠缺，暂未划转（进驻不到位）")

_PHONES = {d["code"]: d["phone"] for d in DEPARTMENTS}
_NAMES = {d["code"]: d["name"] for d in DEPARTMENTS}


def all_specs() -> list[ItemSpec]:
    return LICENSING + SERVICES


def implementing_body(spec: ItemSpec) -> str:
    """Transferred licensing powers are exercised by the bureau (一枚印章管审批)."""
    if spec.item_type == "licensing" and not spec.pending:
        return BUREAU
    return spec.department


def zone_of(spec: ItemSpec) -> str:
    if spec.zone is not None:
        return spec.zone
    return DEPARTMENT_ZONE.get(implementing_body(spec), "")


def _codes(specs: list[ItemSpec]) -> list[str]:
    counters: dict[tuple[str, str], int] = defaultdict(int)
    codes = []
    for spec in specs:
        key = (spec.item_type, spec.department)
        counters[key] += 1
        codes.append(f"{CITY}-{TYPE_CODES[spec.item_type]}-{spec.department}-{counters[key]:03d}")
    return codes


def _one_visit_codes(specs: list[ItemSpec], codes: list[str]) -> set[str]:
    """The known high-frequency items, topped up to 184 from the simpler services."""
    chosen = {code for spec, code in zip(specs, codes, strict=True) if spec.hf}
    if len(chosen) > ONE_VISIT_ITEMS:
        raise ValueError(f"{len(chosen)} items are marked high-frequency; at most {ONE_VISIT_ITEMS} allowed")
    simple = ("public_service", "confirmation", "filing", "benefit")
    candidates = [code for spec, code in zip(specs, codes, strict=True)
                  if not spec.hf and spec.item_type in simple and not spec.sp]
    chosen |= set(random.Random("zaoyang:one-visit").sample(candidates, ONE_VISIT_ITEMS - len(chosen)))
    return chosen


def _procedure(spec: ItemSpec) -> str:
    if spec.procedure:
        return spec.procedure
    if spec.quick:
        return "on_the_spot"
    for kind in ("expert_review", "site_inspection", "public_notice"):
        if kind in spec.sp:
            return kind
    return "standard"


def _committed(spec: ItemSpec, statutory: tuple[int, str], rng: random.Random) -> tuple[int, str]:
    if spec.committed:
        return spec.committed
    if spec.quick:
        return (1, "working_days")
    days = statutory[0] if statutory[1] == "working_days" else 1
    options = [n for n in (1, 2, 3, 5, 7, 10, 15) if n <= max(1, days * 3 // 4)]
    return (rng.choice(options), "working_days")


def _founds_an_organisation(spec: ItemSpec) -> bool:
    """Establishment items: the applicant has no business licence yet."""
    return not spec.person and any(word in spec.name for word in ("设立", "成立", "一件事"))


def _conditions(spec: ItemSpec) -> str:
    if spec.person:
        who = "申请人为具有完全民事行为能力的自然人"
    elif _founds_an_organisation(spec):
        who = "申请人为拟设立主体的投资人、发起人或其委托的代理人"
    else:
        who = "申请人为依法设立的法人或其他组织"
    if spec.item_type == "licensing":
        return (f"{who}；符合{spec.law or '有关法律法规'}规定的条件；申请材料齐全、符合法定形式；"
                "申请人未被列入严重失信主体名单。")
    if spec.item_type == "benefit":
        return f"{who}；符合享受待遇的条件；如实申报家庭或个人情况。"
    return f"{who}；申请事项符合{spec.law or '有关规定'}；申请材料齐全、真实有效。"


_PERSON_BASE = [
    ("申请表", "original", 1, False, ""),
    ("申请人居民身份证", "original", 1, True, "居民身份证"),
]
_ORG_BASE = [
    ("申请书", "original", 1, False, ""),
    ("营业执照或统一社会信用代码证书", "copy", 1, True, "营业执照"),
    ("法定代表人身份证明", "copy", 1, True, "居民身份证"),
]
_FOUNDER_BASE = [
    ("申请书", "original", 1, False, ""),
    ("投资人（发起人）主体资格证明", "copy", 1, True, "居民身份证"),
    ("拟任法定代表人身份证明", "copy", 1, True, "居民身份证"),
]
_PROXY = ("授权委托书及受托人身份证明", "original", 1, False, "")
_EXTRA = {
    "BDCZX": [("不动产登记申请书", "original", 1, False, ""), ("不动产权属证书", "original", 1, True, "不动产权证书"),
              ("完税凭证", "copy", 1, True, "完税证明"), ("不动产权籍调查成果", "original", 1, False, "")],
    "GAJ": [("居民户口簿", "original", 1, True, "居民户口簿"), ("近期免冠照片", "original", 2, False, ""),
            ("机动车驾驶证", "original", 1, True, "机动车驾驶证"), ("机动车行驶证", "original", 1, True, "机动车行驶证")],
    "licensing": [("经营场所使用证明（产权证明或租赁合同）", "copy", 1, True, "不动产权证书"),
                  ("专业技术人员资格证明", "copy", 1, False, ""), ("主要设施设备清单", "original", 1, False, ""),
                  ("质量安全管理制度", "original", 1, False, ""), ("场所平面布置图", "original", 1, False, "")],
    "benefit": [("银行账户信息", "copy", 1, False, ""), ("家庭成员及收入情况说明", "original", 1, False, ""),
                ("社会保障卡", "original", 1, True, "社会保障卡")],
    "other": [("相关证明材料", "copy", 1, False, ""), ("情况说明", "original", 1, False, "")],
}


def _materials(spec: ItemSpec, code: str, rng: random.Random) -> list[dict]:
    base = _PERSON_BASE if spec.person else (_FOUNDER_BASE if _founds_an_organisation(spec) else _ORG_BASE)
    pool_key = spec.department if spec.department in _EXTRA else (
        spec.item_type if spec.item_type in _EXTRA else "other")
    extras = list(_EXTRA[pool_key])
    rng.shuffle(extras)
    specific = [(name, "original", 1, False, "") for name in spec.materials]
    want = max(len(specific) + 1, rng.randint(1, 6))
    chosen = specific + base[: max(1, want - len(specific) - 1)] + extras
    chosen = chosen[: min(6, want)]
    if len(chosen) < 6 and rng.random() < 0.3:
        chosen.append(_PROXY)
    rows = []
    for order, (name, form, copies, replaceable, licence) in enumerate(chosen, start=1):
        required = (name, form, copies, replaceable, licence) != _PROXY
        if form == "original" and not replaceable and rng.random() < 0.15:
            form = "electronic"
        rows.append({
            "item": code, "order": order, "name": name, "form": form, "copies": copies, "required": required,
            "licence_replaceable": replaceable, "licence_type": licence,
            "note": "可通过电子证照共享获取，免于提交" if replaceable else ("委托办理时提供" if not required else ""),
        })
    return rows


def _commitment_columns(spec: ItemSpec) -> dict:
    """Commitment approval and high risk (licensing.COMMITMENT_TERMS, HIGH_RISK). The catalog sheets do not
    read these columns yet: the credit demo applies them (oneseal.credit.demo.commitments)."""
    key = (spec.department, spec.name)
    terms = COMMITMENT_TERMS.get(key) if spec.item_type == "licensing" else None
    return {"high_risk": spec.item_type == "licensing" and key in HIGH_RISK,
            "commitment_mode": terms.mode if terms else "", "commitment_text": terms.text if terms else "",
            "commitment_verify_days": terms.verify_days if terms else 20}


def _commitment_replaceable(spec: ItemSpec, rows: list[dict]) -> list[dict]:
    terms = COMMITMENT_TERMS.get((spec.department, spec.name)) if spec.item_type == "licensing" else None
    for row in rows:
        row["commitment_replaceable"] = bool(terms) and row["name"] in terms.replaceable
    return rows


def _transfer(spec: ItemSpec, code: str) -> dict:
    if spec.pending:
        batch, date, note = PENDING_BATCH
        status = "pending"
    else:
        batch, date = next((b, d) for b, d, depts in TRANSFER_BATCHES if spec.department in depts)
        note, status = "", "transferred"
    return {"item": code, "from_department": spec.department, "to_department": BUREAU, "batch": batch,
            "date": date, "status": status, "note": note}


def build_items() -> dict[str, list[dict]]:
    """All 496 items and their materials, fees, special procedures and transfers."""
    specs = all_specs()
    codes = _codes(specs)
    one_visit = _one_visit_codes(specs, codes)
    out: dict[str, list[dict]] = {"items": [], "materials": [], "fees": [], "special_procedures": [],
                                  "transfers": []}
    for spec, code in zip(specs, codes, strict=True):
        rng = random.Random(f"zaoyang:{code}")
        body = implementing_body(spec)
        zone = zone_of(spec)
        statutory = spec.limit or (DEFAULT_LIMIT[spec.item_type], "working_days")
        committed = _committed(spec, statutory, rng)
        if code in one_visit:
            fully_online = spec.quick and rng.random() < 0.3
            visits, depth = (0, 4) if fully_online else (1, rng.choice([3, 4]))
        else:
            visits, depth = 2, rng.choice([1, 2, 2, 3])
        phone = _PHONES.get(body) or _PHONES[spec.department]
        out["items"].append({
            "code": code, "name": spec.name, "name_en": spec.name_en, "item_type": spec.item_type,
            "status": "active", "implementing_body": body, "original_department": spec.department,
            "supervising_department": spec.department, "zone": zone,
            "legal_basis": spec.law or "《中华人民共和国行政许可法》", "conditions": _conditions(spec),
            "procedure": _procedure(spec), "procedure_steps": PROCEDURE_STEPS[_procedure(spec)],
            "statutory_limit": statutory[0], "statutory_limit_unit": statutory[1],
            "committed_limit": committed[0], "committed_limit_unit": committed[1],
            "is_free": not spec.fees, "place": place_of(zone, body), "office_hours": OFFICE_HOURS,
            "consultation_channel": f"{_NAMES[body]} {phone}；湖北政务服务网枣阳站点在线咨询",
            "complaint_channel": "12345政务服务便民热线；枣阳市纪委监委举报电话 12388；大厅“好差评”评价器",
            "visits_required": visits, "online_depth": depth,
            "handling_mode": "on_the_spot" if spec.quick else "committed",
            "high_frequency": code in one_visit,
            **_commitment_columns(spec),
        })
        out["materials"] += _commitment_replaceable(spec, _materials(spec, code, rng))
        out["fees"] += [{"item": code, "name": name, "amount_yuan": amount, "unit": unit, "legal_basis": law}
                        for name, amount, unit, law in spec.fees]
        out["special_procedures"] += [
            {"item": code, "kind": kind, "max_working_days": SPECIAL_PROCEDURE_DAYS[kind],
             "stops_clock": kind != "site_inspection", "note": SPECIAL_PROCEDURE_NOTES.get(kind, "")}
            for kind in spec.sp
        ]
        if spec.item_type == "licensing":
            out["transfers"].append(_transfer(spec, code))
    return out
