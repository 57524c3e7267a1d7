"""Who may do what with pushes, findings and webhook endpoints. Services call these; selectors scope
reads the same way; views only hide what a user may not do.

- a regulator (监管部门) sees and claims the pushes of their own department's domain, files findings on
  them and manages their department's webhook endpoints;
- the issuing department's approvers and bureau head see, acknowledge and close the findings it receives;
- a supervisor (电子监察) sees every escalated push.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from oneseal.accounts.roles import RoleCode, department_of, has_role
from oneseal.kernel.errors import PermissionDeniedError

BUREAU_ROLES = (RoleCode.APPROVER, RoleCode.BUREAU_HEAD)


def regulator_department(user) -> int | None:
    """The department whose pushes this user sees: a regulator's own department, else None."""
    return department_of(user) if has_role(user, RoleCode.REGULATOR) else None


def bureau_department(user) -> int | None:
    """The department whose received findings this user handles: an approver's or head's, else None."""
    return department_of(user) if has_role(user, *BUREAU_ROLES) else None


def is_supervisor(user) -> bool:
    return has_role(user, RoleCode.SUPERVISOR)


def is_regulator_of(user, department_id: int) -> bool:
    return department_id is not None and regulator_department(user) == department_id


def _deny(message) -> PermissionDeniedError:
    return PermissionDeniedError("forbidden", message, field="actor")


def require_regulator_of(user, department_id: int) -> None:
    """Only a regulator of the push's supervising department (a regulator sees the pushes of their domain)."""
    if not is_regulator_of(user, department_id):
        raise _deny(_("Only a regulator of the supervising department may do this."))


def require_bureau_of(user, department_id: int) -> None:
    if bureau_department(user) != department_id or department_id is None:
        raise _deny(_("Only an approver or the head of the issuing department may handle this finding."))


def require_endpoint_manager(user, department_id: int) -> None:
    """A department's webhook endpoints are registered by its regulators or by an administrator."""
    if has_role(user, RoleCode.ADMINISTRATOR) or is_regulator_of(user, department_id):
        return
    raise _deny(_("Only a regulator of this department or an administrator may manage its webhooks."))
