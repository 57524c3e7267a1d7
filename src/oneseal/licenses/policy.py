"""Who may do what with a licence. Services and selectors call these; pages only hide what a user may not do.

* the **holder** (the applicant bound to the online account) sees their own licences, their uses, and
  applies to renew them;
* an **approver** or the **bureau head** of the issuing department revokes a licence (with a reason)
  and decides renewals; they and the department's window clerks see its licences;
* a **supervisor** sees every licence and every use (electronic supervision);
* anyone verifies a licence by its number, its QR payload or its PDF (the answer shows no full ID).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from oneseal.accounts.roles import STAFF_ROLES, RoleCode, has_role
from oneseal.kernel.errors import PermissionDeniedError

ISSUER_ROLES = (RoleCode.APPROVER, RoleCode.BUREAU_HEAD)


def _deny(action) -> PermissionDeniedError:
    return PermissionDeniedError("forbidden", _("You may not %(action)s this licence."), field="actor",
                                 action=action)


def _department_id(user) -> int | None:
    profile = getattr(user, "staff_profile", None)
    return profile.department_id if profile is not None else None


def is_holder(user, licence) -> bool:
    holder_user = licence.holder.user_id
    return bool(holder_user) and getattr(user, "pk", None) == holder_user


def is_issuer_staff(user, licence) -> bool:
    """An approver or the bureau head of the department that issued the licence."""
    return has_role(user, *ISSUER_ROLES) and _department_id(user) == licence.issuer_id


def require_issuer_staff(user, licence, action) -> None:
    if not is_issuer_staff(user, licence):
        raise _deny(action)


def require_holder(user, licence, action) -> None:
    if not is_holder(user, licence):
        raise _deny(action)


def may_see_all(user) -> bool:
    return has_role(user, RoleCode.SUPERVISOR)


def is_staff(user) -> bool:
    return has_role(user, *STAFF_ROLES)


def require_staff(user, action) -> None:
    if not is_staff(user):
        raise PermissionDeniedError("forbidden", _("Only government staff may %(action)s."), field="actor",
                                    action=action)
