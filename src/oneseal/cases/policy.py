"""Who may act on a case. Services call these; views only hide what a user may not do."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from oneseal.accounts.roles import RoleCode, has_role
from oneseal.kernel.errors import PermissionDeniedError


def _deny(action: str) -> PermissionDeniedError:
    return PermissionDeniedError("forbidden", _("You may not %(action)s this case."), field="actor",
                                 action=action)


def _staff(user):
    return getattr(user, "staff_profile", None)


def is_staff(user) -> bool:
    return _staff(user) is not None


def require_window_clerk(user, case, action: str) -> None:
    """Front desk (前台综合受理): a window clerk of the case's hall (any hall for online cases)."""
    if not has_role(user, RoleCode.WINDOW_CLERK):
        raise _deny(action)
    profile = _staff(user)
    if case.hall_id and (profile is None or profile.hall_id != case.hall_id):
        raise _deny(action)


def require_lane(user, case, lane: str, action: str) -> None:
    """Back office (后台分类审批): the task's role, in the department that implements the item."""
    if not has_role(user, lane):
        raise _deny(action)
    profile = _staff(user)
    if lane in (RoleCode.APPROVER, RoleCode.BUREAU_HEAD):
        if profile is None or profile.department_id != case.item.implementing_body_id:
            raise _deny(action)
    elif lane == RoleCode.WINDOW_CLERK:
        require_window_clerk(user, case, action)


def require_bureau_head(user, case, action: str) -> None:
    if not user.has_perm("accounts.approve_extensions"):
        raise _deny(action)
    profile = _staff(user)
    if profile is None or profile.department_id != case.item.implementing_body_id:
        raise _deny(action)


def require_supervisor(user, action: str) -> None:
    if not has_role(user, RoleCode.SUPERVISOR):
        raise PermissionDeniedError("forbidden", _("Only a supervisor may %(action)s."), field="actor",
                                    action=action)


def require_applicant_or_clerk(user, case, action: str) -> None:
    """The applicant themselves (online account), or a clerk at the window on their behalf."""
    applicant_user_id = case.applicant.user_id
    if applicant_user_id and getattr(user, "pk", None) == applicant_user_id:
        return
    require_window_clerk(user, case, action)


def require_may_submit(user, channel: str, hall, applicant) -> None:
    """Who may submit, and where (DOMAIN.md §3.2): a window clerk of the hall for window and kiosk
    applications; online or on mobile, the applicant's own account. Internal callers that are not a
    user (the demo loader, a bundle fanning out its cases) act as the system."""
    if not getattr(user, "is_authenticated", False):
        return
    if channel in ("window", "kiosk"):
        profile = _staff(user)
        if not has_role(user, RoleCode.WINDOW_CLERK) or profile is None or hall is None \
                or profile.hall_id != hall.pk:
            raise PermissionDeniedError("forbidden", _("Only a window clerk of this hall receives applications "
                                                       "at its windows."), field="actor")
        return
    if applicant.user_id != user.pk:
        raise PermissionDeniedError("forbidden", _("Online, only applicants apply, for themselves."),
                                    field="actor")
