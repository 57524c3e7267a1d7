"""The roles of DOMAIN.md §1, as Django groups with permissions.

A role is a group whose name is the role's code; its permissions are the `accounts.Role`
permissions below plus the model permissions it needs in the admin. `sync_roles()` makes the
database match this table and is run by `migrate` (post_migrate) and by the demo loader.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RoleCode(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")  # 申请人
    WINDOW_CLERK = "window_clerk", _("Window clerk")  # 综合窗口受理人员
    APPROVER = "approver", _("Approver")  # 审批人员
    BUREAU_HEAD = "bureau_head", _("Bureau head")  # 局领导
    REGULATOR = "regulator", _("Regulator")  # 监管部门
    SUPERVISOR = "supervisor", _("Supervisor")  # 电子监察 / 纪检监察
    TRADING_STAFF = "trading_staff", _("Trading-centre staff")  # 交易中心
    BIDDER = "bidder", _("Bidder")  # 投标人
    EXPERT = "expert", _("Evaluation expert")  # 评标专家
    ADMINISTRATOR = "administrator", _("Administrator")  # 系统管理员
    CREDIT_OFFICER = "credit_officer", _("Credit officer")  # 信用管理人员


# Role permissions (codename on accounts.Role) → the roles that hold them.
ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "use_window_workbench": (RoleCode.WINDOW_CLERK,),
    "use_approval_workbench": (RoleCode.APPROVER, RoleCode.BUREAU_HEAD),
    "approve_extensions": (RoleCode.BUREAU_HEAD,),
    "use_regulator_workbench": (RoleCode.REGULATOR,),
    "use_supervision_workbench": (RoleCode.SUPERVISOR,),
    "use_trading_workbench": (RoleCode.TRADING_STAFF,),
    "use_bidder_workbench": (RoleCode.BIDDER,),
    "use_expert_workbench": (RoleCode.EXPERT,),
    "use_applicant_portal": (RoleCode.APPLICANT,),
    "manage_catalog": (RoleCode.ADMINISTRATOR,),
    "manage_calendar": (RoleCode.ADMINISTRATOR,),
    "manage_users": (RoleCode.ADMINISTRATOR,),
    "view_audit_log": (RoleCode.ADMINISTRATOR, RoleCode.SUPERVISOR),
    "use_credit_workbench": (RoleCode.CREDIT_OFFICER,),
}

# Model permissions the administrator gets in the Django admin.
ADMIN_MODEL_APPS = ("catalog", "kernel", "accounts")
# Apps the administrator may only look at in the admin (their records change through services).
ADMIN_VIEW_APPS = ("cases", "payments", "licenses", "sharing", "bundles", "credit")
# Reference tables of those apps the administrator maintains (app_label.model): joint-punishment measures and
# the record kinds that carry them.
ADMIN_EDIT_MODELS = ("credit.measure", "credit.recordkind")

# Roles that are staff of the government (have a StaffProfile and reach the admin if permitted).
STAFF_ROLES = {
    RoleCode.WINDOW_CLERK, RoleCode.APPROVER, RoleCode.BUREAU_HEAD, RoleCode.REGULATOR,
    RoleCode.SUPERVISOR, RoleCode.TRADING_STAFF, RoleCode.ADMINISTRATOR, RoleCode.CREDIT_OFFICER,
}


def roles_of(user) -> set[str]:
    """The role codes a user holds (cached on the user object for the request)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_oneseal_roles", None)
    if cached is None:
        cached = set(user.groups.filter(name__in=RoleCode.values).values_list("name", flat=True))
        user._oneseal_roles = cached
    return cached


def has_role(user, *roles: str) -> bool:
    return bool(roles_of(user) & set(roles))


def department_of(user) -> int | None:
    """The department of a signed-in staff member's profile; None for anyone else."""
    profile = getattr(user, "staff_profile", None) if getattr(user, "is_authenticated", False) else None
    return profile.department_id if profile is not None else None
