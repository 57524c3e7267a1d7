"""`oneseal licences expire [--queue]`: renew what Art. 50 deems renewed, then mark expired licences
(now, or queued for the worker). `oneseal licences keys`: the issuers' published keys."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _


class Command(BaseCommand):
    help = "Electronic licences: the expiry sweep (expire) and the issuers' public keys (keys)."

    def add_arguments(self, parser):
        verbs = parser.add_subparsers(dest="verb", required=True, parser_class=type(parser))
        expire = verbs.add_parser("expire", help="Deem overdue renewals granted, then mark expired licences.",
                                  called_from_command_line=False)
        expire.add_argument("--queue", action="store_true", help="queue the sweep for the worker instead")
        verbs.add_parser("keys", help="List the issuers' keys (key id, department, algorithm, active).",
                         called_from_command_line=False)

    def handle(self, *args, verb: str, **options):
        if verb == "keys":
            from oneseal.licenses.selectors import published_keys

            for key in published_keys():
                state = _("active") if key.active else _("retired")
                self.stdout.write(f"{key.key_id}  {key.department.code}  {key.algorithm}  {state}")
            return
        if options["queue"]:
            from oneseal.licenses.tasks import expire_licences_task

            result = expire_licences_task.enqueue()
            self.stdout.write(_("Licence sweep queued (%(id)s).") % {"id": result.id})
            return
        from oneseal.licenses.services import expire_due_licences

        report = expire_due_licences()
        self.stdout.write(_("%(renewed)s licence(s) renewed without a decision (Art. 50), %(expired)s expired.")
                          % report)
