"""Electronic licences (电子证照) and their once-only reuse (免提交), DOMAIN.md §3.4.

A `Licence` is issued when a case is approved, for the licence type its item produces
(`IssuedLicenceType`); it is signed with the issuing department's e-seal key (`IssuerKey`) over a
canonical payload of its record, so any change to the record shows as tampering. Revocation,
expiry and renewal (Art. 50, `RenewalRequest`) change its status; every use of a licence by a case
instead of an upload is a `LicenceUse` (the holder's data tracker).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class LicenceType(models.Model):
    """A kind of licence (证照类型), e.g. 营业执照 or 食品经营许可证.

    `code` is upper-case letters and digits: it is part of every licence number. `fields` lists the
    licence's data fields: ``[{"name": "shop_name", "label": "经营者名称", "source": "form.shop_name"}]``
    where `source` is where issuance takes the value from (``form.<field>`` of the case's
    application form, ``applicant.name``, ``applicant.id_number``, ``item.name``, ``case.number``).
    """

    code = models.CharField(_("type code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=60, unique=True)
    name_en = models.CharField(_("English name"), max_length=120, blank=True)
    issuing_department = models.ForeignKey("catalog.Department", verbose_name=_("issuing department"),
                                           on_delete=models.PROTECT, related_name="licence_types")
    validity_days = models.PositiveIntegerField(_("default validity (days)"), null=True, blank=True,
                                                help_text=_("Empty: valid without a time limit."))
    fields = models.JSONField(_("data fields"), default=list, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("licence type")
        verbose_name_plural = _("licence types")
        constraints = [models.CheckConstraint(condition=Q(code__regex=r"^[A-Z0-9]{2,12}$"),
                                              name="licence_type_code_alphanumeric")]

    def __str__(self) -> str:
        return self.name


class IssuedLicenceType(models.Model):
    """The licence type a service item produces when one of its cases is approved."""

    item = models.OneToOneField("catalog.ServiceItem", verbose_name=_("service item"), on_delete=models.CASCADE,
                                related_name="issued_licence_type")
    licence_type = models.ForeignKey(LicenceType, verbose_name=_("licence type"), on_delete=models.PROTECT,
                                     related_name="issuing_items")

    class Meta:
        verbose_name = _("licence issued by an item")
        verbose_name_plural = _("licences issued by items")

    def __str__(self) -> str:
        return f"{self.item_id} → {self.licence_type}"


class IssuerKey(models.Model):
    """A department's e-seal key (电子印章密钥). Only the public key is here; the private key is a
    file under ONESEAL_VAR/keys with mode 0600, never in the database, a dump, a log or the admin."""

    department = models.ForeignKey("catalog.Department", verbose_name=_("department"), on_delete=models.PROTECT,
                                    related_name="issuer_keys")
    algorithm = models.CharField(_("algorithm"), max_length=12)
    public_key = models.BinaryField(_("public key"))
    key_id = models.CharField(_("key id"), max_length=32, unique=True)
    created_at = models.DateTimeField(_("created at"))
    active = models.BooleanField(_("active"), default=True)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)

    class Meta:
        ordering = ["department", "-created_at"]
        verbose_name = _("issuer key")
        verbose_name_plural = _("issuer keys")
        constraints = [models.UniqueConstraint(fields=["department", "algorithm"], condition=Q(active=True),
                                               name="one_active_key_per_department_algorithm")]

    def __str__(self) -> str:
        return f"{self.key_id} ({self.algorithm})"


class LicenceSequence(models.Model):
    """The last serial handed out per issuer, type and year (licence numbers)."""

    key = models.CharField(max_length=60, unique=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("licence number sequence")
        verbose_name_plural = _("licence number sequences")

    def __str__(self) -> str:
        return f"{self.key}:{self.last}"


class LicenceStatus(models.TextChoices):
    VALID = "valid", _("Valid")  # 有效
    REVOKED = "revoked", pgettext_lazy("licence status", "Revoked")  # 已注销
    EXPIRED = "expired", _("Expired")  # 已过期


class Licence(models.Model):
    """An electronic licence (电子证照), sealed by its issuer's key."""

    number = models.CharField(_("licence number"), max_length=60, unique=True)
    licence_type = models.ForeignKey(LicenceType, verbose_name=_("licence type"), on_delete=models.PROTECT,
                                     related_name="licences")
    holder = models.ForeignKey("cases.Applicant", verbose_name=_("holder"), on_delete=models.PROTECT,
                               related_name="licences")
    holder_name = models.CharField(_("holder name"), max_length=200)
    holder_id_number = models.CharField(_("holder ID number or credit code"), max_length=18)
    issuer = models.ForeignKey("catalog.Department", verbose_name=_("issuer"), on_delete=models.PROTECT,
                               related_name="licences")
    issued_at = models.DateTimeField(_("issued at"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    case = models.ForeignKey("cases.Case", verbose_name=_("issuing case"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="licences")
    status = models.CharField(_("status"), max_length=10, choices=LicenceStatus.choices,
                              default=LicenceStatus.VALID, db_index=True)
    algorithm = models.CharField(_("algorithm"), max_length=12)
    key_id = models.CharField(_("key id"), max_length=32)
    signature = models.TextField(_("signature (base64)"))
    qr_payload = models.TextField(_("QR payload"))
    pdf_path = models.CharField(_("PDF file"), max_length=200, blank=True)
    pdf_sha256 = models.CharField(_("PDF SHA-256"), max_length=64, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("revoked by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    revocation_reason = models.TextField(_("reason for revocation"), blank=True)
    expired_at = models.DateTimeField(_("marked expired at"), null=True, blank=True)
    renewed_from = models.OneToOneField("self", verbose_name=_("renewal of"), null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="renewed_by")

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("electronic licence")
        verbose_name_plural = _("electronic licences")
        indexes = [models.Index(fields=["holder", "licence_type", "status"], name="licence_holder_type")]
        constraints = [
            models.CheckConstraint(condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                                   name="licence_validity_ordered"),
            models.CheckConstraint(condition=~Q(status="revoked") | (Q(revoked_at__isnull=False)
                                                                    & ~Q(revocation_reason="")),
                                   name="licence_revocation_has_reason"),
            # One licence per case and type: a redelivered approval event issues nothing twice.
            models.UniqueConstraint(fields=["case", "licence_type"], condition=Q(case__isnull=False),
                                    name="one_licence_per_case_and_type"),
        ]

    def __str__(self) -> str:
        return self.number


class RenewalStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting decision")  # 待审查
    APPROVED = "approved", _("Renewed")  # 准予延续
    DENIED = "denied", _("Not renewed")  # 不予延续
    DEEMED = "deemed", _("Renewed: no decision before expiry")  # 视为准予延续 (Art. 50)


class RenewalRequest(models.Model):
    """A holder's application to renew a licence (Art. 50): at least 30 days before it expires; no
    decision before expiry means it is renewed."""

    licence = models.ForeignKey(Licence, verbose_name=_("licence"), on_delete=models.PROTECT,
                                related_name="renewals")
    requested_at = models.DateTimeField(_("requested at"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=RenewalStatus.choices,
                              default=RenewalStatus.PENDING, db_index=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"), blank=True)
    new_licence = models.OneToOneField(Licence, verbose_name=_("renewed licence"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="renewal_request")

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("renewal request")
        verbose_name_plural = _("renewal requests")
        constraints = [
            models.UniqueConstraint(fields=["licence"], condition=Q(status="pending"),
                                    name="one_pending_renewal_per_licence"),
            models.CheckConstraint(condition=~Q(status="denied") | ~Q(reason=""), name="renewal_denial_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.licence} {self.status}"


class LicenceUse(models.Model):
    """One use of a licence by a case instead of an upload (免提交): the holder's data tracker."""

    licence = models.ForeignKey(Licence, verbose_name=_("licence"), on_delete=models.PROTECT, related_name="uses")
    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.PROTECT,
                             related_name="licence_uses")
    material = models.CharField(_("material"), max_length=200)
    used_at = models.DateTimeField(_("used at"), db_index=True)
    used_by = models.CharField(_("used by"), max_length=200,
                               help_text=_("Who submitted the case: the applicant online, or the window clerk."))
    department = models.ForeignKey("catalog.Department", verbose_name=_("department"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+",
                                   help_text=_("The department handling the case that used the licence."))

    class Meta:
        ordering = ["-used_at", "-pk"]
        verbose_name = _("licence use")
        verbose_name_plural = _("licence uses")
        constraints = [models.UniqueConstraint(fields=["licence", "case", "material"], name="licence_use_once")]

    def __str__(self) -> str:
        return f"{self.licence} → {self.case}"
