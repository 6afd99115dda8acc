"""``jointcheck plan …``, ``jointcheck task …`` and ``jointcheck calendar …`` (Art. 11, 12, 16).

Every message comes from ``bot/locales/<lang>/planning.ftl``; ``--lang en`` switches to English.
A refused action prints the reason and exits 1, and nothing is changed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from bot.config import Settings
from cli.common import (
    LANG,
    CliTranslator,
    codes,
    command,
    execute,
    in_session,
    operator,
    print_teams,
    refuse,
    scope,
    shanghai,
    translator,
    with_service,
)
from cli.common import plain_console as console
from cli.common import plain_err_console as err_console
from handlers import labels
from handlers.i18n import Translator
from services.calendar import CalendarService, DueDate, parse_notice
from services.draws import DrawService
from services.errors import ValidationFailed
from services.plans import PlanEntryInput, PlanEntryView, PlanService
from services.tasks import MANUAL_ACTIONS, TaskService, TaskSpec, TaskView
from services.vocabulary import PlanEntryStatus

T = TypeVar("T")
__all__ = ["CliTranslator", "codes", "console", "err_console", "in_session", "shanghai",
           "translator"]

plan_app = typer.Typer(help="年度联合抽查计划 / annual joint plan (Art. 11)", no_args_is_help=True)
task_app = typer.Typer(help="联合抽查任务与会审 / joint tasks and review (Art. 12)",
                       no_args_is_help=True)
calendar_app = typer.Typer(help="工作日历 / working-day calendar (Art. 16)", no_args_is_help=True)



# --------------------------------------------------------------------------- shared helpers


def parse_day(text: str) -> dt.date:
    """A date as officials type it: 2027-04-01, 2027/4/1, 20270401."""
    value = text.strip().replace("/", "-").replace(".", "-")
    try:
        if re.fullmatch(r"\d{8}", value):
            return dt.date(int(value[:4]), int(value[4:6]), int(value[6:]))
        year, month, day = (int(p) for p in value.split("-"))
        return dt.date(year, month, day)
    except ValueError as exc:
        raise ValidationFailed("cli-bad-date", value=text) from exc


def parse_counts(text: str) -> dict[str, int]:
    """``"SCJG=2,SThJ=1"`` → members per department per team."""
    out: dict[str, int] = {}
    for part in codes(text):
        key, _, value = part.partition("=")
        if not value.strip().isdigit():
            raise ValidationFailed("cli-bad-pair", value=part, example="SCJG=2")
        out[key.strip()] = int(value)
    return out


def parse_sample(text: str) -> dict[str, dict[str, str | int]]:
    """``"A=5%,B=0.05,D=40"``: a percentage or a decimal is a ratio, a whole number a count."""
    out: dict[str, dict[str, str | int]] = {}
    for part in codes(text):
        key, _, value = part.partition("=")
        value = value.strip()
        if not key or not value:
            raise ValidationFailed("cli-bad-pair", value=part, example="A=5%")
        if value.isdigit():
            out[key.strip().upper()] = {"count": int(value)}
        else:
            out[key.strip().upper()] = {"ratio": value}
    return out


def scope_of(districts: str | None, industries: str | None, kinds: str | None,
             risks: str | None) -> dict[str, list[str]]:
    """The scope options as the JSON the services take."""
    scope: dict[str, list[str]] = {}
    for key, value in (("districts", districts), ("industries", industries), ("kinds", kinds),
                       ("risk_classes", risks)):
        if codes(value):
            scope[key] = list(codes(value))
    return scope


def warn_assumed(tr: Translator, due: DueDate) -> None:
    """The weekends-only warning for years the calendar does not know (DESIGN.md §6)."""
    if due.assumes_weekends_only:
        err_console.print(
            "[yellow]![/] "
            + tr("cal-assumed-weekends", years=", ".join(map(str, due.assumed_years))))


# --------------------------------------------------------------------------- plan


def with_plans(tr: Translator, settings: Settings,
               call: Callable[[PlanService], Awaitable[T]]) -> T:
    """``call`` on the plan service, in one command scope."""
    return with_service(tr, settings, PlanService, call)


def print_entry(tr: Translator, e: PlanEntryView) -> None:
    """One plan entry on a few lines."""
    console.print(tr("cli-plan-entry", id=e.id, title=e.title, department=e.department,
                     status=tr(f"plan-status-{e.status}")))
    console.print("  " + tr("cli-plan-entry-detail", items=", ".join(e.items),
                     departments=", ".join(e.departments), start=e.period_start.isoformat(),
                     end=e.period_end.isoformat(),
                     ratio=labels.percent(e.target_ratio) if e.target_ratio else "-"))
    if e.peak_season:
        peak = e.flags["peak_season"]
        console.print("  [yellow]![/] " + tr("cli-plan-peak", share=peak["share_permille"] / 10,
                                              months=", ".join(map(str, peak["months"]))))
    if e.merged_into_id:
        console.print("  " + tr("cli-plan-merged-into", id=e.merged_into_id))


@plan_app.command("submit")
def plan_submit(
    *,
    year: int = typer.Option(..., "--year", help="the plan's year (next year)"),
    department: str = typer.Option(..., "--department", help="submitting department code"),
    title: str = typer.Option(..., "--title"),
    items: str = typer.Option(..., "--items", help="item codes, comma-separated"),
    departments: str = typer.Option("", "--departments", help="participating departments"),
    start: str = typer.Option(..., "--from", help="period start, YYYY-MM-DD"),
    end: str = typer.Option(..., "--to", help="period end, YYYY-MM-DD"),
    ratio: str | None = typer.Option(None, "--ratio", help="target ratio, e.g. 5% or 0.05"),
    district: str | None = typer.Option(None, "--district"),
    industry: str | None = typer.Option(None, "--industry"),
    kind: str | None = typer.Option(None, "--kind"),
    risk: str | None = typer.Option(None, "--risk"),
    lang: str | None = LANG,
) -> None:
    """Submit an entry for next year's plan (by 30 November) (报送年度计划)."""
    settings, tr = command(lang)
    actor = operator(tr, settings)

    async def body() -> PlanEntryView:
        data = PlanEntryInput(
            year=year, department=department, title=title, items=codes(items),
            departments=codes(departments) or (department,), period_start=parse_day(start),
            period_end=parse_day(end), target_ratio=ratio,
            scope=scope_of(district, industry, kind, risk))
        async with scope(settings) as request:
            return await (await request.get(PlanService)).submit_entry(data, actor)

    entry = execute(tr, body)
    console.print("[green]✓[/] " + tr("cli-plan-submitted", id=entry.id, year=year))
    print_entry(tr, entry)


