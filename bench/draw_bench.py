"""Benchmark of the subjects draw at scale, against a bare scan and ORDER BY random() (issue 3).

    python bench/draw_bench.py [--subjects N] [--postgres-url URL] [--backend both|sqlite|postgres]

Loads a directory of N subjects (default 7,000,000; four risk classes; about 1 % inactive or
deregistered, 3 % inspected for the task's item within the last 12 months) into SQLite and
PostgreSQL, then, each case in its own subprocess so that its peak memory (ru_maxrss) is its
own:

- ``scan``:   a bare ``SELECT id, risk_class FROM subject`` through the raw driver;
- ``draw``:   the real ``DrawService``: manifest from the database (pool with the anti-join of
              recent inspections, exclusions with reasons, allocation), commitment, audit, the
              engine's result, ``task_subject`` rows, and the bundle written to a file — 5 %
              per risk class;
- ``random``: PostgreSQL ``ORDER BY random() LIMIT n`` per class with the same exclusions;
- ``verify``: the standalone verifier (``python verifier/verify_draw.py BUNDLE``).

Prints times, peak memory and ratios. Targets: the draw within 2× the bare scan and faster than
ORDER BY random(); at 7M under 60 s and 3 GB.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import hashlib
import json
import os
import resource
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_PG = os.environ.get("JOINTCHECK_TEST_POSTGRES_URL",
                            "postgresql+asyncpg://root@127.0.0.1:5432/test")
BENCH_DB = "jointcheck_draw_bench"
WORK = Path(os.environ.get("JOINTCHECK_BENCH_DIR", "/tmp/jointcheck-draw-bench"))
RISK_SHARES = (("A", 20), ("B", 50), ("C", 20), ("D", 10))  # percent of the directory
DISTRICTS = ("鄂城区", "华容区", "梁子湖区", "葛店开发区", "临空经济区")
NOW = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)  # the bench's pinned clock
SAMPLE = {r: {"ratio": "0.05"} for r, _ in RISK_SHARES}
BATCH = 100_000


def _bench() -> Any:
    """The bench acts as the named system actor ``bench`` (docs/permissions.md)."""
    from services.actors import Actor

    return Actor.system("bench")


def peak_mb() -> float:
    """This process's peak resident memory in MB (Linux reports kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def subject_row(n: int, dept: int) -> tuple[Any, ...]:
    """The n-th synthetic subject: deterministic, so both backends hold the same rows."""
    bucket = n % 100
    risk = "A" if bucket < 20 else "B" if bucket < 70 else "C" if bucket < 90 else "D"
    status = "deregistered" if n % 199 == 0 else "active"
    active = n % 211 != 0
    return (n, dept, f"91420700{n:010d}", f"鄂州测试企业{n}", "enterprise", "",
            DISTRICTS[n % 5], "F5211", None, None, risk, status, "[]", active)


SUBJECT_COLUMNS = ("id", "department_id", "identifier", "name", "kind", "address", "district",
                   "industry_code", "longitude", "latitude", "risk_class", "status",
                   "peak_months", "active")


def inspected_row(n: int) -> tuple[int, str, dt.date] | None:
    """3 % inspected for SC-01 within the last 12 months, 2 % long ago (still drawable)."""
    if n % 100 in (3, 41, 77):
        return (n, "SC-01", dt.date(2025, 9, 1) + dt.timedelta(days=n % 150))
    if n % 100 in (11, 59):
        return (n, "SC-01", dt.date(2024, 1, 1) + dt.timedelta(days=n % 300))
    return None


# --------------------------------------------------------------------------- loading


