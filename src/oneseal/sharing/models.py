"""Approval → regulator sharing state (审管互动): pushes to the supervising department, their claims,
reminders and escalations; regulators' findings back to the bureau; the regulators' webhook endpoints.

A push is made once per source event (the database holds it: `source_event` is unique), so an event the
outbox delivers twice makes one push. Deadlines are stored when the push is made, from the working-time
calendar (kernel.workcal): claim within 2 working days, escalation one working day after the reminder.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PushKind(models.TextChoices):
    """What the push reports; one per source topic (see `receivers.TOPIC_KINDS`)."""

    APPROVED = "approved", _("Approval granted")
    DENIED = "denied", _("Approval denied")
    REVOKED = "revoked", _("Approval revoked")  # 撤销 (a false commitment)
    LICENCE_ISSUED = "licence_issued", _("Licence issued")
    LICENCE_REVOKED = "licence_revoked", _("Licence revoked")
    LICENCE_EXPIRED = "licence_expired", _("Licence expired")
    LICENCE_RENEWED = "licence_renewed", _("Licence renewed")


class ClaimChannel(models.TextChoices):
    PAGE = "page", _("Inbox page")
    API = "api", _("API")
    WEBHOOK = "webhook", _("Webhook answer")


class RegulatorPush(models.Model):
    """One approval result or licence event pushed to the item's supervising department (审管推送).

    A regulator of that department claims it (认领); unclaimed after `due_at` (2 working days) it gets a
    reminder, and unclaimed after `escalate_at` it is escalated to supervision.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=PushKind.choices)
    department = models.ForeignKey("catalog.Department", verbose_name=_("supervising department"),
                                   on_delete=models.PROTECT, related_name="regulator_pushes")
    issuing_department = models.ForeignKey("catalog.Department", verbose_name=_("issuing department"),
                                           on_delete=models.PROTECT, related_name="issued_pushes")
    item = models.ForeignKey("catalog.ServiceItem", verbose_name=_("service item"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="regulator_pushes")
    case = models.ForeignKey("cases.Case", verbose_name=_("case"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="regulator_pushes")
    case_number = models.CharField(_("case number"), max_length=40, blank=True)
    licence_number = models.CharField(_("licence number"), max_length=80, blank=True, db_index=True)
    subject_name = models.CharField(_("applicant / holder"), max_length=200, blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True,
                               help_text=_("The source event's payload, as the regulator receives it."))
    source_topic = models.CharField(_("source topic"), max_length=80)
    source_event = models.UUIDField(_("source event"), unique=True,
                                    help_text=_("The domain event this push was made from."))
    event_id = models.UUIDField(_("push event id"), null=True, blank=True, unique=True,
                                help_text=_("Id of the sharing.push_created event; webhook receivers "
                                            "deduplicate by it."))
    occurred_at = models.DateTimeField(_("occurred at"))
    created_at = models.DateTimeField(_("pushed at"), db_index=True)
    due_at = models.DateTimeField(_("claim due"), db_index=True)
    escalate_at = models.DateTimeField(_("escalation due"))
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    claimed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("claimed by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="claimed_pushes")
    claim_channel = models.CharField(_("claimed through"), max_length=10, choices=ClaimChannel.choices,
                                     blank=True)
    claim_note = models.CharField(_("claim note"), max_length=500, blank=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("regulator push")
        verbose_name_plural = _("regulator pushes")
        indexes = [models.Index(fields=["department", "claimed_at", "created_at"], name="push_inbox")]
        constraints = [
            models.CheckConstraint(condition=Q(claimed_at__isnull=True) | Q(claimed_by__isnull=False),
                                   name="sharing_push_claim_has_claimant"),
            models.CheckConstraint(condition=Q(escalate_at__gte=models.F("due_at")),
                                   name="sharing_push_escalation_after_due"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.case_number or self.licence_number}"

    @property
    def reference(self) -> str:
        return self.licence_number or self.case_number

    @property
    def is_overdue(self) -> bool:
        """Unclaimed past its claim deadline."""
        return self.claimed_at is None and self.due_at < timezone.now()


class FindingKind(models.TextChoices):
    PENALTY = "penalty", _("Administrative penalty")  # 行政处罚
    REVOKE_REQUEST = "revoke_request", _("Request to revoke the licence")  # 建议撤销许可
    RECTIFICATION = "rectification", _("Rectification order")  # 责令整改


class FindingStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    CLOSED = "closed", _("Closed")


class RegulatorFinding(models.Model):
    """A regulator's finding on a push it received, back to the issuing department (监管反馈).

    It reaches the inbox of the issuing department's approvers and bureau head, who acknowledge it and
    close it with what they did. A revocation request also publishes `sharing.revoke_requested`.
    """

    push = models.ForeignKey(RegulatorPush, verbose_name=_("push"), on_delete=models.PROTECT,
                             related_name="findings")
    department = models.ForeignKey("catalog.Department", verbose_name=_("regulator"), on_delete=models.PROTECT,
                                   related_name="filed_findings")
    issuing_department = models.ForeignKey("catalog.Department", verbose_name=_("issuing department"),
                                           on_delete=models.PROTECT, related_name="received_findings")
    kind = models.CharField(_("kind"), max_length=20, choices=FindingKind.choices)
    text = models.TextField(_("finding"))
    legal_basis = models.CharField(_("legal basis"), max_length=500)
    licence_number = models.CharField(_("licence number"), max_length=80, blank=True)
    status = models.CharField(_("status"), max_length=14, choices=FindingStatus.choices,
                              default=FindingStatus.OPEN)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("filed by"), on_delete=models.PROTECT,
                                 related_name="filed_findings")
    filed_at = models.DateTimeField(_("filed at"), db_index=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("acknowledged by"), null=True,
                                        blank=True, on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("closed by"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)

    class Meta:
        ordering = ["-filed_at", "-pk"]
        verbose_name = _("regulator finding")
        verbose_name_plural = _("regulator findings")
        constraints = [
            models.CheckConstraint(condition=~Q(status=FindingStatus.ACKNOWLEDGED) | Q(acknowledged_at__isnull=False),
                                   name="sharing_finding_ack_has_time"),
            models.CheckConstraint(condition=~Q(status=FindingStatus.CLOSED) | (Q(closed_at__isnull=False)
                                                                               & ~Q(outcome="")),
                                   name="sharing_finding_closed_has_outcome"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.push}"


class WebhookEndpoint(models.Model):
    """A regulator's own system that receives its department's pushes by HTTP POST (webhook).

    The secret signs every delivery (HMAC-SHA256). The platform must keep it to sign, so it is stored,
    but it is shown only once, when the endpoint is made, and never in lists, the API, the admin or logs.
    An answer `{"claim": true}` claims the push in the name of `owner` (the regulator who registered it).
    """

    department = models.ForeignKey("catalog.Department", verbose_name=_("department"), on_delete=models.PROTECT,
                                   related_name="webhook_endpoints")
    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("URL"), max_length=500)
    secret = models.CharField(_("signing secret"), max_length=128, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("registered by"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="webhook_endpoints")
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    deactivated_at = models.DateTimeField(_("deactivated at"), null=True, blank=True)

    class Meta:
        ordering = ["department", "name"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return f"{self.name} ({self.url})"

    def __repr__(self) -> str:  # never the secret
        return f"<WebhookEndpoint {self.pk} {self.url}>"
