"""The migrations build the schema the models describe, on every backend."""

from __future__ import annotations

import asyncio
from typing import Any

from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine

from services.actors import Actor
from storage.models import Base
from tests.services import draw_service

act = Actor.system  # a named system actor: every rule lets it act


async def test_migrations_create_every_model_table(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        tables = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
    missing = set(Base.metadata.tables) - tables
    assert not missing, f"models without a migration: {sorted(missing)}"


async def test_migrations_match_models_exactly(db_url: str, engine: AsyncEngine) -> None:
    """Alembic's autogenerate finds nothing to add: every model change has its migration."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    def diff(sync_conn):  # type: ignore[no-untyped-def]
        ctx = MigrationContext.configure(sync_conn, opts={"compare_type": True})
        return compare_metadata(ctx, Base.metadata)

    async with engine.connect() as conn:
        changes = await conn.run_sync(diff)
    assert changes == [], f"schema differs from the models; write a migration: {changes}"


async def test_migration_0005_moves_manifests_out_and_back(
    db_url: str, engine: AsyncEngine, clock: Any
) -> None:
    """0005 carries every committed manifest to draw_manifest byte for byte, and back down."""
    from storage.db import session_factory
    from storage.migrate import alembic_config
    from tests.db.workflow_data import approved_task, build_directory, secret_source

    async with session_factory(engine)() as session:
        await build_directory(session)
        task_id = await approved_task(session, clock)
        draws = draw_service(session, clock)
        committed = await draws.commit_subjects(task_id, secret_source("s"), act("organiser"))
        draw_id = committed.id
    async with engine.connect() as conn:
        before = (await conn.execute(text(
            "SELECT text FROM draw_manifest WHERE draw_id = :id"), {"id": draw_id})).scalar_one()
    await engine.dispose()
    config = alembic_config(db_url)
    try:
        await asyncio.to_thread(command.downgrade, config, "0004")
        async with engine.connect() as conn:
            down = (await conn.execute(text(
                "SELECT manifest FROM draw WHERE id = :id"), {"id": draw_id})).scalar_one()
            fks = await conn.run_sync(
                lambda c: {fk["referred_table"] for fk in inspect(c).get_foreign_keys(
                    "task_subject")})
        assert down == before
        assert fks == {"task", "subject", "draw", "team"}
    finally:
        await engine.dispose()
        await asyncio.to_thread(command.upgrade, config, "head")
    async with engine.connect() as conn:
        up = (await conn.execute(text(
            "SELECT text FROM draw_manifest WHERE draw_id = :id"), {"id": draw_id})).scalar_one()
        fks = await conn.run_sync(
            lambda c: {fk["referred_table"] for fk in inspect(c).get_foreign_keys("task_subject")})
    assert up == before
    assert fks == {"team"}


async def test_the_schema_comparison_sees_a_changed_type(db_url: str, engine: AsyncEngine) -> None:
    """The check above can fail: a column whose type differs from its model is reported."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    async with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            await conn.execute(text("ALTER TABLE department ALTER COLUMN name_en TYPE text"))
        else:
            await conn.execute(text("ALTER TABLE department ADD COLUMN probe_type INTEGER"))
            await conn.execute(text("ALTER TABLE department DROP COLUMN name_en"))
            await conn.execute(text("ALTER TABLE department RENAME COLUMN probe_type TO name_en"))

    def diff(sync_conn):  # type: ignore[no-untyped-def]
        ctx = MigrationContext.configure(sync_conn, opts={"compare_type": True})
        return compare_metadata(ctx, Base.metadata)

    try:
        async with engine.connect() as conn:
            changes = await conn.run_sync(diff)
    finally:
        if engine.dialect.name == "postgresql":  # this process's database serves later tests
            async with engine.begin() as conn:
                await conn.execute(text(
                    "ALTER TABLE department ALTER COLUMN name_en TYPE varchar(200)"))
    assert any(c[0][0] == "modify_type" and c[0][3] == "name_en" for c in changes
               if isinstance(c, list)), changes
