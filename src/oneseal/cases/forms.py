"""Forms of the cases' pages. They only parse input; the rules are the services' (they raise
DomainError with a field, which the views put next to that field).

The application form is built from the item version's JSON Schema (`snapshot["form_schema"]`):
an object whose properties are strings, numbers, integers or booleans, with `enum`, `minLength`,
`maxLength`, `minimum`, `maximum`, `title`, `description` and `required`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from oneseal.kernel.uploads import StoredFile

from .models import ApplicantKind, DeliveryMethod

FORM_PREFIX = "f_"  # the schema's properties, so they never collide with our own fields
MATERIAL_PREFIX = "m_"  # one file input per listed material, by its position in the list
REUSE_PREFIX = "u_"  # "use the offered document instead of an upload", by the material's position


# -- documents offered instead of an upload (免提交) -------------------------------------------------

@dataclass(frozen=True)
class MaterialOffer:
    """A stored document another app offers in place of an upload, e.g. the applicant's electronic
    licence (免提交). `source` is what `CaseMaterial.source` records (``licence:<number>``)."""

    material: str
    source: str
    label: str
    preview_url: str
    file: StoredFile


OfferProvider = Callable[[Any, dict], list[MaterialOffer]]
_offer_providers: list[OfferProvider] = []


def register_material_offers(provider: OfferProvider) -> None:
    """Apps that can stand in for materials register here in their ready() (the licences app does);
    cases never import them (dependencies point one way: kernel ← catalog ← cases ← licences)."""
    if provider not in _offer_providers:
        _offer_providers.append(provider)


def material_offers(applicant, snapshot: dict) -> dict[str, MaterialOffer]:
    """{material name: offer} for the applicant and the item version's materials (first provider wins)."""
    if applicant is None:
        return {}
    offers: dict[str, MaterialOffer] = {}
    for provider in _offer_providers:
        for offer in provider(applicant, snapshot):
            offers.setdefault(offer.material, offer)
    return offers


def schema_field(name: str, spec: dict[str, Any], required: bool) -> forms.Field:
    """One Django form field for one property of a JSON Schema."""
    label = spec.get("title") or name
    help_text = spec.get("description", "")
    kind = spec.get("type", "string")
    common = {"label": label, "help_text": help_text, "required": required}
    if "enum" in spec:
        choices = [(str(v), str(v)) for v in spec["enum"]]
        if not required:
            choices = [("", "—"), *choices]
        return forms.TypedChoiceField(choices=choices, coerce=_coerce_enum(spec), empty_value=None, **common)
    if kind == "boolean":
        return forms.BooleanField(label=label, help_text=help_text, required=False)
    if kind == "integer":
        return forms.IntegerField(min_value=spec.get("minimum"), max_value=spec.get("maximum"), **common)
    if kind == "number":
        return forms.FloatField(min_value=spec.get("minimum"), max_value=spec.get("maximum"), **common)
    return forms.CharField(min_length=spec.get("minLength"), max_length=spec.get("maxLength"), strip=True,
                           **common)


def _coerce_enum(spec: dict[str, Any]):
    values = {str(v): v for v in spec["enum"]}
    return lambda raw: values.get(raw, raw)


