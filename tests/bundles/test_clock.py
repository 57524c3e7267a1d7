import pytest

from oneseal.bundles import clock
from oneseal.bundles.models import BundleStatus

from .conftest import apply_online, at
from .test_services import run_to_ready

pytestmark = pytest.mark.django_db


def test_the_bundle_is_due_one_working_day_after_submission(kaiban):
    application = apply_online(kaiban, now="2026-11-06 16:00")  # a Friday afternoon
    assert application.due_at == at("2026-11-09 17:30")  # the close of the next working day


def test_elapsed_working_time_counts_office_hours_only(kaiban):
    application = apply_online(kaiban, now="2026-11-06 16:00")
    reading = clock.reading(application, now=at("2026-11-09 09:00"))  # over the weekend
    assert reading.elapsed_minutes == 90 + 30  # 16:00–17:30 Friday, 08:30–09:00 Monday
    assert not reading.finished and not reading.overdue
    assert reading.remaining_minutes == 390 - 30
    late = clock.reading(application, now=at("2026-11-10 09:00"))
    assert late.overdue and late.remaining_minutes == -30


def test_the_clock_stops_when_every_result_is_issued(kaiban):
    application = run_to_ready(kaiban, apply_online(kaiban))
    assert application.status == BundleStatus.READY
    reading = clock.reading(application, now=at("2026-11-20 09:00"))
    assert reading.finished and reading.within_limit
    assert reading.elapsed_minutes == 150  # 09:00 → 11:30
    assert clock.format_minutes(reading.elapsed_minutes) == "2:30"
