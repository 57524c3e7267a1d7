"""The cases' timed work (django-tasks), and the small scheduler that queues it.

`deem_overdue_acceptances_task` runs `services.deem_overdue_acceptances`: every application left
without a decision on acceptance for 5 working days is deemed accepted from receipt (Art. 32).

`run_scheduler` is the loop behind `oneseal cases scheduler --every 60`: every N seconds it queues
the task for the worker (`oneseal db_worker`). It is bounded: at most one run is waiting at a time
(while the previous one is still queued or running, the round is skipped, so a stopped worker does
not pile up work), it can stop after a number of rounds, and it stops between rounds as soon as
its stop event is set (SIGTERM, Ctrl-C).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from django_tasks import TaskResult, TaskResultStatus, task

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
                  on_round: Callable[[int, str, TaskResult | None], None] | None = None) -> SchedulerReport:
    """Queue `deem_overdue_acceptances_task` now and then every `every` seconds until `stop` is set
    (or after `max_rounds` rounds). A failure to queue is logged and retried next round."""
    if every <= 0:
        raise ValueError("every must be positive")
    report = SchedulerReport()
    last: TaskResult | None = None
    while not stop.is_set() and (max_rounds is None or report.rounds < max_rounds):
        report.rounds += 1
        if _pending(last):
            report.skipped += 1
            outcome = "skipped"
            logger.info("cases scheduler round %s: the previous run (%s) is still %s; skipped",
                        report.rounds, last.id, last.status)
        else:
            try:
                last = deem_overdue_acceptances_task.enqueue()
            except Exception:
                report.failed += 1
                outcome = "failed"
                logger.exception("cases scheduler round %s: could not queue the task", report.rounds)
            else:
                report.enqueued += 1
                report.last = last
                outcome = "enqueued"
                done = f", deemed accepted: {last.return_value}" if last.status == TaskResultStatus.SUCCESSFUL else ""
                logger.info("cases scheduler round %s: queued %s (%s)%s", report.rounds, last.id, last.status, done)
        if on_round is not None:
            on_round(report.rounds, outcome, last)
        if max_rounds is not None and report.rounds >= max_rounds:
            break
        stop.wait(every)
    return report
