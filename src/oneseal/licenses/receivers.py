"""The licences app's reactions to the cases' domain events (the outbox delivers them at least once;
each handler is idempotent: a redelivered event issues or logs nothing twice)."""

from __future__ import annotations

from oneseal.kernel import events
from oneseal.kernel.event_models import DomainEvent


@events.subscriber("licenses.issue_on_approval", topics=["cases.approved"])
def issue_on_approval(event: DomainEvent, subscriber: str) -> None:
    """An approved case gets the licence its item produces (电子证照), in this delivery's transaction."""
    from .services import issue_for_approved_case

    issue_for_approved_case(case_id=int(event.payload["case"]), at=event.occurred_at)


@events.subscriber("licenses.revoke_with_case", topics=["cases.revoked"])
def revoke_with_case(event: DomainEvent, subscriber: str) -> None:
    """A revoked approval (a false commitment) takes its licences with it."""
    from .services import revoke_for_revoked_case

    revoke_for_revoked_case(case_id=int(event.payload["case"]), reason=str(event.payload.get("reason") or ""),
                            now=event.occurred_at)


@events.subscriber("licenses.log_reuse", topics=["cases.submitted"])
def log_reuse(event: DomainEvent, subscriber: str) -> None:
    """A submitted case that took materials from licences (免提交): one use per licence and material."""
    from .services import record_licence_uses

    record_licence_uses(case_id=int(event.payload["case"]))


def connect() -> None:
    """Importing this module registers the subscribers; called from the AppConfig's ready()."""
