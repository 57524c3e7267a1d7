"""`oneseal calendar`: import, show, local holidays and working days."""

import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from oneseal.kernel import workcal
from oneseal.kernel.calendar_models import CalendarDay, CalendarYear
from oneseal.kernel.models import AuditEntry

pytestmark = pytest.mark.django_db

EXAMPLE_2027 = Path(workcal.__file__).parent / "data" / "holiday-schedule-2027.example.csv"


def run(*args: str, language: str = "en") -> str:
    out = StringIO()
    with translation.override(language):
        call_command("calendar", *args, stdout=out)
    return out.getvalue()


def test_import_the_example_schedule():
    output = run("import", str(EXAMPLE_2027), "--year", "2027")
    assert "2027" in output and "28 holidays" in output and "5 adjusted working days" in output
    assert CalendarYear.objects.filter(year=2027).exists()
    assert CalendarDay.objects.count() == 33
    entry = AuditEntry.objects.get(action="calendar.schedule_imported")
    assert entry.actor_label.startswith("cli")
    assert not workcal.get_calendar().is_provisional_year(2027)


def test_a_bad_file_names_the_line_and_writes_nothing(tmp_path):
    bad = tmp_path / "2027.csv"
    bad.write_text("date,kind,name\n2027-01-01,holiday,元旦\n2027-02-30,holiday,春节\n2027-01-04,workday,x\n",
                   encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        run("import", str(bad))
    message = str(caught.value)
    assert "nothing was imported" in message
    assert "line 3" in message and "2027-02-30" in message
    assert "line 4" in message and "weekday" in message
    assert not CalendarDay.objects.exists() and not CalendarYear.objects.exists()
    assert not AuditEntry.objects.exists()


def test_the_year_option_must_match_the_file():
    with pytest.raises(CommandError, match="line 10.*not in 2028"):
        run("import", str(EXAMPLE_2027), "--year", "2028")
    assert not CalendarDay.objects.exists()


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read the schedule file"):
        run("import", str(tmp_path / "missing.csv"))


def test_show_a_known_year():
    output = run("show", "2026")
    assert "2026: chinese-calendar" in output
    assert "working days: 248" in output
    assert "2026-10-10 Sat  workday" in output and "2026-10-01 Thu  holiday" in output


def test_show_an_unknown_year_says_it_is_provisional():
    output = run("show", "2027")
    assert "PROVISIONAL" in output and "working days: 261" in output
    run("import", str(EXAMPLE_2027))
    output = run("show", "2027")
    assert "imported State Council schedule" in output and "PROVISIONAL" not in output
    assert "2027-02-20 Sat  workday  春节  [schedule]" in output


def test_show_a_year_outside_the_calendar():
    with pytest.raises(CommandError, match="2000 to 2100"):
        run("show", "1990")


def test_local_holiday_and_workday():
    assert "local holiday" in run("holiday", "add", "2026-12-01", "防汛")
    run("workday", "add", "2026-11-28", "集中办理日")
    assert not workcal.is_working_day(dt.date(2026, 12, 1))
    assert workcal.is_working_day(dt.date(2026, 11, 28))
    output = run("show", "2026")
    assert "2026-12-01 Tue  holiday  防汛  [local]" in output
    assert "removed" in run("holiday", "remove", "2026-12-01")
    assert workcal.is_working_day(dt.date(2026, 12, 1))
    assert [e.action for e in AuditEntry.objects.all()] == [
        "calendar.local_day_set", "calendar.local_day_set", "calendar.local_day_removed"]


def test_local_day_needs_a_name_and_a_date():
    with pytest.raises(CommandError, match="name"):
        run("holiday", "add", "2026-12-01")
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run("holiday", "add", "1/12/2026", "x")
    assert not CalendarDay.objects.exists()
