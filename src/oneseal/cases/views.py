"""The cases' pages: online application, public tracking, the window clerk's and the approver's
workbenches, and the applicant's own cases (docs/cases-pages.md).

Views parse the request, read through `selectors`, write through `services` and render. The
services decide who may do what; the views only hide what a user cannot do and show a refusal's
message next to the field it names.
"""

from __future__ import annotations

import time
from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from oneseal.accounts.roles import RoleCode, roles_of
from oneseal.catalog.models import ItemStatus, LimitUnit, ServiceItem
from oneseal.kernel.errors import DomainError
from oneseal.kernel.uploads import open_stored

from . import clock, documents, forms, selectors, services
from .forms import ApplicationForm, DeliverForm, RefuseForm, TrackForm
from .lifecycle import TRANSITIONS, Action
from .models import Case, CaseStatus, Channel, PauseKind
from .timeline import EVENT_LABELS
from .workflow import engine
from .workflow.labels import localized_diagram_xml

TRACK_LIMIT = 20  # lookups per session …
TRACK_WINDOW = 600  # … in this many seconds



# -- helpers -------------------------------------------------------------------------------------

def _errors_of(error: DomainError) -> dict[str, list[str]]:
    """Field → messages of a refusal; "" holds what names no field."""
    return error.by_field()


WINDOW_FIELDS = {"problems", "reason", "legal_basis", "materials", "method", "carrier", "waybill"}
STAFF_FIELDS = {"approved", "reasons", "legal_basis", "passed", "note", "reason", "days"}
MY_FIELDS = {"materials", "reason"}


def _grouped(error: DomainError, known: set[str]) -> dict[str, list[str]]:
    """A refusal's messages by the form field they belong to; the rest under "general"."""
    out: dict[str, list[str]] = {}
    for field, texts in _errors_of(error).items():
        key = field.split(".", 1)[0]
        out.setdefault(key if key in known else "general", []).extend(texts)
    return out


def _is_htmx(request: HttpRequest) -> bool:
    return (request.headers.get("HX-Request") == "true"
            and request.headers.get("HX-History-Restore-Request") != "true")


def _can(case: Case, action: Action) -> bool:
    return (case.status, action) in TRANSITIONS


def _staff_case(request: HttpRequest, number: str) -> Case:
    case = selectors.case_for(request.user, number)
    if case is None:
        raise Http404(gettext("No case with this number is visible to you."))
    return case


def case_facts(case: Case, *, public: bool = False) -> dict[str, Any]:
    """What every case page shows: status, clock, timeline, notices and the diagram's data."""
    reading = clock.compute(clock.clock_of(case))
    state = case.workflow_state or {}
    current = engine.current_step_ids(case.procedure, state) if state else []
    events = [
        {"event": e, "label": EVENT_LABELS.get(e.action, e.action),
         "detail": e.data.get("title") or e.data.get("notice") or ""}
        for e in selectors.timeline(case)
    ]
    pause = case.pauses.filter(ended_at__isnull=True).first()
    try:
        unit_label = LimitUnit(reading.unit).label
    except ValueError:
        unit_label = reading.unit
    return {
        "case": case,
        "reading": reading,
        "unit_label": unit_label,
        "pause": pause,
        "pause_is_supplement": pause is not None and pause.kind == PauseKind.SUPPLEMENT,
        "events": events,
        "notices": list(case.notices.all()),
        "bpmn": {"xml": localized_diagram_xml(case.procedure), "current": current},
        "public": public,
    }


# -- applicant sign-up ---------------------------------------------------------------------------

SIGNUP_FIELDS = {"username", "password", "kind", "name", "id_number", "legal_representative", "phone"}


def signup(request: HttpRequest) -> HttpResponse:
    """An online account for a citizen or an organisation, with its applicant record."""
    if request.user.is_authenticated:
        return redirect("cases:my_cases")
    form = forms.SignUpForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                user, _applicant = services.sign_up_applicant(**form.cleaned_data)
            except DomainError as error:
                for field, texts in _errors_of(error).items():
                    for text in texts:
                        form.add_error(field if field in SIGNUP_FIELDS else None, text)
            else:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(request, gettext("Your account is ready. You can apply online now."))
                return redirect("cases:my_cases")
        status = 422
    return render(request, "cases/signup.html", {"form": form}, status=status)


