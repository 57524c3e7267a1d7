"""The procedure library: the BPMN files the back office runs and the conventions they follow.

Each procedure is one file `cases/procedures/<name>.bpmn` holding one executable process; `<name>` is
the value of the catalog's `ItemVersion.procedure`. Every user task sits in a lane named by a role
code (`oneseal.accounts.roles.RoleCode`) and carries SpiffWorkflow extension properties:

- `kind`: what the task is (`TaskKind`), so the cases app knows what completing it means;
- `special_procedure`: for `kind="special_procedure"`, the `SpecialProcedureKind` it is — the task stops
  the legal clock (Art. 45 of the Administrative Licensing Law);
- `requires`: the boolean task-data variable the next gateway branches on (`approved`, `passed`).

End events are named by their id: `approved`, `denied`, `revoked`. See docs/procedures.md.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

PROCEDURES_DIR = Path(__file__).resolve().parent.parent / "procedures"


class TaskKind(models.TextChoices):
    """What a user task of a procedure is (the `kind` extension property)."""

    ACCEPTANCE = "acceptance", _("Acceptance")  # 受理
    REVIEW = "review", _("Review")  # 审查
    SPECIAL_PROCEDURE = "special_procedure", _("Special procedure")  # 特别程序 (Art. 45: clock stopped)
    DECISION = "decision", _("Decision")  # 决定
    VERIFICATION = "verification", _("Verification inspection")  # 告知承诺 核查


class Outcome(models.TextChoices):
    """The end events of the library's procedures (their BPMN ids)."""

    APPROVED = "approved", _("Approved")  # 准予许可
    DENIED = "denied", _("Denied")  # 不予许可
    REVOKED = "revoked", _("Revoked after verification")  # 告知承诺 核查不实, 撤销


# Titles of the library's user tasks, by task id, so they are translated like every other string;
# a task missing here shows the `name` written in its BPMN file.
TASK_TITLES: dict[str, Promise] = {
    "accept_and_decide": _("Accept and decide at the window"),
    "review": _("Review"),
    "decide": _("Decide"),
    "site_inspection": _("Site inspection"),
    "expert_review": _("Expert review"),
    "public_notice": _("Public notice"),
    "testing": _("Testing"),
    "inspection": _("Inspection"),
    "hearing": _("Hearing"),
    "verification": _("Verification inspection"),
}


@cache
def procedure_names() -> frozenset[str]:
    """The names of the procedures in the library (the file names without `.bpmn`)."""
    return frozenset(path.stem for path in PROCEDURES_DIR.glob("*.bpmn"))


def procedure_path(name: str) -> Path | None:
    """The BPMN file of a procedure, or None if the library has no procedure of that name.

    Only names of files that exist are accepted, so a name is never used to build an arbitrary path.
    """
    if name not in procedure_names():
        return None
    return PROCEDURES_DIR / f"{name}.bpmn"
