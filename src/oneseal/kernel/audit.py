"""The hash-chained audit log.

`record()` appends one entry inside the caller's transaction, so a command and its audit entry
commit or roll back together. Appends are serialised by a transaction-scoped advisory lock (PostgreSQL)
or by SQLite's single writer; the unique `seq` column would make a lost race fail instead of forking.
On PostgreSQL the whole append — lock, head, hash and insert — is one call of the function
`oneseal_audit_append` (migration kernel 0006): Python sends the canonical JSON cut around `prev` and `seq`,
the database fills them in and hashes, so `verify_chain` recomputes the same hash in Python.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import rows
from .models import AuditEntry

GENESIS = "0" * 64


def _canonical(entry: AuditEntry) -> bytes:  # `_split_canonical` must cut exactly this
    body = {
        "seq": entry.seq,
        "at": entry.at.isoformat(),
        "actor": entry.actor_id,
        "actor_label": entry.actor_label,
        "action": entry.action,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "data": entry.data,
        "prev": entry.prev_hash,
    }
    return _dumps(body).encode()


def entry_hash(entry: AuditEntry) -> str:
    return hashlib.sha256(_canonical(entry)).hexdigest()


AUDIT_LOCK_KEY = 0x0A5E_A1  # one advisory lock for the whole chain


def _head() -> tuple[int, str] | None:
    """The chain's head (seq, hash) on SQLite, which runs one writer at a time (transactions begin
    IMMEDIATE), so reading it is enough.

    PostgreSQL needs more: locking the newest row is not enough (a waiter re-checks only the row it waited
    for, still sees it as the newest, and takes a sequence number that is already used). There the append
    function takes a transaction-scoped advisory lock and reads the head with a fresh snapshot (inside a
    VOLATILE function), which sees the other transaction's entry.
    """
    head = AuditEntry.objects.order_by("-seq").values_list("seq", "hash").first()
    return (head[0], head[1]) if head else None


def _split_canonical(entry: AuditEntry) -> tuple[str, str]:
    """The canonical JSON of `entry` (see `_canonical`) without `prev` and `seq`, cut where they go: the
    keys sort as action, actor, actor_label, at, data, **prev, seq**, target_id, target_type."""
    before = {"action": entry.action, "actor": entry.actor_id, "actor_label": entry.actor_label,
              "at": entry.at.isoformat(), "data": entry.data}
    after = {"target_id": entry.target_id, "target_type": entry.target_type}
    return _dumps(before)[:-1] + ",", _dumps(after)[1:]


def _dumps(value: dict[str, Any]) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


_APPEND = ("SELECT new_id, new_seq, new_prev, new_hash FROM oneseal_audit_append(%s, %s, %s, %s, %s, %s, %s, "
           "%s::jsonb, %s, %s, %s)")


def record(*, actor: Any, action: str, target: Any = None, data: dict[str, Any] | None = None,
           writes: rows.Batch = rows.NOW) -> AuditEntry:
    """Append an audit entry. Must run inside the command's transaction. With a batch (`writes`), on
    PostgreSQL the append goes with the batch's other writes and the entry's number and hash are not
    read back."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("audit.record() must be called inside transaction.atomic()")
    user = actor if getattr(actor, "pk", None) and getattr(actor, "is_authenticated", False) else None
    entry = AuditEntry(
        at=timezone.now(),
        actor=user,
        actor_label=(user.get_username() if user else str(actor or "system"))[:150],
        action=action,
        target_type=target._meta.label if target is not None and hasattr(target, "_meta") else "",
        target_id=str(getattr(target, "pk", "") or "") if target is not None else "",
        data=json.loads(json.dumps(data or {}, default=str, ensure_ascii=False)),
    )
    if connection.vendor == "postgresql":  # lock, head, hash and insert in one call (migration kernel 0006)
        before, after = _split_canonical(entry)
        params = [AUDIT_LOCK_KEY, entry.at, entry.actor_id, entry.actor_label, entry.action, entry.target_type,
                  entry.target_id, json.dumps(entry.data, ensure_ascii=False), before, after, GENESIS]
        if not writes.immediate:
            writes.execute(_APPEND, params)
            return entry
        entry.pk, entry.seq, entry.prev_hash, entry.hash = rows.fetch(_APPEND, params)[0]
        entry._state.adding = False
        return entry
    head = _head()
    entry.seq = (head[0] + 1) if head else 1
    entry.prev_hash = head[1] if head else GENESIS
    entry.hash = entry_hash(entry)
    entry.save(force_insert=True)
    return entry


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    first_broken: int | None = None
    reason: str = ""


def verify_chain(batch_size: int = 5000) -> VerifyResult:
    """Recompute every hash; report the first entry that does not match."""
    prev = GENESIS
    checked = 0
    expected_seq = 1
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=batch_size):
        if entry.seq != expected_seq:
            return VerifyResult(False, checked, entry.seq, _("sequence gap: expected %(seq)s") % {"seq": expected_seq})
        if entry.prev_hash != prev:
            return VerifyResult(False, checked, entry.seq, _("previous-hash link broken"))
        if entry_hash(entry) != entry.hash:
            return VerifyResult(False, checked, entry.seq, _("content does not match its hash"))
        prev = entry.hash
        checked += 1
        expected_seq += 1
    return VerifyResult(True, checked)
