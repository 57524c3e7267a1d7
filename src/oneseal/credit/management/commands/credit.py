"""`oneseal credit <verb>`: the credit app's commands.

- `oneseal credit import FILE --as USERNAME`: import records from a CSV or XLSX sheet as that credit
  officer (all rows or none; a re-run of the same file adds nothing), with a progress bar.

Each verb is one `_Verb` in VERBS: a parser and a handler, so the other parts of credit add theirs there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from oneseal.kernel.errors import DomainError, ValidationFailed


@dataclass(frozen=True)
class _Verb:
    name: str
    help: str
    arguments: Callable  # (parser) -> None
    handle: Callable  # (command, options) -> None


def _import_arguments(parser) -> None:
    parser.add_argument("path", help="the CSV or XLSX file")
    parser.add_argument("--as", dest="username", required=True, help="the credit officer who imports")


def _import(command: Command, options: dict) -> None:
    from oneseal.credit.services.records import import_records

    file = Path(options["path"])
    if not file.is_file():
        raise CommandError(_("no such file: %(file)s") % {"file": file})
    actor = get_user_model().objects.filter(username=options["username"]).first()
    if actor is None:
        raise CommandError(_("no such user: %(username)s") % {"username": options["username"]})
    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        console=command.console)
    with progress:
        task = progress.add_task(_("Records"), total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        try:
            result = import_records(actor=actor, content=file.read_bytes(), filename=file.name, progress=advance)
        except ValidationFailed as exc:
            progress.stop()
            for issue in exc.issues:
                command.stderr.write(str(issue))
            count = len(exc.issues)
            raise CommandError(ngettext("%(count)s error; nothing was written", "%(count)s errors; nothing was written",
                                        count) % {"count": count}) from None
        except DomainError as exc:
            raise CommandError(str(exc)) from None
    command.console.print(_("%(rows)s rows read: %(created)s records created, %(existing)s were already "
                            "imported (file SHA-256 %(sha)s).") % {"rows": result.rows, "created": result.created,
                                                                   "existing": result.existing, "sha": result.sha256})


VERBS: list[_Verb] = [
    _Verb("import", "Import credit records from a CSV or XLSX sheet (all rows or none).", _import_arguments, _import),
]


class Command(BaseCommand):
    help = "Credit: import records (import)."

    def add_arguments(self, parser):
        verbs = parser.add_subparsers(dest="verb", required=True, parser_class=type(parser))
        for verb in VERBS:
            verb.arguments(verbs.add_parser(verb.name, help=verb.help, called_from_command_line=False))

    def handle(self, *args, verb: str, **options):
        tty = getattr(self.stdout, "isatty", lambda: False)()
        self.console = Console(file=self.stdout, highlight=False, width=None if tty else 120)
        next(v for v in VERBS if v.name == verb).handle(self, options)
