"""Credit (信用): subjects and their records, the joint-punishment measures the records carry, credit
repair, commitment approval with its verification, and random inspections (双随机一公开).

A subject is found by its identity number (citizen ID or unified social credit code); records copy
the number so the check at submission reads one index, never a join (benchmarks/credit.py).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class SubjectKind(models.TextChoices):
    PERSON = "person", _("Natural person")  # 自然人
    ORGANISATION = "organisation", _("Organisation")  # 法人和其他组织


class CreditSubject(models.Model):
    """A credit subject (信用主体), one per citizen ID or unified social credit code."""

    kind = models.CharField(_("kind"), max_length=14, choices=SubjectKind.choices)
    id_number = models.CharField(_("ID number or credit code"), max_length=18, unique=True)
    name = models.CharField(_("name"), max_length=200)
    legal_representative = models.CharField(_("legal representative"), max_length=60, blank=True)
    created_at = models.DateTimeField(_("first recorded"))

    class Meta:
        ordering = ["id_number"]
        verbose_name = _("credit subject")
        verbose_name_plural = _("credit subjects")

    def __str__(self) -> str:
        return f"{self.name} ({self.id_number})"


class RecordSource(models.TextChoices):
    PENALTY = "penalty", _("Administrative penalty")  # 行政处罚
    INSPECTION = "inspection", _("Random inspection")  # 双随机抽查
    FALSE_COMMITMENT = "false_commitment", _("False commitment")  # 虚假承诺
    COURT = "court", _("Court enforcement list")  # 失信被执行人
    TAX = "tax", _("Tax violation")  # 重大税收违法
    REGULATOR = "regulator", _("Regulator's finding")  # 监管部门推送
    OTHER = "other", _("Other")


class Severity(models.TextChoices):
    MINOR = "minor", _("Minor breach of trust")  # 一般失信
    SERIOUS = "serious", _("Serious breach of trust")  # 严重失信


class MeasureScope(models.TextChoices):
    APPLICATION = "application", _("Every application")
    COMMITMENT = "commitment", _("Commitment approval")
    BIDDING = "bidding", _("Public bidding")


class MeasureEffect(models.TextChoices):
    FLAG = "flag", _("Flag for closer review")  # 重点审查
    BLOCK = "block", _("Restrict")  # 限制


class Measure(models.Model):
    """A joint-punishment measure (联合惩戒措施): what a record restricts, and how."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    scope = models.CharField(_("applies to"), max_length=12, choices=MeasureScope.choices)
    effect = models.CharField(_("effect"), max_length=8, choices=MeasureEffect.choices)
    legal_basis = models.CharField(_("legal basis"), max_length=500, blank=True)

    class Meta:
        ordering = ["scope", "code"]
        verbose_name = _("joint-punishment measure")
        verbose_name_plural = _("joint-punishment measures")

    def __str__(self) -> str:
        return self.name


