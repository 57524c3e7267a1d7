"""The public pages of the catalog: portal home, catalog search, guide pages, reform progress.

Every view here only parses the request, calls a selector and renders; the catalog is disclosed to
everyone (DOMAIN.md §3.1), so nothing needs authorising.
"""

from __future__ import annotations

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import selectors
from .diff import diff_versions
from .models import ItemType, OnlineDepth

YES_NO_CHOICES = [("", _("Any")), ("1", _("Yes")), ("0", _("No"))]


class ItemSearchForm(forms.Form):
    """Parses the catalog search's query string; a value it cannot parse is dropped, not fatal."""

    q = forms.CharField(label=_("Keyword"), max_length=100, required=False)
    department = forms.ChoiceField(label=_("Department"), required=False)
    zone = forms.ChoiceField(label=_("Zone"), required=False)
    type = forms.ChoiceField(label=_("Item type"), required=False,
                             choices=[("", _("Any")), *ItemType.choices])
    online_depth = forms.TypedChoiceField(label=_("Online depth"), required=False, coerce=int, empty_value=None,
                                          choices=[("", _("Any")), *OnlineDepth.choices])
    visits = forms.TypedChoiceField(label=_("Visits required"), required=False, coerce=int, empty_value=None,
                                    choices=[("", _("Any")), ("0", "0"), ("1", "1"), ("2", "2")])
    high_frequency = forms.TypedChoiceField(label=_("High-frequency"), required=False, choices=YES_NO_CHOICES,
                                            coerce=lambda v: v == "1", empty_value=None)
    one_visit = forms.TypedChoiceField(label=_("At most one visit"), required=False, choices=YES_NO_CHOICES,
                                       coerce=lambda v: v == "1", empty_value=None)

    def __init__(self, *args, options: dict, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.fields["department"].choices = [("", _("Any"))] + [
            (d.code, d.display_name) for d in options["departments"]]
        self.fields["zone"].choices = [("", _("Any"))] + [(z.code, z.display_name) for z in options["zones"]]

    def filters(self) -> selectors.ItemFilters:
        """The filters from the fields that parsed; call after is_valid()."""
        data = self.cleaned_data
        return selectors.ItemFilters(
            q=data.get("q") or "",
            department=data.get("department") or "",
            zone=data.get("zone") or "",
            item_type=data.get("type") or "",
            online_depth=data.get("online_depth"),
            visits=data.get("visits"),
            high_frequency=data.get("high_frequency"),
            one_visit=data.get("one_visit"),
        )

    def ignored_labels(self) -> list[str]:
        return [str(self.fields[name].label) for name in self.errors if name in self.fields]


def _page_number(raw: str | None) -> int:
    try:
        return max(1, int(raw or 1))
    except ValueError:
        return 1


def _is_partial_request(request: HttpRequest) -> bool:
    # htmx's history restore asks for the whole page even though it sends HX-Request.
    return (request.headers.get("HX-Request") == "true"
            and request.headers.get("HX-History-Restore-Request") != "true")


def _item_or_404(code: str):
    item = selectors.item_detail(code)
    if item is None:
        raise Http404(gettext("No service item with this code."))
    return item


def home(request: HttpRequest) -> HttpResponse:
    stats = selectors.reform_stats()
    one_visit = selectors.search_items(selectors.ItemFilters(high_frequency=True, one_visit=True))
    return render(request, "catalog/home.html", {
        "nav": "home",
        "zones": _zones_with_counts(),
        "one_visit_items": one_visit[:12],
        "one_visit_total": one_visit.count(),
        "stats": stats,
        "one_visit_percent": _percent(stats["one_visit_items"], stats["items"]),
    })


def item_list(request: HttpRequest) -> HttpResponse:
    form = ItemSearchForm(request.GET, options=selectors.filter_options())
    form.is_valid()
    ignored = form.ignored_labels()
    page = selectors.page_of(selectors.search_items(form.filters()), _page_number(request.GET.get("page")))
    context = {
        "nav": "catalog", "form": form, "page": page, "ignored": ignored,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "ellipsis": page.paginator.ELLIPSIS,
    }
    template = "catalog/item_list.html#results" if _is_partial_request(request) else "catalog/item_list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def item_detail(request: HttpRequest, code: str) -> HttpResponse:
    return render(request, "catalog/item_detail.html", {"nav": "catalog", "item": _item_or_404(code)})


def item_print(request: HttpRequest, code: str) -> HttpResponse:
    return render(request, "catalog/item_print.html", {"item": _item_or_404(code)})


def item_versions(request: HttpRequest, code: str) -> HttpResponse:
    item = _item_or_404(code)
    versions = list(item.versions.all())  # newest first
    rows = []
    for index, version in enumerate(versions):
        previous = versions[index + 1] if index + 1 < len(versions) else None
        changes = diff_versions(previous.snapshot, version.snapshot) if previous is not None else None
        rows.append({"version": version, "previous": previous, "changes": changes})
    return render(request, "catalog/item_versions.html", {
        "nav": "catalog", "item": item, "rows": rows,
    })


def reform(request: HttpRequest) -> HttpResponse:
    stats = selectors.reform_stats()
    progress = selectors.transfer_progress()
    english = (request.LANGUAGE_CODE or "").startswith("en")
    departments = [
        {**row, "label": (row["name_en"] or row["name"]) if english else row["name"]} for row in progress
    ]
    one_visit_percent = _percent(stats["one_visit_items"], stats["items"])
    chart_data = {
        "transfer": {
            "departments": [d["label"] for d in departments],
            "transferred": [d["transferred"] for d in departments],
            "pending": [d["pending"] for d in departments],
            "labels": {"transferred": gettext("Transferred"), "pending": gettext("Pending")},
        },
        "one_visit": {
            "one_visit": stats["one_visit_items"],
            "other": stats["items"] - stats["one_visit_items"],
            "labels": {"one_visit": gettext("At most one visit"), "other": gettext("Two or more visits")},
        },
    }
    return render(request, "catalog/reform.html", {
        "nav": "reform", "stats": stats, "departments": departments, "chart_data": chart_data,
        "one_visit_percent": one_visit_percent,
    })


def _zones_with_counts() -> list[dict]:
    # Seven zones: one count query each is cheaper to read than a bespoke selector.
    return [
        {"zone": zone, "count": selectors.search_items(selectors.ItemFilters(zone=zone.code)).count()}
        for zone in selectors.filter_options()["zones"]
    ]


def _percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0
