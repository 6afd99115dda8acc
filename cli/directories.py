"""CLI for the directories (Art. 7-10): import, export, demo data, departments, the item
catalogue's lock, and ``audit verify`` for the hash-chained audit trail."""

from __future__ import annotations

import getpass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from bot.i18n import Translator
from cli.common import console, database, err_console, operator, run, scope
from services.actors import Actor as Who
from services.clock import SHANGHAI, utc_now
from services.errors import DomainError

MAX_SHOWN_ERRORS = 50
MAX_SHOWN_CHANGES = 10


class DirectoryKind(StrEnum):
    """The directories a file can hold."""

    subjects = "subjects"
    inspectors = "inspectors"
    experts = "experts"
    items = "items"
    conflicts = "conflicts"
    inspections = "inspections"


KindArgument = Annotated[
    DirectoryKind,
    typer.Argument(help="subjects | inspectors | experts | items | conflicts | inspections"),
]
Lang = Annotated[str, typer.Option("--lang", help="zh_CN（默认）或 en")]
Actor = Annotated[str | None, typer.Option("--actor", help="审计记录中的操作人 / who (audit)")]
DepartmentOption = Annotated[
    str | None, typer.Option("--department", "-d", help="部门编码或名称，如 SCJG")
]
YearOption = Annotated[int | None, typer.Option("--year", help="抽查事项清单的年度（默认今年）")]


def _actor(actor: str | None) -> str:
    if actor:
        return actor
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def say(text: str, *, error: bool = False) -> None:
    """One message line, never hard-wrapped (officials copy them into tickets)."""
    (err_console if error else console).print(text, soft_wrap=True, highlight=False)


def _fail(tr: Translator, exc: DomainError) -> typer.Exit:
    # years and ids read better without digit grouping
    args = {k: str(v) if k in ("year", "id") else v for k, v in exc.args_map.items()}
    say(f"[red]✗[/] {tr(exc.key, **args)}", error=True)
    return typer.Exit(1)


def render_error(tr: Translator, error: Any) -> str:
    """The reason of one row error in the translator's language."""
    args = dict(error.args)
    if error.reason == "dir-err-enum":
        from services.directories.enums import ALL

        enum = next(e for e in ALL if e.name == args.get("enum"))
        args["allowed"] = enum.labels(tr.language)
    return tr(error.reason, **args)


async def _run_import(request: Any, tr: Translator) -> Any:
    from services.directories.importer import DirectoryImporter

    async with scope() as scoped:
        importer = await scoped.get(DirectoryImporter)
        with Progress(
            TextColumn("{task.description}"), BarColumn(),
            TextColumn("{task.percentage:>3.0f}%"), TimeElapsedColumn(),
            TimeRemainingColumn(), console=err_console, transient=True,
        ) as bar:
            task = bar.add_task(tr("dir-import-progress"), total=None)

            def progress(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total or None)

            return await importer.run(request, progress)


def _report(report: Any, tr: Translator, errors_out: Path | None) -> int:
    """Print an import report; write the error file; the exit code."""
    from services.directories.exporter import write_error_file

    say(tr("dir-import-file", name=report.file, format=report.format,
           encoding=report.encoding, rows=report.rows, sha=report.sha256[:16]))
    if report.ignored_columns:
        say(tr("dir-import-ignored", columns="、".join(report.ignored_columns)))
    if not report.ok:
        for error in report.errors[:MAX_SHOWN_ERRORS]:
            # values come from the file: shown escaped (cells.shown), never as rich markup
            say(escape(tr("dir-error-line", row=str(error.row), column=error.column,
                          value=error.value, reason=render_error(tr, error))))
        if report.error_count > MAX_SHOWN_ERRORS:
            say(tr("dir-import-more-errors", count=report.error_count - MAX_SHOWN_ERRORS))
        if errors_out is not None:
            marked = write_error_file(
                report.source, errors_out, report.header, report.errors,
                render=lambda e: f"{e.column}: {render_error(tr, e)}",
                error_header=tr("dir-error-column"),
            )
            say(tr("dir-import-errors-written", path=str(errors_out), rows=marked))
        failed = tr("dir-import-failed", bad_rows=report.bad_rows, errors=report.error_count)
        say(f"[red]✗[/] {failed}", error=True)
        return 1
    shown = [c for c in report.changes if c.action != "created" or report.dry_run]
    if shown:
        say(tr("dir-import-changes"))
        for change in shown[:MAX_SHOWN_CHANGES]:
            if change.action == "kept":
                stored, older = change.changes["inspected_on"]
                say("  " + tr("dir-change-kept", key=change.key, stored=stored, older=older))
                continue
            detail = "; ".join(f"{k}: {old!r} → {new!r}"
                               for k, (old, new) in change.changes.items())
            say(f"  {tr('dir-change-' + change.action)} {change.key} {detail}".rstrip())
    key = "dir-import-dry-run" if report.dry_run else "dir-import-done"
    say("[green]✓[/] " + tr(key, what=tr(f"dir-kind-{report.kind}"), created=report.created,
                             updated=report.updated, unchanged=report.unchanged,
                             deactivated=report.deactivated))
    if report.kept_newer:
        say(tr("dir-import-kept-newer", count=report.kept_newer))
    return 0


