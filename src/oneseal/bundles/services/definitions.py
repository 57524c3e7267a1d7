"""Defining a bundle (一件事): its items, dependency graph, shared material pool and data mappings,
validated as a whole in one transaction (see the package docstring)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import jsonschema
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from oneseal.catalog.models import ItemStatus, LimitUnit, ServiceItem
from oneseal.kernel import audit
from oneseal.kernel.errors import FieldIssue, ValidationFailed

from .. import policy, structure
from ..models import (
    BundleDefinition,
    BundleItem,
    DataMapping,
    MappingSource,
    PoolMaterial,
    PoolMaterialUse,
)

# -- definition ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ItemSpec:
    """An item of a bundle by its catalog code, and the codes of the items it starts after."""

    item: str
    depends_on: tuple[str, ...] = ()


@dataclass(frozen=True)
class PoolSpec:
    """A pool material and the (item code, item material name) pairs it satisfies."""

    name: str
    uses: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class MappingSpec:
    """`source_kind:source_key` of the source item's case → `field` of the target item's form."""

    source: str
    source_key: str
    target: str
    field: str
    source_kind: str = MappingSource.FORM


@dataclass
class _Issues:
    found: list[FieldIssue] = field(default_factory=list)

    def add(self, where: str, code: str, message, /, **params: Any) -> None:
        self.found.append(FieldIssue(field=where, code=code, message=message, params=params))


def _check_schema(schema: dict, where: str, issues: _Issues) -> None:
    if not isinstance(schema, dict):
        issues.add(where, "form_schema_invalid", _("The shared form must be a JSON Schema object."))
        return
    try:
        jsonschema.Draft202012Validator.check_schema(schema)
    except jsonschema.SchemaError as error:
        issues.add(where, "form_schema_invalid", _("The shared form is not a valid JSON Schema: %(problem)s"),
                   problem=error.message)


def latest_snapshot(item: ServiceItem) -> dict:
    version = item.versions.order_by("-number").first()
    return version.snapshot if version else {}


@transaction.atomic
def define_bundle(*, actor, code: str, name: str, limit_amount: int, limit_unit: str, items: list[ItemSpec],
                  pool: list[PoolSpec], mappings: list[MappingSpec] = (), name_en: str = "",
                  description: str = "", form_schema: dict | None = None,
                  now: dt.datetime | None = None) -> BundleDefinition:
    """Define a bundle (一件事) in one transaction. Every problem is reported at once, each naming its
    field; a dependency cycle is named item by item."""
    policy.require_may_define(actor)
    now = now or timezone.now()
    issues = _Issues()
    code, name = code.strip(), name.strip()
    if not code:
        issues.add("code", "required", _("The bundle needs a code."))
    elif BundleDefinition.objects.filter(code=code).exists():
        issues.add("code", "code_taken", _("A bundle with code %(code)s already exists."), code=code)
    if not name:
        issues.add("name", "required", _("The bundle needs a name."))
    if limit_unit not in LimitUnit.values:
        issues.add("limit_unit", "unknown_limit_unit", _("Unknown time limit unit."))
    if not isinstance(limit_amount, int) or limit_amount < 1:
        issues.add("limit_amount", "limit_not_positive", _("The time limit is a whole number of at least 1."))
    _check_schema(form_schema or {}, "form_schema", issues)
    if not items:
        issues.add("items", "required", _("A bundle has at least two items."))
    elif len(items) < 2:
        issues.add("items", "too_few_items", _("A bundle has at least two items."))

    catalog = {i.code: i for i in ServiceItem.objects.filter(code__in=[s.item for s in items])}
    snapshots: dict[str, dict] = {}
    graph: dict[str, tuple[str, ...]] = {}
    for index, spec in enumerate(items):
        item = catalog.get(spec.item)
        if item is None:
            issues.add(f"items.{index}.item", "unknown_item", _("No service item with code %(code)s."),
                       code=spec.item)
            continue
        if spec.item in graph:
            issues.add(f"items.{index}.item", "duplicate_item", _("%(name)s is in the bundle twice."),
                       name=item.name)
            continue
        if item.status != ItemStatus.ACTIVE:
            issues.add(f"items.{index}.item", "item_not_in_force", _("The item %(code)s is not in force."),
                       code=spec.item)
        snapshots[spec.item] = latest_snapshot(item)
        if not snapshots[spec.item]:
            issues.add(f"items.{index}.item", "item_not_published",
                       _("The item %(code)s has no published version."), code=spec.item)
        graph[spec.item] = tuple(dict.fromkeys(spec.depends_on))
    for index, spec in enumerate(items):
        for dep in spec.depends_on:
            if dep not in graph:
                issues.add(f"items.{index}.depends_on", "dependency_not_in_bundle",
                           _("%(item)s depends on %(code)s, which is not an item of this bundle."),
                           item=catalog[spec.item].name if spec.item in catalog else spec.item, code=dep)
    known_graph = {k: tuple(d for d in v if d in graph) for k, v in graph.items()}
    cycle = structure.find_cycle(known_graph)
    if cycle:
        issues.add("items", "dependency_cycle", _("The items depend on each other in a cycle: %(cycle)s."),
                   cycle=" → ".join(catalog[c].name for c in cycle))
    _check_pool(pool, snapshots, catalog, issues)
    if not cycle:
        _check_mappings(mappings, snapshots, catalog, known_graph, form_schema or {}, issues)
    if issues.found:
        raise ValidationFailed(issues.found, _("The bundle definition has errors."))

    definition = BundleDefinition.objects.create(
        code=code, name=name, name_en=name_en, description=description, limit_amount=limit_amount,
        limit_unit=limit_unit, form_schema=form_schema or {}, created_at=now)
    rows = {spec.item: BundleItem.objects.create(definition=definition, item=catalog[spec.item], order=order)
            for order, spec in enumerate(items, start=1)}
    for spec in items:
        rows[spec.item].depends_on.set([rows[d] for d in graph[spec.item]])
    for order, spec in enumerate(pool, start=1):
        required = any(_material(snapshots[c], m).get("required", False) for c, m in spec.uses)
        material = PoolMaterial.objects.create(definition=definition, name=spec.name.strip(), order=order,
                                               required=required)
        PoolMaterialUse.objects.bulk_create([PoolMaterialUse(pool_material=material, bundle_item=rows[c], material=m)
                                             for c, m in spec.uses])
    DataMapping.objects.bulk_create([
        DataMapping(definition=definition, source=rows[m.source], source_kind=m.source_kind,
                    source_key=m.source_key, target=rows[m.target], target_field=m.field) for m in mappings])
    audit.record(actor=actor, action="bundles.defined", target=definition,
                 data={"code": code, "items": [s.item for s in items], "limit": f"{limit_amount} {limit_unit}"})
    return definition


def _material(snapshot: dict, name: str) -> dict:
    return next((m for m in snapshot.get("materials", []) if m["name"] == name), {})


def _check_pool(pool: list[PoolSpec], snapshots: dict[str, dict], catalog: dict, issues: _Issues) -> None:
    covered: set[tuple[str, str]] = set()
    names: set[str] = set()
    for index, spec in enumerate(pool):
        if not spec.name.strip():
            issues.add(f"pool.{index}.name", "required", _("A pool material needs a name."))
        elif spec.name.strip() in names:
            issues.add(f"pool.{index}.name", "duplicate_material", _("“%(name)s” is in the pool twice."),
                       name=spec.name)
        names.add(spec.name.strip())
        if not spec.uses:
            issues.add(f"pool.{index}.uses", "required", _("Say which item materials “%(name)s” stands for."),
                       name=spec.name)
        for use_index, (code, material) in enumerate(spec.uses):
            where = f"pool.{index}.uses.{use_index}"
            if code not in snapshots:
                issues.add(where, "item_not_in_bundle", _("%(code)s is not an item of this bundle."), code=code)
            elif not _material(snapshots[code], material):
                issues.add(where, "material_not_listed", _("“%(name)s” is not a material of %(item)s."),
                           name=material, item=catalog[code].name)
            elif (code, material) in covered:
                issues.add(where, "material_covered_twice",
                           _("“%(name)s” of %(item)s is already covered by another pool material."),
                           name=material, item=catalog[code].name)
            covered.add((code, material))
    for code, snapshot in snapshots.items():
        for material in snapshot.get("materials", []):
            if material.get("required") and not material.get("licence_replaceable") \
                    and (code, material["name"]) not in covered:
                issues.add("pool", "material_not_pooled",
                           _("The required material “%(name)s” of %(item)s is not in the shared pool."),
                           name=material["name"], item=catalog[code].name)


def _check_mappings(mappings: list[MappingSpec], snapshots: dict[str, dict], catalog: dict,
                    graph: dict[str, tuple[str, ...]], shared: dict, issues: _Issues) -> None:
    targets: set[tuple[str, str]] = set()
    for index, spec in enumerate(mappings):
        where = f"mappings.{index}"
        unknown = [c for c in (spec.source, spec.target) if c not in snapshots]
        for code in unknown:
            issues.add(where, "item_not_in_bundle", _("%(code)s is not an item of this bundle."), code=code)
        if spec.source_kind not in MappingSource.values:
            issues.add(f"{where}.source_kind", "unknown_source_kind", _("A value comes from “form” or “licence”."))
        if not spec.source_key.strip():
            issues.add(f"{where}.source_key", "required", _("Name the value to take."))
        if unknown:
            continue
        target_schema = snapshots[spec.target].get("form_schema") or {}
        fields = structure.properties(shared) if structure.is_open(target_schema) else structure.properties(target_schema)
        if spec.field not in fields:
            issues.add(f"{where}.field", "unknown_field", _("%(item)s's form has no field “%(field)s”."),
                       item=catalog[spec.target].name, field=spec.field)
        if spec.source not in structure.prerequisites(graph, spec.target):
            issues.add(f"{where}.source", "source_not_prerequisite",
                       _("%(target)s does not wait for %(source)s, so the value would not be there when it "
                         "starts."), target=catalog[spec.target].name, source=catalog[spec.source].name)
        if spec.source_kind == MappingSource.FORM:
            source_schema = snapshots[spec.source].get("form_schema") or {}
            source_fields = (structure.properties(shared) if structure.is_open(source_schema)
                             else structure.properties(source_schema))
            if spec.source_key not in source_fields:
                issues.add(f"{where}.source_key", "unknown_field", _("%(item)s's form has no field “%(field)s”."),
                           item=catalog[spec.source].name, field=spec.source_key)
        if (spec.target, spec.field) in targets:
            issues.add(f"{where}.field", "field_mapped_twice", _("“%(field)s” of %(item)s is mapped twice."),
                       field=spec.field, item=catalog[spec.target].name)
        targets.add((spec.target, spec.field))


