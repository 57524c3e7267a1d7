"""`oneseal token create <username> [--name …]` | `oneseal token revoke <id>` | `oneseal token list [<username>]`.

`create` prints the clear token once; only its SHA-256 is kept, so a lost token is revoked and
replaced, never recovered.
"""

from django.core.management.base import BaseCommand, CommandError

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
            raise CommandError(f"no user named {username!r}")
        issued = tokens.create_token(actor="oneseal token", user=user, name=name)
        self.stderr.write(f"token #{issued.token.pk} for {username} ({issued.token.prefix}…): "
                          "shown once, store it now")
        self.stdout.write(issued.clear)

    def _revoke(self, *, id: int, **_options):
        token = tokens.revoke_token(actor="oneseal token", token_id=id)
        self.stdout.write(self.style.SUCCESS(f"token #{token.pk} ({token.prefix}…) revoked at "
                                             f"{token.revoked_at.isoformat()}"))

    def _list(self, *, username: str | None = None, **_options):
        qs = ApiToken.objects.select_related("user").order_by("id")
        if username:
            qs = qs.filter(user__username=username)
        for token in qs:
            state = f"revoked {token.revoked_at:%Y-%m-%d %H:%M}" if token.revoked_at else "active"
            used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never"
            self.stdout.write(f"#{token.pk}\t{token.prefix}…\t{token.user.get_username()}\t{token.name or '-'}\t"
                              f"created {token.created_at:%Y-%m-%d %H:%M}\tlast used {used}\t{state}")
