"""Runs the library's BPMN procedures with SpiffWorkflow, one small typed API for the cases app.

The engine keeps nothing between calls: each call takes the procedure's name and the instance state the
case stored, restores the workflow, acts, and returns the new state. The state holds the instance only
(its task tree, task data and flags) and never the process definition; the definition is parsed once per
process from the library and attached again on every load (ARCHITECTURE.md: a case stores only its
instance state — that halves the stored JSON and lets a corrected diagram reach running cases).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Any
from uuid import UUID

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from lxml import etree
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.serializer.workflow import VERSION as SERIALIZER_VERSION
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.specs.defaults import EndEvent
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.parser import VALIDATOR, SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from oneseal.accounts.roles import RoleCode
from oneseal.kernel.errors import DomainError

from .library import TASK_TITLES, TaskKind, procedure_path


@dataclass(frozen=True)
class StepInfo:
    """A user task of a procedure, as drawn: who does it and what it means."""

    spec_name: str  # the task's BPMN id, e.g. "review"
    title: str | Promise  # translatable, English source
    lane: str  # a RoleCode value
    kind: str  # a TaskKind value
    special_procedure: str | None  # a SpecialProcedureKind value: the task stops the legal clock
    requires: str | None  # the boolean task-data variable completing it must set


@dataclass(frozen=True)
class TaskInfo:
    """A ready user task of one running instance; `id` is what `complete` takes."""

    id: str  # the task's uuid in this instance
    spec_name: str
    title: str | Promise
    lane: str
    kind: str
    special_procedure: str | None
    requires: str | None


class _StateOnlyWorkflowConverter(BpmnWorkflowConverter):
    """Serializes a workflow without its process definition; restores it onto a spec given by the caller.

    SpiffWorkflow's own converter writes `spec` and `subprocess_specs` (every task spec, with its
    conditions and extensions) into each serialization. Those come from the library, so they are left
    out here and the parsed spec is passed to `from_dict(…, spec=…)` instead.
    """

    def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct: dict[str, Any], spec: BpmnProcessSpec | None = None) -> BpmnWorkflow:
        if spec is None:
            raise ValueError("the process spec must be given: stored states do not contain it")
        workflow = self.target_class(spec, {}, script_engine=_SCRIPT_ENGINE, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dict(dct.get("subprocesses", {})), workflow)
        workflow.bpmn_events = self.registry.restore(dct.get("bpmn_events", []))
        return workflow


def _make_serializer() -> BpmnWorkflowSerializer:
    config = dict(SPIFF_CONFIG)
    config[BpmnWorkflow] = _StateOnlyWorkflowConverter
    return BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(config))


# The conditions of the library's gateways are Python expressions over task data (`approved`,
# `not passed`); the library is code reviewed like any other, never a file uploaded by a user.
_SCRIPT_ENGINE = PythonScriptEngine()
_SERIALIZER = _make_serializer()
_FULL_SERIALIZER = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))


@dataclass(frozen=True)
class _Procedure:
    name: str
    spec: BpmnProcessSpec
    xml: str
    steps: dict[str, StepInfo]  # by task id, in document order


def _unknown(name: str) -> DomainError:
    return DomainError("unknown_procedure", _("There is no procedure named %(name)s."), name=name)


def _invalid(name: str, problem: str) -> DomainError:
    return DomainError(
        "invalid_procedure", _("The procedure %(name)s breaks the library's conventions: %(problem)s"),
        name=name, problem=problem,
    )


def _step_of(name: str, task_spec: Any) -> StepInfo:
    """Read and check a user task's lane and markers (docs/procedures.md)."""
    from oneseal.catalog.models import SpecialProcedureKind  # needs the app registry; not at import

    task_id = task_spec.bpmn_id
    props = (getattr(task_spec, "extensions", None) or {}).get("properties", {})
    kind = props.get("kind")
    special = props.get("special_procedure") or None
    if task_spec.lane not in RoleCode.values:
        raise _invalid(name, f"task {task_id} is in lane {task_spec.lane!r}, not a role code")
    if kind not in TaskKind.values:
        raise _invalid(name, f"task {task_id} has kind {kind!r}")
    if (kind == TaskKind.SPECIAL_PROCEDURE) != (special is not None):
        raise _invalid(name, f"task {task_id}: special_procedure is set exactly when kind is special_procedure")
    if special is not None and special not in SpecialProcedureKind.values:
        raise _invalid(name, f"task {task_id} has special procedure {special!r}")
    return StepInfo(
        spec_name=task_spec.name,
        title=TASK_TITLES.get(task_id, task_spec.bpmn_name or task_id),
        lane=task_spec.lane,
        kind=kind,
        special_procedure=special,
        requires=props.get("requires") or None,
    )


