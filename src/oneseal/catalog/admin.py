"""Django admin for the catalog, in Chinese. Saves go through the catalog's services: every change
is audited, and an item whose disclosed content changed gets a new version."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from oneseal.kernel.admin_mixins import ReadOnlyAdminMixin
from oneseal.kernel.errors import ValidationFailed

from . import models as m
from .diff import diff_versions
from .services import publish_item_version, record_admin_change
from .xlsx import XLSX_CONTENT_TYPE, export_workbook, import_workbook


class AuditedAdmin(admin.ModelAdmin):
    """Records every add, change and delete in the audit log, in the admin's own transaction."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        record_admin_change(actor=request.user, obj=obj, action="changed" if change else "added",
                            changed=list(form.changed_data))

    def delete_model(self, request, obj):
        record_admin_change(actor=request.user, obj=obj, action="deleted")
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            record_admin_change(actor=request.user, obj=obj, action="deleted")
        super().delete_queryset(request, queryset)


@admin.register(m.Region)
class RegionAdmin(AuditedAdmin):
    list_display = ("code", "name", "name_en", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name", "name_en")


@admin.register(m.Department)
class DepartmentAdmin(AuditedAdmin):
    list_display = ("code", "name", "short_name", "kind", "region")
    list_filter = ("kind", "region")
    search_fields = ("code", "name", "name_en", "short_name")


class ZoneInline(admin.TabularInline):
    model = m.Zone
    extra = 0


@admin.register(m.Hall)
class HallAdmin(AuditedAdmin):
    list_display = ("code", "name", "region", "morning_start", "morning_end", "afternoon_start", "afternoon_end")
    search_fields = ("code", "name")
    inlines = [ZoneInline]


class WindowInline(admin.TabularInline):
    model = m.Window
    extra = 0
    autocomplete_fields = ("department",)


@admin.register(m.Zone)
class ZoneAdmin(AuditedAdmin):
    list_display = ("code", "name", "hall", "order")
    list_filter = ("hall",)
    search_fields = ("code", "name")
    inlines = [WindowInline]


@admin.register(m.Window)
class WindowAdmin(AuditedAdmin):
    list_display = ("zone", "number", "kind", "department")
    list_filter = ("zone", "kind")
    autocomplete_fields = ("department",)


class MaterialInline(admin.TabularInline):
    model = m.Material
    extra = 0


class FeeInline(admin.TabularInline):
    model = m.Fee
    extra = 0


class SpecialProcedureInline(admin.TabularInline):
    model = m.SpecialProcedure
    extra = 0


@admin.register(m.ServiceItem)
class ServiceItemAdmin(AuditedAdmin):
    change_list_template = "admin/catalog/serviceitem/change_list.html"
    list_display = ("code", "name", "item_type", "implementing_body", "zone", "visits_required", "online_depth",
                    "high_frequency", "status", "version")
    list_filter = ("item_type", "status", "zone", "visits_required", "online_depth", "high_frequency",
                   "handling_mode", "implementing_body")
    search_fields = ("code", "name", "name_en")
    autocomplete_fields = ("implementing_body", "original_department", "supervising_department")
    readonly_fields = ("version", "updated_at")
    inlines = [MaterialInline, FeeInline, SpecialProcedureInline]
    list_per_page = 50
    fieldsets = (
        (None, {"fields": ("code", "name", "name_en", "item_type", "status", "version", "updated_at")}),
        (_("Responsibility"), {"fields": ("implementing_body", "original_department", "supervising_department",
                                          "zone")}),
        (_("Legal basis and conditions"), {"fields": ("legal_basis", "conditions")}),
        (_("Procedure and time limits"), {"fields": (
            "procedure", "procedure_steps", ("statutory_limit", "statutory_limit_unit"),
            ("committed_limit", "committed_limit_unit"), "handling_mode")}),
        (_("Service"), {"fields": ("is_free", "place", "office_hours", "consultation_channel", "complaint_channel",
                                   "visits_required", "online_depth", "high_frequency")}),
        (_("Commitment approval and risk"), {"fields": ("high_risk", "commitment_mode", "commitment_text",
                                                        "commitment_verify_days")}),
        (_("Application form"), {"classes": ("collapse",), "fields": ("form_schema",)}),
    )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        note = request.POST.get("_change_note", "") or str(_("Edited in the administration"))
        publish_item_version(actor=request.user, item=form.instance, note=note)

    def get_urls(self):
        own = [
            path("import/", self.admin_site.admin_view(self.import_view), name="catalog_serviceitem_import"),
            path("export/", self.admin_site.admin_view(self.export_view), name="catalog_serviceitem_export"),
        ]
        return own + super().get_urls()

    def _require_catalog_manager(self, request):
        if not request.user.has_perm("accounts.manage_catalog"):
            raise PermissionDenied

    def export_view(self, request):
        self._require_catalog_manager(request)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response = HttpResponse(export_workbook(), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="oneseal-catalog-{stamp}.xlsx"'
        return response

    def import_view(self, request):
        self._require_catalog_manager(request)
        context = {**self.admin_site.each_context(request), "opts": self.model._meta,
                   "title": _("Import the catalog from Excel"), "issues": None, "summary": None}
        if request.method == "POST":
            upload = request.FILES.get("workbook")
            if upload is None:
                messages.error(request, _("Choose a .xlsx file to import."))
            else:
                # Read at most one byte past the limit: the size check happens before parsing.
                from django.conf import settings

                content = upload.read(settings.ONESEAL_IMPORT_MAX_BYTES + 1)
                try:
                    summary = import_workbook(actor=request.user, content=content,
                                              note=request.POST.get("note", ""))
                    context["summary"] = sorted(summary.items())
                    messages.success(request, _("The catalog was imported."))
                except ValidationFailed as exc:
                    context["issues"] = [i.as_dict() for i in exc.issues]
        return TemplateResponse(request, "admin/catalog/serviceitem/import.html", context)


@admin.register(m.LicensingTransfer)
class LicensingTransferAdmin(AuditedAdmin):
    list_display = ("item", "from_department", "to_department", "batch", "date", "status")
    list_filter = ("status", "from_department", "batch")
    search_fields = ("item__code", "item__name")
    autocomplete_fields = ("item", "from_department", "to_department")


@admin.register(m.ItemVersion)
class ItemVersionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Versions are immutable: they can be read and compared, never edited."""

    list_display = ("item", "number", "published_at", "published_by", "change_note")
    search_fields = ("item__code", "item__name")
    readonly_fields = ("item", "number", "published_at", "published_by", "change_note", "changes")
    exclude = ("snapshot",)

    @admin.display(description=_("Changes from the previous version"))
    def changes(self, obj):
        previous = obj.item.versions.filter(number__lt=obj.number).order_by("-number").first()
        if previous is None:
            return _("First version")
        rows = [(c.label, c.row, c.old, c.new) for c in diff_versions(previous.snapshot, obj.snapshot)]
        return format_html("<table><thead><tr><th>{}</th><th></th><th>{}</th><th>{}</th></tr></thead>"
                           "<tbody>{}</tbody></table>", _("Field"), _("Before"), _("After"),
                           format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", rows))
