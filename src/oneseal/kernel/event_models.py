"""The transactional outbox: domain events and their deliveries to subscribers (领域事件 / 发件箱)."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class DomainEvent(models.Model):
    """Something that happened, written in the same transaction as the change it describes.

    The id is the event id receivers deduplicate by: a delivery may be made more than once, the
    event is the same each time.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    topic = models.CharField(_("topic"), max_length=80)
    aggregate = models.CharField(_("subject"), max_length=120, blank=True,
                                 help_text=_("What the event is about, e.g. cases.Case:42."))
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    occurred_at = models.DateTimeField(_("occurred at"), db_index=True)

    class Meta:
        ordering = ["occurred_at"]
        verbose_name = _("domain event")
        verbose_name_plural = _("domain events")
        # Plain indexes (db_index on a text field adds an unused LIKE-pattern index on PostgreSQL).
        indexes = [models.Index(fields=["topic"], name="domainevent_topic"),
                   models.Index(fields=["aggregate"], name="domainevent_aggregate")]

    def __str__(self) -> str:
        return f"{self.topic} {self.aggregate} ({self.id})"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    DONE = "done", _("delivered")
    DEAD = "dead", _("given up")


class EventDelivery(models.Model):
    """One event for one subscriber: retried with exponential backoff until it is handled."""

    event = models.ForeignKey(DomainEvent, verbose_name=_("event"), on_delete=models.CASCADE,
                              related_name="deliveries")
    subscriber = models.CharField(_("subscriber"), max_length=120)
    status = models.CharField(_("status"), max_length=10, choices=DeliveryStatus.choices,
                              default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"))
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("event delivery")
        verbose_name_plural = _("event deliveries")
        constraints = [models.UniqueConstraint(fields=["event", "subscriber"], name="one_delivery_per_subscriber")]
        indexes = [models.Index(fields=["status", "next_attempt_at", "id"], name="delivery_due")]

    def __str__(self) -> str:
        return f"{self.subscriber} ← {self.event_id} ({self.status})"
