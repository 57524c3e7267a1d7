"""Every write of one-thing joint handling (一事联办): one function per command, one transaction, one
audit entry. Child cases are created and moved only through `oneseal.cases.services`.

- `define_bundle`: a bundle definition, refused as a whole when its graph has a cycle, names an
  unknown item, depends on an item outside the bundle, maps to a field that does not exist, or leaves
  a required material of an item outside the shared pool.
- `apply_bundle`: one form, one upload per pool material; the items with no prerequisite start at
  once as ordinary cases. The first case that needs a material stores the upload; every later case
  reuses the stored file (`ReusedMaterial`, source ``bundle:<pk>``).
- The receivers (`receivers.py`) call `part_accepted`, `part_approved`, `licence_issued`,
  `part_issued` and `part_failed` when the child cases move: dependants start when their
  prerequisites are approved (and the licence data they map has arrived); a denial, a refusal or a
  withdrawal stops everything that depends on the failed part and tells the applicant why.
- `accept_parts`: the window receives the whole bundle at once (accepts every child case waiting).
- `deliver_bundle`: all results handed out together (一窗取件) or sent with one courier waybill.
"""

from .applications import (
    DONE_PARTS,
    FAILURE_LABELS,
    SYSTEM,
    accept_parts,
    application_form,
    apply_bundle,
    deliver_bundle,
    due_time,
    licence_issued,
    office_hours,
    part_accepted,
    part_approved,
    part_failed,
    part_issued,
)
from .definitions import ItemSpec, MappingSpec, PoolSpec, define_bundle

__all__ = [
    "DONE_PARTS", "FAILURE_LABELS", "SYSTEM", "ItemSpec", "MappingSpec", "PoolSpec", "accept_parts",
    "application_form", "apply_bundle", "define_bundle", "deliver_bundle", "due_time", "licence_issued",
    "office_hours", "part_accepted", "part_approved", "part_failed", "part_issued",
]
