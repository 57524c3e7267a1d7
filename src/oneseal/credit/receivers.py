"""The credit app's subscribers to other apps' domain events (registered by `CreditConfig.ready()`).

The outbox delivers at least once, so every handler is idempotent:
- `credit.regulator_penalty` (`sharing.finding_filed` of kind "penalty"): a `regulator_penalty` record on
  the finding's subject; its source is `finding:<id>`, so a redelivered event finds it and adds nothing;
- `credit.licence_holdings` (`licenses.issued|renewed|revoked|expired`): keeps `LicenceHolding` current
  for the random inspections' target pools. A revoked or expired licence stays invalid whatever
  arrives after it (a licence number is never valid again), so the order of redeliveries does not matter.
"""

from __future__ import annotations

import logging

from django.utils import timezone

from oneseal.kernel import events
from oneseal.kernel.errors import DomainError
from oneseal.kernel.event_models import DomainEvent

logger = logging.getLogger(__name__)

PENALTY_KIND = "regulator_penalty"


@events.subscriber("credit.regulator_penalty", topics=["sharing.finding_filed"])
def record_regulator_penalty(event: DomainEvent, subscriber: str) -> None:
    """A regulator's penalty finding (监管部门反馈的行政处罚) lands in the subject's credit record."""
    from oneseal.catalog.models import Department

    from .services.records import NewRecord, identify, record

    payload = event.payload
    if payload.get("kind") != "penalty":
        return
    number = str(payload.get("subject_id_number") or "").strip()
    try:
        identify(number, field="subject_id_number")
    except DomainError:
        logger.info("finding %s: no valid subject number (%r), no credit record", payload.get("finding"), number)
        return
    department = Department.objects.filter(pk=payload.get("department")).first()
    item = payload.get("case_number") or payload.get("licence_number") or ""
    title = f"行政处罚（{item}）" if item else "行政处罚"
    record(actor=None, authorised=True, now=event.occurred_at, new=NewRecord(
        id_number=number, subject_name=str(payload.get("subject_name") or number)[:200], kind=PENALTY_KIND,
        title=title[:200], facts=str(payload.get("text") or "").strip()[:4000] or title,
        authority=(department.name if department else str(payload.get("department") or ""))[:200] or "—",
        decided_on=timezone.localtime(event.occurred_at).date(),
        legal_basis=str(payload.get("legal_basis") or "")[:500],
        department_id=department.pk if department else None,
        source_ref=f"finding:{payload.get('finding')}"))


VALID_TOPICS = ("licenses.issued", "licenses.renewed")
INVALID_TOPICS = ("licenses.revoked", "licenses.expired")


@events.subscriber("credit.licence_holdings", topics=[*VALID_TOPICS, *INVALID_TOPICS])
def keep_licence_holding(event: DomainEvent, subscriber: str) -> None:
    """Who holds which licence (the target pools of 双随机 plans), from the licences' events."""
    from oneseal.cases.models import Applicant

    from .models import LicenceHolding

    payload = event.payload
    number = str(payload.get("number") or "")[:80]
    id_number = str(payload.get("holder_id_number") or "")[:18]
    if not number or not id_number:
        logger.info("licence event %s without number or holder: no holding kept", event.id)
        return
    valid = event.topic in VALID_TOPICS
    holding = LicenceHolding.objects.select_for_update().filter(number=number).first()
    if holding is None:
        holder = Applicant.objects.filter(pk=payload.get("holder")).values_list("name", flat=True).first()
        LicenceHolding.objects.create(number=number, licence_type=str(payload.get("type") or "")[:60],
                                      id_number=id_number, holder_name=(holder or id_number)[:200], valid=valid,
                                      updated_at=event.occurred_at)
    elif holding.valid and not valid:
        holding.valid, holding.updated_at = False, event.occurred_at
        holding.save(update_fields=["valid", "updated_at"])


def connect() -> None:
    """Importing this module registers the subscribers; called from the AppConfig's ready()."""
