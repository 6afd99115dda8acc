"""``jointcheck progress link|links|revoke``: signed links to the Art. 22 progress pages
(issue 12 item 5).

A link opens ``/progress`` (the city) or ``/progress/<department>`` on the web app until it
expires (``--days``, default ``JOINTCHECK_PROGRESS_LINK_DAYS``); the address starts with
``JOINTCHECK_PUBLIC_BASE_URL``. Anyone holding it sees the figures, so send it to the people of
the performance review only. Every link printed is kept (who printed it, ``--for`` whom, until
when, when it was last opened) and audited; ``progress revoke ID`` closes one link, changing
``JOINTCHECK_PROGRESS_LINK_SECRET`` (or deleting the generated key file) every link at once. The
commands act as ``--as ACCOUNT``: a department's admin for its page, the organiser for any.
"""

from __future__ import annotations

import datetime as dt

import typer
from dishka import AsyncContainer
from rich.markup import escape

from cli.common import (
    LANG,
    command,
    in_scope,
    operator,
    plain_console,
    plain_err_console,
    shanghai,
    with_service,
)
from services.clock import Clock
from services.progress_links import LinkView, ProgressLinkService

progress_app = typer.Typer(help="工作进度（第二十二条）/ progress figures (Art. 22)",
                           no_args_is_help=True)


def progress_url(base: str, token: str) -> str:
    """The page's address for a signed token ``scope.exp.id.sig``."""
    scope, exp, link_id, sig = token.split(".")
    path = "/progress" if scope == "city" else f"/progress/{scope}"
    return f"{base.rstrip('/')}{path}?link={link_id}&exp={exp}&sig={sig}"


@progress_app.command("link")
def link(
    department: str | None = typer.Option(None, "--department", "-d",
                                          help="部门编码；省略为全市 / department code; "
                                               "none: the whole city"),
    days: int | None = typer.Option(None, "--days", min=1, max=366,
                                    help="有效天数 / days the link is valid"),
    recipient: str = typer.Option("", "--for",
                                  help="发给谁（记入清单）/ whom it is for (listed)"),
    lang: str | None = LANG,
) -> None:
    """打印进度页的签名链接 / print a signed link to the progress page."""
    settings, tr = command(lang)
    actor = operator(tr, settings)
    valid = dt.timedelta(days=days or settings.progress_link_days)

    async def call(request: AsyncContainer) -> tuple[LinkView, str]:
        return await (await request.get(ProgressLinkService)).issue(
            actor, department, valid, recipient)

    view, token = in_scope(tr, settings, call)
    plain_err_console.print(escape(tr("cli-progress-link", scope=view.scope,
                                      until=shanghai(view.expires_at))))
    plain_err_console.print(escape(tr("cli-progress-link-id", id=view.id)))
    plain_console.print(progress_url(settings.public_base_url, token))


@progress_app.command("links")
def list_links(
    department: str | None = typer.Option(None, "--department", "-d",
                                          help="部门编码，或 city / department code, or city"),
    lang: str | None = LANG,
) -> None:
    """列出签发过的进度页链接（不含链接本身）/ list the links issued (never the links)."""
    settings, tr = command(lang)

    async def call(request: AsyncContainer) -> tuple[list[LinkView], dt.datetime]:
        return (await (await request.get(ProgressLinkService)).list_links(department),
                (await request.get(Clock))())

    views, now = in_scope(tr, settings, call)
    if not views:
        plain_console.print(tr("cli-progress-links-none"))
    for v in views:
        if v.revoked_at is not None:
            state = tr("cli-progress-link-revoked", at=shanghai(v.revoked_at), by=v.revoked_by)
        else:
            state = tr("cli-progress-link-open" if v.open_at(now) else "cli-progress-link-expired")
        plain_console.print(escape(tr(
            "cli-progress-links-line", id=v.id, scope=v.scope, recipient=v.recipient or "-",
            issued=shanghai(v.issued_at), by=v.issued_by, until=shanghai(v.expires_at),
            opened=shanghai(v.opened_at), state=state)))


@progress_app.command("revoke")
def revoke(
    link_id: int = typer.Argument(..., help="链接编号 / link id (from progress links)"),
    lang: str | None = LANG,
) -> None:
    """吊销一个进度页链接 / revoke one progress page link."""
    settings, tr = command(lang)
    actor = operator(tr, settings)

    async def call(links: ProgressLinkService) -> LinkView:
        return await links.revoke(actor, link_id)

    view = with_service(tr, settings, ProgressLinkService, call)
    plain_console.print(escape(tr("cli-progress-link-revoked-done", id=view.id,
                                  scope=view.scope)))


def register(app: typer.Typer) -> None:
    """``jointcheck progress …``."""
    app.add_typer(progress_app, name="progress")
