"""`oneseal cases tick`: run the cases' timed work once, here and now.
`oneseal cases scheduler [--every 60] [--rounds N]`: queue it for the worker every N seconds until
SIGTERM or Ctrl-C (started by `oneseal demo serve` beside the web server and the worker)."""

from __future__ import annotations

import signal
import threading

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from oneseal.cases import services
from oneseal.cases.tasks import run_scheduler

MAX_EVERY_SECONDS = 24 * 3600


class Command(BaseCommand):
    help = "The cases' timed work: run it once (tick) or queue it for the worker every N seconds (scheduler)."

    def add_arguments(self, parser):
        verbs = parser.add_subparsers(dest="verb", required=True, parser_class=type(parser))
        verbs.add_parser("tick", help="Deem overdue applications accepted now and say how many.",
                         called_from_command_line=False)
        loop = verbs.add_parser("scheduler", help="Queue the timed work every N seconds until SIGTERM or Ctrl-C.",
                                called_from_command_line=False)
        loop.add_argument("--every", type=float, default=60.0, help="seconds between two rounds (default 60)")
        loop.add_argument("--rounds", type=int, default=None,
                          help="stop after this many rounds (default: run until stopped)")

    def handle(self, *args, verb: str, **options):
        if verb == "tick":
            count = services.deem_overdue_acceptances()
            self.stdout.write(ngettext("%(count)s application deemed accepted.",
                                       "%(count)s applications deemed accepted.", count) % {"count": count})
            return
        self.scheduler(options["every"], options["rounds"])

    def scheduler(self, every: float, rounds: int | None) -> None:
        if not 1 <= every <= MAX_EVERY_SECONDS:
            raise CommandError(_("--every must be between 1 and %(max)s seconds.") % {"max": MAX_EVERY_SECONDS})
        if rounds is not None and rounds < 1:
            raise CommandError(_("--rounds must be at least 1."))
        stop = threading.Event()

        def handle(signum, _frame):
            stop.set()

        previous = {s: signal.signal(s, handle) for s in (signal.SIGINT, signal.SIGTERM)}
        self.stdout.write(_("Cases scheduler: queueing the timed work every %(every)s s. Ctrl-C to stop.")
                          % {"every": f"{every:g}"})
        self.stdout.flush()
        try:
            report = run_scheduler(every=every, stop=stop, max_rounds=rounds)
        finally:
            for s, handler in previous.items():
                signal.signal(s, handler)
        self.stdout.write(_("Cases scheduler stopped after %(rounds)s round(s): %(enqueued)s queued, "
                            "%(skipped)s skipped, %(failed)s failed.")
                          % {"rounds": report.rounds, "enqueued": report.enqueued, "skipped": report.skipped,
                             "failed": report.failed})
