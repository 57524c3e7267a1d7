"""Cases in the admin: read-only. Every change to a case goes through the services (the workbenches
and the API), so the timeline, the clock and the audit chain stay whole."""

from django.contrib import admin

from oneseal.kernel.admin_mixins import ReadOnlyAdminMixin

from . import models as m


class EventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = m.CaseEvent
    fields = ("at", "action", "actor", "status_after", "note")
    readonly_fields = fields
    extra = 0


class NoticeInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = m.Notice
    fields = ("kind", "number", "issued_at", "issued_by")
    readonly_fields = fields
    extra = 0


class PauseInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = m.ClockPause
    fields = ("kind", "special_procedure", "max_working_days", "started_at", "ended_at")
    readonly_fields = fields
    extra = 0


@admin.register(m.Case)
class CaseAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("number", "item", "applicant", "channel", "status", "submitted_at", "due_at", "due_provisional")
    list_filter = ("status", "channel", "deemed_accepted", "due_provisional", "hall")
    search_fields = ("number", "item__code", "item__name", "applicant__name")
    date_hierarchy = "submitted_at"
    exclude = ("workflow_state", "request_hash", "idempotency_key", "form_data")
    inlines = [NoticeInline, PauseInline, EventInline]
    list_select_related = ("item", "applicant")


@admin.register(m.Applicant)
class ApplicantAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("name", "kind", "legal_representative", "created_at")
    list_filter = ("kind",)
    search_fields = ("name", "id_number")
    exclude = ("id_number",)  # identity numbers are not browsed in the admin


@admin.register(m.SupplementOverride)
class SupplementOverrideAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("case", "granted_by", "granted_at", "used", "reason")
    list_filter = ("used",)
