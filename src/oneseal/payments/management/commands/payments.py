"""`oneseal payments reconcile [--date YYYY-MM-DD]`: the day's reconciliation (对账) with the platform."""

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from oneseal.payments.services import reconcile_day


class Command(BaseCommand):
    help = "Compare the payment platform's daily statement with local records (default: yesterday)."

    def add_arguments(self, parser):
        parser.add_argument("verb", choices=["reconcile"])
        parser.add_argument("--date", help="the day to reconcile, YYYY-MM-DD (default: yesterday)")

    def handle(self, *args, verb: str, date: str | None = None, **options):
        try:
            day = dt.date.fromisoformat(date) if date else timezone.localdate() - dt.timedelta(days=1)
        except ValueError:
            raise CommandError(_("--date: not a date (YYYY-MM-DD): %(date)s") % {"date": date}) from None
        report = reconcile_day(actor="cli", date=day)
        self.stdout.write(json.dumps(report.summary(), ensure_ascii=False))
        if not report.balanced:
            raise CommandError(_("%(day)s: the platform's statement and the local records differ (see above)")
                               % {"day": day})
        self.stdout.write(self.style.SUCCESS(ngettext("%(day)s: balanced, %(n)s line matched", "%(day)s: balanced, %(n)s lines matched",
                                                     len(report.matched)) % {"day": day, "n": len(report.matched)}))
