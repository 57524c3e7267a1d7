"""Reads of the catalog. Public reads need no actor: the catalog is disclosed to everyone."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from .models import (
    Department,
    ItemStatus,
    ItemVersion,
    LicensingTransfer,
    ServiceItem,
    TransferStatus,
    Window,
    Zone,
)

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


@dataclass
class ItemFilters:
    """The catalog search's filters; empty values mean "any"."""

    q: str = ""
    department: str = ""  # department code: implementing body or original department
    zone: str = ""  # zone code
    item_type: str = ""
    online_depth: int | None = None
    visits: int | None = None  # exact number of visits required
    high_frequency: bool | None = None
    one_visit: bool | None = None  # 最多跑一次
    extra: dict = field(default_factory=dict)


def search_items(filters: ItemFilters) -> QuerySet[ServiceItem]:
    """Items in force matching the filters, in code order."""
    qs = ServiceItem.objects.filter(status=ItemStatus.ACTIVE)
    if q := filters.q.strip():
        if _has_no_case(q):
            # Same matches as the case-insensitive lookups (nothing in q has a case), but PostgreSQL
            # then compares the names as they are instead of upper-casing every row first.
            qs = qs.filter(Q(name__contains=q) | Q(code__startswith=q) | Q(name_en__contains=q))
        else:
            qs = qs.filter(Q(name__icontains=q) | Q(code__istartswith=q) | Q(name_en__icontains=q))
    if filters.department:
        # Subqueries rather than joins: the item filters then stay on columns of the item table,
        # which its covering index `item_search_cover` answers without reading the rows.
        department = Department.objects.filter(code=filters.department).values("pk")
        qs = qs.filter(Q(implementing_body__in=department) | Q(original_department__in=department))
    if filters.zone:
        qs = qs.filter(zone__in=Zone.objects.filter(code=filters.zone).values("pk"))
    if filters.item_type:
        qs = qs.filter(item_type=filters.item_type)
    if filters.online_depth is not None:
        qs = qs.filter(online_depth=filters.online_depth)
    if filters.visits is not None:
        qs = qs.filter(visits_required=filters.visits)
    if filters.high_frequency is not None:
        qs = qs.filter(high_frequency=filters.high_frequency)
    if filters.one_visit is not None:
        qs = qs.filter(visits_required__lte=1) if filters.one_visit else qs.filter(visits_required__gt=1)
    return qs.select_related("implementing_body", "original_department", "zone").order_by("code")


def _has_no_case(text: str) -> bool:
    """True if upper- and lower-casing cannot change any character of text (Chinese, digits, '-')."""
    return all(
        ch.isdigit() or ch in "-_ ./()（）·" or unicodedata.name(ch, "").startswith("CJK UNIFIED IDEOGRAPH")
        for ch in text
    )


class _KeysFirstPaginator(Paginator):
    """Finds a page's primary keys first, then loads only those rows with their related rows.

    With OFFSET, the database builds and throws away every row before the page, joins included; the
    keys alone come from an index (page 2,000 of 100,000 items: ~45 ms down to a few ms). The keys of
    up to ten pages ahead are asked for: when the matches end among them (a rare keyword, the last
    pages), the count is known and the COUNT(*), a second full scan for a keyword, is skipped.
    """

    LOOKAHEAD_PAGES = 10

    _keys: tuple[int, list] | None = None

    def get_page(self, number) -> Page:
        if isinstance(number, int) and number >= 1 and not self.orphans and "count" not in self.__dict__:
            bottom = (number - 1) * self.per_page
            ahead = self.per_page * self.LOOKAHEAD_PAGES
            keys = list(self.object_list.values_list("pk", flat=True)[bottom:bottom + ahead + 1])
            if len(keys) <= ahead and (keys or bottom == 0):
                self.__dict__["count"] = bottom + len(keys)  # Paginator.count is a cached_property
            self._keys = (number, keys[:self.per_page])
        return super().get_page(number)

    def page(self, number) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        if self._keys is not None and self._keys[0] == number:
            keys = self._keys[1]
        else:
            keys = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        rows = self.object_list.filter(pk__in=keys).in_bulk() if keys else {}
        return self._get_page([rows[key] for key in keys], number, self)


def page_of(qs: QuerySet, page: int, size: int = PAGE_SIZE) -> Page:
    size = max(1, min(size, MAX_PAGE_SIZE))
    paginator_class = _KeysFirstPaginator if isinstance(qs, QuerySet) else Paginator
    return paginator_class(qs, size).get_page(page)


def item_detail(code: str) -> ServiceItem | None:
    """One item with everything its guide page discloses, or None."""
    return (
        ServiceItem.objects.select_related(
            "implementing_body", "original_department", "supervising_department", "zone", "zone__hall",
            "transfer", "transfer__from_department", "transfer__to_department",
        )
        .prefetch_related(
            "materials", "fees", "special_procedures",
            Prefetch("versions", queryset=ItemVersion.objects.order_by("-number")),
        )
        .filter(code=code)
        .first()
    )


def filter_options() -> dict:
    """The choices offered by the search page's filters."""
    return {
        # EXISTS, not a join: joining items twice multiplies rows (minutes at 100,000 items).
        "departments": list(Department.objects.filter(
            Exists(ServiceItem.objects.filter(implementing_body=OuterRef("pk")))
            | Exists(ServiceItem.objects.filter(original_department=OuterRef("pk")))).order_by("code")),
        "zones": list(Zone.objects.select_related("hall").order_by("hall", "order", "code")),
    }


def reform_stats() -> dict:
    """The reform figures of DOMAIN.md §2, computed from the catalog, the hall and the staff."""
    from oneseal.accounts.selectors import hall_staff_count

    transfers = LicensingTransfer.objects.all()
    by_status = dict(transfers.values_list("status").annotate(n=Count("id")).order_by())
    items = ServiceItem.objects.filter(status=ItemStatus.ACTIVE)
    return {
        "zones": Zone.objects.count(),
        "hall_departments": Window.objects.values("department").distinct().count(),
        "staff": hall_staff_count(),
        "licensing_items": transfers.count(),
        "licensing_categories": transfers.values("from_department").distinct().count(),
        "licensing_transferred": by_status.get(TransferStatus.TRANSFERRED, 0),
        "licensing_pending": by_status.get(TransferStatus.PENDING, 0),
        "pending_departments": transfers.filter(status=TransferStatus.PENDING)
        .values("from_department").distinct().count(),
        "items": items.count(),
        "one_visit_items": items.filter(visits_required__lte=1).count(),
        "high_frequency_items": items.filter(high_frequency=True).count(),
    }


def transfer_progress() -> list[dict]:
    """Per original department: how many of its licensing items are transferred and pending."""
    rows = (
        LicensingTransfer.objects.values("from_department__code", "from_department__name",
                                         "from_department__name_en")
        .annotate(
            transferred=Count("id", filter=Q(status=TransferStatus.TRANSFERRED)),
            pending=Count("id", filter=Q(status=TransferStatus.PENDING)),
        )
        .order_by("from_department__code")
    )
    return [
        {
            "code": r["from_department__code"],
            "name": r["from_department__name"],
            "name_en": r["from_department__name_en"],
            "transferred": r["transferred"],
            "pending": r["pending"],
        }
        for r in rows
    ]
