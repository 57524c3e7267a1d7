"""`oneseal audit verify`: prove the audit chain unbroken."""

from django.core.management.base import BaseCommand, CommandError

from oneseal.kernel.audit import verify_chain


class Command(BaseCommand):
    help = "Audit log tools. `verify` recomputes the hash chain and names the first broken entry."

    def add_arguments(self, parser):
        parser.add_argument("verb", choices=["verify"])

    def handle(self, *args, verb: str, **options):
        result = verify_chain()
        if not result.ok:
            raise CommandError(f"audit chain BROKEN at entry #{result.first_broken}: {result.reason} "
                               f"({result.checked} entries verified before it)")
        self.stdout.write(self.style.SUCCESS(f"audit chain OK: {result.checked} entries"))