@cache
def _procedure(name: str) -> _Procedure:
    path = procedure_path(name)
    if path is None:
        raise _unknown(name)
    # Checked against the BPMN 2.0 schema (and SpiffWorkflow's extensions) once per process: ~1 ms.
    parser = SpiffBpmnParser(validator=VALIDATOR)
    try:
        parser.add_bpmn_file(str(path))
        process_ids = parser.get_process_ids()
        if len(process_ids) != 1:
            raise _invalid(name, f"the file holds {len(process_ids)} processes, not one")
        spec = parser.get_spec(process_ids[0])
    except (SpiffWorkflowException, etree.XMLSyntaxError) as exc:
        raise _invalid(name, str(exc)) from exc
    steps = {
        task_spec.name: _step_of(name, task_spec)
        for task_spec in spec.task_specs.values()
        if task_spec.manual
    }
    return _Procedure(name=name, spec=spec, xml=path.read_text(encoding="utf-8"), steps=steps)


def load_spec(name: str) -> BpmnProcessSpec:
    """The parsed process definition of a procedure (parsed once per process)."""
    return _procedure(name).spec


def steps(name: str) -> list[StepInfo]:
    """Every user task of a procedure, for guide pages and for telling the applicant in advance which
    special procedures the case may go through (Art. 45)."""
    return list(_procedure(name).steps.values())


def diagram_xml(name: str) -> str:
    """The procedure's BPMN 2.0 XML, with its diagram, for the bpmn-js viewer."""
    return _procedure(name).xml


# --- state ------------------------------------------------------------------------------------------

def _dump(name: str, workflow: BpmnWorkflow) -> dict[str, Any]:
    return {
        "procedure": name,
        "serializer_version": SERIALIZER_VERSION,
        "workflow": _SERIALIZER.to_dict(workflow),
    }


def _unreadable() -> DomainError:
    return DomainError("invalid_workflow_state", _("The stored workflow state cannot be read."))


def _load(name: str, state: dict[str, Any]) -> tuple[_Procedure, BpmnWorkflow]:
    procedure = _procedure(name)
    if not isinstance(state, dict) or state.get("procedure") != name:
        raise DomainError(
            "procedure_mismatch", _("The stored workflow state is not an instance of the procedure %(name)s."),
            name=name,
        )
    if state.get("serializer_version") != SERIALIZER_VERSION:
        # A SpiffWorkflow upgrade that changes its format needs a data migration of stored states.
        raise DomainError(
            "workflow_state_outdated", _("The stored workflow state has format %(version)s; it must be migrated."),
            version=str(state.get("serializer_version")),
        )
    stored = state.get("workflow")
    if not isinstance(stored, dict) or stored.get("typename") != "BpmnWorkflow":
        raise _unreadable()
    try:
        workflow = _SERIALIZER.from_dict(stored, spec=procedure.spec)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise _unreadable() from exc
    if any(task.task_spec is None for task in workflow.tasks.values()):
        # A task id the procedure no longer has: rename tasks only in a new procedure (docs/procedures.md).
        raise DomainError(
            "invalid_workflow_state", _("The stored workflow state names a step the procedure no longer has."),
        )
    return procedure, workflow


def _run_engine(workflow: BpmnWorkflow) -> None:
    try:
        workflow.do_engine_steps()
    except SpiffWorkflowException as exc:
        raise DomainError("procedure_failed", _("The procedure could not proceed: %(error)s"), error=str(exc)) from exc


def _ready(workflow: BpmnWorkflow) -> list[Task]:
    return workflow.get_tasks(state=TaskState.READY, manual=True)


# --- the API ----------------------------------------------------------------------------------------

