"""Benchmark of the directory import at scale, against a bare insert without validation.

    python bench/import_bench.py [--rows N] [--postgres-url URL] [--backend both|sqlite|postgres]

Writes a CSV of N subjects (default 1,000,000; demo generator, valid USCCs, Chinese names) and
imports it into a fresh, migrated SQLite database and a fresh PostgreSQL database, each case in
its own subprocess so that its peak memory (``ru_maxrss``, which counts C allocations too, unlike
tracemalloc) is its own:

- ``import``:   the real importer (``DirectoryImporter``), as ``jointcheck import subjects``
                runs it: encoding detection and SHA-256, every row validated (USCC check
                character, enumerations, coordinates, months, duplicates), the bulk insert in
                one transaction (SQLite: validation in a child process, executemany;
                PostgreSQL: in-process validation streamed into one COPY), the audit events;
- ``baseline``: the same CSV rows inserted without validation: ``csv.reader`` and sqlite3
                ``executemany`` (same pragmas as the application) or asyncpg ``COPY``.

Prints rows per second, the ratio of the import's throughput to the baseline's, and peak
memory (the importer's own process and its validation child, reported separately).
Targets on a 2-core machine: 1M validated rows in at most 30 s on SQLite, at least half the
baseline's throughput, peak memory under 500 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out"
DEFAULT_PG = os.environ.get(
    "JOINTCHECK_TEST_POSTGRES_URL", "postgresql+asyncpg://root@127.0.0.1:5432/test"
)
BATCH = 5000


# --- cases, each run in its own process -------------------------------------------------------

async def _department(url: str) -> None:
    from storage.db import create_engine, session_factory
    from storage.models import Department

    engine = create_engine(url)
    async with session_factory(engine)() as session:
        session.add(Department(code="SCJG", name_zh="鄂州市市场监督管理局"))
        await session.commit()
    await engine.dispose()


async def _case_import(url: str, csv_path: Path) -> dict[str, Any]:
    from services.actors import Actor
    from services.clock import utc_now
    from services.directories.importer import DirectoryImporter, ImportRequest
    from storage.db import create_engine, session_factory

    await _department(url)
    engine = create_engine(url)
    async with session_factory(engine)() as session:
        start = time.perf_counter()
        report = await DirectoryImporter(session, utc_now).run(
            ImportRequest(kind="subjects", path=csv_path, department="SCJG",
                          actor=Actor.system("bench"))
        )
        seconds = time.perf_counter() - start
    await engine.dispose()
    if not report.ok:
        raise SystemExit(f"import refused the file: {report.errors[:3]}")
    return {"seconds": seconds, "rows": report.created}


def _baseline_rows(csv_path: Path) -> Any:
    """The CSV's rows, converted only as far as the column types need (no validation)."""
    with csv_path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        next(reader)
        for row in reader:
            yield (row[0], row[1], row[2], row[3], row[4], row[5], float(row[6]), float(row[7]),
                   row[8], row[9], "[" + row[10].replace("、", ",") + "]")


COLUMNS = ("department_id", "identifier", "name", "kind", "address", "district",
           "industry_code", "longitude", "latitude", "risk_class", "status", "peak_months",
           "active")


def _case_baseline_sqlite(url: str, csv_path: Path) -> dict[str, Any]:
    import sqlite3

    from sqlalchemy.engine import make_url

    from services.directories.bulk import SQLITE_IMPORT_CACHE_KIB

    asyncio.run(_department(url))
    conn = sqlite3.connect(make_url(url).database or "")
    # the application's pragmas (storage/db.py) and the importer's page cache
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON",
                   f"cache_size=-{SQLITE_IMPORT_CACHE_KIB}"):
        conn.execute(f"PRAGMA {pragma}")
    sql = (f"INSERT INTO subject ({', '.join(COLUMNS)}) "
           f"VALUES (1, {', '.join('?' * 11)}, 1)")
    start = time.perf_counter()
    rows = 0
    batch: list[tuple[Any, ...]] = []
    for row in _baseline_rows(csv_path):
        batch.append(row)
        if len(batch) >= BATCH:
            conn.executemany(sql, batch)
            rows += len(batch)
            batch = []
    conn.executemany(sql, batch)
    rows += len(batch)
    conn.commit()
    seconds = time.perf_counter() - start
    conn.close()
    return {"seconds": seconds, "rows": rows}


async def _case_baseline_postgres(url: str, csv_path: Path) -> dict[str, Any]:
    import asyncpg
    from sqlalchemy.engine import make_url

    await _department(url)
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    conn = await asyncpg.connect(dsn)
    dep_id = await conn.fetchval("SELECT id FROM department WHERE code = 'SCJG'")
    start = time.perf_counter()
    rows = 0

    async def records() -> Any:
        nonlocal rows
        for row in _baseline_rows(csv_path):
            rows += 1
            yield (dep_id, *row, True)

    async with conn.transaction():
        await conn.copy_records_to_table("subject", records=records(), columns=list(COLUMNS))
    seconds = time.perf_counter() - start
    await conn.close()
    return {"seconds": seconds, "rows": rows}


