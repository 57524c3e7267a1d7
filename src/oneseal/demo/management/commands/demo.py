"""`oneseal demo load [--if-empty]`, `oneseal demo serve [--port 8000]`, `oneseal demo accounts`."""

from __future__ import annotations

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rich.console import Console
from rich.table import Table

from oneseal.accounts.roles import STAFF_ROLES, RoleCode
from oneseal.demo import serve
from oneseal.demo.loader import load_scenario, new_progress
from oneseal.demo.zaoyang.people import DEMO_ACCOUNTS
from oneseal.demo.zaoyang.places import DEPARTMENT_NAMES
from oneseal.kernel.errors import ValidationFailed


class Command(BaseCommand):
    help = "The Zaoyang demo scenario: load it, list its accounts, or serve it."

    def add_arguments(self, parser):
        verbs = parser.add_subparsers(dest="verb", required=True, parser_class=type(parser))
        load = verbs.add_parser("load", help="Load the Zaoyang scenario (idempotent).", called_from_command_line=False)
        load.add_argument("--if-empty", action="store_true",
                          help="Load only when the catalog has no service items.")
        verbs.add_parser("accounts", help="Print the demo accounts, one per role.", called_from_command_line=False)
        run = verbs.add_parser("serve", help="Run the web server, the task worker and the cases' scheduler.",
                               called_from_command_line=False)
        run.add_argument("--port", type=int, default=8000)
        run.add_argument("--host", default="127.0.0.1")
        run.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
        run.add_argument("--scheduler-every", type=float, default=60.0,
                         help="seconds between two runs of the cases' timed work (default 60)")
        run.add_argument("--no-setup", action="store_true",
                         help="Do not migrate and load the scenario (when the catalog is empty) first.")

    def handle(self, *args, verb: str, **options):
        # Off a terminal rich assumes 80 columns and would cut the accounts table's names short.
        tty = getattr(self.stdout, "isatty", lambda: False)()
        self.console = Console(file=self.stdout, highlight=False, width=None if tty else 120)
        if verb == "load":
            self.load(if_empty=options["if_empty"])
            self.print_accounts()
        elif verb == "accounts":
            self.print_accounts()
        else:
            self.serve(options)

    def load(self, *, if_empty: bool) -> None:
        started = time.monotonic()
        try:
            result = load_scenario(progress=new_progress(console=self.console), if_empty=if_empty)
        except ValidationFailed as exc:
            for issue in exc.issues:
                self.stderr.write(str(issue))
            raise CommandError(ngettext("%(count)s error in the scenario data; nothing was written.",
                                        "%(count)s errors in the scenario data; nothing was written.",
                                        len(exc.issues)) % {"count": len(exc.issues)}) from None
        if not result.loaded:
            self.console.print(_("The catalog already has service items; nothing loaded."))
            return
        items = result.catalog.get("items", {})
        self.console.print(
            _("Zaoyang scenario loaded in %(seconds).1f s: %(items)s items (%(new)s new), "
              "%(versions)s item versions published, %(accounts)s accounts created (%(existing)s existed), "
              "%(cases)s demo cases created (%(cases_existing)s existed).")
            % {"seconds": time.monotonic() - started, "items": sum(items.values()), "new": items.get("created", 0),
               "versions": result.catalog.get("versions", 0), "accounts": result.accounts_created,
               "existing": result.accounts_existing, "cases": result.cases_created,
               "cases_existing": result.cases_existing}
        )

    def print_accounts(self) -> None:
        table = Table(title=_("Demo accounts (one per role)"))
        for heading in (_("Role"), _("Username"), _("Password"), _("Department"), _("Post")):
            table.add_column(heading)
        for account in DEMO_ACCOUNTS:
            table.add_row(str(RoleCode(account.role).label), account.username, account.password or "",
                          DEPARTMENT_NAMES[account.department] if account.role in STAFF_ROLES else "", account.title)
        self.console.print(table)

    def serve(self, options: dict) -> None:
        if not 1 <= options["scheduler_every"] <= 24 * 3600:
            raise CommandError(_("--scheduler-every must be between 1 and 86400 seconds."))
        if not options["no_setup"]:
            call_command("migrate", interactive=False, verbosity=0)
            self.load(if_empty=True)
        url = f"http://{options['host']}:{options['port']}/"
        self.print_accounts()
        self.console.print(_("Serving the Zaoyang demo at %(url)s (admin: %(url)sadmin/). Press Ctrl-C to stop.")
                           % {"url": url})
        self.stdout.flush()

        def died(name: str, code: int) -> None:
            self.stderr.write(_("The %(name)s process exited with status %(code)s; stopping.")
                              % {"name": name, "code": code})

        status = serve.run({
            "web": serve.web_command(options["host"], options["port"], options["workers"]),
            "worker": serve.worker_command(),
            "scheduler": serve.scheduler_command(options["scheduler_every"]),
            "events": serve.events_command(),
        }, on_exit=died)
        if status:
            raise CommandError(_("The demo server stopped unexpectedly."), returncode=status)
        self.console.print(_("Stopped."))
