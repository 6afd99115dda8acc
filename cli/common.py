"""What every CLI command shares: settings → translator → one container scope → print.

A command is ``settings, tr = command(lang)`` then ``with_service(tr, settings, Kind, call)``
(or ``in_scope`` when it needs several services): one dishka request scope per command, its
services from the composition root (``bot.container``), a domain refusal printed in the user's
language with exit code 1.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import typer
from dishka import AsyncContainer
from rich.console import Console
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings, get_settings
from bot.container import make_container
from bot.i18n import Translator
from handlers import labels
from handlers.i18n import has
from services.accounts import AccountService
from services.actors import Actor
from services.clock import SHANGHAI, utc_now
from services.errors import DomainError

if TYPE_CHECKING:
    from services.draws import TeamView

T = TypeVar("T")
S = TypeVar("S")
console = Console()
err_console = Console(stderr=True)
# plan, task, calendar and draw commands: no wrapping at the terminal width (lines stay
# greppable) and no colouring of numbers
plain_console = Console(soft_wrap=True, highlight=False)
plain_err_console = Console(stderr=True, soft_wrap=True, highlight=False)

CLI_ACTOR = "cli-operator"  # the explicit system actor when no operator account is named
OPERATOR_ENV = "JOINTCHECK_OPERATOR"
_operator: str | None = None  # ``--as``, set by the ``jointcheck`` callback per invocation
LANG = typer.Option(None, "--lang", help="zh_CN (default) or en")


def now() -> dt.datetime:
    """The CLI's clock (the container's ``Clock`` for every command)."""
    return utc_now()


def run(coro: Coroutine[Any, Any, T]) -> T:
    """Run one async command body to completion."""
    return asyncio.run(coro)


class CliTranslator(Translator):
    """``Translator`` for the terminal: numbers such as years and ids shown as written
    (2027, not 2,027); the engine's own messages format their numbers themselves."""

    def __call__(self, key: str, /, **args: Any) -> str:
        if not key.startswith("draw-error-"):
            args = {k: str(v) if isinstance(v, int) and not isinstance(v, bool) else v
                    for k, v in args.items()}
        return super().__call__(key, **args)


def translator(lang: str | None, settings: Settings | None = None) -> Translator:
    """The CLI's language: ``--lang``, else the configured default (Chinese)."""
    return CliTranslator(lang or (settings or get_settings()).default_language)


def command(lang: str | None) -> tuple[Settings, Translator]:
    """The settings (read once) and the translator of one command."""
    settings = get_settings()
    return settings, translator(lang, settings)


def set_operator(reference: str | None) -> None:
    """``jointcheck --as ACCOUNT``: the account every command of this invocation acts as."""
    global _operator  # noqa: PLW0603 -- one process runs one invocation; reset on every call
    _operator = reference


def operator(tr: Translator, settings: Settings) -> Actor:
    """Who this command acts as: the account of ``--as`` (else ``JOINTCHECK_OPERATOR``) with
    its roles and department, or the explicit system actor ``cli-operator``. An unknown
    account is refused, exit 1."""
    reference = _operator or os.environ.get(OPERATOR_ENV, "").strip() or None
    if reference is None:
        return Actor.system(CLI_ACTOR)
    return with_service(tr, settings, AccountService, lambda a: a.actor(reference))


def refuse(tr: Translator, err: DomainError) -> NoReturn:
    """Print why an action was refused, in the user's language, and exit 1."""
    args = dict(err.args_map)
    for name in ("state", "needed"):  # task states in words, not codes
        if isinstance(args.get(name), str):
            args[name] = tr(f"state-{args[name]}")
    decision = args.get("decision")
    if err.key == "review-already-decided" and isinstance(decision, str):
        args["decision"] = tr(f"review-line-{decision}")  # what was decided, as a state
    elif (isinstance(decision, str) and err.key.startswith("review-")
            and has(f"review-decision-{decision}")):  # a bad decision is shown as typed
        args["decision"] = tr(f"review-decision-{decision}")
    if err.key.startswith("task-") and isinstance(args.get("action"), str) \
            and has(f"label-action-{args['action']}"):
        args["action"] = labels.action_names([args["action"]], tr, with_codes=True)
    if err.key == "task-illegal-step" and isinstance(args.get("allowed"), str):
        args["allowed"] = labels.action_names(
            [a for a in args["allowed"].split(", ") if a != "-"], tr, with_codes=True)
    if isinstance(args.get("index"), int):  # people count witnessed values from 1
        args["index"] = args["index"] + 1
    plain_err_console.print(f"[red]✗[/] {tr(err.key, **args)}")
    raise typer.Exit(1)


def execute(tr: Translator, body: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run an async command body; a domain refusal becomes a message and exit code 1."""
    try:
        return run(body())
    except DomainError as err:
        refuse(tr, err)


@asynccontextmanager
async def application(settings: Settings | None = None) -> AsyncIterator[AsyncContainer]:
    """The composition root's container for one command, closed (engine disposed) at the end."""
    container = make_container(settings or get_settings(), clock=now)
    try:
        yield container
    finally:
        await container.close()


@asynccontextmanager
async def scope(settings: Settings | None = None) -> AsyncIterator[AsyncContainer]:
    """One request scope (one session, its services) on a fresh application container."""
    async with application(settings) as container, container() as request:
        yield request


def in_scope(tr: Translator, settings: Settings,
             call: Callable[[AsyncContainer], Awaitable[T]]) -> T:
    """``execute`` for the usual command: one call in one request scope."""

    async def body() -> T:
        async with scope(settings) as request:
            return await call(request)

    return execute(tr, body)


def in_session(tr: Translator, settings: Settings,
               call: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """``in_scope`` for a call that takes the scope's session itself (functions of the
    directories, the demo). A service is asked of the scope instead (``with_service``)."""

    async def on(request: AsyncContainer) -> T:
        return await call(await request.get(AsyncSession))

    return in_scope(tr, settings, on)


def with_service(tr: Translator, settings: Settings, kind: type[S],
                 call: Callable[[S], Awaitable[T]]) -> T:
    """``call`` on the service ``kind`` from one request scope (``in_scope``)."""

    async def on(request: AsyncContainer) -> T:
        return await call(await request.get(kind))

    return in_scope(tr, settings, on)


@asynccontextmanager
async def database(
    settings: Settings | None = None,
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """The container's session factory, for commands that hand it to a long-running part."""
    async with application(settings) as container:
        yield await container.get(async_sessionmaker[AsyncSession])


def codes(text: str | None) -> tuple[str, ...]:
    """``"SCJG, SThJ"`` → ``("SCJG", "SThJ")``."""
    return tuple(part.strip() for part in re.split(r"[,，;；\s]+", text or "") if part.strip())


def shanghai(instant: dt.datetime | None) -> str:
    """An instant as people in Ezhou read it."""
    return instant.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if instant else "-"


def print_teams(tr: Translator, teams: list[TeamView]) -> None:
    """Teams with members, leaders, withdrawals and subject counts."""
    for team in teams:
        plain_console.print(tr("cli-team-heading", n=team.number, subjects=len(team.subject_ids)))
        for m in team.members:
            mark = []
            if m.is_leader:
                mark.append(tr("cli-team-leader"))
            if m.expert_id:
                mark.append(tr("cli-team-expert"))
            if not m.active:
                mark.append(tr("cli-team-withdrawn", reason=m.withdrawn_reason))
            plain_console.print("  " + tr("cli-team-member", id=m.inspector_id or m.expert_id,
                                    name=m.name, department=m.department or "-",
                                    mark=" ".join(mark)))
