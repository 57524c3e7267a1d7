"""A private, throw-away PostgreSQL cluster for benchmarks, and fresh databases on any server.

`private_cluster()` starts the machine's own PostgreSQL binaries (Debian's /usr/lib/postgresql/*/bin)
in a temporary directory on a free loopback port with trust authentication, yields its URL and stops
and deletes it afterwards. Run as root it drops to the `postgres` user, as initdb refuses root. The
URL names the loopback address; `private_cluster(socket=True)` names the cluster's Unix-domain socket
instead (the directory, percent-encoded, as the host: what Django and libpq do when HOST is empty
and the server is on the same machine, Debian's default).

`libpq_env(url)` gives the PGHOST/PGPORT/… variables for libpq programs (pgbench, psql) for such a URL.

`fresh_database(server_url, name)` creates an empty database on a server (the private cluster or the
one named by BENCH_PG_URL) and drops it afterwards, so a benchmark never touches existing data.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shlex
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from urllib.parse import quote, unquote, urlsplit, urlunsplit


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL could be started or reached; the message says why."""


def _pg_bin() -> str:
    dirs = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2].split(".")[0]))
    for directory in reversed(dirs):
        if os.access(os.path.join(directory, "initdb"), os.X_OK):
            return directory
    found = shutil.which("initdb")
    if found:
        return os.path.dirname(found)
    raise PostgresUnavailable("no PostgreSQL binaries (initdb) found under /usr/lib/postgresql/*/bin or on PATH")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run(argv: list[str], as_postgres: bool) -> None:
    if as_postgres:
        argv = ["su", "postgres", "-s", "/bin/sh", "-c", shlex.join(argv)]
    result = subprocess.run(argv, capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise PostgresUnavailable(f"{shlex.join(argv)} failed: {(result.stderr or result.stdout).strip()[-800:]}")


@contextlib.contextmanager
def private_cluster(socket: bool = False) -> Iterator[str]:
    """Start a private cluster and yield its superuser URL (postgres://postgres@127.0.0.1:PORT/postgres,
    or with the socket's directory as the host)."""
    bindir = _pg_bin()
    as_postgres = os.geteuid() == 0
    datadir = tempfile.mkdtemp(prefix="oneseal-bench-pg-")
    if as_postgres:
        shutil.chown(datadir, "postgres", "postgres")
    port = _free_port()
    started = False
    try:
        _run([f"{bindir}/initdb", "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8",
              "-D", datadir], as_postgres)
        # fsync off only speeds up loading the fixture; reads, which are what is timed, are unaffected.
        options = f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={datadir} -c fsync=off"
        _run([f"{bindir}/pg_ctl", "-D", datadir, "-l", f"{datadir}/server.log", "-w", "-o", options, "start"],
             as_postgres)
        started = True
        host = quote(datadir, safe="") if socket else "127.0.0.1"
        yield f"postgres://postgres@{host}:{port}/postgres"
    finally:
        if started:
            with contextlib.suppress(PostgresUnavailable, subprocess.TimeoutExpired):
                _run([f"{bindir}/pg_ctl", "-D", datadir, "-m", "fast", "-w", "stop"], as_postgres)
        shutil.rmtree(datadir, ignore_errors=True)


def libpq_env(url: str) -> dict[str, str]:
    """The libpq environment variables naming the server and database of `url` (a socket directory
    percent-encoded as the host, as Django's DATABASE_URL spells it, included)."""
    parts = urlsplit(url)
    # Not parts.hostname: it lowercases, and a socket's directory is a path (mkdtemp's names are mixed-case).
    host_port = parts.netloc.rpartition("@")[2]
    host = unquote(host_port.rpartition(":")[0] if parts.port else host_port)
    env = {"PGHOST": host or "127.0.0.1", "PGPORT": str(parts.port or 5432), "PGUSER": parts.username or "postgres",
           "PGDATABASE": parts.path.lstrip("/")}
    if parts.password:
        env["PGPASSWORD"] = unquote(parts.password)
    return env


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


@contextlib.contextmanager
def fresh_database(server_url: str, name: str) -> Iterator[str]:
    """Create database `name` on the server of `server_url`, yield its URL, drop it afterwards."""
    import psycopg

    def execute(sql: str) -> None:
        with psycopg.connect(server_url.replace("postgres://", "postgresql://", 1), autocommit=True,
                             connect_timeout=10) as conn:
            conn.execute(sql)

    try:
        execute(f'DROP DATABASE IF EXISTS "{name}"')
        execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as error:
        raise PostgresUnavailable(f"cannot create database {name}: {error}") from error
    try:
        yield _with_database(server_url, name)
    finally:
        with contextlib.suppress(psycopg.Error):
            execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
