"""`oneseal sharing sweep [--at 2026-10-09T18:00]`: remind and escalate unclaimed regulator pushes now (or as
of the given time, Asia/Shanghai), and say how many."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from oneseal.kernel.workcal import SHANGHAI
from oneseal.sharing import services


class Command(BaseCommand):
    help = "Regulator pushes: send reminders and escalations for unclaimed pushes (sweep)."

    def add_arguments(self, parser):
        parser.add_argument("verb", choices=["sweep"])
        parser.add_argument("--at", default=None, help="sweep as of this local time (ISO 8601), default now")

    def handle(self, *args, verb: str, at: str | None = None, **options):
        now = None
        if at:
            try:
                now = dt.datetime.fromisoformat(at)
            except ValueError:
                raise CommandError(_("--at must be a date and time such as 2026-10-09T18:00.")) from None
            if now.tzinfo is None:
                now = now.replace(tzinfo=SHANGHAI)
        report = services.sweep_pushes(now)
        self.stdout.write(_("%(reminded)s push(es) reminded, %(escalated)s escalated to supervision.") % {
            "reminded": len(report.reminded), "escalated": len(report.escalated)})