class Instance:
    """One procedure instance, deserialised once for a whole service call: read its ready tasks,
    complete one, and dump the new state without loading it again."""

    def __init__(self, procedure: _Procedure, workflow: BpmnWorkflow):
        self.procedure, self.workflow = procedure, workflow
        self._ready: list[TaskInfo] | None = None

    def ready(self) -> list[TaskInfo]:
        """The user tasks waiting to be done, with their lane (the role that does them) and markers."""
        if self._ready is None:
            self._ready = [_task_info(self.procedure, task) for task in _ready(self.workflow)]
        return self._ready

    def complete(self, task_id: str, data: dict[str, Any] | None = None) -> None:
        """Complete a ready user task with `data` (task data the gateways read) and run the engine to the
        next user tasks or the end."""
        task = _ready_task(self.workflow, task_id)
        data = dict(data or {})
        _check_data(self.procedure.steps[task.task_spec.name], data)
        task.data.update(data)
        try:
            task.run()
        except SpiffWorkflowException as exc:
            raise DomainError("procedure_failed", _("The procedure could not proceed: %(error)s"),
                              error=str(exc)) from exc
        _run_engine(self.workflow)
        self._ready = None

    def state(self) -> dict[str, Any]:
        return _dump(self.procedure.name, self.workflow)


def new_instance(name: str) -> Instance:
    """A new instance of the procedure, run to its first user task."""
    procedure = _procedure(name)
    workflow = BpmnWorkflow(procedure.spec, script_engine=_SCRIPT_ENGINE)
    _run_engine(workflow)
    return Instance(procedure, workflow)


def open_instance(name: str, state: dict[str, Any]) -> Instance:
    """The stored instance `state` of the procedure (checked: procedure, format, steps)."""
    return Instance(*_load(name, state))


def start(name: str) -> dict[str, Any]:
    """A new instance of the procedure, run to its first user task; returns its state (JSON-able)."""
    return new_instance(name).state()


def ready_tasks(name: str, state: dict[str, Any]) -> list[TaskInfo]:
    """The user tasks waiting to be done, with their lane (the role that does them) and markers."""
    return open_instance(name, state).ready()


def _task_info(procedure: _Procedure, task: Task) -> TaskInfo:
    step = procedure.steps[task.task_spec.name]
    return TaskInfo(
        id=str(task.id), spec_name=step.spec_name, title=step.title, lane=step.lane, kind=step.kind,
        special_procedure=step.special_procedure, requires=step.requires,
    )


def complete(name: str, state: dict[str, Any], task_id: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
    """Complete a ready user task with `data`, run the engine to the next user tasks or the end, and
    return the new state. The given state is not modified."""
    instance = open_instance(name, state)
    instance.complete(task_id, data)
    return instance.state()


def _ready_task(workflow: BpmnWorkflow, task_id: str) -> Task:
    try:
        task = workflow.tasks.get(UUID(str(task_id)))
    except ValueError:
        task = None
    if task is None or task.state != TaskState.READY or not task.task_spec.manual:
        raise DomainError(
            "task_not_ready", _("The step %(task_id)s is not waiting to be done."), field="task_id", task_id=task_id,
        )
    return task


def _check_data(step: StepInfo, data: dict[str, Any]) -> None:
    if not all(isinstance(key, str) for key in data):
        raise DomainError("task_data_invalid", _("Task data keys must be strings."), field="data")
    try:
        json.dumps(data)
    except (TypeError, ValueError) as exc:
        raise DomainError("task_data_invalid", _("Task data must be plain JSON values."), field="data") from exc
    if step.requires and not isinstance(data.get(step.requires), bool):
        raise DomainError(
            "task_data_required", _("Completing %(step)s needs %(variable)s set to true or false."),
            field=step.requires, step=step.spec_name, variable=step.requires,
        )


def is_finished(name: str, state: dict[str, Any]) -> bool:
    """Whether the instance has reached its end."""
    _, workflow = _load(name, state)
    return workflow.is_completed()


def outcome(name: str, state: dict[str, Any]) -> str | None:
    """The id of the end event the instance reached (an `Outcome` value), or None while it runs."""
    _, workflow = _load(name, state)
    ends = workflow.get_tasks(state=TaskState.COMPLETED, spec_class=EndEvent)
    return ends[0].task_spec.bpmn_id if ends else None


def current_step_ids(name: str, state: dict[str, Any]) -> list[str]:
    """The BPMN element ids of the ready user tasks, to highlight in the diagram."""
    _, workflow = _load(name, state)
    return [task.task_spec.bpmn_id for task in _ready(workflow)]


def full_serialization(name: str, state: dict[str, Any]) -> dict[str, Any]:
    """SpiffWorkflow's own serialization of the instance, spec included (for comparison and debugging)."""
    _, workflow = _load(name, state)
    return _FULL_SERIALIZER.to_dict(workflow)
