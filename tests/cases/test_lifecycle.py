"""The life cycle's table, checked exhaustively: every (status, action) pair either has its listed
result or is refused."""

import itertools

import pytest

from oneseal.cases.lifecycle import TERMINAL, TRANSITIONS, Action, IllegalTransition, next_status
from oneseal.cases.models import CaseStatus

PAIRS = list(itertools.product(CaseStatus.values, list(Action)))


@pytest.mark.parametrize(("status", "action"), PAIRS, ids=[f"{s}-{a}" for s, a in PAIRS])
def test_every_pair_is_allowed_exactly_when_the_table_lists_it(status, action):
    if (status, action) in TRANSITIONS:
        assert next_status(status, action) == TRANSITIONS[(status, action)]
    else:
        with pytest.raises(IllegalTransition) as info:
            next_status(status, action)
        assert info.value.code == "illegal_transition" and info.value.status == 409


def test_terminal_statuses_allow_nothing():
    assert not [pair for pair in TRANSITIONS if pair[0] in TERMINAL]


def test_every_status_is_reachable_from_submitted():
    reached, frontier = {CaseStatus.SUBMITTED}, [CaseStatus.SUBMITTED]
    while frontier:
        status = frontier.pop()
        for (source, _action), target in TRANSITIONS.items():
            if source == status and target not in reached:
                reached.add(target)
                frontier.append(target)
    assert reached == set(CaseStatus.values)


@pytest.mark.parametrize("action", [Action.APPROVE, Action.DENY, Action.ISSUE, Action.DELIVER])
def test_no_result_without_acceptance(action):
    with pytest.raises(IllegalTransition):
        next_status(CaseStatus.SUBMITTED, action)
