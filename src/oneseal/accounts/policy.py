"""Who may open which page. One place, so the navigation and the views agree."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .roles import RoleCode


@dataclass(frozen=True)
class WorkbenchPage:
    role: str
    slug: str
    permission: str
    title: Promise


WORKBENCH_PAGES: tuple[WorkbenchPage, ...] = (
    WorkbenchPage(RoleCode.WINDOW_CLERK, "clerk", "accounts.use_window_workbench", _("Window workbench")),
    WorkbenchPage(RoleCode.APPROVER, "approver", "accounts.use_approval_workbench", _("Approval workbench")),
    WorkbenchPage(RoleCode.BUREAU_HEAD, "head", "accounts.approve_extensions", _("Bureau head's desk")),
    WorkbenchPage(RoleCode.REGULATOR, "regulator", "accounts.use_regulator_workbench", _("Regulator's desk")),
    WorkbenchPage(RoleCode.SUPERVISOR, "supervisor", "accounts.use_supervision_workbench",
                  _("Supervision desk")),
    WorkbenchPage(RoleCode.TRADING_STAFF, "trading", "accounts.use_trading_workbench", _("Trading centre desk")),
    WorkbenchPage(RoleCode.BIDDER, "bidder", "accounts.use_bidder_workbench", _("Bidder's desk")),
    WorkbenchPage(RoleCode.EXPERT, "expert", "accounts.use_expert_workbench", _("Expert's desk")),
    WorkbenchPage(RoleCode.APPLICANT, "applicant", "accounts.use_applicant_portal", _("My services")),
    WorkbenchPage(RoleCode.ADMINISTRATOR, "admin", "accounts.manage_catalog", _("Administration")),
    WorkbenchPage(RoleCode.CREDIT_OFFICER, "credit", "accounts.use_credit_workbench", _("Credit desk")),
)
PAGES_BY_SLUG = {p.slug: p for p in WORKBENCH_PAGES}


def pages_for(user) -> list[WorkbenchPage]:
    """The workbench pages this user may open."""
    if not getattr(user, "is_authenticated", False):
        return []
    return [p for p in WORKBENCH_PAGES if user.has_perm(p.permission)]
