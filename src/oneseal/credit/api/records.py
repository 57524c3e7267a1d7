"""`/api/v1/credit/`: subjects' credit and records (docs/credit.md).

- `GET /subjects/{id_number}`: the public part (公示) for anyone, the internal part too for staff
  (a bearer token or a signed-in session identifies the caller; nobody needs one for the public part);
- `GET /subjects/{id_number}/restrictions?scope=`: the joint-punishment measures binding the subject now
  (staff);
- `POST /records`: record a breach of trust (a credit officer, or a regulator for its own department);
- `POST /records/{number}/lift`: lift a record with a reason.

Statuses: 401 no caller where one is needed, 403 refused by policy, 404 unknown or invisible, 409 not
allowed in the current state, 422 invalid input.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema, Status

from oneseal.accounts.tokens import BearerTokenAuth, api_auth
from oneseal.catalog.models import Department
from oneseal.kernel.errors import DomainError
from oneseal.kernel.schemas import ErrorOut

from .. import checks, policy
from ..models import CreditRecord, MeasureScope
from ..selectors import records as selectors
from ..services import records as services

router = Router(tags=["credit"])

READ = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    status = 409


def _optional_caller(request: HttpRequest):
    """The caller if a bearer token or a session says who it is, else the anonymous public. A token that
    is sent but wrong is still refused (401)."""
    if request.headers.get("Authorization"):
        user = BearerTokenAuth()(request)
        if user is not None:
            return user
    return request.user if request.user.is_authenticated else AnonymousUser()


# -- schemas ---------------------------------------------------------------------------------------

class MeasureOut(Schema):
    code: str
    name: str
    name_en: str
    scope: str
    effect: str


class RepairOut(Schema):
    id: int
    status: str
    requested_at: dt.datetime
    decided_at: dt.datetime | None
    decision_reason: str


class RecordOut(Schema):
    number: str
    id_number: str
    kind: str
    kind_name: str
    source: str
    severity: str
    title: str
    facts: str
    legal_basis: str
    authority: str
    decided_on: dt.date
    effective_from: dt.datetime
    effective_until: dt.datetime | None
    state: str = Field(..., description="in_effect, pending, expired, repaired or lifted")
    public: bool | None = Field(None, description="internal part only")
    status: str | None = Field(None, description="internal part only: active, repaired, lifted")
    ended_at: dt.datetime | None = None
    ended_reason: str | None = None
    source_ref: str | None = None
    department: str | None = Field(None, description="internal part only: department code")
    measures: list[MeasureOut] | None = None
    repairs: list[RepairOut] | None = None

    @staticmethod
    def of(row: CreditRecord, *, internal: bool, shown_number: str) -> dict:
        out = {
            "number": row.number, "id_number": shown_number, "kind": row.kind.code, "kind_name": row.kind.name,
            "source": row.source, "severity": row.severity, "title": row.title, "facts": row.facts,
            "legal_basis": row.legal_basis, "authority": row.authority, "decided_on": row.decided_on,
            "effective_from": row.effective_from, "effective_until": row.effective_until,
            "state": getattr(row, "state", None) or selectors.record_state(row),
        }
        if internal:
            out.update({
                "public": row.public, "status": row.status, "ended_at": row.ended_at,
                "ended_reason": row.ended_reason, "source_ref": row.source_ref,
                "department": row.department.code if row.department_id else None,
                "measures": [{"code": m.code, "name": m.name, "name_en": m.name_en, "scope": m.scope,
                              "effect": m.effect} for m in row.kind.measures.all()],
                "repairs": [{"id": r.pk, "status": r.status, "requested_at": r.requested_at,
                             "decided_at": r.decided_at, "decision_reason": r.decision_reason}
                            for r in row.repairs.all()],
            })
        return out


class SubjectOut(Schema):
    id_number: str = Field(..., description="a person's citizen ID is masked for the public")
    name: str
    kind: str
    public_records: list[RecordOut]
    internal_records: list[RecordOut] | None = Field(None, description="staff only: every record")


class RestrictionOut(Schema):
    record_number: str
    record_title: str
    severity: str
    measure_code: str
    measure_name: str
    scope: str
    effect: str
    blocks: bool


class RestrictionQuery(Schema):
    scope: Literal["application", "commitment", "bidding"] | None = None


class RecordIn(Schema):
    id_number: str = Field(..., max_length=18, description="citizen ID or unified social credit code")
    subject_name: str = Field(..., max_length=200)
    kind: str = Field(..., max_length=40, description="record kind code, e.g. penalty_minor")
    title: str = Field(..., max_length=200)
    facts: str = Field(..., max_length=4000)
    authority: str = Field(..., max_length=200)
    decided_on: dt.date
    legal_basis: str = Field("", max_length=500)
    department: str = Field("", max_length=20, description="department code (a regulator: its own, the default)")
    effective_from: dt.datetime | None = Field(None, description="default: now")
    effective_until: dt.datetime | None = Field(None, description="default: the kind's period of effect")
    source_ref: str | None = Field(None, max_length=120,
                                   description="the caller's reference: the same reference twice records once")


class LiftIn(Schema):
    reason: str = Field(..., max_length=500)


# -- endpoints -------------------------------------------------------------------------------------

class _Invalid(DomainError):
    status = 422


def _as(error: DomainError, cls: type[DomainError]) -> DomainError:
    """A service's plain refusal (status 400) as this API's status: bad input 422, wrong state 409."""
    if error.status != 400:
        return error
    return cls(error.code, error.message, field=error.field, **error.params)


def _invalid() -> _Invalid:
    return _Invalid("invalid_number", _("Not a valid citizen ID or unified social credit code."), field="id_number")


@router.get("/subjects/{id_number}", auth=_optional_caller, response={200: SubjectOut, **READ},
            summary="A subject's credit: the public part, and for staff every record")
def subject(request: HttpRequest, id_number: str):
    view = selectors.subject_view(request.auth, id_number[:40])
    if view is None:
        raise _invalid()
    if view.subject is None:
        raise NotFound("not_found", _("No credit record was ever made on %(number)s."), field="id_number",
                       number=view.shown_number)
    internal = view.internal is not None
    return {
        "id_number": view.shown_number, "name": view.subject.name, "kind": view.subject.kind,
        "public_records": [RecordOut.of(r, internal=False, shown_number=view.shown_number) for r in view.public],
        "internal_records": [RecordOut.of(r, internal=True, shown_number=view.shown_number)
                             for r in view.internal] if internal else None,
    }


@router.get("/subjects/{id_number}/restrictions", auth=api_auth, response={200: list[RestrictionOut], **READ},
            summary="The joint-punishment measures binding a subject now (staff)")
def restrictions(request: HttpRequest, id_number: str, query: Query[RestrictionQuery]):
    policy.require_staff(request.user, _("see a subject's restrictions"))
    number = selectors.normalised_number(id_number[:40])
    if number is None:
        raise _invalid()
    scope = query.scope if query.scope in MeasureScope.values else None
    return [{**r.__dict__, "blocks": r.blocks} for r in checks.restrictions(number, scope=scope)]


def _department_id(request: HttpRequest, code: str) -> int | None:
    if not code.strip():
        return selectors.regulator_department(request.user) if not policy.is_credit_officer(request.user) else None
    department = Department.objects.filter(code=code.strip()).first()
    if department is None:
        raise _Invalid("unknown_department", _("No department with code %(code)s."), field="department",
                       code=code.strip()[:20])
    return department.pk


def _internal(row: CreditRecord) -> dict:
    row = selectors.all_records(row.id_number).get(pk=row.pk)
    return RecordOut.of(row, internal=True, shown_number=row.id_number)


@router.post("/records", auth=api_auth, response={201: RecordOut, 200: RecordOut, **WRITE},
             summary="Record a breach of trust (credit officer; a regulator for its own department)")
def create_record(request: HttpRequest, body: RecordIn):
    """Answers 201 with the new record, or 200 with the one recorded earlier under the same source_ref."""
    department_id = _department_id(request, body.department)
    policy.require_officer_or_regulator_of(request.user, department_id, _("record credit"))
    ref = body.source_ref.strip() if body.source_ref and body.source_ref.strip() else None
    existed = ref is not None and CreditRecord.objects.filter(source_ref=ref).exists()
    aware = [timezone.make_aware(v) if v and timezone.is_naive(v) else v
             for v in (body.effective_from, body.effective_until)]
    try:
        row = services.record(actor=request.user, new=services.NewRecord(
            id_number=body.id_number, subject_name=body.subject_name, kind=body.kind, title=body.title,
            facts=body.facts, authority=body.authority, decided_on=body.decided_on, legal_basis=body.legal_basis,
            department_id=department_id, effective_from=aware[0], effective_until=aware[1], source_ref=ref))
    except DomainError as error:
        raise _as(error, _Invalid) from None
    return Status(200 if existed else 201, _internal(row))


@router.post("/records/{number}/lift", auth=api_auth, response={200: RecordOut, **WRITE},
             summary="Lift a record with a reason; its measures stop binding at once")
def lift(request: HttpRequest, number: str, body: LiftIn):
    row = CreditRecord.objects.filter(number=number[:30]).first()
    if row is None:
        raise NotFound("not_found", _("No record %(number)s."), field="number", number=number[:30])
    try:
        services.lift_record(actor=request.user, record_=row, reason=body.reason)
    except DomainError as error:
        raise _as(error, _Invalid if error.code == "reason_required" else Conflict) from None
    return _internal(row)
