from django.contrib import admin

from oneseal.catalog.admin import AuditedAdmin

from .models import StaffProfile


@admin.register(StaffProfile)
class StaffProfileAdmin(AuditedAdmin):
    list_display = ("full_name", "user", "department", "hall", "region", "window", "title")
    list_filter = ("department", "hall", "region")
    search_fields = ("full_name", "user__username", "phone")
    autocomplete_fields = ("department",)
    raw_id_fields = ("user",)