def _pg_plain(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


async def _pg_recreate(admin_url: str) -> str:
    import asyncpg
    from sqlalchemy.engine import make_url

    conn = await asyncpg.connect(_pg_plain(admin_url))
    await conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
    await conn.execute(f'CREATE DATABASE "{BENCH_DB}"')
    await conn.close()
    return make_url(admin_url).set(database=BENCH_DB).render_as_string(hide_password=False)


async def _seed_workflow(url: str) -> None:
    """Departments, the item, an approved 2027 plan entry (via the real services)."""
    from services.plans import PlanEntryInput, PlanService
    from storage.db import create_engine, session_factory
    from storage.models import CatalogueYear, Department, InspectionItem

    engine = create_engine(url)
    async with session_factory(engine)() as session:
        session.add(Department(id=1, code="SCJG", name_zh="市场监督管理局"))
        session.add(Department(id=2, code="SThJ", name_zh="生态环境局"))
        session.add(CatalogueYear(year=2026))
        session.add(InspectionItem(year=2026, code="SC-01", name="食品经营许可检查",
                                   department_codes=["SCJG"]))
        await session.commit()
        plans = PlanService(session, lambda: NOW)
        await plans.submit_entry(PlanEntryInput(
            year=2027, department="SCJG", title="全市食品经营抽查", items=("SC-01",),
            departments=("SCJG", "SThJ"), period_start=dt.date(2027, 3, 1),
            period_end=dt.date(2027, 10, 31), target_ratio="0.05"), actor=_bench())
        await plans.approve(2027, actor=_bench())
    await engine.dispose()


def load_sqlite(path: Path, n: int) -> dict[str, float]:
    """Migrate, seed, then executemany in big batches inside one transaction."""
    from storage.migrate import upgrade

    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    url = f"sqlite+aiosqlite:///{path}"
    upgrade(url)
    asyncio.run(_seed_workflow(url))
    started = time.perf_counter()
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=OFF")
    db.execute("PRAGMA cache_size=-400000")
    marks = ",".join("?" * len(SUBJECT_COLUMNS))
    db.execute("BEGIN")
    for start in range(1, n + 1, BATCH):
        stop = min(n + 1, start + BATCH)
        db.executemany(f"INSERT INTO subject ({','.join(SUBJECT_COLUMNS)}) VALUES ({marks})",
                       [subject_row(i, 1) for i in range(start, stop)])
        db.executemany(
            "INSERT INTO subject_inspection (subject_id, item_code, inspected_on) "
            "VALUES (?, ?, ?)",
            [(r[0], r[1], r[2].isoformat()) for i in range(start, stop)
             if (r := inspected_row(i))])
    db.execute("COMMIT")
    db.execute("ANALYZE")
    db.close()
    return {"load_s": time.perf_counter() - started}


async def _load_pg(url: str, n: int) -> dict[str, float]:
    import asyncpg

    from storage.migrate import upgrade_async

    await upgrade_async(url)
    await _seed_workflow(url)
    started = time.perf_counter()
    conn = await asyncpg.connect(_pg_plain(url))
    for start in range(1, n + 1, BATCH * 5):
        stop = min(n + 1, start + BATCH * 5)
        await conn.copy_records_to_table("subject", columns=list(SUBJECT_COLUMNS), records=[
            (*row[:12], "[]", row[13]) for row in (subject_row(i, 1) for i in range(start, stop))
        ])
        await conn.copy_records_to_table(
            "subject_inspection", columns=["subject_id", "item_code", "inspected_on"],
            records=[r for i in range(start, stop) if (r := inspected_row(i))])
    await conn.execute("SELECT setval(pg_get_serial_sequence('subject', 'id'), $1)", n)
    await conn.execute("ANALYZE subject; ANALYZE subject_inspection")
    await conn.close()
    return {"load_s": time.perf_counter() - started}


# --------------------------------------------------------------------------- cases


async def _new_task(url: str) -> int:
    """A fresh approved task (5 % of each risk class) from the approved plan entry."""
    from sqlalchemy import func, select

    from services.calendar import CalendarService
    from services.tasks import TaskService, TaskSpec
    from storage.db import create_engine, session_factory
    from storage.models import PlanEntry, Task

    engine = create_engine(url)
    async with session_factory(engine)() as session:
        entry_id = await session.scalar(select(func.min(PlanEntry.id)))
        count = await session.scalar(select(func.count()).select_from(Task))
        tasks = TaskService(session, lambda: NOW, CalendarService(session, lambda: NOW))
        view = await tasks.create(TaskSpec(
            plan_entry_id=int(entry_id or 0), name="食品经营抽查", lead_department="SCJG",
            departments=("SCJG", "SThJ"), items=("SC-01",), window_start=dt.date(2027, 4, 1),
            window_end=dt.date(2027, 6, 30), team_count=10,
            members_per_team={"SCJG": 1, "SThJ": 1}, sample=SAMPLE,
            code=f"BENCH-{int(count or 0) + 1:03d}"), actor=_bench())
        await tasks.submit(view.id, actor=_bench())
        for dept in view.departments:
            await tasks.review(view.id, dept, "approve", "", actor=_bench())
    await engine.dispose()
    return view.id


def case_scan(url: str) -> dict[str, Any]:
    """A bare scan of the same rows through the raw driver; nothing kept but counts."""
    counts: dict[str, int] = {}
    started = time.perf_counter()
    if url.startswith("sqlite"):
        db = sqlite3.connect(url.split("///", 1)[1])
        for _id, risk in db.execute("SELECT id, risk_class FROM subject"):
            counts[risk] = counts.get(risk, 0) + 1
        db.close()
    else:
        import asyncpg

        async def scan() -> None:
            conn = await asyncpg.connect(_pg_plain(url))
            for record in await conn.fetch("SELECT id, risk_class FROM subject"):
                risk = record[1]
                counts[risk] = counts.get(risk, 0) + 1
            await conn.close()

        asyncio.run(scan())
    return {"seconds": time.perf_counter() - started, "rows": sum(counts.values())}


def case_draw(url: str, bundle_path: str) -> dict[str, Any]:
    """The whole draw through DrawService: commit (manifest, commitment), complete, bundle."""
    from services.calendar import CalendarService
    from services.draws import DrawService, operator_secret_source
    from services.tasks import TaskService
    from storage.db import create_engine, session_factory

    task_id = asyncio.run(_new_task(url))
    secret = "bench-secret-" + str(time.time_ns())
    phases: dict[str, float] = {}

    async def run() -> dict[str, Any]:
        engine = create_engine(url)
        async with session_factory(engine)() as session:
            draws = DrawService(session, lambda: NOW, tasks=TaskService(
                session, lambda: NOW, CalendarService(session, lambda: NOW)))
            t0 = time.perf_counter()
            committed = await draws.commit_subjects(
                task_id, operator_secret_source(hashlib.sha256(secret.encode()).hexdigest()),
                _bench())
            t1 = time.perf_counter()
            done = await draws.complete(committed.id, {"type": "operator-secret",
                                                        "secret": secret}, _bench())
            t2 = time.perf_counter()
            data = await draws.bundle_bytes(done.id)
            await asyncio.to_thread(Path(bundle_path).write_bytes, data)
            t3 = time.perf_counter()
            phases.update(commit=t1 - t0, complete=t2 - t1, bundle=t3 - t2)
            summary = done.summary
        await engine.dispose()
        return summary

    started = time.perf_counter()
    summary = asyncio.run(run())
    return {"seconds": time.perf_counter() - started, "phases": phases, "summary": summary,
            "bundle_mb": Path(bundle_path).stat().st_size / 1e6}


def case_random(url: str, allocation: dict[str, int]) -> dict[str, Any]:
    """PostgreSQL ORDER BY random() LIMIT n per class, with the same exclusions."""
    import asyncpg

    async def run() -> int:
        conn = await asyncpg.connect(_pg_plain(url))
        total = 0
        for risk, n in sorted(allocation.items()):
            rows = await conn.fetch(
                "SELECT s.id FROM subject s WHERE s.department_id = 1 AND s.risk_class = $1 "
                "AND s.active AND s.status = 'active' AND NOT EXISTS (SELECT 1 FROM "
                "subject_inspection si WHERE si.subject_id = s.id AND si.item_code = 'SC-01' "
                "AND si.inspected_on >= '2025-03-02') ORDER BY random() LIMIT $2", risk, n)
            total += len(rows)
        await conn.close()
        return total

    started = time.perf_counter()
    drawn = asyncio.run(run())
    return {"seconds": time.perf_counter() - started, "drawn": drawn}


def run_case(argv: list[str]) -> None:
    """Entry point of a case subprocess: prints one JSON line with its figures."""
    case, url = argv[0], argv[1]
    if case == "scan":
        out = case_scan(url)
    elif case == "draw":
        out = case_draw(url, argv[2])
    elif case == "random":
        out = case_random(url, json.loads(argv[2]))
    elif case == "verify":
        out = case_verify(url)
    elif case == "load-sqlite":
        out = load_sqlite(Path(url.split("///", 1)[1]), int(argv[2]))
    elif case == "load-pg":
        out = asyncio.run(_load_pg(url, int(argv[2])))
    else:
        raise SystemExit(f"unknown case {case}")
    out["peak_mb"] = peak_mb()
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(
        resource.RUSAGE_CHILDREN)
    # CPU seconds of this process and its helpers (not the database server's): steadier than
    # wall time when other work shares the two cores
    out["cpu_s"] = me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime
    print("RESULT " + json.dumps(out))


def subprocess_case(*args: str) -> dict[str, Any]:
    """Run one case in a fresh interpreter and return its figures (with the machine's load
    average before it: this 2-core machine is shared, and the figures move with the load)."""
    load = os.getloadavg()[0]
    proc = subprocess.run([sys.executable, __file__, "--case", *args], capture_output=True,
                          text=True, check=False, cwd=ROOT)
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            return {**json.loads(line[7:]), "load": load}
    raise SystemExit(f"case {args[0]} failed:\n{proc.stdout}\n{proc.stderr}")


def case_verify(bundle: str) -> dict[str, Any]:
    """The standalone verifier run as a script (``python verify_draw.py BUNDLE``), in-process
    so that its peak memory is measured alone; the time includes reading the bundle."""
    import contextlib
    import io
    import runpy

    script = str(ROOT / "verifier" / "verify_draw.py")
    saved_argv, saved_path = sys.argv, list(sys.path)
    sys.argv = [script, bundle]
    sys.path = [p for p in sys.path if Path(p or ".").resolve() != ROOT]
    out = io.StringIO()
    started = time.perf_counter()
    code = 0
    try:
        with contextlib.redirect_stdout(out):
            runpy.run_path(script, run_name="__main__")
    except SystemExit as exc:
        code = int(exc.code or 0)
    finally:
        sys.argv, sys.path = saved_argv, saved_path
    lines = out.getvalue().strip().splitlines()
    return {"seconds": time.perf_counter() - started, "exit": code,
            "verdict": lines[-1] if lines else ""}


def main() -> None:
    """Load, run each case in its own process, print the figures."""
    if len(sys.argv) > 1 and sys.argv[1] == "--case":
        run_case(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subjects", type=int, default=7_000_000)
    parser.add_argument("--postgres-url", default=DEFAULT_PG)
    parser.add_argument("--backend", choices=("both", "sqlite", "postgres"), default="both")
    parser.add_argument("--reuse", action="store_true",
                        help="keep the directories loaded by the previous run of the same size")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    backends: list[tuple[str, str]] = []
    if args.backend in ("both", "sqlite"):
        backends.append(("sqlite", f"sqlite+aiosqlite:///{WORK / 'bench.db'}"))
    if args.backend in ("both", "postgres"):
        from sqlalchemy.engine import make_url

        backends.append(("postgres", make_url(args.postgres_url).set(database=BENCH_DB)
                         .render_as_string(hide_password=False)))
    print(f"draw bench: {args.subjects:,} subjects, 5 % per risk class, "
          f"python {sys.version.split()[0]}, {os.cpu_count()} cores")
    marker = WORK / "loaded.json"
    loaded = json.loads(marker.read_text()) if marker.exists() else {}
    for name, url in backends:
        print(f"\n== {name}")
        if args.reuse and loaded.get(name) == args.subjects:
            from storage.migrate import upgrade

            upgrade(url)  # the directory is reused; the schema follows the code
            print("  load:      reused (migrated to head)")
        else:
            if name == "postgres":
                asyncio.run(_pg_recreate(args.postgres_url))
                load = subprocess_case("load-pg", url, str(args.subjects))
            else:
                load = subprocess_case("load-sqlite", url, str(args.subjects))
            loaded[name] = args.subjects
            marker.write_text(json.dumps(loaded))
            print(f"  load:      {load['load_s']:8.1f} s  "
                  f"({args.subjects / load['load_s']:,.0f} rows/s, peak {load['peak_mb']:.0f} MB)")
        scan = subprocess_case("scan", url)
        print(f"  bare scan: {scan['seconds']:8.2f} s  peak {scan['peak_mb']:7.0f} MB  "
              f"cpu {scan['cpu_s']:.1f} s ({scan['rows']:,} rows; "
              f"load average {scan['load']:.1f})")
        bundle = WORK / f"bundle-{name}.json"
        draw = subprocess_case("draw", url, str(bundle))
        phases = draw["phases"]
        allocation = draw["summary"]["allocation"]
        print(f"  draw:      {draw['seconds']:8.2f} s  peak {draw['peak_mb']:7.0f} MB  "
              f"cpu {draw['cpu_s']:.1f} s (commit {phases['commit']:.2f} s, "
              f"complete {phases['complete']:.2f} s, "
              f"bundle {phases['bundle']:.2f} s; {sum(allocation.values()):,} drawn, "
              f"pool {sum(draw['summary']['pool'].values()):,}, excluded "
              f"{draw['summary']['excluded']}, bundle {draw['bundle_mb']:.0f} MB; "
              f"load average {draw['load']:.1f})")
        print(f"  ratio draw / bare scan: {draw['seconds'] / scan['seconds']:.2f}  "
              "(target ≤ 2)")
        if name == "postgres":
            rnd = subprocess_case("random", url, json.dumps(allocation))
            print(f"  ORDER BY random(): {rnd['seconds']:8.2f} s  peak {rnd['peak_mb']:.0f} MB "
                  f"({rnd['drawn']:,} drawn; load average {rnd['load']:.1f})")
            print(f"  ratio draw / ORDER BY random(): {draw['seconds'] / rnd['seconds']:.2f}  "
                  "(target < 1)")
        ver = subprocess_case("verify", str(bundle))
        print(f"  verifier:  {ver['seconds']:8.2f} s  peak {ver['peak_mb']:7.0f} MB  "
              f"cpu {ver['cpu_s']:.1f} s  "
              f"exit {ver['exit']}: {ver['verdict']}")
        ok = draw["seconds"] < 60 and draw["peak_mb"] < 3072
        print(f"  whole draw under 60 s and 3 GB: {'yes' if ok else 'NO'}")


if __name__ == "__main__":
    main()
