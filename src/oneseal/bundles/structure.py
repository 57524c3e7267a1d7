"""Pure helpers on a bundle's structure: the dependency graph and the one application form.

Nothing here writes; the services validate definitions with `find_cycle` and build the children's
forms with `one_form` and `form_for_item`.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from typing import Any, TypeVar

K = TypeVar("K", bound=Hashable)


def find_cycle(graph: Mapping[K, Iterable[K]]) -> list[K] | None:
    """A dependency cycle of `graph` (node → the nodes it depends on), as the list of its nodes with
    the first repeated at the end (``[a, b, a]``), or None when the graph is acyclic."""
    white, grey, black = 0, 1, 2
    colour = dict.fromkeys(graph, white)
    path: list[K] = []

    def visit(node: K) -> list[K] | None:
        colour[node] = grey
        path.append(node)
        for nxt in graph.get(node, ()):
            if colour.get(nxt, white) == grey:
                return path[path.index(nxt):] + [nxt]
            if colour.get(nxt, white) == white and nxt in graph:
                found = visit(nxt)
                if found:
                    return found
        path.pop()
        colour[node] = black
        return None

    for start in graph:
        if colour[start] == white:
            found = visit(start)
            if found:
                return found
    return None


def prerequisites(graph: Mapping[K, Iterable[K]], node: K) -> set[K]:
    """Every node `node` waits for, directly or through others (graph must be acyclic)."""
    seen: set[K] = set()
    stack = list(graph.get(node, ()))
    while stack:
        current = stack.pop()
        if current not in seen:
            seen.add(current)
            stack.extend(graph.get(current, ()))
    return seen


def dependants(graph: Mapping[K, Iterable[K]], node: K) -> set[K]:
    """Every node that waits for `node`, directly or through others."""
    return {other for other in graph if node in prerequisites(graph, other)}


def properties(schema: dict | None) -> dict[str, dict]:
    return dict((schema or {}).get("properties") or {})


def is_open(schema: dict | None) -> bool:
    """An item form that declares no fields takes the bundle's shared fields."""
    return not properties(schema)


def one_form(shared: dict | None, items: Iterable[tuple[dict | None, set[str]]]) -> dict[str, Any]:
    """The one application form (一表申请): the bundle's shared fields and every item's fields, each
    once (the first declaration wins). `items` pairs each item's form schema with the fields that
    mappings fill in it from an earlier case: a field is asked only where some item needs it from
    the applicant (a shared field is left out when a mapping fills it in every open form)."""
    items = list(items)
    open_mapped = [mapped for schema, mapped in items if is_open(schema)]
    shared_skip = set.intersection(*open_mapped) if open_mapped else set()
    props: dict[str, dict] = {}
    required: list[str] = []
    for schema, skip in [(shared, shared_skip), *items]:
        for name, spec in properties(schema).items():
            if name not in skip and name not in props:
                props[name] = spec
        for name in (schema or {}).get("required") or []:
            if name not in skip and name not in required:
                required.append(name)
    return {"type": "object", "properties": props, "required": [r for r in required if r in props]}


def form_for_item(form: dict[str, Any], shared: dict | None, item_schema: dict | None,
                  mapped_values: dict[str, Any]) -> dict[str, Any]:
    """What one child case's form holds: its own declared fields (or, for an open form, the bundle's
    shared fields), then the values mapped from earlier cases."""
    wanted = properties(shared) if is_open(item_schema) else properties(item_schema)
    data = {name: form[name] for name in wanted if name in form}
    data.update(mapped_values)
    return data
