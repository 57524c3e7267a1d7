"""Every write to licences: one function per command, one transaction, one audit entry, and the
domain event the other apps consume (`licenses.issued`, `.revoked`, `.expired`, `.renewed`, with the
payload of `event_payload`).

Issuance (电子证照签发) follows an approval (`issue_for_approved_case`, the `cases.approved`
subscriber); revocation (撤销) is the issuing department's, with a reason; expiry is a sweep; renewal
follows Art. 50 of the Administrative Licensing Law: the holder applies at least 30 days before the
licence expires, and if no decision is made before it expires, it is renewed (视为准予延续).
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from oneseal.cases.models import Applicant, Case
from oneseal.kernel import audit, events, signer
from oneseal.kernel.errors import DomainError
from oneseal.kernel.uploads import check_and_store

from . import keys, policy, sealing
from .document import LicenceDocument, render_licence
from .models import (
    IssuedLicenceType,
    Licence,
    LicenceStatus,
    LicenceType,
    LicenceUse,
    RenewalRequest,
    RenewalStatus,
)
from .numbering import next_licence_number

logger = logging.getLogger(__name__)

RENEWAL_NOTICE_DAYS = 30  # Art. 50: apply at least 30 days before expiry
SOURCE_PREFIX = "licence:"  # CaseMaterial.source of a material taken from a licence


def local_today(now: dt.datetime | None = None) -> dt.date:
    return timezone.localtime(now or timezone.now()).date()


def verify_url(number: str, payload: str) -> str:
    base = getattr(settings, "ONESEAL_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
    return f"{base}/verify/{number}?p={payload}"


def event_payload(licence: Licence, reason: str = "") -> dict[str, Any]:
    """The contract of the licences' domain events (the other apps read exactly this)."""
    return {
        "licence": licence.pk, "number": licence.number, "type": licence.licence_type.code,
        "type_name": licence.licence_type.name, "holder": licence.holder_id,
        "holder_id_number": licence.holder_id_number, "case": licence.case_id,
        "case_number": licence.case.number if licence.case_id else "", "issuer": licence.issuer_id,
        "valid_until": licence.valid_until.isoformat() if licence.valid_until else None,
        "data": licence.data, "reason": reason,
    }


def _publish(topic: str, licence: Licence, at: dt.datetime, reason: str = "") -> None:
    events.record(topic, event_payload(licence, reason), aggregate=f"licenses.Licence:{licence.pk}", at=at)


def record_bytes(licence: Licence) -> bytes:
    """The signed content of a stored licence (what `selectors.verify` recomputes)."""
    return sealing.record_payload(
        number=licence.number, type_code=licence.licence_type.code, holder_name=licence.holder_name,
        holder_id_number=licence.holder_id_number, issuer_code=licence.issuer.code, issued_at=licence.issued_at,
        valid_from=licence.valid_from, valid_until=licence.valid_until, data=licence.data,
        case_number=licence.case.number if licence.case_id else "", algorithm=licence.algorithm,
        key_id=licence.key_id, renewed_from=licence.renewed_from.number if licence.renewed_from_id else "")


# -- issuance --------------------------------------------------------------------------------------

def _field_value(source: str, case: Case | None, holder: Applicant) -> str:
    """A data field's value from its declared source (see `LicenceType.fields`)."""
    kind, _dot, name = source.partition(".")
    if kind == "form" and case is not None:
        value = (case.form_data or {}).get(name, "")
    elif kind == "applicant":
        value = getattr(holder, name, "") if name in ("name", "id_number", "legal_representative") else ""
    elif kind == "item" and case is not None:
        value = case.item_version.snapshot.get("name", case.item.name) if name == "name" else ""
    elif kind == "case" and case is not None:
        value = case.number if name == "number" else ""
    elif kind == "const":
        value = name
    else:
        value = ""
    return "" if value is None else str(value)


def licence_data(licence_type: LicenceType, case: Case | None, holder: Applicant) -> dict[str, str]:
    return {f["name"]: _field_value(f.get("source", ""), case, holder) for f in licence_type.fields or []
            if f.get("name")}


def _labelled(licence_type: LicenceType, data: dict) -> tuple[tuple[str, str], ...]:
    labels = {f["name"]: f.get("label") or f["name"] for f in licence_type.fields or [] if f.get("name")}
    return tuple((labels.get(name, name), str(value)) for name, value in data.items() if value != "")


def _default_validity(licence_type: LicenceType, valid_from: dt.date) -> dt.date | None:
    if not licence_type.validity_days:
        return None
    return valid_from + dt.timedelta(days=licence_type.validity_days - 1)


