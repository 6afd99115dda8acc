"""``jointcheck publish``: publish a task's results (一公开) and the national export."""

from __future__ import annotations

from pathlib import Path

import typer

from cli.common import LANG, command, operator, plain_console, with_service
from services.actors import Actor
from services.errors import ValidationFailed
from services.national_export import FORMATS, build_records, load_mapping, write_export
from services.publication import PublicationService

OUTPUT = typer.Option(..., "-o", "--output", help="FILE.xlsx, FILE.csv or FILE.json")
MAPPING = typer.Option(None, "--mapping", help="an adjusted mapping file")
publish_app = typer.Typer(help="结果公示与导出 / publication and the national export",
                          no_args_is_help=True)


@publish_app.command("results")
def publish_results(
    task: str = typer.Argument(..., help="task code"),
    reason: str = typer.Option("", "--reason", help="why, for a correction of a published task"),
    actor: str = typer.Option("cli", "--actor", help="who publishes, without --as (the system)"),
    lang: str | None = LANG,
) -> None:
    """Publish the task's results once every subject has a final result (公示检查结果)."""
    settings, tr = command(lang)
    who = operator(tr, settings)  # --as ACCOUNT: the organiser or the lead department's admin
    if who.is_system:
        who = Actor.system(actor)

    async def call(pub: PublicationService) -> None:
        ann = await pub.publish(task, who, reason=reason)
        plain_console.print(tr("cli-publish-done", code=task, version=ann.version,
                               public=ann.columns["task_code"], rows=len(ann.rows),
                               url=f"{settings.public_base_url}/public/tasks/{task}/results"))

    with_service(tr, settings, PublicationService, call)


@publish_app.command("export")
def publish_export(
    task: str = typer.Argument(..., help="task code"),
    fmt: str = typer.Option("gsxt", "--format", help="gsxt (national system) or exchange"),
    out: Path = OUTPUT,
    mapping: Path | None = MAPPING,
    lang: str | None = LANG,
) -> None:
    """The published announcement in the national system's fields (导出)."""
    settings, tr = command(lang)

    async def call(pub: PublicationService) -> None:
        if fmt not in FORMATS:
            raise ValidationFailed("export-bad-format", format=fmt)
        fields = load_mapping(mapping)
        ann = await pub.announcement(task)
        if ann is None:
            raise ValidationFailed("export-not-published", code=task)
        records = build_records(ann, fmt, fields, settings.division_code)
        lines = write_export(records, fmt, fields, out)
        plain_console.print(tr("cli-export-done", code=task, path=str(out), lines=lines,
                               version=ann.version))

    with_service(tr, settings, PublicationService, call)


def register(app: typer.Typer) -> None:
    """Add the ``publish`` commands."""
    app.add_typer(publish_app, name="publish")
