"""Statements built once from a model's metadata, for the paths that run the same few shapes all day.

The ORM builds and compiles a statement on every call: for a case's step, which is a dozen short
statements, that costs more CPU than the database spends on them (benchmarks/README.md, lifecycle).
Here a statement's SQL, the fields it writes and the converters it reads through are worked out the
first time a shape is used on a connection's backend and kept; each later call only adapts its values
(`Field.get_db_prep_save`, exactly what the ORM sends) and builds instances with `Model.from_db`
(exactly what the ORM returns: same types, same `_state`). So an instance written or read here is the
same as one the ORM wrote or read, and everything else in the project keeps using the ORM.

    insert(obj)                      INSERT … RETURNING the primary key; obj.pk set
    insert_many(objs)                one multi-row INSERT (no primary keys returned)
    update(obj, ["status", …])       UPDATE … SET … WHERE pk (pre_save applied, like save(update_fields))
    execute(sql, params) / fetch(sql, params)
                                     a hand-written statement, prepared the same way
    Batch()                          writes nobody reads back, queued and sent in one round trip
    Loader(Case, ("item", …), lock=True).get(pk)
                                     one SELECT of a row and the rows its foreign keys name (LEFT JOINs,
                                     like select_related), FOR UPDATE OF the row where the backend can

Statements run on the default connection, inside the caller's transaction. On PostgreSQL each is
also PREPAREd once per connection and then EXECUTEd by name: the server parses and plans it once, not
on every call (a step's row with its related rows is a five-table join whose planning cost more than
running it). Prepared statements outlive a rolled-back transaction and are dropped with the
connection; a new connection prepares again. They need a session of its own, so a transaction-mode
connection pooler in front of PostgreSQL (PgBouncer's default) would need its prepared-statement
support switched on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connection, models

_cache: dict[tuple, Any] = {}


class _Statement:
    """One statement's SQL (``%s`` placeholders), and on PostgreSQL its PREPARE and EXECUTE forms."""

    def __init__(self, sql: str, label: str):
        self.sql = sql
        self.name = f"oneseal_{len(_cache)}_{label}"[:63]  # named for the logs and pg_stat_statements
        count = sql.count("%s")
        numbered = sql
        for n in range(1, count + 1):
            numbered = numbered.replace("%s", f"${n}", 1)
        self.prepare = f"PREPARE {self.name} AS {numbered}"
        self.execute = f"EXECUTE {self.name}" + (f"({', '.join(['%s'] * count)})" if count else "")

    def run(self, cursor, params: Sequence[Any]) -> None:
        if connection.vendor != "postgresql":
            cursor.execute(self.sql, params)
            return
        self.prepare_on(cursor)
        cursor.execute(self.execute, params)

    def prepare_on(self, cursor) -> None:
        """PREPARE the statement on this connection unless it already is."""
        state = getattr(connection, "_oneseal_prepared", None)
        if state is None or state[0] is not connection.connection:  # a new connection has none prepared
            state = (connection.connection, set[str]())
            connection._oneseal_prepared = state
        if self.name not in state[1]:
            cursor.execute(self.prepare)
            state[1].add(self.name)


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _key(*parts: Any) -> tuple:
    return (connection.vendor, *parts)


def _insert_fields(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.local_concrete_fields if not f.generated and not isinstance(f, models.AutoField)]


def _insert_sql(model: type[models.Model], rows: int) -> tuple[_Statement, list[models.Field]]:
    key = _key("insert", model, rows)
    if key not in _cache:
        fields = _insert_fields(model)
        row = "(" + ", ".join(["%s"] * len(fields)) + ")"
        sql = (f"INSERT INTO {_quote(model._meta.db_table)} ({', '.join(_quote(f.column) for f in fields)}) "
               f"VALUES {', '.join([row] * rows)}")
        if rows == 1:
            sql += f" RETURNING {_quote(model._meta.pk.column)}"
        _cache[key] = (_Statement(sql, f"insert_{model._meta.db_table}"), fields)
    return _cache[key]


def _values(obj: models.Model, fields: Iterable[models.Field], add: bool) -> list[Any]:
    return [f.get_db_prep_save(f.pre_save(obj, add), connection) for f in fields]


