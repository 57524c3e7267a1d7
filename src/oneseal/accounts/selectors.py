"""Reads about staff."""

from django.db.models import QuerySet

from .models import StaffProfile


def hall_staff_count() -> int:
    """Active staff accounts stationed in a service hall (the seed's 156)."""
    return StaffProfile.objects.filter(hall__isnull=False, user__is_active=True).count()


def staff_of(user) -> StaffProfile | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return StaffProfile.objects.select_related("department", "hall", "region", "window").filter(user=user).first()


def staff_in_department(department) -> QuerySet[StaffProfile]:
    return StaffProfile.objects.filter(department=department).select_related("user")


def workbench_panel(slug: str, staff: StaffProfile | None) -> dict:
    """What a role's workbench shows from the catalog, scoped to the member's hall or department."""
    from oneseal.catalog.models import ItemStatus, LicensingTransfer, ServiceItem, TransferStatus, Zone

    active = ServiceItem.objects.filter(status=ItemStatus.ACTIVE).select_related("zone", "implementing_body")
    if slug == "clerk" and staff and staff.hall_id:
        # 前台综合受理: a window clerk receives every item handled in the hall's zones.
        zones = Zone.objects.filter(hall=staff.hall).order_by("order")
        return {"kind": "zones", "zones": [(z, active.filter(zone=z).count()) for z in zones],
                "items": active.filter(zone__hall=staff.hall, high_frequency=True)[:20]}
    if slug in ("approver", "head") and staff:
        return {"kind": "items", "items": active.filter(implementing_body=staff.department)[:50],
                "count": active.filter(implementing_body=staff.department).count()}
    if slug == "regulator" and staff:
        supervised = active.filter(supervising_department=staff.department)
        return {"kind": "items", "items": supervised[:50], "count": supervised.count()}
    if slug == "supervisor":
        pending = (LicensingTransfer.objects.filter(status=TransferStatus.PENDING)
                   .select_related("item", "from_department").order_by("from_department", "item__code"))
        return {"kind": "pending_transfers", "transfers": pending[:100], "count": pending.count()}
    return {"kind": "none"}
