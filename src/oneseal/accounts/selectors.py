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
