"""`oneseal events dispatch|status`: the outbox worker and its state.

    oneseal events dispatch              deliver what is due now, once
    oneseal events dispatch --loop       keep delivering (the worker process; stops on SIGTERM / Ctrl-C)
        [--only PREFIX | --exclude PREFIX]   split the work, e.g. webhooks (sharing.webhook:) in a worker of their own
    oneseal events status                pending / delivered / given-up deliveries per subscriber
"""

from __future__ import annotations

import signal
import threading

from django.core.management.base import BaseCommand
from django.db.models import Count
from django.utils.translation import gettext as _

from oneseal.kernel import events
from oneseal.kernel.event_models import EventDelivery


class Command(BaseCommand):
    help = "Domain-event outbox: deliver due events to their subscribers, or show the deliveries' state."

    def add_arguments(self, parser):
        parser.add_argument("verb", choices=["dispatch", "status"])
        parser.add_argument("--loop", action="store_true", help="keep dispatching until stopped")
        parser.add_argument("--every", type=float, default=1.0, help="seconds to wait when nothing was due")
        parser.add_argument("--batch", type=int, default=100, help="deliveries handled per round (one transaction each)")
        parser.add_argument("--max-rounds", type=int, default=None, help="stop after this many rounds")
        parser.add_argument("--only", default="", metavar="PREFIX",
                            help="only deliveries whose subscriber starts with PREFIX (e.g. sharing.webhook:)")
        parser.add_argument("--exclude", default="", metavar="PREFIX",
                            help="leave out deliveries whose subscriber starts with PREFIX")

    def handle(self, *args, verb: str, **options):
        if verb == "status":
            return self._status()
        stop = threading.Event()
        if options["loop"]:
            for sig in (signal.SIGTERM, signal.SIGINT):
                signal.signal(sig, lambda *_a: stop.set())
        rounds = delivered = retried = dead = 0
        while not stop.is_set():
            rounds += 1
            report = events.dispatch(batch=options["batch"], subscriber_prefix=options["only"],
                                     exclude_prefix=options["exclude"])
            delivered, retried, dead = delivered + report.delivered, retried + report.retried, dead + report.dead
            for error in report.errors:
                self.stderr.write(error)
            if not options["loop"] or (options["max_rounds"] and rounds >= options["max_rounds"]):
                break
            if report.claimed < options["batch"]:
                stop.wait(options["every"])
        self.stdout.write(_("events: %(delivered)s delivered, %(retried)s to retry, %(dead)s given up") % {
            "delivered": delivered, "retried": retried, "dead": dead})

    def _status(self):
        rows = (EventDelivery.objects.values("subscriber", "status").annotate(n=Count("id"))
                .order_by("subscriber", "status"))
        if not rows:
            self.stdout.write(_("no event deliveries"))
        for row in rows:
            self.stdout.write(f"{row['subscriber']:<40} {row['status']:<8} {row['n']}")
