"""Admin of the credit app. The administrator maintains the joint-punishment measures and the record kinds
that carry them (every change audited); everything else is read-only here and changes through the services
(records, repairs, commitments, inspections)."""

from django.contrib import admin

from oneseal.catalog.admin import AuditedAdmin
from oneseal.kernel.admin_mixins import ReadOnlyAdminMixin

from . import models as m


@admin.register(m.Measure)
class MeasureAdmin(AuditedAdmin):
    list_display = ["code", "name", "scope", "effect"]
    list_filter = ["scope", "effect"]
    search_fields = ["code", "name", "name_en"]


@admin.register(m.RecordKind)
class RecordKindAdmin(AuditedAdmin):
    list_display = ["code", "name", "source", "severity", "effect_days", "public", "repairable"]
    list_filter = ["source", "severity", "public", "repairable"]
    search_fields = ["code", "name", "name_en"]
    filter_horizontal = ["measures"]


@admin.register(m.CreditSubject)
class CreditSubjectAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["id_number", "name", "kind", "created_at"]
    list_filter = ["kind"]
    search_fields = ["=id_number", "name"]


@admin.register(m.CreditRecord)
class CreditRecordAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["number", "subject", "kind", "severity", "status", "effective_from", "effective_until", "public"]
    list_filter = ["source", "severity", "status", "public", "kind"]
    search_fields = ["=number", "=id_number", "title"]
    date_hierarchy = "effective_from"
    list_select_related = ["subject", "kind"]


@admin.register(m.RepairRequest)
class RepairRequestAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["record", "status", "requested_at", "decided_at"]
    list_filter = ["status"]
    exclude = ["evidence_path"]


@admin.register(m.Commitment)
class CommitmentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["pk", "subject", "item", "mode", "status", "signed_at", "verify_by"]
    list_filter = ["mode", "status"]
    search_fields = ["subject__id_number", "subject__name", "project"]
    list_select_related = ["subject", "item"]


@admin.register(m.VerificationInspection)
class VerificationInspectionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["pk", "commitment", "due_by", "outcome", "recorded_at"]
    list_filter = ["outcome"]


@admin.register(m.Inspector)
class InspectorAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["badge", "name", "department", "active"]
    list_filter = ["department", "active"]
    search_fields = ["badge", "name"]


@admin.register(m.InspectionPlan)
class InspectionPlanAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["pk", "title", "department", "status", "pool_size", "drawn_at", "published_at"]
    list_filter = ["status", "department"]
    exclude = ["seed"]  # hidden until published; the public page shows it then


@admin.register(m.LicenceHolding)
class LicenceHoldingAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["number", "licence_type", "holder_name", "id_number", "valid"]
    list_filter = ["licence_type", "valid"]
    search_fields = ["=number", "=id_number"]
