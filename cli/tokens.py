"""``jointcheck token issue|list|revoke``: the admin API's tokens (docs/api.md).

``issue`` prints the token once; afterwards only its hash is kept, so a lost token is revoked
and a new one issued. The commands act as ``--as ACCOUNT`` (an admin of the department or the
organiser's system actor), like every other command.
"""

from __future__ import annotations

import typer
from rich.markup import escape

from cli.common import (
    LANG,
    command,
    operator,
    plain_console,
    plain_err_console,
    shanghai,
    with_service,
)
from services.api_tokens import SCOPES, ApiTokenService

token_app = typer.Typer(help="API 令牌 / admin API tokens", no_args_is_help=True)


@token_app.command("issue")
def issue(
    department: str = typer.Option(..., "--department", "-d", help="部门编码 / department code"),
    scope: str = typer.Option("read", "--scope",
                              help=f"逗号分隔 / comma-separated: {', '.join(SCOPES)}"),
    name: str = typer.Option(..., "--name", help="用途 / what the token is for"),
    lang: str | None = LANG,
) -> None:
    """签发令牌（只显示一次）/ issue a token (shown once)."""
    settings, tr = command(lang)
    actor = operator(tr, settings)

    async def call(tokens: ApiTokenService) -> None:
        view, secret = await tokens.issue(department, scope, name, actor)
        plain_err_console.print(escape(tr("cli-token-issued", id=view.id,
                                          department=view.department,
                                          scopes=", ".join(view.scopes), name=view.name)))
        plain_err_console.print(tr("cli-token-once"))
        plain_console.print(secret)

    with_service(tr, settings, ApiTokenService, call)


@token_app.command("list")
def list_tokens(
    department: str | None = typer.Option(None, "--department", "-d", help="部门编码"),
    lang: str | None = LANG,
) -> None:
    """列出令牌（不含密钥）/ list tokens (never their secrets)."""
    settings, tr = command(lang)

    async def call(tokens: ApiTokenService) -> None:
        views = await tokens.list_tokens(department)
        if not views:
            plain_console.print(tr("cli-token-none"))
        for v in views:
            state = (tr("cli-token-revoked", at=shanghai(v.revoked_at)) if v.revoked_at
                     else tr("cli-token-active"))
            plain_console.print(escape(tr(
                "cli-token-line", id=v.id, prefix=f"jct_{v.prefix}_…", department=v.department,
                scopes=",".join(v.scopes), name=v.name, created=shanghai(v.created_at),
                used=shanghai(v.last_used_at), state=state)))

    with_service(tr, settings, ApiTokenService, call)


@token_app.command("revoke")
def revoke(
    token_id: int = typer.Argument(..., help="令牌编号 / token id (from token list)"),
    lang: str | None = LANG,
) -> None:
    """吊销令牌 / revoke a token: every later request with it gets 401."""
    settings, tr = command(lang)
    actor = operator(tr, settings)

    async def call(tokens: ApiTokenService) -> None:
        view = await tokens.revoke(token_id, actor)
        plain_console.print(escape(tr("cli-token-revoked-done", id=view.id, name=view.name,
                                      department=view.department)))

    with_service(tr, settings, ApiTokenService, call)


def register(app: typer.Typer) -> None:
    """Add the ``token`` commands."""
    app.add_typer(token_app, name="token")
