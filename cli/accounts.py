"""``jointcheck invite`` (deep links and QR codes) and ``jointcheck account list|revoke``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from pydantic import SecretStr
from rich.table import Table

from bot.config import Settings, get_settings
from bot.i18n import t
from cli.common import console, err_console, now, operator, run, scope, translator
from services.accounts import AccountService, deep_link
from services.clock import SHANGHAI
from services.errors import DomainError
from services.qr import Card, write_cards

account_app = typer.Typer(help="账号 / accounts", no_args_is_help=True)


async def _get_me(settings: Settings) -> str | None:
    """The bot's username from getMe; None when the Bot API does not answer."""
    from aiogram.exceptions import TelegramAPIError

    from bot.app import build_bot

    bot = build_bot(settings, retry_on_flood=False)
    try:
        return (await bot.me()).username
    except (TelegramAPIError, OSError):  # network errors included
        return None
    finally:
        await bot.session.close()


async def _bot_username(settings: Settings, given: str | None) -> str | None:
    """From the option, the settings, or the Bot API's getMe: Telegram's with the configured
    token, else the local sandbox emulator of a running ``jointcheck demo`` (issue 9 item 18)."""
    if given or settings.bot_username:
        return (given or settings.bot_username or "").lstrip("@")
    if settings.bot_token is not None:
        return await _get_me(settings)
    from cli.demo import DEMO_TOKEN

    return await _get_me(settings.model_copy(update={
        "bot_token": SecretStr(DEMO_TOKEN),
        "bot_api_url": f"http://{settings.web_host}:{settings.sandbox_port}",
    }))


def _local(instant: dt.datetime) -> str:
    return instant.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def invite(
    *,
    department: Annotated[str, typer.Option("--department", "-d", help="部门代码")],
    role: Annotated[
        str | None, typer.Option("--role", help="inspector | dept_admin | organiser | supervisor")
    ] = None,
    person: Annotated[int | None, typer.Option("--person", help="检查人员 id")] = None,
    name: Annotated[str | None, typer.Option("--name", help="姓名, not in the directory")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="QR PNGs and the sheet")] = None,
    ttl_hours: Annotated[int | None, typer.Option("--ttl-hours", help="default 72")] = None,
    bot_username: Annotated[str | None, typer.Option("--bot-username")] = None,
    lang: Annotated[str, typer.Option("--lang")] = "zh_CN",
) -> None:
    """Issue one-time invitations (邀请): deep links and QR codes for a person or a department."""
    settings = get_settings()
    actor = operator(translator(lang, settings), settings)

    async def body() -> int:
        username = await _bot_username(settings, bot_username)
        if not username:
            err_console.print(t("cli-bot-username-missing", lang))
            return 2
        ttl = dt.timedelta(hours=ttl_hours or settings.invitation_ttl_hours)
        async with scope(settings) as request:
            try:
                issued = await (await request.get(AccountService)).invite(
                    department_code=department, role=role, inspector_id=person, name=name,
                    ttl=ttl, actor=actor,
                )
            except DomainError as error:
                err_console.print(t(error.key, lang, **error.args_map))
                return 1
        if not issued:
            console.print(t("cli-invite-none", lang))
            return 0
        cards = []
        # a header, and the inspector id that --person takes beside the account id
        console.print("\t".join(t(k, lang) for k in (
            "cli-col-account", "cli-col-inspector", "cli-col-name", "cli-col-expires",
            "cli-col-link")), highlight=False)
        for item in issued:
            link = deep_link(username, item.token)
            # one plain line per person: a table would cut the link that has to be copied whole
            console.print(
                f"{item.account.id}\t{item.account.inspector_id or '—'}\t{item.account.name}"
                f"\t{_local(item.expires_at)}\t{link}",
                soft_wrap=True, highlight=False,
            )
            cards.append(Card(
                account_id=item.account.id, name=item.account.name,
                department=item.account.department_name or department, link=link,
                expires=t("cli-invite-expires", lang, at=_local(item.expires_at)),
            ))
        stamp = now().astimezone(SHANGHAI).strftime("%Y%m%d-%H%M%S")
        folder = out or Path("var") / "invitations" / f"{department}-{stamp}"
        title = t("cli-invite-title", lang, department=cards[0].department)
        write_cards(cards, folder, title)
        console.print(t("cli-invite-written", lang, dir=str(folder)))
        return 0

    raise typer.Exit(run(body()))


@account_app.command("list")
def account_list(
    department: str | None = typer.Option(None, "--department", "-d"),
    lang: str = typer.Option("zh_CN", "--lang"),
) -> None:
    """Accounts with their roles and whether a Telegram user is bound."""

    async def body() -> None:
        async with scope() as request:
            accounts = await (await request.get(AccountService)).list_accounts(department)
        if not accounts:
            console.print(t("cli-accounts-none", lang))
            return
        table = Table()
        for key in ("cli-col-account", "cli-col-inspector", "cli-col-name", "cli-col-department",
                    "cli-col-roles", "cli-col-telegram"):
            table.add_column(t(key, lang))
        for account in accounts:
            table.add_row(
                str(account.id), str(account.inspector_id or "—"), account.name,
                account.department_code or "",
                "、".join(t(f"bot-role-{r}", lang) for r in account.roles),
                str(account.telegram_user_id) if account.telegram_user_id else "—",
            )
        console.print(table)

    run(body())


@account_app.command("revoke")
def account_revoke(
    account_id: int = typer.Argument(..., help="账号 id"),
    lang: str = typer.Option("zh_CN", "--lang"),
) -> None:
    """Unbind the account's Telegram user (解绑) and void its unused invitations."""
    settings = get_settings()
    actor = operator(translator(lang, settings), settings)

    async def body() -> int:
        async with scope(settings) as request:
            try:
                account = await (await request.get(AccountService)).revoke(account_id, actor)
            except DomainError as error:
                err_console.print(t(error.key, lang, **error.args_map))
                return 1
        console.print(t("cli-account-revoked", lang, id=account.id, name=account.name))
        return 0

    raise typer.Exit(run(body()))


def register(app: typer.Typer) -> None:
    """Add ``invite`` and ``account``."""
    app.command("invite")(invite)
    app.add_typer(account_app, name="account")
