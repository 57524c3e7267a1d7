"""Who may do what with credit. Services call these; selectors scope reads the same way.

- anyone sees the public part of a subject's credit (公示): public records in effect;
- staff of the government (clerks, approvers, regulators, supervisors, credit officers) see the internal
  part: every record, with its measures, and the repaired and lifted ones;
- a credit officer (信用管理) records, lifts and imports records and decides repair requests;
- a regulator files records of its own department, runs its department's inspection plans and records
  their results; an inspector records the verifications and targets they were drawn for;
- an applicant sees their own subject's records and asks for a record's repair.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from oneseal.accounts.roles import STAFF_ROLES, RoleCode, department_of, has_role
from oneseal.kernel.errors import PermissionDeniedError


def _deny(action) -> PermissionDeniedError:
    return PermissionDeniedError("forbidden", _("You may not %(action)s."), field="actor", action=action)


def is_staff(user) -> bool:
    return has_role(user, *STAFF_ROLES)


def is_credit_officer(user) -> bool:
    return has_role(user, RoleCode.CREDIT_OFFICER)


def require_staff(user, action) -> None:
    if not is_staff(user):
        raise _deny(action)


def require_credit_officer(user, action) -> None:
    if not is_credit_officer(user):
        raise _deny(action)


def require_officer_or_regulator_of(user, department_id: int | None, action) -> None:
    """A credit officer, or a regulator of the department the record is of."""
    if is_credit_officer(user):
        return
    if has_role(user, RoleCode.REGULATOR) and department_id is not None and department_of(user) == department_id:
        return
    raise _deny(action)


def require_regulator_of(user, department_id: int, action) -> None:
    if not (has_role(user, RoleCode.REGULATOR) and department_of(user) == department_id):
        raise _deny(action)


def subject_numbers_of(user) -> set[str]:
    """The identity numbers an applicant's account acts for (their own applicant records)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    from oneseal.cases.models import Applicant

    return set(Applicant.objects.filter(user=user).values_list("id_number", flat=True))