class RecordKind(models.Model):
    """A kind of record, with the measures every record of it carries while it is in effect."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=RecordSource.choices)
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)
    effect_days = models.PositiveIntegerField(
        _("in effect for (days)"), null=True, blank=True,
        help_text=_("Empty: until lifted (e.g. while on the court's list)."))
    public = models.BooleanField(_("made public"), default=True)
    repairable = models.BooleanField(_("can be repaired"), default=True)
    repair_after_days = models.PositiveIntegerField(
        _("repair possible after (days)"), default=90,
        help_text=_("The shortest time a record must have been public before its subject may ask to repair it."))
    measures = models.ManyToManyField(Measure, verbose_name=_("measures"), blank=True, related_name="kinds")

    class Meta:
        ordering = ["source", "code"]
        verbose_name = _("record kind")
        verbose_name_plural = _("record kinds")

    def __str__(self) -> str:
        return self.name


class RecordStatus(models.TextChoices):
    ACTIVE = "active", _("In effect")
    REPAIRED = "repaired", _("Repaired")  # 信用修复
    LIFTED = "lifted", _("Lifted")  # 移出/撤销


class CreditRecord(models.Model):
    """One record on a subject (失信记录). In effect from `effective_from` until `effective_until` (or until
    lifted or repaired); its kind's measures apply while it is."""

    number = models.CharField(_("record number"), max_length=30, unique=True)
    subject = models.ForeignKey(CreditSubject, verbose_name=_("subject"), on_delete=models.PROTECT,
                                related_name="records")
    id_number = models.CharField(_("ID number or credit code"), max_length=18)
    kind = models.ForeignKey(RecordKind, verbose_name=_("kind"), on_delete=models.PROTECT, related_name="records")
    source = models.CharField(_("source"), max_length=20, choices=RecordSource.choices)
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)
    title = models.CharField(_("title"), max_length=200)
    facts = models.TextField(_("facts"))
    legal_basis = models.CharField(_("legal basis"), max_length=500, blank=True)
    authority = models.CharField(_("deciding authority"), max_length=200)
    department = models.ForeignKey("catalog.Department", verbose_name=_("department"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="credit_records")
    decided_on = models.DateField(_("decided on"))
    effective_from = models.DateTimeField(_("in effect from"))
    effective_until = models.DateTimeField(_("in effect until"), null=True, blank=True)
    public = models.BooleanField(_("made public"), default=True)
    status = models.CharField(_("status"), max_length=10, choices=RecordStatus.choices, default=RecordStatus.ACTIVE)
    ended_at = models.DateTimeField(_("lifted or repaired at"), null=True, blank=True)
    ended_reason = models.CharField(_("why it ended"), max_length=500, blank=True)
    source_ref = models.CharField(
        _("source reference"), max_length=120, null=True, blank=True, unique=True,
        help_text=_("Where the record came from (a regulator's finding, an inspection, an import row): one record "
                    "per source, so a redelivered event or a re-run import adds nothing."))
    created_at = models.DateTimeField(_("recorded at"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-effective_from", "-pk"]
        verbose_name = _("credit record")
        verbose_name_plural = _("credit records")
        indexes = [
            # The check at submission: the active records of one number (benchmarks/credit.py).
            models.Index(fields=["id_number", "status", "effective_until"], name="credit_record_check"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(effective_until__isnull=True)
                                   | Q(effective_until__gt=models.F("effective_from")),
                                   name="credit_record_ends_after_start"),
            models.CheckConstraint(condition=Q(status=RecordStatus.ACTIVE) | Q(ended_at__isnull=False),
                                   name="credit_record_ended_has_time"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class RepairStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Repaired")
    REJECTED = "rejected", _("Rejected")
    CLOSED = "closed", _("Closed: the record was lifted")


class RepairRequest(models.Model):
    """A subject's request to repair a record (信用修复): it has corrected the breach and says how."""

    record = models.ForeignKey(CreditRecord, verbose_name=_("record"), on_delete=models.PROTECT,
                               related_name="repairs")
    statement = models.TextField(_("statement of correction"))
    evidence_path = models.CharField(_("evidence file"), max_length=200, blank=True)
    evidence_sha256 = models.CharField(_("evidence SHA-256"), max_length=64, blank=True)
    evidence_name = models.CharField(_("evidence file name"), max_length=200, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"),
                                     on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested at"))
    status = models.CharField(_("status"), max_length=10, choices=RepairStatus.choices, default=RepairStatus.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("credit repair request")
        verbose_name_plural = _("credit repair requests")
        constraints = [
            models.UniqueConstraint(fields=["record"], condition=Q(status="pending"), name="credit_one_pending_repair"),
        ]

    def __str__(self) -> str:
        return f"{self.record.number} {self.get_status_display()}"


# -- commitment approval (告知承诺 / 先建后验) --------------------------------------------------------

class CommitmentStatus(models.TextChoices):
    AWAITING_VERIFICATION = "awaiting", _("Approved, awaiting verification")  # 待核查
    RECTIFYING = "rectifying", _("Rectifying")  # 限期整改
    CONFIRMED = "confirmed", _("Commitment kept")  # 核查属实
    FALSE = "false", _("False commitment, approval revoked")  # 承诺不实，撤销


class Commitment(models.Model):
    """A signed commitment (告知承诺书): the text shown, who signed it and when, the hash of the text, the
    case it approved, and the verification that follows."""

    case = models.OneToOneField("cases.Case", verbose_name=_("case"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="commitment")
    subject = models.ForeignKey(CreditSubject, verbose_name=_("subject"), on_delete=models.PROTECT,
                                related_name="commitments")
    item = models.ForeignKey("catalog.ServiceItem", verbose_name=_("service item"), on_delete=models.PROTECT,
                             related_name="commitments")
    mode = models.CharField(_("mode"), max_length=12)  # catalog.CommitmentMode
    project = models.CharField(_("project"), max_length=200, blank=True,
                               help_text=_("For build-first investment projects: the project under construction."))
    text = models.TextField(_("commitment text"))
    text_sha256 = models.CharField(_("SHA-256 of the text"), max_length=64)
    materials = models.JSONField(_("proofs replaced"), default=list)
    signer_name = models.CharField(_("signed by"), max_length=60)
    signer_id_number = models.CharField(_("signer's ID number"), max_length=18)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("signing account"), null=True,
                                  blank=True, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(_("signed at"))
    channel = models.CharField(_("channel"), max_length=10)
    construction_allowed_from = models.DateTimeField(_("construction may start"), null=True, blank=True)
    verify_by = models.DateTimeField(_("verification due"), db_index=True)
    status = models.CharField(_("status"), max_length=12, choices=CommitmentStatus.choices,
                              default=CommitmentStatus.AWAITING_VERIFICATION, db_index=True)
    concluded_at = models.DateTimeField(_("concluded at"), null=True, blank=True)

    class Meta:
        ordering = ["verify_by", "pk"]
        verbose_name = _("signed commitment")
        verbose_name_plural = _("signed commitments")

    def __str__(self) -> str:
        return f"{self.subject.name} · {self.item.name}"

    @property
    def reference(self) -> str:
        return f"commitment:{self.pk}"


class VerificationOutcome(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")  # 属实
    FIXABLE = "fixable", _("Fixable: rectify by a deadline")  # 限期整改
    FALSE = "false", _("False")  # 不实


class VerificationInspection(models.Model):
    """The inspection that verifies a commitment (核查), by at least two inspectors; a fixable finding
    sets a rectification deadline and another inspection follows."""

    commitment = models.ForeignKey(Commitment, verbose_name=_("commitment"), on_delete=models.PROTECT,
                                   related_name="inspections")
    due_by = models.DateTimeField(_("due by"))
    inspectors = models.ManyToManyField("Inspector", verbose_name=_("inspectors"), related_name="verifications")
    scheduled_at = models.DateTimeField(_("scheduled at"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=VerificationOutcome.choices, blank=True)
    findings = models.TextField(_("findings"), blank=True)
    rectify_by = models.DateTimeField(_("rectify by"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)

    class Meta:
        ordering = ["commitment", "scheduled_at", "pk"]
        verbose_name = _("verification inspection")
        verbose_name_plural = _("verification inspections")

    def __str__(self) -> str:
        return f"{self.commitment} · {self.due_by:%Y-%m-%d}"


# -- random inspections (双随机一公开) ------------------------------------------------------------

class LicenceHolding(models.Model):
    """Who holds which licence, kept from the licences app's events (issued, revoked, expired, renewed):
    the target pools of inspection plans are drawn from here without reading another app's tables."""

    number = models.CharField(_("licence number"), max_length=80, unique=True)
    licence_type = models.CharField(_("licence type"), max_length=60, db_index=True)
    id_number = models.CharField(_("holder's ID number or credit code"), max_length=18, db_index=True)
    holder_name = models.CharField(_("holder"), max_length=200)
    valid = models.BooleanField(_("valid"), default=True)
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        ordering = ["number"]
        verbose_name = _("licence holding")
        verbose_name_plural = _("licence holdings")

    def __str__(self) -> str:
        return self.number


class Inspector(models.Model):
    """A law-enforcement inspector in a regulator's pool (执法检查人员名录库)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT,
                                related_name="inspector")
    department = models.ForeignKey("catalog.Department", verbose_name=_("department"), on_delete=models.PROTECT,
                                   related_name="inspectors")
    name = models.CharField(_("name"), max_length=60)
    badge = models.CharField(_("enforcement certificate number"), max_length=40, unique=True)
    active = models.BooleanField(_("in the pool"), default=True)

    class Meta:
        ordering = ["department", "badge"]
        verbose_name = _("inspector")
        verbose_name_plural = _("inspectors")

    def __str__(self) -> str:
        return f"{self.name} ({self.badge})"


class InspectorRelation(models.Model):
    """A subject an inspector must not inspect (回避): a relative works there, a former employer, ..."""

    inspector = models.ForeignKey(Inspector, verbose_name=_("inspector"), on_delete=models.CASCADE,
                                  related_name="relations")
    id_number = models.CharField(_("subject's ID number or credit code"), max_length=18)
    relation = models.CharField(_("relation"), max_length=200)
    declared_at = models.DateTimeField(_("declared at"))

    class Meta:
        ordering = ["inspector", "id_number"]
        verbose_name = _("inspector's declared relation")
        verbose_name_plural = _("inspectors' declared relations")
        constraints = [models.UniqueConstraint(fields=["inspector", "id_number"], name="credit_relation_once")]

    def __str__(self) -> str:
        return f"{self.inspector} ↔ {self.id_number}"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    DRAWN = "drawn", _("Drawn")  # the seed's hash is public, the seed not yet
    PUBLISHED = "published", _("Published")  # the seed and the draw are public
    CLOSED = "closed", _("Results published")


class InspectionPlan(models.Model):
    """A regulator's random-inspection plan (抽查计划): a target pool, a sampling ratio, an inspector pool."""

    department = models.ForeignKey("catalog.Department", verbose_name=_("regulator"), on_delete=models.PROTECT,
                                   related_name="inspection_plans")
    title = models.CharField(_("title"), max_length=200)
    licence_types = models.JSONField(_("holders of licence types"), default=list, blank=True)
    include_commitments = models.BooleanField(_("commitment approvals awaiting verification"), default=False)
    ratio = models.DecimalField(_("sampling ratio"), max_digits=5, decimal_places=4,
                                help_text=_("The share of the pool drawn, e.g. 0.05 for 5 %."))
    inspectors_per_target = models.PositiveSmallIntegerField(_("inspectors per target"), default=2)
    bad_credit_weight = models.PositiveSmallIntegerField(
        _("weight of a subject with a record in effect"), default=3,
        help_text=_("A subject with a minor record weighs this much, with a serious one twice this; others 1."))
    status = models.CharField(_("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("created at"))
    pool_size = models.PositiveIntegerField(_("pool size"), null=True, blank=True)
    pool_sha256 = models.CharField(_("SHA-256 of the pool"), max_length=64, blank=True)
    pool_path = models.CharField(_("pool file"), max_length=200, blank=True)
    inspector_pool = models.JSONField(_("inspector pool at the draw"), default=list, blank=True)
    seed_sha256 = models.CharField(_("SHA-256 of the seed"), max_length=64, blank=True,
                                   help_text=_("Public from the draw; the seed itself is published afterwards."))
    seed = models.CharField(_("seed"), max_length=64, blank=True)
    drawn_at = models.DateTimeField(_("drawn at"), null=True, blank=True)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("drawn by"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("results published at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("inspection plan")
        verbose_name_plural = _("inspection plans")
        constraints = [
            models.CheckConstraint(condition=Q(ratio__gt=0) & Q(ratio__lte=1), name="credit_plan_ratio_0_1"),
            models.CheckConstraint(condition=Q(inspectors_per_target__gte=2), name="credit_plan_two_inspectors"),
        ]

    def __str__(self) -> str:
        return self.title


class TargetResult(models.TextChoices):
    PENDING = "", _("Not yet inspected")
    PASSED = "passed", _("No problem found")  # 未发现问题
    PROBLEMS = "problems", _("Problems found")  # 发现问题
    NOT_FOUND = "not_found", _("Not found at its address")  # 查无下落


class InspectionTarget(models.Model):
    """One drawn target of a plan, with its drawn inspectors and the published result."""

    plan = models.ForeignKey(InspectionPlan, verbose_name=_("plan"), on_delete=models.CASCADE,
                             related_name="targets")
    position = models.PositiveIntegerField(_("position in the draw"))
    id_number = models.CharField(_("ID number or credit code"), max_length=18)
    name = models.CharField(_("name"), max_length=200)
    basis = models.CharField(_("in the pool as"), max_length=120)
    weight = models.PositiveSmallIntegerField(_("weight"))
    inspectors = models.ManyToManyField(Inspector, verbose_name=_("inspectors"), related_name="targets")
    result = models.CharField(_("result"), max_length=10, choices=TargetResult.choices, blank=True, default="")
    findings = models.TextField(_("findings"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)
    record = models.ForeignKey(CreditRecord, verbose_name=_("credit record"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["plan", "position"]
        verbose_name = _("inspection target")
        verbose_name_plural = _("inspection targets")
        constraints = [models.UniqueConstraint(fields=["plan", "id_number"], name="credit_target_once")]

    def __str__(self) -> str:
        return f"{self.plan} · {self.name}"


class CreditSequence(models.Model):
    """The last serial per key, for record numbers (kernel.sequences)."""

    key = models.CharField(max_length=40, unique=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("number sequence")
        verbose_name_plural = _("number sequences")

    def __str__(self) -> str:
        return f"{self.key}:{self.last}"