# -- online application --------------------------------------------------------------------------

@login_required
def apply(request: HttpRequest, code: str) -> HttpResponse:
    roles = roles_of(request.user)
    is_clerk = RoleCode.WINDOW_CLERK in roles
    if not is_clerk and RoleCode.APPLICANT not in roles:
        raise PermissionDenied
    item = ServiceItem.objects.filter(code=code, status=ItemStatus.ACTIVE).select_related("implementing_body").first()
    version = item.versions.order_by("-number").first() if item else None
    if item is None or version is None:
        raise Http404(gettext("No service item in force with this code."))
    own = getattr(request.user, "applicant", None) if not is_clerk else None
    ask_applicant = is_clerk or own is None
    # Once-only (免提交): documents the applicant already holds (their electronic licences) are
    # offered instead of an upload; the applicant may untick an offer and upload instead.
    offers = forms.material_offers(own, version.snapshot) if own is not None else {}
    form = ApplicationForm(request.POST or None, request.FILES or None, snapshot=version.snapshot,
                           ask_applicant=ask_applicant, offers=offers)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            case = _submit_application(request, form, item, own, is_clerk)
            if case is not None:
                messages.success(request, gettext("Application received. Your case number is %(number)s.")
                                 % {"number": case.number})
                target = "cases:staff_case" if is_clerk else "cases:my_case"
                return redirect(target, number=case.number)
        status = 422
    return render(request, "cases/apply.html", {
        "nav": "catalog", "item": item, "version": version, "form": form, "is_clerk": is_clerk,
        "own": own,
    }, status=status)


def _submit_application(request, form: ApplicationForm, item, own, is_clerk: bool) -> Case | None:
    uploads = form.uploads()
    reused = form.reused()
    names = [name for name, _f in uploads] + [offer.material for offer in reused]
    try:
        applicant = own
        if applicant is None:
            data = form.cleaned_data
            applicant = services.register_applicant(
                actor=request.user, kind=data["kind"], name=data["name"], id_number=data["id_number"],
                legal_representative=data.get("legal_representative", ""), phone=data.get("phone", ""),
                user=None if is_clerk else request.user)
        profile = getattr(request.user, "staff_profile", None)
        return services.submit_case(
            actor=request.user, item=item, applicant=applicant,
            channel=Channel.WINDOW if is_clerk else Channel.ONLINE,
            form_data=form.form_data(), hall=profile.hall if is_clerk and profile else None,
            materials=[*(services.MaterialUpload(material=name, stream=f, filename=f.name, size=f.size)
                         for name, f in uploads),
                       *(services.ReusedMaterial(material=offer.material, file=offer.file, source=offer.source)
                         for offer in reused)],
        )
    except DomainError as error:
        for field, texts in _errors_of(error).items():
            target = form.field_for_error(field, names)
            for text in texts:
                form.add_error(target, text)
        return None


# -- public tracking -----------------------------------------------------------------------------

def _throttled(request: HttpRequest) -> bool:
    now = time.time()
    recent = [t for t in request.session.get("track_lookups", []) if now - t < TRACK_WINDOW]
    if len(recent) >= TRACK_LIMIT:
        request.session["track_lookups"] = recent
        return True
    request.session["track_lookups"] = [*recent, now]
    return False


def track(request: HttpRequest) -> HttpResponse:
    """Tracking by number AND the applicant's ID: POST only, so the ID never lands in a URL or a log."""
    form = TrackForm(request.POST or None)
    context: dict[str, Any] = {"nav": "track", "form": form, "not_found": False, "throttled": False}
    status = 200
    if request.method == "POST" and form.is_valid():
        if _throttled(request):
            context["throttled"] = True
            status = 429
        else:
            case = selectors.track(form.cleaned_data["number"], form.cleaned_data["id_number"])
            if case is None:
                context["not_found"] = True
                status = 404
            else:
                context.update(case_facts(case, public=True))
                # The notices of a case found by number + ID may be printed in this session.
                tracked = [n for n in request.session.get("tracked_cases", []) if n != case.number]
                request.session["tracked_cases"] = [*tracked[-9:], case.number]
    response = render(request, "cases/track.html", context, status=status)
    add_never_cache_headers(response)
    return response


