"""``jointcheck draw …``: commit, complete, show, bundle, verify, withdraw (Art. 13, 14).

A draw is committed first (its manifest and SHA-256 published, the entropy source declared),
then completed with the entropy evidence. The bundle re-computes with
``python verifier/verify_draw.py BUNDLE`` or ``jointcheck draw verify BUNDLE``. With
``--drand-relay`` the drand chain info and round come from the configured relays
(``JOINTCHECK_DRAND_RELAYS``) instead of files; a relay is only a transport.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.markup import escape

from bot.config import Settings
from bot.i18n import Translator
from cli.common import (
    LANG,
    application,
    codes,
    command,
    execute,
    now,
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
from services.clock import SHANGHAI
from services.drand_relay import QUICKNET, DrandRelays, Fetched
from services.draws import (
    DrawService,
    DrawView,
    TeamView,
    drand_source,
    operator_secret_source,
    witnessed_source,
)
from services.errors import DomainError, ValidationFailed
from services.tasks import TaskService
from services.vocabulary import DrawStatus
from verifier import verify_draw

T = TypeVar("T")
draw_app = typer.Typer(help="摇号 / verifiable draws (Art. 13, 14)", no_args_is_help=True)
KINDS = ("subjects", "inspectors", "experts", "matching")

DRAND_OPT = typer.Option(None, "--drand", help="drand chain info JSON (a relay's /info, or "
                                               "the testdata file): declare a future round")
ROUND_OPT = typer.Option(None, "--round", help="the drand round (default: the first after "
                                               "a minute from now)")
WITNESSED_OPT = typer.Option(None, "--witnessed", help="what will be drawn in public, e.g. "
                                                       "福彩3D 第2026058期 / dice")
DRAND_RELAY_OPT = typer.Option(False, "--drand-relay",
                               help="fetch the drand quicknet chain info from the relays "
                                    "(JOINTCHECK_DRAND_RELAYS) instead of --drand FILE")
RELAY_OPT = typer.Option("--relay", help="a drand relay URL for this call only "
                                         "(repeat; replaces JOINTCHECK_DRAND_RELAYS)")
COUNT_OPT = typer.Option(0, "--count", help="how many witnessed numbers")
SECRET_SHA_OPT = typer.Option(None, "--secret-sha256", help="SHA-256 of an operator secret "
                                                            "(weakest source)")
SECRET_FILE_OPT = typer.Option(None, "--secret-file", help="commit the SHA-256 of this file's "
                                                           "text (weakest source)")


def with_draws(tr: Translator, settings: Settings,
               call: Callable[[DrawService], Awaitable[T]]) -> T:
    """``call`` on the draw service, in one command scope."""
    return with_service(tr, settings, DrawService, call)


async def from_relays(tr: Translator, fetching: Awaitable[Fetched]) -> Fetched:
    """Await a relay fetch; say which relay answered and which were skipped, and why."""
    try:
        fetched = await fetching
    except DomainError as err:
        err.args_map = _printable(err.args_map)
        raise
    for skipped in fetched.skipped:
        reason = tr(skipped.skipped_key or skipped.key, **_printable(skipped.args_map))
        err_console.print("[yellow]![/] " + tr("cli-draw-relay-skipped", reason=reason))
    console.print(tr("cli-draw-relay-used", relay=fetched.relay))
    return fetched


def _printable(args: Mapping[str, Any]) -> dict[str, Any]:
    """A relay error's arguments for the console: instants in Asia/Shanghai, to the second
    (quicknet publishes every 3 s); text from a relay escaped so that it is not rich markup."""
    out: dict[str, Any] = {}
    for name, value in args.items():
        shown = value
        if isinstance(value, dt.datetime):
            shown = value.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S")
        out[name] = escape(shown) if isinstance(shown, str) else shown
    return out


async def declared_source(tr: Translator, *, drand_relays: DrandRelays | None,
                          override: list[str] | None, drand: Path | None,
                          round_number: int | None, witnessed: str | None, count: int,
                          secret_sha256: str | None, secret_file: Path | None
                          ) -> dict[str, Any]:
    """``entropy_source``, or with ``--drand-relay`` a round of the chain a relay describes."""
    if drand_relays is None:
        return entropy_source(drand=drand, round_number=round_number, witnessed=witnessed,
                              count=count, secret_sha256=secret_sha256, secret_file=secret_file)
    if drand or witnessed or secret_sha256 or secret_file:
        raise ValidationFailed("cli-draw-one-source-or-relay")
    fetched = await from_relays(tr, drand_relays.chain_info(QUICKNET, override))
    return drand_source(fetched.data, now(), round_number)


def entropy_source(*, drand: Path | None, round_number: int | None, witnessed: str | None,
                   count: int, secret_sha256: str | None, secret_file: Path | None
                   ) -> dict[str, Any]:
    """The one entropy source the options declare."""
    chosen = [x for x in (drand, witnessed, secret_sha256, secret_file) if x]
    if len(chosen) != 1:
        raise ValidationFailed("cli-draw-one-source-or-relay")
    if drand:
        try:
            chain = json.loads(drand.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ValidationFailed("draw-bad-drand-chain", reason=str(exc)) from exc
        return drand_source(chain, now(), round_number)
    if witnessed:
        return witnessed_source(witnessed, count)
    if secret_file:
        secret = _read_secret(secret_file)
        return operator_secret_source(hashlib.sha256(secret.encode("utf-8")).hexdigest())
    return operator_secret_source(str(secret_sha256))


def _read_secret(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ValidationFailed("cli-unreadable", path=str(path)) from exc


def print_draw(tr: Translator, d: DrawView) -> None:
    """A draw: what, whose, its commitment, its source, its figures."""
    console.print(tr("cli-draw-heading", id=d.id, kind=tr(f"draw-kind-{d.kind}"),
                     task=d.task_code, department=d.department or "-",
                     status=tr(f"draw-status-{d.status}")))
    console.print(tr("cli-draw-commitment", sha=d.commitment))
    console.print(tr("cli-draw-committed-at", at=shanghai(d.committed_at)))
    source = d.entropy_source
    console.print(tr(f"cli-draw-source-{source.get('type')}", round=source.get("round", ""),
                     description=source.get("description", ""), count=source.get("count", 0),
                     sha=source.get("sha256", "")))
    if source.get("type") == "operator-secret":
        err_console.print("[yellow]![/] " + tr("cli-draw-weakest"))
    if d.reason:
        console.print(tr("cli-draw-reason", reason=d.reason))
    summary = d.summary
    if "pool" in summary:
        # figures in words, not JSON with English keys (issue 9 item 16)
        console.print(tr("cli-draw-summary", pool=labels.counts_text(summary["pool"], tr),
                         excluded=labels.counts_text(summary.get("excluded", {}), tr)))
    if "allocation" in summary:
        console.print(tr("cli-draw-allocation",
                         allocation=labels.counts_text(summary["allocation"], tr)))
    if "forbidden" in summary:
        console.print(tr("cli-draw-forbidden", n=summary["forbidden"],
                         conflicts=summary.get("conflicts", 0),
                         recent=summary.get("recent_pairings", 0)))
    if d.completed_at:
        console.print(tr("cli-draw-completed-at", at=shanghai(d.completed_at)))
    if "drawn" in summary:
        drawn = summary["drawn"]
        if isinstance(drawn, dict) and set(drawn) == {"selected"}:  # subjects per risk class
            text = labels.counts_text(drawn["selected"], tr)
        else:
            text = json.dumps(drawn, ensure_ascii=False)
        console.print(tr("cli-draw-drawn", drawn=text))
    if d.status == DrawStatus.COMMITTED:
        console.print(tr("cli-draw-next-complete", id=d.id))


@draw_app.command("commit")
def draw_commit(
    *,
    task: str = typer.Argument(..., help="task code or id"),
    kind: str = typer.Argument(..., help="subjects | inspectors | experts | matching"),
    department: str | None = typer.Option(None, "--department", help="for inspectors"),
    drand: Path | None = DRAND_OPT, drand_relay: bool = DRAND_RELAY_OPT,
    relay: Annotated[list[str] | None, RELAY_OPT] = None, round_number: int | None = ROUND_OPT,
    witnessed: str | None = WITNESSED_OPT, count: int = COUNT_OPT,
    secret_sha256: str | None = SECRET_SHA_OPT, secret_file: Path | None = SECRET_FILE_OPT,
    lang: str | None = LANG,
) -> None:
    """Freeze a draw's inputs and publish its commitment, before the entropy exists (承诺)."""
    settings, tr = command(lang)
    actor = operator(tr, settings)
    if kind not in KINDS:
        refuse(tr, ValidationFailed("cli-draw-bad-kind", kind=kind, kinds=", ".join(KINDS)))

    async def body() -> DrawView:
        async with application(settings) as app:
            source = await declared_source(
                tr, drand_relays=await app.get(DrandRelays) if drand_relay else None,
                override=relay, drand=drand, round_number=round_number, witnessed=witnessed,
                count=count, secret_sha256=secret_sha256, secret_file=secret_file)
            async with app() as request:
                task_id = await (await request.get(TaskService)).resolve(task)
                draws = await request.get(DrawService)
                if kind == "subjects":
                    return await draws.commit_subjects(task_id, source, actor)
                if kind == "inspectors":
                    if not department:
                        raise ValidationFailed("cli-draw-needs-department")
                    return await draws.commit_inspectors(task_id, department, source, actor)
                if kind == "experts":
                    return await draws.commit_experts(task_id, source, actor)
                return await draws.commit_matching(task_id, source, actor)

    view = execute(tr, body)
    console.print("[green]✓[/] " + tr("cli-draw-committed", id=view.id))
    print_draw(tr, view)