def import_command(
    kind: KindArgument,
    file: Annotated[Path, typer.Argument(help="CSV（UTF-8 或 GB18030）或 XLSX 文件")],
    *,
    department: DepartmentOption = None,
    year: YearOption = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只校验并报告变更，不写入")] = False,
    sync: Annotated[bool, typer.Option("--sync", help="停用文件中没有的记录（从不删除）")] = False,
    errors: Annotated[Path | None, typer.Option("--errors", help="写出带“错误”列的文件")] = None,
    yes: Annotated[
        bool, typer.Option("--yes", help="确认 --sync 停用大量记录 / confirm a large --sync")
    ] = False,
    lang: Lang = "zh_CN",
    actor: Actor = None,
) -> None:
    """导入名录 / import a directory file, all or nothing (exit 1 on any bad row)."""
    from bot.config import get_settings
    from services.directories.errors import check_year
    from services.directories.files import refuse_overwriting_input
    from services.directories.importer import ImportRequest

    tr = Translator(lang)
    settings = get_settings()
    who = operator(tr, settings)  # --as names an account: its department's rules apply
    request = ImportRequest(kind=kind.value, path=file, department=department, year=year,
                            dry_run=dry_run, sync=sync,
                            actor=Who.system(_actor(actor)) if who.is_system else who,
                            region=settings.coordinate_region,
                            sync_confirm_above=settings.sync_confirm_threshold, confirmed=yes)
    try:
        if year is not None:
            check_year(year)
        if errors is not None:
            # checked before anything runs: writing the error file would empty the input
            refuse_overwriting_input(file, errors)
        report = run(_run_import(request, tr))
    except DomainError as exc:
        raise _fail(tr, exc) from None
    raise typer.Exit(_report(report, tr, errors))


def export_command(
    kind: KindArgument,
    out: Annotated[Path, typer.Argument(help=".csv（UTF-8 带 BOM）或 .xlsx")],
    *,
    department: DepartmentOption = None,
    year: YearOption = None,
    lang: Lang = "zh_CN",
) -> None:
    """导出名录 / export a directory in the format import reads."""
    from services.directories.exporter import export_directory

    tr = Translator(lang)

    async def body() -> Any:
        async with database() as sessions, sessions() as session:
            return await export_directory(session, utc_now, kind.value, out,
                                          department=department, year=year)

    try:
        report = run(body())
    except DomainError as exc:
        raise _fail(tr, exc) from None
    what = tr(f"dir-kind-{kind.value}")
    say("[green]✓[/] " + tr("dir-export-done", what=what, rows=report.rows, path=str(out)))


