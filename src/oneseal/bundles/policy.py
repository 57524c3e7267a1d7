"""Who may do what with a bundle. Services call these; pages and the API only hide what a user may
not do. Child cases keep their own policy (`oneseal.cases.policy`), which the cases services apply
to every step done on them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from oneseal.accounts.roles import RoleCode, has_role
from oneseal.cases import policy as case_policy
from oneseal.kernel.errors import PermissionDeniedError


def _deny(action: str) -> PermissionDeniedError:
    return PermissionDeniedError("forbidden", _("You may not %(action)s this bundle."), field="actor",
                                 action=action)


def require_may_define(user) -> None:
    """Bundles are part of the catalog: administrators define them (the demo loader acts as the
    system)."""
    if not getattr(user, "is_authenticated", False):
        return
    if not has_role(user, RoleCode.ADMINISTRATOR):
        raise PermissionDeniedError("forbidden", _("Only an administrator may define a bundle."), field="actor")


def require_may_apply(user, channel: str, hall, applicant) -> None:
    """The same rule as for a single case (DOMAIN.md §3.2): a window clerk of the hall at a window or
    kiosk, the applicant's own account online."""
    case_policy.require_may_submit(user, channel, hall, applicant)


def require_window_clerk(user, application, action: str) -> None:
    """The comprehensive window (综合窗口) of the bundle's hall; any hall for an online bundle."""
    if not has_role(user, RoleCode.WINDOW_CLERK):
        raise _deny(action)
    profile = getattr(user, "staff_profile", None)
    if application.hall_id and (profile is None or profile.hall_id != application.hall_id):
        raise _deny(action)
