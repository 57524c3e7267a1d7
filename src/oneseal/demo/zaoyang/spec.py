"""The shape in which the scenario's service items are written down, before they become rows."""

from __future__ import annotations

from dataclasses import dataclass

Limit = tuple[int, str]  # (amount, unit): (20, "working_days"), (4, "working_hours") …
FeeSpec = tuple[str, str, str, str]  # (name, amount in yuan, unit, legal basis)


@dataclass(frozen=True)
class ItemSpec:
    """One service item as the scenario describes it; everything not given is derived (see items.py)."""

    department: str  # the original department (and implementing body unless transferred)
    name: str
    name_en: str
    item_type: str
    law: str = ""  # legal basis; the department's default when empty
    pending: bool = False  # licensing: not yet transferred to the bureau (未划转)
    hf: bool = False  # a known high-frequency item (always "at most one visit")
    zone: str | None = None  # None: the department's zone
    limit: Limit | None = None  # statutory limit
    committed: Limit | None = None  # committed limit
    quick: bool = False  # 即办件: done on the spot
    sp: tuple[str, ...] = ()  # special procedures (Art. 45)
    fees: tuple[FeeSpec, ...] = ()
    materials: tuple[str, ...] = ()  # item-specific materials, before the common ones
    procedure: str = ""  # BPMN procedure name; derived when empty
    person: bool = False  # the applicant is a natural person (else an organisation)


def spec_factory(item_type: str):
    """`L = spec_factory("licensing")` then `L("FGJ", "企业投资项目核准", "…", law=…)`."""

    def make(department: str, name: str, name_en: str, **options) -> ItemSpec:
        return ItemSpec(department, name, name_en, item_type, **options)

    return make
