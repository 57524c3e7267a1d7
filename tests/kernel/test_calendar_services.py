"""Calendar writes: local overrides and imported schedules change deadlines, are audited, refresh
every process's index and, once committed, trigger the recompute of stored deadlines."""

import datetime as dt
from pathlib import Path

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from oneseal.kernel import calendar_services, workcal
from oneseal.kernel.audit import verify_chain
from oneseal.kernel.calendar_models import CalendarDay, CalendarRevision, CalendarYear, DaySource
from oneseal.kernel.errors import DomainError, ValidationFailed
from oneseal.kernel.models import AuditEntry
from oneseal.kernel.workcal import SHANGHAI, Due

pytestmark = pytest.mark.django_db

EXAMPLE_2027 = Path(workcal.__file__).parent / "data" / "holiday-schedule-2027.example.csv"


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def import_example(actor="admin") -> CalendarYear:
    schedule = calendar_services.read_schedule_file(EXAMPLE_2027)
    return calendar_services.import_schedule(actor=actor, schedule=schedule, source_name=EXAMPLE_2027.name)


def test_the_public_functions_use_chinese_calendar_with_an_empty_database():
    assert workcal.is_working_day(dt.date(2026, 10, 10))
    assert workcal.add_working_days(at("2026-09-30 10:00"), 1) == Due(at("2026-10-08 17:30"), False)
    assert workcal.add_working_time(at("2026-11-25 11:00"), 61) == Due(at("2026-11-25 14:31"), False)
    assert workcal.working_time_between(at("2026-11-25 11:00"), at("2026-11-25 15:00")) == (90, False)
    assert workcal.working_days_between(at("2026-11-25 11:00"), at("2026-12-23 15:00")) == (20, False)


def test_a_local_holiday_moves_a_deadline():
    assert workcal.add_working_days(at("2026-11-25 10:00"), 20).at == at("2026-12-23 17:30")
    calendar_services.set_local_day(actor="admin", day=dt.date(2026, 12, 1), working=False, name="防汛")
    assert not workcal.is_working_day(dt.date(2026, 12, 1))
    assert workcal.add_working_days(at("2026-11-25 10:00"), 20).at == at("2026-12-24 17:30")


def test_a_local_working_day_moves_a_deadline_earlier_and_removing_it_restores_it():
    calendar_services.set_local_day(actor="admin", day=dt.date(2026, 11, 28), working=True, name="集中办理日")
    assert workcal.add_working_days(at("2026-11-27 10:00"), 1).at == at("2026-11-28 17:30")
    assert calendar_services.remove_local_day(actor="admin", day=dt.date(2026, 11, 28))
    assert workcal.add_working_days(at("2026-11-27 10:00"), 1).at == at("2026-11-30 17:30")
    assert not calendar_services.remove_local_day(actor="admin", day=dt.date(2026, 11, 28))


def test_setting_a_local_day_again_replaces_it():
    calendar_services.set_local_day(actor="admin", day=dt.date(2026, 12, 1), working=False, name="a")
    calendar_services.set_local_day(actor="admin", day=dt.date(2026, 12, 1), working=True, name="b")
    assert CalendarDay.objects.get(date=dt.date(2026, 12, 1)).name == "b"
    assert workcal.is_working_day(dt.date(2026, 12, 1))


@pytest.mark.parametrize(("name", "code"), [("", "calendar_day_name_required"),
                                            ("x" * 101, "calendar_day_name_too_long")])
def test_a_local_day_needs_a_short_name(name, code):
    with pytest.raises(DomainError) as caught:
        calendar_services.set_local_day(actor="admin", day=dt.date(2026, 12, 1), working=False, name=name)
    assert caught.value.code == code
    assert not CalendarDay.objects.exists()


