"""Applying for a bundle and following its child cases (see the package docstring)."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from oneseal.cases import services as case_services
from oneseal.cases.models import Applicant, Case, CaseStatus, Channel, DeliveryMethod
from oneseal.cases.services import MaterialUpload, ReusedMaterial
from oneseal.catalog.models import Hall, LimitUnit
from oneseal.kernel import audit, events, sequences, workcal
from oneseal.kernel.errors import DomainError, FieldIssue, ValidationFailed
from oneseal.kernel.fielderrors import check_json_form
from oneseal.kernel.uploads import StoredFile, check_upload

from .. import policy, structure
from ..models import (
    BundleApplication,
    BundleDefinition,
    BundleFile,
    BundleItem,
    BundleNotice,
    BundleNoticeKind,
    BundlePart,
    BundleSequence,
    BundleStatus,
    DataMapping,
    MappingSource,
    PartStatus,
)
from .definitions import latest_snapshot

SYSTEM = "bundles"  # the actor of what the bundle does by itself (starting a dependant case)
DONE_PARTS = {PartStatus.APPROVED, PartStatus.ISSUED, PartStatus.DELIVERED}
IN_PERSON = {Channel.WINDOW, Channel.KIOSK}


# -- the one form ------------------------------------------------------------------------------------

def _items(definition: BundleDefinition) -> list[BundleItem]:
    return list(definition.items.select_related("item").prefetch_related("depends_on").order_by("order", "id"))


def _snapshot(bundle_item: BundleItem) -> dict:
    cached = getattr(bundle_item, "_snapshot", None)
    if cached is None:
        cached = bundle_item._snapshot = latest_snapshot(bundle_item.item)
    return cached


def application_form(definition: BundleDefinition) -> dict:
    """The one application form's JSON Schema (the fields mappings fill are left out)."""
    mapped: dict[int, set[str]] = {}
    for target, field_name in DataMapping.objects.filter(definition=definition).values_list("target_id",
                                                                                            "target_field"):
        mapped.setdefault(target, set()).add(field_name)
    return structure.one_form(definition.form_schema, [(_snapshot(i).get("form_schema"), mapped.get(i.pk, set()))
                                                       for i in _items(definition)])


def _check_form(definition: BundleDefinition, form_data: dict) -> None:
    """The one form against its JSON Schema; each problem names its field (``form.company_name``) in
    Chinese and English, as a single case's form does."""
    check_json_form(application_form(definition), form_data)


# -- application -----------------------------------------------------------------------------------

def _next_number(region: str, day: dt.date) -> str:
    """`<region>-YS-<yyyymmdd>-<serial>`; the serial comes from one upsert (INSERT … ON CONFLICT DO
    UPDATE … RETURNING, on PostgreSQL and SQLite alike), so two bundles received at once never share a
    number and the first of the day does not race on creating its row."""
    serial = sequences.next_serial(BundleSequence, f"{region}:{day:%Y%m%d}")
    return f"{region}-YS-{day:%Y%m%d}-{serial:04d}"


def office_hours(application: BundleApplication) -> workcal.OfficeHours:
    return application.hall.office_hours() if application.hall_id else workcal.DEFAULT_OFFICE_HOURS


def due_time(start: dt.datetime, amount: int, unit: str, hours: workcal.OfficeHours) -> workcal.Due:
    """The bundle's own limit, in working time from submission (DOMAIN.md §4)."""
    if unit == LimitUnit.WORKING_DAYS:
        return workcal.add_working_days(start, amount, hours)
    return workcal.add_working_time(start, amount * (60 if unit == LimitUnit.WORKING_HOURS else 1), hours)


def _check_uploads(definition: BundleDefinition, uploads: list[MaterialUpload]) -> dict[int, Any]:
    """One upload per pool material, none beyond the pool, every required one there, every file
    checked before anything is written. Returns pool material id → checked upload."""
    pool = {m.name: m for m in definition.pool.all()}
    issues, seen = [], {}
    for index, upload in enumerate(uploads):
        material = pool.get(upload.material)
        if material is None:
            issues.append(FieldIssue(field=f"materials.{index}", code="material_not_in_pool",
                                     message=_("“%(name)s” is not a material of this bundle."),
                                     params={"name": upload.material}))
        elif material.pk in seen:
            issues.append(FieldIssue(field=f"materials.{index}", code="material_given_twice",
                                     message=_("“%(name)s” is uploaded once and used by every case that needs it."),
                                     params={"name": upload.material}))
        else:
            seen[material.pk] = index
    for name, material in pool.items():
        if material.required and material.pk not in seen:
            issues.append(FieldIssue(field="materials", code="material_missing",
                                     message=_("The required material “%(name)s” is missing."), params={"name": name}))
    if issues:
        raise ValidationFailed(issues, _("The materials are incomplete or wrong."))
    return {pk: check_upload(uploads[index].stream, uploads[index].filename, field=f"materials.{index}",
                             declared_size=uploads[index].size) for pk, index in seen.items()}


