"""`oneseal calendar`: the working-time calendar's operator verbs.

    oneseal calendar import <file> [--year Y]   import a State Council schedule (CSV: date,kind,name)
    oneseal calendar show <year>                working days, holidays and where they come from
    oneseal calendar holiday add <date> <name>  a local holiday (本地放假)
    oneseal calendar workday add <date> <name>  a local working day (本地上班)
    oneseal calendar holiday|workday remove <date>
"""

from __future__ import annotations

import datetime as dt
import getpass
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from oneseal.kernel import calendar_services, workcal
from oneseal.kernel.errors import DomainError, ValidationFailed, bilingual

SOURCE_LABELS = {
    workcal.YearSource.SCHEDULE: gettext_lazy("imported State Council schedule"),
    workcal.YearSource.CHINESE_CALENDAR: gettext_lazy("chinese-calendar"),
    workcal.YearSource.FALLBACK: gettext_lazy("none: Monday-to-Friday fallback, results are PROVISIONAL"),
}


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(_("“%(value)s” is not a date in the form YYYY-MM-DD") % {"value": value}) from None


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def _explain(exc: DomainError) -> str:
    if isinstance(exc, ValidationFailed):
        lines = [bilingual(exc.message)["en"]]
        for issue in exc.issues:
            text = bilingual(issue.message, **issue.params)
            where = _("line %(row)s") % {"row": issue.row} if issue.row is not None else issue.field
            lines.append(f"  {where}: {_both(text)}")
        return "\n".join(lines)
    return _both(bilingual(exc.message, **exc.params))


def _both(text: dict[str, str]) -> str:
    return text["en"] if text["en"] == text["zh-hans"] else f"{text['en']} ({text['zh-hans']})"


class Command(BaseCommand):
    help = "Working-time calendar: import a State Council schedule, show a year, add local days."

    def add_arguments(self, parser: CommandParser) -> None:
        verbs = parser.add_subparsers(dest="verb", required=True)
        imp = verbs.add_parser("import", help="import a year's State Council schedule (CSV date,kind,name)")
        imp.add_argument("file")
        imp.add_argument("--year", type=int, help="the year the file must cover (default: its first date's)")
        show = verbs.add_parser("show", help="summarise a year's working days and holidays")
        show.add_argument("year", type=int)
        for kind in ("holiday", "workday"):
            sub = verbs.add_parser(kind, help=f"local {kind}s (override the national calendar)")
            sub.add_argument("action", choices=["add", "remove"])
            sub.add_argument("date", type=str)
            sub.add_argument("name", nargs="?", default="")

    def handle(self, *args: Any, verb: str, **options: Any) -> None:
        try:
            if verb == "import":
                self._import(options["file"], options.get("year"))
            elif verb == "show":
                self._show(options["year"])
            else:
                self._local(verb, options["action"], _date(options["date"]), options["name"])
        except DomainError as exc:
            raise CommandError(_explain(exc)) from exc

    def _import(self, path: str, year: int | None) -> None:
        schedule = calendar_services.read_schedule_file(path, year=year)
        calendar_services.import_schedule(actor=_actor(), schedule=schedule, source_name=str(path))
        self.stdout.write(self.style.SUCCESS(
            _("imported the %(year)s schedule: %(holidays)s holidays, %(workdays)s adjusted working days; "
              "%(year)s is no longer provisional") % {"year": schedule.year, "holidays": schedule.holidays,
                                                      "workdays": schedule.workdays}))

    def _local(self, kind: str, action: str, day: dt.date, name: str) -> None:
        if action == "remove":
            removed = calendar_services.remove_local_day(actor=_actor(), day=day)
            self.stdout.write((_("removed the local override on %(day)s") if removed
                               else _("no local override on %(day)s")) % {"day": day})
            return
        calendar_services.set_local_day(actor=_actor(), day=day, working=kind == "workday", name=name)
        message = (_("%(day)s is now a local working day: %(name)s") if kind == "workday"
                   else _("%(day)s is now a local holiday: %(name)s"))
        self.stdout.write(self.style.SUCCESS(message % {"day": day, "name": name}))

    def _show(self, year: int) -> None:
        calendar = workcal.build_calendar_from_db()
        try:
            summary = calendar.describe_year(year)
        except DomainError as exc:
            raise CommandError(_explain(exc)) from exc
        self.stdout.write(f"{year}: {SOURCE_LABELS[summary.source]}")
        self.stdout.write(_("working days: %(working)s, rest days: %(rest)s") % {
            "working": summary.working_days, "rest": summary.non_working_days})
        if summary.special_days:
            self.stdout.write(_("days that differ from Monday-to-Friday, and local overrides:"))
        for day in summary.special_days:
            kind = _("workday") if day.working else _("holiday")
            self.stdout.write(f"  {day.day:%Y-%m-%d %a}  {kind:<8} {day.name}  [{day.source}]")
