"""Webhook deliveries of pushes to the regulators' own systems: signing and sending.

Each delivery is one HTTP POST of the push as JSON with three headers:

    X-OneSeal-Event-Id:   the id of the `sharing.push_created` event — receivers deduplicate by it
    X-OneSeal-Timestamp:  Unix seconds when the request was signed
    X-OneSeal-Signature:  sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>

A 2xx answer is a delivery. Anything else — another status, a refused connection, no answer within
`ONESEAL_WEBHOOK_TIMEOUT` seconds (default 5) — raises `WebhookFailed`, and the outbox retries that
delivery with exponential backoff while the others go on. Delivery is at least once. A receiver that
timed out or refused the connection is not tried again for `ONESEAL_WEBHOOK_COOLDOWN` seconds (default
30) by this worker: its other deliveries fail at once and wait for their retry, so one stalled receiver
costs a batch one timeout, not one per push.

Connections are kept alive per worker thread (one per host), so a busy worker does not pay a TCP
handshake per push; a connection the receiver closed while idle is reopened once, transparently (the
repeat is harmless: receivers deduplicate).
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import socket
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

SIGNATURE_HEADER = "X-OneSeal-Signature"
TIMESTAMP_HEADER = "X-OneSeal-Timestamp"
EVENT_ID_HEADER = "X-OneSeal-Event-Id"
USER_AGENT = "OneSeal-Webhook/1"


class WebhookFailed(Exception):
    """The receiver did not take the delivery; the outbox will retry it."""


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """`sha256=<hex>` of HMAC-SHA256(secret, timestamp + "." + body)."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def timeout() -> float:
    return float(getattr(settings, "ONESEAL_WEBHOOK_TIMEOUT", 5.0))


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes


_local = threading.local()


def _connection(scheme: str, host: str, port: int, seconds: float) -> tuple[http.client.HTTPConnection, bool]:
    """A kept-alive connection to (scheme, host, port) for this thread, and whether it was reused."""
    pool: dict = _local.__dict__.setdefault("pool", {})
    key = (scheme, host, port)
    conn = pool.get(key)
    if conn is not None:
        conn.timeout = seconds
        if conn.sock is not None:
            conn.sock.settimeout(seconds)
        return conn, True
    cls = http.client.HTTPSConnection if scheme == "https" else http.client.HTTPConnection
    conn = cls(host, port, timeout=seconds)
    pool[key] = conn
    return conn, False


def _drop(scheme: str, host: str, port: int) -> None:
    conn = _local.__dict__.get("pool", {}).pop((scheme, host, port), None)
    if conn is not None:
        conn.close()


def close_connections() -> None:
    """Close this thread's kept-alive connections (tests; a worker simply exits)."""
    for conn in _local.__dict__.pop("pool", {}).values():
        conn.close()


# Receivers that did not answer in time or refused the connection, until when they are not tried again:
# the deliveries after the first one in a batch fail at once (and are retried with backoff) instead of
# each holding up the batch for the full timeout.
_unreachable: dict[tuple[str, str, int], float] = {}


def cooldown() -> float:
    return float(getattr(settings, "ONESEAL_WEBHOOK_COOLDOWN", 30.0))


def _mark_unreachable(key: tuple[str, str, int]) -> None:
    _unreachable[key] = time.monotonic() + cooldown()


def forget_unreachable() -> None:
    """Try every receiver again at once (tests; an operator after fixing a receiver restarts the worker)."""
    _unreachable.clear()


def post(url: str, secret: str, event_id: str, body: bytes, *, now: float | None = None) -> Answer:
    """Sign and POST `body` to `url`; return the answer if it is 2xx, else raise WebhookFailed."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise WebhookFailed(f"not an http(s) URL: {parts.scheme}://{parts.hostname}")
    port = parts.port or (443 if scheme == "https" else 80)
    key = (scheme, parts.hostname, port)
    if _unreachable.get(key, 0.0) > time.monotonic():
        raise WebhookFailed(f"{parts.hostname}:{port} did not answer a moment ago; not tried again for "
                            f"up to {cooldown():g} s")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    stamp = str(int(now if now is not None else time.time()))
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        EVENT_ID_HEADER: event_id,
        TIMESTAMP_HEADER: stamp,
        SIGNATURE_HEADER: signature(secret, stamp, body),
    }
    seconds = timeout()
    for attempt in (1, 2):
        conn, reused = _connection(scheme, parts.hostname, port, seconds)
        try:
            conn.request("POST", path, body=body, headers=headers)
            response = conn.getresponse()
            answer = Answer(response.status, response.read(64 * 1024))
            if response.will_close:
                _drop(scheme, parts.hostname, port)
            break
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as error:
            _drop(scheme, parts.hostname, port)
            if reused and attempt == 1:
                continue  # the receiver closed an idle kept-alive connection: open a new one
            raise WebhookFailed(f"{type(error).__name__} from {parts.hostname}:{port}") from None
        except TimeoutError:
            _drop(scheme, parts.hostname, port)
            _mark_unreachable(key)
            raise WebhookFailed(f"no answer from {parts.hostname}:{port} within {seconds:g} s") from None
        except (OSError, http.client.HTTPException) as error:
            _drop(scheme, parts.hostname, port)
            if isinstance(error, ConnectionRefusedError | socket.gaierror):
                _mark_unreachable(key)
            raise WebhookFailed(f"{type(error).__name__} from {parts.hostname}:{port}: {error}") from None
    if not 200 <= answer.status < 300:
        raise WebhookFailed(f"{parts.hostname}:{port} answered {answer.status}")
    return answer
