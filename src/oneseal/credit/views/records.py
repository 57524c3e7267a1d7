"""Pages of the credit app: records (docs/credit.md).

- `/credit/` public lookup (信用查询) by credit code, citizen ID or an organisation's name;
- `/credit/subjects/<number>/` a subject's credit: the public part (公示) for everyone, the internal part
  (every record, its measures, its repairs) for staff;
- `/my/credit/` the applicant's own records and the repair request form (信用修复);
- `/workbench/credit/` the credit officer's desk: records with filters, the record form, lifting, repair
  requests to decide, the import upload. A regulator sees its department's records there and files them.

Views parse, read through `selectors`, write through `services`, render; the services decide who may do
what.
"""

from __future__ import annotations

import datetime as dt
import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from oneseal.accounts.roles import RoleCode, has_role
from oneseal.catalog.models import Department
from oneseal.kernel.errors import DomainError, ValidationFailed
from oneseal.kernel.uploads import max_upload_bytes, open_stored

from .. import policy
from ..models import RecordKind, RecordSource, RecordStatus, Severity
from ..selectors import records as selectors
from ..services import records as services

PAGE_SIZE = 20
MAX_SHOWN_IMPORT_ISSUES = 200


def _errors(error: DomainError) -> dict[str, list[str]]:
    return error.by_field(general="general")


def _status_of(error: DomainError) -> int:
    return error.status if error.status != 400 else 409


