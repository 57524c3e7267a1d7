import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from oneseal.kernel.calendar_services import set_local_day
from oneseal.kernel.workcal import invalidate_calendar
from oneseal.sharing import services as s
from oneseal.sharing.models import RegulatorPush, WebhookEndpoint
from oneseal.sharing.tasks import sweep_pushes_task
from tests.sharing.conftest import at, decision_event, deliver, make_case

pytestmark = pytest.mark.django_db


def a_push(domain, when="2026-09-25 10:00"):
    case = make_case(domain["item"])
    decision_event(case, when=when)
    deliver()
    return RegulatorPush.objects.get(case=case)


def test_the_sweep_command_reminds_and_escalates_as_of_a_time(domain):
    push = a_push(domain)
    out = io.StringIO()
    with translation.override("en"):
        call_command("sharing", "sweep", "--at", "2026-09-29T17:45", stdout=out)
    assert out.getvalue().strip() == "1 push(es) reminded, 0 escalated to supervision."
    push.refresh_from_db()
    assert push.reminded_at == at("2026-09-29 17:45") and push.escalated_at is None
    with pytest.raises(CommandError):
        call_command("sharing", "sweep", "--at", "next tuesday")


def test_the_sweep_task_runs_the_sweep_now(domain):
    push = a_push(domain)  # long past its deadlines
    result = sweep_pushes_task.call()
    assert result == {"reminded": 1, "escalated": 1}
    push.refresh_from_db()
    assert push.escalated_at is not None


def test_a_calendar_change_moves_the_deadline_of_a_waiting_push(domain):
    push = a_push(domain)  # Friday 25 Sep → due Tuesday 29 Sep
    set_local_day(actor=None, day=at("2026-09-28 00:00").date(), working=False, name="台风停工")
    invalidate_calendar()
    try:
        assert s.recompute_push_deadlines([2026]) == 1
        push.refresh_from_db()
        assert push.due_at == at("2026-09-30 17:30")  # Monday no longer counts
        assert s.recompute_push_deadlines([2026]) == 0
    finally:
        invalidate_calendar()


def test_an_operator_registers_a_regulators_webhook_and_sees_the_secret_once(domain):
    out, err = io.StringIO(), io.StringIO()
    with translation.override("en"):
        call_command("sharing", "webhook", "create", "regulator", "https://reg.example.gov.cn/hook",
                     stdout=out, stderr=err)
    secret = out.getvalue().strip()
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret == secret and endpoint.department == domain["market"] and endpoint.owner == domain["regulator"]
    assert "shown once" in err.getvalue() and secret not in err.getvalue()
    listing = io.StringIO()
    call_command("sharing", "webhook", "list", stdout=listing)
    assert "reg.example.gov.cn" in listing.getvalue() and secret not in listing.getvalue()
    with pytest.raises(CommandError):
        call_command("sharing", "webhook", "create", "approver", "https://x.example/")
    with pytest.raises(CommandError):
        call_command("sharing", "webhook", "create", "regulator", "ftp://x.example/")