def demo_data_command(
    *,
    subjects: Annotated[int, typer.Option("--subjects", help="市场主体数量")] = 2000,
    seed: Annotated[int, typer.Option("--seed", help="随机种子：同一种子，同样的数据")] = 20260302,
    departments_only: Annotated[
        bool, typer.Option("--departments-only", help="只建五个部门，名录用自己的文件导入")
    ] = False,
    lang: Lang = "zh_CN",
) -> None:
    """生成演示名录 / load realistic synthetic Ezhou directories (migrates first)."""
    from bot.config import get_settings
    from demo.data import load_demo_data, load_demo_departments
    from storage.migrate import upgrade

    tr = Translator(lang)
    upgrade(get_settings().database_url)
    if departments_only:

        async def departments() -> list[str]:
            async with database() as sessions, sessions() as session:
                return await load_demo_departments(session, utc_now)

        codes = run(departments())
        say("[green]✓[/] " + tr("dir-demo-departments", codes="、".join(codes)))
        return

    async def body() -> Any:
        async with database() as sessions, sessions() as session:
            with Progress(
                TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                TimeElapsedColumn(), console=err_console, transient=True,
            ) as bar:
                task = bar.add_task(tr("dir-demo-progress"), total=subjects)

                def progress(done: int, total: int) -> None:
                    bar.update(task, completed=done, total=total)

                return await load_demo_data(session, utc_now, subjects=subjects, seed=seed,
                                            progress=progress)

    s = run(body())
    if not s.loaded:
        say(tr("dir-demo-exists"))
    say("[green]✓[/] " + tr(
        "dir-demo-done", seed=str(s.seed), departments=s.departments, items=s.items,
        subjects=s.subjects, inspectors=s.inspectors, experts=s.experts,
        conflicts=s.conflicts, inspections=s.inspections,
    ))


audit_app = typer.Typer(help="审计 / audit trail", no_args_is_help=True)


CheckpointsOption = Annotated[
    Path | None,
    typer.Option("--checkpoints", help="签名检查点文件 / checkpoint file (default: setting)"),
]


@audit_app.command("verify")
def audit_verify(
    *,
    expect_head: Annotated[
        str | None,
        typer.Option("--expect-head", help="已公布的末端哈希 / a published head hash"),
    ] = None,
    checkpoints: CheckpointsOption = None,
    lang: Lang = "zh_CN",
) -> None:
    """校验审计链 / re-compute the hash chain and compare it with the last signed checkpoint
    (and ``--expect-head``): exit 0 intact, 1 broken, cut short, emptied or rewritten."""
    from bot.config import get_settings
    from services import audit_checkpoint as cp
    from services.audit import AuditTrail

    tr = Translator(lang)
    settings = get_settings()
    path = checkpoints or settings.audit_checkpoint_path

    async def body() -> tuple[Any, Any, bool | None]:
        async with database() as sessions, sessions() as session:
            report = await AuditTrail(session, utc_now).verify()
            result = None
            if path.exists():
                checkpoint = cp.last_checkpoint(path)
                cp.check_signature(checkpoint, cp.trusted_public_key(settings.audit_key_path))
                result = await cp.check(session, checkpoint)
            found = await cp.contains_head(session, expect_head) if expect_head else None
            return report, result, found

    try:
        report, result, found = run(body())
    except DomainError as exc:
        raise _fail(tr, exc) from None
    failed = False
    if not report.intact:
        first = report.breaks[0]
        reason = tr(f"dir-audit-reason-{first.reason}")
        say("[red]✗[/] " + tr("dir-audit-broken", id=str(first.event_id), reason=reason),
            error=True)
        failed = True
    if result is not None and result.problem is not None:
        say("[red]✗[/] " + tr(f"audit-checkpoint-{result.problem}",
                              length=str(result.checkpoint.length), at=result.checkpoint.at,
                              events=str(result.events), head=result.checkpoint.head[:16]),
            error=True)
        failed = True
    if found is False:
        say("[red]✗[/] " + tr("audit-expect-head-missing", head=str(expect_head)), error=True)
        failed = True
    if failed:
        raise typer.Exit(1)
    say("[green]✓[/] " + tr("dir-audit-intact", count=report.checked, head=report.head))
    if result is not None:
        say(tr("audit-checkpoint-matches", at=result.checkpoint.at,
               length=str(result.checkpoint.length)))
    else:
        say(tr("audit-checkpoint-none", path=str(path)))
    if found:
        say(tr("audit-expect-head-found", head=str(expect_head)))
    raise typer.Exit(0)


