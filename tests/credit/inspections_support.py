"""Builders for the random-inspection tests: a market regulator with inspectors, licence holders and
commitments to draw from (LicenceHolding rows are made directly; the licences' receivers keep them in
the running system)."""

from __future__ import annotations

import datetime as dt

import pytest
from stdnum.cn import ric, uscc

from oneseal.accounts.roles import RoleCode
from oneseal.credit.models import Inspector, LicenceHolding

AT = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)


def credit_code(n: int) -> str:
    body = f"91420683MA{n:07d}"
    return body + uscc.calc_check_digit(body)


def citizen_id(n: int) -> str:
    body = f"42068319900101{n % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def holding(n: int, licence_type: str = "SP", *, person: bool = False, valid: bool = True,
            name: str | None = None) -> LicenceHolding:
    number = citizen_id(n) if person else credit_code(n)
    return LicenceHolding.objects.create(number=f"{licence_type}-{n:06d}", licence_type=licence_type,
                                         id_number=number, holder_name=name or f"测试主体{n}", valid=valid,
                                         updated_at=AT)


def make_inspector(user_in_role, department, n: int) -> Inspector:
    user = user_in_role(RoleCode.REGULATOR, f"zf{n:02d}", department=department)
    return Inspector.objects.create(user=user, department=department, name=f"执法员{n}", badge=f"42068300{n:04d}")


@pytest.fixture(name="market")
def market_fixture(db, user_in_role):
    """The market regulation bureau: a regulator, four inspectors, a health regulator, 30 food-licence
    holders (one a natural person) and one holder of another type."""
    from tests.factories import DepartmentFactory

    department = DepartmentFactory(code="SCJGJ", name="枣阳市市场监督管理局", name_en="Market Regulation")
    health = DepartmentFactory(code="WJJ", name="枣阳市卫生健康局", name_en="Health")
    inspectors = [make_inspector(user_in_role, department, n) for n in range(1, 5)]
    holders = [holding(n) for n in range(1, 30)] + [holding(30, person=True, name="张三")]
    holding(99, "YP")
    return {
        "department": department, "health": health, "inspectors": inspectors, "holders": holders,
        "regulator": user_in_role(RoleCode.REGULATOR, "regulator", department=department),
        "other_regulator": user_in_role(RoleCode.REGULATOR, "health-regulator", department=health),
        "approver": user_in_role(RoleCode.APPROVER, "approver", department=department),
    }


def plan_of(market, **kw):
    from oneseal.credit.services import inspections

    base = {"title": "2026年食品经营者双随机抽查", "licence_types": ["SP"], "ratio": "0.2",
            "inspectors_per_target": 2, "bad_credit_weight": 3}
    base.update(kw)
    return inspections.create_plan(actor=market["regulator"], now=AT, **base)


def drawn_plan(market, **kw):
    from oneseal.credit.services import inspections

    return inspections.draw_plan(actor=market["regulator"], plan=plan_of(market, **kw), now=AT)


@pytest.fixture(autouse=True)
def _pool_root(settings, tmp_path):
    """Pool files go under a test's own upload root."""
    settings.ONESEAL_UPLOAD_ROOT = tmp_path / "uploads"
