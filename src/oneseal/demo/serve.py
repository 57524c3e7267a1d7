"""`oneseal demo serve`: the web server, the task worker, the cases' scheduler and the outbox worker
as four child processes.

All run in their own session so a Ctrl-C at the terminal reaches only this supervisor, which
then stops every child in order. If any child dies on its own, the others are stopped too and
the supervisor exits non-zero, so a wrapper (systemd, a CI job) sees the failure.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable

STOP_GRACE_SECONDS = 10.0


# The access log names the path without its query string: `GET /api/v1/track?number=…&id=…` carries
# an ID number, and IDs never go to a log.
ACCESS_LOG_FORMAT = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'


def web_command(host: str, port: int, workers: int = 2) -> list[str]:
    return [sys.executable, "-m", "gunicorn", "oneseal.wsgi:application", "--bind", f"{host}:{port}",
            "--workers", str(workers), "--access-logfile", "-", "--access-logformat", ACCESS_LOG_FORMAT,
            "--no-control-socket"]


def worker_command() -> list[str]:
    return [sys.executable, "-m", "oneseal", "db_worker", "--no-reload"]


def scheduler_command(every: float = 60) -> list[str]:
    """`oneseal cases scheduler`: queues the cases' timed work (deemed acceptances) for the worker."""
    return [sys.executable, "-m", "oneseal", "cases", "scheduler", "--every", f"{every:g}"]


def events_command(every: float = 1) -> list[str]:
    """`oneseal events dispatch --loop`: the outbox worker (licences, regulator pushes, bundles)."""
    return [sys.executable, "-m", "oneseal", "events", "dispatch", "--loop", "--every", f"{every:g}"]


def run(commands: dict[str, list[str]], *, on_exit: Callable[[str, int], None] | None = None,
        poll_seconds: float = 0.2) -> int:
    """Start every command, wait until a signal arrives or one of them exits, stop the rest.

    Returns 0 after SIGINT/SIGTERM, otherwise the exit code of the child that died (1 if it
    exited 0, since a server is not supposed to stop by itself).
    """
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "oneseal.settings")}
    received: list[int] = []

    def handle(signum, _frame):
        received.append(signum)

    previous = {s: signal.signal(s, handle) for s in (signal.SIGINT, signal.SIGTERM)}
    children: dict[str, subprocess.Popen] = {}
    status = 0
    try:
        for name, command in commands.items():
            children[name] = subprocess.Popen(command, env=env, start_new_session=True)
        while not received:
            dead = next(((n, p.returncode) for n, p in children.items() if p.poll() is not None), None)
            if dead is not None:
                name, code = dead
                if on_exit:
                    on_exit(name, code)
                status = code or 1
                break
            time.sleep(poll_seconds)
    finally:
        _stop_all(children)
        for s, handler in previous.items():
            signal.signal(s, handler)
    return status


def _stop_all(children: dict[str, subprocess.Popen]) -> None:
    for process in children.values():
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for process in children.values():
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
