"""Serial numbers that stay unique under concurrent transactions (case, bundle and licence numbers).

A sequence table has a unique `key` and a `last` serial. `next_serial` takes the next one with a single
upsert (INSERT … ON CONFLICT DO UPDATE … RETURNING, on PostgreSQL and SQLite alike): the row stays locked
until the caller's transaction ends, so two transactions never get the same serial, a rolled-back
transaction gives its serial back, and the first serial of a key needs no second statement.
"""

from __future__ import annotations

from django.db import connection, models

from . import rows


def next_serial(model: type[models.Model], key: str) -> int:
    """Take the next serial of `key` in `model`'s table; must run inside the caller's transaction."""
    table = connection.ops.quote_name(model._meta.db_table)
    return rows.fetch(f'INSERT INTO {table} ("key", "last") VALUES (%s, 1) '
                      f'ON CONFLICT ("key") DO UPDATE SET "last" = {table}."last" + 1 RETURNING "last"', [key])[0][0]
