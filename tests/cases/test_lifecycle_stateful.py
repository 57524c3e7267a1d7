"""A hypothesis state machine drives one case through random commands by random users at random
times: no illegal transition succeeds, a refused command changes nothing, the due time never
precedes acceptance plus the limit, and paused time is never counted."""

import datetime as dt

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from oneseal.cases import services as s
from oneseal.cases.lifecycle import TRANSITIONS, Action
from oneseal.cases.models import Case, CaseStatus
from oneseal.kernel import workcal
from oneseal.kernel.errors import DomainError
from tests.cases.conftest import at, pdf
from tests.cases.test_services import FORM, MATERIALS

pytestmark = pytest.mark.django_db

USERS = ["clerk", "approver", "head", "supervisor", "outsider"]


def _snapshot(case: Case) -> tuple:
    case = Case.objects.get(pk=case.pk)
    return (case.status, case.accepted_at, case.due_at, case.extension_days, case.workflow_state,
            case.pauses.count(), case.notices.count())


def _expected_due(case: Case):
    """The due time computed independently: limit + extension + every closed pause's working days."""
    pauses = list(case.pauses.all())
    if any(p.ended_at is None for p in pauses) or case.limit_unit != "working_days":
        return None
    paused = sum(workcal.working_days_between(p.started_at, p.ended_at).days for p in pauses)
    return workcal.add_working_days(case.accepted_at, case.limit_amount + case.extension_days + paused).at


def test_random_command_sequences_keep_the_law(world):
    reached: set[str] = set()

    class CaseMachine(RuleBasedStateMachine):
        @initialize()
        def submit(self):
            self.now = at("2026-03-02 09:00")
            self.case = s.submit_case(actor=world["clerk"], item=world["item"], applicant=world["applicant"],
                                      channel="window", form_data=FORM, materials=[pdf(m) for m in MATERIALS],
                                      hall=world["hall"], now=self.now)

        def _do(self, action: Action, command):
            before = _snapshot(self.case)
            try:
                command()
            except DomainError:
                assert _snapshot(self.case) == before, f"a refused {action} changed the case"
                return
            assert (before[0], action) in TRANSITIONS, f"{action} succeeded from {before[0]}"
            self.case = Case.objects.get(pk=self.case.pk)
            reached.add(self.case.status)

        @rule(hours=st.integers(min_value=1, max_value=60))
        def time_passes(self, hours):
            self.now += dt.timedelta(hours=hours)

        @rule(user=st.sampled_from(USERS))
        def accept(self, user):
            self._do(Action.ACCEPT, lambda: s.accept_case(actor=world[user], case=self.case, now=self.now))

        @rule(user=st.sampled_from(USERS))
        def supplement(self, user):
            self._do(Action.REQUEST_SUPPLEMENT, lambda: s.request_supplement(
                actor=world[user], case=self.case, problems=[("场所证明", "不清晰")], now=self.now))

        @rule(user=st.sampled_from(USERS))
        def receive(self, user):
            self._do(Action.RECEIVE_SUPPLEMENT, lambda: s.receive_supplement(
                actor=world[user], case=self.case, materials=[pdf("场所证明", "v2.pdf")], now=self.now))

        @rule(user=st.sampled_from(USERS))
        def refuse(self, user):
            self._do(Action.REFUSE, lambda: s.refuse_case(actor=world[user], case=self.case, reason="不符合",
                                                          legal_basis="第三十二条", now=self.now))

        @rule(user=st.sampled_from(USERS), as_lane=st.booleans(), passed=st.booleans(), approved=st.booleans())
        def do_a_step(self, user, as_lane, passed, approved):
            from oneseal.cases.workflow import engine

            case = Case.objects.get(pk=self.case.pk)
            tasks = engine.ready_tasks(case.procedure, case.workflow_state) if case.workflow_state else []
            if not tasks:
                return
            task = tasks[0]
            if as_lane:  # half the time the right role tries, so the machine gets past review
                user = {"approver": "approver", "bureau_head": "head", "window_clerk": "clerk"}[task.lane]
            data = {"passed": passed, "approved": approved, "reasons": "" if approved else "理由"}
            action = Action.COMPLETE_TASK
            if task.kind == "decision":
                action = Action.APPROVE if approved else Action.DENY
            self._do(action, lambda: s.complete_task(actor=world[user], case=self.case, task_id=task.id,
                                                     data=data, now=self.now))

        @rule(passed=st.booleans(), approved=st.booleans())
        def do_a_step_in_the_right_role(self, passed, approved):
            self.do_a_step(user="clerk", as_lane=True, passed=passed, approved=approved)

        @rule(user=st.sampled_from(USERS), days=st.integers(min_value=0, max_value=12))
        def extend(self, user, days):
            self._do(Action.EXTEND, lambda: s.extend_case(actor=world[user], case=self.case, reason="复杂",
                                                          days=days, now=self.now))

        @rule(user=st.sampled_from(USERS))
        def issue(self, user):
            self._do(Action.ISSUE, lambda: s.issue_result(actor=world[user], case=self.case, now=self.now))

        @rule(user=st.sampled_from(USERS), method=st.sampled_from(["pickup", "courier", "electronic", "fax"]))
        def deliver(self, user, method):
            self._do(Action.DELIVER, lambda: s.deliver_result(
                actor=world[user], case=self.case, method=method, carrier="EMS" if method == "courier" else "",
                waybill="9" if method == "courier" else "", now=self.now))

        @rule(user=st.sampled_from(USERS))
        def confirm(self, user):
            self._do(Action.CONFIRM_RECEIPT, lambda: s.confirm_receipt(actor=world[user], case=self.case,
                                                                       now=self.now))

        @invariant()
        def due_time_keeps_the_law(self):
            case = Case.objects.get(pk=self.case.pk)
            if case.accepted_at is None or case.status != CaseStatus.ACCEPTED:
                return
            floor = workcal.add_working_days(case.accepted_at, case.limit_amount).at
            if case.due_at is not None:
                assert case.due_at >= floor
                assert case.due_at == _expected_due(case)
            else:
                assert case.pauses.filter(ended_at__isnull=True).exists()

    run_state_machine_as_test(CaseMachine, settings=settings(
        max_examples=40, stateful_step_count=40, deadline=None, derandomize=True, database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]))
    # The machine really walked the life cycle (otherwise the invariants checked nothing).
    assert {CaseStatus.ACCEPTED, CaseStatus.AWAITING_SUPPLEMENT, CaseStatus.REFUSED} <= reached
    assert reached & {CaseStatus.APPROVED, CaseStatus.DENIED}
