"""`oneseal cases tick` and `oneseal cases scheduler`, and the task they run."""

import io
import logging
import os
import signal
import threading
import time

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from oneseal.cases.models import CaseStatus
from oneseal.cases.tasks import deem_overdue_acceptances_task, run_scheduler
from oneseal.kernel import periodic
from tests.cases.conftest import at
from tests.cases.test_services import submit

OURS = [deem_overdue_acceptances_task]

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    settings.TASKS = IMMEDIATE


@pytest.fixture
def stale(world):
    """An application received weeks ago and never decided on, and a fresh one."""
    old = submit(world, now=at("2026-02-13 09:00"))
    fresh = submit(world)  # 2026-03-02, but "now" is the real clock: also long past
    return old, fresh


def run(*args) -> str:
    """Run the command with its messages in English (the default locale is Chinese)."""
    out = io.StringIO()
    with translation.override("en"):
        call_command("cases", *args, stdout=out)
    return out.getvalue()


def test_tick_deems_overdue_applications_accepted_and_says_how_many(stale):
    out = run("tick")
    assert out.split()[0] == "2", out
    for case in stale:
        case.refresh_from_db()
        assert case.status == CaseStatus.ACCEPTED and case.deemed_accepted


def test_tick_with_nothing_to_do_reports_zero(world):
    assert run("tick").split()[0] == "0"


def test_the_task_runs_the_service_and_returns_the_count(stale):
    result = deem_overdue_acceptances_task.enqueue()
    assert result.return_value == 2
    assert deem_overdue_acceptances_task.enqueue().return_value == 0


def test_the_scheduler_queues_the_task_each_round(stale, caplog):
    with caplog.at_level(logging.INFO, logger="oneseal.cases.tasks"):
        report = run_scheduler(every=0.01, stop=threading.Event(), max_rounds=3, tasks=OURS)
    assert (report.rounds, report.enqueued, report.skipped) == (3, 3, 0)
    assert report.last.return_value == 0  # the first round did the work
    for case in stale:
        case.refresh_from_db()
        assert case.status == CaseStatus.ACCEPTED
    assert sum("cases scheduler round" in r.message for r in caplog.records) == 3


def test_the_scheduler_skips_a_round_while_the_previous_run_waits(world, settings):
    settings.TASKS = DUMMY  # nothing ever runs: the first result stays queued
    report = run_scheduler(every=0.01, stop=threading.Event(), max_rounds=4, tasks=OURS)
    assert (report.enqueued, report.skipped) == (1, 3)


def test_the_scheduler_logs_and_survives_a_failure_to_queue(world, monkeypatch):
    calls = []

    def broken():
        calls.append(1)
        raise RuntimeError("database is locked")

    class Broken:
        name = "broken"
        enqueue = staticmethod(broken)

    report = run_scheduler(every=0.01, stop=threading.Event(), max_rounds=2, tasks=[Broken, *OURS])
    assert (report.failed, report.enqueued, len(calls)) == (2, 2, 2)  # the other task still ran


def test_the_scheduler_stops_when_its_event_is_set(world):
    stop = threading.Event()
    threading.Timer(0.2, stop.set).start()
    started = time.monotonic()
    report = run_scheduler(every=30, stop=stop)
    assert report.rounds == 1 and time.monotonic() - started < 5


def test_the_scheduler_command_runs_a_bounded_number_of_rounds(stale):
    out = run("scheduler", "--every", "1", "--rounds", "1")
    count = len(periodic.registered())
    assert deem_overdue_acceptances_task in periodic.registered()
    assert f"1 round(s): {count} queued, 0 skipped, 0 failed" in out, out
    for case in stale:
        case.refresh_from_db()
        assert case.status == CaseStatus.ACCEPTED


def test_the_scheduler_command_stops_on_sigterm(world):
    before = signal.getsignal(signal.SIGTERM)
    timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGTERM))
    timer.start()
    started = time.monotonic()
    try:
        run("scheduler", "--every", "60")
    finally:
        timer.cancel()
    assert time.monotonic() - started < 10
    assert signal.getsignal(signal.SIGTERM) is before  # the handler is put back


@pytest.mark.parametrize("every", ["0", "0.5", "100000"])
def test_the_scheduler_refuses_a_silly_interval(every):
    with pytest.raises(CommandError):
        call_command("cases", "scheduler", "--every", every)
