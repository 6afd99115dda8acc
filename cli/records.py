"""``jointcheck records export`` and ``jointcheck referrals list``: a task's field work for the
archive (Art. 19) and its referrals and transfers (Art. 17).

Messages come from ``bot/locales/<lang>/records.ftl``; ``--lang en`` switches to English.
"""

from __future__ import annotations

from pathlib import Path

import typer
from dishka import AsyncContainer

from cli.common import LANG, command, in_scope
from cli.planning import console
from services import vocab
from services.archive import ArchiveReport, ArchiveService
from services.referrals import ReferralService, ReferralView
from services.tasks import TaskService

OUT = typer.Option(..., "-o", "--out", help="the archive directory to write")
records_app = typer.Typer(help="检查记录 / check records (Art. 15, 19)", no_args_is_help=True)
referrals_app = typer.Typer(help="告知与移送 / referrals and transfers (Art. 17)",
                            no_args_is_help=True)


@records_app.command("export")
def records_export(
    *, task: str = typer.Argument(..., help="task code or id"),
    out: Path = OUT,
    lang: str | None = LANG,
) -> None:
    """Every record (CSV), result, referral, on-site form (PDF) and evidence file of a task,
    with a manifest of SHA-256s (manifest.sha256, for ``sha256sum -c``)."""
    settings, tr = command(lang)

    async def call(request: AsyncContainer) -> ArchiveReport:
        task_id = await (await request.get(TaskService)).resolve(task)
        return await (await request.get(ArchiveService)).export(task_id, out)

    report = in_scope(tr, settings, call)
    console.print("[green]✓[/] " + tr("cli-records-exported", records=report.records,
                                      results=report.results, referrals=report.referrals,
                                      forms=report.forms, evidence=report.evidence,
                                      manifest=str(report.manifest)), markup=True)


@referrals_app.command("list")
def referrals_list(
    *, task: str = typer.Argument(..., help="task code or id"), lang: str | None = LANG,
) -> None:
    """Every referral and transfer of a task, oldest first."""
    settings, tr = command(lang)

    async def call(request: AsyncContainer) -> list[ReferralView]:
        task_id = await (await request.get(TaskService)).resolve(task)
        return await (await request.get(ReferralService)).for_task(task_id)

    rows = in_scope(tr, settings, call)
    if not rows:
        console.print(tr("cli-referrals-none", task=task))
        return
    language = tr.language
    for r in rows:
        kind = vocab.referral_kinds().labels([r.kind], language)[0]
        target = r.to_department_name or r.organ
        console.print(tr("cli-referral-line", id=r.id, kind=kind, subject=r.subject_name,
                         origin=r.from_department, target=target or "-",
                         state=tr(f"referral-state-{r.state}"), finding=r.finding,
                         document=r.document_no or "-",
                         on=r.transferred_on.isoformat() if r.transferred_on else "-",
                         by=r.created_by, ack=r.acknowledged_by or "-"), markup=False)


def register(app: typer.Typer) -> None:
    """Add the groups to the ``jointcheck`` command."""
    app.add_typer(records_app, name="records")
    app.add_typer(referrals_app, name="referrals")
