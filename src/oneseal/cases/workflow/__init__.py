"""The back office's BPMN procedures (cases/procedures/*.bpmn) and the SpiffWorkflow engine that runs them.

The cases app calls only the names exported here; docs/procedures.md explains the conventions.
"""

from .engine import (
    StepInfo,
    TaskInfo,
    complete,
    current_step_ids,
    diagram_xml,
    is_finished,
    load_spec,
    outcome,
    ready_tasks,
    start,
    steps,
)
from .library import Outcome, TaskKind, procedure_names

__all__ = [
    "Outcome",
    "StepInfo",
    "TaskInfo",
    "TaskKind",
    "complete",
    "current_step_ids",
    "diagram_xml",
    "is_finished",
    "load_spec",
    "outcome",
    "procedure_names",
    "ready_tasks",
    "start",
    "steps",
]
