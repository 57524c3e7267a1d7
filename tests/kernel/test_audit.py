import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import translation

from oneseal.kernel import audit, rows
from oneseal.kernel.models import AuditEntry

pytestmark = pytest.mark.django_db


def _append(n: int) -> None:
    for i in range(n):
        with transaction.atomic():
            audit.record(actor=None, action="test.thing", data={"i": i, "名称": "事项"})


def test_entries_chain_to_each_other():
    _append(3)
    entries = list(AuditEntry.objects.order_by("seq"))
    assert [e.seq for e in entries] == [1, 2, 3]
    assert entries[0].prev_hash == audit.GENESIS
    assert entries[1].prev_hash == entries[0].hash and entries[2].prev_hash == entries[1].hash
    assert audit.verify_chain().ok


def test_entries_queued_in_a_batch_join_the_chain_when_it_is_sent():
    _append(1)
    with transaction.atomic():
        writes = rows.Batch()
        audit.record(actor=None, action="test.batched", data={"n": 1}, writes=writes)
        audit.record(actor=None, action="test.batched", data={"n": 2}, writes=writes)
        writes.flush()
    _append(1)
    entries = list(AuditEntry.objects.order_by("seq").values_list("seq", "action"))
    assert entries == [(1, "test.thing"), (2, "test.batched"), (3, "test.batched"), (4, "test.thing")]
    assert audit.verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_record_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError):
        audit.record(actor=None, action="test.thing")


def test_an_entry_rolled_back_with_its_command_leaves_no_trace():
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        audit.record(actor=None, action="test.thing")
        1 / 0  # noqa: B018
    assert not AuditEntry.objects.exists()


def test_verify_names_the_first_edited_entry():
    _append(5)
    AuditEntry.objects.filter(seq=3).update(data={"i": 99})
    result = audit.verify_chain()
    assert (result.ok, result.first_broken, result.checked) == (False, 3, 2)


def test_verify_detects_a_deleted_entry():
    _append(4)
    AuditEntry.objects.filter(seq=2).delete()
    result = audit.verify_chain()
    assert (result.ok, result.first_broken) == (False, 3)


def test_verify_detects_a_rewritten_chain_tail():
    _append(3)
    last = AuditEntry.objects.get(seq=3)
    last.action = "test.other"
    last.hash = audit.entry_hash(last)  # the forger recomputes this entry's own hash …
    last.save()
    assert audit.verify_chain().ok  # … which is consistent until the next entry is checked
    _append(1)
    AuditEntry.objects.filter(seq=2).update(action="test.forged")
    assert audit.verify_chain().first_broken == 2


def test_audit_verify_command(capsys):
    _append(2)
    with translation.override("en"):
        call_command("audit", "verify")
    assert "2 entries" in capsys.readouterr().out
    AuditEntry.objects.filter(seq=1).update(action="forged")
    with translation.override("en"), pytest.raises(CommandError, match="#1"):
        call_command("audit", "verify")


def test_every_kind_of_entry_hashes_as_verify_recomputes_it(user_in_role):
    """On PostgreSQL the database computes the hash (oneseal_audit_append); it must be the one
    `entry_hash` recomputes from the stored row, whatever the actor, target and data hold."""
    from oneseal.accounts.roles import RoleCode

    user = user_in_role(RoleCode.APPROVER, "审批员")
    data = {"名称": "事项 “引号” \\ 反斜杠", "n": 3, "x": 1.5, "none": None, "list": [1, "二", {"z": True}],
            "nested": {"b": 2, "a": "é"}, "empty": ""}
    with transaction.atomic():
        first = audit.record(actor=user, action="test.full", target=user, data=data)
        audit.record(actor="scheduler", action="test.system")
        audit.record(actor=None, action="test.empty", data={})
    stored = AuditEntry.objects.get(seq=first.seq)
    assert stored.hash == first.hash == audit.entry_hash(stored)
    assert (stored.actor_id, stored.target_type, stored.data) == (user.pk, user._meta.label, data)
    assert audit.verify_chain().ok
