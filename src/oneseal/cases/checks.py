"""Checks of an applicant that other apps plug into the case's submission and decision.

The credit app registers the joint-punishment check here (一处失信、处处受限): cases does not import
credit (dependencies point one way), it only asks every registered check about the applicant and
records what comes back as flags on the case. A blocking flag refuses the command.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from oneseal.kernel.errors import DomainError


@dataclass(frozen=True)
class SubjectFlag:
    """One finding of a check: what it is, the record behind it, and whether it blocks."""

    source: str  # the app that raised it, e.g. "credit"
    code: str  # e.g. the measure's code
    message: str  # for the clerk and the approver, in the language of the moment it was raised
    reference: str = ""  # e.g. a credit record's number
    blocking: bool = False


# check(applicant, item, stage, at) -> flags. `stage` is a FlagStage value.
SubjectCheck = Callable[..., list[SubjectFlag]]
_checks: list[SubjectCheck] = []


def register_subject_check(check: SubjectCheck) -> None:
    if check not in _checks:
        _checks.append(check)


def subject_flags(*, applicant, item, stage: str, at: dt.datetime) -> list[SubjectFlag]:
    return [flag for check in _checks for flag in check(applicant=applicant, item=item, stage=stage, at=at)]


class SubjectRestricted(DomainError):
    status = 403


def refuse_if_blocked(flags: list[SubjectFlag], field: str = "applicant") -> None:
    blocking = [f for f in flags if f.blocking]
    if blocking:
        first = blocking[0]
        raise SubjectRestricted("subject_restricted",
                                _("The applicant is restricted: %(reason)s (record %(reference)s)."),
                                field=field, reason=first.message, reference=first.reference or "—")