def test_an_imported_schedule_makes_2027_results_final():
    before = workcal.add_working_days(at("2026-12-28 10:00"), 5)
    assert before == Due(at("2027-01-04 17:30"), True)
    import_example()
    after = workcal.add_working_days(at("2026-12-28 10:00"), 5)
    assert after == Due(at("2027-01-05 17:30"), False)  # 1–3 January 2027 off in the example
    assert workcal.is_working_day(dt.date(2027, 2, 20))  # an adjusted working Saturday
    assert not workcal.get_calendar().is_provisional_year(2027)
    assert workcal.get_calendar().is_provisional_year(2028)


def test_local_overrides_win_over_an_imported_schedule():
    import_example()
    calendar_services.set_local_day(actor="admin", day=dt.date(2027, 2, 20), working=False, name="local")
    assert not workcal.is_working_day(dt.date(2027, 2, 20))


def test_reimporting_a_year_replaces_its_schedule_and_keeps_local_days():
    import_example()
    calendar_services.set_local_day(actor="admin", day=dt.date(2027, 3, 1), working=False, name="local")
    smaller = calendar_services.parse_schedule("date,kind,name\n2027-01-01,holiday,元旦\n")
    calendar_services.import_schedule(actor="admin", schedule=smaller)
    assert CalendarDay.objects.filter(source=DaySource.SCHEDULE).count() == 1
    assert CalendarDay.objects.filter(source=DaySource.LOCAL).count() == 1
    assert workcal.is_working_day(dt.date(2027, 2, 8))  # no longer a Spring Festival holiday
    assert not workcal.is_working_day(dt.date(2027, 3, 1))


def test_writes_are_audited_and_the_chain_verifies():
    import_example()
    calendar_services.set_local_day(actor="admin", day=dt.date(2026, 12, 1), working=False, name="防汛")
    calendar_services.remove_local_day(actor="admin", day=dt.date(2026, 12, 1))
    actions = list(AuditEntry.objects.values_list("action", flat=True))
    assert actions == ["calendar.schedule_imported", "calendar.local_day_set", "calendar.local_day_removed"]
    imported = AuditEntry.objects.get(action="calendar.schedule_imported")
    assert imported.data["year"] == 2027 and imported.data["holidays"] == 28 and imported.data["workdays"] == 5
    assert verify_chain().ok


def test_each_write_changes_the_revision():
    revisions = {CalendarRevision.current()}
    import_example()
    revisions.add(CalendarRevision.current())
    calendar_services.set_local_day(actor="admin", day=dt.date(2026, 12, 1), working=False, name="x")
    revisions.add(CalendarRevision.current())
    assert len(revisions) == 3


def test_another_processs_change_is_seen_after_the_revision_check(settings, django_assert_num_queries):
    settings.CALENDAR_REVISION_TTL = 3600
    assert workcal.is_working_day(dt.date(2026, 12, 1))
    # another process writes: the rows and the revision change, this process's cache is not told
    CalendarDay.objects.create(date=dt.date(2026, 12, 1), working=False, name="x", source=DaySource.LOCAL)
    CalendarRevision.bump()
    with django_assert_num_queries(0):  # within the TTL the cached index answers without a query
        assert workcal.is_working_day(dt.date(2026, 12, 1))
    settings.CALENDAR_REVISION_TTL = 0
    assert not workcal.is_working_day(dt.date(2026, 12, 1))
    calendar = workcal.get_calendar()
    with django_assert_num_queries(1):  # an unchanged revision costs one query and no rebuild
        assert workcal.get_calendar() is calendar


