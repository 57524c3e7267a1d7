"""Staff members and the permission anchor for roles."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .roles import ROLE_PERMISSIONS


class Role(models.Model):
    """Holds no rows: it anchors the role permissions (`accounts.use_window_workbench`, …)."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [(code, code.replace("_", " ")) for code in ROLE_PERMISSIONS]
        verbose_name = _("role")
        verbose_name_plural = _("roles")

    def __str__(self) -> str:
        return "role"


class StaffProfile(models.Model):
    """A government staff member (工作人员): their department, hall and region."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                                related_name="staff_profile")
    full_name = models.CharField(_("full name"), max_length=60)
    department = models.ForeignKey("catalog.Department", verbose_name=_("department"), on_delete=models.PROTECT,
                                   related_name="staff")
    hall = models.ForeignKey("catalog.Hall", verbose_name=_("hall"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="staff",
                             help_text=_("Empty for staff not stationed in a service hall."))
    region = models.ForeignKey("catalog.Region", verbose_name=_("region"), on_delete=models.PROTECT,
                               related_name="staff")
    window = models.ForeignKey("catalog.Window", verbose_name=_("window"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="staff")
    title = models.CharField(_("post"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    class Meta:
        ordering = ["department", "full_name"]
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")

    def __str__(self) -> str:
        return self.full_name


class ApiToken(models.Model):
    """A bearer token a system uses to call the API as its owner (docs/api.md).

    Only the SHA-256 of the token is stored, so a copy of the database lets no one call the API; the
    clear token is shown once, when it is created. `prefix` is its first characters, for telling
    tokens apart in lists.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.CASCADE,
                             related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100, blank=True,
                            help_text=_("What the token is for, e.g. the calling system."))
    prefix = models.CharField(_("prefix"), max_length=12)
    token_hash = models.CharField(_("SHA-256 of the token"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name or self.user})"
