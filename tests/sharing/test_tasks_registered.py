from oneseal.kernel import periodic
from oneseal.sharing.tasks import sweep_pushes_task


def test_the_push_sweep_is_queued_by_the_scheduler():
    assert sweep_pushes_task in periodic.registered()