@transaction.atomic
def issue_licence(*, actor, licence_type: LicenceType, holder: Applicant, issuer, data: dict | None = None,
                  case: Case | None = None, valid_from: dt.date | None = None, valid_until: dt.date | None = None,
                  renewed_from: Licence | None = None, now: dt.datetime | None = None) -> Licence:
    """Issue and seal one licence: number, signature over the record, QR payload, sealed PDF."""
    now = now or timezone.now()
    valid_from = valid_from or local_today(now)
    valid_until = valid_until if valid_until is not None else _default_validity(licence_type, valid_from)
    if valid_until is not None and valid_until < valid_from:
        raise DomainError("validity_reversed", _("A licence cannot expire before it is valid."),
                          field="valid_until")
    data = {str(k): "" if v is None else str(v) for k, v in (data if data is not None else
                                                            licence_data(licence_type, case, holder)).items()}
    key = keys.active_key(issuer)
    private = keys.load_private(key)
    number = next_licence_number(issuer.code, licence_type.code, local_today(now).year)
    licence = Licence(
        number=number, licence_type=licence_type, holder=holder, holder_name=holder.name,
        holder_id_number=holder.id_number, issuer=issuer, issued_at=now.replace(microsecond=0),
        valid_from=valid_from, valid_until=valid_until, data=data, case=case, algorithm=key.algorithm,
        key_id=key.key_id, renewed_from=renewed_from)
    licence.signature = sealing.b64url(signer.sign(key.algorithm, private, record_bytes(licence)))
    licence.qr_payload = sealing.make_payload(
        sealing.qr_claims(number=number, type_code=licence_type.code, holder_name=holder.name,
                          issuer_code=issuer.code, valid_until=valid_until, key_id=key.key_id),
        key.algorithm, private)
    document = render_licence(LicenceDocument(
        number=number, type_name=licence_type.name, holder_name=holder.name, holder_id_number=holder.id_number,
        issuer_name=issuer.name, issued_at=licence.issued_at, valid_from=valid_from, valid_until=valid_until,
        fields=_labelled(licence_type, data), case_number=case.number if case else "",
        verify_url=verify_url(number, licence.qr_payload), key_id=key.key_id, algorithm=key.algorithm))
    sealed = sealing.seal_pdf(document, number=number, key_id=key.key_id, algorithm=key.algorithm, private=private)
    stored = check_and_store(io.BytesIO(sealed), f"{number}.pdf", field="pdf")
    licence.pdf_path, licence.pdf_sha256 = stored.path, stored.sha256
    licence.save(force_insert=True)
    audit.record(actor=actor, action="licenses.issued", target=licence,
                 data={"number": number, "type": licence_type.code, "holder": holder.pk,
                       "case": case.number if case else "", "key_id": key.key_id,
                       "renewed_from": renewed_from.number if renewed_from else ""})
    _publish("licenses.renewed" if renewed_from else "licenses.issued", licence, now)
    return licence


@transaction.atomic
def issue_for_approved_case(*, case_id: int, at: dt.datetime | None = None) -> list[Licence]:
    """The `cases.approved` subscriber: issue the licence the item produces (if any), once per case
    (a redelivered event finds it issued and does nothing)."""
    case = (Case.objects.select_related("item__implementing_body", "applicant", "item_version")
            .filter(pk=case_id).first())
    if case is None:
        return []
    link = IssuedLicenceType.objects.select_related("licence_type").filter(item_id=case.item_id).first()
    if link is None or Licence.objects.filter(case=case, licence_type=link.licence_type).exists():
        return []
    decision = getattr(case, "decision", None)
    if decision is None or not decision.approved:
        return []
    actor = decision.decided_by
    return [issue_licence(actor=actor, licence_type=link.licence_type, holder=case.applicant,
                          issuer=case.item.implementing_body, case=case, now=at or decision.decided_at)]


# -- revocation and expiry -------------------------------------------------------------------------

def _locked(licence: Licence) -> Licence:
    return (Licence.objects.select_for_update(of=("self",))
            .select_related("licence_type", "issuer", "holder", "case", "renewed_from").get(pk=licence.pk))


@transaction.atomic
def revoke_licence(*, actor, licence: Licence, reason: str, now: dt.datetime | None = None) -> Licence:
    """撤销: by an approver or the bureau head of the issuing department, with a stated reason."""
    now = now or timezone.now()
    licence = _locked(licence)
    policy.require_issuer_staff(actor, licence, _("revoke"))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("reason_required", _("A revocation needs its reason."), field="reason")
    if licence.status == LicenceStatus.REVOKED:
        raise DomainError("already_revoked", _("This licence is already revoked."), field="status")
    licence.status, licence.revoked_at, licence.revoked_by = LicenceStatus.REVOKED, now, actor
    licence.revocation_reason = reason
    licence.save(update_fields=["status", "revoked_at", "revoked_by", "revocation_reason"])
    RenewalRequest.objects.filter(licence=licence, status=RenewalStatus.PENDING).update(
        status=RenewalStatus.DENIED, decided_at=now, decided_by=actor, reason=reason)
    audit.record(actor=actor, action="licenses.revoked", target=licence,
                 data={"number": licence.number, "reason": reason})
    _publish("licenses.revoked", licence, now, reason)
    return licence