def insert(obj: models.Model) -> models.Model:
    """INSERT `obj` (every concrete field but an auto primary key) and set its primary key."""
    statement, fields = _insert_sql(type(obj), 1)
    with connection.cursor() as cursor:
        statement.run(cursor, _values(obj, fields, True))
        obj.pk = cursor.fetchone()[0]
    obj._state.adding, obj._state.db = False, connection.alias
    return obj


def insert_many(objs: Sequence[models.Model]) -> None:
    """One INSERT of several rows of one model; their primary keys are not read back."""
    if not objs:
        return
    statement, fields = _insert_sql(type(objs[0]), len(objs))
    params: list[Any] = []
    for obj in objs:
        params.extend(_values(obj, fields, True))
        obj._state.adding, obj._state.db = False, connection.alias
    with connection.cursor() as cursor:
        statement.run(cursor, params)


def _update_sql(model: type[models.Model], field_names: Sequence[str]) -> tuple[_Statement, list[models.Field]]:
    key = _key("update", model, tuple(field_names))
    if key not in _cache:
        fields = [model._meta.get_field(name) for name in field_names]
        assignments = ", ".join(f"{_quote(f.column)} = %s" for f in fields)
        _cache[key] = (_Statement(f"UPDATE {_quote(model._meta.db_table)} SET {assignments} "
                                  f"WHERE {_quote(model._meta.pk.column)} = %s", f"update_{model._meta.db_table}"),
                       fields)
    return _cache[key]


def update(obj: models.Model, field_names: Sequence[str]) -> None:
    """UPDATE the named fields of `obj`'s row, like `obj.save(update_fields=…)` without signals."""
    statement, fields = _update_sql(type(obj), field_names)
    with connection.cursor() as cursor:
        statement.run(cursor, [*_values(obj, fields, False), obj.pk])


def _statement(sql: str) -> _Statement:
    key = _key("sql", sql)
    if key not in _cache:
        _cache[key] = _Statement(sql, "sql")
    return _cache[key]


def execute(sql: str, params: Sequence[Any] = ()) -> int:
    """Run one hand-written statement (prepared like the others); the number of rows it touched."""
    with connection.cursor() as cursor:
        _statement(sql).run(cursor, params)
        return cursor.rowcount


def fetch(sql: str, params: Sequence[Any] = ()) -> list[tuple]:
    """Run one hand-written query (prepared like the others); its rows as the driver returns them, so
    values that need converting (dates on SQLite, JSON) are the caller's to convert: keep to plain
    columns, and pass datetimes through `db_value`."""
    with connection.cursor() as cursor:
        _statement(sql).run(cursor, params)
        return cursor.fetchall()


class Batch:
    """Writes a command does not read back, sent together: on PostgreSQL in one round trip (the
    EXECUTEs of their prepared statements joined in one query), elsewhere one by one. `flush()` sends
    them; an error in any raises there, inside the caller's transaction, which then rolls back whole.
    Nothing queued may be needed by a read before the flush, and an inserted row's primary key is not
    read back. A batch that is never flushed (the command failed first) sends nothing.

    `NOW` is the batch that sends each write at once: helpers take ``writes=rows.NOW`` by default.
    """

    immediate = False

    def __init__(self) -> None:
        self._pending: list[tuple[_Statement, list[Any]]] = []

    def _add(self, statement: _Statement, params: list[Any]) -> None:
        if self.immediate:
            with connection.cursor() as cursor:
                statement.run(cursor, params)
        else:
            self._pending.append((statement, params))

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self._add(_statement(sql), list(params))

    def insert(self, obj: models.Model) -> models.Model:
        if self.immediate:
            return insert(obj)
        statement, fields = _insert_sql(type(obj), 1)
        self._add(statement, _values(obj, fields, True))
        obj._state.adding, obj._state.db = False, connection.alias
        return obj

    def insert_many(self, objs: Sequence[models.Model]) -> None:
        if objs:
            statement, fields = _insert_sql(type(objs[0]), len(objs))
            self._add(statement, [value for obj in objs for value in _values(obj, fields, True)])
            for obj in objs:
                obj._state.adding, obj._state.db = False, connection.alias

    def update(self, obj: models.Model, field_names: Sequence[str]) -> None:
        statement, fields = _update_sql(type(obj), field_names)
        self._add(statement, [*_values(obj, fields, False), obj.pk])

    def flush(self) -> None:
        pending, self._pending = self._pending, []
        if not pending:
            return
        with connection.cursor() as cursor:
            if connection.vendor != "postgresql" or len(pending) == 1:
                for statement, params in pending:
                    statement.run(cursor, params)
                return
            for statement, _params in pending:
                statement.prepare_on(cursor)
            cursor.execute("; ".join(statement.execute for statement, _params in pending),
                           [value for _s, params in pending for value in params])


