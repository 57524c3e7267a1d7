"""The Zaoyang scenario's part of this app, loaded by `oneseal demo load` after the cases.

* The licence types the demo's licensing items produce (营业执照, 劳务派遣经营许可证, 商品房预售许可证 …)
  and which item issues which. The demo cases already approved set off `cases.approved` events when
  they were loaded; the loader delivers the outbox after this, so their licences are issued by the
  same subscriber as in production (`services.issue_for_approved_case`), dated at their decision.
* The electronic resident identity card (居民身份证电子证照, issued by the public security bureau, not by a
  case here) of every person applicant, so demo-applicant (李文华) is offered it instead of an upload
  wherever an item asks for 申请人居民身份证 (once-only, 免提交) — e.g. 教师资格认定.

Loading twice creates nothing new.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from oneseal.cases.models import Applicant, ApplicantKind
from oneseal.catalog.models import Department, ServiceItem

from .models import IssuedLicenceType, LicenceType

CITY = "420683"

NAME = {"name": "name", "label": "名称（姓名）", "source": "applicant.name"}
REPRESENTATIVE = {"name": "representative", "label": "法定代表人（负责人）", "source": "applicant.legal_representative"}
MATTER = {"name": "matter", "label": "许可事项", "source": "item.name"}
CASE = {"name": "case", "label": "办件编号", "source": "case.number"}

# code, name, English name, issuing department, validity in days (None: no time limit), fields, items
LICENCE_TYPES: list[tuple[str, str, str, str, int | None, list[dict], list[str]]] = [
    ("YYZZ", "营业执照", "Business licence", "SCJGJ", None,
     [NAME, REPRESENTATIVE, {"name": "scope", "label": "经营范围", "source": "const.依法须经批准的项目，经相关部门批准后方可开展经营活动"}],
     ["XK-SCJGJ-001", "XK-SCJGJ-004"]),
    ("LWPQ", "劳务派遣经营许可证", "Labour dispatch business licence", "RSJ", 3 * 365, [NAME, REPRESENTATIVE, MATTER],
     ["XK-RSJ-002"]),
    ("SPFYS", "商品房预售许可证", "Pre-sale permit for commercial housing", "ZJJ", None, [NAME, MATTER, CASE],
     ["XK-ZJJ-002"]),
    ("JZYZZ", "建筑业企业资质证书", "Construction enterprise qualification certificate", "ZJJ", 5 * 365,
     [NAME, REPRESENTATIVE, {"name": "grade", "label": "资质类别及等级", "source": "const.施工劳务资质（不分等级）"}],
     ["XK-ZJJ-004"]),
    ("CPYLS", "成品油零售经营批准证书", "Retail oil products business certificate", "SHWJ", 5 * 365,
     [NAME, REPRESENTATIVE, MATTER], ["XK-SHWJ-001"]),
    ("LMCF", "林木采伐许可证", "Logging permit", "LYJ", 365, [NAME, MATTER, CASE], ["XK-LYJ-001"]),
    ("SLSG", "涉路施工许可决定书", "Road works permit", "JTJ", 180, [NAME, MATTER, CASE], ["XK-JTJ-006"]),
    ("LZZM", "宗教临时活动地点批准书", "Approval of a temporary religious activity site", "MZZJJ", 365, [NAME, MATTER],
     ["XK-MZZJJ-004"]),
    ("JMSFZ", "居民身份证", "Resident identity card", "GAJ", None,
     [{"name": "name", "label": "姓名", "source": "applicant.name"},
      {"name": "id_number", "label": "公民身份号码", "source": "applicant.id_number"}], []),
]

ID_CARD_VALIDITY_YEARS = 20


def _types() -> int:
    departments = {d.code: d for d in Department.objects.all()}
    created = 0
    for code, name, name_en, department, days, fields, items in LICENCE_TYPES:
        licence_type, made = LicenceType.objects.update_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "issuing_department": departments[department],
                                 "validity_days": days, "fields": fields})
        created += made
        for item in ServiceItem.objects.filter(code__in=[f"{CITY}-{suffix}" for suffix in items]):
            _link, made = IssuedLicenceType.objects.get_or_create(item=item, defaults={"licence_type": licence_type})
            created += made
    return created


def _id_cards() -> int:
    """The resident ID e-licence of each person applicant: a 20-year card issued five years ago on
    the holder's birthday (the demo's people are adults)."""
    from .services import issue_licence

    id_card = LicenceType.objects.get(code="JMSFZ")
    created = 0
    for applicant in Applicant.objects.filter(kind=ApplicantKind.PERSON).exclude(licences__licence_type=id_card):
        month, day = int(applicant.id_number[10:12]), min(int(applicant.id_number[12:14]), 28)
        valid_from = dt.date(timezone.localdate().year - 5, month, day)
        issue_licence(actor="demo", licence_type=id_card, holder=applicant, issuer=id_card.issuing_department,
                      valid_from=valid_from,
                      valid_until=valid_from.replace(year=valid_from.year + ID_CARD_VALIDITY_YEARS) - dt.timedelta(days=1),
                      data={"name": applicant.name, "id_number": applicant.id_number})
        created += 1
    return created


def load() -> int:
    """Load this app's demo data; return how many objects were created."""
    with transaction.atomic():
        count = _types()
        count += _id_cards()
    return count
