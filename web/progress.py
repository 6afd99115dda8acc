"""The progress pages of Art. 22 (issue 12 item 5; docs/notifications.md).

``GET /progress`` (the city: every department and the total) and ``GET /progress/{department}``
show the figures of ``ProgressService`` as a table, the chart (an inline PNG, the same drawing as
the bot's ``/progress``) and CSV/XLSX downloads (``?format=csv|xlsx``; every cell through
``neutral_cell``, the CSV with a UTF-8 BOM so Excel reads the Chinese names).

Access is one of two ways, decided before anything is read:

- a signed link ``?link=…&exp=…&sig=…`` (``jointcheck progress link``): the HMAC covers the
  page's scope (the department code, or ``city``), the expiry and the link's id, and the link's
  row must be unrevoked (``ProgressLinkService.opens``), so another department's page, a
  changed expiry, id or signature, an expired or a revoked link is refused;
- ``Authorization: Bearer jct_…``, an admin API token with scope ``read``: its own department's
  page only; the city page is refused to every token (a token is one department's; the city's
  figures go out as a signed link).

A refusal is a 403 page in the reader's language saying only that the link is not valid. Every
response is ``Cache-Control: private, no-store`` with ``Referrer-Policy: no-referrer`` (the
signature is in the address and must not leave in a Referer header).
"""

from __future__ import annotations

import asyncio
import base64
import csv
import io
from collections.abc import Sequence

from dishka.integrations.fastapi import FromDishka, inject
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from handlers.i18n import Translator
from openpyxl import Workbook
from services.api_tokens import ApiTokenService
from services.errors import DomainError
from services.progress import DepartmentProgress, ProgressService
from services.progress_chart import progress_png
from services.progress_links import CITY, ProgressLinkService, neutral_cell

from web.public import PUBLIC_POLICY, page_language, render

NO_STORE = "private, no-store"
COLUMNS = (("progress-web-department", "name"), ("progress-tasks", "tasks"),
           ("progress-drawn", "subjects_drawn"), ("progress-visited", "visited"),
           ("progress-with-result", "with_result"), ("progress-web-on-time", "on_time"),
           ("progress-web-late", "late"), ("progress-web-referrals", "referrals_open"))
FIGURES = tuple(field for _, field in COLUMNS[1:])
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_SIG = 100


def _guard(response: Response) -> Response:
    response.headers["Cache-Control"] = NO_STORE
    response.headers["Content-Security-Policy"] = PUBLIC_POLICY
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    return response


def total_row(rows: Sequence[DepartmentProgress], label: str) -> DepartmentProgress:
    """The city's sum of every figure."""
    sums = {field: sum(getattr(r, field) or 0 for r in rows) for field in FIGURES}
    return DepartmentProgress(code="", name=label, **sums)


def table(rows: Sequence[DepartmentProgress], tr: Translator) -> list[list[object]]:
    """Header and one line per row, the cells neutralised for a spreadsheet."""
    lines: list[list[object]] = [[tr(key) for key, _ in COLUMNS]]
    lines.extend([neutral_cell(getattr(r, f)) for _, f in COLUMNS] for r in rows)
    return lines


def csv_bytes(lines: list[list[object]]) -> bytes:
    """UTF-8 with a BOM (Excel then reads Chinese), CRLF line ends."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows(["" if v is None else v for v in line] for line in lines)
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


def xlsx_bytes(lines: list[list[object]], title: str) -> bytes:
    """One sheet, the header bold-free and plain: numbers as numbers."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title[:31]
    for line in lines:
        sheet.append(line)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def progress_router() -> APIRouter:
    """The two progress pages (GET only, no session: a signed link or a read token)."""
    router = APIRouter(include_in_schema=False)

    def refused(request: Request) -> Response:
        tr = Translator(page_language(request))
        return _guard(render(request, "error.html", "progress-web-refused-title", status=403,
                             message=tr("progress-web-refused")))

    async def allowed(request: Request, scope: str, link: str, sig: str, exp: str, *,
                      links: ProgressLinkService, tokens: ApiTokenService) -> bool:
        header = request.headers.get("authorization", "")
        if header[:7].lower() == "bearer ":
            try:
                principal = await tokens.resolve(header[7:])
            except DomainError:
                return False
            return scope != CITY and principal.allows("read") and principal.department == scope
        if not sig or len(sig) > MAX_SIG or not exp.isdigit() or len(exp) > 12 \
                or not link.isdigit() or len(link) > 12:
            return False
        return await links.opens(scope, f"{scope}.{exp}.{link}.{sig}")

    def download(body: bytes, media_type: str, filename: str) -> Response:
        return _guard(Response(body, media_type=media_type, headers={
            "Content-Disposition": f'attachment; filename="{filename}"'}))

    async def answer(request: Request, department: str | None, *, link: str, sig: str,
                     exp: str, fmt: str, links: ProgressLinkService, tokens: ApiTokenService,
                     progress: ProgressService) -> Response:
        scope = department or CITY
        if "." in scope or not await allowed(request, scope, link, sig, exp, links=links,
                                             tokens=tokens):
            return refused(request)
        rows = await progress.by_department(department)
        if department is not None and not rows:
            return refused(request)  # an inactive or unknown department: nothing to show
        lang = page_language(request)
        tr = Translator(lang)
        shown = list(rows)
        if department is None:
            shown.append(total_row(rows, tr("progress-web-total")))
        if fmt == "csv":
            return download(csv_bytes(table(shown, tr)), "text/csv; charset=utf-8",
                            f"progress-{scope}.csv")
        if fmt == "xlsx":
            return download(xlsx_bytes(table(shown, tr), tr("progress-chart-title")),
                            XLSX_TYPE, f"progress-{scope}.xlsx")
        # drawing takes a few hundred ms: off the event loop (the drawing holds its own lock)
        png = await asyncio.to_thread(progress_png, rows, tr) if rows else b""
        chart = base64.b64encode(png).decode()
        short = "en" if lang == "en" else "zh"
        query = f"link={link}&exp={exp}&sig={sig}&lang={short}" if sig else f"lang={short}"
        title = "progress-web-city-title" if department is None else "progress-web-dept-title"
        return _guard(render(request, "progress.html", title,
                             title_args={"department": rows[0].name} if department else None,
                             rows=shown, columns=COLUMNS, chart=chart, query=query,
                             city=department is None))

    @router.get("/progress", response_class=HTMLResponse)
    @inject
    async def city(request: Request, *, links: FromDishka[ProgressLinkService],
                   tokens: FromDishka[ApiTokenService],
                   progress: FromDishka[ProgressService], link: str = "", sig: str = "",
                   exp: str = "", format: str = "html") -> Response:  # noqa: A002 -- the query
        return await answer(request, None, link=link, sig=sig, exp=exp, fmt=format,
                            links=links, tokens=tokens, progress=progress)

    @router.get("/progress/{department}", response_class=HTMLResponse)
    @inject
    async def one(request: Request, department: str, *,
                  links: FromDishka[ProgressLinkService], tokens: FromDishka[ApiTokenService],
                  progress: FromDishka[ProgressService], link: str = "", sig: str = "",
                  exp: str = "", format: str = "html") -> Response:  # noqa: A002 -- the query
        return await answer(request, department[:64], link=link, sig=sig, exp=exp, fmt=format,
                            links=links, tokens=tokens, progress=progress)

    return router
