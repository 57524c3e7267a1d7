"""The procedure library and its engine (oneseal/cases/workflow/): every path of every procedure, from tables."""

from __future__ import annotations

import json
from xml.etree import ElementTree

import pytest

from oneseal.accounts.roles import RoleCode
from oneseal.cases import workflow
from oneseal.cases.workflow import engine, library
from oneseal.catalog.models import PROCEDURE_LABELS, SpecialProcedureKind
from oneseal.kernel.errors import DomainError

# One row per path: the procedure, then each step as (task id, lane, kind, special procedure, data to
# complete it with), then the end event reached.
Step = tuple[str, str, str, str | None, dict | None]

REVIEW_PASSED = ("review", "approver", "review", None, {"passed": True})
REVIEW_FAILED = ("review", "approver", "review", None, {"passed": False})

PATHS: list[tuple[str, str, list[Step], str]] = [
    ("on_the_spot", "approved", [("accept_and_decide", "window_clerk", "decision", None, {"approved": True})],
     "approved"),
    ("on_the_spot", "denied", [("accept_and_decide", "window_clerk", "decision", None, {"approved": False})],
     "denied"),
    ("standard", "approved", [("review", "approver", "review", None, None),
                              ("decide", "approver", "decision", None, {"approved": True})], "approved"),
    ("standard", "denied", [("review", "approver", "review", None, {"opinion": "incomplete"}),
                            ("decide", "approver", "decision", None, {"approved": False})], "denied"),
]
for _name, _lane in (("site_inspection", "approver"), ("expert_review", "bureau_head"),
                     ("public_notice", "bureau_head")):
    _special = (_name, "approver", "special_procedure", _name, None)
    PATHS += [
        (_name, "approved", [REVIEW_PASSED, _special, ("decide", _lane, "decision", None, {"approved": True})],
         "approved"),
        (_name, "denied", [REVIEW_PASSED, _special, ("decide", _lane, "decision", None, {"approved": False})],
         "denied"),
        # A failed review skips the special procedure: the decision comes at once.
        (_name, "review failed", [REVIEW_FAILED, ("decide", _lane, "decision", None, {"approved": False})],
         "denied"),
    ]
PATHS += [
    ("commitment", "approved, commitment kept", [
        ("decide", "approver", "decision", None, {"approved": True}),
        ("verification", "approver", "verification", None, {"passed": True})], "approved"),
    ("commitment", "approved, false commitment", [
        ("decide", "approver", "decision", None, {"approved": True}),
        ("verification", "approver", "verification", None, {"passed": False})], "revoked"),
    ("commitment", "denied", [("decide", "approver", "decision", None, {"approved": False})], "denied"),
]


def _round_trip(state: dict) -> dict:
    """What a case does between two requests: store the state as JSON and read it back."""
    return json.loads(json.dumps(state))


def test_the_library_holds_the_catalogs_procedures():
    assert workflow.procedure_names() == set(PROCEDURE_LABELS)


@pytest.mark.parametrize("name", sorted(PROCEDURE_LABELS))
def test_every_procedure_parses_and_follows_the_conventions(name):
    spec = workflow.load_spec(name)
    assert workflow.load_spec(name) is spec  # parsed once per process
    steps = workflow.steps(name)
    assert steps
    for step in steps:
        assert step.lane in RoleCode.values
        assert step.kind in workflow.TaskKind.values
        assert (step.special_procedure is not None) == (step.kind == workflow.TaskKind.SPECIAL_PROCEDURE)
        assert step.special_procedure is None or step.special_procedure in SpecialProcedureKind.values
        assert str(step.title)


@pytest.mark.parametrize("name", sorted(PROCEDURE_LABELS))
def test_every_diagram_can_be_drawn(name):
    """bpmn-js draws only elements that have a shape (or edge) in the diagram interchange section."""
    ns = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
          "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI"}
    root = ElementTree.fromstring(workflow.diagram_xml(name).encode())
    process = root.find("bpmn:process", ns)
    elements = {el.get("id") for el in process if el.get("id") and not el.tag.endswith("laneSet")}
    lanes = {lane.get("id") for lane in process.iter(f"{{{ns['bpmn']}}}lane")}
    drawn = {di.get("bpmnElement") for di in root.iter() if di.tag.endswith(("BPMNShape", "BPMNEdge"))}
    assert elements | lanes <= drawn
    ids = [el.get("id") for el in root.iter() if el.get("id")]
    assert len(ids) == len(set(ids)), "XML ids must be unique in the file"


