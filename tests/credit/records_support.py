"""Shared builders and fixtures of the credit records tests (import the fixtures into a test module:
`from tests.credit.records_support import people_fixture, uploads_fixture  # noqa: F401`)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from stdnum.cn import ric, uscc

from oneseal.accounts.roles import RoleCode
from oneseal.credit.services import records
from oneseal.kernel.workcal import SHANGHAI
from tests.factories import DepartmentFactory, HallFactory

AT = dt.datetime(2026, 11, 25, 10, 0, tzinfo=SHANGHAI)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def person_id(body: str = "42068319900612031") -> str:
    return body + ric.calc_check_digit(body + "0")


def org_code(own: str = "4F0BQX3") -> str:
    body = f"91420683MA{own}"
    return body + uscc.calc_check_digit(body)


COMPANY = org_code()
PERSON = person_id()


def new(kind: str = "penalty_minor", **overrides) -> records.NewRecord:
    values = {"id_number": COMPANY, "subject_name": "祺鑫通达电子商务有限公司", "kind": kind, "title": "虚报注册资本",
              "facts": "经查，该公司虚报注册资本。", "authority": "枣阳市市场监督管理局", "decided_on": AT.date(),
              "effective_from": AT}
    values.update(overrides)
    return records.NewRecord(**values)


def pdf(name: str = "proof.pdf") -> tuple[io.BytesIO, str]:
    return io.BytesIO(PDF + name.encode()), name


@pytest.fixture(name="uploads")
def uploads_fixture(settings, tmp_path):
    settings.ONESEAL_UPLOAD_ROOT = tmp_path / "uploads"
    return settings.ONESEAL_UPLOAD_ROOT


@pytest.fixture(name="people")
def people_fixture(db, user_in_role):
    """A credit officer, a market regulator and a health regulator, a clerk, an approver, and two
    applicants with online accounts: a company (COMPANY) and a person (PERSON)."""
    from oneseal.cases.services import sign_up_applicant

    hall = HallFactory()
    market = DepartmentFactory(code="SCJGJ", name="枣阳市市场监督管理局", name_en="Market Regulation")
    health = DepartmentFactory(code="WJJ", name="枣阳市卫生健康局", name_en="Health")
    fgj = DepartmentFactory(code="FGJ", name="枣阳市发展和改革局", name_en="Development and Reform")
    company_user, company = sign_up_applicant(username="company", password="correct-horse-battery",
                                              kind="organisation", name="祺鑫通达电子商务有限公司", id_number=COMPANY,
                                              legal_representative="王祺")
    person_user, person = sign_up_applicant(username="person", password="correct-horse-battery", kind="person",
                                            name="徐建军", id_number=PERSON)
    return {
        "market": market, "health": health, "fgj": fgj, "hall": hall,
        "officer": user_in_role(RoleCode.CREDIT_OFFICER, "officer", department=fgj),
        "regulator": user_in_role(RoleCode.REGULATOR, "regulator", department=market, hall=hall),
        "health_regulator": user_in_role(RoleCode.REGULATOR, "health-regulator", department=health, hall=hall),
        "clerk": user_in_role(RoleCode.WINDOW_CLERK, "clerk", hall=hall),
        "approver": user_in_role(RoleCode.APPROVER, "approver", hall=hall),
        "company_user": company_user, "company": company, "person_user": person_user, "person": person,
    }
