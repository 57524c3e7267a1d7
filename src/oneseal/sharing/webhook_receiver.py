"""A reference webhook receiver for regulators' systems, and the one the tests and the benchmark run.

`verify_signature()` is what a receiver must do with each request (any language, same steps):
recompute HMAC-SHA256(secret, timestamp + "." + raw body), compare it in constant time with the
`X-OneSeal-Signature` header, and refuse a timestamp older (or newer) than the tolerance, so a captured
request cannot be replayed later. Then deduplicate by `X-OneSeal-Event-Id`: delivery is at least once.

`Receiver` is a small deduplicating HTTP server (stdlib, HTTP/1.1 keep-alive) on 127.0.0.1: it counts
requests, distinct events and duplicates, and can be told to fail (answer 500) or stall for the tests.
Run it as a process for the benchmark:

    python -m oneseal.sharing.webhook_receiver --port 8765 --secret S
    curl http://127.0.0.1:8765/stats        → {"requests": …, "received": …, "duplicates": …, "rejected": …}

Answering `{"claim": true}` to a delivery claims the push for the endpoint's owner (docs/sharing.md);
`Receiver(claim=True)` does so.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SIGNATURE_HEADER = "X-OneSeal-Signature"
TIMESTAMP_HEADER = "X-OneSeal-Timestamp"
EVENT_ID_HEADER = "X-OneSeal-Event-Id"
DEFAULT_TOLERANCE = 300  # seconds


def verify_signature(secret: str, timestamp: str, body: bytes, header: str,
                     tolerance: float = DEFAULT_TOLERANCE, *, now: float | None = None) -> bool:
    """True if `header` is `sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>` and the timestamp
    is within `tolerance` seconds of now. Constant-time comparison; any malformed input is False."""
    try:
        stamp = int(timestamp)
    except (TypeError, ValueError):
        return False
    current = time.time() if now is None else now
    if abs(current - stamp) > tolerance:
        return False
    if not isinstance(header, str) or not header.startswith("sha256="):
        return False
    expected = hmac.new(secret.encode(), str(stamp).encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), header[len("sha256="):].strip().encode())


class Receiver:
    """A deduplicating webhook receiver on 127.0.0.1 (a thread; `serve_forever` for a process).

    fail_first: answer 500 to the first N requests; stall_seconds: sleep this long before answering the
    first `stall_count` requests; secret: verify signatures (401 when wrong); claim: answer
    {"claim": true}; idle_timeout: close a kept-alive connection idle this long.
    """

    def __init__(self, *, secret: str | None = None, port: int = 0, fail_first: int = 0,
                 stall_seconds: float = 0.0, stall_count: int = 0, claim: bool = False,
                 tolerance: float = DEFAULT_TOLERANCE, idle_timeout: float | None = None) -> None:
        self.secret, self.tolerance, self.claim = secret, tolerance, claim
        self.fail_left, self.stall_seconds, self.stall_left = fail_first, stall_seconds, stall_count
        self.seen: set[str] = set()
        self.bodies: list[dict] = []
        self.requests = self.duplicates = self.rejected = self.failed = self.incomplete = 0
        self.lock = threading.Lock()
        self.idle_timeout = idle_timeout
        self.server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self.server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    @property
    def received(self) -> int:
        return len(self.seen)

    def stats(self) -> dict:
        with self.lock:
            return {"requests": self.requests, "received": len(self.seen), "duplicates": self.duplicates,
                    "rejected": self.rejected, "failed": self.failed, "incomplete": self.incomplete}

    def _take(self, event_id: str, timestamp: str, signature: str, body: bytes) -> tuple[int, dict]:
        """Decide the answer to one delivery (status, JSON)."""
        stall = 0.0
        with self.lock:
            self.requests += 1
            if self.stall_left > 0:
                self.stall_left -= 1
                stall = self.stall_seconds
        if stall:
            time.sleep(stall)
            return 200, {"ok": True}  # too late: the sender has given up on this request
        with self.lock:
            if self.secret is not None and not verify_signature(self.secret, timestamp, body, signature,
                                                                self.tolerance):
                self.rejected += 1
                return 401, {"error": "bad signature"}
            if self.fail_left > 0:
                self.fail_left -= 1
                self.failed += 1
                return 500, {"error": "receiver is down"}
            if not event_id:
                self.rejected += 1
                return 400, {"error": "no event id"}
            if event_id in self.seen:
                self.duplicates += 1
                return 200, {"ok": True, "duplicate": True}
            self.seen.add(event_id)
            if len(self.bodies) < 1000:
                try:
                    self.bodies.append(json.loads(body))
                except ValueError:
                    self.bodies.append({})
        return 200, {"ok": True, "claim": True} if self.claim else {"ok": True}

    def _handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive
            disable_nagle_algorithm = True  # headers and body leave at once (no 40 ms delayed-ACK stall)
            timeout = receiver.idle_timeout  # close a connection idle this long (None: never)

            def log_message(self, *args) -> None:  # quiet
                pass

            def _answer(self, status: int, data: dict) -> None:
                out = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            def do_GET(self) -> None:
                if self.path.startswith("/stats"):
                    self._answer(200, receiver.stats())
                else:
                    self._answer(404, {"error": "not found"})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                if len(body) < length:  # the sender died mid-request: nothing was delivered
                    with receiver.lock:
                        receiver.incomplete += 1
                    self.close_connection = True
                    return
                status, data = receiver._take(self.headers.get(EVENT_ID_HEADER, ""),
                                              self.headers.get(TIMESTAMP_HEADER, ""),
                                              self.headers.get(SIGNATURE_HEADER, ""), body)
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self._answer(status, data)

        return Handler

    def start(self) -> Receiver:
        self._thread = threading.Thread(target=self.server.serve_forever, name="webhook-receiver", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> Receiver:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description="A deduplicating OneSeal webhook receiver on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--secret", default=None, help="verify signatures with this secret")
    args = parser.parse_args()
    receiver = Receiver(secret=args.secret, port=args.port)
    print(json.dumps({"url": receiver.url}), flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        receiver.server.serve_forever()


if __name__ == "__main__":
    main()