@pytest.mark.parametrize(("name", "path", "steps", "end"), PATHS, ids=[f"{p[0]}: {p[1]}" for p in PATHS])
def test_every_path_runs_to_its_end(name, path, steps, end):
    state = _round_trip(workflow.start(name))
    for task_id, lane, kind, special, data in steps:
        assert not workflow.is_finished(name, state)
        assert workflow.outcome(name, state) is None
        (task,) = workflow.ready_tasks(name, state)
        assert (task.spec_name, task.lane, task.kind, task.special_procedure) == (task_id, lane, kind, special)
        assert workflow.current_step_ids(name, state) == [task_id]
        state = _round_trip(workflow.complete(name, state, task.id, data))
    assert workflow.is_finished(name, state)
    assert workflow.outcome(name, state) == end
    assert workflow.ready_tasks(name, state) == []
    assert workflow.current_step_ids(name, state) == []


def test_completing_a_task_that_is_not_ready_is_refused():
    state = workflow.start("standard")
    (review,) = workflow.ready_tasks("standard", state)
    after_review = workflow.complete("standard", state, review.id)
    for stale_state, task_id in [
        (after_review, review.id),  # already done
        (state, "00000000-0000-4000-8000-000000000000"),  # no such task
        (state, "not-a-uuid"),
    ]:
        with pytest.raises(DomainError) as refused:
            workflow.complete("standard", stale_state, task_id, {"approved": True})
        assert refused.value.code == "task_not_ready"


def test_the_future_decision_cannot_be_completed_before_the_review():
    state = workflow.start("standard")
    loaded = engine._load("standard", state)[1]
    (decide,) = [t for t in loaded.tasks.values() if t.task_spec.name == "decide"]
    with pytest.raises(DomainError) as refused:
        workflow.complete("standard", state, str(decide.id), {"approved": True})
    assert refused.value.code == "task_not_ready"


@pytest.mark.parametrize("data", [None, {}, {"approved": "yes"}, {"approved": 1}])
def test_a_decision_without_a_yes_or_no_is_refused(data):
    state = workflow.start("on_the_spot")
    (task,) = workflow.ready_tasks("on_the_spot", state)
    with pytest.raises(DomainError) as refused:
        workflow.complete("on_the_spot", state, task.id, data)
    assert refused.value.code == "task_data_required"
    assert refused.value.field == "approved"


def test_task_data_must_be_plain_json():
    state = workflow.start("standard")
    (task,) = workflow.ready_tasks("standard", state)
    with pytest.raises(DomainError) as refused:
        workflow.complete("standard", state, task.id, {"when": object()})
    assert refused.value.code == "task_data_invalid"


def test_completing_leaves_the_given_state_unchanged():
    state = workflow.start("standard")
    before = json.dumps(state, sort_keys=True)
    (task,) = workflow.ready_tasks("standard", state)
    workflow.complete("standard", state, task.id)
    assert json.dumps(state, sort_keys=True) == before


@pytest.mark.parametrize("name", ["", "nonexistent", "../settings", "standard.bpmn", "STANDARD"])
def test_an_unknown_procedure_is_refused(name):
    for call in (workflow.load_spec, workflow.start, workflow.diagram_xml, workflow.steps):
        with pytest.raises(DomainError) as refused:
            call(name)
        assert refused.value.code == "unknown_procedure"


def test_a_state_is_read_only_with_its_own_procedure():
    state = workflow.start("standard")
    with pytest.raises(DomainError) as refused:
        workflow.ready_tasks("site_inspection", state)
    assert refused.value.code == "procedure_mismatch"


@pytest.mark.parametrize("name", sorted(PROCEDURE_LABELS))
def test_the_stored_state_holds_no_process_definition(name):
    state = workflow.start(name)
    stored = json.dumps(state)
    full = json.dumps(engine.full_serialization(name, state))
    assert len(stored) < 0.6 * len(full)
    assert '"spec"' not in stored and '"subprocess_specs"' not in stored
    assert '"task_specs"' not in stored and "task_specs" in full
    for marker in ("conditionExpression", "bpmn:", "extensions", "special_procedure", "not approved"):
        assert marker not in stored


