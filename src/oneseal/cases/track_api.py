"""`GET /api/v1/track?number=…&id=…`: public tracking of a case by its number AND its applicant's
ID number or credit code (issue 3, item 9).

No sign-in. A wrong pair answers exactly like an unknown number (same status, same body, the same one
query), so the endpoint cannot tell anyone which numbers exist. The answer shows the status, the legal
clock (due time, remaining time, paused), every step of the timeline with its time, and the procedure
with the BPMN ids of its current steps, to highlight in the diagram the tracking page draws. It never
shows the applicant's name, ID, materials or the notes of the timeline.

Four indexed queries: the case (with its item, applicant and hall) by number and ID, its clock pauses,
its timeline and its open steps (`CaseTask`, kept in step with the workflow by the services, so the
stored workflow state is never deserialised here).
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema, Status

from oneseal.kernel.errors import DomainError
from oneseal.kernel.schemas import ErrorOut

from . import clock, selectors
from .models import CaseStatus
from .timeline import EVENT_LABELS

router = Router(tags=["tracking"])


class TrackQuery(Schema):
    number: str = Field(..., min_length=1, max_length=30, description="the case number, e.g. 420683-20261125-00042")
    id: str = Field(..., min_length=1, max_length=18,
                    description="the applicant's citizen ID number or unified social credit code")


class TrackStepOut(Schema):
    at: dt.datetime
    action: str
    label: str
    status_after: str


class TrackOut(Schema):
    number: str
    status: str
    status_label: str
    item: str = Field(description="service item code")
    item_name: str
    submitted_at: dt.datetime
    accepted_at: dt.datetime | None
    due_at: dt.datetime | None = Field(description="null before acceptance and while the clock is stopped")
    due_provisional: bool = Field(description="true while the working-day calendar of the due year is provisional")
    remaining: int | None = Field(description="time left in `remaining_unit`; negative when overdue; null "
                                              "before acceptance and after the decision")
    remaining_unit: str
    paused: bool
    overdue: bool
    closed_at: dt.datetime | None
    procedure: str = Field(description="the BPMN procedure of the case's item version")
    current_steps: list[str] = Field(description="BPMN ids of the steps waiting to be done, to highlight")
    steps: list[TrackStepOut] = Field(description="every step of the case, oldest first")


def _not_found() -> dict:
    # The same body for an unknown number and for a wrong pair: nothing to enumerate.
    return DomainError("not_found", _("No case with this number and ID."), field="number").as_dict()


@router.get("", response={200: TrackOut, 404: ErrorOut, 422: ErrorOut}, auth=None,
            summary="Track a case by its number and the applicant's ID (public)")
def track(request: HttpRequest, response: HttpResponse, query: Query[TrackQuery]):
    add_never_cache_headers(response)
    case = selectors.track(query.number, query.id)
    if case is None:
        return Status(404, _not_found())

    reading = clock.compute(clock.clock_of(case))
    running = reading.started and case.decided_at is None and case.closed_at is None
    current = list(case.tasks.filter(completed_at__isnull=True).order_by("ready_at", "id")
                   .values_list("spec_name", flat=True))
    # values_list: model instances from a related manager would fetch each deferred case_id again.
    steps = [{"at": at, "action": action, "label": str(EVENT_LABELS.get(action, action)), "status_after": after}
             for at, action, after in selectors.timeline(case).values_list("at", "action", "status_after")]
    return {
        "number": case.number, "status": case.status, "status_label": str(CaseStatus(case.status).label),
        "item": case.item.code, "item_name": case.item.name,
        "submitted_at": case.submitted_at, "accepted_at": case.accepted_at,
        "due_at": reading.due_at if reading.started else case.due_at,
        "due_provisional": reading.provisional if reading.started else case.due_provisional,
        # After the decision (or the end of the case) the clock no longer runs: nothing remains.
        "remaining": reading.remaining if running else None, "remaining_unit": reading.unit,
        "paused": reading.paused if running else False, "overdue": reading.overdue if running else False,
        "closed_at": case.closed_at, "procedure": case.procedure, "current_steps": current, "steps": steps,
    }
