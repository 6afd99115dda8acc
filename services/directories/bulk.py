"""Bulk inserts of directory records: ``executemany`` on SQLite, ``COPY`` on PostgreSQL.

Both run inside the caller's transaction. Records arrive ready for the driver (JSON columns as
JSON text, made once per distinct value by the validator), so that a million-row insert does
no per-row Python work here beyond what the driver itself needs.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from services.directories.tables import TableSpec

# SQLite's page cache during a bulk import: the unique index of a million subjects is about
# 50 MB, and inserting in USCC order (random) thrashes the default 2 MB cache.
SQLITE_IMPORT_CACHE_KIB = 131_072


async def tune_for_bulk(conn: AsyncConnection) -> int | None:
    """Connection settings for a bulk import; returns what ``restore_after_bulk`` needs."""
    if conn.dialect.name != "sqlite":
        return None
    before = (await conn.exec_driver_sql("PRAGMA cache_size")).scalar()
    await conn.exec_driver_sql(f"PRAGMA cache_size = -{SQLITE_IMPORT_CACHE_KIB}")
    return int(before) if before is not None else None


async def restore_after_bulk(conn: AsyncConnection, previous: int | None) -> None:
    """Put the pooled connection's settings back as they were."""
    if previous is not None:
        await conn.exec_driver_sql(f"PRAGMA cache_size = {previous}")


def _as_json(value: Any) -> Any:
    return value if value is None or isinstance(value, str) else json.dumps(
        value, ensure_ascii=False
    )


def _prepared(
    spec: TableSpec, records: Sequence[tuple[Any, ...]], *, dates_as_text: bool
) -> Sequence[tuple[Any, ...]]:
    """Records with any list still in a JSON column serialised (and dates as ISO text)."""
    json_positions = [i for i, c in enumerate(spec.columns) if c in spec.json_columns]
    date_positions = (
        [i for i, c in enumerate(spec.columns) if c in spec.date_columns] if dates_as_text else []
    )
    first = records[0]
    if not date_positions and all(isinstance(first[i], str) for i in json_positions):
        return records  # the importer's records: already what the driver wants
    out = []
    for record in records:
        row = list(record)
        for i in json_positions:
            row[i] = _as_json(row[i])
        for i in date_positions:
            if row[i] is not None:
                row[i] = row[i].isoformat()
        out.append(tuple(row))
    return out


async def insert_records(
    conn: AsyncConnection, spec: TableSpec, records: Sequence[tuple[Any, ...]],
    *, active: bool | Sequence[bool] = True,
) -> None:
    """Insert ``records`` (tuples in ``spec.columns`` order) with their ``active`` flag."""
    if not records:
        return
    postgres = conn.dialect.name == "postgresql"
    rows = _prepared(spec, records, dates_as_text=not postgres)
    columns = list(spec.columns)
    if postgres:
        raw = await conn.get_raw_connection()
        driver: Any = raw.driver_connection
        if driver is None or not driver.is_in_transaction():
            raise RuntimeError("COPY needs the transaction SQLAlchemy has begun")
        flags = [active] * len(rows) if isinstance(active, bool) else active
        await driver.copy_records_to_table(
            spec.table.name, records=[(*r, f) for r, f in zip(rows, flags, strict=True)],
            columns=[*columns, "active"],
        )
        return
    placeholders = ", ".join("?" for _ in columns)
    if isinstance(active, bool):
        # one flag for all: a literal, so the records go to the driver as they are
        sql = (f"INSERT INTO {spec.table.name} ({', '.join(columns)}, active) "
               f"VALUES ({placeholders}, {int(active)})")
        await conn.exec_driver_sql(sql, rows)
        return
    sql = (f"INSERT INTO {spec.table.name} ({', '.join(columns)}, active) "
           f"VALUES ({placeholders}, ?)")
    await conn.exec_driver_sql(
        sql, [(*r, f) for r, f in zip(rows, active, strict=True)]
    )
