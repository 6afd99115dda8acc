"""``jointcheck progress link``: a signed link to the Art. 22 progress pages (issue 12 item 5).

The link opens ``/progress`` (the city) or ``/progress/<department>`` on the web app until it
expires (``--days``, default ``JOINTCHECK_PROGRESS_LINK_DAYS``); the address starts with
``JOINTCHECK_PUBLIC_BASE_URL``. Anyone holding it sees the figures, so send it to the people of
the performance review only; changing ``JOINTCHECK_PROGRESS_LINK_SECRET`` (or deleting the
generated key file) voids every link given out.
"""

from __future__ import annotations

import datetime as dt

import typer
from dishka import AsyncContainer
from rich.markup import escape

from cli.common import LANG, command, in_scope, plain_console, plain_err_console, shanghai
from services.clock import Clock
from services.errors import NotFound
from services.progress import ProgressService
from services.progress_links import ProgressLinks

progress_app = typer.Typer(help="工作进度（第二十二条）/ progress figures (Art. 22)",
                           no_args_is_help=True)


def progress_url(base: str, token: str) -> str:
    """The page's address for a signed token ``scope.exp.sig``."""
    scope, exp, sig = token.split(".")
    path = "/progress" if scope == "city" else f"/progress/{scope}"
    return f"{base.rstrip('/')}{path}?sig={sig}&exp={exp}"


@progress_app.command("link")
def link(
    department: str | None = typer.Option(None, "--department", "-d",
                                          help="部门编码；省略为全市 / department code; "
                                               "none: the whole city"),
    days: int | None = typer.Option(None, "--days", min=1, max=366,
                                    help="有效天数 / days the link is valid"),
    lang: str | None = LANG,
) -> None:
    """打印进度页的签名链接 / print a signed link to the progress page."""
    settings, tr = command(lang)
    valid = dt.timedelta(days=days or settings.progress_link_days)

    async def call(request: AsyncContainer) -> tuple[str, dt.datetime]:
        if department is not None and not await (
                await request.get(ProgressService)).by_department(department):
            raise NotFound("cli-progress-no-department", code=department)
        until = (await request.get(Clock))() + valid
        return (await request.get(ProgressLinks)).sign(department, until), until

    token, until = in_scope(tr, settings, call)
    plain_err_console.print(escape(tr("cli-progress-link", scope=department or "city",
                                      until=shanghai(until))))
    plain_console.print(progress_url(settings.public_base_url, token))


def register(app: typer.Typer) -> None:
    """``jointcheck progress …``."""
    app.add_typer(progress_app, name="progress")
