import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from oneseal.licenses import services as ls
from oneseal.licenses.models import IssuerKey, LicenceStatus

pytestmark = pytest.mark.django_db


def test_expire_marks_what_has_expired(licensing):
    today = timezone.localdate()
    old = ls.issue_licence(actor=None, licence_type=licensing["food"], holder=licensing["applicant"],
                           issuer=licensing["bureau"], data={}, valid_from=today - dt.timedelta(days=400),
                           valid_until=today - dt.timedelta(days=1))
    current = ls.issue_licence(actor=None, licence_type=licensing["food"], holder=licensing["applicant"],
                               issuer=licensing["bureau"], data={})
    out = io.StringIO()
    with __import__("django").utils.translation.override("en"):
        call_command("licences", "expire", stdout=out)
    assert "1 expired" in out.getvalue()
    old.refresh_from_db()
    current.refresh_from_db()
    assert (old.status, current.status) == (LicenceStatus.EXPIRED, LicenceStatus.VALID)


def test_keys_lists_the_published_keys(licensing):
    ls.issue_licence(actor=None, licence_type=licensing["food"], holder=licensing["applicant"],
                     issuer=licensing["bureau"], data={})
    out = io.StringIO()
    call_command("licences", "keys", stdout=out)
    key = IssuerKey.objects.get()
    assert key.key_id in out.getvalue() and "SPJ" in out.getvalue()


def test_the_sweep_runs_as_a_background_task(licensing, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    from oneseal.licenses.tasks import expire_licences_task

    today = timezone.localdate()
    old = ls.issue_licence(actor=None, licence_type=licensing["food"], holder=licensing["applicant"],
                           issuer=licensing["bureau"], data={}, valid_from=today - dt.timedelta(days=10),
                           valid_until=today - dt.timedelta(days=1))
    result = expire_licences_task.enqueue()
    assert result.return_value == {"renewed": 0, "expired": 1}
    old.refresh_from_db()
    assert old.status == LicenceStatus.EXPIRED
