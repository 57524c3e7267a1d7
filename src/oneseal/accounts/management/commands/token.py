"""`oneseal token create <username> [--name …]` | `oneseal token revoke <id>` | `oneseal token list [<username>]`.

`create` prints the clear token once; only its SHA-256 is kept, so a lost token is revoked and
replaced, never recovered.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from oneseal.accounts import tokens
from oneseal.accounts.models import ApiToken
from oneseal.kernel.errors import DomainError


class Command(BaseCommand):
    help = "API tokens for systems: create (printed once), revoke, list."

    def add_arguments(self, parser):
        verbs = parser.add_subparsers(dest="verb", required=True)
        create = verbs.add_parser("create", help="issue a token that calls the API as <username>")
        create.add_argument("username")
        create.add_argument("--name", default="", help="what the token is for, e.g. the calling system")
        revoke = verbs.add_parser("revoke", help="revoke the token with this id")
        revoke.add_argument("id", type=int)
        listing = verbs.add_parser("list", help="tokens (id, prefix, owner, name, dates); never the token")
        listing.add_argument("username", nargs="?")

    def handle(self, *args, verb: str, **options):
        try:
            getattr(self, f"_{verb}")(**options)
        except DomainError as exc:
            raise CommandError(str(exc)) from exc

    def _create(self, *, username: str, name: str, **_options):
        user = tokens.get_user_by_username(username)
        if user is None:
            raise CommandError(_("no user named %(username)s") % {"username": repr(username)})
        issued = tokens.create_token(actor="oneseal token", user=user, name=name)
        self.stderr.write(_("token #%(id)s for %(username)s (%(prefix)s…): shown once, store it now") % {
            "id": issued.token.pk, "username": username, "prefix": issued.token.prefix})
        self.stdout.write(issued.clear)

    def _revoke(self, *, id: int, **_options):
        token = tokens.revoke_token(actor="oneseal token", token_id=id)
        self.stdout.write(self.style.SUCCESS(_("token #%(id)s (%(prefix)s…) revoked at %(at)s") % {
            "id": token.pk, "prefix": token.prefix, "at": token.revoked_at.isoformat()}))

    def _list(self, *, username: str | None = None, **_options):
        qs = ApiToken.objects.select_related("user").order_by("id")
        if username:
            qs = qs.filter(user__username=username)
        for token in qs:
            state = (_("revoked %(at)s") % {"at": f"{token.revoked_at:%Y-%m-%d %H:%M}"} if token.revoked_at
                     else _("active"))
            used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else _("never")
            self.stdout.write(f"#{token.pk}\t{token.prefix}…\t{token.user.get_username()}\t{token.name or '-'}\t"
                              + _("created %(created)s\tlast used %(used)s\t%(state)s") % {
                                  "created": f"{token.created_at:%Y-%m-%d %H:%M}", "used": used, "state": state})
