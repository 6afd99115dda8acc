"""``jointcheck schedule …``: the teams' schedules and their confirmation state (Art. 13), and
the settings behind them (a department's office, a task's visits a day).

Messages come from ``bot/locales/<lang>/schedule.ftl`` (the bot's own lines, so the CLI and the
leader's status message read the same); ``--lang en`` switches to English.
"""

from __future__ import annotations

import typer
from dishka import AsyncContainer

from cli.common import LANG, command, in_scope, operator
from cli.planning import console
from services.schedule import ScheduleService, TeamScheduleLine
from services.tasks import TaskService

schedule_app = typer.Typer(help="检查日程与路线 / team schedules and routes (Art. 13)",
                           no_args_is_help=True)


@schedule_app.command("show")
def schedule_show(
    *, task: str = typer.Argument(..., help="task code or id"),
    team: int | None = typer.Option(None, "--team", help="only this team number"),
    lang: str | None = LANG,
) -> None:
    """Every team's schedule of a task: days, stops, kilometres, flags and who confirmed."""
    from handlers.schedule import schedule_text

    settings, tr = command(lang)

    async def body(request: AsyncContainer) -> list[TeamScheduleLine]:
        task_id = await (await request.get(TaskService)).resolve(task)
        return await (await request.get(ScheduleService)).for_task(task_id, team)

    lines = in_scope(tr, settings, body)
    for n, line in enumerate(lines):
        if n:
            console.print("")
        if line.schedule is None:
            console.print(tr("schedule-none", team=line.team_number))
        else:
            console.print(schedule_text(line.schedule, tr), markup=False)


@schedule_app.command("office")
def schedule_office(
    *, department: str = typer.Argument(..., help="department code"),
    lat: float = typer.Option(..., "--lat", help="latitude, WGS-84"),
    lon: float = typer.Option(..., "--lon", help="longitude, WGS-84"),
    address: str = typer.Option("", "--address"),
    lang: str | None = LANG,
) -> None:
    """A department's office: where its teams' day routes start."""
    settings, tr = command(lang)
    actor = operator(tr, settings)

    async def call(request: AsyncContainer) -> None:
        await (await request.get(ScheduleService)).set_office(department, lat, lon, address,
                                                              actor)

    in_scope(tr, settings, call)
    console.print("[green]✓[/] " + tr("cli-schedule-office-set", department=department,
                                      lat=str(lat), lon=str(lon)))


@schedule_app.command("max-visits")
def schedule_max_visits(
    *, task: str = typer.Argument(..., help="task code or id"),
    per_day: int = typer.Argument(..., help="on-site visits per team per day"),
    lang: str | None = LANG,
) -> None:
    """A task's cap of on-site visits per team per day (default from configuration)."""
    settings, tr = command(lang)
    actor = operator(tr, settings)

    async def call(request: AsyncContainer) -> None:
        task_id = await (await request.get(TaskService)).resolve(task)
        await (await request.get(ScheduleService)).set_max_visits(task_id, per_day, actor)

    in_scope(tr, settings, call)
    console.print("[green]✓[/] " + tr("cli-schedule-max-set", task=task, count=str(per_day)))


def register(app: typer.Typer) -> None:
    """Add the ``schedule`` commands."""
    app.add_typer(schedule_app, name="schedule")
