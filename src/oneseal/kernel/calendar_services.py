"""Writes to the working-time calendar: importing a year's State Council holiday schedule and the
administrator's local holidays and working days.

Each write is one transaction with one audit entry; it changes the calendar's revision token (so
every process rebuilds its index, see workcal.get_calendar) and, once committed, queues the
recompute of stored deadlines in the affected years (kernel/tasks.py).

Schedule file format (UTF-8 CSV, documented in docs/calendar.md)::

    # comment lines and blank lines are ignored
    date,kind,name
    2027-01-01,holiday,元旦
    2027-02-06,workday,春节

`kind` is `holiday` (放假) or `workday` (上班: an adjusted working weekend, 调休上班). Weekdays not
listed are working days and weekend days not listed are rest days.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from . import audit, workcal
from .calendar_models import CalendarDay, CalendarRevision, CalendarYear, DaySource
from .errors import DomainError, FieldIssue, ValidationFailed
from .tasks import enqueue_deadline_recompute_on_commit

SCHEDULE_HEADER = ["date", "kind", "name"]
KIND_ALIASES = {"holiday": False, "放假": False, "休": False, "workday": True, "上班": True, "班": True}
NAME_MAX_LENGTH = 100


@dataclass(frozen=True)
class Schedule:
    """A parsed State Council schedule for one year."""

    year: int
    days: list[workcal.DayRule]

    @property
    def holidays(self) -> int:
        return sum(not d.working for d in self.days)

    @property
    def workdays(self) -> int:
        return sum(d.working for d in self.days)


def _check_year(year: int, *, field: str = "year") -> None:
    if not workcal.FIRST_YEAR <= year <= workcal.LAST_YEAR:
        raise DomainError(
            "calendar_year_out_of_range",
            _("The year must be between %(first)s and %(last)s."),
            field=field, first=workcal.FIRST_YEAR, last=workcal.LAST_YEAR,
        )


def parse_schedule(text: str, *, year: int | None = None) -> Schedule:
    """Parse a schedule file's text; every bad line is reported (with its line number) at once.

    All dates must fall in one year: `year` if given, otherwise the year of the first date.
    """
    issues: list[FieldIssue] = []
    days: list[workcal.DayRule] = []
    seen: dict[dt.date, int] = {}
    header_seen = False
    text = text.lstrip("\ufeff")
    if year is not None:
        _check_year(year)
    for line_no, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        cells = [c.strip() for c in row]
        if not any(cells) or cells[0].startswith("#"):
            continue
        if not header_seen:
            header_seen = True
            if [c.lower() for c in cells] != SCHEDULE_HEADER:
                issues.append(FieldIssue(
                    field="header", code="bad_header", row=line_no,
                    message=_("The first line must be the header %(header)s."),
                    params={"header": ",".join(SCHEDULE_HEADER)},
                ))
            continue
        if len(cells) != len(SCHEDULE_HEADER):
            issues.append(FieldIssue(
                field="line", code="wrong_column_count", row=line_no,
                message=_("Expected 3 values (date,kind,name), found %(count)s."), params={"count": len(cells)},
            ))
            continue
        raw_date, raw_kind, name = cells
        try:
            day = dt.date.fromisoformat(raw_date)
            if len(raw_date) != 10:
                raise ValueError(raw_date)
        except ValueError:
            issues.append(FieldIssue(
                field="date", code="bad_date", row=line_no, column="date",
                message=_("“%(value)s” is not a date in the form YYYY-MM-DD."), params={"value": raw_date},
            ))
            continue
        if year is None:
            year = day.year
        working = KIND_ALIASES.get(raw_kind.lower())
        line_issues = []
        if day.year != year:
            line_issues.append(FieldIssue(
                field="date", code="wrong_year", row=line_no, column="date",
                message=_("%(value)s is not in %(year)s; a schedule covers one year."),
                params={"value": raw_date, "year": year},
            ))
        if working is None:
            line_issues.append(FieldIssue(
                field="kind", code="bad_kind", row=line_no, column="kind",
                message=_("“%(value)s” is not a kind of day; use holiday or workday."), params={"value": raw_kind},
            ))
        elif working and day.weekday() < 5:
            line_issues.append(FieldIssue(
                field="kind", code="workday_not_weekend", row=line_no, column="kind",
                message=_("%(value)s is a weekday; an adjusted working day must be a Saturday or Sunday."),
                params={"value": raw_date},
            ))
        if day in seen:
            line_issues.append(FieldIssue(
                field="date", code="duplicate_date", row=line_no, column="date",
                message=_("%(value)s is already listed on line %(line)s."),
                params={"value": raw_date, "line": seen[day]},
            ))
        if len(name) > NAME_MAX_LENGTH:
            line_issues.append(FieldIssue(
                field="name", code="name_too_long", row=line_no, column="name",
                message=_("The name has more than %(max)s characters."), params={"max": NAME_MAX_LENGTH},
            ))
        seen.setdefault(day, line_no)
        if line_issues:
            issues.extend(line_issues)
        else:
            days.append(workcal.DayRule(day, bool(working), name))
    if not issues and not days:
        issues.append(FieldIssue(field="file", code="empty_schedule",
                                 message=_("The schedule lists no days.")))
    if issues:
        raise ValidationFailed(issues, _("The schedule file has errors; nothing was imported."))
    assert year is not None
    _check_year(year)
    return Schedule(year, sorted(days, key=lambda d: d.day))


def read_schedule_file(path: str | Path, *, year: int | None = None) -> Schedule:
    """Read and parse a schedule file (UTF-8, optionally with a byte-order mark)."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise DomainError("schedule_unreadable", _("Cannot read the schedule file: %(reason)s"),
                          field="file", reason=str(exc)) from exc
    return parse_schedule(text, year=year)