def apply_bundle(*, actor, definition: BundleDefinition, applicant: Applicant, channel: str,
                 form_data: dict | None = None, materials: list[MaterialUpload] = (), hall: Hall | None = None,
                 idempotency_key: str | None = None, now: dt.datetime | None = None) -> BundleApplication:
    """One application for the whole bundle (一号申请、一套材料). The items with no prerequisite start
    at once as ordinary cases; the others wait for theirs."""
    form_data = dict(form_data or {})
    if channel not in Channel.values:
        raise DomainError("unknown_channel", _("Unknown channel."), field="channel")
    if not definition.active:
        raise DomainError("bundle_not_active", _("The bundle %(code)s is not offered."), field="definition",
                          code=definition.code)
    policy.require_may_apply(actor, channel, hall, applicant)
    if idempotency_key:
        existing = BundleApplication.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return _same_request(existing, definition, applicant)
    _check_form(definition, form_data)
    checked = _check_uploads(definition, list(materials))
    try:
        return _create_application(actor=actor, definition=definition, applicant=applicant, channel=channel,
                                   form_data=form_data, checked=checked, hall=hall,
                                   idempotency_key=idempotency_key, now=now or timezone.now())
    except IntegrityError:
        existing = BundleApplication.objects.filter(idempotency_key=idempotency_key).first() \
            if idempotency_key else None
        if existing is None:
            raise
        return _same_request(existing, definition, applicant)


def _same_request(existing: BundleApplication, definition, applicant) -> BundleApplication:
    if (existing.definition_id, existing.applicant_id) != (definition.pk, applicant.pk):
        raise DomainError("idempotency_conflict",
                          _("This Idempotency-Key was already used for a different application."),
                          field="Idempotency-Key")
    return existing


@transaction.atomic
def _create_application(*, actor, definition, applicant, channel, form_data, checked, hall, idempotency_key,
                        now) -> BundleApplication:
    region = hall.region.code if hall else _items(definition)[0].item.implementing_body.region.code
    hours = hall.office_hours() if hall else workcal.DEFAULT_OFFICE_HOURS
    due = due_time(now, definition.limit_amount, definition.limit_unit, hours)
    application = BundleApplication.objects.create(
        number=_next_number(region, timezone.localtime(now).date()), definition=definition, applicant=applicant,
        channel=channel, hall=hall, form_data=form_data, submitted_at=now,
        submitted_by=actor if getattr(actor, "is_authenticated", False) else None,
        limit_amount=definition.limit_amount, limit_unit=definition.limit_unit, due_at=due.at,
        due_provisional=due.provisional, idempotency_key=idempotency_key or None)
    items = _items(definition)
    parts = {i.pk: BundlePart.objects.create(application=application, bundle_item=i) for i in items}
    # Who stores each file: the first case started now that needs it; a material only later cases
    # need is stored now, so they can reuse it.
    first_users = _first_users([i for i in items if not i.depends_on.all()], checked)
    files = {}
    for pool_id, upload in checked.items():
        if pool_id not in first_users:
            upload.store()
        files[pool_id] = BundleFile.objects.create(
            application=application, pool_material_id=pool_id, path=upload.file.path, sha256=upload.file.sha256,
            size=upload.file.size, content_type=upload.file.content_type, original_name=upload.file.original_name,
            uploaded_at=now)
    for bundle_item in items:
        if not bundle_item.depends_on.all():
            _start_part(parts[bundle_item.pk], actor=actor, now=now, checked=checked, first_users=first_users)
    audit.record(actor=actor, action="bundles.submitted", target=application,
                 data={"number": application.number, "definition": definition.code, "channel": channel,
                       "materials": len(checked)})
    events.record("bundles.submitted", {"bundle": application.pk, "number": application.number,
                                        "definition": definition.code, "applicant": applicant.pk},
                  aggregate=f"bundles.BundleApplication:{application.pk}", at=now)
    return application


