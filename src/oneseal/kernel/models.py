"""Kernel state: the hash-chained audit log and the working-time calendar's overrides."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One entry of the tamper-evident audit log (审计日志).

    Each entry stores the hash of the entry before it; `oneseal audit verify` recomputes the chain
    and names the first entry whose stored hash does not match its content.
    """

    seq = models.BigIntegerField(_("sequence"), unique=True)
    at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("actor"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(_("actor name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=80)
    target_type = models.CharField(_("target type"), max_length=80, blank=True)
    target_id = models.CharField(_("target id"), max_length=80, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64)

    class Meta:
        ordering = ["seq"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        # Declared here rather than with db_index/unique on the fields: on PostgreSQL those add a second,
        # LIKE-pattern index to each text column, which nothing queries and every append would write.
        indexes = [models.Index(fields=["action"], name="auditentry_action"),
                   models.Index(fields=["target_id"], name="auditentry_target")]
        constraints = [models.UniqueConstraint(fields=["hash"], name="auditentry_hash_unique")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.target_type}:{self.target_id}"


# The working-time calendar's models live in their own module; importing them here registers them.
from .calendar_models import CalendarDay, CalendarRevision, CalendarYear, DaySource  # noqa: E402, F401
from .event_models import DeliveryStatus, DomainEvent, EventDelivery  # noqa: E402, F401
