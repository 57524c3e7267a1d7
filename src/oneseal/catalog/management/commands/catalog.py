"""`oneseal catalog import FILE` / `oneseal catalog export FILE`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from oneseal.catalog.xlsx import export_workbook, import_workbook
from oneseal.kernel.errors import ValidationFailed


class Command(BaseCommand):
    help = "Import or export the whole service catalog as an Excel workbook."

    def add_arguments(self, parser):
        parser.add_argument("verb", choices=["import", "export"])
        parser.add_argument("path")
        parser.add_argument("--note", default="", help="Change note recorded with new item versions.")

    def handle(self, *args, verb: str, path: str, note: str, **options):
        file = Path(path)
        if verb == "export":
            file.write_bytes(export_workbook())
            self.stdout.write(self.style.SUCCESS(_("catalog exported to %(file)s") % {"file": file}))
            return
        if not file.is_file():
            raise CommandError(_("no such file: %(file)s") % {"file": file})
        try:
            summary = import_workbook(actor="cli", content=file.read_bytes(), note=note)
        except ValidationFailed as exc:
            for issue in exc.issues:
                self.stderr.write(str(issue))
            count = len(exc.issues)
            raise CommandError(ngettext("%(count)s error; nothing was written", "%(count)s errors; nothing was written",
                                        count) % {"count": count}) from None
        for sheet, counts in summary.items():
            self.stdout.write(f"{sheet}: {counts}")
        self.stdout.write(self.style.SUCCESS(_("catalog imported")))
