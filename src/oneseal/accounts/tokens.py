"""API tokens for systems, and the API's authentication: a bearer token or a signed-in session.

A token is `secrets.token_urlsafe(32)` (256 random bits). Only its SHA-256 is stored, so the
database (or a backup of it) lets no one call the API; the clear token is shown once, when it is
created (`oneseal token create <username>`). A fast hash is enough here: the token is random, not a
password, so there is nothing to guess from a dictionary.

Pages call the API with their Django session; ninja's session check enforces CSRF on unsafe methods
for them. A system sends `Authorization: Bearer <token>` and needs no CSRF token (a browser never
adds that header by itself). The token is never logged: nothing here writes it anywhere.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja.security import SessionAuth
from ninja.security.http import HttpBearer
from ninja.utils import check_csrf

from oneseal.kernel import audit
from oneseal.kernel.errors import DomainError

from .models import ApiToken

PREFIX_LENGTH = 8
# Bookkeeping, not a command: `last_used_at` is written at most this often per token.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


class NotAuthenticated(DomainError):
    status = 401


class CsrfRefused(DomainError):
    status = 403


class TokenNotFound(DomainError):
    status = 404


@dataclass(frozen=True)
class IssuedToken:
    """A new token: `clear` is shown to its owner once and is kept nowhere."""

    token: ApiToken
    clear: str


def hash_token(clear: str) -> str:
    return hashlib.sha256(clear.encode()).hexdigest()


@transaction.atomic
def create_token(*, actor, user, name: str = "") -> IssuedToken:
    """Issue a token that calls the API as `user`."""
    if not user.is_active:
        raise DomainError("user_inactive", _("The account %(username)s is not active."), field="username",
                          username=user.get_username())
    clear = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name.strip()[:100], prefix=clear[:PREFIX_LENGTH],
                                    token_hash=hash_token(clear))
    audit.record(actor=actor, action="accounts.token_created", target=token,
                 data={"owner": user.get_username(), "name": token.name, "prefix": token.prefix})
    return IssuedToken(token, clear)


@transaction.atomic
def revoke_token(*, actor, token_id: int, now: dt.datetime | None = None) -> ApiToken:
    """Revoke a token; it is refused from the next request on. Revoking twice changes nothing."""
    token = ApiToken.objects.select_for_update().select_related("user").filter(pk=token_id).first()
    if token is None:
        raise TokenNotFound("not_found", _("No API token with id %(id)s."), field="id", id=token_id)
    if token.revoked_at is None:
        token.revoked_at = now or timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor=actor, action="accounts.token_revoked", target=token,
                     data={"owner": token.user.get_username(), "prefix": token.prefix})
    return token


def user_for_token(clear: str, now: dt.datetime | None = None) -> Any | None:
    """The active owner of a valid, unrevoked token, or None."""
    if not clear or len(clear) > 200:
        return None
    token = (ApiToken.objects.select_related("user")
             .filter(token_hash=hash_token(clear), revoked_at__isnull=True).first())
    if token is None or not token.user.is_active:
        return None
    now = now or timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def tokens_of(user) -> list[ApiToken]:
    return list(ApiToken.objects.filter(user=user))


def get_user_by_username(username: str):
    return get_user_model().objects.filter(username=username).first()


# -- ninja authentication ----------------------------------------------------------------------

def _not_authenticated() -> NotAuthenticated:
    return NotAuthenticated("not_authenticated",
                            _("Sign in, or send an API token in the Authorization header (Bearer)."),
                            field="Authorization")


class BearerTokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`. A token that is sent but not valid is refused outright (401),
    never passed on to the session check."""

    def __call__(self, request: HttpRequest) -> Any | None:
        # Overrides HttpBearer.__call__, which logs the whole header under DEBUG.
        value = request.headers.get(self.header)
        if not value:
            return None
        scheme, _sep, clear = value.partition(" ")
        if scheme.lower() != self.openapi_scheme:
            return None
        return self.authenticate(request, clear.strip())

    def authenticate(self, request: HttpRequest, token: str) -> Any | None:
        user = user_for_token(token)
        if user is None:
            raise NotAuthenticated("invalid_token", _("The API token is unknown or revoked."),
                                   field="Authorization")
        request.user = user
        request._dont_enforce_csrf_checks = True  # a bearer token is not sent by browsers on their own
        return user


class SessionWithCsrfAuth(SessionAuth):
    """The Django session of a signed-in page. Unsafe methods need the CSRF token (ninja's check);
    with no session at all the answer is 401, in the API's bilingual error format."""

    def __call__(self, request: HttpRequest) -> Any | None:
        if not request.user.is_authenticated:
            raise _not_authenticated()
        if self.csrf and not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise CsrfRefused("csrf_failed", _("The CSRF token is missing or wrong; reload the page."),
                              field="X-CSRFToken")
        return request.user


# Try a token first, then the session; the order matters only when both are sent.
api_auth = [BearerTokenAuth(), SessionWithCsrfAuth()]
