"""The cases' timed work (django-tasks), and the small scheduler that queues it.

`deem_overdue_acceptances_task` runs `services.deem_overdue_acceptances`: every application left
without a decision on acceptance for 5 working days is deemed accepted from receipt (Art. 32).

`run_scheduler` is the loop behind `oneseal cases scheduler --every 60`: every N seconds it queues
each periodic task registered with `oneseal.kernel.periodic` (this one, and those of the apps after
cases: licence expiry, regulator-push reminders …) for the worker (`oneseal db_worker`). It is
bounded: at most one run of a task is waiting at a time (while the previous one is still queued or
running, that task's round is skipped, so a stopped worker does not pile up work), it can stop after
a number of rounds, and it stops between rounds as soon as its stop event is set (SIGTERM, Ctrl-C).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from django_tasks import TaskResult, TaskResultStatus, task

from oneseal.kernel import periodic

logger = logging.getLogger(__name__)

PENDING = {TaskResultStatus.READY, TaskResultStatus.RUNNING}


@task()
def deem_overdue_acceptances_task() -> int:
    """Deem overdue applications accepted; return how many were."""
    from . import services

    count = services.deem_overdue_acceptances()
    logger.info("cases: %s application(s) deemed accepted (Art. 32)", count)
    return count


@dataclass
class SchedulerReport:
    rounds: int = 0
    enqueued: int = 0
    skipped: int = 0
    failed: int = 0
    last: TaskResult | None = None  # the last run queued


def _pending(result: TaskResult | None) -> bool:
    if result is None:
        return False
    if result.status in PENDING and result.task.get_backend().supports_get_result:
        try:
            result.refresh()
        except Exception:  # the result was pruned: nothing is waiting any more
            return False
    return result.status in PENDING


def run_scheduler(*, every: float, stop: threading.Event, max_rounds: int | None = None,
                  on_round: Callable[[int, str, TaskResult | None], None] | None = None,
                  tasks: list | None = None) -> SchedulerReport:
    """Queue every registered periodic task (or `tasks`) now and then every `every` seconds until `stop`
    is set (or after `max_rounds` rounds). A failure to queue is logged and retried next round."""
    if every <= 0:
        raise ValueError("every must be positive")
    report = SchedulerReport()
    last: dict[int, TaskResult | None] = {}
    while not stop.is_set() and (max_rounds is None or report.rounds < max_rounds):
        report.rounds += 1
        outcome = "idle"
        for index, work in enumerate(tasks if tasks is not None else periodic.registered()):
            outcome = _queue(work, last, index, report)
        if on_round is not None:
            on_round(report.rounds, outcome, report.last)
        if max_rounds is not None and report.rounds >= max_rounds:
            break
        stop.wait(every)
    return report


def _queue(work, last: dict, index: int, report: SchedulerReport) -> str:
    name = getattr(work, "name", repr(work))
    previous = last.get(index)
    if _pending(previous):
        report.skipped += 1
        logger.info("cases scheduler round %s: the previous run of %s (%s) is still %s; skipped",
                    report.rounds, name, previous.id, previous.status)
        return "skipped"
    try:
        result = work.enqueue()
    except Exception:
        report.failed += 1
        logger.exception("cases scheduler round %s: could not queue %s", report.rounds, name)
        return "failed"
    last[index] = report.last = result
    report.enqueued += 1
    done = f", result: {result.return_value}" if result.status == TaskResultStatus.SUCCESSFUL else ""
    logger.info("cases scheduler round %s: queued %s as %s (%s)%s", report.rounds, name, result.id, result.status,
                done)
    return "enqueued"
