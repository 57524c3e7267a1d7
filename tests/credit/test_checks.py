import datetime as dt

import pytest

from oneseal.credit import checks
from oneseal.credit.services import records

pytestmark = pytest.mark.django_db

AT = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)
CODE = "91420683MA4F0BQX3E"


def new(kind="penalty_serious", **kw):
    base = {"id_number": CODE, "subject_name": "祺鑫通达电子商务有限公司", "kind": kind, "title": "虚报注册资本",
                "facts": "经查，该公司虚报注册资本。", "authority": "枣阳市市场监督管理局", "decided_on": AT.date(),
                "effective_from": AT}
    base.update(kw)
    return records.NewRecord(**base)


def test_a_subject_without_records_is_not_restricted():
    assert checks.restrictions(CODE, at=AT) == []


def test_a_serious_penalty_binds_its_measures_until_lifted():
    row = records.record(actor=None, new=new(), authorised=True, now=AT)
    bound = {r.measure_code for r in checks.restrictions(CODE, at=AT + dt.timedelta(days=1))}
    assert bound == {"closer_review", "no_commitment", "no_bidding"}
    assert checks.has_serious_record(CODE, at=AT + dt.timedelta(days=1)) == row
    records.end_record(actor=None, record_=row, status="lifted", reason="复议撤销", now=AT + dt.timedelta(days=2))
    assert checks.restrictions(CODE, at=AT + dt.timedelta(days=3)) == []


def test_a_record_binds_only_within_its_period_of_effect():
    records.record(actor=None, new=new(kind="penalty_minor"), authorised=True, now=AT)
    assert checks.restrictions(CODE, at=AT - dt.timedelta(minutes=1)) == []
    assert checks.restrictions(CODE, at=AT + dt.timedelta(days=364))
    assert checks.restrictions(CODE, at=AT + dt.timedelta(days=366)) == []


def test_the_same_source_is_recorded_once():
    first = records.record(actor=None, new=new(source_ref="finding:1"), authorised=True, now=AT)
    again = records.record(actor=None, new=new(source_ref="finding:1"), authorised=True, now=AT)
    assert first.pk == again.pk
