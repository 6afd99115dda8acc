"""The public pages (一公开): server-rendered Jinja2, phone first, Chinese with an English switch.

Nothing is loaded from elsewhere: one local stylesheet, no script. Every value is escaped by
Jinja2's autoescape; every page carries a strict Content-Security-Policy and a short public
cache lifetime (the results are public, but a correction must show within minutes).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from dishka.integrations.fastapi import FromDishka, inject
from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from handlers.i18n import Translator
from jinja2 import Environment, FileSystemLoader, select_autoescape
from services.clock import SHANGHAI
from services.directories.enums import RISK_CLASSES, SUBJECT_KINDS, Enumeration
from services.draws import DrawService
from services.errors import DomainError
from services.publication import PublicationService

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
VERIFIER = HERE.parent / "verifier" / "verify_draw.py"
PUBLIC_POLICY = ("default-src 'none'; style-src 'self'; img-src 'self' data:; "
                 "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
PUBLIC_CACHE = "public, max-age=60"

environment = Environment(loader=FileSystemLoader(TEMPLATES),
                          autoescape=select_autoescape(default=True, default_for_string=True))


def page_language(request: Request) -> str:
    """``?lang=en`` or ``?lang=zh``; Chinese by default."""
    return "en" if request.query_params.get("lang", "").lower().startswith("en") else "zh_CN"


def switch_url(request: Request, lang: str) -> str:
    """The same page in the other language."""
    params = dict(request.query_params)
    params["lang"] = "zh" if lang == "en" else "en"
    return f"{request.url.path}?{urlencode(params)}"


def when(instant: dt.datetime | None) -> str:
    """An instant in Asia/Shanghai."""
    return instant.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if instant else "-"


def percent(ratio: Any) -> str:
    """``"0.05"`` → ``"5%"`` (exact decimal, no float rounding)."""
    try:
        return f"{(Decimal(str(ratio)) * 100).normalize():f}%"
    except (InvalidOperation, ValueError):
        return str(ratio)


def describe_entropy(tr: Translator) -> Callable[[dict[str, Any]], str]:
    """The declared entropy source in words (drand round, witnessed dice, operator secret)."""

    def render(source: dict[str, Any]) -> str:
        kind = str(source.get("type", ""))
        if kind == "drand":
            return tr("public-entropy-drand", round=str(source.get("round", "?")),
                      chain=str(source.get("chain_hash", ""))[:16])
        if kind == "witnessed":
            return tr("public-entropy-witnessed", description=str(source.get("description")))
        if kind == "operator-secret":
            return tr("public-entropy-secret", sha256=str(source.get("sha256", "")))
        return tr("public-entropy-other", kind=kind or "-")

    return render


SCOPE_WORDS: dict[str, Enumeration] = {"kinds": SUBJECT_KINDS, "risk_classes": RISK_CLASSES}


def scope_words(lang: str) -> Callable[[str, list[str]], list[str]]:
    """A scope's values as a reader says them: subject kinds and risk classes by their label
    in the page's language, districts by name and industries by their GB/T 4754 code as
    stored; a value no vocabulary knows is shown as it is."""

    def words(key: str, values: list[str]) -> list[str]:
        vocabulary = SCOPE_WORDS.get(key)
        if vocabulary is None:
            return [str(v) for v in values]
        return [vocabulary.label(str(v), lang) for v in values]

    return words


def evidence_text(evidence: dict[str, Any]) -> str:
    """The evidence's main fields (round and randomness, or what was witnessed)."""
    keys = ("type", "round", "randomness", "signature", "values", "secret")
    parts = [f"{k}={evidence[k]}" for k in keys if k in evidence]
    return "; ".join(parts) or ", ".join(sorted(evidence))


def render(request: Request, template: str, title_key: str, *, status: int = 200,
           title_args: dict[str, Any] | None = None, **context: Any) -> HTMLResponse:
    """One page in the request's language with the public headers."""
    lang = page_language(request)
    tr = Translator(lang)
    departments = context.pop("departments", {})

    def dept_name(code: str) -> str:
        names = departments.get(code)
        if names is None:
            return code
        return names.name(lang)

    html = environment.get_template(template).render(
        t=tr, lang="en" if lang == "en" else "zh", title=tr(title_key, **(title_args or {})),
        switch_url=switch_url(request, lang), when=when, percent=percent,
        entropy=describe_entropy(tr), evidence=evidence_text, dept_name=dept_name,
        scope_words=scope_words(lang), **context)
    response = HTMLResponse(html, status_code=status)
    response.headers["Cache-Control"] = PUBLIC_CACHE if status == 200 else "no-store"
    return response