def run_case(case: str, url: str, csv_path: Path) -> None:
    """Run one case in this process and print its figures as JSON."""
    if case == "import":
        result = asyncio.run(_case_import(url, csv_path))
    elif url.startswith("sqlite"):
        result = _case_baseline_sqlite(url, csv_path)
    else:
        result = asyncio.run(_case_baseline_postgres(url, csv_path))
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result.update(peak_mb=own / 1024, child_peak_mb=children / 1024)
    print(json.dumps(result))


# --- orchestration --------------------------------------------------------------------------

def _fresh_database(backend: str, pg_url: str, tag: str) -> tuple[str, Any]:
    """A migrated, empty database for one case; returns its URL and a clean-up callable."""
    from storage.migrate import upgrade

    if backend == "sqlite":
        path = OUT / f"bench-{tag}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        url = f"sqlite+aiosqlite:///{path}"
        upgrade(url)

        def drop() -> None:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)

        return url, drop
    import asyncpg
    from sqlalchemy.engine import make_url

    name = f"jointcheck_bench_{os.getpid()}_{tag}"
    admin = make_url(pg_url).set(drivername="postgresql").render_as_string(hide_password=False)

    async def admin_sql(statement: str) -> None:
        conn = await asyncpg.connect(admin)
        try:
            await conn.execute(statement)
        finally:
            await conn.close()

    asyncio.run(admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    asyncio.run(admin_sql(f'CREATE DATABASE "{name}"'))
    url = make_url(pg_url).set(database=name).render_as_string(hide_password=False)
    upgrade(url)
    return url, lambda: asyncio.run(admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _measure(case: str, url: str, csv_path: Path) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--case", case, "--url", url, "--csv", str(csv_path)],
        check=True, capture_output=True, text=True, cwd=ROOT,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    """Generate the file, run every case, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--postgres-url", default=DEFAULT_PG)
    parser.add_argument("--backend", choices=("both", "sqlite", "postgres"), default="both")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--case", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--csv", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.case:
        run_case(args.case, args.url, args.csv)
        return 0

    from demo.data import write_subjects_csv

    OUT.mkdir(parents=True, exist_ok=True)
    csv_path = OUT / f"subjects-{args.rows}-{args.seed}.csv"
    if not csv_path.exists():
        start = time.perf_counter()
        write_subjects_csv(csv_path, args.rows, seed=args.seed, department="SCJG")
        print(f"wrote {csv_path.name}: {args.rows:,} rows, "
              f"{csv_path.stat().st_size / 2**20:.0f} MiB in {time.perf_counter() - start:.1f} s")
    else:
        print(f"using {csv_path.name} ({csv_path.stat().st_size / 2**20:.0f} MiB)")
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    print(f"{'backend':9} {'case':9} {'rows':>10} {'seconds':>8} {'rows/s':>9} "
          f"{'vs base':>8} {'peak MB':>8} {'child MB':>9}")
    verdicts: list[str] = []
    for backend in backends:
        results: dict[str, dict[str, Any]] = {}
        for case in ("baseline", "import"):
            url, drop = _fresh_database(backend, args.postgres_url, case)
            try:
                results[case] = _measure(case, url, csv_path)
            finally:
                drop()
        base_rate = results["baseline"]["rows"] / results["baseline"]["seconds"]
        for case, r in results.items():
            rate = r["rows"] / r["seconds"]
            child = f"{r['child_peak_mb']:9.0f}" if case == "import" else f"{'':9}"
            print(f"{backend:9} {case:9} {r['rows']:>10,} {r['seconds']:8.1f} {rate:9,.0f} "
                  f"{rate / base_rate:8.2f} {r['peak_mb']:8.0f} {child}")
        imp = results["import"]
        ratio = (imp["rows"] / imp["seconds"]) / base_rate
        peak = max(imp["peak_mb"], imp["child_peak_mb"])
        verdicts.append(
            f"{backend}: {imp['seconds']:.1f} s for {imp['rows']:,} validated rows"
            + (f" (target ≤ 30 s at 1M: {'met' if imp['seconds'] <= 30 else 'NOT met'})"
               if backend == "sqlite" and args.rows == 1_000_000 else "")
            + f"; {ratio:.2f}× the baseline's throughput (target ≥ 0.5: "
            f"{'met' if ratio >= 0.5 else 'NOT met'}); peak {peak:.0f} MB per process "
            f"(target < 500: {'met' if peak < 500 else 'NOT met'})"
        )
    for line in verdicts:
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