@transaction.atomic
def revoke_for_revoked_case(*, case_id: int, reason: str, now: dt.datetime | None = None) -> list[Licence]:
    """The approval of the case was revoked (撤销, a false commitment found at verification): every licence
    it produced that is not already revoked is revoked with it, by the system. Idempotent."""
    now = now or timezone.now()
    reason = (reason or "").strip() or "行政许可已撤销"
    revoked = []
    for licence in Licence.objects.select_for_update().filter(case_id=case_id).exclude(
            status=LicenceStatus.REVOKED).order_by("pk"):
        licence.status, licence.revoked_at, licence.revoked_by = LicenceStatus.REVOKED, now, None
        licence.revocation_reason = reason
        licence.save(update_fields=["status", "revoked_at", "revoked_by", "revocation_reason"])
        RenewalRequest.objects.filter(licence=licence, status=RenewalStatus.PENDING).update(
            status=RenewalStatus.DENIED, decided_at=now, reason=reason)
        audit.record(actor=None, action="licenses.revoked", target=licence,
                     data={"number": licence.number, "reason": reason, "case": case_id})
        _publish("licenses.revoked", licence, now, reason)
        revoked.append(licence)
    return revoked


@transaction.atomic
def expire_licence(*, licence: Licence, now: dt.datetime | None = None) -> bool:
    """Mark one licence expired once its last day has passed; False if it is not due (or not valid)."""
    now = now or timezone.now()
    licence = _locked(licence)
    if licence.status != LicenceStatus.VALID or licence.valid_until is None \
            or licence.valid_until >= local_today(now):
        return False
    licence.status, licence.expired_at = LicenceStatus.EXPIRED, now
    licence.save(update_fields=["status", "expired_at"])
    audit.record(actor="system", action="licenses.expired", target=licence,
                 data={"number": licence.number, "valid_until": licence.valid_until.isoformat()})
    _publish("licenses.expired", licence, now)
    return True


def expire_due_licences(now: dt.datetime | None = None) -> dict[str, int]:
    """The sweep (`oneseal licences expire`, the worker's task): first renew what Art. 50 deems
    renewed (so no licence lapses while its renewal waits), then expire the rest."""
    now = now or timezone.now()
    renewed = deem_renewals(now=now)
    expired = 0
    for licence in Licence.objects.filter(status=LicenceStatus.VALID, valid_until__lt=local_today(now)).iterator():
        expired += expire_licence(licence=licence, now=now)
    return {"renewed": renewed, "expired": expired}


# -- renewal (Art. 50) -----------------------------------------------------------------------------

def renewal_deadline(licence: Licence) -> dt.date | None:
    """The last day a renewal may be applied for: 30 days before the licence expires."""
    return licence.valid_until - dt.timedelta(days=RENEWAL_NOTICE_DAYS) if licence.valid_until else None


@transaction.atomic
def request_renewal(*, actor, licence: Licence, now: dt.datetime | None = None) -> RenewalRequest:
    """The holder applies to renew (延续): at least 30 days before the licence expires (Art. 50)."""
    now = now or timezone.now()
    licence = _locked(licence)
    policy.require_holder(actor, licence, _("apply to renew"))
    if licence.status != LicenceStatus.VALID:
        raise DomainError("licence_not_valid", _("Only a valid licence can be renewed."), field="status")
    deadline = renewal_deadline(licence)
    if deadline is None:
        raise DomainError("licence_does_not_expire", _("This licence does not expire and needs no renewal."),
                          field="valid_until")
    if local_today(now) > deadline:
        raise DomainError("renewal_too_late",
                          _("A renewal must be applied for by %(deadline)s, 30 days before the licence expires "
                            "(Art. 50); apply for a new licence instead."), field="requested_at",
                          deadline=deadline.isoformat())
    if licence.renewals.filter(status=RenewalStatus.PENDING).exists():
        raise DomainError("renewal_pending", _("A renewal of this licence is already waiting for a decision."),
                          field="licence")
    if hasattr(licence, "renewed_by"):
        raise DomainError("already_renewed", _("This licence was already renewed."), field="licence")
    request = RenewalRequest.objects.create(licence=licence, requested_at=now, requested_by=actor)
    audit.record(actor=actor, action="licenses.renewal_requested", target=request,
                 data={"number": licence.number, "deadline": deadline.isoformat()})
    return request


