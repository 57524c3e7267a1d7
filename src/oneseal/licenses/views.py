"""The licences' pages: public verification, the holder's licence wallet with its data tracker, and
the issuing department's workbench (revocation, renewal decisions). docs/licences.md.

Views parse, read through `selectors`, write through `services`; who may do what is `policy`'s.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext, pgettext
from django.views.decorators.http import require_POST

from oneseal.cases.notices.data import mask_id
from oneseal.kernel.errors import DomainError
from oneseal.kernel.uploads import open_stored

from . import policy, selectors, services
from .models import RenewalRequest, RenewalStatus
from .numbering import NUMBER_PATTERN


def _text(error: DomainError) -> str:
    text = str(error.message)
    return text % error.params if error.params else text


def verdict_label(verdict: str) -> str:
    labels = {
        selectors.Verdict.VALID: gettext("Valid"),
        selectors.Verdict.NOT_YET_VALID: gettext("Not yet valid (a renewal, valid from the date shown)"),
        selectors.Verdict.REVOKED: pgettext("licence status", "Revoked"),
        selectors.Verdict.EXPIRED: gettext("Expired"),
        selectors.Verdict.TAMPERED: gettext("Tampered: the record does not match the issuer's signature"),
        selectors.Verdict.UNKNOWN: gettext("No licence with this number"),
    }
    return labels.get(verdict, verdict)


def public_facts(licence) -> dict:
    """What the public sees of a licence: no full ID number (masked as on notices)."""
    return {
        "number": licence.number, "type_name": licence.licence_type.name, "holder_name": licence.holder_name,
        "holder_id_masked": mask_id(licence.holder_id_number), "issuer_name": licence.issuer.name,
        "issued_at": licence.issued_at, "valid_from": licence.valid_from, "valid_until": licence.valid_until,
        "revoked_at": licence.revoked_at, "key_id": licence.key_id, "algorithm": licence.algorithm,
    }


# -- public verification ---------------------------------------------------------------------------

def verify_index(request: HttpRequest) -> HttpResponse:
    """Enter a number (GET ?number=) or upload a licence PDF (POST) to verify it."""
    context: dict = {"nav": "verify"}
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("pdf")
        if upload is None:
            context["pdf_error"] = gettext("Choose the licence PDF to verify.")
            status = 422
        elif upload.size > 5 * 1024 * 1024:
            context["pdf_error"] = gettext("A licence PDF is smaller than 5 MB; this file is not one.")
            status = 413
        else:
            result = selectors.verify_pdf(upload.read())
            context["pdf_result"] = {"verdict": result.verdict, "label": verdict_label(result.verdict),
                                     "number": result.claims.get("n", "")}
    number = (request.GET.get("number") or "").strip().upper()
    if number:
        if NUMBER_PATTERN.match(number):
            return redirect("licenses:verify", number=number)
        context["number_error"] = gettext("A licence number looks like SPJ-YYZZ-2026-000123-7.")
        context["number"] = number
        status = 422
    response = render(request, "licenses/verify_index.html", context, status=status)
    add_never_cache_headers(response)
    return response


def verify_page(request: HttpRequest, number: str) -> HttpResponse:
    """/verify/<number>: what the QR code opens. With ?p=<payload> it also checks the QR payload."""
    result = selectors.verify(number)
    context: dict = {"nav": "verify", "number": number, "verdict": result.verdict,
                     "verdict_label": verdict_label(result.verdict)}
    if result.licence is not None:
        context["licence"] = public_facts(result.licence)
    payload = request.GET.get("p", "")
    if payload:
        checked = selectors.verify_payload_online(payload)
        same = checked.claims.get("n") == number
        context["payload"] = {"signature_valid": checked.signature_valid and same,
                              "verdict": checked.verdict if same else selectors.Verdict.TAMPERED}
    status = 404 if result.verdict == selectors.Verdict.UNKNOWN else 200
    response = render(request, "licenses/verify.html", context, status=status)
    add_never_cache_headers(response)
    return response


# -- the holder's wallet ---------------------------------------------------------------------------

@login_required
def wallet(request: HttpRequest) -> HttpResponse:
    licences = [(licence, selectors.verdict_of(licence)) for licence in selectors.wallet(request.user)]
    uses = selectors.uses_of_my_licences(request.user)
    return render(request, "licenses/wallet.html", {
        "nav": "wallet", "licences": [(lic, v, verdict_label(v)) for lic, v in licences], "uses": uses[:200],
        "saved": uses.count(),
    })


def _mine(request: HttpRequest, number: str):
    licence = selectors.wallet(request.user).filter(number=number).first()
    if licence is None:
        raise Http404(gettext("You hold no licence with this number."))
    return licence


def _my_licence_page(request, licence, error: str = "", status: int = 200) -> HttpResponse:
    verdict = selectors.verdict_of(licence)
    deadline = services.renewal_deadline(licence)
    pending = licence.renewals.filter(status=RenewalStatus.PENDING).first()
    return render(request, "licenses/my_licence.html", {
        "nav": "wallet", "licence": licence, "verdict": verdict, "verdict_label": verdict_label(verdict),
        "fields": _fields(licence), "uses": licence.uses.select_related("case__item", "department"),
        "renewal_deadline": deadline, "pending_renewal": pending, "renewals": licence.renewals.all(),
        "can_renew": verdict == selectors.Verdict.VALID and deadline is not None and pending is None
        and not hasattr(licence, "renewed_by") and services.local_today() <= deadline,
        "error": error,
    }, status=status)


def _fields(licence) -> list[tuple[str, str]]:
    labels = {f["name"]: f.get("label") or f["name"] for f in licence.licence_type.fields or [] if f.get("name")}
    return [(labels.get(name, name), value) for name, value in licence.data.items()]


@login_required
def my_licence(request: HttpRequest, number: str) -> HttpResponse:
    return _my_licence_page(request, _mine(request, number))


@login_required
@require_POST
def my_licence_renew(request: HttpRequest, number: str) -> HttpResponse:
    licence = _mine(request, number)
    try:
        services.request_renewal(actor=request.user, licence=licence)
    except DomainError as error:
        return _my_licence_page(request, licence, _text(error), 422)
    messages.success(request, gettext("Your renewal application is received. If no decision is made before the "
                                      "licence expires, it is renewed (Art. 50)."))
    return redirect("licenses:my_licence", number=licence.number)


@login_required
def licence_pdf(request: HttpRequest, number: str) -> FileResponse:
    """The sealed PDF, for its holder and for the staff who may see the licence."""
    licence = selectors.licence_for(request.user, number)
    if licence is None or not licence.pdf_path:
        raise Http404
    try:
        stream = open_stored(licence.pdf_path)
    except FileNotFoundError:
        raise Http404 from None
    inline = request.GET.get("inline") == "1"
    response = FileResponse(stream, content_type="application/pdf", as_attachment=not inline,
                            filename=f"{licence.number}.pdf")
    response["X-Content-Type-Options"] = "nosniff"
    return response


# -- the issuing department's workbench --------------------------------------------------------------

def _require_staff(request: HttpRequest) -> None:
    if not (policy.may_see_all(request.user) or policy.is_staff(request.user)):
        raise Http404


@login_required
def staff_licences(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    query = (request.GET.get("q") or "").strip()
    licences = selectors.visible_licences(request.user).exclude(holder__user=request.user)
    if query:
        licences = licences.filter(number__icontains=query) | licences.filter(holder_name__icontains=query)
    return render(request, "licenses/staff_licences.html", {
        "nav": "licences", "licences": licences[:100], "query": query,
        "renewals": selectors.pending_renewals(request.user), "stats": selectors.materials_saved(),
    })


def _staff_licence_page(request, licence, errors: dict | None = None, status: int = 200) -> HttpResponse:
    verdict = selectors.verdict_of(licence)
    return render(request, "licenses/staff_licence.html", {
        "nav": "licences", "licence": licence, "verdict": verdict, "verdict_label": verdict_label(verdict),
        "fields": _fields(licence), "uses": selectors.uses_of(request.user, licence),
        "holder_id_masked": mask_id(licence.holder_id_number),
        "can_revoke": policy.is_issuer_staff(request.user, licence) and verdict != selectors.Verdict.REVOKED,
        "renewals": licence.renewals.all(), "can_decide": policy.is_issuer_staff(request.user, licence),
        "errors": errors or {},
    }, status=status)


def _staff_licence(request: HttpRequest, number: str):
    _require_staff(request)
    licence = selectors.licence_for(request.user, number)
    if licence is None:
        raise Http404(gettext("No licence with this number that you may see."))
    return licence


@login_required
def staff_licence(request: HttpRequest, number: str) -> HttpResponse:
    return _staff_licence_page(request, _staff_licence(request, number))


@login_required
@require_POST
def staff_revoke(request: HttpRequest, number: str) -> HttpResponse:
    licence = _staff_licence(request, number)
    try:
        services.revoke_licence(actor=request.user, licence=licence, reason=request.POST.get("reason", ""))
    except DomainError as error:
        key = "reason" if error.field == "reason" else "general"
        return _staff_licence_page(request, licence, {key: [_text(error)]},
                                   403 if error.status == 403 else 422)
    messages.success(request, gettext("The licence is revoked; verification answers “revoked” from now on."))
    return redirect("licenses:staff_licence", number=licence.number)


@login_required
@require_POST
def staff_decide_renewal(request: HttpRequest, pk: int) -> HttpResponse:
    _require_staff(request)
    renewal = RenewalRequest.objects.select_related("licence").filter(pk=pk).first()
    licence = selectors.licence_for(request.user, renewal.licence.number) if renewal else None
    if licence is None:
        raise Http404
    approve = request.POST.get("approve") == "1"
    try:
        services.decide_renewal(actor=request.user, request=renewal, approve=approve,
                                reason=request.POST.get("reason", ""))
    except DomainError as error:
        key = "renewal_reason" if error.field == "reason" else "general"
        return _staff_licence_page(request, licence, {key: [_text(error)]}, 403 if error.status == 403 else 422)
    messages.success(request, gettext("The renewal is decided."))
    return redirect("licenses:staff_licence", number=licence.number)
