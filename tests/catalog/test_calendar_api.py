"""GET /api/v1/calendar/deadline: deadlines in working days, hours or minutes, with a hall's hours."""

import datetime as dt
from urllib.parse import urlencode

import pytest

from oneseal.kernel import calendar_services, workcal
from tests.factories import HallFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/calendar/deadline"


@pytest.fixture(autouse=True)
def fresh_calendar():
    workcal.invalidate_calendar()
    yield
    workcal.invalidate_calendar()


def get(client, **params):
    return client.get(f"{URL}?{urlencode(params)}")


@pytest.mark.parametrize(("params", "due", "provisional"), [
    ({"start": "2026-09-30T10:00:00+08:00", "amount": 1, "unit": "working_days"},
     "2026-10-08T17:30:00+08:00", False),
    ({"start": "2026-11-25T10:00:00+08:00", "amount": 20, "unit": "working_days"},
     "2026-12-23T17:30:00+08:00", False),
    ({"start": "2026-12-28T10:00:00+08:00", "amount": 5, "unit": "working_days"},
     "2027-01-04T17:30:00+08:00", True),
    ({"start": "2026-11-25T11:00:00+08:00", "amount": 2, "unit": "working_hours"},
     "2026-11-25T15:30:00+08:00", False),
    ({"start": "2026-11-25T11:00:00+08:00", "amount": 60, "unit": "working_minutes"},
     "2026-11-25T12:00:00+08:00", False),
    ({"start": "2026-11-25T17:00:00+08:00", "amount": 31, "unit": "working_minutes"},
     "2026-11-26T08:31:00+08:00", False),
    # a naive start is Beijing time; another offset is converted to it
    ({"start": "2026-11-25T11:00:00", "amount": 60, "unit": "working_minutes"},
     "2026-11-25T12:00:00+08:00", False),
    ({"start": "2026-11-25T03:00:00Z", "amount": 60, "unit": "working_minutes"},
     "2026-11-25T12:00:00+08:00", False),
    ({"start": "2026-11-25", "amount": 1, "unit": "working_days"}, "2026-11-26T17:30:00+08:00", False),
])
def test_deadline(client, params, due, provisional):
    response = get(client, **params)
    assert response.status_code == 200, response.json()
    assert response.json() == {"due": due, "provisional": provisional}


def test_an_unencoded_plus_in_the_offset_is_understood(client):
    response = client.get(f"{URL}?start=2026-11-25T11:00:00+08:00&amount=60&unit=working_minutes")
    assert response.status_code == 200
    assert response.json()["due"] == "2026-11-25T12:00:00+08:00"


def test_the_halls_office_hours_apply(client):
    HallFactory(code="NIGHT", morning_start=dt.time(9), morning_end=dt.time(12),
                afternoon_start=dt.time(13), afternoon_end=dt.time(17))
    response = get(client, start="2026-11-25T11:30:00+08:00", amount=60, unit="working_minutes", hall="NIGHT")
    assert response.json() == {"due": "2026-11-25T13:30:00+08:00", "provisional": False}
    response = get(client, start="2026-09-30T10:00:00+08:00", amount=1, unit="working_days", hall="NIGHT")
    assert response.json() == {"due": "2026-10-08T17:00:00+08:00", "provisional": False}


def test_an_imported_schedule_makes_the_answer_final(client):
    params = {"start": "2026-12-28T10:00:00+08:00", "amount": 5, "unit": "working_days"}
    assert get(client, **params).json()["provisional"] is True
    schedule = calendar_services.parse_schedule("date,kind,name\n2027-01-01,holiday,元旦\n")
    calendar_services.import_schedule(actor="test", schedule=schedule)
    assert get(client, **params).json() == {"due": "2027-01-05T17:30:00+08:00", "provisional": False}


def test_a_local_holiday_moves_the_answer(client):
    calendar_services.set_local_day(actor="test", day=dt.date(2026, 12, 1), working=False, name="防汛")
    response = get(client, start="2026-11-25T10:00:00+08:00", amount=20, unit="working_days")
    assert response.json()["due"] == "2026-12-24T17:30:00+08:00"


@pytest.mark.parametrize(("params", "field", "code"), [
    ({"start": "2026-11-25T10:00:00+08:00", "amount": -1, "unit": "working_days"}, "amount", "greater_than_equal"),
    ({"start": "2026-11-25T10:00:00+08:00", "amount": "ten", "unit": "working_days"}, "amount", "int_parsing"),
    ({"start": "2026-11-25T10:00:00+08:00", "amount": 1, "unit": "fortnights"}, "unit", "enum"),
    ({"start": "25/11/2026 10:00", "amount": 1, "unit": "working_days"}, "start", "datetime_parsing"),
    ({"start": "2026-11-31T10:00:00", "amount": 1, "unit": "working_days"}, "start", "datetime_parsing"),
    ({"start": "2026-11-25T10:00:00+08:00", "amount": 1, "unit": "working_days", "hall": "NOPE"},
     "hall", "unknown_hall"),
    ({"amount": 1, "unit": "working_days"}, "start", "missing"),
    ({"start": "2026-11-25T10:00:00+08:00", "unit": "working_days"}, "amount", "missing"),
    ({"start": "1999-11-25T10:00:00+08:00", "amount": 1, "unit": "working_days"}, "start",
     "calendar_out_of_range"),
    ({"start": "2026-11-25T10:00:00+08:00", "amount": 10**9, "unit": "working_days"}, "amount",
     "calendar_out_of_range"),
    ({"start": "2026-11-25T10:00:00+08:00", "amount": 10**9, "unit": "working_hours"}, "amount",
     "calendar_out_of_range"),
])
def test_bad_parameters_give_422_naming_the_field(client, params, field, code):
    response = get(client, **params)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_failed" and body["message"] and body["message_en"]
    [error] = body["errors"]
    assert (error["field"], error["code"]) == (field, code)
    assert error["message"] and error["message_en"]


def test_the_deadline_endpoint_is_in_the_openapi_schema(client):
    schema = client.get("/api/v1/openapi.json").json()
    parameters = {p["name"] for p in schema["paths"][URL]["get"]["parameters"]}
    assert parameters == {"start", "amount", "unit", "hall"}
