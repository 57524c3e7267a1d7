"""The HTTP side shared by the benchmarks that time the API over gunicorn (track.py, licences.py).

`bench_application()` is the WSGI application a benchmark module hands gunicorn (through a PEP 562
module `__getattr__("application")`): the project's API plus a tiny reference endpoint,
`GET /api/v1/_bench/ping`, that only these benchmarks mount. `gunicorn()` runs it on a free loopback
port until the ping answers; `request()` is one raw-socket GET, as the open-loop clients send them.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PING = "/api/v1/_bench/ping"


def bench_application():
    """The project's WSGI application (oneseal.wsgi) with the ping endpoint mounted; expected 4xx answers
    are not logged."""
    import logging

    import django

    django.setup()
    logging.getLogger("django.request").setLevel(logging.ERROR)
    from ninja import Router

    from oneseal.api import api

    ping = Router(tags=["benchmark"])

    @ping.get("/ping", auth=None, include_in_schema=False)
    def _ping(request):
        return {"ok": True}

    api.add_router("/_bench", ping)
    from oneseal.wsgi import application  # the product's own entry point (URLconf loaded, gc frozen)

    return application


def server_env(var: str, database_url: str | None) -> dict[str, str]:
    """The server's environment: its own ONESEAL_VAR, the database (SQLite under it when None)."""
    env = {**os.environ, "ONESEAL_VAR": var, "DEBUG": "0", "LOG_LEVEL": "ERROR",
           "ALLOWED_HOSTS": "127.0.0.1,localhost", "DJANGO_SETTINGS_MODULE": "oneseal.settings",
           "PYTHONPATH": str(ROOT / "src")}
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def request(port: int, path: str, timeout: float) -> tuple[int, bytes]:
    """One GET on a new connection; (status, the whole answer)."""
    reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), timeout)
    try:
        writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
        data = await asyncio.wait_for(reader.read(-1), timeout)
    finally:
        writer.close()
        with contextlib.suppress(Exception):
            await writer.wait_closed()
    status = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/") else 0
    return status, data


@contextlib.contextmanager
def gunicorn(app: str, env: dict[str, str], workers: int, threads: int = 1) -> Iterator[int]:
    """Serve `app` ("module:application" under benchmarks/) on a free loopback port; yield the port
    once the ping answers 200; stop the server at the end."""
    port = free_port()
    argv = [sys.executable, "-m", "gunicorn", "--chdir", str(ROOT / "benchmarks"), "-b", f"127.0.0.1:{port}",
            "-w", str(workers), "--backlog", "2048", "--log-level", "warning", "--timeout", "30"]
    if threads > 1:
        argv += ["-k", "gthread", "--threads", str(threads)]
    proc = subprocess.Popen([*argv, app], env=env, cwd=ROOT, start_new_session=True)
    try:
        deadline = time.time() + 60
        while True:
            try:
                if asyncio.run(request(port, PING, 2))[0] == 200:
                    break
            except OSError:
                pass
            if proc.poll() is not None or time.time() > deadline:
                raise RuntimeError("gunicorn did not come up")
            time.sleep(0.3)
        yield port
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