def evidence_of(draw: DrawView, *, secret: str | None, secret_file: Path | None,
                values: str | None, witnesses: list[str], drand_round: Path | None,
                relay_round: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The entropy evidence the options give, for the draw's declared source.

    ``relay_round`` is the round as a relay returned it (``--drand-relay``).
    """
    kind = draw.entropy_source.get("type")
    if kind == "operator-secret":
        if secret_file:
            secret = _read_secret(secret_file)
        if not secret:
            raise ValidationFailed("cli-draw-needs-evidence", kind=str(kind),
                                   options="--secret / --secret-file")
        return {"type": "operator-secret", "secret": secret}
    if kind == "witnessed":
        if not values:
            raise ValidationFailed("cli-draw-needs-evidence", kind=str(kind),
                                   options="--values 3,7,1 --witness 张三 --witness 李四")
        return {"type": "witnessed", "values": list(codes(values)), "witnesses": witnesses}
    if relay_round is not None:
        return verify_draw.drand_evidence(dict(relay_round))
    if not drand_round:
        raise ValidationFailed("cli-draw-needs-evidence", kind=str(kind),
                               options="--drand-round ROUND.json / --drand-relay")
    try:
        return verify_draw.drand_evidence(drand_round.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValidationFailed("cli-unreadable", path=str(drand_round)) from exc


@draw_app.command("complete")
def draw_complete(
    *,
    draw: int = typer.Argument(...),
    secret: str | None = typer.Option(None, "--secret"),
    secret_file: Annotated[Path | None, typer.Option("--secret-file")] = None,
    values: str | None = typer.Option(None, "--values", help="witnessed numbers: 3,7,1"),
    witnesses: Annotated[
        list[str] | None, typer.Option("--witness", help="a witness's name (repeat)")
    ] = None,
    drand_round: Annotated[Path | None, typer.Option("--drand-round",
                                            help="the round's JSON from a drand relay")] = None,
    drand_relay: Annotated[bool, typer.Option(
        "--drand-relay", help="fetch the declared drand round from the relays "
                              "(JOINTCHECK_DRAND_RELAYS)")] = False,
    relay: Annotated[list[str] | None, RELAY_OPT] = None,
    lang: str | None = LANG,
) -> None:
    """Give the entropy evidence and run the draw; writes what was drawn (摇号)."""
    settings, tr = command(lang)
    actor = operator(tr, settings)

    async def body() -> DrawView:
        if drand_relay and drand_round:
            raise ValidationFailed("cli-draw-round-file-or-relay")
        async with application(settings) as app:
            async with app() as request:
                current = await (await request.get(DrawService)).get(draw)
            relay_round = None
            source = current.entropy_source
            if drand_relay and source.get("type") == "drand":
                # no session is held while the relays answer (up to the timeout each)
                relays = await app.get(DrandRelays)
                fetched = await from_relays(tr, relays.round(
                    str(source.get("chain_hash")), int(source["round"]), relay))
                relay_round = fetched.data
            evidence = evidence_of(current, secret=secret, secret_file=secret_file,
                                   values=values, witnesses=witnesses or [],
                                   drand_round=drand_round, relay_round=relay_round)
            async with app() as request:
                return await (await request.get(DrawService)).complete(draw, evidence, actor)

    view = execute(tr, body)
    console.print("[green]✓[/] " + tr("cli-draw-completed", id=view.id))
    print_draw(tr, view)


@draw_app.command("show")
def draw_show(
    *, draw: int = typer.Argument(...), lang: str | None = LANG) -> None:
    """A draw: commitment, entropy source, pool and exclusions, what was drawn (查看摇号)."""
    settings, tr = command(lang)

    async def body() -> tuple[DrawView, list[TeamView]]:
        async with scope(settings) as request:
            draws = await request.get(DrawService)
            view = await draws.get(draw)
            teams = await draws.teams(view.task_id) if view.kind != "subjects" else []
            return view, teams

    view, teams = execute(tr, body)
    print_draw(tr, view)
    print_teams(tr, teams)


@draw_app.command("list")
def draw_list(
    *, task: str = typer.Argument(...), lang: str | None = LANG) -> None:
    """Every draw of a task (任务的摇号记录)."""
    settings, tr = command(lang)

    async def body() -> list[DrawView]:
        async with scope(settings) as request:
            task_id = await (await request.get(TaskService)).resolve(task)
            return await (await request.get(DrawService)).for_task(task_id)

    views = execute(tr, body)
    if not views:
        console.print(tr("cli-draw-none"))
    for view in views:
        console.print(tr("cli-draw-line", id=view.id, kind=tr(f"draw-kind-{view.kind}"),
                         department=view.department or "-",
                         status=tr(f"draw-status-{view.status}"),
                         sha=view.commitment[:16]))


@draw_app.command("bundle")
def draw_bundle(
    *, draw: int = typer.Argument(...),
                output: Annotated[Path, typer.Option("-o", "--output")],
                lang: str | None = LANG) -> None:
    """Write the public bundle (manifest, entropy evidence, result) (导出核验包)."""
    settings, tr = command(lang)

    data = with_draws(tr, settings, lambda draws: draws.bundle_bytes(draw))
    output.write_bytes(data)
    console.print("[green]✓[/] " + tr("cli-draw-bundle-written", path=str(output),
                                       size=len(data)))
    console.print(tr("cli-draw-bundle-how"))


@draw_app.command("verify")
def draw_verify(
    *, bundle: Annotated[Path, typer.Argument()], lang: str | None = LANG) -> None:
    """Re-compute a bundle with the standalone verifier's code; exit 1 when it differs (核验)."""
    tr = translator(lang)
    try:
        data = verify_draw.parse_json(bundle.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        err_console.print(f"[red]✗[/] {tr('cli-unreadable', path=str(bundle))} ({exc})")
        raise typer.Exit(1) from exc
    report = verify_draw.verify_bundle(data)
    for note in report.notes:
        console.print(tr("cli-verify-note", note=note))
    for check in report.checks:
        console.print(tr("cli-verify-ok", check=check))
    for difference in report.differences:
        console.print(tr("cli-verify-differs", difference=difference))
    if report.ok:
        console.print("[green]✓[/] " + tr("cli-verify-match"))
        return
    err_console.print("[red]✗[/] " + tr("cli-verify-mismatch", n=len(report.differences)))
    raise typer.Exit(1)


@draw_app.command("withdraw")
def draw_withdraw(
    *,
    task: str = typer.Argument(...),
    inspector: int = typer.Option(..., "--inspector", help="the drawn inspector's id"),
    reason: str = typer.Option(..., "--reason", help="illness, a conflict declared late, ..."),
    drand: Path | None = DRAND_OPT, drand_relay: bool = DRAND_RELAY_OPT,
    relay: Annotated[list[str] | None, RELAY_OPT] = None, round_number: int | None = ROUND_OPT,
    witnessed: str | None = WITNESSED_OPT, count: int = COUNT_OPT,
    secret_sha256: str | None = SECRET_SHA_OPT, secret_file: Path | None = SECRET_FILE_OPT,
    lang: str | None = LANG,
) -> None:
    """A drawn inspector withdraws: commit a replacement draw for that person only (替补)."""
    settings, tr = command(lang)
    actor = operator(tr, settings)

    async def body() -> DrawView:
        async with application(settings) as app:
            source = await declared_source(
                tr, drand_relays=await app.get(DrandRelays) if drand_relay else None,
                override=relay, drand=drand, round_number=round_number, witnessed=witnessed,
                count=count, secret_sha256=secret_sha256, secret_file=secret_file)
            async with app() as request:
                task_id = await (await request.get(TaskService)).resolve(task)
                return await (await request.get(DrawService)).withdraw(
                    task_id, inspector, reason, source, actor)

    view = execute(tr, body)
    console.print("[green]✓[/] " + tr("cli-draw-committed", id=view.id))
    print_draw(tr, view)


def register(app: typer.Typer) -> None:
    """Add the ``draw`` commands."""
    app.add_typer(draw_app, name="draw")
