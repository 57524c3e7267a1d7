"""The case life cycle as one explicit table: (status, action) → status.

Every service checks its transition here and nowhere else (STYLE.md rule 3). Actions that keep
the status (a review step, a pause) are listed too, so an action not in the table is refused in
every status where it is not listed.
"""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from oneseal.kernel.errors import DomainError

from .models import CaseStatus as S


class Action(StrEnum):
    ACCEPT = "accept"  # 受理 (Art. 32)
    DEEM_ACCEPTED = "deem_accepted"  # 逾期视为受理
    REQUEST_SUPPLEMENT = "request_supplement"  # 一次性告知补正
    RECEIVE_SUPPLEMENT = "receive_supplement"
    REFUSE = "refuse"  # 不予受理
    WITHDRAW = "withdraw"
    COMPLETE_TASK = "complete_task"  # a back-office step of the procedure
    START_SPECIAL_PROCEDURE = "start_special_procedure"  # Art. 45
    END_SPECIAL_PROCEDURE = "end_special_procedure"
    EXTEND = "extend"  # Art. 42
    APPROVE = "approve"
    DENY = "deny"
    ISSUE = "issue"  # 制证/出件 (Art. 44)
    DELIVER = "deliver"
    CONFIRM_RECEIPT = "confirm_receipt"
    GRANT_ON_COMMITMENT = "grant_on_commitment"  # 告知承诺: accepted and approved at once
    REVOKE = "revoke"  # 撤销: a false commitment found at verification


TRANSITIONS: dict[tuple[str, Action], str] = {
    (S.SUBMITTED, Action.ACCEPT): S.ACCEPTED,
    (S.SUBMITTED, Action.DEEM_ACCEPTED): S.ACCEPTED,
    (S.SUBMITTED, Action.REQUEST_SUPPLEMENT): S.AWAITING_SUPPLEMENT,
    (S.SUBMITTED, Action.REFUSE): S.REFUSED,
    (S.SUBMITTED, Action.WITHDRAW): S.WITHDRAWN,
    (S.AWAITING_SUPPLEMENT, Action.RECEIVE_SUPPLEMENT): S.SUBMITTED,
    (S.AWAITING_SUPPLEMENT, Action.REFUSE): S.REFUSED,
    (S.AWAITING_SUPPLEMENT, Action.WITHDRAW): S.WITHDRAWN,
    (S.ACCEPTED, Action.REQUEST_SUPPLEMENT): S.ACCEPTED,  # during review: the clock pauses
    (S.ACCEPTED, Action.RECEIVE_SUPPLEMENT): S.ACCEPTED,
    (S.ACCEPTED, Action.COMPLETE_TASK): S.ACCEPTED,
    (S.ACCEPTED, Action.START_SPECIAL_PROCEDURE): S.ACCEPTED,
    (S.ACCEPTED, Action.END_SPECIAL_PROCEDURE): S.ACCEPTED,
    (S.ACCEPTED, Action.EXTEND): S.ACCEPTED,
    (S.ACCEPTED, Action.APPROVE): S.APPROVED,
    (S.ACCEPTED, Action.DENY): S.DENIED,
    (S.ACCEPTED, Action.WITHDRAW): S.WITHDRAWN,
    (S.APPROVED, Action.ISSUE): S.ISSUED,
    # 告知承诺: the verification inspection comes after the approval, before the case closes.
    (S.APPROVED, Action.COMPLETE_TASK): S.APPROVED,
    (S.ISSUED, Action.COMPLETE_TASK): S.ISSUED,
    (S.DELIVERED, Action.COMPLETE_TASK): S.DELIVERED,
    (S.CLOSED, Action.COMPLETE_TASK): S.CLOSED,
    (S.DENIED, Action.ISSUE): S.ISSUED,
    (S.ISSUED, Action.DELIVER): S.DELIVERED,
    (S.DELIVERED, Action.CONFIRM_RECEIPT): S.CLOSED,
    (S.SUBMITTED, Action.GRANT_ON_COMMITMENT): S.APPROVED,
    (S.APPROVED, Action.REVOKE): S.REVOKED,
    (S.ISSUED, Action.REVOKE): S.REVOKED,
    (S.DELIVERED, Action.REVOKE): S.REVOKED,
    (S.CLOSED, Action.REVOKE): S.REVOKED,
}

# A closed case (办结) still takes its commitment's verification and, if the commitment was false, the
# revocation; nothing else.
TERMINAL = {S.REFUSED, S.WITHDRAWN, S.REVOKED}


class IllegalTransition(DomainError):
    status = 409


def next_status(status: str, action: Action) -> str:
    """The status after `action`, or IllegalTransition naming both."""
    try:
        return TRANSITIONS[(status, action)]
    except KeyError:
        raise IllegalTransition(
            "illegal_transition", _("A case that is “%(status)s” cannot be %(action)s."), field="status",
            status=S(status).label, action=ACTION_LABELS[action]) from None


ACTION_LABELS = {
    Action.ACCEPT: _("accepted"),
    Action.DEEM_ACCEPTED: _("deemed accepted"),
    Action.REQUEST_SUPPLEMENT: _("sent a supplement notice"),
    Action.RECEIVE_SUPPLEMENT: _("given a supplement"),
    Action.REFUSE: _("refused"),
    Action.WITHDRAW: _("withdrawn"),
    Action.COMPLETE_TASK: _("reviewed"),
    Action.START_SPECIAL_PROCEDURE: _("put into a special procedure"),
    Action.END_SPECIAL_PROCEDURE: _("taken out of a special procedure"),
    Action.EXTEND: _("extended"),
    Action.APPROVE: _("approved"),
    Action.DENY: _("denied"),
    Action.ISSUE: _("issued"),
    Action.DELIVER: _("delivered"),
    Action.CONFIRM_RECEIPT: _("confirmed as received"),
    Action.GRANT_ON_COMMITMENT: _("approved on a signed commitment"),
    Action.REVOKE: _("revoked"),
}
