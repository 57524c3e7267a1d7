"""Back office for the kernel: the audit log (read-only) and the working-time calendar.

Calendar writes from the admin go through kernel/calendar_services.py like every other write, so
they are audited and trigger the deadline recompute; imported schedules are read-only here (import
them with `oneseal calendar import`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from . import calendar_services
from .admin_mixins import ReadOnlyAdminMixin
from .calendar_models import CalendarDay, CalendarYear, DaySource
from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The audit log can be read, never written: the hash chain would expose any edit."""

    list_display = ["seq", "at", "actor_label", "action", "target_type", "target_id"]
    list_filter = ["action", "target_type"]
    search_fields = ["action", "actor_label", "target_id"]
    date_hierarchy = "at"
    ordering = ["-seq"]
    readonly_fields = [f.name for f in AuditEntry._meta.fields]


class LocalDayForm(forms.ModelForm):
    class Meta:
        model = CalendarDay
        fields = ["date", "working", "name"]
        help_texts = {"working": _("Checked: a local working day (本地上班). Unchecked: a local holiday (本地放假).")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].required = True


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    """Local holidays and working days; the days of imported schedules are shown read-only."""

    form = LocalDayForm
    list_display = ["date", "working", "name", "source", "updated_at"]
    list_filter = ["source", "working"]
    search_fields = ["name"]
    date_hierarchy = "date"
    fields = ["date", "working", "name"]

    def has_change_permission(self, request: HttpRequest, obj: CalendarDay | None = None) -> bool:
        if obj is not None and obj.source != DaySource.LOCAL:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: CalendarDay | None = None) -> bool:
        if obj is not None and obj.source != DaySource.LOCAL:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: CalendarDay, form: Any, change: bool) -> None:
        if change and "date" in form.changed_data:
            calendar_services.remove_local_day(actor=request.user, day=form.initial["date"])
        saved = calendar_services.set_local_day(actor=request.user, day=obj.date, working=obj.working,
                                                name=obj.name)
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: CalendarDay) -> None:
        calendar_services.remove_local_day(actor=request.user, day=obj.date)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for day in queryset.filter(source=DaySource.LOCAL):
            calendar_services.remove_local_day(actor=request.user, day=day.date)


@admin.register(CalendarYear)
class CalendarYearAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["year", "source_name", "imported_at", "imported_by"]
    readonly_fields = ["year", "source_name", "imported_at", "imported_by"]