def _renew(actor, request: RenewalRequest, status: str, now: dt.datetime) -> Licence:
    old = request.licence
    span = (old.valid_until - old.valid_from).days + 1
    valid_from = old.valid_until + dt.timedelta(days=1)
    new = issue_licence(actor=actor, licence_type=old.licence_type, holder=old.holder, issuer=old.issuer,
                        data=dict(old.data), valid_from=valid_from,
                        valid_until=valid_from + dt.timedelta(days=(old.licence_type.validity_days or span) - 1),
                        renewed_from=old, now=now)
    request.status, request.decided_at, request.new_licence = status, now, new
    request.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    request.save(update_fields=["status", "decided_at", "decided_by", "new_licence"])
    return new


@transaction.atomic
def decide_renewal(*, actor, request: RenewalRequest, approve: bool, reason: str = "",
                   now: dt.datetime | None = None) -> RenewalRequest:
    """The issuing department decides before the licence expires; a refusal states its reason."""
    now = now or timezone.now()
    request = RenewalRequest.objects.select_for_update().select_related("licence").get(pk=request.pk)
    licence = _locked(request.licence)
    request.licence = licence
    policy.require_issuer_staff(actor, licence, _("decide the renewal of"))
    if request.status != RenewalStatus.PENDING:
        raise DomainError("renewal_decided", _("This renewal was already decided."), field="status")
    if licence.valid_until is not None and local_today(now) > licence.valid_until:
        raise DomainError("renewal_deemed",
                          _("The licence expired without a decision: it is renewed by law (Art. 50)."),
                          field="status")
    reason = (reason or "").strip()
    if approve:
        _renew(actor, request, RenewalStatus.APPROVED, now)
        request.reason = reason
        request.save(update_fields=["reason"])
    else:
        if not reason:
            raise DomainError("reason_required", _("A refusal to renew needs its reason."), field="reason")
        request.status, request.decided_at, request.decided_by, request.reason = (
            RenewalStatus.DENIED, now, actor, reason)
        request.save(update_fields=["status", "decided_at", "decided_by", "reason"])
    audit.record(actor=actor, action="licenses.renewal_decided", target=request,
                 data={"number": licence.number, "approved": approve, "reason": reason,
                       "new_number": request.new_licence.number if request.new_licence_id else ""})
    return request


@transaction.atomic
def deem_renewal(*, request: RenewalRequest, now: dt.datetime | None = None) -> bool:
    """Art. 50: no decision before the licence expired → renewed."""
    now = now or timezone.now()
    request = RenewalRequest.objects.select_for_update().select_related("licence").get(pk=request.pk)
    licence = _locked(request.licence)
    request.licence = licence
    if request.status != RenewalStatus.PENDING or licence.valid_until is None \
            or licence.valid_until >= local_today(now) or licence.status == LicenceStatus.REVOKED:
        return False
    new = _renew("system", request, RenewalStatus.DEEMED, now)
    audit.record(actor="system", action="licenses.renewal_deemed", target=request,
                 data={"number": licence.number, "new_number": new.number})
    return True


def deem_renewals(now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    due = RenewalRequest.objects.filter(status=RenewalStatus.PENDING, licence__valid_until__lt=local_today(now))
    return sum(deem_renewal(request=request, now=now) for request in due.iterator())


# -- once-only (免提交) ------------------------------------------------------------------------------

@transaction.atomic
def record_licence_uses(*, case_id: int) -> int:
    """The `cases.submitted` subscriber: one `LicenceUse` per material a case took from a licence
    (`CaseMaterial.source` = ``licence:<number>``), once (a redelivered event adds nothing). A source
    naming a licence that is not the applicant's is logged and skipped, never recorded as a use."""
    case = Case.objects.select_related("applicant", "submitted_by", "item").filter(pk=case_id).first()
    if case is None:
        return 0
    uses = []
    for material in case.materials.filter(source__startswith=SOURCE_PREFIX):
        number = material.source[len(SOURCE_PREFIX):]
        licence = Licence.objects.filter(number=number).first()
        if licence is None or licence.holder_id != case.applicant_id:
            logger.warning("case %s names licence %s that is not its applicant's", case.number, number)
            continue
        if LicenceUse.objects.filter(licence=licence, case=case, material=material.name).exists():
            continue
        who = case.submitted_by.get_username() if case.submitted_by_id else case.applicant.name
        uses.append(LicenceUse.objects.create(licence=licence, case=case, material=material.name,
                                              used_at=material.uploaded_at, used_by=who,
                                              department_id=case.item.implementing_body_id))
    if uses:
        audit.record(actor="system", action="licenses.used", target=case,
                     data={"case": case.number, "uses": [{"number": u.licence.number, "material": u.material}
                                                         for u in uses]})
    return len(uses)
