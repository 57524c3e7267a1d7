"""Pages of commitment approval (告知承诺 / 先建后验): the applicant signs and applies online and follows
their commitments; an inspector works their verification inspections; a commitment's own page.

Views parse, read through `selectors`, write through `services`, render; the services decide who may
do what. A commitment or inspection the user may not see is a 404 like one that does not exist.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from oneseal.cases.forms import ApplicationForm, material_offers
from oneseal.cases.models import Channel
from oneseal.cases.services import MaterialUpload, ReusedMaterial
from oneseal.catalog.models import CommitmentMode, ItemStatus, ServiceItem
from oneseal.kernel.errors import DomainError

from .. import policy
from ..models import CommitmentStatus, VerificationOutcome
from ..selectors import commitments as selectors
from ..services import commitments as services

PAGE_SIZE = 20


class SignForm(forms.Form):
    """The signature under the commitment text (告知承诺书): read and agreed, by whom."""

    agree = forms.BooleanField(label=_("I have read the commitment above, its content is true, and I sign it"),
                               required=True)
    signer_name = forms.CharField(label=_("Signer's name"), max_length=60,
                                  help_text=_("The applicant, or for an organisation its legal representative or "
                                              "authorised agent."))
    signer_id_number = forms.CharField(label=_("Signer's citizen ID number"), max_length=18)
    project = forms.CharField(label=_("Project"), max_length=200, required=False,
                              help_text=_("For build-first investment projects: the project to be built."))
    text_sha256 = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, build_first: bool, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.fields["project"].required = build_first


class OutcomeForm(forms.Form):
    """An inspector's record of a verification inspection."""

    outcome = forms.ChoiceField(label=_("Outcome"), choices=VerificationOutcome.choices, widget=forms.RadioSelect)
    findings = forms.CharField(label=_("Findings"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    rectify_days = forms.IntegerField(label=_("Rectify within (working days)"), required=False, min_value=1,
                                      max_value=services.MAX_RECTIFY_DAYS,
                                      help_text=_("Only for a fixable finding."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)


# -- signing and applying ----------------------------------------------------------------------------

def _commitment_item(code: str):
    item = (ServiceItem.objects.filter(code=code, status=ItemStatus.ACTIVE)
            .select_related("implementing_body", "supervising_department").first())
    version, terms = services.published_terms(item) if item is not None else (None, None)
    if item is None or not terms or item.commitment_mode == CommitmentMode.NONE:
        raise Http404(gettext("No service item in force with this code allows commitment approval."))
    return item, version, terms


def _split_materials(snapshot: dict) -> tuple[list[dict], list[dict]]:
    """(proofs the commitment replaces, materials still to upload)."""
    replaced = [m for m in snapshot.get("materials", []) if m.get("commitment_replaceable")]
    rest = [m for m in snapshot.get("materials", []) if not m.get("commitment_replaceable")]
    return replaced, rest


SIGN_FIELDS = {"signer_name", "signer_id_number", "project"}


def _place_errors(error: DomainError, sign_form: SignForm, app_form: ApplicationForm, names: list[str]) -> None:
    """Put each refusal next to the field it names; the rest above the form."""
    for field, texts in error.by_field(general="").items():
        if field in SIGN_FIELDS:
            target_form, target = sign_form, field
        else:
            target_form, target = app_form, app_form.field_for_error(field, names)
        for text in texts:
            target_form.add_error(target, text)


@login_required
def apply(request: HttpRequest, code: str) -> HttpResponse:
    """告知承诺: the commitment text, the proofs it replaces, the materials still to upload, the signature."""
    item, version, terms = _commitment_item(code)
    applicant = getattr(request.user, "applicant", None)
    if applicant is None:
        raise PermissionDenied
    replaced, rest = _split_materials(version.snapshot)
    snapshot = {**version.snapshot, "materials": rest}
    build_first = terms.get("mode") == CommitmentMode.BUILD_FIRST
    shown = services.text_sha256(terms["text"])
    app_form = ApplicationForm(request.POST or None, request.FILES or None, snapshot=snapshot, ask_applicant=False,
                               offers=material_offers(applicant, snapshot))
    sign_form = SignForm(request.POST or None, build_first=build_first, initial={
        "text_sha256": shown, "signer_name": applicant.legal_representative or applicant.name,
        "signer_id_number": applicant.id_number if applicant.kind == "person" else ""})
    excluded = None
    try:
        services.refuse_if_excluded(applicant.id_number, timezone.now())
    except DomainError as error:
        excluded = error.text()
    status = 200
    if request.method == "POST":
        status = 422
        if app_form.is_valid() and sign_form.is_valid():
            uploads = app_form.uploads()
            reused = app_form.reused()
            names = [name for name, _f in uploads] + [offer.material for offer in reused]
            data = sign_form.cleaned_data
            try:
                commitment = services.sign_and_apply(
                    actor=request.user, item=item, applicant=applicant, channel=Channel.ONLINE,
                    form_data=app_form.form_data(),
                    materials=[*(MaterialUpload(material=name, stream=f, filename=f.name, size=f.size)
                                 for name, f in uploads),
                               *(ReusedMaterial(material=o.material, file=o.file, source=o.source) for o in reused)],
                    replaced=[m["name"] for m in replaced], project=data.get("project", ""),
                    signer_name=data["signer_name"], signer_id_number=data["signer_id_number"],
                    text_shown_sha256=data["text_sha256"])
            except DomainError as error:
                _place_errors(error, sign_form, app_form, names)
                status = error.status if error.status != 400 else 422
            else:
                messages.success(request, gettext(
                    "Approved on your commitment: case %(number)s. The verification inspection is due by "
                    "%(due)s.") % {"number": commitment.case.number,
                                   "due": _local(commitment.verify_by)})
                return redirect("credit:commitment", pk=commitment.pk)
    return render(request, "credit/commitments/apply.html", {
        "nav": "catalog", "item": item, "version": version, "terms": terms, "text_sha256": shown,
        "build_first": build_first, "replaced": replaced, "app_form": app_form, "sign_form": sign_form,
        "applicant": applicant, "excluded": excluded,
    }, status=status)


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


# -- the applicant's commitments ----------------------------------------------------------------------

def _statuses() -> list[tuple[str, str]]:
    return [("", gettext("All"))] + [(value, str(label)) for value, label in CommitmentStatus.choices]


@login_required
def my_commitments(request: HttpRequest) -> HttpResponse:
    if getattr(request.user, "applicant", None) is None:
        raise PermissionDenied
    status = request.GET.get("status", "")
    if status not in CommitmentStatus.values:
        status = ""
    page = Paginator(selectors.commitments_of(request.user, status or None), PAGE_SIZE).get_page(
        request.GET.get("page"))
    return render(request, "credit/commitments/my_commitments.html", {
        "nav": "my_commitments", "page": page, "status": status, "statuses": _statuses()})


# -- the inspector's verifications --------------------------------------------------------------------

def _states() -> list[tuple[str, str]]:
    return [("", gettext("All")), ("open", gettext("To record")), ("overdue", gettext("Overdue")),
            ("due_soon", gettext("Due within 7 days")), ("recorded", gettext("Recorded"))]


@login_required
def verifications(request: HttpRequest) -> HttpResponse:
    """核查任务: the verification inspections the inspector was drawn for, due first."""
    me = selectors.inspector_of(request.user)
    if me is None:
        raise PermissionDenied
    state = request.GET.get("state", "open")
    if state not in selectors.VERIFICATION_STATES:
        state = ""
    item_code = request.GET.get("item", "").strip()[:40]
    mine = selectors.verifications_for(request.user)
    items = sorted({(v.commitment.item.code, v.commitment.item.name) for v in mine})
    if item_code not in {code for code, _n in items}:
        item_code = ""
    page = Paginator(selectors.verifications_for(request.user, state or None, item_code), PAGE_SIZE).get_page(
        request.GET.get("page"))
    now = timezone.now()
    rows = [{"inspection": i, "overdue": i.recorded_at is None and i.due_by < now} for i in page.object_list]
    return render(request, "credit/commitments/verifications.html", {
        "nav": "verifications", "page": page, "rows": rows, "state": state, "states": _states(), "items": items,
        "item_code": item_code, "inspector": me, "counts": selectors.verification_counts(request.user)})


# -- one commitment ---------------------------------------------------------------------------------

def _commitment_page(request: HttpRequest, pk: int, *, form: OutcomeForm | None = None, form_for: int | None = None,
                     status: int = 200) -> HttpResponse:
    commitment = selectors.commitment_for(request.user, pk)
    if commitment is None:
        raise Http404
    me = selectors.inspector_of(request.user)
    rows: list[dict[str, Any]] = []
    for inspection in selectors.inspections_of(commitment):
        mine = me is not None and any(i.pk == me.pk for i in inspection.inspectors.all())
        row = {"inspection": inspection, "may_record": mine and inspection.recorded_at is None
               and commitment.status in services.OPEN}
        if row["may_record"]:
            row["form"] = form if form is not None and form_for == inspection.pk else OutcomeForm()
        rows.append(row)
    return render(request, "credit/commitments/commitment.html", {
        "nav": "verifications" if me is not None else "my_commitments", "commitment": commitment, "rows": rows,
        "own": commitment.subject.id_number in policy.subject_numbers_of(request.user)}, status=status)


@login_required
def commitment(request: HttpRequest, pk: int) -> HttpResponse:
    return _commitment_page(request, pk)


@login_required
@require_POST
def record_verification(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = selectors.verification_for(request.user, pk)
    if inspection is None:
        raise Http404
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        return _commitment_page(request, inspection.commitment_id, form=form, form_for=pk, status=422)
    data = form.cleaned_data
    try:
        services.record_verification(actor=request.user, inspection=inspection, outcome=data["outcome"],
                                     findings=data["findings"], rectify_days=data.get("rectify_days"))
    except DomainError as error:
        for field, texts in error.by_field(general="").items():
            for text in texts:
                form.add_error(field if field in form.fields else None, text)
        return _commitment_page(request, inspection.commitment_id, form=form, form_for=pk,
                                status=error.status if error.status != 400 else 422)
    done = {
        VerificationOutcome.CONFIRMED: gettext("Recorded: the commitment was kept."),
        VerificationOutcome.FIXABLE: gettext("Recorded: rectification ordered; a follow-up inspection is scheduled."),
        VerificationOutcome.FALSE: gettext("Recorded: the commitment was false; the approval is revoked and a "
                                           "credit record was written."),
    }
    messages.success(request, done[data["outcome"]])
    return redirect("credit:commitment", pk=inspection.commitment_id)
