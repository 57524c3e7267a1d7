from django.contrib import admin

from oneseal.kernel.admin_mixins import ReadOnlyAdminMixin

from .models import PaymentNotification, PaymentOrder, Refund, SimulatedPlatformOrder


@admin.register(PaymentOrder)
class PaymentOrderAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["payment_code", "reference", "payer_name", "total_fen", "status", "issued_at", "paid_at"]
    list_filter = ["status", "provider"]
    search_fields = ["payment_code", "reference", "payer_name", "provider_txn_id"]
    date_hierarchy = "issued_at"


@admin.register(PaymentNotification)
class PaymentNotificationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["notification_id", "order", "txn_id", "amount_fen", "outcome", "received_at"]
    list_filter = ["outcome"]
    search_fields = ["notification_id", "txn_id", "order__payment_code"]


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["provider_refund_id", "order", "amount_fen", "created_at", "created_by"]
    search_fields = ["provider_refund_id", "order__payment_code"]


@admin.register(SimulatedPlatformOrder)
class SimulatedPlatformOrderAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["payment_code", "reference", "amount_fen", "paid_at", "refunded_at"]
    search_fields = ["payment_code", "reference"]
