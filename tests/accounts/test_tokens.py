"""API tokens: stored hashed, shown once, revocable, and the management command."""

import hashlib
import io
import logging

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from oneseal.accounts import tokens
from oneseal.accounts.models import ApiToken
from oneseal.accounts.roles import RoleCode
from oneseal.kernel.audit import verify_chain
from oneseal.kernel.logging import RedactSecretsFilter
from oneseal.kernel.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(user_in_role):
    return user_in_role(RoleCode.WINDOW_CLERK, "clerk")


def _every_stored_value() -> str:
    """Every column of every row of the tables a token could leak into, as one string."""
    text = []
    with connection.cursor() as cursor:
        for table in (ApiToken._meta.db_table, AuditEntry._meta.db_table):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            text.extend(str(value) for row in cursor.fetchall() for value in row)
    return "\n".join(text)


def test_a_token_is_stored_only_as_its_hash(clerk):
    issued = tokens.create_token(actor=None, user=clerk, name="window system")
    token = ApiToken.objects.get()
    assert token.token_hash == hashlib.sha256(issued.clear.encode()).hexdigest()
    assert token.prefix == issued.clear[:8] and len(issued.clear) >= 43
    assert issued.clear not in _every_stored_value()
    assert tokens.user_for_token(issued.clear) == clerk


def test_tokens_are_random_and_distinct(clerk):
    clears = {tokens.create_token(actor=None, user=clerk).clear for _ in range(5)}
    assert len(clears) == 5


def test_a_revoked_token_no_longer_authenticates(clerk):
    issued = tokens.create_token(actor=None, user=clerk)
    tokens.revoke_token(actor=None, token_id=issued.token.pk)
    assert tokens.user_for_token(issued.clear) is None
    again = tokens.revoke_token(actor=None, token_id=issued.token.pk)  # revoking twice changes nothing
    assert again.revoked_at == ApiToken.objects.get().revoked_at
    assert verify_chain().ok


def test_an_inactive_owner_cannot_use_a_token(clerk):
    issued = tokens.create_token(actor=None, user=clerk)
    clerk.is_active = False
    clerk.save()
    assert tokens.user_for_token(issued.clear) is None


@pytest.mark.parametrize("clear", ["", "nope", "x" * 500])
def test_unknown_tokens_authenticate_no_one(clerk, clear):
    tokens.create_token(actor=None, user=clerk)
    assert tokens.user_for_token(clear) is None


def test_use_is_recorded_at_most_once_a_minute(clerk):
    import datetime as dt

    from django.utils import timezone

    issued = tokens.create_token(actor=None, user=clerk)
    now = timezone.now()
    tokens.user_for_token(issued.clear, now=now)
    assert ApiToken.objects.get().last_used_at == now
    tokens.user_for_token(issued.clear, now=now + dt.timedelta(seconds=30))
    assert ApiToken.objects.get().last_used_at == now
    later = now + dt.timedelta(minutes=2)
    tokens.user_for_token(issued.clear, now=later)
    assert ApiToken.objects.get().last_used_at == later


def test_the_command_prints_the_token_once_and_revokes_it(clerk):
    out, err = io.StringIO(), io.StringIO()
    call_command("token", "create", "clerk", "--name", "window system", stdout=out, stderr=err)
    clear = out.getvalue().strip()
    token = ApiToken.objects.get()
    assert tokens.user_for_token(clear) == clerk and token.name == "window system"
    assert clear not in err.getvalue() and f"#{token.pk}" in err.getvalue()

    listing = io.StringIO()
    call_command("token", "list", stdout=listing)
    assert token.prefix in listing.getvalue() and clear not in listing.getvalue()

    call_command("token", "revoke", str(token.pk), stdout=io.StringIO())
    assert tokens.user_for_token(clear) is None
    with pytest.raises(CommandError):
        call_command("token", "revoke", "999999", stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("token", "create", "nobody", stdout=io.StringIO())


def test_the_log_filter_redacts_a_token_value():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "token=%s", ("s3cr3t-value",), None)
    RedactSecretsFilter().filter(record)
    assert "s3cr3t-value" not in record.getMessage()


def test_the_log_filter_redacts_a_bearer_authorization_header():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "Authorization: Bearer %s", ("s3cr3t-value",),
                               None)
    RedactSecretsFilter().filter(record)
    assert "s3cr3t-value" not in record.getMessage()
