"""Read-only admin: definitions are made through `services.define_bundle` (which validates the whole
graph in one transaction), applications only move through the services."""

from django.contrib import admin

from oneseal.kernel.admin_mixins import ReadOnlyAdminMixin

from .models import (
    BundleApplication,
    BundleDefinition,
    BundleItem,
    BundleNotice,
    BundlePart,
    DataMapping,
    PoolMaterial,
)


class BundleItemInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = BundleItem
    fields = ["order", "item"]
    extra = 0


class PoolMaterialInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = PoolMaterial
    fields = ["order", "name", "required"]
    extra = 0


class DataMappingInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = DataMapping
    fk_name = "definition"
    fields = ["source", "source_kind", "source_key", "target", "target_field"]
    extra = 0


@admin.register(BundleDefinition)
class BundleDefinitionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "limit_amount", "limit_unit", "active"]
    list_filter = ["active"]
    search_fields = ["code", "name"]
    inlines = [BundleItemInline, PoolMaterialInline, DataMappingInline]


class BundlePartInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = BundlePart
    fields = ["bundle_item", "case", "status", "started_at", "finished_at", "failure"]
    extra = 0


class BundleNoticeInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = BundleNotice
    fields = ["kind", "at", "content"]
    extra = 0


@admin.register(BundleApplication)
class BundleApplicationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["number", "definition", "applicant", "status", "submitted_at", "due_at", "ready_at", "closed_at"]
    list_filter = ["status", "definition"]
    search_fields = ["number", "applicant__name"]
    date_hierarchy = "submitted_at"
    inlines = [BundlePartInline, BundleNoticeInline]
