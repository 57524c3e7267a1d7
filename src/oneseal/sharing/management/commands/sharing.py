"""`oneseal sharing …`: the regulator pushes from the command line.

    oneseal sharing sweep [--at 2026-10-09T18:00]     remind and escalate unclaimed pushes now (or as of
                                                      that local time) and say how many
    oneseal sharing webhook create <username> <url> [--name …]
                                                      register the receiving system of <username>'s
                                                      department, as that regulator; prints the signing
                                                      secret once (stdout), the rest on stderr
    oneseal sharing webhook list                      endpoints: id, department, name, URL, state (never
                                                      the secret)
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from oneseal.catalog.models import Department
from oneseal.kernel.errors import DomainError
from oneseal.kernel.workcal import SHANGHAI
from oneseal.sharing import policy, services
from oneseal.sharing.models import WebhookEndpoint


class Command(BaseCommand):
    help = "Regulator pushes: the reminder/escalation sweep, and the departments' webhook endpoints."

    def add_arguments(self, parser):
        verbs = parser.add_subparsers(dest="verb", required=True, parser_class=type(parser))
        sweep = verbs.add_parser("sweep", help="remind and escalate unclaimed pushes", called_from_command_line=False)
        sweep.add_argument("--at", default=None, help="sweep as of this local time (ISO 8601), default now")
        webhook = verbs.add_parser("webhook", help="webhook endpoints", called_from_command_line=False)
        action = webhook.add_subparsers(dest="action", required=True, parser_class=type(parser))
        create = action.add_parser("create", help="register a receiving system (as the regulator <username>)",
                                   called_from_command_line=False)
        create.add_argument("username")
        create.add_argument("url")
        create.add_argument("--name", default="", help="what the system is (default: the host)")
        action.add_parser("list", help="every endpoint, never its secret", called_from_command_line=False)

    def handle(self, *args, verb: str, **options):
        try:
            if verb == "sweep":
                return self._sweep(options.get("at"))
            if options["action"] == "create":
                return self._create(options["username"], options["url"], options["name"])
            return self._list()
        except DomainError as exc:
            raise CommandError(str(exc)) from exc

    def _sweep(self, at: str | None) -> None:
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

    def _create(self, username: str, url: str, name: str) -> None:
        user = get_user_model().objects.filter(username=username).first()
        department_id = policy.regulator_department(user) if user is not None else None
        if department_id is None:
            raise CommandError(_("%(username)s is not a regulator with a department.") % {"username": repr(username)})
        from urllib.parse import urlsplit

        endpoint, secret = services.create_webhook_endpoint(
            actor=user, department=Department.objects.get(pk=department_id),
            name=name or (urlsplit(url).hostname or url)[:100], url=url)
        self.stderr.write(_("webhook #%(id)s for %(department)s → %(url)s: signing secret shown once, "
                            "store it in the receiving system now") % {
            "id": endpoint.pk, "department": endpoint.department.name, "url": endpoint.url})
        self.stdout.write(secret)

    def _list(self) -> None:
        for endpoint in WebhookEndpoint.objects.select_related("department").order_by("pk"):
            state = _("active") if endpoint.active else _("switched off")
            self.stdout.write(f"#{endpoint.pk}\t{endpoint.department.code}\t{endpoint.name}\t{endpoint.url}\t{state}")
