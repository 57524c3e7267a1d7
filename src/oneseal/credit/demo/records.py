"""The Zaoyang scenario's credit part: records, recorded through the services by demo-credit (何雪梅,
the development and reform bureau's credit officer).

* 枣阳市长丰娱乐有限公司 (a demo applicant): a minor administrative penalty in effect — its applications
  are flagged for closer review;
* 徐建军 (made up): on the court's list of dishonest judgment debtors — refused at every application;
* 枣阳市鑫盛商贸有限公司 (made up): a major tax violation — excluded from commitment approval and bidding;
* 枣阳市新市汽车维修有限公司 (a demo applicant): a penalty lifted after administrative reconsideration;
* 李文华 (demo-applicant): a minor penalty of 200 days ago, with a repair request waiting for demo-credit.

Each record's source is `demo:<key>`, so loading twice records nothing new.
"""

from __future__ import annotations

import datetime as dt
import io

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from stdnum.cn import ric, uscc

from oneseal.cases.models import Applicant
from oneseal.demo.casework import citizen_id, credit_code, tiny_pdf
from oneseal.demo.zaoyang.cases import APPLICANTS
from oneseal.demo.zaoyang.places import CITY

from ..models import CreditRecord, RepairRequest, RepairStatus
from ..services.records import NewRecord, end_record, record, request_repair

OFFICER = "demo-credit"
APPLICANT_ACCOUNT = "demo-applicant"
MARKET = "枣阳市市场监督管理局"


def _person_id(birth: str, serial: str) -> str:
    body = f"{CITY}{birth}{serial}"
    return body + ric.calc_check_digit(body + "0")


def _org_code(own: str) -> str:
    body = f"91{CITY}MA{own}"
    return body + uscc.calc_check_digit(body)


def _applicant(key: str) -> tuple[str, str]:
    spec = next(a for a in APPLICANTS if a.key == key)
    number = credit_code(spec) if hasattr(spec, "code") else citizen_id(spec)
    return number, spec.name


def _records(now: dt.datetime) -> list[tuple[str, int, NewRecord]]:
    """(key, days ago it took effect, record)."""
    changfeng = _applicant("changfeng-entertainment")
    xinshi = _applicant("xinshi-auto")
    li = _applicant("li-wenhua")
    return [
        ("changfeng-penalty", 40, NewRecord(
            id_number=changfeng[0], subject_name=changfeng[1], kind="penalty_minor",
            title="未按规定核验顾客身份", facts="经查，该公司经营的娱乐场所未按规定核验并登记顾客身份信息，处警告并罚款人民币五千元。",
            authority="枣阳市文化和旅游局", decided_on=(now - dt.timedelta(days=40)).date(),
            legal_basis="《娱乐场所管理条例》第四十九条")),
        ("xu-court", 120, NewRecord(
            id_number=_person_id("19890815", "057"), subject_name="徐建军", kind="court_enforcement",
            title="有履行能力而拒不履行生效法律文书确定义务",
            facts="（2025）鄂0683执1234号：被执行人有履行能力而拒不履行生效判决确定的给付义务，被纳入失信被执行人名单。",
            authority="枣阳市人民法院", decided_on=(now - dt.timedelta(days=120)).date(),
            legal_basis="《最高人民法院关于公布失信被执行人名单信息的若干规定》第一条")),
        ("xinsheng-tax", 300, NewRecord(
            id_number=_org_code("4W7R3KX"), subject_name="枣阳市鑫盛商贸有限公司", kind="tax_violation",
            title="虚开增值税专用发票", facts="经税务稽查，该公司虚开增值税专用发票32份，价税合计人民币386万元。",
            authority="国家税务总局枣阳市税务局", decided_on=(now - dt.timedelta(days=300)).date(),
            legal_basis="《重大税收违法失信主体信息公布管理办法》第六条")),
        ("xinshi-lifted", 150, NewRecord(
            id_number=xinshi[0], subject_name=xinshi[1], kind="penalty_minor",
            title="超范围经营机动车维修业务", facts="经查，该公司超出备案范围从事二类机动车维修业务，处罚款人民币一万元。",
            authority=MARKET, decided_on=(now - dt.timedelta(days=150)).date(),
            legal_basis="《机动车维修管理规定》第四十九条")),
        ("li-penalty", 200, NewRecord(
            id_number=li[0], subject_name=li[1], kind="penalty_minor",
            title="未取得许可从事农机作业服务", facts="当事人未取得相关许可即对外提供拖拉机作业服务，处警告。",
            authority="枣阳市农业农村局", decided_on=(now - dt.timedelta(days=200)).date(),
            legal_basis="《农业机械安全监督管理条例》第四十八条")),
    ]


def load() -> None:
    officer = get_user_model().objects.filter(username=OFFICER).first()
    if officer is None:
        return
    now = timezone.now()
    with transaction.atomic():
        made = {}
        for key, days, new in _records(now):
            start = now - dt.timedelta(days=days)
            made[key] = record(actor=officer, now=now, new=NewRecord(
                **{**new.__dict__, "effective_from": start, "source_ref": f"demo:{key}"}))
        lifted = CreditRecord.objects.get(pk=made["xinshi-lifted"].pk)
        if lifted.status == "active":
            end_record(actor=officer, record_=lifted, status="lifted", now=now,
                       reason="经行政复议，枣阳市人民政府撤销原处罚决定（枣政复决字〔2026〕17号）。")
    _repair_request(made["li-penalty"])


def _repair_request(row: CreditRecord) -> None:
    applicant = Applicant.objects.filter(user__username=APPLICANT_ACCOUNT, id_number=row.id_number).select_related(
        "user").first()
    if applicant is None or RepairRequest.objects.filter(record=row).exclude(status=RepairStatus.REJECTED).exists():
        return
    proof = tiny_pdf("整改完成证明", ["Rectification completed", f"Record {row.number}", "Permit obtained"])
    request_repair(actor=applicant.user, record_=row, evidence=io.BytesIO(proof), evidence_name="整改完成证明.pdf",
                   statement="本人已于处罚后依法取得农业机械作业相关许可，并按期缴清罚款，现申请信用修复。")
