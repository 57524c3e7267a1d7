"""The sharing app's pages: the regulator's push inbox and a push's page (claim, file a finding), the
issuing department's findings inbox, and supervision's escalated pushes (docs/sharing.md).

Views parse, read through `selectors`, write through `services`, render. The services decide who may do
what; a push or finding the user may not see is a 404 like one that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from oneseal.kernel.errors import DomainError

from . import policy, selectors, services
from .models import ClaimChannel, FindingKind, FindingStatus

PAGE_SIZE = 20


def _errors(error: DomainError) -> dict[str, list[str]]:
    return error.by_field(general="general")


def _is_htmx(request: HttpRequest) -> bool:
    return (request.headers.get("HX-Request") == "true"
            and request.headers.get("HX-History-Restore-Request") != "true")


def _status_of(error: DomainError) -> int:
    return error.status if error.status != 400 else 409


def _back(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


# -- the regulator's inbox -------------------------------------------------------------------------

def _states() -> list[tuple[str, str]]:
    return [("", gettext("All")), ("unclaimed", gettext("Unclaimed")), ("overdue", gettext("Overdue")),
            ("claimed", gettext("Claimed")), ("escalated", gettext("Escalated"))]


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """审管互动 inbox: the pushes of the regulator's department, newest first, filtered by state."""
    if policy.regulator_department(request.user) is None:
        raise PermissionDenied
    state = request.GET.get("state", "")
    if state not in selectors.PUSH_STATES:
        state = ""
    page = Paginator(selectors.pushes_for(request.user, state or None), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"nav": "regulator", "page": page, "state": state, "states": _states(),
               "counts": selectors.inbox_counts(request.user), "rows": [{"push": p} for p in page.object_list]}
    if _is_htmx(request) and request.headers.get("HX-Target") == "results":
        return render(request, "sharing/inbox.html#results", context)
    return render(request, "sharing/inbox.html", context)


def _visible_push(request: HttpRequest, pk: int):
    push = selectors.push_for(request.user, pk)
    if push is None:
        raise Http404
    return push


@login_required
@require_POST
def claim(request: HttpRequest, pk: int) -> HttpResponse:
    push = _visible_push(request, pk)
    row: dict[str, Any] = {"push": push}
    status = 200
    try:
        row["push"] = services.claim_push(actor=request.user, push=push, note=request.POST.get("note", ""),
                                          channel=ClaimChannel.PAGE)
        row["done"] = gettext("Claimed.")
    except DomainError as error:
        row["errors"], status = _errors(error), _status_of(error)
        row["push"] = _visible_push(request, pk)
    if _is_htmx(request):
        return render(request, "sharing/inbox.html#push_row", {"row": row}, status=status)
    if status == 200:
        messages.success(request, row["done"])
    else:
        messages.error(request, " ".join(m for ms in row["errors"].values() for m in ms))
    return redirect(_back(request, reverse("sharing:inbox")))


@login_required
def push_page(request: HttpRequest, pk: int, errors: dict | None = None, status: int = 200) -> HttpResponse:
    push = _visible_push(request, pk)
    may_act = policy.is_regulator_of(request.user, push.department_id)
    context = {"nav": "regulator", "push": push, "may_act": may_act, "kinds": FindingKind.choices,
               "findings": list(push.findings.select_related("filed_by").order_by("-filed_at")),
               "errors": errors or {}, "post": request.POST if errors else {}}
    return render(request, "sharing/push.html", context, status=status)


@login_required
@require_POST
def file_finding(request: HttpRequest, pk: int) -> HttpResponse:
    push = _visible_push(request, pk)
    try:
        services.file_finding(actor=request.user, push=push, kind=request.POST.get("kind", ""),
                              text=request.POST.get("text", ""), legal_basis=request.POST.get("legal_basis", ""))
    except DomainError as error:
        return push_page(request, pk, errors=_errors(error), status=error.status if error.status != 400 else 409)
    messages.success(request, gettext("The finding was sent to the issuing department."))
    return redirect("sharing:push", pk=pk)


# -- the issuing department's findings inbox ------------------------------------------------------

@login_required
def findings(request: HttpRequest) -> HttpResponse:
    """Findings received by the approver's or head's department (监管反馈), open ones first."""
    if policy.bureau_department(request.user) is None:
        raise PermissionDenied
    status = request.GET.get("status", "")
    if status not in FindingStatus.values:
        status = ""
    qs = selectors.findings_for(request.user, status or None).filter(
        issuing_department_id=policy.bureau_department(request.user)).order_by("status", "-filed_at", "-pk")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"nav": "findings", "page": page, "status": status,
               "statuses": [("", gettext("All"))] + [(v, str(label)) for v, label in FindingStatus.choices],
               "rows": [{"finding": f} for f in page.object_list]}
    return render(request, "sharing/findings.html", context)


@login_required
@require_POST
def finding_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    finding = selectors.finding_for(request.user, pk)
    if finding is None or action not in ("acknowledge", "close"):
        raise Http404
    row: dict[str, Any] = {"finding": finding}
    status = 200
    try:
        if action == "acknowledge":
            row["finding"] = services.acknowledge_finding(actor=request.user, finding=finding)
            row["done"] = gettext("Acknowledged.")
        else:
            row["finding"] = services.close_finding(actor=request.user, finding=finding,
                                                    outcome=request.POST.get("outcome", ""))
            row["done"] = gettext("Closed.")
    except DomainError as error:
        row["errors"], status = _errors(error), _status_of(error)
        row["finding"] = selectors.finding_for(request.user, pk)
    if _is_htmx(request):
        return render(request, "sharing/findings.html#finding_row", {"row": row}, status=status)
    if status == 200:
        messages.success(request, row["done"])
    else:
        messages.error(request, " ".join(m for ms in row["errors"].values() for m in ms))
    return redirect(_back(request, reverse("sharing:findings")))


# -- supervision -----------------------------------------------------------------------------------

@login_required
def escalations(request: HttpRequest) -> HttpResponse:
    """Pushes escalated to supervision (unclaimed past the reminder), unclaimed first."""
    if not policy.is_supervisor(request.user):
        raise PermissionDenied
    state = request.GET.get("state", "")
    if state not in ("unclaimed", "claimed"):
        state = ""
    page = Paginator(selectors.escalations_for(request.user, state or None), PAGE_SIZE).get_page(
        request.GET.get("page"))
    context = {"nav": "escalations", "page": page, "state": state,
               "states": [s for s in _states() if s[0] in ("", "unclaimed", "claimed")]}
    return render(request, "sharing/escalations.html", context)
