"""The bundles' pages (一事联办): the bundles offered, the one application form, the applicant's
bundles, the public tracking page, and the window clerk's bundle page (receive the whole bundle at
once, hand out every result together).

Views parse, read through `selectors`, write through `services` and render; the services decide who
may do what, the views only hide what a user cannot do and put a refusal next to its field.
"""

from __future__ import annotations

import time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from oneseal.accounts.roles import RoleCode, roles_of
from oneseal.cases import services as case_services
from oneseal.cases.forms import ApplicationForm, DeliverForm, TrackForm
from oneseal.cases.models import Channel
from oneseal.kernel.errors import DomainError, ValidationFailed

from . import clock, selectors, services
from .models import BundleApplication, BundleDefinition, BundleStatus

TRACK_LIMIT = 20  # lookups per session …
TRACK_WINDOW = 600  # … in this many seconds


def _texts(error: DomainError) -> list[tuple[str, str]]:
    """(field, message) of a refusal, in the page's language."""
    if isinstance(error, ValidationFailed) and error.issues:
        return [(i.field, str(i.message) % i.params if i.params else str(i.message)) for i in error.issues]
    text = str(error.message)
    return [(error.field or "", text % error.params if error.params else text)]


def _snapshot(definition: BundleDefinition) -> dict:
    """The one form and the pool, in the shape the cases' application form reads."""
    return {"form_schema": services.application_form(definition),
            "materials": [{"name": m.name, "required": m.required} for m in definition.pool.all()]}


def definitions(request: HttpRequest) -> HttpResponse:
    return render(request, "bundles/definitions.html", {"nav": "bundles", "definitions": selectors.definitions()})


@login_required
def apply(request: HttpRequest, code: str) -> HttpResponse:
    roles = roles_of(request.user)
    is_clerk = RoleCode.WINDOW_CLERK in roles
    if not is_clerk and RoleCode.APPLICANT not in roles:
        raise PermissionDenied
    definition = selectors.definition(code)
    if definition is None:
        raise Http404(gettext("No bundle with this code is offered."))
    own = getattr(request.user, "applicant", None) if not is_clerk else None
    form = ApplicationForm(request.POST or None, request.FILES or None, snapshot=_snapshot(definition),
                           ask_applicant=is_clerk or own is None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            application = _submit(request, form, definition, own, is_clerk)
            if application is not None:
                messages.success(request, gettext("Application received. Your bundle number is %(number)s.")
                                 % {"number": application.number})
                return redirect("bundles:detail", number=application.number)
        status = 422
    return render(request, "bundles/apply.html", {
        "nav": "bundles", "definition": definition, "form": form, "is_clerk": is_clerk, "own": own,
        "parts": definition.items.select_related("item").prefetch_related("depends_on__item"),
    }, status=status)


def _submit(request, form: ApplicationForm, definition, own, is_clerk: bool) -> BundleApplication | None:
    uploads = form.uploads()
    names = [name for name, _f in uploads]
    try:
        applicant = own
        if applicant is None:
            data = form.cleaned_data
            applicant = case_services.register_applicant(
                actor=request.user, kind=data["kind"], name=data["name"], id_number=data["id_number"],
                legal_representative=data.get("legal_representative", ""), phone=data.get("phone", ""),
                user=None if is_clerk else request.user)
        profile = getattr(request.user, "staff_profile", None)
        return services.apply_bundle(
            actor=request.user, definition=definition, applicant=applicant,
            channel=Channel.WINDOW if is_clerk else Channel.ONLINE, form_data=form.form_data(),
            hall=profile.hall if is_clerk and profile else None,
            materials=[case_services.MaterialUpload(material=name, stream=f, filename=f.name, size=f.size)
                       for name, f in uploads])
    except DomainError as error:
        for field, text in _texts(error):
            form.add_error(form.field_for_error(field, names), text)
        return None


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    return render(request, "bundles/mine.html", {"nav": "bundles", "bundles": selectors.my_bundles(request.user)})


def _context(application: BundleApplication) -> dict:
    reading = clock.reading(application)
    saving = selectors.material_saving(application)
    return {"bundle": application, "reading": reading, "elapsed": clock.format_minutes(reading.elapsed_minutes),
            "limit": clock.limit_label(application), "saving": saving, "parts": selectors.parts(application),
            "notices": application.notices.all()}


@login_required
def detail(request: HttpRequest, number: str) -> HttpResponse:
    application = selectors.bundle_for(request.user, number)
    if application is None:
        raise Http404(gettext("No bundle with this number."))
    is_clerk = RoleCode.WINDOW_CLERK in roles_of(request.user)
    may_accept = is_clerk and any(p.case is not None and p.case.status == "submitted"
                                  for p in selectors.parts(application))
    return render(request, "bundles/detail.html", {
        "nav": "bundles", **_context(application), "is_clerk": is_clerk, "may_accept": may_accept,
        "may_deliver": is_clerk and application.status == BundleStatus.READY,
        "deliver_form": DeliverForm(initial={"method": "pickup"}),
    })


@login_required
def window(request: HttpRequest) -> HttpResponse:
    if RoleCode.WINDOW_CLERK not in roles_of(request.user):
        raise PermissionDenied
    return render(request, "bundles/window.html", {"nav": "window", "bundles": selectors.window_queue(request.user),
                                                   "definitions": selectors.definitions()})


@require_POST
@login_required
def window_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    application = selectors.bundle_for(request.user, number)
    if application is None:
        raise Http404(gettext("No bundle with this number."))
    try:
        if action == "accept":
            accepted = services.accept_parts(actor=request.user, application=application)
            messages.success(request, gettext("%(count)s cases of the bundle accepted.") % {"count": len(accepted)})
        elif action == "deliver":
            form = DeliverForm(request.POST)
            if not form.is_valid():
                raise DomainError("method_required", gettext("Choose how the results are handed over."),
                                  field="method")
            services.deliver_bundle(actor=request.user, application=application, **form.cleaned_data)
            messages.success(request, gettext("Every result of the bundle was handed over together."))
        else:
            raise Http404(gettext("Unknown action."))
    except DomainError as error:
        for _field, text in _texts(error):
            messages.error(request, text)
    return redirect("bundles:detail", number=number)


def track(request: HttpRequest) -> HttpResponse:
    """Public: number AND ID; a wrong pair answers exactly like an unknown number."""
    form = TrackForm(request.POST or None)
    form.fields["number"].label = gettext("Bundle number")
    context: dict = {"nav": "track", "form": form}
    if request.method == "POST" and form.is_valid():
        now = time.time()
        recent = [t for t in request.session.get("bundle_track", []) if now - t < TRACK_WINDOW]
        if len(recent) >= TRACK_LIMIT:
            context["throttled"] = True
        else:
            request.session["bundle_track"] = [*recent, now]
            found = selectors.track(form.cleaned_data["number"], form.cleaned_data["id_number"])
            if found is None:
                context["not_found"] = True
            else:
                context.update(_context(found))
    response = render(request, "bundles/track.html", context)
    add_never_cache_headers(response)
    return response
