"""The Zaoyang scenario's credit part, loaded by `oneseal demo load` after the licences, pushes and bundles:
records and the credit officer's desk, the three 先建后验 enterprises' commitments, and a drawn
random-inspection plan."""

from . import commitments, inspections, records


def load() -> None:
    records.load()
    commitments.load()
    inspections.load()
