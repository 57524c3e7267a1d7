"""`oneseal demo serve` supervises the web server and the worker: a dead child stops everything
with a non-zero status; SIGTERM stops both children and exits cleanly."""

import os
import signal
import sys
import threading
import time

from oneseal.demo import serve

SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)"]


def test_a_child_that_dies_stops_the_other_and_fails(tmp_path):
    marker = tmp_path / "stopped"
    survivor = [sys.executable, "-c",
                f"import signal, sys, time\n"
                f"signal.signal(signal.SIGTERM, lambda *a: (open({str(marker)!r}, 'w').close(), sys.exit(0)))\n"
                f"time.sleep(60)"]
    exits = []
    started = time.monotonic()
    status = serve.run({"web": survivor, "worker": [sys.executable, "-c", "import time, sys; time.sleep(0.5); sys.exit(3)"]},
                       on_exit=lambda name, code: exits.append((name, code)))
    assert status == 3
    assert exits == [("worker", 3)]
    assert marker.exists()
    assert time.monotonic() - started < 10


def test_a_child_exiting_cleanly_still_counts_as_a_failure():
    assert serve.run({"web": SLEEPER, "worker": [sys.executable, "-c", "pass"]}) == 1


def test_sigterm_is_forwarded_and_the_supervisor_exits_cleanly():
    timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGTERM))
    timer.start()
    started = time.monotonic()
    try:
        assert serve.run({"web": SLEEPER, "worker": SLEEPER}) == 0
    finally:
        timer.cancel()
    assert time.monotonic() - started < 10


def test_commands_bind_loopback_with_two_workers_and_run_the_db_worker():
    web = serve.web_command("127.0.0.1", 8123)
    assert web[1:4] == ["-m", "gunicorn", "oneseal.wsgi:application"]
    assert web[web.index("--bind") + 1] == "127.0.0.1:8123"
    assert web[web.index("--workers") + 1] == "2"
    assert serve.worker_command()[1:4] == ["-m", "oneseal", "db_worker"]


def test_the_access_log_leaves_out_query_strings_which_may_carry_id_numbers():
    web = serve.web_command("127.0.0.1", 8123)
    log_format = web[web.index("--access-logformat") + 1]
    assert "%(U)s" in log_format and "%(r)s" not in log_format and "%(q)s" not in log_format


def test_the_events_worker_loops_on_the_outbox():
    assert serve.events_command()[1:] == ["-m", "oneseal", "events", "dispatch", "--loop", "--every", "1"]


def test_the_scheduler_command_queues_the_cases_timed_work():
    assert serve.scheduler_command(60)[1:] == ["-m", "oneseal", "cases", "scheduler", "--every", "60"]
    assert serve.scheduler_command(0.5)[-1] == "0.5"


def test_three_children_one_dying_stops_the_other_two():
    exits = []
    status = serve.run({"web": SLEEPER, "worker": SLEEPER,
                        "scheduler": [sys.executable, "-c", "import sys, time; time.sleep(0.3); sys.exit(2)"]},
                       on_exit=lambda name, code: exits.append((name, code)))
    assert (status, exits) == (2, [("scheduler", 2)])