def _back(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


# -- public --------------------------------------------------------------------------------------------

def search(request: HttpRequest) -> HttpResponse:
    """信用查询: a full credit code or citizen ID opens that subject's page; a name lists organisations
    (never persons, who are found only by their full ID number)."""
    query = request.GET.get("q", "").strip()[:100]
    number, organisations = selectors.search_subjects(query)
    if number is not None:
        return redirect("credit:subject", id_number=number)
    page = Paginator(organisations, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "credit/records/search.html", {
        "nav": "credit", "query": query, "page": page, "searched": bool(query), "too_short": 0 < len(query) < 2})


def subject(request: HttpRequest, id_number: str) -> HttpResponse:
    view = selectors.subject_view(request.user, id_number)
    if view is None:
        raise Http404
    return render(request, "credit/records/subject.html", {"nav": "credit", "view": view,
                                                            "is_staff": view.internal is not None})


# -- the applicant ---------------------------------------------------------------------------------------

@login_required
def my_credit(request: HttpRequest) -> HttpResponse:
    """The applicant's own records; a POST asks to repair one of them."""
    if not has_role(request.user, RoleCode.APPLICANT):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        row = selectors.my_record(request.user, request.POST.get("record", ""))
        if row is None:
            raise Http404
        upload = request.FILES.get("evidence")
        try:
            services.request_repair(actor=request.user, record_=row, statement=request.POST.get("statement", ""),
                                    evidence=upload, evidence_name=upload.name if upload else "",
                                    evidence_size=upload.size if upload else None)
        except DomainError as error:
            errors, status = _errors(error), _status_of(error)
        else:
            messages.success(request, gettext("Your repair request for record %(number)s was sent.")
                             % {"number": row.number})
            return redirect("credit:my_credit")
    rows = selectors.my_records(request.user)
    return render(request, "credit/records/my_credit.html", {
        "nav": "my_credit", "rows": rows, "errors": errors, "post": request.POST if errors else {},
        "failed_record": request.POST.get("record", "") if errors else "",
        "numbers": sorted(policy.subject_numbers_of(request.user))}, status=status)


@login_required
def repair_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    """The evidence file of a repair request, for the credit officer and the account that sent it."""
    repair = selectors.repair_for(request.user, pk)
    if repair is None or not repair.evidence_path:
        raise Http404
    try:
        stream = open_stored(repair.evidence_path)
    except FileNotFoundError:
        raise Http404 from None
    content_type = mimetypes.guess_type(repair.evidence_path)[0] or "application/octet-stream"
    return FileResponse(stream, as_attachment=True, filename=repair.evidence_name or repair.evidence_path,
                        content_type=content_type)


# -- the credit officer's desk -------------------------------------------------------------------------

def _require_desk(request: HttpRequest) -> None:
    if not selectors.may_use_desk(request.user):
        raise PermissionDenied


def _choices(pairs) -> list[tuple[str, str]]:
    return [("", gettext("All"))] + [(value, str(label)) for value, label in pairs]


def _desk_states() -> list[tuple[str, str]]:
    return [("", gettext("All")), ("in_effect", gettext("In effect")), ("expired", gettext("Expired")),
            ("repaired", str(RecordStatus.REPAIRED.label)), ("lifted", str(RecordStatus.LIFTED.label))]


def _filter(request: HttpRequest, name: str, allowed) -> str:
    value = request.GET.get(name, "")
    return value if value in allowed else ""


@login_required
def desk(request: HttpRequest, import_errors: list | None = None, status: int = 200) -> HttpResponse:
    """The credit officer's desk (信用管理): records newest first, filtered by source, severity and state."""
    _require_desk(request)
    filters = {"source": _filter(request, "source", RecordSource.values),
               "severity": _filter(request, "severity", Severity.values),
               "state": _filter(request, "state", selectors.DESK_STATES),
               "query": request.GET.get("q", "").strip()[:100]}
    page = Paginator(selectors.desk_records(request.user, **filters), PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    for row in page.object_list:
        row.state = selectors.record_state(row, now)
    officer = policy.is_credit_officer(request.user)
    issues = import_errors or []
    return render(request, "credit/records/desk.html", {
        "nav": "credit_desk", "page": page, "filters": filters, "officer": officer,
        "sources": _choices(RecordSource.choices), "severities": _choices(Severity.choices),
        "states": _desk_states(), "repairs": list(selectors.pending_repairs(request.user)),
        "import_errors": issues[:MAX_SHOWN_IMPORT_ISSUES], "import_errors_more": max(len(issues) - MAX_SHOWN_IMPORT_ISSUES, 0),
        "columns": services.IMPORT_COLUMNS, "required_columns": services.REQUIRED_COLUMNS,
    }, status=status)


def _parse_date(value: str, field: str, errors: dict[str, list[str]], required: bool = False) -> dt.date | None:
    value = (value or "").strip()
    if not value:
        if required:
            errors.setdefault(field, []).append(gettext("This field is required."))
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        errors.setdefault(field, []).append(gettext("Write a date as YYYY-MM-DD."))
        return None
    if not services.EARLIEST_YEAR <= day.year <= services.LATEST_YEAR:
        errors.setdefault(field, []).append(gettext("The date must lie between %(first)s and %(last)s.")
                                            % {"first": services.EARLIEST_YEAR, "last": services.LATEST_YEAR})
        return None
    return day


def _record_form_context(request: HttpRequest, errors: dict, post) -> dict:
    regulator_department = selectors.regulator_department(request.user)
    officer = policy.is_credit_officer(request.user)
    departments = Department.objects.order_by("code") if officer else Department.objects.filter(
        pk=regulator_department)
    return {"nav": "credit_desk", "errors": errors, "post": post, "officer": officer,
            "kinds": RecordKind.objects.order_by("source", "code"), "departments": departments,
            "default_department": "" if officer else str(regulator_department or "")}


@login_required
def record_form(request: HttpRequest) -> HttpResponse:
    """Record a breach of trust (a credit officer any; a regulator its own department's)."""
    _require_desk(request)
    if request.method != "POST":
        return render(request, "credit/records/record_form.html", _record_form_context(request, {}, {}))
    post = request.POST
    errors: dict[str, list[str]] = {}
    decided_on = _parse_date(post.get("decided_on", ""), "decided_on", errors, required=True)
    first = _parse_date(post.get("effective_from", ""), "effective_from", errors)
    last = _parse_date(post.get("effective_until", ""), "effective_until", errors)
    department = post.get("department", "").strip()
    department_id = int(department) if department.isdigit() else None
    if department and department_id is None:
        errors.setdefault("department", []).append(gettext("Choose a department from the list."))
    if first and last and last < first:
        errors.setdefault("effective_until", []).append(gettext("A record must end after it starts."))
    row = None
    if not errors:
        start = services.local_day_start(first) if first else None
        until = services.local_day_start(last + dt.timedelta(days=1)) if last else None
        new = services.NewRecord(
            id_number=post.get("id_number", ""), subject_name=post.get("subject_name", ""), kind=post.get("kind", ""),
            title=post.get("title", ""), facts=post.get("facts", ""), authority=post.get("authority", ""),
            decided_on=decided_on, legal_basis=post.get("legal_basis", "")[:500], department_id=department_id,
            effective_from=start, effective_until=until)
        try:
            row = services.record(actor=request.user, new=new)
        except DomainError as error:
            errors = _errors(error)
            status = _status_of(error)
            return render(request, "credit/records/record_form.html",
                          _record_form_context(request, errors, post), status=status)
    if errors:
        return render(request, "credit/records/record_form.html", _record_form_context(request, errors, post),
                      status=422)
    messages.success(request, gettext("Record %(number)s was recorded.") % {"number": row.number})
    return redirect("credit:subject", id_number=row.id_number)


@login_required
@require_POST
def lift(request: HttpRequest, number: str) -> HttpResponse:
    """Lift a record (移出) with a reason; its measures stop binding at once."""
    _require_desk(request)
    row = selectors.desk_record(request.user, number)
    if row is None:
        raise Http404
    try:
        services.lift_record(actor=request.user, record_=row, reason=request.POST.get("reason", ""))
    except DomainError as error:
        messages.error(request, gettext("Record %(number)s was not lifted: %(reason)s")
                       % {"number": number, "reason": " ".join(m for ms in _errors(error).values() for m in ms)})
    else:
        messages.success(request, gettext("Record %(number)s was lifted.") % {"number": number})
    return redirect(_back(request, reverse("credit:desk")))


@login_required
@require_POST
def repair_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Repair (the record ends as repaired) or refuse a repair request, with a reason."""
    if not policy.is_credit_officer(request.user):
        raise PermissionDenied
    repair = selectors.repair_for(request.user, pk)
    if repair is None:
        raise Http404
    decision = request.POST.get("decision", "")
    if decision not in ("approve", "reject"):
        messages.error(request, gettext("Choose to repair or to refuse."))
        return redirect(_back(request, reverse("credit:desk")))
    try:
        services.decide_repair(actor=request.user, request=repair, approve=decision == "approve",
                               reason=request.POST.get("reason", ""))
    except DomainError as error:
        messages.error(request, gettext("The repair request of record %(number)s was not decided: %(reason)s")
                       % {"number": repair.record.number,
                          "reason": " ".join(m for ms in _errors(error).values() for m in ms)})
    else:
        done = (gettext("Record %(number)s is repaired.") if decision == "approve"
                else gettext("The repair request of record %(number)s was refused."))
        messages.success(request, done % {"number": repair.record.number})
    return redirect(_back(request, reverse("credit:desk")))


@login_required
def import_records(request: HttpRequest) -> HttpResponse:
    """Upload a CSV or XLSX sheet of records: all rows are recorded, or none and every bad cell is listed."""
    if not policy.is_credit_officer(request.user):
        raise PermissionDenied
    if request.method != "POST":
        return redirect(reverse("credit:desk") + "#import")
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise DomainError("required", gettext("Choose a CSV or XLSX file."), field="file")
        if upload.size > max_upload_bytes():
            raise DomainError("file_too_large", gettext("%(name)s is larger than %(limit)s MB.")
                              % {"name": upload.name, "limit": max_upload_bytes() // (1024 * 1024)}, field="file")
        result = services.import_records(actor=request.user, content=upload.read(), filename=upload.name)
    except ValidationFailed as error:
        issues = [{"row": i.row, "column": i.column, "text": (str(i.message) % i.params) if i.params else str(i.message)}
                  for i in error.issues]
        return desk(request, import_errors=issues, status=422)
    except DomainError as error:
        return desk(request, import_errors=[{"row": None, "column": error.field, "text": error.text()}],
                    status=_status_of(error))
    messages.success(request, gettext("%(rows)s rows read: %(created)s records created, %(existing)s were "
                                      "already imported.") % {"rows": result.rows, "created": result.created,
                                                              "existing": result.existing})
    return redirect("credit:desk")
