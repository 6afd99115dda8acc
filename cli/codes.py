"""``jointcheck codes``: issue an inspection code for an operator, check one offline."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer

from cli.common import LANG, command, execute, operator, plain_console, shanghai, with_service
from services.inspection_codes import (
    InspectionCodeService,
    TokenInvalid,
    code_url,
    decode,
    keys_from_file,
    load_signer,
    qr_png,
    time_status,
)

PNG = typer.Option(None, "--png", help="also write the QR code here")
KEY = typer.Option(None, "--key", help="/c/keys.json saved to a file, or a PEM key; "
                   "default: this installation's key")
codes_app = typer.Typer(help="检查码（亮码入企）/ inspection codes", no_args_is_help=True)


@codes_app.command("issue")
def issue(
    task: str = typer.Option(..., "--task", help="task code"),
    subject: str = typer.Option(..., "--subject", help="the subject's USCC"),
    inspector: int = typer.Option(..., "--inspector", help="the inspector's id"),
    png: Path | None = PNG,
    lang: str | None = LANG,
) -> None:
    """A code for the scheduled visit of SUBJECT in TASK (the fixed schedule's stop)."""
    settings, tr = command(lang)
    actor = operator(tr, settings)

    async def call(codes: InspectionCodeService) -> str:
        issued = await codes.issue(task, subject, inspector, actor)
        url = code_url(settings.public_base_url, issued.token)
        plain_console.print(tr("cli-codes-issued", id=issued.payload.nonce,
                               name=issued.subject_name,
                               **{"from": shanghai(issued.payload.not_before)},
                               until=shanghai(issued.payload.expires_at)))
        plain_console.print(url, soft_wrap=True)
        return url

    url = with_service(tr, settings, InspectionCodeService, call)
    if png is not None:
        png.write_bytes(qr_png(url))


@codes_app.command("verify")
def verify(
    token: str = typer.Argument(..., help="the token (the part after /c/) or the whole URL"),
    key: Path | None = KEY,
    lang: str | None = LANG,
) -> None:
    """Check a code's signature and times offline (no database, no network)."""
    settings, tr = command(lang)
    text = token.strip().rsplit("/c/", 1)[-1].split("?", 1)[0]

    async def body() -> None:
        if key is not None:
            keys = keys_from_file(key)
        else:
            secret = settings.code_signing_key
            keys = load_signer(secret.get_secret_value() if secret else None,
                               settings.code_key_path).keys
        try:
            payload = decode(text, keys)
        except TokenInvalid as exc:
            plain_console.print(tr("cli-codes-bad", reason=str(exc)))
            raise typer.Exit(2) from None
        status = time_status(payload, dt.datetime.now(dt.UTC))
        plain_console.print(tr(
            "cli-codes-verify", kid=payload.kid, id=payload.nonce, task=payload.task_code,
            uscc=payload.uscc, inspectors=", ".join(map(str, payload.inspector_ids)),
            until=shanghai(payload.expires_at), status=tr(f"codes-status-{status.value}"),
            **{"from": shanghai(payload.not_before)}))

    execute(tr, body)


def register(app: typer.Typer) -> None:
    """Add the ``codes`` commands."""
    app.add_typer(codes_app, name="codes")