@audit_app.command("checkpoint")
def audit_checkpoint(*, checkpoints: CheckpointsOption = None, lang: Lang = "zh_CN") -> None:
    """签名检查点 / sign the chain's length and head now and append it to the checkpoint file
    (the key file stays outside the database: setting ``audit_key_path``)."""
    from bot.config import get_settings
    from services import audit_checkpoint as cp

    tr = Translator(lang)
    settings = get_settings()
    path = checkpoints or settings.audit_checkpoint_path

    async def body() -> Any:
        async with database() as sessions, sessions() as session:
            return await cp.write_checkpoint(session, utc_now, settings.audit_key_path, path)

    try:
        checkpoint = run(body())
    except DomainError as exc:
        raise _fail(tr, exc) from None
    say("[green]✓[/] " + tr("audit-checkpoint-written", length=str(checkpoint.length),
                             head=checkpoint.head, at=checkpoint.at, path=str(path)))


items_app = typer.Typer(help="抽查事项清单 / item catalogue", no_args_is_help=True)


@items_app.command("lock")
def items_lock(
    *,
    year: Annotated[int, typer.Option("--year", help="年度")],
    lang: Lang = "zh_CN",
    actor: Actor = None,
) -> None:
    """锁定年度清单 / lock a year's catalogue: no import may change it afterwards (Art. 7)."""
    from services.directories.catalogue import lock_catalogue

    tr = Translator(lang)

    async def body() -> Any:
        async with database() as sessions, sessions() as session:
            return await lock_catalogue(session, utc_now, year, actor=_actor(actor))

    try:
        status = run(body())
    except DomainError as exc:
        raise _fail(tr, exc) from None
    say("[green]✓[/] " + tr("dir-lock-done", year=str(year), items=status.items))


@items_app.command("status")
def items_status(
    *, year: Annotated[int, typer.Option("--year", help="年度")], lang: Lang = "zh_CN",
) -> None:
    """年度清单状态 / how many items a year has and whether it is locked."""
    from services.directories.catalogue import catalogue_status

    tr = Translator(lang)

    async def body() -> Any:
        async with database() as sessions, sessions() as session:
            return await catalogue_status(session, year)

    status = run(body())
    locked_at = (status.locked_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
                 if status.locked_at else "")
    say(tr("dir-catalogue-status", year=str(year), items=status.items,
           locked="yes" if status.locked_at else "no", locked_by=status.locked_by or "",
           locked_at=locked_at))


departments_app = typer.Typer(help="部门 / departments", invoke_without_command=True)


@departments_app.callback()
def departments_list(ctx: typer.Context, *, lang: Lang = "zh_CN") -> None:
    """列出部门 / list the departments with the size of their directories."""
    if ctx.invoked_subcommand is not None:
        return
    from services.directories.catalogue import list_departments

    tr = Translator(lang)

    async def body() -> Any:
        async with database() as sessions, sessions() as session:
            return await list_departments(session)

    rows = run(body())
    if not rows:
        say(tr("dir-departments-none"))
        return
    table = Table(title=tr("dir-departments-title"))
    for key in ("dir-col-code", "dir-col-name", "dir-col-name-en", "dir-col-subjects",
                "dir-col-inspectors"):
        table.add_column(tr(key))
    for d in rows:
        table.add_row(d.code, d.name_zh, d.name_en, str(d.subjects), str(d.inspectors))
    console.print(table)


@departments_app.command("add")
def departments_add(
    code: Annotated[str, typer.Argument(help="编码，如 SCJG")],
    name: Annotated[str, typer.Argument(help="中文名称，如 鄂州市市场监督管理局")],
    *,
    name_en: Annotated[str, typer.Option("--en", help="英文名称")] = "",
    lang: Lang = "zh_CN",
    actor: Actor = None,
) -> None:
    """添加或改名部门 / add a department (or rename one)."""
    from services.directories.catalogue import add_department

    tr = Translator(lang)

    async def body() -> Any:
        async with database() as sessions, sessions() as session:
            return await add_department(session, utc_now, code=code, name_zh=name,
                                        name_en=name_en, actor=_actor(actor))

    try:
        view = run(body())
    except DomainError as exc:
        raise _fail(tr, exc) from None
    say("[green]✓[/] " + tr("dir-department-saved", code=view.code, name=view.name_zh))


def register(app: typer.Typer) -> None:
    """Add the directories' commands: import, export, demo-data, departments, items, audit."""
    app.command("import")(import_command)
    app.command("export")(export_command)
    app.command("demo-data")(demo_data_command)
    app.add_typer(audit_app, name="audit")
    app.add_typer(items_app, name="items")
    app.add_typer(departments_app, name="departments")