@plan_app.command("show")
def plan_show(
    *, year: int = typer.Argument(...), lang: str | None = LANG) -> None:
    """The plan of a year, its deadlines and entries (查看年度计划)."""
    settings, tr = command(lang)

    plan = with_plans(tr, settings, lambda plans: plans.get(year))
    console.print(tr("cli-plan-heading", year=year, status=tr(f"plan-status-{plan.status}")))
    console.print(tr("cli-plan-deadlines", submission=plan.submission_closes.isoformat(),
                     approval=plan.approval_due.isoformat()))
    if plan.approved_at:
        console.print(tr("cli-plan-approved-by", who=plan.approved_by or "-",
                         at=shanghai(plan.approved_at)))
    if not plan.entries:
        console.print(tr("cli-plan-no-entries"))
    for entry in plan.entries:
        print_entry(tr, entry)


@plan_app.command("merges")
def plan_merges(
    *, year: int = typer.Argument(...), lang: str | None = LANG) -> None:
    """Entries that could be merged into one joint entry (可合并的计划)."""
    settings, tr = command(lang)

    proposals = with_plans(tr, settings, lambda plans: plans.merge_proposals(year))
    if not proposals:
        console.print(tr("cli-plan-no-merges"))
    for p in proposals:
        console.print(tr("cli-plan-merge-proposal", ids=", ".join(map(str, p.entry_ids)),
                         reason=", ".join(tr(f"plan-merge-reason-{r}") for r in p.reason)))
        console.print("  " + tr("cli-plan-entry-detail", items=", ".join(p.items),
                         departments=", ".join(p.departments), start=p.period_start.isoformat(),
                         end=p.period_end.isoformat(),
                         ratio=labels.percent(p.target_ratio) if p.target_ratio else "-"))


