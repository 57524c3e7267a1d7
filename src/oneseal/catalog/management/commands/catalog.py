"""`oneseal catalog import FILE` / `oneseal catalog export FILE`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

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
            self.stdout.write(self.style.SUCCESS(f"catalog exported to {file}"))
            return
        if not file.is_file():
            raise CommandError(f"no such file: {file}")
        try:
            summary = import_workbook(actor="cli", content=file.read_bytes(), note=note)
        except ValidationFailed as exc:
            for issue in exc.issues:
                self.stderr.write(str(issue))
            count = len(exc.issues)
            raise CommandError(f"{count} {'error' if count == 1 else 'errors'}; nothing was written") from None
        for sheet, counts in summary.items():
            self.stdout.write(f"{sheet}: {counts}")
        self.stdout.write(self.style.SUCCESS("catalog imported"))
