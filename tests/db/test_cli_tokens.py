"""``jointcheck token issue|list|revoke`` as an operator uses them: the token printed once,
never listed, refused by the API once revoked; issuing and revoking are in the audit trail."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from bot.config import get_settings
from cli.main import app
from services.api_tokens import ApiTokenService, TokenRefused, secret_hash
from services.audit import AuditTrail
from services.clock import utc_now
from storage.db import create_engine, session_factory
from storage.models import ApiToken, AuditEvent

runner = CliRunner()


@pytest.fixture
def cli_db(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("JOINTCHECK_DATABASE_URL", db_url)
    monkeypatch.delenv("JOINTCHECK_OPERATOR", raising=False)
    get_settings.cache_clear()
    for code, name in (("SCJG", "市场监督管理局"), ("SThJ", "生态环境局")):
        result = runner.invoke(app, ["departments", "add", code, name])
        assert result.exit_code == 0, result.output
    yield db_url
    get_settings.cache_clear()


def resolve(db_url: str, token: str) -> str:
    """The department the API would see for ``token``, or ``refused``."""

    async def run() -> str:
        engine = create_engine(db_url)
        try:
            async with session_factory(engine)() as session:
                service = ApiTokenService(session, utc_now, AuditTrail(session, utc_now))
                try:
                    return (await service.resolve(token)).department
                except TokenRefused:
                    return "refused"
        finally:
            await engine.dispose()

    return asyncio.run(run())


def stored(db_url: str) -> tuple[list[tuple[str, str, list[str]]], list[tuple[str, str]]]:
    async def run() -> tuple[list[tuple[str, str, list[str]]], list[tuple[str, str]]]:
        engine = create_engine(db_url)
        try:
            async with session_factory(engine)() as session:
                rows = (await session.scalars(select(ApiToken).order_by(ApiToken.id))).all()
                trail = (await session.execute(select(AuditEvent.action, AuditEvent.actor).where(
                    AuditEvent.action.like("api_token.%")).order_by(AuditEvent.id))).all()
                return ([(r.token_sha256, r.prefix, list(r.scopes)) for r in rows],
                        [(a, b) for a, b in trail])
        finally:
            await engine.dispose()

    return asyncio.run(run())


def test_issue_prints_the_token_once_list_never_revoke_refuses(cli_db: str) -> None:
    issued = runner.invoke(app, ["token", "issue", "--department", "SCJG", "--scope",
                                 "read, import", "--name", "区县数据同步"])
    assert issued.exit_code == 0, issued.output
    secret = issued.stdout.strip()
    assert re.fullmatch(r"jct_[0-9a-f]{12}_[A-Za-z0-9_-]{43}", secret)
    assert issued.output.count(secret) == 1
    assert "只显示这一次" in issued.output
    assert "已签发令牌 1（SCJG，范围：read, import，用途：区县数据同步）" in issued.output
    rows, trail = stored(cli_db)
    prefix, key = secret[4:16], secret[17:]
    assert rows == [(secret_hash(key), prefix, ["read", "import"])]  # only the hash is kept
    assert key not in str(rows)
    assert resolve(cli_db, secret) == "SCJG"

    listing = runner.invoke(app, ["token", "list", "--lang", "en"])
    assert listing.exit_code == 0, listing.output
    assert key not in listing.output
    assert f"jct_{prefix}_…" in listing.output
    assert "SCJG  (read,import)  区县数据同步" in listing.output
    assert "active" in listing.output

    bad = runner.invoke(app, ["token", "issue", "-d", "SCJG", "--scope", "read,admin",
                              "--name", "x"])
    assert bad.exit_code == 1
    assert "未知的权限范围：admin" in bad.output
    unknown = runner.invoke(app, ["token", "issue", "-d", "NOPE", "--name", "x"])
    assert unknown.exit_code == 1

    revoked = runner.invoke(app, ["token", "revoke", "1"])
    assert revoked.exit_code == 0, revoked.output
    assert "已吊销令牌 1（区县数据同步，SCJG）" in revoked.output
    assert resolve(cli_db, secret) == "refused"
    again = runner.invoke(app, ["token", "revoke", "1"])
    assert again.exit_code == 1
    assert "令牌 1 已经吊销" in again.output
    after = runner.invoke(app, ["token", "list"])
    assert "已吊销" in after.output
    assert stored(cli_db)[1] == [("api_token.issued", "cli-operator"),
                                 ("api_token.revoked", "cli-operator")]