def _first_users(starting: list[BundleItem], checked: dict) -> dict[int, int]:
    """pool material id → the bundle item (started now) whose case stores the upload."""
    first: dict[int, int] = {}
    for bundle_item in starting:
        for use in bundle_item.pool_uses.all():
            if use.pool_material_id in checked:
                first.setdefault(use.pool_material_id, bundle_item.pk)
    return first


def _stored(bundle_file: BundleFile) -> StoredFile:
    return StoredFile(path=bundle_file.path, sha256=bundle_file.sha256, size=bundle_file.size,
                      content_type=bundle_file.content_type, original_name=bundle_file.original_name)


def _materials_for(part: BundlePart, checked: dict | None, first_users: dict[int, int]) -> list:
    files = {f.pool_material_id: f for f in part.application.files.all()}
    out: list[MaterialUpload | ReusedMaterial] = []
    for use in part.bundle_item.pool_uses.all():
        bundle_file = files.get(use.pool_material_id)
        if bundle_file is None:
            continue  # an optional material the applicant did not give
        if checked is not None and first_users.get(use.pool_material_id) == part.bundle_item_id:
            upload = checked[use.pool_material_id]
            out.append(MaterialUpload(material=use.material, stream=io.BytesIO(upload.content),
                                      filename=upload.file.original_name, size=upload.file.size))
        else:
            out.append(ReusedMaterial(material=use.material, file=_stored(bundle_file),
                                      source=f"bundle:{part.application_id}"))
    return out


def _mapped_values(part: BundlePart) -> dict[str, Any] | None:
    """The values mapped into this part's form, or None while a licence value has not arrived."""
    values: dict[str, Any] = {}
    siblings = {p.bundle_item_id: p for p in part.application.parts.select_related("case")}
    for mapping in part.bundle_item.incoming_mappings.all():
        source = siblings[mapping.source_id]
        if mapping.source_kind == MappingSource.LICENCE:
            if mapping.source_key not in source.licence_data:
                return None
            values[mapping.target_field] = source.licence_data[mapping.source_key]
        elif source.case is not None and mapping.source_key in source.case.form_data:
            values[mapping.target_field] = source.case.form_data[mapping.source_key]
    return values


def _start_part(part: BundlePart, *, actor, now: dt.datetime, checked: dict | None = None,
                first_users: dict[int, int] | None = None) -> Case:
    application = part.application
    mapped = _mapped_values(part) or {}
    form = structure.form_for_item(application.form_data, application.definition.form_schema,
                                   _snapshot(part.bundle_item).get("form_schema"), mapped)
    case = case_services.submit_case(
        actor=actor, item=part.bundle_item.item, applicant=application.applicant, channel=application.channel,
        form_data=form, materials=_materials_for(part, checked, first_users or {}), hall=application.hall,
        idempotency_key=f"bundle:{application.pk}:{part.bundle_item_id}", now=now)
    part.case, part.status, part.started_at = case, PartStatus.RUNNING, now
    part.save(update_fields=["case", "status", "started_at"])
    return case


# -- the children move (called by the receivers) ------------------------------------------------------

def _locked_for_case(case_id: int) -> tuple[BundleApplication, BundlePart] | tuple[None, None]:
    """The bundle of a child case, locked so the receivers of two children are serialised."""
    part = BundlePart.objects.filter(case_id=case_id).only("application_id").first()
    if part is None:
        return None, None
    application = (BundleApplication.objects.select_for_update(of=("self",))
                   .select_related("definition", "applicant", "hall").get(pk=part.application_id))
    part = BundlePart.objects.select_related("bundle_item__item", "case").get(pk=part.pk)
    part.application = application
    return application, part


@transaction.atomic
def part_accepted(*, case_id: int, at: dt.datetime) -> bool:
    """A child case was accepted: the bundle is in progress."""
    application, part = _locked_for_case(case_id)
    if application is None or application.status != BundleStatus.SUBMITTED:
        return False
    application.status = BundleStatus.IN_PROGRESS
    application.save(update_fields=["status"])
    audit.record(actor=SYSTEM, action="bundles.in_progress", target=application,
                 data={"number": application.number, "case": part.case.number})
    return True


@transaction.atomic
def part_approved(*, case_id: int, at: dt.datetime) -> list[Case]:
    """A child case was approved: start every dependant whose prerequisites are all approved."""
    application, part = _locked_for_case(case_id)
    if application is None or part.status != PartStatus.RUNNING:
        return []
    part.status, part.finished_at = PartStatus.APPROVED, at
    part.save(update_fields=["status", "finished_at"])
    if application.status == BundleStatus.SUBMITTED:
        application.status = BundleStatus.IN_PROGRESS
        application.save(update_fields=["status"])
    started = _start_ready_dependants(application, at)
    audit.record(actor=SYSTEM, action="bundles.part_approved", target=application,
                 data={"number": application.number, "case": part.case.number,
                       "started": [c.number for c in started]})
    return started


