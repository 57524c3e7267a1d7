"""The kernel's back office: the audit log is read-only; local calendar days go through the services."""

import datetime as dt

import pytest
from django.urls import reverse

from oneseal.kernel import calendar_services, workcal
from oneseal.kernel.audit import record
from oneseal.kernel.calendar_models import CalendarDay, DaySource
from oneseal.kernel.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def audit_entry():
    from django.db import transaction

    with transaction.atomic():
        return record(actor="test", action="test.action", data={"x": 1})


def test_the_audit_log_can_be_read_but_not_written(admin_client, audit_entry):
    assert admin_client.get(reverse("admin:kernel_auditentry_changelist")).status_code == 200
    page = admin_client.get(reverse("admin:kernel_auditentry_change", args=[audit_entry.pk]))
    assert page.status_code == 200 and b"test.action" in page.content
    assert b'name="_save"' not in page.content
    assert admin_client.get(reverse("admin:kernel_auditentry_add")).status_code == 403
    assert admin_client.post(reverse("admin:kernel_auditentry_delete", args=[audit_entry.pk]),
                             {"post": "yes"}).status_code == 403
    admin_client.post(reverse("admin:kernel_auditentry_change", args=[audit_entry.pk]), {"action": "forged"})
    audit_entry.refresh_from_db()
    assert audit_entry.action == "test.action"


def test_adding_a_local_holiday_in_the_admin_goes_through_the_service(admin_client, admin_user):
    response = admin_client.post(reverse("admin:kernel_calendarday_add"),
                                 {"date": "2026-12-01", "name": "防汛"})  # working unchecked: a holiday
    assert response.status_code == 302
    day = CalendarDay.objects.get()
    assert (day.source, day.working) == (DaySource.LOCAL, False)
    assert not workcal.is_working_day(dt.date(2026, 12, 1))
    entry = AuditEntry.objects.get(action="calendar.local_day_set")
    assert entry.actor == admin_user


def test_a_local_day_needs_a_name_in_the_admin(admin_client):
    response = admin_client.post(reverse("admin:kernel_calendarday_add"), {"date": "2026-12-01", "name": ""})
    assert response.status_code == 200
    assert not CalendarDay.objects.exists()


def test_deleting_a_local_day_in_the_admin_goes_through_the_service(admin_client):
    day = calendar_services.set_local_day(actor="test", day=dt.date(2026, 12, 1), working=False, name="x")
    response = admin_client.post(reverse("admin:kernel_calendarday_delete", args=[day.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not CalendarDay.objects.exists()
    assert AuditEntry.objects.filter(action="calendar.local_day_removed").exists()


def test_imported_schedule_days_are_read_only(admin_client):
    schedule = calendar_services.parse_schedule("date,kind,name\n2027-01-01,holiday,元旦\n")
    calendar_services.import_schedule(actor="test", schedule=schedule)
    day = CalendarDay.objects.get()
    assert admin_client.get(reverse("admin:kernel_calendarday_changelist")).status_code == 200
    assert admin_client.post(reverse("admin:kernel_calendarday_delete", args=[day.pk]),
                             {"post": "yes"}).status_code == 403
    assert admin_client.get(reverse("admin:kernel_calendaryear_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:kernel_calendaryear_add")).status_code == 403