class ApplicationForm(forms.Form):
    """The item's application form, its materials, and for a clerk at the window the applicant."""

    kind = forms.ChoiceField(label=_("Applicant type"), choices=ApplicantKind.choices, required=False)
    name = forms.CharField(label=_("Applicant name"), max_length=200, required=False)
    id_number = forms.CharField(label=_("ID number or unified social credit code"), max_length=18, required=False)
    legal_representative = forms.CharField(label=_("Legal representative (organisations)"), max_length=60,
                                           required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)

    APPLICANT_FIELDS = ("kind", "name", "id_number", "legal_representative", "phone")

    def __init__(self, *args, snapshot: dict, ask_applicant: bool, offers: dict[str, MaterialOffer] | None = None,
                 **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.snapshot = snapshot
        self.offers = offers or {}
        self.ask_applicant = ask_applicant
        if not ask_applicant:
            for name in self.APPLICANT_FIELDS:
                del self.fields[name]
        else:
            for name in ("kind", "name", "id_number"):
                self.fields[name].required = True
        schema = snapshot.get("form_schema") or {}
        required = set(schema.get("required", []))
        self.schema_names: list[str] = []
        for prop, spec in (schema.get("properties") or {}).items():
            self.fields[FORM_PREFIX + prop] = schema_field(prop, spec, prop in required)
            self.schema_names.append(prop)
        self.materials: list[dict] = list(snapshot.get("materials", []))
        for index, material in enumerate(self.materials):
            needed = bool(material.get("required")) and not material.get("licence_replaceable")
            self.fields[MATERIAL_PREFIX + str(index)] = forms.FileField(
                label=material["name"], required=needed,
                help_text=_("Can be replaced by the electronic licence") if material.get("licence_replaceable")
                else "",
            )
            self.fields[MATERIAL_PREFIX + str(index)].material = material
            offer = self.offers.get(material["name"])
            if offer is not None:
                # Offered instead of an upload, ticked by default; unticking it declines the offer.
                self.fields[MATERIAL_PREFIX + str(index)].required = False
                self.fields[REUSE_PREFIX + str(index)] = forms.BooleanField(
                    label=_("Use my electronic licence %(label)s instead of uploading") % {"label": offer.label},
                    required=False, initial=True)
                self.fields[REUSE_PREFIX + str(index)].offer = offer

    def clean(self):
        cleaned = super().clean()
        for index, material in enumerate(self.materials):
            reuse, upload = REUSE_PREFIX + str(index), MATERIAL_PREFIX + str(index)
            if reuse not in self.fields:
                continue
            if cleaned.get(reuse) and cleaned.get(upload):
                self.add_error(upload, _("You chose to use your electronic licence for this material: untick it "
                                         "to upload a file instead."))
            elif material.get("required") and not material.get("licence_replaceable") \
                    and not cleaned.get(reuse) and not cleaned.get(upload):
                self.add_error(upload, _("Upload this material or use your electronic licence."))
        return cleaned

    def reuse_field(self, index: int):
        name = REUSE_PREFIX + str(index)
        return self[name] if name in self.fields else None

    def reused(self) -> list[MaterialOffer]:
        """The offers the applicant kept (ticked), in list order."""
        return [self.fields[REUSE_PREFIX + str(i)].offer for i in range(len(self.materials))
                if REUSE_PREFIX + str(i) in self.fields and self.cleaned_data.get(REUSE_PREFIX + str(i))]

    def applicant_fields(self):
        return [self[name] for name in self.APPLICANT_FIELDS if name in self.fields]

    def schema_fields(self):
        return [self[FORM_PREFIX + name] for name in self.schema_names]

    def material_fields(self):
        return [self[MATERIAL_PREFIX + str(i)] for i in range(len(self.materials))]

    def material_rows(self):
        """(file field, offer checkbox or None, offer or None) per listed material, for the page."""
        out = []
        for i, material in enumerate(self.materials):
            reuse = self.reuse_field(i)
            out.append((self[MATERIAL_PREFIX + str(i)], reuse, self.offers.get(material["name"]) if reuse else None))
        return out

    def form_data(self) -> dict[str, Any]:
        """The application form as the schema expects it; empty optional values left out."""
        out = {}
        for name in self.schema_names:
            value = self.cleaned_data.get(FORM_PREFIX + name)
            if value is None or value == "":
                continue
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            out[name] = value
        return out

    def uploads(self) -> list[tuple[str, Any]]:
        """(material name, uploaded file) for each file given, in list order."""
        out = []
        for index, material in enumerate(self.materials):
            upload = self.cleaned_data.get(MATERIAL_PREFIX + str(index))
            if upload:
                out.append((material["name"], upload))
        return out

    def field_for_error(self, field: str | None, uploaded_names: list[str]) -> str | None:
        """Which of our fields a service's error field ("form.area", "materials.1", "id_number") names."""
        if not field:
            return None
        if field.startswith("form.") and FORM_PREFIX + field[5:] in self.fields:
            return FORM_PREFIX + field[5:]
        if field.startswith("materials."):
            try:
                name = uploaded_names[int(field.split(".", 1)[1])]
            except (ValueError, IndexError):
                return None
            index = next((i for i, m in enumerate(self.materials) if m["name"] == name), None)
            return None if index is None else MATERIAL_PREFIX + str(index)
        return field if field in self.fields else None


class TrackForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)

    number = forms.CharField(label=_("Case number"), max_length=30)
    id_number = forms.CharField(label=_("Applicant's ID number or credit code"), max_length=18,
                                help_text=_("The citizen ID number or the unified social credit code given "
                                            "when applying."))


class RefuseForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the refusal"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    legal_basis = forms.CharField(label=_("Legal basis of the refusal"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class DeliverForm(forms.Form):
    method = forms.ChoiceField(label=_("Delivery method"), choices=DeliveryMethod.choices,
                               widget=forms.RadioSelect)
    carrier = forms.CharField(label=_("Carrier"), max_length=60, required=False)
    waybill = forms.CharField(label=_("Waybill number"), max_length=60, required=False)


class SignUpForm(forms.Form):
    """An online account for an applicant; the service checks the ID and the password's strength."""

    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, max_length=128)
    kind = forms.ChoiceField(label=_("Applicant kind"), choices=ApplicantKind.choices)
    name = forms.CharField(label=_("Applicant name"), max_length=200)
    id_number = forms.CharField(label=_("Citizen ID number or unified social credit code"), max_length=18)
    legal_representative = forms.CharField(label=_("Legal representative"), max_length=60, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
