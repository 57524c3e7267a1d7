"""The timed work of every app, queued by one scheduler (`oneseal cases scheduler`).

An app registers its periodic django-tasks task in its AppConfig.ready():

    periodic.register(deem_overdue_acceptances_task)

and the scheduler queues each registered task once per round for the worker (`oneseal db_worker`).
Apps do not import each other for this: the registry lives here, below all of them.
"""

from __future__ import annotations

from typing import Any

_tasks: dict[str, Any] = {}


def register(task: Any) -> Any:
    """Add a django-tasks Task (anything with `enqueue()` and a `module_path`) to every round."""
    _tasks[getattr(task, "module_path", repr(task))] = task
    return task


def unregister(task: Any) -> None:
    _tasks.pop(getattr(task, "module_path", repr(task)), None)


def registered() -> list[Any]:
    return list(_tasks.values())
