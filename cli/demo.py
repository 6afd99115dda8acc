"""``jointcheck demo``: the whole flow on one machine, with no network and no Telegram.

Migrates the embedded SQLite database, loads the Ezhou demo directories, makes a past year's task
checked and published (``demo.past``: the public pages and the export show it), creates the demo
plan and joint task, runs its review (会审) and every draw, binds the demo persons to chat users
of the Bot API emulator, then starts the emulator, the bot (long polling against the emulator,
with the reminder worker in the same process) and the web server, and prints the one URL to
open. Running it again reuses what is already in the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import socket
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Annotated

import typer
import uvicorn
from dishka import AsyncContainer
from dishka.integrations.fastapi import FastapiProvider
from pydantic import SecretStr
from rich.panel import Panel
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings, get_settings
from bot.container import make_container
from bot.i18n import Translator
from cli.common import application, console, err_console, now, run
from sandbox.control import ClockIn
from services.accounts import AccountService
from services.calendar import CalendarService
from services.clock import SHANGHAI, Clock
from services.demo_clock import AdjustableClock, working_day_morning
from services.draws import DrawService
from services.notifications import NotificationScanner
from services.plans import PlanService
from services.schedule import ScheduleService
from services.tasks import TaskService
from storage.migrate import upgrade_async

if TYPE_CHECKING:
    from demo.past import PastTaskSummary

# Any token of Telegram's shape; the emulator accepts it, Telegram never sees it.
DEMO_TOKEN = "100000001:SANDBOXdemoTokenForTheLocalEmulator"


def _port_free(host: str, port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


async def _prepare(settings: Settings, subjects: int, seed: int) -> dict[str, object]:
    """Directories, task, draws and the cast; returns what to print and to serve."""
    from demo.data import load_demo_data
    from demo.sandbox import prepare_sandbox
    from demo.workflow import create_demo_task

    with console.status("迁移数据库 / migrating the database"):
        await upgrade_async(settings.database_url)
    async with application(settings) as app:
        with console.status(f"载入演示名录 / loading demo directories ({subjects} subjects)"):
            async with app() as request:
                data = await load_demo_data(await request.get(AsyncSession), now,
                                            subjects=subjects, seed=seed)
        with console.status("往年任务：检查、结果与公示 / a past year's task: checks, results, "
                            "publication"):
            past = await _past_task(settings, seed)
        with console.status("计划、任务、会审与摇号 / plan, task, review and draws"):
            async with app() as request:
                task = await create_demo_task(
                    await request.get(AsyncSession), now, plans=await request.get(PlanService),
                    tasks=await request.get(TaskService), draws=await request.get(DrawService))
        async with app() as request:
            cast = await prepare_sandbox(await request.get(AsyncSession), task,
                                         tasks=await request.get(TaskService),
                                         accounts=await request.get(AccountService),
                                         schedules=await request.get(ScheduleService))
    drawn = sum(len(team.subject_ids) for team in task.teams)
    console.print(
        f"[green]✓[/] 名录 directories: {data.departments} departments, {data.items} items, "
        f"{data.subjects} subjects, {data.inspectors} inspectors, {data.experts} experts"
        + ("" if data.loaded else " (already loaded)")
    )
    console.print(
        f"[green]✓[/] 任务 task {task.task_code} 「{task.task_name}」: {len(task.teams)} teams, "
        f"{drawn} subjects drawn; entropy: {task.entropy}"
    )
    if cast.review_task_state == "in_review":
        console.print(f"[green]✓[/] 待会审 waiting for review: {cast.review_task_code}")
    else:  # a later run: the demo admin decided it already
        state = Translator("zh_CN")(f"bot-state-{cast.review_task_state}")
        console.print(f"[green]✓[/] 会审任务 review task {cast.review_task_code}: {state} "
                      f"({cast.review_task_state})")
    console.print(
        f"[green]✓[/] 往年任务 past task {past.task_code} 「{past.task_name}」: {past.state}, "
        f"{past.subjects} subjects, {past.records} records, {past.photos} photos"
        + ("" if past.created else " (already made)"))
    return {"personas": cast.personas, "past_task": past.task_code}


async def _past_task(settings: Settings, seed: int) -> PastTaskSummary:
    """Last year's published task (``demo.past``), its services on a clock of their own."""
    from bot.container import make_container
    from demo.past import PastClock, PastServices, create_past_task
    from services.clock import local_date
    from services.publication import PublicationService
    from services.records import RecordService
    from services.results import ResultService

    past = PastClock()
    container = make_container(settings, clock=past)
    try:
        async with container() as request:
            services = PastServices(
                plans=await request.get(PlanService), tasks=await request.get(TaskService),
                draws=await request.get(DrawService),
                schedules=await request.get(ScheduleService),
                records=await request.get(RecordService),
                results=await request.get(ResultService),
                publication=await request.get(PublicationService))
            return await create_past_task(await request.get(AsyncSession), local_date(now()),
                                          past, services, seed=seed)
    finally:
        await container.close()


def banner(chat_url: str, web_url: str, past_task: str | None = None) -> str:
    """What ``demo`` prints once everything runs: the chat to open, the public pages (with the
    past task's result announcement) and the web server."""
    public = f"公示页面 / public pages: {web_url}public/tasks\n" + (
        f"结果公告 / results: {web_url}public/tasks/{past_task}/results\n" if past_task else "")
    return (
        f"[bold]打开 / open:[/] {chat_url}\n"
        + public
        + f"网页服务 / web server: {web_url} (API: {web_url}docs)\n"
        "选择一位演示人员，与机器人对话（发送 /tasks）。按 Ctrl+C 结束。\n"
        "Pick a demo person and talk to the bot (send /tasks). Ctrl+C stops."
    )


