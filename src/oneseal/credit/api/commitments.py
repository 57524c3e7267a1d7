"""`/api/v1/credit/commitments`: sign and apply on a commitment (告知承诺), read one, record its verification.

The API only translates HTTP: `selectors` scope every read to the caller (a commitment of somebody else
answers 404 like an unknown one), `services` decide and write. Applying by API is JSON only: it suits
items whose commitment replaces every required proof (otherwise the service answers 422 naming the
missing material; use the page, which takes uploads). Statuses: 401 no caller, 403 refused by policy
or by the applicant's credit, 404 unknown or invisible, 409 already recorded or concluded, 422 invalid.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Router, Schema, Status

from oneseal.accounts.tokens import api_auth
from oneseal.cases.models import Channel
from oneseal.catalog.models import ItemStatus, ServiceItem
from oneseal.kernel.errors import DomainError, PermissionDeniedError
from oneseal.kernel.schemas import ErrorOut

from ..models import Commitment, VerificationInspection
from ..selectors import commitments as selectors
from ..services import commitments as services

router = Router(tags=["credit"], auth=api_auth)

READ = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class NotFound(DomainError):
    status = 404


class SignIn(Schema):
    item: str = Field(..., max_length=40, description="the service item's code")
    project: str = Field("", max_length=200, description="for build-first (先建后验) items: the project")
    form_data: dict = Field(default_factory=dict, description="the item's application form")
    replaced: list[str] = Field(default_factory=list, max_length=50,
                                description="the proofs the commitment replaces (names from the item's list)")
    signer_name: str = Field(..., max_length=60)
    signer_id_number: str = Field(..., max_length=18)
    text_sha256: str = Field(..., max_length=64, description="SHA-256 (hex) of the commitment text shown to the "
                                                             "signer; a changed text is refused")


class InspectionOut(Schema):
    id: int
    due_by: dt.datetime
    inspectors: list[str] = Field(..., description="enforcement certificate numbers")
    outcome: str
    findings: str
    rectify_by: dt.datetime | None
    recorded_at: dt.datetime | None

    @staticmethod
    def from_inspection(inspection: VerificationInspection) -> dict:
        return {"id": inspection.pk, "due_by": inspection.due_by,
                "inspectors": [i.badge for i in inspection.inspectors.all()], "outcome": inspection.outcome,
                "findings": inspection.findings, "rectify_by": inspection.rectify_by,
                "recorded_at": inspection.recorded_at}


class CommitmentOut(Schema):
    id: int
    status: str
    item_code: str
    item_name: str
    case_number: str | None
    case_status: str | None
    subject: str
    subject_name: str
    mode: str
    project: str
    text: str
    text_sha256: str
    replaced: list[str]
    signer_name: str
    signed_at: dt.datetime
    channel: str
    construction_allowed_from: dt.datetime | None
    verify_by: dt.datetime
    concluded_at: dt.datetime | None
    inspections: list[InspectionOut]

    @staticmethod
    def from_commitment(commitment: Commitment) -> dict:
        case = commitment.case
        return {
            "id": commitment.pk, "status": commitment.status, "item_code": commitment.item.code,
            "item_name": commitment.item.name, "case_number": case.number if case else None,
            "case_status": case.status if case else None, "subject": commitment.subject.id_number,
            "subject_name": commitment.subject.name, "mode": commitment.mode, "project": commitment.project,
            "text": commitment.text, "text_sha256": commitment.text_sha256, "replaced": commitment.materials,
            "signer_name": commitment.signer_name, "signed_at": commitment.signed_at, "channel": commitment.channel,
            "construction_allowed_from": commitment.construction_allowed_from, "verify_by": commitment.verify_by,
            "concluded_at": commitment.concluded_at,
            "inspections": [InspectionOut.from_inspection(i) for i in selectors.inspections_of(commitment)],
        }


class OutcomeIn(Schema):
    outcome: str = Field(..., max_length=20, description="confirmed, fixable or false")
    findings: str = Field(..., max_length=4000)
    rectify_days: int | None = Field(None, ge=1, le=services.MAX_RECTIFY_DAYS,
                                     description="working days to rectify (fixable only)")


def _commitment_or_404(request: HttpRequest, pk: int) -> Commitment:
    commitment = selectors.commitment_for(request.user, pk)
    if commitment is None:
        raise NotFound("not_found", _("No commitment with id %(id)s."), field="id", id=pk)
    return commitment


@router.post("", response={201: CommitmentOut, **WRITE},
             summary="Sign the item's commitment and apply on it (告知承诺): approved at once, verification scheduled")
def sign_and_apply(request: HttpRequest, body: SignIn):
    applicant = getattr(request.user, "applicant", None)
    if applicant is None:
        raise PermissionDeniedError("forbidden", _("Only an applicant's own account signs a commitment."),
                                    field="actor")
    item = ServiceItem.objects.filter(code=body.item, status=ItemStatus.ACTIVE).first()
    if item is None:
        raise NotFound("not_found", _("No service item in force with the code %(code)s."), field="item",
                       code=body.item)
    commitment = services.sign_and_apply(
        actor=request.user, item=item, applicant=applicant, channel=Channel.ONLINE, form_data=body.form_data,
        replaced=body.replaced, project=body.project, signer_name=body.signer_name,
        signer_id_number=body.signer_id_number, text_shown_sha256=body.text_sha256)
    return Status(201, CommitmentOut.from_commitment(_commitment_or_404(request, commitment.pk)))


@router.get("/{commitment_id}", response={200: CommitmentOut, **READ},
            summary="One signed commitment: its applicant, its inspectors, or staff")
def commitment_detail(request: HttpRequest, commitment_id: int):
    return CommitmentOut.from_commitment(_commitment_or_404(request, commitment_id))


@router.post("/inspections/{inspection_id}/outcome", response={200: CommitmentOut, **WRITE},
             summary="Record a verification inspection (one of its drawn inspectors, once)")
def record_outcome(request: HttpRequest, inspection_id: int, body: OutcomeIn):
    inspection = selectors.verification_for(request.user, inspection_id)
    if inspection is None:
        raise NotFound("not_found", _("No verification inspection with id %(id)s for you."), field="id",
                       id=inspection_id)
    services.record_verification(actor=request.user, inspection=inspection, outcome=body.outcome,
                                 findings=body.findings, rectify_days=body.rectify_days)
    return CommitmentOut.from_commitment(_commitment_or_404(request, inspection.commitment_id))
