"""One-thing joint handling (一事联办): bundle definitions and the applications made under them.

A `BundleDefinition` names its items (`BundleItem`, each a catalog `ServiceItem`), the dependency
graph between them (`BundleItem.depends_on`), the shared material pool (`PoolMaterial`, each naming
the item materials it satisfies through `PoolMaterialUse`), the data mappings (`DataMapping`: an
output of one item's case becomes a form field of the next) and the bundle's own time limit.

A `BundleApplication` is one application (一号申请, 一套材料) under a definition: one form, one upload
per pool material (`BundleFile`), one `BundlePart` per item, each pointing at its child `Case` once
started. Child cases are ordinary cases with their own clocks; the bundle has its own clock and
status. `BundleNotice` is what the applicant is told (a part failed, the results are ready, …).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from oneseal.catalog.models import LimitUnit


class BundleDefinition(models.Model):
    """A "one thing" (一件事): the items handled together under one application."""

    code = models.CharField(_("bundle code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    limit_amount = models.PositiveIntegerField(_("time limit"))
    limit_unit = models.CharField(_("time limit unit"), max_length=16, choices=LimitUnit.choices)
    form_schema = models.JSONField(
        _("shared form fields (JSON Schema)"), default=dict, blank=True,
        help_text=_("Fields of the one application form beyond the items' own (一表申请)."))
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("bundle definition")
        verbose_name_plural = _("bundle definitions")
        constraints = [models.CheckConstraint(condition=Q(limit_amount__gte=1), name="bundle_limit_positive")]

    def __str__(self) -> str:
        return self.name


class BundleItem(models.Model):
    """One item of a bundle, and the items whose approval it waits for."""

    definition = models.ForeignKey(BundleDefinition, verbose_name=_("bundle"), on_delete=models.CASCADE,
                                   related_name="items")
    item = models.ForeignKey("catalog.ServiceItem", verbose_name=_("service item"), on_delete=models.PROTECT,
                             related_name="bundle_items")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    depends_on = models.ManyToManyField("self", verbose_name=_("starts after"), symmetrical=False, blank=True,
                                        related_name="dependants")

    class Meta:
        ordering = ["definition", "order", "id"]
        verbose_name = _("bundle item")
        verbose_name_plural = _("bundle items")
        constraints = [models.UniqueConstraint(fields=["definition", "item"], name="bundle_item_once")]

    def __str__(self) -> str:
        return f"{self.definition.code}: {self.item.name}"


class PoolMaterial(models.Model):
    """A material of the shared pool: uploaded once, used by every item that needs it."""

    definition = models.ForeignKey(BundleDefinition, verbose_name=_("bundle"), on_delete=models.CASCADE,
                                   related_name="pool")
    name = models.CharField(_("material name"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    required = models.BooleanField(_("required"), default=True,
                                   help_text=_("Required when any item material it satisfies is required."))

    class Meta:
        ordering = ["definition", "order", "id"]
        verbose_name = _("pool material")
        verbose_name_plural = _("pool materials")
        constraints = [models.UniqueConstraint(fields=["definition", "name"], name="pool_material_once")]

    def __str__(self) -> str:
        return self.name


class PoolMaterialUse(models.Model):
    """Which material of which item a pool material stands for."""

    pool_material = models.ForeignKey(PoolMaterial, verbose_name=_("pool material"), on_delete=models.CASCADE,
                                      related_name="uses")
    bundle_item = models.ForeignKey(BundleItem, verbose_name=_("bundle item"), on_delete=models.CASCADE,
                                    related_name="pool_uses")
    material = models.CharField(_("item material"), max_length=200)

    class Meta:
        ordering = ["bundle_item", "id"]
        verbose_name = _("pool material use")
        verbose_name_plural = _("pool material uses")
        constraints = [models.UniqueConstraint(fields=["bundle_item", "material"], name="item_material_once")]

    def __str__(self) -> str:
        return f"{self.pool_material} → {self.material}"


class MappingSource(models.TextChoices):
    FORM = "form", _("the source case's application form")
    LICENCE = "licence", _("the licence issued for the source case")  # 电子证照 data


class DataMapping(models.Model):
    """An output of one item's case becomes a form field of a later item's case (e.g. the credit code
    on the business licence becomes an input of the seal carving filing)."""

    definition = models.ForeignKey(BundleDefinition, verbose_name=_("bundle"), on_delete=models.CASCADE,
                                   related_name="mappings")
    source = models.ForeignKey(BundleItem, verbose_name=_("from item"), on_delete=models.CASCADE,
                               related_name="outgoing_mappings")
    source_kind = models.CharField(_("taken from"), max_length=10, choices=MappingSource.choices,
                                   default=MappingSource.FORM)
    source_key = models.CharField(_("source key"), max_length=80)
    target = models.ForeignKey(BundleItem, verbose_name=_("to item"), on_delete=models.CASCADE,
                               related_name="incoming_mappings")
    target_field = models.CharField(_("form field"), max_length=80)

    class Meta:
        ordering = ["definition", "id"]
        verbose_name = _("data mapping")
        verbose_name_plural = _("data mappings")
        constraints = [models.UniqueConstraint(fields=["target", "target_field"], name="mapping_target_once")]

    def __str__(self) -> str:
        return f"{self.source_kind}:{self.source_key} → {self.target_field}"


class BundleStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")  # 已申请
    IN_PROGRESS = "in_progress", _("In progress")  # 办理中
    READY = "ready", _("Results ready for pickup")  # 待取件
    DELIVERED = "delivered", _("Delivered")  # 已送达
    STOPPED = "stopped", _("Stopped")  # 已终止


class BundleApplication(models.Model):
    """One application for a whole bundle (一号申请、一套材料、一窗取件)."""

    number = models.CharField(_("bundle number"), max_length=30, unique=True)
    definition = models.ForeignKey(BundleDefinition, verbose_name=_("bundle"), on_delete=models.PROTECT,
                                   related_name="applications")
    applicant = models.ForeignKey("cases.Applicant", verbose_name=_("applicant"), on_delete=models.PROTECT,
                                  related_name="bundle_applications")
    channel = models.CharField(_("channel"), max_length=10)
    hall = models.ForeignKey("catalog.Hall", verbose_name=_("hall"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="bundle_applications")
    status = models.CharField(_("status"), max_length=12, choices=BundleStatus.choices,
                              default=BundleStatus.SUBMITTED, db_index=True)
    form_data = models.JSONField(_("application form"), default=dict, blank=True)
    submitted_at = models.DateTimeField(_("received at"), db_index=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("received by"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+")
    limit_amount = models.PositiveIntegerField(_("time limit"))
    limit_unit = models.CharField(_("time limit unit"), max_length=16, choices=LimitUnit.choices)
    due_at = models.DateTimeField(_("due"), db_index=True)
    due_provisional = models.BooleanField(_("due time provisional"), default=False)
    ready_at = models.DateTimeField(_("all results issued at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    delivery_method = models.CharField(_("delivery method"), max_length=12, blank=True)
    carrier = models.CharField(_("carrier"), max_length=60, blank=True)
    waybill = models.CharField(_("waybill number"), max_length=60, blank=True)
    stop_reason = models.TextField(_("why it stopped"), blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=100, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("bundle application")
        verbose_name_plural = _("bundle applications")
        constraints = [
            models.CheckConstraint(condition=~Q(status="stopped") | ~Q(stop_reason=""), name="bundle_stop_has_reason"),
            models.CheckConstraint(condition=~Q(delivery_method="courier") | (~Q(carrier="") & ~Q(waybill="")),
                                   name="bundle_courier_has_waybill"),
        ]

    def __str__(self) -> str:
        return self.number


class PartStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting for the items it depends on")  # 待启动
    RUNNING = "running", _("Being handled")  # 办理中
    APPROVED = "approved", _("Approved")  # 已准予
    ISSUED = "issued", _("Result issued")  # 已出证
    DELIVERED = "delivered", _("Delivered")  # 已送达
    FAILED = "failed", _("Denied, refused or withdrawn")  # 未通过
    STOPPED = "stopped", _("Not started: an item it depends on failed")  # 已终止


class BundlePart(models.Model):
    """One item of one bundle application, and its child case once started."""

    application = models.ForeignKey(BundleApplication, verbose_name=_("bundle application"),
                                    on_delete=models.CASCADE, related_name="parts")
    bundle_item = models.ForeignKey(BundleItem, verbose_name=_("bundle item"), on_delete=models.PROTECT,
                                    related_name="parts")
    case = models.OneToOneField("cases.Case", verbose_name=_("case"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="bundle_part")
    status = models.CharField(_("status"), max_length=10, choices=PartStatus.choices, default=PartStatus.WAITING)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    failure = models.TextField(_("why it failed or stopped"), blank=True)
    licence_data = models.JSONField(_("data of its licence"), default=dict, blank=True)

    class Meta:
        ordering = ["application", "bundle_item__order", "id"]
        verbose_name = _("bundle part")
        verbose_name_plural = _("bundle parts")
        constraints = [models.UniqueConstraint(fields=["application", "bundle_item"], name="bundle_part_once")]

    def __str__(self) -> str:
        return f"{self.application} {self.bundle_item.item.name}"


class BundleFile(models.Model):
    """The one stored upload of a pool material for one application; every case reuses it."""

    application = models.ForeignKey(BundleApplication, verbose_name=_("bundle application"),
                                    on_delete=models.CASCADE, related_name="files")
    pool_material = models.ForeignKey(PoolMaterial, verbose_name=_("pool material"), on_delete=models.PROTECT,
                                      related_name="files")
    path = models.CharField(_("stored file"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("type"), max_length=100)
    original_name = models.CharField(_("file name"), max_length=200)
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        ordering = ["application", "pool_material__order", "id"]
        verbose_name = _("bundle file")
        verbose_name_plural = _("bundle files")
        constraints = [models.UniqueConstraint(fields=["application", "pool_material"], name="bundle_file_once")]

    def __str__(self) -> str:
        return f"{self.application} {self.pool_material}"


class BundleNoticeKind(models.TextChoices):
    PART_FAILED = "part_failed", _("A part failed; the items that depend on it are stopped")
    READY = "ready", _("All results are ready for pickup")
    DELIVERED = "delivered", _("All results handed out together")


class BundleNotice(models.Model):
    """What the applicant is told about their bundle."""

    application = models.ForeignKey(BundleApplication, verbose_name=_("bundle application"),
                                    on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(_("kind"), max_length=12, choices=BundleNoticeKind.choices)
    at = models.DateTimeField(_("time"))
    content = models.JSONField(_("content"), default=dict)

    class Meta:
        ordering = ["application", "at", "id"]
        verbose_name = _("bundle notice")
        verbose_name_plural = _("bundle notices")

    def __str__(self) -> str:
        return f"{self.application} {self.kind}"


class BundleSequence(models.Model):
    """The last serial handed out per region and day, for bundle numbers."""

    key = models.CharField(max_length=40, unique=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("bundle number sequence")
        verbose_name_plural = _("bundle number sequences")

    def __str__(self) -> str:
        return f"{self.key}:{self.last}"
