"""Bulk inserts of directory records: ``executemany`` on SQLite, ``COPY`` on PostgreSQL.

Both run inside the caller's transaction; values are converted once here (JSON columns to text,
dates to ISO text on SQLite) so that the driver does no per-value work of its own.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from services.directories.tables import TableSpec
from sqlalchemy.ext.asyncio import AsyncConnection


def _json_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


async def insert_records(
    conn: AsyncConnection, spec: TableSpec, records: Sequence[tuple[Any, ...]],
    *, active: bool | Sequence[bool] = True,
) -> None:
    """Insert ``records`` (tuples in ``spec.columns`` order) with their ``active`` flag."""
    if not records:
        return
    columns = (*spec.columns, "active")
    json_positions = [i for i, c in enumerate(spec.columns) if c in spec.json_columns]
    flags = [active] * len(records) if isinstance(active, bool) else list(active)
    memo: dict[int, str] = {}  # lists shared by many records (pickle keeps them shared)

    def as_text(value: Any) -> str:
        key = id(value)
        found = memo.get(key)
        if found is None:
            found = memo[key] = _json_text(value)
        return found

    rows: list[tuple[Any, ...]] = []
    if json_positions:
        for record, flag in zip(records, flags, strict=True):
            row = list(record)
            for i in json_positions:
                row[i] = as_text(row[i])
            row.append(flag)
            rows.append(tuple(row))
    else:
        rows = [(*record, flag) for record, flag in zip(records, flags, strict=True)]
    if conn.dialect.name == "postgresql":
        raw = await conn.get_raw_connection()
        driver: Any = raw.driver_connection
        # COPY must run inside the transaction SQLAlchemy has begun on this connection
        if driver is None or not driver.is_in_transaction():
            raise RuntimeError("COPY needs the transaction SQLAlchemy has begun")
        await driver.copy_records_to_table(spec.table.name, records=rows, columns=list(columns))
        return
    dates = [i for i, c in enumerate(spec.columns) if c in spec.date_columns]
    if dates:
        converted = []
        for original in rows:
            values = list(original)
            for i in dates:
                if values[i] is not None:
                    values[i] = values[i].isoformat()
            converted.append(tuple(values))
        rows = converted
    placeholders = ", ".join("?" for _ in columns)
    sql = f"INSERT INTO {spec.table.name} ({', '.join(columns)}) VALUES ({placeholders})"
    await conn.exec_driver_sql(sql, rows)
