"""`oneseal audit verify`: prove the audit chain unbroken."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from oneseal.kernel.audit import verify_chain


class Command(BaseCommand):
    help = "Audit log tools. `verify` recomputes the hash chain and names the first broken entry."

    def add_arguments(self, parser):
        parser.add_argument("verb", choices=["verify"])

    def handle(self, *args, verb: str, **options):
        result = verify_chain()
        if not result.ok:
            raise CommandError(_("audit chain BROKEN at entry #%(seq)s: %(reason)s (%(checked)s entries verified "
                                 "before it)") % {"seq": result.first_broken, "reason": result.reason,
                                                  "checked": result.checked})
        self.stdout.write(self.style.SUCCESS(_("audit chain OK: %(checked)s entries") % {"checked": result.checked}))
