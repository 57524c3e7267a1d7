"""Statements built once from a model's metadata, for the paths that run the same few shapes all day.

The ORM builds and compiles a statement on every call: for a case's step, which is a dozen short
statements, that costs more CPU than the database spends on them (benchmarks/README.md, lifecycle).
Here a statement's SQL, the fields it writes and the converters it reads through are worked out the
first time a shape is used on a connection's backend and kept; each later call only adapts its values
(`Field.get_db_prep_save`, exactly what the ORM sends) and builds instances with `Model.from_db`
(exactly what the ORM returns: same types, same `_state`). So an instance written or read here is the
same as one the ORM wrote or read, and everything else in the project keeps using the ORM.

    insert(obj)                      INSERT … RETURNING the primary key; obj.pk set
    execute(sql, params) / fetch(sql, params)
                                     a hand-written statement, run the same way
    Batch()                          writes nobody reads back, queued and sent as one statement:
      .insert(obj), .insert_many(objs) (one multi-row INSERT), .update(obj, ["status", …]) (UPDATE …
      WHERE pk, pre_save applied, like save(update_fields) without signals), .execute(sql, params)
    NOW                              the same writes, each sent at once
    Loader(Case, ("item", …), lock=True).get(pk)
                                     one SELECT of a row and the rows its foreign keys name (LEFT JOINs,
                                     like select_related), FOR UPDATE OF the row where the backend can

Statements run on the default connection, inside the caller's transaction. On PostgreSQL they go
through a cursor that binds values on the server (Django's own cursor merges them into the text on
the client): psycopg then prepares each statement once per connection, so the server parses and plans
it once (a step's row with its related rows is a five-table join whose planning cost more than running
it), and values are sent as they are instead of being quoted into the text. Statements are written with
Django's placeholders (%s) and turned into PostgreSQL's own ($1 …) once, so psycopg sends them as they
are instead of parsing every one on every call. `prepare_threshold` in the
database OPTIONS (settings) lets psycopg prepare at all; the ORM's client-side binding never prepares.
Prepared statements need a session of their own, so a transaction-mode pooler in front of PostgreSQL
(PgBouncer's default) would need its prepared-statement support switched on. A transaction's BEGIN is
sent on its own, as psycopg does: sending it in the same round trip as the first statement (psycopg's
pipeline mode) was measured to cost more CPU on both ends than the round trip it saves
(docs/decisions/0008).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connection, models

_cache: dict[tuple, Any] = {}


@functools.cache
def _preparing_cursor_class() -> type:
    import psycopg
    from django.db.backends.postgresql.base import CursorMixin

    class PreparingCursor(CursorMixin, psycopg.RawCursor):
        """Takes statements in PostgreSQL's own notation ($1, $2 …, see `_native`), binds values on the
        server and asks psycopg to prepare every statement it runs."""

        def execute(self, query, params=None, *, prepare=None, binary=None):
            return super().execute(query, params, prepare=True, binary=binary)

    return PreparingCursor


def _cursor():
    """A cursor for this module's statements, inside Django's wrapper (query log, execute wrappers,
    Django's error classes)."""
    if connection.vendor != "postgresql":
        return connection.cursor()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        return connection._prepare_cursor(_preparing_cursor_class()(connection.connection))


_natives: dict[str, str] = {}
_PLACEHOLDER = re.compile(r"%(.)")


def _native(sql: str) -> str:
    """`sql` written with Django's placeholders (%s, and %% for a percent sign) in PostgreSQL's own ($1,
    $2 …), worked out once per statement: psycopg then sends it as it is instead of parsing it on each
    call (which it skips caching for statements of more than 50 values, such as a batch)."""
    native = _natives.get(sql)
    if native is None:
        count = 0

        def replace(match: re.Match) -> str:
            nonlocal count
            if match.group(1) == "%":
                return "%"
            if match.group(1) != "s":
                raise ValueError(f"only %s and %% may appear in a statement of kernel.rows: {sql[:200]}")
            count += 1
            return f"${count}"
        native = _natives[sql] = _PLACEHOLDER.sub(replace, sql)
    return native


def _run(cursor, sql: str, params: Sequence[Any]) -> None:
    cursor.execute(_native(sql) if connection.vendor == "postgresql" else sql, params)


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _key(*parts: Any) -> tuple:
    return (connection.vendor, *parts)


def _insert_fields(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.local_concrete_fields if not f.generated and not isinstance(f, models.AutoField)]


def _insert_sql(model: type[models.Model], rows: int) -> tuple[str, list[models.Field]]:
    key = _key("insert", model, rows)
    if key not in _cache:
        fields = _insert_fields(model)
        row = "(" + ", ".join(["%s"] * len(fields)) + ")"
        sql = (f"INSERT INTO {_quote(model._meta.db_table)} ({', '.join(_quote(f.column) for f in fields)}) "
               f"VALUES {', '.join([row] * rows)}")
        if rows == 1:
            sql += f" RETURNING {_quote(model._meta.pk.column)}"
        _cache[key] = (sql, fields)
    return _cache[key]


# Exact field classes whose values of one exact Python type go to the driver as they are: their
# `pre_save` reads the attribute and their prep returns such a value unchanged. Any other field, or a
# value of another type (an enum member, a lazy string), goes through `get_db_prep_save`.
_INTEGER = {models.IntegerField, models.PositiveIntegerField, models.PositiveSmallIntegerField,
            models.SmallIntegerField, models.BigIntegerField, models.AutoField, models.BigAutoField}
_plain: dict[models.Field, type | None] = {}


def _plain_type(f: models.Field) -> type | None:
    if f not in _plain:
        kind = type(f)
        if kind is models.ForeignKey:
            kind = type(f.target_field)
        _plain[f] = (str if kind in (models.CharField, models.TextField) else int if kind in _INTEGER
                     else bool if kind is models.BooleanField else None)
    return _plain[f]


def _values(obj: models.Model, fields: Iterable[models.Field], add: bool) -> list[Any]:
    values = []
    for f in fields:
        plain = _plain_type(f)
        if plain is not None:
            value = getattr(obj, f.attname)
            if value is None or type(value) is plain:
                values.append(value)
                continue
        values.append(f.get_db_prep_save(f.pre_save(obj, add), connection))
    return values


def insert(obj: models.Model) -> models.Model:
    """INSERT `obj` (every concrete field but an auto primary key) and set its primary key."""
    sql, fields = _insert_sql(type(obj), 1)
    with _cursor() as cursor:
        _run(cursor, sql, _values(obj, fields, True))
        obj.pk = cursor.fetchone()[0]
    obj._state.adding, obj._state.db = False, connection.alias
    return obj


def _update_sql(model: type[models.Model], field_names: Sequence[str]) -> tuple[str, list[models.Field]]:
    key = _key("update", model, tuple(field_names))
    if key not in _cache:
        fields = [model._meta.get_field(name) for name in field_names]
        assignments = ", ".join(f"{_quote(f.column)} = %s" for f in fields)
        _cache[key] = (f"UPDATE {_quote(model._meta.db_table)} SET {assignments} "
                       f"WHERE {_quote(model._meta.pk.column)} = %s", fields)
    return _cache[key]


def execute(sql: str, params: Sequence[Any] = ()) -> int:
    """Run one hand-written statement (prepared like the others); the number of rows it touched."""
    with _cursor() as cursor:
        _run(cursor, sql, params)
        return cursor.rowcount


def fetch(sql: str, params: Sequence[Any] = ()) -> list[tuple]:
    """Run one hand-written query (prepared like the others); its rows as the driver returns them, so
    values that need converting (dates on SQLite, JSON) are the caller's to convert: keep to plain
    columns, and pass datetimes through `db_value`."""
    with _cursor() as cursor:
        _run(cursor, sql, params)
        return cursor.fetchall()


class Batch:
    """Writes a command does not read back, sent together: on PostgreSQL as one statement (each write a
    data-modifying WITH query of it, prepared per combination, so one round trip and one execution),
    elsewhere one by one. `flush()` sends them; an error in any raises there, inside the caller's
    transaction, which then rolls back whole. Nothing queued may be needed by a read before the flush,
    an inserted row's primary key is not read back, and no row may be changed twice in one batch
    (`update` of a row already queued flushes the batch first). A batch that is never flushed (the
    command failed first) sends nothing. Queued statements are INSERT, UPDATE or DELETE, or a SELECT
    whose function writes; a statement with its own WITH cannot be queued.

    `NOW` is the batch that sends each write at once: helpers take ``writes=rows.NOW`` by default.
    """

    immediate = False

    def __init__(self) -> None:
        self._pending: list[tuple[str, list[Any]]] = []
        self._updated: set[tuple[type, Any]] = set()

    def _add(self, sql: str, params: list[Any]) -> None:
        if self.immediate:
            with _cursor() as cursor:
                _run(cursor, sql, params)
        else:
            self._pending.append((sql, params))

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self._add(sql, list(params))

    def insert(self, obj: models.Model) -> models.Model:
        if self.immediate:
            return insert(obj)
        sql, fields = _insert_sql(type(obj), 1)
        self._add(sql, _values(obj, fields, True))
        obj._state.adding, obj._state.db = False, connection.alias
        return obj

    def insert_many(self, objs: Sequence[models.Model]) -> None:
        if objs:
            sql, fields = _insert_sql(type(objs[0]), len(objs))
            self._add(sql, [value for obj in objs for value in _values(obj, fields, True)])
            for obj in objs:
                obj._state.adding, obj._state.db = False, connection.alias

    def update(self, obj: models.Model, field_names: Sequence[str]) -> None:
        if (type(obj), obj.pk) in self._updated:
            self.flush()
        sql, fields = _update_sql(type(obj), field_names)
        self._add(sql, [*_values(obj, fields, False), obj.pk])
        if not self.immediate:
            self._updated.add((type(obj), obj.pk))

    def flush(self) -> None:
        pending, self._pending = self._pending, []
        self._updated.clear()
        if not pending:
            return
        with _cursor() as cursor:
            if connection.vendor != "postgresql" or len(pending) == 1:
                for sql, params in pending:
                    _run(cursor, sql, params)
                return
            _run(cursor, _combined(tuple(sql for sql, _params in pending)),
                 [value for _sql, params in pending for value in params])


def _combined(statements: tuple[str, ...]) -> str:
    """One statement doing all of `statements`: each a WITH query (data-modifying ones run once whether
    read or not; a SELECT runs only if read, so it is counted)."""
    key = _key("batch", statements)
    if key not in _cache:
        queries = [f"w{n} AS ({sql})" for n, sql in enumerate(statements, 1)]
        reads = [f"(SELECT count(*) FROM w{n})" for n, sql in enumerate(statements, 1)
                 if sql.lstrip()[:6].upper() == "SELECT"]
        _cache[key] = f"WITH {', '.join(queries)} SELECT {' + '.join(reads) or '0'}"
    return _cache[key]


class _Now(Batch):
    immediate = True


NOW: Batch = _Now()


def db_value(model: type[models.Model], field: str, value: Any) -> Any:
    """`value` as the ORM would send it for `model.field` (e.g. a datetime on SQLite)."""
    return model._meta.get_field(field).get_db_prep_value(value, connection)


class _Part:
    """One model's columns in a Loader's SELECT: its fields, their converters, where it hangs."""

    def __init__(self, model: type[models.Model], alias: str, via: models.ForeignKey | None,
                 only: Sequence[str] = ()):
        self.model, self.alias, self.via = model, alias, via
        self.fields = [f for f in model._meta.concrete_fields if not only or f.primary_key or f.attname in only
                       or f.name in only]  # the others are deferred: read on first access, like .only()
        self.names = [f.attname for f in self.fields]
        self.cols = [f.get_col(alias) for f in self.fields]
        self.converters: list[list[Callable]] = [
            connection.ops.get_db_converters(col) + col.get_db_converters(connection) for col in self.cols]
        self.converting = [(i, converters) for i, converters in enumerate(self.converters) if converters]
        self.pk_index = self.fields.index(model._meta.pk)
        self.columns = [f"{_quote(alias)}.{_quote(f.column)}" for f in self.fields]

    def build(self, values: Sequence[Any]) -> models.Model | None:
        converted = list(values)
        for i, converters in self.converting:
            for convert in converters:
                converted[i] = convert(converted[i], self.cols[i], connection)
        if self.via is not None and converted[self.pk_index] is None:
            return None  # a nullable foreign key that names no row
        return self.model.from_db(connection.alias, self.names, converted)


class Loader:
    """A row of `model` by primary key with the rows its forward foreign keys `related` name, in one
    SELECT built once per backend; `lock` takes the row (not the related ones) FOR UPDATE where the
    backend can (SQLite serialises writers at BEGIN IMMEDIATE instead). `extra` adds named SQL
    expressions over the row's alias ``t0`` (and their parameters), set as attributes like `annotate`;
    `where` replaces the primary-key condition (e.g. ``t0.item_id = %s ORDER BY t0.number DESC LIMIT 1``);
    `only` names, per relation, the fields to read (the others are deferred, as with `.only()`).
    """

    def __init__(self, model: type[models.Model], related: Sequence[str] = (), *, lock: bool = False,
                 extra: dict[str, tuple[str, Sequence[Any]]] | None = None, where: str = "",
                 only: dict[str, Sequence[str]] | None = None):
        self.model, self.related, self.lock = model, tuple(related), lock
        self.only = {name: tuple(fields) for name, fields in (only or {}).items()}
        self.extra = dict(extra or {})
        self.where = where or f"t0.{_quote(model._meta.pk.column)} = %s"

    def _compiled(self) -> tuple[str, list[_Part], list[Any]]:
        key = _key("loader", self.model, self.related, self.lock, tuple(self.extra), self.where,
                   tuple(sorted(self.only.items())))
        if key not in _cache:
            root = _Part(self.model, "t0", None)
            parts, joins = [root], []
            for n, name in enumerate(self.related, 1):
                fk = self.model._meta.get_field(name)
                part = _Part(fk.related_model, f"t{n}", fk, self.only.get(name, ()))
                parts.append(part)
                joins.append(f"LEFT JOIN {_quote(fk.related_model._meta.db_table)} {_quote(part.alias)} ON "
                             f"{_quote(part.alias)}.{_quote(fk.target_field.column)} = t0.{_quote(fk.column)}")
            columns = [c for part in parts for c in part.columns] + [sql for sql, _p in self.extra.values()]
            sql = (f"SELECT {', '.join(columns)} FROM {_quote(self.model._meta.db_table)} t0 {' '.join(joins)} "
                   f"WHERE {self.where}")
            if self.lock and connection.features.has_select_for_update:
                sql += " FOR UPDATE OF t0" if connection.features.has_select_for_update_of else " FOR UPDATE"
            params = [p for _sql, extra_params in self.extra.values() for p in extra_params]
            _cache[key] = (sql, parts, params)
        return _cache[key]

    def all(self, *args: Any) -> list[models.Model]:
        """Every row `where` finds with these parameters (a `where` with its own ORDER BY)."""
        sql, parts, params = self._compiled()
        with _cursor() as cursor:
            _run(cursor, sql, [*params, *args])
            return [self._build(parts, row) for row in cursor.fetchall()]

    def get(self, *args: Any) -> models.Model:
        """The row (by primary key, or the first `where` finds with these parameters), or
        `model.DoesNotExist`."""
        sql, parts, params = self._compiled()
        with _cursor() as cursor:
            _run(cursor, sql, [*params, *args])
            row = cursor.fetchone()
        if row is None:
            raise self.model.DoesNotExist(f"{self.model.__name__} {args} does not exist")
        return self._build(parts, row)

    def _build(self, parts: list[_Part], row: Sequence[Any]) -> models.Model:
        start, objects = 0, []
        for part in parts:
            objects.append(part.build(row[start:start + len(part.fields)]))
            start += len(part.fields)
        obj = objects[0]
        for part, related in zip(parts[1:], objects[1:], strict=True):
            assert part.via is not None
            part.via.set_cached_value(obj, related)
        for name, value in zip(self.extra, row[start:], strict=True):
            setattr(obj, name, value)
        return obj
