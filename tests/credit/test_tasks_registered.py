from oneseal.credit.tasks import flag_overdue_verifications_task
from oneseal.kernel import periodic


def test_the_overdue_verification_sweep_is_queued_by_the_scheduler():
    assert flag_overdue_verifications_task in periodic.registered()