def refusal_page(request: Request, err: DomainError) -> HTMLResponse:
    """A domain refusal (an unknown task, a missing result) as a page in the user's words."""
    tr = Translator(page_language(request))
    status = 404 if "no-" in err.key else 400
    return render(request, "error.html", "public-not-found", status=status,
                  message=tr(err.key, **{k: str(v) for k, v in err.args_map.items()}))


def public_router() -> APIRouter:
    """The public pages' routes (no login, GET only)."""
    router = APIRouter(include_in_schema=False)

    @router.get("/", response_class=HTMLResponse)
    @inject
    async def home(request: Request, pub: FromDishka[PublicationService]) -> HTMLResponse:
        return render(request, "home.html", "public-home-title", tasks=await pub.tasks())

    @router.get("/public/items", response_class=HTMLResponse)
    @inject
    async def items(request: Request, pub: FromDishka[PublicationService],
                    year: int | None = Query(default=None, ge=2000, le=2100)) -> HTMLResponse:
        years = await pub.catalogue_years()
        chosen = year if year is not None else (years[0] if years else None)
        return render(request, "items.html", "public-items-title",
                      title_args={"year": chosen or "-"}, year=chosen, years=years,
                      items=await pub.catalogue(chosen) if chosen else [],
                      departments=await pub.department_names())

    @router.get("/public/plans", response_class=HTMLResponse)
    @inject
    async def plans(request: Request, pub: FromDishka[PublicationService]) -> HTMLResponse:
        return render(request, "plans.html", "public-plans-title", plans=await pub.plans(),
                      departments=await pub.department_names())

    @router.get("/public/tasks", response_class=HTMLResponse)
    @inject
    async def tasks(request: Request, pub: FromDishka[PublicationService]) -> HTMLResponse:
        return render(request, "tasks.html", "public-tasks-title", tasks=await pub.tasks())

    @router.get("/public/tasks/{code}", response_class=HTMLResponse)
    @inject
    async def task(request: Request, code: str,
                   pub: FromDishka[PublicationService]) -> HTMLResponse:
        try:
            view = await pub.task(code)
        except DomainError as err:
            return refusal_page(request, err)
        return render(request, "task.html", "public-task-title", title_args={"code": view.code},
                      task=view, departments=await pub.department_names())

    @router.get("/public/tasks/{code}/results", response_class=HTMLResponse)
    @inject
    async def results(request: Request, code: str, pub: FromDishka[PublicationService],
                      version: int | None = Query(default=None, ge=1, le=10_000)
                      ) -> HTMLResponse:
        try:
            ann = await pub.announcement(code, version)
        except DomainError as err:
            return refusal_page(request, err)
        return render(request, "results.html", "public-results-title",
                      title_args={"code": code}, ann=ann, code=code)

    @router.get("/public/tasks/{code}/results/{subject_id}", response_class=HTMLResponse)
    @inject
    async def subject(request: Request, code: str, subject_id: int,
                      pub: FromDishka[PublicationService]) -> HTMLResponse:
        try:
            ann, row = await pub.subject_detail(code, subject_id)
        except DomainError as err:
            return refusal_page(request, err)
        return render(request, "subject.html", "public-subject-title",
                      title_args={"name": row.name}, ann=ann, row=row, code=code)

    @router.get("/public/search", response_class=HTMLResponse)
    @inject
    async def search(request: Request, pub: FromDishka[PublicationService],
                     q: str = Query(default="", max_length=100)) -> HTMLResponse:
        hits = await pub.search(q) if q else []
        return render(request, "search.html", "public-nav-search", q=q.strip(), hits=hits)

    @router.get("/public/verify", response_class=HTMLResponse)
    async def verify(request: Request) -> HTMLResponse:
        return render(request, "verify.html", "public-verify-title")

    @router.get("/public/verify_draw.py")
    async def verifier() -> Response:
        return FileResponse(VERIFIER, media_type="text/x-python; charset=utf-8",
                            filename="verify_draw.py",
                            headers={"Cache-Control": PUBLIC_CACHE})

    @router.get("/public/draws/{draw_id}/bundle.json")
    @inject
    async def bundle(request: Request, draw_id: int, pub: FromDishka[PublicationService],
                     draws: FromDishka[DrawService]) -> Response:
        try:
            code = await pub.draw_task_code(draw_id)
            body = await draws.bundle_bytes(draw_id)
        except DomainError as err:
            return refusal_page(request, err)
        return Response(body, media_type="application/json", headers={
            "Content-Disposition": f'attachment; filename="{code}-draw-{draw_id}.json"',
            "Cache-Control": "public, max-age=3600"})

    @router.get("/static/public.css")
    async def stylesheet() -> Response:
        return FileResponse(STATIC / "public.css", media_type="text/css",
                            headers={"Cache-Control": "public, max-age=86400"})

    return router


def is_public_path(path: str) -> bool:
    """Paths that get the public pages' security headers."""
    return path == "/" or path.startswith(("/public", "/static", "/c/"))
