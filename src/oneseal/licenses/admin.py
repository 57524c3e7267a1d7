"""Read-only admin: licences change only through the services (issuance, revocation, expiry, renewal).
IssuerKey shows the public key's id only: the private key is not in the database at all."""

from django.contrib import admin

from oneseal.kernel.admin_mixins import ReadOnlyAdminMixin

from .models import IssuedLicenceType, IssuerKey, Licence, LicenceType, LicenceUse, RenewalRequest


@admin.register(LicenceType)
class LicenceTypeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "issuing_department", "validity_days"]
    search_fields = ["code", "name"]


@admin.register(IssuedLicenceType)
class IssuedLicenceTypeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["item", "licence_type"]
    search_fields = ["item__code", "item__name", "licence_type__name"]


@admin.register(IssuerKey)
class IssuerKeyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["key_id", "department", "algorithm", "active", "created_at", "retired_at"]
    list_filter = ["algorithm", "active"]
    exclude = ["public_key"]


@admin.register(Licence)
class LicenceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["number", "licence_type", "holder_name", "issuer", "issued_at", "valid_until", "status"]
    list_filter = ["status", "licence_type"]
    search_fields = ["number", "holder_name", "case__number"]
    date_hierarchy = "issued_at"
    exclude = ["holder_id_number"]


@admin.register(RenewalRequest)
class RenewalRequestAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["licence", "requested_at", "status", "decided_at"]
    list_filter = ["status"]


@admin.register(LicenceUse)
class LicenceUseAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["licence", "case", "material", "used_at", "used_by"]
    search_fields = ["licence__number", "case__number"]