@transaction.atomic
def licence_issued(*, case_id: int, data: dict, at: dt.datetime) -> list[Case]:
    """The licence of a child case was issued: keep its data for the mappings that need it."""
    application, part = _locked_for_case(case_id)
    if application is None or part.licence_data == data:
        return []
    part.licence_data = data
    part.save(update_fields=["licence_data"])
    started = _start_ready_dependants(application, at)
    audit.record(actor=SYSTEM, action="bundles.licence_data", target=application,
                 data={"number": application.number, "case": part.case.number, "fields": sorted(data),
                       "started": [c.number for c in started]})
    return started


def _start_ready_dependants(application: BundleApplication, at: dt.datetime) -> list[Case]:
    """Start every waiting part whose prerequisites are done. A stopped bundle goes on with the parts
    that do not depend on the failed one: the applicant still wants those results."""
    parts = list(application.parts.select_related("bundle_item__item", "case")
                 .prefetch_related("bundle_item__depends_on", "bundle_item__pool_uses",
                                   "bundle_item__incoming_mappings"))
    status = {p.bundle_item_id: p.status for p in parts}
    started = []
    for part in parts:
        if part.status != PartStatus.WAITING:
            continue
        if not all(status[d.pk] in DONE_PARTS for d in part.bundle_item.depends_on.all()):
            continue
        part.application = application
        if _mapped_values(part) is None:
            continue  # a licence value it maps has not arrived yet
        # The case is part of the one application the bundle's receiver took in (the applicant online,
        # the clerk at a window), so it is submitted in their name, as a window case always has its
        # receiving clerk; the audit entry says the bundle started it.
        actor = application.submitted_by or SYSTEM
        try:
            with transaction.atomic():  # a refused start leaves nothing behind but the stop below
                started.append(_start_part(part, actor=actor, now=at))
        except DomainError as error:
            # E.g. a mapped value the item's form refuses: the part cannot start, which stops what
            # depends on it just like a denial would (and is not retried by the outbox forever).
            problem = "; ".join(str(issue) for issue in getattr(error, "issues", [])) or str(error)
            _fail(application, part, "not_started", problem, at)
    return started


@transaction.atomic
def part_issued(*, case_id: int, at: dt.datetime) -> bool:
    """A child's result was issued; when every result is, the bundle is ready for joint pickup."""
    application, part = _locked_for_case(case_id)
    if application is None or part.status != PartStatus.APPROVED:
        return False
    part.status = PartStatus.ISSUED
    part.save(update_fields=["status"])
    ready = application.status != BundleStatus.STOPPED and \
        not application.parts.exclude(status=PartStatus.ISSUED).exists()
    if ready:
        application.status, application.ready_at = BundleStatus.READY, at
        application.save(update_fields=["status", "ready_at"])
        BundleNotice.objects.create(application=application, kind=BundleNoticeKind.READY, at=at,
                                    content={"cases": list(application.parts.values_list("case__number", flat=True))})
    audit.record(actor=SYSTEM, action="bundles.part_issued", target=application,
                 data={"number": application.number, "case": part.case.number, "ready": ready})
    return ready


FAILURE_LABELS = {"denied": _("denied"), "refused": _("not accepted"), "withdrawn": _("withdrawn"),
                  "not_started": _("could not be started")}


@transaction.atomic
def part_failed(*, case_id: int, outcome: str, reasons: str, at: dt.datetime) -> list[BundlePart]:
    """A child case was denied, refused or withdrawn: stop every part that depends on it, stop the
    bundle, and tell the applicant which part failed and why. Parts already running go on: they are
    ordinary cases, and the applicant may still want their results."""
    application, part = _locked_for_case(case_id)
    if application is None or part.status in {PartStatus.FAILED, PartStatus.STOPPED}:
        return []
    return _fail(application, part, outcome, reasons, at)


