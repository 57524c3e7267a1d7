"""The service catalog (事项清单): where things are done, by whom, and every disclosed element of
every service item (DOMAIN.md §3.1).

`ServiceItem` holds the item's current content and is what search and the guide page read.
`ItemVersion` is an immutable snapshot of one published version; cases (a later issue) point at
the version they were applied under, and the guide page shows the diff between versions.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class Bilingual(models.Model):
    """Names kept in Chinese, with an optional English name shown when the UI is in English."""

    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=300, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        if self.name_en and (translation.get_language() or "").startswith("en"):
            return self.name_en
        return self.name


class RegionLevel(models.TextChoices):
    CITY = "city", _("City")
    TOWNSHIP = "township", _("Township")
    STREET = "street", _("Street")


class Region(Bilingual):
    """City, and the townships and streets under it (市 / 乡镇、街道)."""

    code = models.CharField(_("region code"), max_length=12, unique=True)
    level = models.CharField(_("level"), max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent region"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        constraints = [
            models.CheckConstraint(
                condition=Q(level="city", parent__isnull=True) | (~Q(level="city") & Q(parent__isnull=False)),
                name="region_city_is_root",
            )
        ]


class DepartmentKind(models.TextChoices):
    BUREAU = "bureau", _("Administrative Approval Bureau")
    LINE = "line", _("Line department")
    VERTICAL = "vertical", _("Vertically managed department")
    SUPERVISION = "supervision", _("Discipline inspection and supervision")
    OTHER = "other", _("Other body")


class Department(Bilingual):
    """A government department (部门): the bureau, the former licensing departments, the others."""

    code = models.CharField(_("department code"), max_length=20, unique=True)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=DepartmentKind.choices, default=DepartmentKind.LINE)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="departments")
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")


class Hall(Bilingual):
    """A government service hall (政务服务大厅) with its office hours.

    Office hours bound limits counted in working hours or minutes (DOMAIN.md §4).
    """

    code = models.CharField(_("hall code"), max_length=20, unique=True)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="halls")
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    morning_start = models.TimeField(_("morning opens"), default=dt.time(8, 30))
    morning_end = models.TimeField(_("morning closes"), default=dt.time(12, 0))
    afternoon_start = models.TimeField(_("afternoon opens"), default=dt.time(14, 30))
    afternoon_end = models.TimeField(_("afternoon closes"), default=dt.time(17, 30))

    class Meta:
        ordering = ["code"]
        verbose_name = _("service hall")
        verbose_name_plural = _("service halls")
        constraints = [
            models.CheckConstraint(
                condition=Q(morning_start__lt=models.F("morning_end"))
                & Q(morning_end__lte=models.F("afternoon_start"))
                & Q(afternoon_start__lt=models.F("afternoon_end")),
                name="hall_office_hours_ordered",
            )
        ]

    def office_hours(self):
        from oneseal.kernel.workcal import OfficeHours

        return OfficeHours.of(self.morning_start, self.morning_end, self.afternoon_start, self.afternoon_end)


class Zone(Bilingual):
    """A service zone of a hall (服务区), e.g. 企业开办."""

    hall = models.ForeignKey(Hall, verbose_name=_("hall"), on_delete=models.PROTECT, related_name="zones")
    code = models.CharField(_("zone code"), max_length=20, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["hall", "order", "code"]
        verbose_name = _("zone")
        verbose_name_plural = _("zones")


class WindowKind(models.TextChoices):
    COMPREHENSIVE = "comprehensive", _("Comprehensive acceptance")
    OUTPUT = "output", _("Comprehensive output")
    DEPARTMENT = "department", _("Department window")
    CONSULTATION = "consultation", _("Consultation")


class Window(models.Model):
    """A service window (窗口) in a zone, staffed for one department or for all."""

    zone = models.ForeignKey(Zone, verbose_name=_("zone"), on_delete=models.PROTECT, related_name="windows")
    number = models.CharField(_("window number"), max_length=10)
    kind = models.CharField(_("kind"), max_length=15, choices=WindowKind.choices, default=WindowKind.DEPARTMENT)
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="windows"
    )

    class Meta:
        ordering = ["zone", "number"]
        verbose_name = _("window")
        verbose_name_plural = _("windows")
        constraints = [models.UniqueConstraint(fields=["zone", "number"], name="window_number_unique_in_zone")]

    def __str__(self) -> str:
        return f"{self.zone.name} {self.number}"


class ItemType(models.TextChoices):
    LICENSING = "licensing", _("Administrative licensing")  # 行政许可
    CONFIRMATION = "confirmation", _("Administrative confirmation")  # 行政确认
    ADJUDICATION = "adjudication", _("Administrative adjudication")  # 行政裁决
    BENEFIT = "benefit", _("Administrative benefit")  # 行政给付
    REWARD = "reward", _("Administrative reward")  # 行政奖励
    FILING = "filing", _("Administrative filing")  # 行政备案
    OTHER_POWER = "other_power", _("Other administrative power")  # 其他行政权力
    PUBLIC_SERVICE = "public_service", _("Public service")  # 公共服务


class OnlineDepth(models.IntegerChoices):
    """网上办理深度, the four levels of the national standard."""

    INFORMATION = 1, _("Level 1: information online")
    DOWNLOAD = 2, _("Level 2: forms downloadable")
    PRE_REVIEW = 3, _("Level 3: online pre-review")
    FULLY_ONLINE = 4, _("Level 4: fully online")


class HandlingMode(models.TextChoices):
    ON_THE_SPOT = "on_the_spot", _("On-the-spot")  # 即办件
    COMMITTED = "committed", _("Committed time")  # 承诺件


class LimitUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("working days")
    WORKING_HOURS = "working_hours", _("working hours")
    WORKING_MINUTES = "working_minutes", _("working minutes")


PROCEDURE_LABELS = {
    "on_the_spot": _("On-the-spot decision at the window"),
    "standard": _("Review, then decision"),
    "site_inspection": _("Review with site inspection"),
    "expert_review": _("Review with expert review"),
    "public_notice": _("Review with public notice"),
    "commitment": _("Commitment approval (告知承诺)"),
}


class CommitmentMode(models.TextChoices):
    """Whether an applicant may sign commitments instead of handing in proofs."""

    NONE = "", _("Not allowed")
    NOTIFY = "notify", _("Notification and commitment (告知承诺)")  # approval at once, verified later
    BUILD_FIRST = "build_first", _("Build first, verify later (先建后验)")  # construction may start on signing


class FeeDueBefore(models.TextChoices):
    """What waits for the fee to be paid."""

    DECISION = "decision", _("The decision")
    DELIVERY = "delivery", _("The delivery of the result")


class ItemStatus(models.TextChoices):
    ACTIVE = "active", _("In force")
    SUSPENDED = "suspended", _("Suspended")
    REPEALED = "repealed", _("Repealed")


class ServiceItem(Bilingual):
    """A service item (政务服务事项) with every element the law requires to be disclosed."""

    code = models.CharField(_("item code"), max_length=40, unique=True)
    item_type = models.CharField(_("item type"), max_length=20, choices=ItemType.choices, db_index=True)
    status = models.CharField(_("status"), max_length=12, choices=ItemStatus.choices, default=ItemStatus.ACTIVE)
    implementing_body = models.ForeignKey(
        Department, verbose_name=_("implementing body"), on_delete=models.PROTECT, related_name="implemented_items"
    )
    original_department = models.ForeignKey(
        Department, verbose_name=_("original department"), on_delete=models.PROTECT, related_name="original_items"
    )
    supervising_department = models.ForeignKey(
        Department, verbose_name=_("supervising department"), on_delete=models.PROTECT,
        related_name="supervised_items",
    )
    zone = models.ForeignKey(
        Zone, verbose_name=_("zone"), null=True, blank=True, on_delete=models.PROTECT, related_name="items"
    )
    legal_basis = models.TextField(_("legal basis"))
    conditions = models.TextField(_("conditions"), blank=True)
    procedure = models.CharField(
        _("procedure"), max_length=40, default="standard",
        help_text=_("Name of the BPMN procedure the back office runs."),
    )
    procedure_steps = models.TextField(_("procedure steps"), blank=True)
    statutory_limit = models.PositiveIntegerField(_("statutory time limit"))
    statutory_limit_unit = models.CharField(
        _("statutory limit unit"), max_length=16, choices=LimitUnit.choices, default=LimitUnit.WORKING_DAYS
    )
    committed_limit = models.PositiveIntegerField(_("committed time limit"))
    committed_limit_unit = models.CharField(
        _("committed limit unit"), max_length=16, choices=LimitUnit.choices, default=LimitUnit.WORKING_DAYS
    )
    is_free = models.BooleanField(_("free of charge"), default=True)
    fee_due_before = models.CharField(_("fee to be paid before"), max_length=10, choices=FeeDueBefore.choices,
                                      default=FeeDueBefore.DELIVERY)
    place = models.CharField(_("place"), max_length=300, blank=True)
    office_hours = models.CharField(_("office hours"), max_length=200, blank=True)
    consultation_channel = models.CharField(_("consultation channel"), max_length=200, blank=True)
    complaint_channel = models.CharField(_("complaint channel"), max_length=200, blank=True)
    visits_required = models.PositiveSmallIntegerField(
        _("visits required"), choices=[(0, "0"), (1, "1"), (2, "2")], default=1, db_index=True
    )
    online_depth = models.PositiveSmallIntegerField(
        _("online depth"), choices=OnlineDepth.choices, default=OnlineDepth.PRE_REVIEW, db_index=True
    )
    handling_mode = models.CharField(
        _("handling mode"), max_length=12, choices=HandlingMode.choices, default=HandlingMode.COMMITTED
    )
    high_frequency = models.BooleanField(_("high-frequency"), default=False, db_index=True)
    high_risk = models.BooleanField(
        _("high-risk"), default=False,
        help_text=_("High-risk items are excluded from commitment approval and weigh more in random inspections."),
    )
    commitment_mode = models.CharField(_("commitment approval"), max_length=12, choices=CommitmentMode.choices,
                                       default=CommitmentMode.NONE, blank=True)
    commitment_text = models.TextField(
        _("commitment text"), blank=True,
        help_text=_("The commitments the applicant signs instead of the proofs (告知承诺书)."),
    )
    commitment_verify_days = models.PositiveIntegerField(
        _("verification within (working days)"), default=20,
        help_text=_("The verification inspection after a commitment approval is due within this many working days."),
    )
    form_schema = models.JSONField(_("application form (JSON Schema)"), default=dict, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("service item")
        verbose_name_plural = _("service items")
        indexes = [
            models.Index(fields=["status", "code"], name="item_status_code"),
            models.Index(fields=["implementing_body", "code"], name="item_body_code"),
            models.Index(fields=["zone", "code"], name="item_zone_code"),
            # Covers every column the catalog search filters on, in code order: SQLite counts matches
            # and finds a page's keys from this index alone instead of reading the wide item rows
            # (benchmarks/catalog_search.py: ~95 ms down to ~15 ms per count at 100,000 items).
            models.Index(
                fields=["status", "code", "name", "name_en", "item_type", "implementing_body", "original_department",
                        "zone", "visits_required", "online_depth", "high_frequency"],
                name="item_search_cover",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(visits_required__lte=2), name="item_visits_0_to_2"),
            models.CheckConstraint(condition=Q(online_depth__gte=1, online_depth__lte=4), name="item_depth_1_to_4"),
            models.CheckConstraint(condition=Q(statutory_limit__gt=0), name="item_statutory_limit_positive"),
            models.CheckConstraint(condition=Q(committed_limit__gt=0), name="item_committed_limit_positive"),
            models.CheckConstraint(condition=Q(commitment_mode="") | Q(high_risk=False),
                                   name="item_high_risk_no_commitment"),
        ]

    @property
    def procedure_label(self) -> str:
        """The procedure's name for people (the field holds the BPMN procedure's key)."""
        return str(PROCEDURE_LABELS.get(self.procedure, self.procedure))

    @property
    def at_most_one_visit(self) -> bool:
        """最多跑一次: the applicant comes at most once."""
        return self.visits_required <= 1


class MaterialForm(models.TextChoices):
    ORIGINAL = "original", _("Original")
    COPY = "copy", _("Copy")
    ELECTRONIC = "electronic", _("Electronic")


class Material(models.Model):
    """A material the applicant submits (申请材料)."""

    item = models.ForeignKey(ServiceItem, verbose_name=_("service item"), on_delete=models.CASCADE,
                             related_name="materials")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("material name"), max_length=200)
    form = models.CharField(_("form"), max_length=12, choices=MaterialForm.choices, default=MaterialForm.ORIGINAL)
    copies = models.PositiveSmallIntegerField(_("copies"), default=1)
    required = models.BooleanField(_("required"), default=True)
    licence_replaceable = models.BooleanField(
        _("replaceable by an electronic licence"), default=False,
        help_text=_("A government-issued licence can be pulled instead (免提交)."),
    )
    licence_type = models.CharField(_("licence type"), max_length=60, blank=True)
    commitment_replaceable = models.BooleanField(
        _("replaceable by a commitment"), default=False,
        help_text=_("Under commitment approval the applicant's signed commitment stands in for this proof."),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["item", "order", "id"]
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        constraints = [
            models.UniqueConstraint(fields=["item", "name"], name="material_name_unique_per_item"),
            models.CheckConstraint(condition=Q(copies__gte=1), name="material_copies_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class Fee(models.Model):
    """A fee standard (收费标准) with its legal basis. Amounts are in fen."""

    item = models.ForeignKey(ServiceItem, verbose_name=_("service item"), on_delete=models.CASCADE,
                             related_name="fees")
    name = models.CharField(_("fee name"), max_length=200)
    amount_fen = models.BigIntegerField(_("amount (fen)"))
    unit = models.CharField(_("charging unit"), max_length=40, blank=True)
    legal_basis = models.TextField(_("legal basis"))

    class Meta:
        ordering = ["item", "id"]
        verbose_name = _("fee")
        verbose_name_plural = _("fees")
        constraints = [
            models.UniqueConstraint(fields=["item", "name"], name="fee_name_unique_per_item"),
            models.CheckConstraint(condition=Q(amount_fen__gte=0), name="fee_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def amount_yuan(self) -> str:
        return f"{self.amount_fen // 100}.{self.amount_fen % 100:02d}"


class SpecialProcedureKind(models.TextChoices):
    """Art. 45 of the Administrative Licensing Law: time that does not count."""

    HEARING = "hearing", _("Hearing")  # 听证
    TENDERING = "tendering", _("Tendering")  # 招标
    AUCTION = "auction", _("Auction")  # 拍卖
    TESTING = "testing", _("Testing")  # 检测
    INSPECTION = "inspection", _("Inspection")  # 检验
    QUARANTINE = "quarantine", _("Quarantine")  # 检疫
    APPRAISAL = "appraisal", _("Appraisal")  # 鉴定
    EXPERT_REVIEW = "expert_review", _("Expert review")  # 专家评审
    PUBLIC_NOTICE = "public_notice", _("Public notice")  # 公示
    SITE_INSPECTION = "site_inspection", _("Site inspection")  # 现场勘验


class SpecialProcedure(models.Model):
    """A special procedure of an item and whether it stops the legal clock."""

    item = models.ForeignKey(ServiceItem, verbose_name=_("service item"), on_delete=models.CASCADE,
                             related_name="special_procedures")
    kind = models.CharField(_("kind"), max_length=20, choices=SpecialProcedureKind.choices)
    max_working_days = models.PositiveIntegerField(_("maximum duration (working days)"))
    stops_clock = models.BooleanField(_("stops the clock"), default=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["item", "id"]
        verbose_name = _("special procedure")
        verbose_name_plural = _("special procedures")
        constraints = [models.UniqueConstraint(fields=["item", "kind"], name="special_procedure_once_per_item")]

    def __str__(self) -> str:
        return self.get_kind_display()


class TransferStatus(models.TextChoices):
    TRANSFERRED = "transferred", _("Transferred")  # 已划转
    PENDING = "pending", _("Pending")  # 未划转


class LicensingTransfer(models.Model):
    """A licensing power moved (划转) from a department to the bureau (相对集中行政许可权)."""

    item = models.OneToOneField(ServiceItem, verbose_name=_("service item"), on_delete=models.PROTECT,
                                related_name="transfer")
    from_department = models.ForeignKey(Department, verbose_name=_("from department"), on_delete=models.PROTECT,
                                        related_name="transfers_out")
    to_department = models.ForeignKey(Department, verbose_name=_("to department"), on_delete=models.PROTECT,
                                      related_name="transfers_in")
    batch = models.CharField(_("batch"), max_length=40)
    date = models.DateField(_("date"), help_text=_("Date transferred, or planned date while pending."))
    status = models.CharField(_("status"), max_length=12, choices=TransferStatus.choices, db_index=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["from_department", "item"]
        verbose_name = _("licensing-power transfer")
        verbose_name_plural = _("licensing-power transfers")
        constraints = [
            models.CheckConstraint(condition=~Q(from_department=models.F("to_department")),
                                   name="transfer_between_two_departments"),
        ]

    def __str__(self) -> str:
        return f"{self.item.code} {self.from_department.name} → {self.to_department.name}"


class ItemVersion(models.Model):
    """An immutable snapshot of a published version of an item (事项版本)."""

    item = models.ForeignKey(ServiceItem, verbose_name=_("service item"), on_delete=models.CASCADE,
                             related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    snapshot = models.JSONField(_("content"))
    change_note = models.CharField(_("change note"), max_length=500, blank=True)
    published_at = models.DateTimeField(_("published at"))
    published_by = models.CharField(_("published by"), max_length=150, blank=True)

    class Meta:
        ordering = ["item", "-number"]
        verbose_name = _("item version")
        verbose_name_plural = _("item versions")
        constraints = [models.UniqueConstraint(fields=["item", "number"], name="item_version_unique")]

    def __str__(self) -> str:
        return f"{self.item.code} v{self.number}"