def test_a_registered_recomputer_is_called_with_the_affected_years_after_commit(
        immediate_tasks, recorded_recomputes, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        import_example()
    assert recorded_recomputes == [[2027]]
    with django_capture_on_commit_callbacks(execute=True):
        calendar_services.set_local_day(actor="admin", day=dt.date(2026, 12, 1), working=False, name="x")
    with django_capture_on_commit_callbacks(execute=True):
        calendar_services.remove_local_day(actor="admin", day=dt.date(2026, 12, 1))
    assert recorded_recomputes == [[2027], [2026], [2026]]


def test_a_recomputer_sees_the_new_calendar(immediate_tasks, django_capture_on_commit_callbacks):
    seen = []

    def recomputer(years):
        seen.append(workcal.add_working_days(at("2026-12-28 10:00"), 5))

    workcal.register_deadline_recomputer(recomputer)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            import_example()
    finally:
        workcal.unregister_deadline_recomputer(recomputer)
    assert seen == [Due(at("2027-01-05 17:30"), False)]


def test_nothing_is_recomputed_when_the_write_rolls_back(immediate_tasks, recorded_recomputes,
                                                         django_capture_on_commit_callbacks):
    with (django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError),
          transaction.atomic()):
        import_example()
        raise RuntimeError("abort")
    assert callbacks == [] and recorded_recomputes == []
    assert not CalendarYear.objects.exists()


def test_the_recompute_is_queued_with_the_configured_database_backend(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        import_example()
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "oneseal.kernel.tasks.recompute_deadlines_task"
    assert queued.args_kwargs["args"] == [[2027]]


# -- parsing schedule files -----------------------------------------------------------------------

def test_the_example_schedule_parses():
    schedule = calendar_services.read_schedule_file(EXAMPLE_2027)
    assert schedule.year == 2027 and schedule.holidays == 28 and schedule.workdays == 5


def test_chinese_kind_names_and_a_byte_order_mark_are_accepted():
    schedule = calendar_services.parse_schedule("\ufeffdate,kind,name\n2027-01-01,放假,元旦\n2027-02-20,上班,春节\n")
    assert [(d.day.isoformat(), d.working) for d in schedule.days] == [("2027-01-01", False), ("2027-02-20", True)]


BAD_LINES = [
    ("2027-13-01,holiday,x", "bad_date"),
    ("27-1-1,holiday,x", "bad_date"),
    ("2027-01-01,holidays,x", "bad_kind"),
    ("2027-01-04,workday,x", "workday_not_weekend"),
    ("2028-01-01,holiday,x", "wrong_year"),
    ("2027-01-01,holiday", "wrong_column_count"),
    ("2027-01-01,holiday," + "x" * 101, "name_too_long"),
]


@pytest.mark.parametrize(("line", "code"), BAD_LINES)
def test_a_bad_line_is_reported_with_its_line_number(line, code):
    text = "# example\ndate,kind,name\n2027-02-20,workday,春节\n" + line + "\n"
    with pytest.raises(ValidationFailed) as caught:
        calendar_services.parse_schedule(text, year=2027)
    [issue] = caught.value.issues
    assert (issue.code, issue.row) == (code, 4)
    assert issue.as_dict()["message_en"]


def test_every_bad_line_is_reported_at_once():
    text = "date,kind,name\n2027-01-01,holiday,a\n2027-01-01,holiday,b\nnot-a-date,holiday,c\n"
    with pytest.raises(ValidationFailed) as caught:
        calendar_services.parse_schedule(text)
    assert [(i.code, i.row) for i in caught.value.issues] == [("duplicate_date", 3), ("bad_date", 4)]


@pytest.mark.parametrize(("text", "code"), [
    ("day,type,label\n2027-01-01,holiday,x\n", "bad_header"),
    ("date,kind,name\n", "empty_schedule"),
    ("# nothing\n", "empty_schedule"),
])
def test_a_file_without_a_header_or_days_is_refused(text, code):
    with pytest.raises(ValidationFailed) as caught:
        calendar_services.parse_schedule(text)
    assert caught.value.issues[0].code == code


def test_the_year_must_be_within_the_calendar():
    with pytest.raises(DomainError) as caught:
        calendar_services.parse_schedule("date,kind,name\n2101-01-01,holiday,x\n")
    assert caught.value.code == "calendar_year_out_of_range"
