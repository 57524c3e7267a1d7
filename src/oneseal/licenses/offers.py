"""The licences' part of once-only (免提交): offers of the applicant's own licences in place of uploads.

Registered with the cases' application (`cases.forms.register_material_offers`) in the AppConfig's
ready(); the apply page and the submit API ask for offers, the applicant keeps or declines each, and a
kept offer is submitted as `cases.services.ReusedMaterial(source="licence:<number>")`. The use is
logged by the `cases.submitted` subscriber (`services.record_licence_uses`).
"""

from __future__ import annotations

from django.urls import reverse

from oneseal.cases.forms import MaterialOffer

from .selectors import licence_file, offerable_licences
from .services import SOURCE_PREFIX


def licence_offers(applicant, snapshot: dict) -> list[MaterialOffer]:
    return [
        MaterialOffer(material=name, source=f"{SOURCE_PREFIX}{licence.number}",
                      label=f"{licence.licence_type.name}（{licence.number}）",
                      preview_url=reverse("licenses:my_licence", args=[licence.number]),
                      file=licence_file(licence))
        for name, licence in offerable_licences(applicant, snapshot).items()
    ]