def _fail(application: BundleApplication, part: BundlePart, outcome: str, reasons: str,
          at: dt.datetime) -> list[BundlePart]:
    reasons = reasons.strip() or str(FAILURE_LABELS.get(outcome, outcome))
    part.status, part.finished_at, part.failure = PartStatus.FAILED, at, reasons
    part.save(update_fields=["status", "finished_at", "failure"])
    graph = {p.bundle_item_id: [d.pk for d in p.bundle_item.depends_on.all()]
             for p in application.parts.select_related("bundle_item").prefetch_related("bundle_item__depends_on")}
    stopped = list(application.parts.select_related("bundle_item__item")
                   .filter(bundle_item_id__in=structure.dependants(graph, part.bundle_item_id),
                           status=PartStatus.WAITING))
    failed_name = part.bundle_item.item.name
    for other in stopped:
        other.status, other.finished_at = PartStatus.STOPPED, at
        other.failure = f"{failed_name}: {reasons}"
        other.save(update_fields=["status", "finished_at", "failure"])
    case_number = part.case.number if part.case_id else ""
    label = FAILURE_LABELS.get(outcome, outcome)
    application.status, application.closed_at = BundleStatus.STOPPED, at
    application.stop_reason = f"{failed_name} ({case_number or '—'}) {label}: {reasons}"
    application.save(update_fields=["status", "closed_at", "stop_reason"])
    BundleNotice.objects.create(
        application=application, kind=BundleNoticeKind.PART_FAILED, at=at,
        content=json.loads(json.dumps({"item": failed_name, "case": case_number, "outcome": outcome,
                                       "reasons": reasons,
                                       "stopped": [o.bundle_item.item.name for o in stopped]}, default=str)))
    audit.record(actor=SYSTEM, action="bundles.stopped", target=application,
                 data={"number": application.number, "case": case_number, "outcome": outcome,
                       "stopped": [o.bundle_item.item.code for o in stopped]})
    return stopped


# -- the window ------------------------------------------------------------------------------------

@transaction.atomic
def accept_parts(*, actor, application: BundleApplication, now: dt.datetime | None = None) -> list[Case]:
    """The window receives the bundle as one application: every child case waiting for acceptance is
    accepted (受理) at once, each through the cases service and its clock."""
    now = now or timezone.now()
    application = BundleApplication.objects.select_for_update().get(pk=application.pk)
    policy.require_window_clerk(actor, application, _("receive"))
    waiting = [p.case for p in application.parts.select_related("case")
               if p.case is not None and p.case.status == CaseStatus.SUBMITTED]
    if not waiting:
        raise DomainError("nothing_to_accept", _("No case of this bundle is waiting for acceptance."),
                          field="number")
    accepted = [case_services.accept_case(actor=actor, case=case, now=now) for case in waiting]
    audit.record(actor=actor, action="bundles.accepted", target=application,
                 data={"number": application.number, "cases": [c.number for c in accepted]})
    return accepted


@transaction.atomic
def deliver_bundle(*, actor, application: BundleApplication, method: str, carrier: str = "", waybill: str = "",
                   now: dt.datetime | None = None) -> BundleApplication:
    """一窗取件: every result handed out together at the window, or sent with one courier waybill, in
    one transaction (each through the cases service's delivery)."""
    now = now or timezone.now()
    application = BundleApplication.objects.select_for_update().get(pk=application.pk)
    policy.require_window_clerk(actor, application, _("hand out the results of"))
    if method not in DeliveryMethod.values:
        raise DomainError("unknown_delivery_method", _("Unknown delivery method."), field="method")
    if method == DeliveryMethod.COURIER and not (carrier.strip() and waybill.strip()):
        raise DomainError("waybill_required", _("A courier delivery needs the carrier and the waybill number."),
                          field="waybill")
    if application.status != BundleStatus.READY:
        raise DomainError("bundle_not_ready", _("Not every result of this bundle is ready yet."), field="number")
    parts = list(application.parts.select_related("case"))
    for part in parts:
        case_services.deliver_result(actor=actor, case=part.case, method=method, carrier=carrier.strip(),
                                     waybill=waybill.strip(), now=now)
        part.status = PartStatus.DELIVERED
    BundlePart.objects.bulk_update(parts, ["status"])
    application.status, application.closed_at = BundleStatus.DELIVERED, now
    application.delivery_method, application.carrier, application.waybill = method, carrier.strip(), waybill.strip()
    application.save(update_fields=["status", "closed_at", "delivery_method", "carrier", "waybill"])
    BundleNotice.objects.create(application=application, kind=BundleNoticeKind.DELIVERED, at=now,
                                content={"method": method, "carrier": carrier, "waybill": waybill,
                                         "cases": [p.case.number for p in parts]})
    audit.record(actor=actor, action="bundles.delivered", target=application,
                 data={"number": application.number, "method": method, "waybill": waybill,
                       "cases": [p.case.number for p in parts]})
    return application