class _Now(Batch):
    immediate = True


NOW: Batch = _Now()


def db_value(model: type[models.Model], field: str, value: Any) -> Any:
    """`value` as the ORM would send it for `model.field` (e.g. a datetime on SQLite)."""
    return model._meta.get_field(field).get_db_prep_value(value, connection)


class _Part:
    """One model's columns in a Loader's SELECT: its fields, their converters, where it hangs."""

    def __init__(self, model: type[models.Model], alias: str, via: models.ForeignKey | None):
        self.model, self.alias, self.via = model, alias, via
        self.fields = list(model._meta.concrete_fields)
        self.names = [f.attname for f in self.fields]
        self.cols = [f.get_col(alias) for f in self.fields]
        self.converters: list[list[Callable]] = [
            connection.ops.get_db_converters(col) + col.get_db_converters(connection) for col in self.cols]
        self.pk_index = self.fields.index(model._meta.pk)
        self.columns = [f"{_quote(alias)}.{_quote(f.column)}" for f in self.fields]

    def build(self, values: Sequence[Any]) -> models.Model | None:
        converted = list(values)
        for i, converters in enumerate(self.converters):
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
    `where` replaces the primary-key condition (e.g. ``t0.item_id = %s ORDER BY t0.number DESC LIMIT 1``).
    """

    def __init__(self, model: type[models.Model], related: Sequence[str] = (), *, lock: bool = False,
                 extra: dict[str, tuple[str, Sequence[Any]]] | None = None, where: str = ""):
        self.model, self.related, self.lock = model, tuple(related), lock
        self.extra = dict(extra or {})
        self.where = where or f"t0.{_quote(model._meta.pk.column)} = %s"

    def _compiled(self) -> tuple[_Statement, list[_Part], list[Any]]:
        key = _key("loader", self.model, self.related, self.lock, tuple(self.extra), self.where)
        if key not in _cache:
            root = _Part(self.model, "t0", None)
            parts, joins = [root], []
            for n, name in enumerate(self.related, 1):
                fk = self.model._meta.get_field(name)
                part = _Part(fk.related_model, f"t{n}", fk)
                parts.append(part)
                joins.append(f"LEFT JOIN {_quote(fk.related_model._meta.db_table)} {_quote(part.alias)} ON "
                             f"{_quote(part.alias)}.{_quote(fk.target_field.column)} = t0.{_quote(fk.column)}")
            columns = [c for part in parts for c in part.columns] + [sql for sql, _p in self.extra.values()]
            sql = (f"SELECT {', '.join(columns)} FROM {_quote(self.model._meta.db_table)} t0 {' '.join(joins)} "
                   f"WHERE {self.where}")
            if self.lock and connection.features.has_select_for_update:
                sql += " FOR UPDATE OF t0" if connection.features.has_select_for_update_of else " FOR UPDATE"
            params = [p for _sql, extra_params in self.extra.values() for p in extra_params]
            _cache[key] = (_Statement(sql, f"get_{self.model._meta.db_table}"), parts, params)
        return _cache[key]

    def get(self, *args: Any) -> models.Model:
        """The row (by primary key, or the first `where` finds with these parameters), or
        `model.DoesNotExist`."""
        statement, parts, params = self._compiled()
        with connection.cursor() as cursor:
            statement.run(cursor, [*params, *args])
            row = cursor.fetchone()
        if row is None:
            raise self.model.DoesNotExist(f"{self.model.__name__} {args} does not exist")
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
