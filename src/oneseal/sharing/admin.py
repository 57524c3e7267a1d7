"""Read-only admin of the sharing app: records change through the services. A webhook's signing secret
is never shown (it is not among the fields)."""

from django.contrib import admin

from oneseal.kernel.admin_mixins import ReadOnlyAdminMixin

from .models import RegulatorFinding, RegulatorPush, WebhookEndpoint


@admin.register(RegulatorPush)
class RegulatorPushAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["pk", "kind", "case_number", "licence_number", "department", "created_at", "due_at",
                    "claimed_at", "reminded_at", "escalated_at"]
    list_filter = ["kind", "department", ("claimed_at", admin.EmptyFieldListFilter),
                   ("escalated_at", admin.EmptyFieldListFilter)]
    search_fields = ["case_number", "licence_number", "subject_name"]
    date_hierarchy = "created_at"
    list_select_related = ["department"]


@admin.register(RegulatorFinding)
class RegulatorFindingAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["pk", "kind", "status", "push", "department", "issuing_department", "filed_at", "closed_at"]
    list_filter = ["kind", "status"]
    search_fields = ["licence_number", "push__case_number", "text"]
    list_select_related = ["push", "department", "issuing_department"]


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["pk", "name", "department", "url", "active", "created_at", "deactivated_at"]
    list_filter = ["active", "department"]
    fields = ["name", "department", "url", "owner", "active", "created_at", "deactivated_at"]  # never the secret
    search_fields = ["name", "url"]
