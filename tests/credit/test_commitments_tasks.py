"""The periodic task that flags overdue commitment verifications, and the commitment life cycle as a table."""

import datetime as dt

import pytest
from django.utils import timezone

from oneseal.credit.models import CommitmentStatus, VerificationOutcome
from oneseal.credit.services import commitments as svc
from oneseal.credit.tasks import flag_overdue_verifications_task
from oneseal.kernel.models import AuditEntry
from tests.credit.commitments_support import (
    _commitment_files,  # noqa: F401  (fixture)
    cw_fixture,  # noqa: F401  (the fixture `cw`)
    inspector_user,
    sign,
)

pytestmark = pytest.mark.django_db


def test_the_task_flags_what_is_overdue_now_and_only_once(cw):
    overdue = sign(cw)  # signed in March: long overdue
    fresh = sign(cw, now=timezone.now() - dt.timedelta(hours=1), project="二期")
    assert flag_overdue_verifications_task.call() == {"flagged": 1}
    assert flag_overdue_verifications_task.call() == {"flagged": 0}
    flagged = AuditEntry.objects.filter(action=svc.OVERDUE_TOPIC).values_list("target_id", flat=True)
    assert list(flagged) == [str(overdue.inspections.get().pk)]
    assert fresh.inspections.get().recorded_at is None


@pytest.mark.parametrize("outcome, status, concluded, follow_up", [
    (VerificationOutcome.CONFIRMED, CommitmentStatus.CONFIRMED, True, False),
    (VerificationOutcome.FIXABLE, CommitmentStatus.RECTIFYING, False, True),
    (VerificationOutcome.FALSE, CommitmentStatus.FALSE, True, False),
])
def test_each_outcome_moves_the_commitment_as_the_table_says(cw, outcome, status, concluded, follow_up):
    commitment = sign(cw)
    inspection, inspector = inspector_user(commitment)
    svc.record_verification(actor=inspector, inspection=inspection, outcome=outcome, findings="核查记录。",
                            rectify_days=5 if outcome == VerificationOutcome.FIXABLE else None)
    commitment.refresh_from_db()
    assert svc.OUTCOME_STATUS[outcome] == status == commitment.status
    assert (commitment.concluded_at is not None) == concluded
    assert commitment.inspections.filter(recorded_at__isnull=True).exists() == follow_up


@pytest.mark.parametrize("closed", [CommitmentStatus.CONFIRMED, CommitmentStatus.FALSE])
def test_a_concluded_commitment_takes_no_more_verification(cw, closed):
    commitment = sign(cw)
    inspection, inspector = inspector_user(commitment)
    commitment.status = closed  # e.g. concluded through another inspection
    commitment.save(update_fields=["status"])
    with pytest.raises(svc.Conflict) as info:
        svc.record_verification(actor=inspector, inspection=inspection, outcome="confirmed", findings="一致。")
    assert info.value.code == "commitment_closed"
