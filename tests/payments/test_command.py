import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

pytestmark = pytest.mark.django_db


def test_an_empty_day_is_balanced():
    out = io.StringIO()
    call_command("payments", "reconcile", "--date", "2026-11-24", stdout=out)
    assert '"matched": 0' in out.getvalue()


def test_a_paid_order_missing_locally_fails_the_command(issue, django_capture_on_commit_callbacks):
    from django.utils import timezone

    from oneseal.payments import simulator

    order = issue()
    simulator.pay(order.payment_code, notify=False)  # the platform took the money; the notification is lost
    with translation.override("en"), pytest.raises(CommandError, match="differ"):
        call_command("payments", "reconcile", "--date", timezone.localdate().isoformat(), stdout=io.StringIO())


def test_a_bad_date_is_named():
    with pytest.raises(CommandError, match="--date"):
        call_command("payments", "reconcile", "--date", "2026-13-01")
