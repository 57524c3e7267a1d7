"""Cases (办件) and everything that happens to them (DOMAIN.md §3.2, §4).

A `Case` stores its state, its legal clock's inputs (acceptance, limit, pauses, extension) and the
derived due time, the workflow's instance state (never the process definition), and points at the
`ItemVersion` it was applied under. Every step also lands in `CaseEvent` (the timeline the
applicant tracks) and in the kernel's audit chain.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from oneseal.catalog.models import LimitUnit


class ApplicantKind(models.TextChoices):
    PERSON = "person", _("Natural person")  # 自然人
    ORGANISATION = "organisation", _("Organisation")  # 法人或其他组织


class Applicant(models.Model):
    """An applicant (申请人): a citizen by ID number or an organisation by credit code."""

    kind = models.CharField(_("kind"), max_length=12, choices=ApplicantKind.choices)
    name = models.CharField(_("name"), max_length=200)
    id_number = models.CharField(_("ID number or credit code"), max_length=18)
    legal_representative = models.CharField(_("legal representative"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("online account"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="applicant")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("applicant")
        verbose_name_plural = _("applicants")
        constraints = [models.UniqueConstraint(fields=["kind", "id_number"], name="applicant_unique_id")]

    def __str__(self) -> str:
        return self.name


class Channel(models.TextChoices):
    WINDOW = "window", _("Window")
    ONLINE = "online", _("Online")
    MOBILE = "mobile", _("Mobile")
    KIOSK = "kiosk", _("Self-service kiosk")


class CaseStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted, awaiting acceptance")  # 待受理
    AWAITING_SUPPLEMENT = "awaiting_supplement", _("Awaiting supplement")  # 待补正
    ACCEPTED = "accepted", _("Accepted, under review")  # 已受理/审查中
    APPROVED = "approved", _("Approved")  # 准予许可
    DENIED = "denied", _("Denied")  # 不予许可
    ISSUED = "issued", _("Result issued")  # 已制证/已出件
    DELIVERED = "delivered", _("Delivered")  # 已送达
    CLOSED = "closed", _("Closed")  # 办结
    REFUSED = "refused", _("Not accepted")  # 不予受理
    WITHDRAWN = "withdrawn", _("Withdrawn")  # 撤回
    REVOKED = "revoked", _("Approval revoked")  # 撤销 (a false commitment, Art. 69)


class CaseSequence(models.Model):
    """The last serial handed out per region and day, for case numbers (and per notice kind and year)."""

    key = models.CharField(max_length=40, unique=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("number sequence")
        verbose_name_plural = _("number sequences")

    def __str__(self) -> str:
        return f"{self.key}:{self.last}"


class Case(models.Model):
    """An application (办件), one number from window or web to result (一号申请)."""

    number = models.CharField(_("case number"), max_length=30)
    item = models.ForeignKey("catalog.ServiceItem", verbose_name=_("service item"), on_delete=models.PROTECT,
                             related_name="cases")
    item_version = models.ForeignKey("catalog.ItemVersion", verbose_name=_("item version"),
                                     on_delete=models.PROTECT, related_name="cases")
    applicant = models.ForeignKey(Applicant, verbose_name=_("applicant"), on_delete=models.PROTECT,
                                  related_name="cases")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    hall = models.ForeignKey("catalog.Hall", verbose_name=_("hall"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="cases")
    status = models.CharField(_("status"), max_length=20, choices=CaseStatus.choices,
                              default=CaseStatus.SUBMITTED)  # indexed first in case_status_due
    form_data = models.JSONField(_("application form"), default=dict, blank=True)
    submitted_at = models.DateTimeField(_("received at"), db_index=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("received by"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+")
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True,
                                       help_text=_("The legal clock runs from here (Art. 32)."))
    deemed_accepted = models.BooleanField(_("deemed accepted"), default=False)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("accepted by"), null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="+")
    limit_amount = models.PositiveIntegerField(_("time limit"))
    limit_unit = models.CharField(_("time limit unit"), max_length=16, choices=LimitUnit.choices)
    extension_days = models.PositiveSmallIntegerField(_("extension (working days)"), default=0)
    extension_reason = models.TextField(_("extension reason"), blank=True)
    extension_approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("extension approved by"),
                                              null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    due_at = models.DateTimeField(_("due"), null=True, blank=True, db_index=True)
    due_provisional = models.BooleanField(_("due time provisional"), default=False)
    procedure = models.CharField(_("procedure"), max_length=40)
    workflow_state = models.JSONField(_("workflow state"), default=dict, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # NULL, not "", for "no key": the unique constraint must allow any number of cases without one.
    idempotency_key = models.CharField(_("idempotency key"), max_length=100, null=True, blank=True)  # noqa: DJ001
    request_hash = models.CharField(_("request hash"), max_length=64, blank=True)
    commitment_ref = models.CharField(
        _("signed commitment"), max_length=60, blank=True,
        help_text=_("Set when the applicant signed commitments instead of proofs (告知承诺)."))
    waived_materials = models.JSONField(_("materials replaced by the commitment"), default=list, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [models.Index(fields=["status", "due_at"], name="case_status_due")]
        # Unique as constraints, not `unique=True`: on PostgreSQL a unique text field also gets a LIKE-pattern
        # index that nothing queries and that every write of the row would keep up (decision 0008).
        constraints = [
            models.UniqueConstraint(fields=["number"], name="case_number_unique"),
            models.UniqueConstraint(fields=["idempotency_key"], name="case_idempotency_key_unique"),
            models.CheckConstraint(condition=Q(extension_days__lte=30), name="case_extension_bounded"),
            models.CheckConstraint(condition=Q(extension_days=0) | ~Q(extension_reason=""),
                                   name="case_extension_has_reason"),
            models.CheckConstraint(condition=Q(accepted_at__isnull=True) | Q(accepted_at__gte=models.F("submitted_at")),
                                   name="case_accepted_after_received"),
        ]

    def __str__(self) -> str:
        return self.number


class PauseKind(models.TextChoices):
    SUPPLEMENT = "supplement", _("Waiting for the applicant's supplement")
    SPECIAL_PROCEDURE = "special_procedure", _("Special procedure")


class ClockPause(models.Model):
    """Time that does not count (Art. 45; waiting for a supplement)."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="pauses")
    kind = models.CharField(_("kind"), max_length=20, choices=PauseKind.choices)
    special_procedure = models.CharField(_("special procedure"), max_length=20, blank=True)
    max_working_days = models.PositiveIntegerField(_("announced maximum (working days)"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        ordering = ["case_id", "started_at"]  # by id: computing a clock needs no join
        verbose_name = _("clock pause")
        verbose_name_plural = _("clock pauses")
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=Q(ended_at__isnull=True), name="one_open_pause"),
            models.CheckConstraint(condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("started_at")),
                                   name="pause_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.kind}"


class CaseMaterial(models.Model):
    """A material submitted for a case: stored once by its SHA-256, its type sniffed from content."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="materials")
    name = models.CharField(_("material"), max_length=200)
    path = models.CharField(_("stored file"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("type"), max_length=100)
    original_name = models.CharField(_("file name"), max_length=200)
    uploaded_at = models.DateTimeField(_("uploaded at"))
    supplement = models.BooleanField(_("supplied as a supplement"), default=False)
    source = models.CharField(_("reused from"), max_length=120, blank=True,
                              help_text=_("Empty for an upload; a bundle's shared material or an electronic licence."))

    class Meta:
        ordering = ["case", "uploaded_at", "id"]
        verbose_name = _("case material")
        verbose_name_plural = _("case materials")

    def __str__(self) -> str:
        return self.name


class NoticeKind(models.TextChoices):
    ACCEPTANCE = "acceptance", _("Notice of acceptance")  # 受理通知书
    SUPPLEMENT = "supplement", _("Notice to supplement materials")  # 补正通知书
    REFUSAL = "refusal", _("Notice of non-acceptance")  # 不予受理通知书
    APPROVAL = "approval", _("Decision to grant the licence")  # 准予行政许可决定书
    DENIAL = "denial", _("Decision not to grant the licence")  # 不予行政许可决定书
    SPECIAL_PROCEDURE = "special_procedure", _("Notice of a special procedure")  # 特别程序告知书
    EXTENSION = "extension", _("Notice of extension")  # 延期告知书
    FEE = "fee", _("Fee notice")  # 缴费通知书
    REVOCATION = "revocation", _("Decision to revoke the licence")  # 撤销行政许可决定书


class Notice(models.Model):
    """A written, dated, numbered notice (文书)."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="notices")
    kind = models.CharField(_("kind"), max_length=20, choices=NoticeKind.choices)
    number = models.CharField(_("notice number"), max_length=60)
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("issued by"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    content = models.JSONField(_("content"), default=dict)

    class Meta:
        ordering = ["case", "issued_at", "id"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        constraints = [models.UniqueConstraint(fields=["number"], name="notice_number_unique")]

    def __str__(self) -> str:
        return self.number


class SupplementOverride(models.Model):
    """A supervisor's permission for a second supplement notice (breaks 一次性告知; watched by supervision)."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="overrides")
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("granted by"), on_delete=models.PROTECT,
                                   related_name="+")
    reason = models.TextField(_("reason"))
    granted_at = models.DateTimeField(_("granted at"))
    used = models.BooleanField(_("used"), default=False)

    class Meta:
        verbose_name = _("supplement override")
        verbose_name_plural = _("supplement overrides")

    def __str__(self) -> str:
        return f"{self.case} override"


class Decision(models.Model):
    """The licensing decision (准予 / 不予行政许可决定, Art. 38)."""

    case = models.OneToOneField(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="decision")
    approved = models.BooleanField(_("approved"))
    reasons = models.TextField(_("reasons"), blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+",
                                   help_text=_("Empty for an approval granted at once on a signed commitment."))
    decided_at = models.DateTimeField(_("decided at"))

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        constraints = [models.CheckConstraint(condition=Q(approved=True) | ~Q(reasons=""),
                                              name="denial_has_reasons")]

    def __str__(self) -> str:
        return f"{self.case} {'approved' if self.approved else 'denied'}"


class DeliveryMethod(models.TextChoices):
    PICKUP = "pickup", _("Pickup at the output window")  # 综合窗口出件
    COURIER = "courier", _("Courier")  # 证件快递
    ELECTRONIC = "electronic", _("Electronic")  # 电子送达


class Delivery(models.Model):
    """How the result reached the applicant (Art. 44)."""

    case = models.OneToOneField(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="delivery")
    method = models.CharField(_("method"), max_length=12, choices=DeliveryMethod.choices)
    carrier = models.CharField(_("carrier"), max_length=60, blank=True)
    waybill = models.CharField(_("waybill number"), max_length=60, blank=True)
    sent_at = models.DateTimeField(_("handed over or sent at"))
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("handed over by"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(_("receipt confirmed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [models.CheckConstraint(condition=~Q(method="courier") | (~Q(carrier="") & ~Q(waybill="")),
                                              name="courier_has_waybill")]

    def __str__(self) -> str:
        return f"{self.case} {self.method}"


class VisitKind(models.TextChoices):
    SUBMIT = "submit", _("Submitting")
    SUPPLEMENT = "supplement", _("Supplementing")
    PICKUP = "pickup", _("Picking up")
    OTHER = "other", _("Other")


class Visit(models.Model):
    """An in-person visit (跑一次): counted so "at most one visit" is measured, not claimed."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="visits")
    kind = models.CharField(_("kind"), max_length=12, choices=VisitKind.choices)
    at = models.DateTimeField(_("time"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["case", "at"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")

    def __str__(self) -> str:
        return f"{self.case} {self.kind}"


class CaseEvent(models.Model):
    """One step of a case's timeline, as the applicant and the supervisor see it."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("time"), db_index=True)
    action = models.CharField(_("action"), max_length=40)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("actor"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    status_after = models.CharField(_("status after"), max_length=20, choices=CaseStatus.choices)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        ordering = ["case", "at", "id"]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")

    def __str__(self) -> str:
        return f"{self.case} {self.action}"


class CaseTask(models.Model):
    """A step of a case's procedure waiting for (or done by) a role in a department: the inbox entry.

    Kept in step with the workflow's ready tasks by the services, so an inbox is one indexed query
    instead of loading every workflow.
    """

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="tasks")
    task_id = models.CharField(_("task id"), max_length=40)
    spec_name = models.CharField(_("step"), max_length=60)
    title = models.CharField(_("title"), max_length=120)
    lane = models.CharField(_("role"), max_length=20)  # indexed first in casetask_inbox
    kind = models.CharField(_("kind"), max_length=20)
    special_procedure = models.CharField(_("special procedure"), max_length=20, blank=True)
    department = models.ForeignKey("catalog.Department", verbose_name=_("department"), on_delete=models.PROTECT,
                                   related_name="case_tasks")
    ready_at = models.DateTimeField(_("ready since"))
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("completed by"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["ready_at"]
        verbose_name = _("case task")
        verbose_name_plural = _("case tasks")
        indexes = [models.Index(fields=["lane", "department", "completed_at"], name="casetask_inbox")]
        constraints = [models.UniqueConstraint(fields=["case", "task_id"], name="casetask_unique")]

    def __str__(self) -> str:
        return f"{self.case} {self.spec_name}"


class FlagStage(models.TextChoices):
    SUBMISSION = "submission", _("At submission")
    DECISION = "decision", _("At decision")


class CaseFlag(models.Model):
    """A warning raised on a case by a check of its applicant, e.g. a credit record under joint
    punishment (一处失信、处处受限): shown to the clerk and the approver with the record behind it."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="flags")
    stage = models.CharField(_("raised"), max_length=12, choices=FlagStage.choices)
    source = models.CharField(_("source"), max_length=40)
    code = models.CharField(_("code"), max_length=60)
    message = models.CharField(_("message"), max_length=500)
    reference = models.CharField(_("reference"), max_length=120, blank=True,
                                 help_text=_("The record behind the flag, e.g. a credit record's number."))
    blocking = models.BooleanField(_("blocks"), default=False)
    raised_at = models.DateTimeField(_("raised at"))

    class Meta:
        ordering = ["case", "raised_at", "id"]
        verbose_name = _("case flag")
        verbose_name_plural = _("case flags")

    def __str__(self) -> str:
        return f"{self.case} {self.code}"