def clock_control(demo_clock: AdjustableClock, container: AsyncContainer
                  ) -> Callable[[ClockIn | None], Awaitable[dict[str, object]]]:
    """``POST /control/clock`` of the sandbox (issue 12 item 6): jump the demo clock, then run
    the reminder scans once so what has come due is queued at once (the worker sends it)."""

    async def control(body: ClockIn | None) -> dict[str, object]:
        queued = 0
        if body is not None:
            async with container() as request:
                now = (await request.get(Clock))()
                if body.working_days is not None:
                    target = await working_day_morning(await request.get(CalendarService), now,
                                                       body.working_days)
                elif body.hours is not None:
                    target = now + dt.timedelta(hours=body.hours)
                else:
                    assert body.to is not None
                    target = body.to if body.to.tzinfo else body.to.replace(tzinfo=SHANGHAI)
            demo_clock.jump(target - now)
            async with container() as request:
                queued = await (await request.get(NotificationScanner)).scan()
        async with container() as request:
            now = (await request.get(Clock))()
        return {"now": now.astimezone(SHANGHAI).isoformat(timespec="minutes"),
                "offset_seconds": round(demo_clock.offset.total_seconds()), "queued": queued}

    return control


# Ctrl+C stops the sandbox within this many seconds even while a browser keeps a long poll open.
STOP_GRACE_SECONDS = 3


async def _serve(settings: Settings, personas: list[dict[str, object]], open_url: str,
                 past_task: str | None = None) -> None:
    """Emulator, bot and web server in one process until Ctrl+C."""
    from bot.app import run_polling
    from sandbox.emulator import create_app as create_emulator
    from sandbox.state import EmulatorState
    from web.app import create_web_app

    demo_clock = AdjustableClock()  # one clock for the bot, the worker and the web server
    bot_container = make_container(settings, clock=demo_clock)
    web_container = make_container(settings, clock=demo_clock, extra=(FastapiProvider(),))
    emulator_app = create_emulator(EmulatorState(personas=personas))
    emulator_app.state.clock_control = clock_control(demo_clock, bot_container)
    emulator = uvicorn.Server(uvicorn.Config(
        emulator_app, host=settings.web_host,
        port=settings.sandbox_port, log_level="warning", lifespan="on",
        timeout_graceful_shutdown=STOP_GRACE_SECONDS))
    web = uvicorn.Server(uvicorn.Config(
        create_web_app(settings, web_container), host=settings.web_host,
        port=settings.web_port, log_level="warning", lifespan="on",
        timeout_graceful_shutdown=STOP_GRACE_SECONDS))
    emulator_task = asyncio.create_task(emulator.serve())
    web_task = asyncio.create_task(web.serve())
    for server, task in ((emulator, emulator_task), (web, web_task)):
        while not server.started:
            if task.done():
                await task
                raise RuntimeError("a server did not start")
            await asyncio.sleep(0.05)
    stop = asyncio.Event()
    try:
        bot_task = asyncio.create_task(run_polling(settings, bot_container, stop))
        web_url = f"http://{settings.web_host}:{settings.web_port}/"
        console.print(Panel.fit(banner(open_url, web_url, past_task), title="jointcheck sandbox",
                                border_style="green"))
        try:
            await asyncio.wait({bot_task, web_task, emulator_task},
                               return_when=asyncio.FIRST_COMPLETED)
        finally:
            stop.set()
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await asyncio.wait_for(bot_task, STOP_GRACE_SECONDS)
            web.should_exit = emulator.should_exit = True
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await asyncio.gather(web_task, emulator_task)
        for task in (bot_task, web_task, emulator_task):
            if task.done() and not task.cancelled() and task.exception() is not None:
                raise task.exception()  # type: ignore[misc]
    finally:
        await web_container.close()
        await bot_container.close()


def register(app: typer.Typer) -> None:
    """Add ``jointcheck demo``."""

    @app.command("demo")
    def demo(
        subjects: Annotated[int, typer.Option(help="演示市场主体数量 / demo subjects")] = 3000,
        seed: Annotated[int, typer.Option(help="演示数据种子 / demo data seed")] = 2026,
        sandbox_port: Annotated[int | None, typer.Option(
            help="模拟器与网页聊天端口 / emulator and browser chat port")] = None,
        web_port: Annotated[int | None, typer.Option(help="web server port")] = None,
        serve: Annotated[bool, typer.Option(
            help="启动模拟器、机器人与网页 / start emulator, bot and web")] = True,
    ) -> None:
        """一条命令体验全流程 / the whole flow on this machine, in one command."""
        base = get_settings()
        settings = base.model_copy(update={
            "sandbox_port": sandbox_port or base.sandbox_port,
            "web_port": web_port or base.web_port,
        })
        emulator_url = f"http://{settings.web_host}:{settings.sandbox_port}"
        settings = settings.model_copy(update={
            "bot_token": SecretStr(DEMO_TOKEN), "bot_api_url": emulator_url,
            "webhook_url": None, "redis_url": None,
        })
        if serve:
            for name, port in (("sandbox", settings.sandbox_port), ("web", settings.web_port)):
                if not _port_free(settings.web_host, port):
                    err_console.print(
                        f"[red]端口 {port} 已被占用 / port {port} is in use[/]: "
                        f"try `jointcheck demo --{name}-port <another>`")
                    raise typer.Exit(1)
        prepared = run(_prepare(settings, subjects, seed))
        if not serve:
            return
        personas = prepared["personas"]
        assert isinstance(personas, list)
        past_task = str(prepared["past_task"])
        with contextlib.suppress(KeyboardInterrupt):
            run(_serve(settings, personas, emulator_url + "/", past_task))
