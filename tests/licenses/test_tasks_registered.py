from oneseal.kernel import periodic
from oneseal.licenses.tasks import expire_licences_task


def test_the_expiry_sweep_is_queued_by_the_scheduler():
    assert expire_licences_task in periodic.registered()