@plan_app.command("merge")
def plan_merge(
    *,
    year: int = typer.Argument(...), entries: Annotated[list[int], typer.Argument()],
    lead: str | None = typer.Option(None, "--lead"), title: str | None = typer.Option(None),
    lang: str | None = LANG,
) -> None:
    """Merge entries into one joint entry before approval (合并计划)."""
    settings, tr = command(lang)
    actor = operator(tr, settings)

    entry = with_plans(tr, settings,
                       lambda plans: plans.merge(year, entries, actor, lead, title))
    console.print("[green]✓[/] " + tr("cli-plan-merged", id=entry.id))
    print_entry(tr, entry)


@plan_app.command("approve")
def plan_approve(
    *,
    year: int = typer.Argument(...),
    late_reason: str = typer.Option("", "--late-reason",
                                    help="required after the approval deadline"),
    lang: str | None = LANG,
) -> None:
    """Approve the plan (by 31 December) (批准年度计划)."""
    settings, tr = command(lang)
    actor = operator(tr, settings)

    plan = with_plans(tr, settings, lambda plans: plans.approve(year, actor, late_reason))
    console.print("[green]✓[/] " + tr("cli-plan-approved", year=year, entries=len(
        [e for e in plan.entries if e.status == PlanEntryStatus.APPROVED])))