# -- downloads -----------------------------------------------------------------------------------

@login_required
def material_download(request: HttpRequest, number: str, pk: int) -> FileResponse:
    case = _staff_case(request, number)
    material = case.materials.filter(pk=pk).first()
    if material is None:
        raise Http404
    try:
        stream = open_stored(material.path)
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(stream, content_type=material.content_type, as_attachment=True,
                            filename=material.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def notice_pdf(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    """A notice as its PDF, for whoever may see the case: staff and the applicant by their role, a
    visitor only for a case they found by number and ID in this session."""
    case = selectors.case_for(request.user, number) if request.user.is_authenticated else None
    if case is None and number in request.session.get("tracked_cases", []):
        case = Case.objects.filter(number=number).first()
    notice = case.notices.filter(pk=pk).first() if case is not None else None
    if notice is None:
        raise Http404
    response = HttpResponse(documents.notice_pdf(notice), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="notice-{notice.pk}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    add_never_cache_headers(response)
    return response


# -- the window clerk's workbench ----------------------------------------------------------------

def _require_clerk(request: HttpRequest) -> None:
    if not request.user.has_perm("accounts.use_window_workbench"):
        raise PermissionDenied


def _window_context(request: HttpRequest) -> dict[str, Any]:
    delivered = selectors.visible_cases(request.user).filter(status=CaseStatus.DELIVERED).order_by("delivered_at")
    return {
        "nav": "window",
        "reception": [_reception_row(c) for c in selectors.reception_queue(request.user)
                      .prefetch_related("materials")],
        "output": [{"case": c, "errors": {}} for c in selectors.output_queue(request.user)],
        "delivered": [{"case": c, "errors": {}} for c in delivered],
        "methods": DeliverForm().fields["method"].choices,
    }


def _reception_row(case: Case, errors: dict | None = None, done: str = "", post: dict | None = None) -> dict:
    listed = [m["name"] for m in case.item_version.snapshot.get("materials", [])]
    return {"case": case, "errors": errors or {}, "done": done, "listed": listed, "post": post or {},
            "materials": list(case.materials.all()),
            "can_accept": _can(case, Action.ACCEPT), "can_supplement": _can(case, Action.REQUEST_SUPPLEMENT),
            "can_refuse": _can(case, Action.REFUSE), "can_receive": case.status == CaseStatus.AWAITING_SUPPLEMENT}


@login_required
def window(request: HttpRequest) -> HttpResponse:
    _require_clerk(request)
    return render(request, "cases/window.html", _window_context(request))


WINDOW_ACTIONS = {"accept", "supplement", "refuse", "receive", "deliver", "confirm"}


@login_required
@require_POST
def window_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    _require_clerk(request)
    if action not in WINDOW_ACTIONS:
        raise Http404
    case = _staff_case(request, number)
    done = ""
    errors: dict[str, list[str]] = {}
    try:
        done = _do_window_action(request, case, action)
    except DomainError as error:
        errors = _grouped(error, WINDOW_FIELDS)
    case = Case.objects.select_related("item", "applicant", "hall", "item_version").get(pk=case.pk)
    output_side = action in {"deliver", "confirm"}
    if _is_htmx(request):
        row = {"case": case, "errors": errors, "done": done} if output_side else _reception_row(
            case, errors, done, request.POST)
        template = "cases/window.html#output_row" if output_side else "cases/window.html#reception_row"
        response = render(request, template, {"row": row, "methods": DeliverForm().fields["method"].choices})
        patch_vary_headers(response, ["HX-Request"])
        return response
    if not errors:
        messages.success(request, done)
        return redirect("cases:window")
    context = _window_context(request)
    for key in ("reception", "output", "delivered"):
        for row in context[key]:
            if row["case"].pk == case.pk:
                row["errors"] = errors
                row["post"] = request.POST
    context["error_case"] = case.number
    return render(request, "cases/window.html", context, status=422)


def _do_window_action(request: HttpRequest, case: Case, action: str) -> str:
    user, post = request.user, request.POST
    if action == "accept":
        services.accept_case(actor=user, case=case)
        return gettext("Case %(number)s accepted; the acceptance notice is issued.") % {"number": case.number}
    if action == "supplement":
        names = [m["name"] for m in case.item_version.snapshot.get("materials", [])]
        problems = [(name, post.get(f"problem_{i}", "").strip()) for i, name in enumerate(names)]
        problems = [(name, text) for name, text in problems if text]
        services.request_supplement(actor=user, case=case, problems=problems, note=post.get("note", ""))
        return gettext("Supplement notice issued for case %(number)s.") % {"number": case.number}
    if action == "refuse":
        form = RefuseForm(post)
        form.is_valid()
        services.refuse_case(actor=user, case=case, reason=form.cleaned_data.get("reason", ""),
                             legal_basis=form.cleaned_data.get("legal_basis", ""))
        return gettext("Case %(number)s not accepted; the notice is issued.") % {"number": case.number}
    if action == "receive":
        upload = request.FILES.get("file")
        materials = []
        if upload is not None:
            materials.append(services.MaterialUpload(material=post.get("material", ""), stream=upload,
                                                     filename=upload.name, size=upload.size))
        services.receive_supplement(actor=user, case=case, materials=materials, in_person=True)
        return gettext("Supplement received for case %(number)s.") % {"number": case.number}
    if action == "deliver":
        services.deliver_result(actor=user, case=case, method=post.get("method", ""),
                                carrier=post.get("carrier", "").strip(), waybill=post.get("waybill", "").strip())
        return gettext("Result of case %(number)s handed out.") % {"number": case.number}
    services.confirm_receipt(actor=user, case=case)
    return gettext("Receipt of case %(number)s confirmed; the case is closed.") % {"number": case.number}


# -- the approver's workbench --------------------------------------------------------------------

@login_required
def approval(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("accounts.use_approval_workbench"):
        raise PermissionDenied
    rows = []
    for task in selectors.inbox(request.user):
        reading = clock.compute(clock.clock_of(task.case))
        rows.append({"task": task, "case": task.case, "reading": reading,
                     "unit_label": LimitUnit(reading.unit).label})
    return render(request, "cases/approval.html", {"nav": "approval", "rows": rows})


def _staff_only(request: HttpRequest) -> None:
    roles = roles_of(request.user)
    if not roles & {RoleCode.WINDOW_CLERK, RoleCode.APPROVER, RoleCode.BUREAU_HEAD, RoleCode.SUPERVISOR}:
        raise PermissionDenied


def _ready_tasks_for(user, case: Case) -> list:
    if not case.workflow_state or case.status != CaseStatus.ACCEPTED:
        return []
    roles = roles_of(user)
    return [t for t in engine.ready_tasks(case.procedure, case.workflow_state) if t.lane in roles]


def _staff_case_page(request: HttpRequest, case: Case, errors: dict | None = None, status: int = 200,
                     task_errors_for: str = "") -> HttpResponse:
    context = case_facts(case)
    context.update({
        "nav": "approval" if request.user.has_perm("accounts.use_approval_workbench") else "window",
        "tasks": _ready_tasks_for(request.user, case),
        "materials": list(case.materials.all()),
        "flags": list(case.flags.all()),
        "errors": errors or {}, "task_errors_for": task_errors_for, "post": request.POST,
        "form_rows": _form_rows(case),
        "can_extend": (request.user.has_perm("accounts.approve_extensions") and not case.extension_days
                       and _can(case, Action.EXTEND)),
        "can_issue": _can(case, Action.ISSUE) and RoleCode.APPROVER in roles_of(request.user),
        "decision": getattr(case, "decision", None) if case.decided_at else None,
    })
    return render(request, "cases/staff_case.html", context, status=status)


def _form_rows(case: Case) -> list[tuple[str, Any]]:
    props = (case.item_version.snapshot.get("form_schema") or {}).get("properties") or {}
    return [(props.get(k, {}).get("title") or k, v) for k, v in case.form_data.items()]


@login_required
def staff_case(request: HttpRequest, number: str) -> HttpResponse:
    _staff_only(request)
    return _staff_case_page(request, _staff_case(request, number))


def _yes_no(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


@login_required
@require_POST
def staff_task(request: HttpRequest, number: str) -> HttpResponse:
    _staff_only(request)
    case = _staff_case(request, number)
    task_id = request.POST.get("task_id", "")
    task = next((t for t in engine.ready_tasks(case.procedure, case.workflow_state or {}) if t.id == task_id),
                None) if case.workflow_state else None
    data: dict[str, Any] = {}
    if task is not None and task.kind == "decision":
        data["approved"] = _yes_no(request.POST.get("approved"))
        data["reasons"] = request.POST.get("reasons", "").strip()
        data["legal_basis"] = request.POST.get("legal_basis", "").strip()
    elif task is not None:
        if task.requires:
            data[task.requires] = _yes_no(request.POST.get(task.requires))
        if request.POST.get("note", "").strip():
            data["note"] = request.POST["note"].strip()
    try:
        case = services.complete_task(actor=request.user, case=case, task_id=task_id, data=data)
    except DomainError as error:
        return _staff_case_page(request, case, _grouped(error, STAFF_FIELDS), 422, task_errors_for=task_id)
    messages.success(request, gettext("Step done."))
    return redirect("cases:staff_case", number=case.number)


@login_required
@require_POST
def staff_extend(request: HttpRequest, number: str) -> HttpResponse:
    _staff_only(request)
    case = _staff_case(request, number)
    try:
        services.extend_case(actor=request.user, case=case, reason=request.POST.get("reason", ""))
    except DomainError as error:
        return _staff_case_page(request, case, _grouped(error, STAFF_FIELDS), 422, task_errors_for="extend")
    messages.success(request, gettext("The time limit is extended."))
    return redirect("cases:staff_case", number=case.number)


@login_required
@require_POST
def staff_issue(request: HttpRequest, number: str) -> HttpResponse:
    _staff_only(request)
    case = _staff_case(request, number)
    try:
        services.issue_result(actor=request.user, case=case)
    except DomainError as error:
        return _staff_case_page(request, case, _grouped(error, STAFF_FIELDS), 422, task_errors_for="issue")
    messages.success(request, gettext("The result is issued and goes to the output window."))
    return redirect("cases:staff_case", number=case.number)


# -- the applicant's own cases -------------------------------------------------------------------

def _own_case(request: HttpRequest, number: str) -> Case:
    case = selectors.visible_cases(request.user).filter(number=number, applicant__user=request.user).first()
    if case is None:
        raise Http404(gettext("You have no case with this number."))
    return case


@login_required
def my_cases(request: HttpRequest) -> HttpResponse:
    cases = selectors.visible_cases(request.user).filter(applicant__user=request.user).order_by("-submitted_at")
    return render(request, "cases/my_cases.html", {"nav": "my", "cases": cases})


def _my_case_page(request: HttpRequest, case: Case, errors: dict | None = None, status: int = 200) -> HttpResponse:
    context = case_facts(case)
    context.update({
        "nav": "my", "errors": errors or {}, "materials": list(case.materials.all()),
        "listed": [m["name"] for m in case.item_version.snapshot.get("materials", [])],
        "can_confirm": _can(case, Action.CONFIRM_RECEIPT), "can_withdraw": _can(case, Action.WITHDRAW),
        "can_supplement": case.status == CaseStatus.AWAITING_SUPPLEMENT or (
            context["pause"] is not None and context["pause_is_supplement"]),
        "form_rows": _form_rows(case),
    })
    return render(request, "cases/my_case.html", context, status=status)


@login_required
def my_case(request: HttpRequest, number: str) -> HttpResponse:
    return _my_case_page(request, _own_case(request, number))


@login_required
@require_POST
def my_case_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    case = _own_case(request, number)
    try:
        if action == "confirm":
            services.confirm_receipt(actor=request.user, case=case)
            done = gettext("Thank you: receipt confirmed, the case is closed.")
        elif action == "withdraw":
            services.withdraw_case(actor=request.user, case=case, reason=request.POST.get("reason", ""))
            done = gettext("The application is withdrawn.")
        elif action == "supplement":
            upload = request.FILES.get("file")
            materials = [services.MaterialUpload(material=request.POST.get("material", ""), stream=upload,
                                                 filename=upload.name, size=upload.size)] if upload else []
            services.receive_supplement(actor=request.user, case=case, materials=materials, in_person=False)
            done = gettext("Supplement received.")
        else:
            raise Http404
    except DomainError as error:
        return _my_case_page(request, case, _grouped(error, MY_FIELDS), 422)
    messages.success(request, done)
    return redirect("cases:my_case", number=case.number)
