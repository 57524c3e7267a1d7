import pytest

from oneseal.kernel import workcal


@pytest.fixture(autouse=True)
def fresh_calendar():
    """Each test starts and ends without this process's cached calendar (tests roll back the
    database under it)."""
    workcal.invalidate_calendar()
    yield
    workcal.invalidate_calendar()


@pytest.fixture
def immediate_tasks(settings):
    """Run django-tasks in-process, at enqueue time."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def recorded_recomputes():
    """Register a deadline recomputer that records the years it is called with."""
    calls: list[list[int]] = []

    def recomputer(years: list[int]) -> None:
        calls.append(years)

    workcal.register_deadline_recomputer(recomputer)
    yield calls
    workcal.unregister_deadline_recomputer(recomputer)
