"""The bundles app's reactions to the child cases (and their licences), through the outbox.

Deliveries come at least once; each handler is idempotent by the state it moves (a part that is no
longer running is not approved again, a dependant that started is not started again), so a second
delivery of the same event changes nothing. A case that is no bundle's child is ignored.

Data mappings take a value from the source case's form (`form`) or from the `data` of the
`licenses.issued` event of the licence issued for the source case (`licence`, e.g. the credit code
on the business licence): a dependant that maps a licence value waits until that event arrives.
"""

from __future__ import annotations

from oneseal.kernel import events

from . import services

CASE_TOPICS = ["cases.accepted", "cases.deemed_accepted", "cases.approved", "cases.issued", "cases.denied",
               "cases.refused", "cases.withdrawn"]


@events.subscriber("bundles.children", topics=CASE_TOPICS)
def on_child_case(event, subscriber: str) -> None:
    case_id = event.payload.get("case")
    if case_id is None:
        return
    action = event.topic.removeprefix("cases.")
    at = event.occurred_at
    if action in ("accepted", "deemed_accepted"):
        services.part_accepted(case_id=case_id, at=at)
    elif action == "approved":
        services.part_approved(case_id=case_id, at=at)
    elif action == "issued":
        services.part_issued(case_id=case_id, at=at)
    else:
        reasons = event.payload.get("reasons") or event.payload.get("reason") or ""
        services.part_failed(case_id=case_id, outcome=action, reasons=str(reasons), at=at)


@events.subscriber("bundles.licences", topics=["licenses.issued"])
def on_licence_issued(event, subscriber: str) -> None:
    case_id = event.payload.get("case")
    if case_id is None:
        return
    services.licence_issued(case_id=case_id, data=dict(event.payload.get("data") or {}), at=event.occurred_at)
