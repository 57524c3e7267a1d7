"""`/api/v1/calendar`: deadlines computed by the kernel's working-time calendar.

GET /deadline?start=<ISO 8601>&amount=<n>&unit=working_days|working_hours|working_minutes[&hall=<code>]
→ {"due": "<ISO 8601 with +08:00>", "provisional": <bool>}

The API only translates HTTP: the counting rules are in kernel/workcal.py
(docs/decisions/0002-working-day-counting.md).
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema

from oneseal.kernel import workcal
from oneseal.kernel.errors import FieldIssue, ValidationFailed
from oneseal.kernel.schemas import ErrorOut

from .models import Hall

router = Router(tags=["calendar"])

# "2026-11-25T09:00:00 08:00": a "+" left unencoded in a query string arrives as a space.
_UNENCODED_PLUS = re.compile(r"(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}(?::?\d{2})?)$")


class DeadlineUnit(StrEnum):
    WORKING_DAYS = "working_days"
    WORKING_HOURS = "working_hours"
    WORKING_MINUTES = "working_minutes"


class DeadlineOut(Schema):
    due: dt.datetime
    provisional: bool


def _invalid(field: str, code: str, message, **params) -> ValidationFailed:
    return ValidationFailed([FieldIssue(field=field, code=code, message=message, params=params)])


def _parse_start(value: str) -> dt.datetime:
    text = _UNENCODED_PLUS.sub(r"\1+\2", value.strip())
    try:
        start = dt.datetime.fromisoformat(text)
    except ValueError:
        raise _invalid("start", "datetime_parsing",
                       _("Enter a valid ISO 8601 date and time, e.g. 2026-11-25T09:30:00+08:00.")) from None
    if start.tzinfo is None:  # a naive time is Beijing time
        start = start.replace(tzinfo=workcal.SHANGHAI)
    return start


def _office_hours(hall_code: str | None) -> workcal.OfficeHours:
    if not hall_code:
        return workcal.DEFAULT_OFFICE_HOURS
    hall = Hall.objects.filter(code=hall_code).first()
    if hall is None:
        raise _invalid("hall", "unknown_hall", _("There is no hall with code “%(hall)s”."), hall=hall_code)
    return hall.office_hours()


class DeadlineQuery(Schema):
    # Parsed here rather than by pydantic so that an unencoded "+" in the offset is forgiven.
    start: str = Field(description="ISO 8601 date-time; without an offset it is Beijing time (+08:00). "
                                   "The calendar covers 2000 to 2100.",
                       examples=["2026-11-25T09:30:00+08:00"], json_schema_extra={"format": "date-time"})
    amount: int = Field(ge=0, description="the time limit, a whole number ≥ 0")
    unit: DeadlineUnit = Field(description="working_days: the law's counting (day 0 is the start's day); "
                                           "working_hours, working_minutes: office time")
    hall: str | None = Field(None, description="code of the hall whose office hours apply "
                                               "(default 08:30–12:00 and 14:30–17:30)")


@router.get("/deadline", response={200: DeadlineOut, 422: ErrorOut}, summary="Deadline of a time limit in working time")
def deadline(request: HttpRequest, query: Query[DeadlineQuery]):
    """When a time limit started at `start` runs out. `provisional` is true when the answer used
    the Monday-to-Friday fallback for a year whose holiday schedule is not known yet."""
    moment = _parse_start(query.start)
    hours = _office_hours(query.hall)
    unit, amount = query.unit, query.amount
    try:
        if unit is DeadlineUnit.WORKING_DAYS:
            due = workcal.add_working_days(moment, amount, hours)
        else:
            minutes = amount * 60 if unit is DeadlineUnit.WORKING_HOURS else amount
            due = workcal.add_working_time(moment, minutes, hours)
    except workcal.CalendarError as exc:  # e.g. beyond the calendar's last year: name the field
        raise ValidationFailed([FieldIssue(field=exc.field or "start", code=exc.code, message=exc.message,
                                           params=exc.params)]) from exc
    return {"due": due.at, "provisional": due.provisional}