@pytest.mark.parametrize("damage", [
    lambda s: {**s, "workflow": {"tasks": {}}},
    lambda s: {**s, "workflow": {**s["workflow"], "root": "nope"}},
    lambda s: {**s, "workflow": None},
    lambda s: {k: v for k, v in s.items() if k != "workflow"},
])
def test_a_damaged_state_is_refused(damage):
    state = workflow.start("standard")
    with pytest.raises(DomainError) as refused:
        workflow.ready_tasks("standard", damage(state))
    assert refused.value.code == "invalid_workflow_state"


def test_a_state_from_another_serializer_version_is_refused():
    state = {**workflow.start("standard"), "serializer_version": "0.9"}
    with pytest.raises(DomainError) as refused:
        workflow.ready_tasks("standard", state)
    assert refused.value.code == "workflow_state_outdated"


@pytest.fixture
def library_dir(tmp_path, monkeypatch):
    """A library in a temporary folder, for procedures that break the conventions."""
    monkeypatch.setattr(library, "PROCEDURES_DIR", tmp_path)
    library.procedure_names.cache_clear()
    engine._procedure.cache_clear()
    yield tmp_path
    library.procedure_names.cache_clear()
    engine._procedure.cache_clear()


STANDARD_XML = (library.PROCEDURES_DIR / "standard.bpmn").read_text(encoding="utf-8")


@pytest.mark.parametrize(("broken", "xml"), [
    ("lane is not a role code", STANDARD_XML.replace('name="approver"', 'name="Approvals office"')),
    ("unknown kind", STANDARD_XML.replace('value="review"', 'value="look"')),
    ("special procedure without its kind",
     STANDARD_XML.replace('value="review"', 'value="special_procedure"')),
    ("special procedure kind not in the catalog", STANDARD_XML.replace(
        '<spiffworkflow:property name="kind" value="review" />',
        '<spiffworkflow:property name="kind" value="special_procedure" />'
        '<spiffworkflow:property name="special_procedure" value="prayer" />')),
    ("not BPMN 2.0", STANDARD_XML.replace("<bpmn:userTask", "<bpmn:humanTask").replace(
        "</bpmn:userTask", "</bpmn:humanTask")),
    ("malformed XML", STANDARD_XML[:500]),
])
def test_a_procedure_that_breaks_the_conventions_is_refused(library_dir, broken, xml):
    (library_dir / "broken.bpmn").write_text(xml, encoding="utf-8")
    with pytest.raises(DomainError) as refused:
        workflow.load_spec("broken")
    assert refused.value.code == "invalid_procedure"


def test_a_procedure_drawn_by_the_conventions_needs_no_code(library_dir):
    """Adding a file is all it takes: a special procedure task marked in the BPMN is exposed as one."""
    xml = STANDARD_XML.replace(
        '<spiffworkflow:property name="kind" value="review" />',
        '<spiffworkflow:property name="kind" value="special_procedure" />'
        '<spiffworkflow:property name="special_procedure" value="testing" />')
    (library_dir / "with_testing.bpmn").write_text(xml, encoding="utf-8")
    assert workflow.procedure_names() == {"with_testing"}
    (task,) = workflow.ready_tasks("with_testing", workflow.start("with_testing"))
    assert (task.kind, task.special_procedure) == ("special_procedure", "testing")


def test_a_state_naming_a_step_the_procedure_no_longer_has_is_refused(library_dir):
    (library_dir / "standard.bpmn").write_text(STANDARD_XML, encoding="utf-8")
    state = workflow.start("standard")
    renamed = STANDARD_XML.replace("review", "vetting").replace('value="vetting"', 'value="review"')
    (library_dir / "standard.bpmn").write_text(renamed, encoding="utf-8")
    engine._procedure.cache_clear()
    with pytest.raises(DomainError) as refused:
        workflow.ready_tasks("standard", state)
    assert refused.value.code == "invalid_workflow_state"


def test_the_diagram_speaks_the_readers_language():
    from django.utils import translation

    from oneseal.cases.workflow.labels import localized_diagram_xml

    with translation.override("zh-hans"):
        chinese = localized_diagram_xml("expert_review")
    with translation.override("en"):
        english = localized_diagram_xml("expert_review")
    assert 'name="Expert review"' in english and 'name="Bureau head"' in english
    assert 'name="专家评审"' in chinese and 'name="局领导"' in chinese
    assert chinese.count("<bpmn:userTask") == english.count("<bpmn:userTask")