def _user_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) and getattr(actor, "is_authenticated", False) else None


def _after_write(years: list[int]) -> None:
    """The calendar changed: new revision, this process's index dropped now and after commit,
    stored deadlines recomputed after commit."""
    CalendarRevision.bump()
    workcal.invalidate_calendar()
    transaction.on_commit(workcal.invalidate_calendar)
    enqueue_deadline_recompute_on_commit(years)


def import_schedule(*, actor: Any, schedule: Schedule, source_name: str = "") -> CalendarYear:
    """Import a year's State Council schedule (国务院办公厅关于部分节假日安排的通知).

    It replaces any schedule imported before for that year and, for that year, chinese-calendar's
    data; local overrides stay. The year stops being provisional (DOMAIN.md §4, Art. 82).
    """
    _check_year(schedule.year)
    with transaction.atomic():
        replaced = CalendarDay.objects.filter(source=DaySource.SCHEDULE, date__year=schedule.year).delete()[0]
        CalendarDay.objects.bulk_create(
            CalendarDay(date=d.day, working=d.working, name=d.name, source=DaySource.SCHEDULE)
            for d in schedule.days
        )
        calendar_year, _created = CalendarYear.objects.update_or_create(
            year=schedule.year,
            defaults={"source_name": source_name[:255], "imported_by": _user_or_none(actor)},
        )
        audit.record(actor=actor, action="calendar.schedule_imported", target=calendar_year, data={
            "year": schedule.year, "source": source_name, "holidays": schedule.holidays,
            "workdays": schedule.workdays, "replaced_days": replaced,
        })
        _after_write([schedule.year])
    return calendar_year


def set_local_day(*, actor: Any, day: dt.date, working: bool, name: str) -> CalendarDay:
    """Declare a local holiday (working=False) or local working day (working=True) on `day`.

    A local override wins over the national schedule; setting one again replaces it."""
    _check_year(day.year, field="date")
    name = name.strip()
    if not name:
        raise DomainError("calendar_day_name_required", _("Give the day a name (e.g. the reason)."),
                          field="name")
    if len(name) > NAME_MAX_LENGTH:
        raise DomainError("calendar_day_name_too_long", _("The name has more than %(max)s characters."),
                          field="name", max=NAME_MAX_LENGTH)
    with transaction.atomic():
        calendar_day, _created = CalendarDay.objects.update_or_create(
            date=day, source=DaySource.LOCAL, defaults={"working": working, "name": name},
        )
        audit.record(actor=actor, action="calendar.local_day_set", target=calendar_day, data={
            "date": day.isoformat(), "working": working, "name": name,
        })
        _after_write([day.year])
    return calendar_day


def remove_local_day(*, actor: Any, day: dt.date) -> bool:
    """Remove the local override on `day`, if any; the national calendar applies again."""
    with transaction.atomic():
        deleted = CalendarDay.objects.filter(date=day, source=DaySource.LOCAL).delete()[0]
        if not deleted:
            return False
        audit.record(actor=actor, action="calendar.local_day_removed", data={"date": day.isoformat()})
        _after_write([day.year])
    return True
