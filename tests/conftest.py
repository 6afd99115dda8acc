"""Shared fixtures: a migrated database on SQLite and on PostgreSQL, a pinned clock; the tiers.

Tiers are folders, each marked with its name (``pytest -m unit``, ``-m db``, ``-m handlers``,
``-m e2e``): ``tests/unit`` touches no database (a unit test asking for a database fixture
stops the run), ``tests/db`` runs services and the CLI on the database, ``tests/handlers`` feeds
updates to the real Dispatcher, ``tests/e2e`` starts real processes and talks HTTP to them.

Every test that takes ``db_url`` (or ``engine``/``session``) runs once per backend. The schema
is always built by running the Alembic migrations, so a missing migration fails a test.
PostgreSQL runs whenever ``JOINTCHECK_TEST_POSTGRES_URL`` is set; in CI (``CI=true``) it must
be set and reachable, and a missing server is a failure, not a skip.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from storage.db import create_engine, session_factory
from storage.migrate import upgrade
from storage.models import Base

PG_ENV = "JOINTCHECK_TEST_POSTGRES_URL"
TESTS = Path(__file__).resolve().parent
TIERS = ("unit", "db", "handlers", "e2e")
DATABASE_FIXTURES = frozenset({"db_url", "engine", "sessions", "session", "pg_template_url",
                               "sqlite_template"})
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test with its tier; refuse a unit test that asks for a database."""
    offenders = []
    for item in items:
        tier = Path(item.path).resolve().relative_to(TESTS).parts[0]
        if tier in TIERS:
            item.add_marker(getattr(pytest.mark, tier))
        if tier == "unit" and DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())):
            offenders.append(item.nodeid)
    if offenders:
        raise pytest.UsageError(
            "tests/unit touches no database; move these to tests/db: " + ", ".join(offenders))


def _worker() -> str:
    # unique per process: several suites (xdist workers, parallel runs) never share a database
    return f"{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{os.getpid()}"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head once per session; each test gets a copy."""
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    upgrade(f"sqlite+aiosqlite:///{path}")
    return path


async def _pg_admin(admin_url: str, *statements: str) -> None:
    import asyncpg

    url = make_url(admin_url).set(drivername="postgresql")
    conn = await asyncpg.connect(url.render_as_string(hide_password=False))
    try:
        for statement in statements:
            await conn.execute(statement)
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def pg_template_url() -> Iterator[str | None]:
    """A PostgreSQL database for this test process, migrated to head once, dropped at the end."""
    admin_url = os.environ.get(PG_ENV)
    if not admin_url:
        if IN_CI:
            pytest.fail(f"{PG_ENV} is not set in CI: the suite must run on PostgreSQL too")
        yield None
        return
    name = f"jointcheck_test_{_worker()}"
    drop = f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
    asyncio.run(_pg_admin(admin_url, drop, f'CREATE DATABASE "{name}"'))
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    upgrade(url)
    yield url
    asyncio.run(_pg_admin(admin_url, drop))


_TABLES = ", ".join(
    f'"{t.name}"' for t in Base.metadata.sorted_tables
)


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    sqlite_template: Path,
) -> Iterator[str]:
    """A fresh, migrated database URL, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        path = tmp_path / "jointcheck.db"
        shutil.copyfile(sqlite_template, path)
        yield f"sqlite+aiosqlite:///{path}"
        return
    url = request.getfixturevalue("pg_template_url")
    if url is None:
        pytest.skip(f"PostgreSQL not configured: set {PG_ENV} (CI always does)")
    asyncio.run(_truncate(url))
    yield url


async def _truncate(url: str) -> None:
    engine = create_engine(url)
    async with engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {_TABLES} RESTART IDENTITY CASCADE"))
    await engine.dispose()


@pytest.fixture
async def engine(db_url: str) -> AsyncIterator[AsyncEngine]:
    """An async engine on the test database."""
    eng = create_engine(db_url)
    yield eng
    await eng.dispose()


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """The session factory the application would use."""
    return session_factory(engine)


@pytest.fixture
async def session(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """One session, as a handler or CLI command would get."""
    async with sessions() as s:
        yield s


class FixedClock:
    """A clock the test moves by hand; instants are UTC-aware."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now = self.now + dt.timedelta(**delta)


@pytest.fixture
def clock() -> FixedClock:
    """Pinned at 2026-03-02 09:00 in Shanghai (a Monday), so no test depends on today."""
    return FixedClock(dt.datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI).astimezone(dt.UTC))


@pytest.fixture(autouse=True)
def _private_var(tmp_path_factory: pytest.TempPathFactory,
                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test keeps its keys, checkpoints and files in its own folder, never in the
    checkout's ``var/``: a checkpoint one test signs must not be what another verifies
    against. A test that sets one of these itself (or chdirs) still wins."""
    var = tmp_path_factory.mktemp("var")
    for name, path in (("AUDIT_KEY_PATH", var / "keys" / "audit-ed25519.pem"),
                       ("AUDIT_CHECKPOINT_PATH", var / "audit" / "checkpoints.jsonl"),
                       ("CODE_KEY_PATH", var / "keys" / "codes-ed25519.pem"),
                       ("PROGRESS_LINK_KEY_PATH", var / "keys" / "progress-links.key"),
                       ("FILES_DIR", var / "files")):
        monkeypatch.setenv(f"JOINTCHECK_{name}", str(path))