def _changes(sets: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in sets:
        key, _, value = item.partition("=")
        key = key.strip()
        if not value:
            raise ValidationFailed("cli-bad-pair", value=item, example="period_end=2027-07-31")
        if key in ("items", "departments"):
            out[key] = list(codes(value))
        elif key == "withdraw":
            out[key] = value.strip().lower() in ("1", "true", "yes")
        elif key in ("period_start", "period_end"):
            out[key] = parse_day(value).isoformat()
        else:
            out[key] = value.strip()
    return out


@plan_app.command("change")
def plan_change(
    *,
    year: int = typer.Argument(...),
    entry: int | None = typer.Option(None, "--entry", help="the entry to change (none: add)"),
    sets: Annotated[
        list[str] | None, typer.Option("--set", help="key=value, e.g. period_end=2027-07-31")
    ] = None,
    reason: str = typer.Option(..., "--reason"),
    lang: str | None = LANG,
) -> None:
    """Propose a change to an approved plan; it takes effect once reviewed (计划调整)."""
    settings, tr = command(lang)
    actor = operator(tr, settings)

    change = with_plans(tr, settings, lambda plans: plans.propose_change(
        year, entry, _changes(sets or []), reason, actor))
    console.print("[green]✓[/] " + tr("cli-plan-change-proposed", id=change.id))


@plan_app.command("review-change")
def plan_review_change(
    *,
    change: int = typer.Argument(...), decision: str = typer.Argument(..., help="approve|return"),
    comment: str = typer.Option("", "--comment"), lang: str | None = LANG,
) -> None:
    """Approve (and apply) or return a proposed plan change (审核计划调整)."""
    settings, tr = command(lang)
    actor = operator(tr, settings)

    view = with_plans(tr, settings, lambda plans: plans.review_change(
        change, decision, comment, actor))  # type: ignore[arg-type]
    console.print("[green]✓[/] " + tr("cli-plan-change-reviewed", id=view.id,
                                       status=tr(f"plan-change-{view.status}")))


@plan_app.command("changes")
def plan_changes(
    *, year: int = typer.Argument(...), lang: str | None = LANG) -> None:
    """Every proposed change of a year's approved plan (计划调整记录)."""
    settings, tr = command(lang)

    changes = with_plans(tr, settings, lambda plans: plans.changes(year))
    if not changes:
        console.print(tr("cli-plan-no-changes"))
    for c in changes:
        console.print(tr("cli-plan-change-line", id=c.id, entry=c.entry_id or "+",
                         status=tr(f"plan-change-{c.status}"), reason=c.reason,
                         comment=c.comment or "-"))


# --------------------------------------------------------------------------- task


def with_tasks(tr: Translator, settings: Settings,
               call: Callable[[TaskService], Awaitable[T]]) -> T:
    """``call`` on the task service, in one command scope."""
    return with_service(tr, settings, TaskService, call)


def state_name(tr: Translator, state: str) -> str:
    """A task state in words."""
    return tr(f"state-{state}")


def print_task(tr: Translator, v: TaskView) -> None:
    """A task with its review round, on a few lines."""
    console.print(tr("cli-task-heading", id=v.id, code=v.code, name=v.name,
                     state=state_name(tr, v.state)))
    console.print(tr("cli-task-departments", lead=v.lead_department,
                     departments=", ".join(v.departments),
                     members=", ".join(f"{d}×{n}" for d, n in v.members_per_team.items()),
                     teams=v.team_count))
    console.print(tr("cli-task-items", items=", ".join(v.items), year=v.item_year))
    # values in words: 0.2% not 0.002, translated scope keys and kinds (issue 9 item 16)
    console.print(tr("cli-task-sample", sample=labels.sample_text(v.sample, tr),
                     scope=labels.scope_or_all(v.scope, tr)))
    console.print(tr("cli-task-window", start=v.window_start.isoformat(),
                     end=v.window_end.isoformat()))
    if v.needs_experts:
        console.print(tr("cli-task-experts", n=v.experts_per_team))
    if v.review_round:
        console.print(tr("cli-task-review-round", round=v.review_round))
        for line in v.reviews:
            console.print("  " + tr("cli-task-review-line", department=line.department,
                                    decision=tr(f"review-line-{line.decision}"),
                                    comment=line.comment or "-"))
    if v.deadlines.get("check_started"):
        console.print(tr("task-deadline-check_started", date=v.deadlines["check_started"]))
    if v.deadlines.get("results_due"):
        console.print(tr("cli-task-results-due", finished=v.deadlines["check_finished"],
                         due=v.deadlines["results_due"]))
    if v.next_actions:
        console.print(tr("cli-task-next", actions=labels.action_names(v.next_actions, tr,
                                                                with_codes=True)))


@task_app.command("create")
def task_create(
    *,
    entry: int = typer.Option(..., "--entry", help="the approved plan entry"),
    name: str = typer.Option(..., "--name"),
    lead: str = typer.Option(..., "--lead", help="lead department code"),
    departments: str = typer.Option(..., "--departments", help="all participating departments"),
    items: str = typer.Option(..., "--items"),
    start: str = typer.Option(..., "--from", help="inspection window start"),
    end: str = typer.Option(..., "--to", help="inspection window end"),
    teams: int = typer.Option(..., "--teams", help="number of teams"),
    members: str = typer.Option(..., "--members", help="per department per team: SCJG=2,SThJ=1"),
    sample: str = typer.Option(..., "--sample", help="per risk class: A=5%,B=0.03,D=40"),
    district: str | None = typer.Option(None, "--district"),
    industry: str | None = typer.Option(None, "--industry"),
    kind: str | None = typer.Option(None, "--kind"),
    risk: str | None = typer.Option(None, "--risk"),
    experts: int = typer.Option(0, "--experts", help="experts per team (0: none)"),
    code: str | None = typer.Option(None, "--code"),
    lang: str | None = LANG,
) -> None:
    """Create a draft joint task from an approved plan entry (建立抽查任务)."""
    settings, tr = command(lang)
    actor = operator(tr, settings)

    async def body() -> TaskView:
        spec = TaskSpec(
            plan_entry_id=entry, name=name, lead_department=lead,
            departments=codes(departments), items=codes(items), window_start=parse_day(start),
            window_end=parse_day(end), team_count=teams, members_per_team=parse_counts(members),
            sample=parse_sample(sample), scope=scope_of(district, industry, kind, risk),
            needs_experts=experts > 0, experts_per_team=experts, code=code)
        async with scope(settings) as request:
            return await (await request.get(TaskService)).create(spec, actor)

    view = execute(tr, body)
    console.print("[green]✓[/] " + tr("cli-task-created", code=view.code, id=view.id))
    print_task(tr, view)


def _one(tr: Translator, settings: Settings, ref: str,
         call: Callable[[TaskService, int], Coroutine[Any, Any, TaskView]]) -> TaskView:
    async def body() -> TaskView:
        async with scope(settings) as request:
            service = (await request.get(TaskService))
            return await call(service, await service.resolve(ref))

    return execute(tr, body)


@task_app.command("submit")
def task_submit(
    *, task: str = typer.Argument(..., help="task code or id"), lang: str | None = LANG) -> None:
    """Push the task to every participating department for review (推送会审)."""
    settings, tr = command(lang)
    actor = operator(tr, settings)
    view = _one(tr, settings, task, lambda s, i: s.submit(i, actor))
    console.print("[green]✓[/] " + tr("cli-task-submitted", code=view.code,
                                       round=view.review_round))
    print_task(tr, view)


@task_app.command("review")
def task_review(
    *,
    task: str = typer.Argument(...), decision: str = typer.Argument(..., help="approve|return"),
    department: str = typer.Option(..., "--department"),
    comment: str = typer.Option("", "--comment", help="required when returning"),
    lang: str | None = LANG,
) -> None:
    """One department's review: approve, or return with a comment (会审)."""
    settings, tr = command(lang)
    actor = operator(tr, settings)
    view = _one(tr, settings, task,
                lambda s, i: s.review(i, department, decision, comment, actor))  # type: ignore[arg-type]
    console.print("[green]✓[/] " + tr("cli-task-reviewed", code=view.code,
                                       department=department,
                                       decision=tr(f"review-decision-{decision}")))
    print_task(tr, view)


@task_app.command("reopen")
def task_reopen(
    *, task: str = typer.Argument(...), lang: str | None = LANG) -> None:
    """A returned task back to draft, to revise and resubmit (退回后修改)."""
    settings, tr = command(lang)
    actor = operator(tr, settings)
    view = _one(tr, settings, task, lambda s, i: s.reopen(i, actor))
    print_task(tr, view)


@task_app.command("revise")
def task_revise(
    *,
    task: str = typer.Argument(...),
    name: str | None = typer.Option(None, "--name"),
    start: str | None = typer.Option(None, "--from"), end: str | None = typer.Option(None, "--to"),
    teams: int | None = typer.Option(None, "--teams"),
    members: str | None = typer.Option(None, "--members"),
    sample: str | None = typer.Option(None, "--sample"),
    lang: str | None = LANG,
) -> None:
    """Change a draft or returned task before (re)submitting it (修改任务)."""
    settings, tr = command(lang)
    actor = operator(tr, settings)

    def changes() -> dict[str, Any]:
        out: dict[str, Any] = {}
        if name:
            out["name"] = name
        if start:
            out["window_start"] = parse_day(start)
        if end:
            out["window_end"] = parse_day(end)
        if teams is not None:
            out["team_count"] = teams
        if members:
            out["members_per_team"] = parse_counts(members)
        if sample:
            out["sample"] = parse_sample(sample)
        return out

    view = _one(tr, settings, task, lambda s, i: s.revise(i, changes(), actor))
    print_task(tr, view)


@task_app.command("show")
def task_show(
    *, task: str = typer.Argument(...), lang: str | None = LANG) -> None:
    """A task: scope, sample, teams, review round, deadlines (查看任务)."""
    settings, tr = command(lang)

    async def body() -> tuple[TaskView, Any, int]:
        async with scope(settings) as request:
            service = (await request.get(TaskService))
            view = await service.get(await service.resolve(task))
            draws = await request.get(DrawService)
            return view, await draws.teams(view.id), await draws.subjects_drawn(view.id)

    view, teams, drawn = execute(tr, body)
    print_task(tr, view)
    if drawn:
        console.print(tr("cli-task-subjects-drawn", n=drawn))
    print_teams(tr, teams)


@task_app.command("list")
def task_list(
    *, state: str | None = typer.Option(None, "--state"),
              department: str | None = typer.Option(None, "--department"),
              lang: str | None = LANG) -> None:
    """Tasks, newest first (任务列表)."""
    settings, tr = command(lang)

    views = with_tasks(tr, settings, lambda tasks: tasks.list_tasks(state, department))
    if not views:
        console.print(tr("cli-task-none"))
    for v in views:
        console.print(tr("cli-task-line", id=v.id, code=v.code, name=v.name,
                         state=state_name(tr, v.state), lead=v.lead_department,
                         start=v.window_start.isoformat(), end=v.window_end.isoformat()))


@task_app.command("pending")
def task_pending(
    *, department: str = typer.Argument(...), lang: str | None = LANG) -> None:
    """Tasks waiting for a department's review (待会审)."""
    settings, tr = command(lang)

    views = with_tasks(tr, settings, lambda tasks: tasks.pending_reviews(department))
    if not views:
        console.print(tr("cli-task-none-pending", department=department))
    for v in views:
        console.print(tr("cli-task-line", id=v.id, code=v.code, name=v.name,
                         state=state_name(tr, v.state), lead=v.lead_department,
                         start=v.window_start.isoformat(), end=v.window_end.isoformat()))


@task_app.command("advance")
def task_advance(
    *,
    task: str = typer.Argument(...),
    action: str = typer.Argument(..., help="start | finish | publish | archive"),
    finished_on: str | None = typer.Option(
        None, "--on", "--finished-on",
        help="with start / finish: the day (default today; inside the window, not in the "
             "future; see docs/task-dates.md)"),
    lang: str | None = LANG,
) -> None:
    """A manual step: start, finish (results due in 20 working days), publish, archive."""
    settings, tr = command(lang)
    actor = operator(tr, settings)
    if action not in MANUAL_ACTIONS and action not in ("submit", "approve", "return", "reopen",
                                                        "draw-subjects", "draw-inspectors",
                                                        "form-teams"):
        refuse(tr, ValidationFailed("task-unknown-action", action=action,
                                    allowed=", ".join(MANUAL_ACTIONS)))
    view = _one(tr, settings, task, lambda s, i: s.advance(
        i, action, actor, parse_day(finished_on) if finished_on else None))
    console.print("[green]✓[/] " + tr("cli-task-advanced", code=view.code,
                                       state=state_name(tr, view.state)))
    if view.deadlines.get("results_due_assumed_years") and action == "finish":
        err_console.print("[yellow]![/] " + tr(
            "cal-assumed-weekends",
            years=", ".join(map(str, view.deadlines["results_due_assumed_years"]))))
    print_task(tr, view)


# --------------------------------------------------------------------------- calendar


@calendar_app.command("due")
def calendar_due(
    *,
    day: str = typer.Argument(..., help="the day the check finished"),
    days: int | None = typer.Option(None, "--days", help="working days (default 20, Art. 16)"),
    lang: str | None = LANG,
) -> None:
    """The results deadline: N working days after the check finished (结果录入期限)."""
    settings, tr = command(lang)

    async def body() -> DueDate:
        async with scope(settings) as request:
            service = await request.get(CalendarService)
            if days is None:
                return await service.result_due_on(parse_day(day))
            return await service.add_working_days(parse_day(day), days)

    due = execute(tr, body)
    console.print(tr("cal-due", start=due.start.isoformat(), days=due.working_days,
                     due=due.due_on.isoformat(), weekday=tr(f"weekday-{due.due_on.weekday()}")))
    warn_assumed(tr, due)


@calendar_app.command("check")
def calendar_check(
    *, year: int = typer.Argument(...), lang: str | None = LANG) -> None:
    """What the calendar knows about a year: holidays and swapped working days (调休)."""
    settings, tr = command(lang)

    async def body() -> Any:
        async with scope(settings) as request:
            return await (await request.get(CalendarService)).year(year)

    status = execute(tr, body)
    console.print(tr(f"cal-source-{status.source}", year=year, source=status.imported_from))
    if status.source == "weekends-only":
        err_console.print("[yellow]![/] " + tr("cal-assumed-weekends", years=str(year)))
        return
    console.print(tr("cal-holidays", n=len(status.holidays)))
    for d in status.holidays:
        console.print(f"  {d.day.isoformat()} {tr(f'weekday-{d.day.weekday()}')} {d.name}")
    console.print(tr("cal-swapped", n=len(status.swapped_working_days)))
    for d in status.swapped_working_days:
        console.print(f"  {d.day.isoformat()} {tr(f'weekday-{d.day.weekday()}')} {d.name}")


@calendar_app.command("import")
def calendar_import(
    *,
    file: Annotated[Path, typer.Argument(help="holiday notice, CSV or JSON (docs/workflow.md)")],
    year: int | None = typer.Option(None, "--year"),
    lang: str | None = LANG,
) -> None:
    """Load the holiday notice of a year the calendar package does not know (导入放假安排)."""
    settings, tr = command(lang)
    actor = operator(tr, settings)

    async def body() -> Any:
        notice = parse_notice(file, year)
        async with scope(settings) as request:
            return await (await request.get(CalendarService)).import_notice(notice, actor)

    report = execute(tr, body)
    console.print("[green]✓[/] " + tr("cal-imported", year=report.year, holidays=report.holidays,
                                       swapped=report.swapped_working_days))


def register(app: typer.Typer) -> None:
    """Add the ``plan``, ``task`` and ``calendar`` commands."""
    app.add_typer(plan_app, name="plan")
    app.add_typer(task_app, name="task")
    app.add_typer(calendar_app, name="calendar")
