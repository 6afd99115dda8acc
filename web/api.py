"""The admin HTTP API under ``/api/v1`` (issue 13 item 5; docs/api.md).

Every route authenticates with ``Authorization: Bearer jct_…`` (``services.api_tokens``): the
token acts as its department's admin, so the routes call the same services with the same rules
as the bot and the CLI, and every change is audited by those services as ``api-token:<id>``.
A route also needs its scope (``read`` for every GET, ``import``, ``draw``, ``publish``) and,
for a task, that the token's department takes part in it.

Refusals are JSON ``{"error": key, "message": text, "details": {...}}`` with the message in the
``Accept-Language`` (Chinese by default, English for ``en``): 401 no valid token, 403 a missing
scope or another department's resource (``Forbidden``), 404 not found, 409 a state that does
not allow it, 413 a body over the limit, 422 bad input (an import's row-by-row report), 429 too
many requests (with ``Retry-After``).

Limits (``bot.config.Settings``): ``api_max_body_bytes`` per request (1 MB),
``api_max_import_bytes`` for an import (25 MB), enforced while reading (a declared
``Content-Length`` above it is refused before reading); ``api_rate_per_minute`` and
``api_rate_burst`` per token, an in-process token bucket (one bucket per token and process;
behind several workers each has its own), and the same bucket per client address for requests
whose token is refused, so guessing is slow as well as hopeless.
"""

# no ``from __future__ import annotations``: dishka and FastAPI read the routes' annotations,
# which name aliases local to ``api_router``
import dataclasses
import math
import re
import tempfile
import time
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Annotated, Any

from bot.config import Settings
from dishka.integrations.fastapi import FromDishka, inject
from fastapi import (
    APIRouter,
    Depends,
    FastAPI,
    File,
    Form,
    Query,
    Request,
    UploadFile,
)
from fastapi import Path as PathParam
from fastapi.encoders import jsonable_encoder
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from handlers.i18n import has, normalise, t
from pydantic import BaseModel, Field
from services.api_tokens import ApiTokenService, Principal, TokenRefused
from services.clock import Clock, local_date
from services.directories.importer import DirectoryImporter, ImportReport, ImportRequest
from services.directory_reads import MAX_PAGE, DirectoryReads
from services.draws import DrawService
from services.errors import DomainError, Forbidden, IllegalTransition, NotFound, ValidationFailed
from services.national_export import FORMATS, build_records, load_mapping, write_export
from services.plans import PlanService
from services.publication import PublicationService
from services.records import RecordService
from services.results import ResultService
from services.tasks import TaskService, TaskView
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

PREFIX = "/api/v1"
IMPORT_KINDS = ("subjects", "inspectors", "inspections", "conflicts")
EXPORT_TYPES = {"csv": "text/csv; charset=utf-8",
                "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "json": "application/json"}
MAX_REPORTED_ERRORS = 1000
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._\u4e00-\u9fff-]+")

TAGS = [
    {"name": "token", "description": "Who the token is: its department and scopes."},
    {"name": "directories", "description": "Departments, the item catalogue, subjects (paged) "
     "and directory imports (all or nothing, with the row-by-row report)."},
    {"name": "plans", "description": "Annual plans (Art. 11)."},
    {"name": "tasks", "description": "Joint tasks and their review (Art. 12) — only the tasks "
     "the token's department takes part in."},
    {"name": "draws", "description": "A task's draws: the manifest and the verification bundle."},
    {"name": "results", "description": "Check records, final results, publication and the "
     "national export."},
]


class ApiError(Exception):
    """A refusal the API answers itself (authentication, scope, limits)."""

    def __init__(self, status: int, key: str, headers: dict[str, str] | None = None,
                 **args: Any) -> None:
        super().__init__(key)
        self.status, self.key, self.headers, self.args_map = status, key, headers or {}, args


def language(request_headers: Any) -> str:
    """``zh_CN`` or ``en`` from ``Accept-Language`` (its most preferred tag; Chinese default)."""
    best, best_q = "", -1.0
    for part in str(request_headers.get("accept-language", "") or "").split(","):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        if tag and q > best_q:
            best, best_q = tag, q
    return normalise(best or None)


def error_body(key: str, lang: str, args: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """The JSON of a refusal."""
    shown = {k: v for k, v in args.items() if isinstance(v, str | int | float | bool)}
    # ids, years and byte counts read as written (2048, not 2,048), as in the CLI
    words = {k: str(v) if isinstance(v, int) and not isinstance(v, bool) else v
             for k, v in shown.items()}
    for name in ("state", "needed"):  # task states in words, as the CLI shows them
        value = words.get(name)
        if isinstance(value, str) and has(f"state-{value}"):
            words[name] = t(f"state-{value}", lang)
    return {"error": key, "message": t(key, lang, **words),
            "details": jsonable_encoder(shown), **extra}


def status_of(err: DomainError) -> int:
    """The HTTP status of a domain refusal."""
    if isinstance(err, TokenRefused):
        return 401
    if isinstance(err, Forbidden):
        return 403
    if isinstance(err, NotFound):
        return 404
    if isinstance(err, ValidationFailed):
        return 422
    if isinstance(err, IllegalTransition):
        return 409
    return 409  # every other refusal is the state of things (missing results, a draw refused)


class ApiRoute(APIRoute):
    """Turns the API's own refusals and the services' into JSON in the caller's language."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except ApiError as err:
                return JSONResponse(error_body(err.key, language(request.headers),
                                               err.args_map), err.status, headers=err.headers)
            except DomainError as err:
                return JSONResponse(error_body(err.key, language(request.headers),
                                               dict(err.args_map)), status_of(err))
            except HTTPException as err:  # FastAPI's own: a body it cannot parse (400)
                return JSONResponse(error_body("api-bad-request", language(request.headers),
                                               {"reason": str(err.detail)}),
                                    err.status_code, headers=err.headers)
            except RequestValidationError as err:
                lang = language(request.headers)
                reason = "; ".join(
                    f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', '')}"
                    for e in err.errors()[:5])
                return JSONResponse(error_body("api-bad-request", lang, {"reason": reason},
                                               fields=jsonable_encoder(err.errors())), 422)

        return route


class TokenBucket:
    """In-process rate limit: ``burst`` requests at once, refilled at ``per_minute``."""

    def __init__(self, per_minute: float, burst: int,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = per_minute / 60.0
        self.burst = float(burst)
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}

    def take(self, key: str) -> float:
        """Spend one request of ``key``: 0 when allowed, else the seconds to wait."""
        now = self._clock()
        tokens, last = self._buckets.get(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        if tokens >= 1:
            self._buckets[key] = (tokens - 1, now)
            return 0.0
        self._buckets[key] = (tokens, now)
        if len(self._buckets) > 10_000:  # forget full buckets of past callers
            self._buckets = {k: v for k, v in self._buckets.items() if v[0] < self.burst}
        return (1 - tokens) / self.rate


class BodyLimit:
    """ASGI middleware: an ``/api/`` request body over its limit is answered 413 before the
    route sees it (declared length refused unread; a streamed body counted as it arrives)."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.body = settings.api_max_body_bytes
        self.imports = settings.api_max_import_bytes

    def limit(self, path: str) -> int:
        """The limit for ``path``."""
        return self.imports if path.startswith(PREFIX) and path.endswith("/import") \
            else self.body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(PREFIX + "/"):
            await self.app(scope, receive, send)
            return
        limit = self.limit(scope["path"])
        headers = {k.decode("latin-1").lower(): v.decode("latin-1")
                   for k, v in scope.get("headers", [])}
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await self._refuse(scope, receive, send, headers, limit)
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await self._refuse(scope, receive, send, headers, limit)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send, headers: dict[str, str],
                      limit: int) -> None:
        response = JSONResponse(error_body("api-too-large", language(headers), {"limit": limit}),
                                413, headers={"Connection": "close"})
        await response(scope, receive, send)


class ErrorOut(BaseModel):
    """A refusal: the locale key, its text in the ``Accept-Language``, the key's arguments."""

    error: str
    message: str
    details: dict[str, Any] = Field(default_factory=dict)


class ReviewIn(BaseModel):
    """One department's decision on a task under review."""

    decision: str = Field(description="approve | return", pattern="^(approve|return)$")
    comment: str = Field(default="", max_length=2000, description="required to return")
    department: str | None = Field(default=None, max_length=32,
                                   description="the deciding department (default: the token's)")


class PublishIn(BaseModel):
    """Publication of a task's results; a correction of a published task needs a reason."""

    reason: str = Field(default="", max_length=2000)


def plain(value: Any) -> Any:
    """A service's view (dataclasses, dates, tuples) as JSON."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = dataclasses.asdict(value)
    return jsonable_encoder(value)


def report_json(report: ImportReport, lang: str, shown_name: str) -> dict[str, Any]:
    """An import report as the API returns it (the CLI's report, row by row)."""
    return {
        "kind": report.kind, "file": shown_name, "format": report.format,
        "encoding": report.encoding, "sha256": report.sha256, "rows": report.rows,
        "created": report.created, "updated": report.updated, "unchanged": report.unchanged,
        "deactivated": report.deactivated, "kept_newer": report.kept_newer,
        "dry_run": report.dry_run, "written": report.written, "ok": report.ok,
        "error_count": report.error_count, "bad_rows": report.bad_rows,
        "department": report.department, "year": report.year,
        "ignored_columns": list(report.ignored_columns),
        "errors": [{"row": e.row, "column": e.column, "value": e.value, "reason": e.reason,
                    "message": row_message(e, lang)}
                   for e in report.errors[:MAX_REPORTED_ERRORS]],
        "changes": [{"action": c.action, "key": c.key,
                     "changes": {k: [old, new] for k, (old, new) in c.changes.items()}}
                    for c in report.changes],
    }


def row_message(error: Any, lang: str) -> str:
    """The reason of one row error in ``lang`` (as ``cli.directories.render_error``)."""
    args = dict(error.args)
    if error.reason == "dir-err-enum":
        from services.directories.enums import ALL

        enum = next(e for e in ALL if e.name == args.get("enum"))
        args["allowed"] = enum.labels(lang)
    return t(error.reason, lang, **args)


def api_router(settings: Settings) -> APIRouter:
    """The ``/api/v1`` routes, with this app's rate limiter."""
    router = APIRouter(prefix=PREFIX, route_class=ApiRoute)
    bucket = TokenBucket(settings.api_rate_per_minute, settings.api_rate_burst)
    bearer = HTTPBearer(auto_error=False, description="jct_<prefix>_<secret>, from "
                        "`jointcheck token issue`")

    def limited(key: str) -> None:
        wait = bucket.take(key)
        if wait:
            seconds = max(1, math.ceil(wait))
            raise ApiError(429, "api-rate-limited", {"Retry-After": str(seconds)},
                           seconds=seconds)

    async def principal(
        request: Request,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> Principal:
        """The token's principal, or 401; 429 past the token's (or address's) rate."""
        refused = ApiError(401, "api-token-invalid", {"WWW-Authenticate": "Bearer"})
        if credentials is None or credentials.scheme.lower() != "bearer":
            limited(f"ip:{request.client.host if request.client else '-'}")
            raise refused
        tokens = await request.state.dishka_container.get(ApiTokenService)
        try:
            found: Principal = await tokens.resolve(credentials.credentials)
        except TokenRefused:
            limited(f"ip:{request.client.host if request.client else '-'}")
            raise refused from None
        limited(f"token:{found.token_id}")
        return found

    def scoped(scope: str) -> Callable[..., Awaitable[Principal]]:
        async def check(who: Annotated[Principal, Depends(principal)]) -> Principal:
            if not who.allows(scope):
                raise ApiError(403, "api-scope-missing", scope=scope)
            return who

        return check

    Reader = Annotated[Principal, Depends(scoped("read"))]
    Importer = Annotated[Principal, Depends(scoped("import"))]
    Drawer = Annotated[Principal, Depends(scoped("draw"))]
    Publisher = Annotated[Principal, Depends(scoped("publish"))]
    errors: dict[int | str, dict[str, Any]] = {
        status: {"model": ErrorOut, "description": text} for status, text in (
            (400, "a body that cannot be parsed"), (401, "no valid token"),
            (403, "a missing scope or another department's resource"),
            (404, "not found"), (409, "the state does not allow it"),
            (413, "the body is over the limit"),
            (422, "bad input (an import: the row-by-row report)"),
            (429, "rate limited (Retry-After)"))}

    async def participating(tasks: TaskService, code: str, who: Principal) -> TaskView:
        view = await tasks.by_code(code)
        if who.department not in view.departments:
            raise ApiError(403, "api-not-participant", code=view.code, department=who.department)
        return view

    @router.get("/me", tags=["token"], responses=errors)
    async def me(who: Annotated[Principal, Depends(principal)]) -> dict[str, Any]:
        """The token's id, department and scopes."""
        return {"token_id": who.token_id, "department": who.department,
                "scopes": sorted(who.scopes), "actor": who.actor.label}

    @router.get("/directories/departments", tags=["directories"], responses=errors)
    @inject
    async def departments(who: Reader, publication: FromDishka[PublicationService]
                          ) -> list[dict[str, str]]:
        """Every department: code and names."""
        names = await publication.department_names()
        return [{"code": d.code, "name_zh": d.name_zh, "name_en": d.name_en}
                for d in names.values()]

    @router.get("/directories/items", tags=["directories"], responses=errors)
    @inject
    async def items(who: Reader, publication: FromDishka[PublicationService],
                    year: Annotated[int | None, Query(ge=2000, le=2100)] = None
                    ) -> dict[str, Any]:
        """The item catalogue (抽查事项清单) of ``year`` (default: the latest)."""
        years = await publication.catalogue_years()
        chosen = year if year is not None else (years[0] if years else None)
        rows = await publication.catalogue(chosen) if chosen is not None else []
        return {"year": chosen, "years": years, "items": plain(rows)}

    @router.get("/directories/subjects", tags=["directories"], responses=errors)
    @inject
    async def subjects(*, who: Reader, reads: FromDishka[DirectoryReads],
                       department: Annotated[str | None, Query(max_length=32)] = None,
                       offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
                       limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100,
                       active_only: bool = False) -> Any:
        """The token's department's subjects, ``limit`` from ``offset`` (ordered by id)."""
        if department and department != who.department:
            raise ApiError(403, "api-other-department", department=who.department,
                           other=department)
        return plain(await reads.subjects(who.department, offset, limit, active_only))

    @router.post("/directories/{kind}/import", tags=["directories"], status_code=201,
                 responses=errors)
    @inject
    async def import_directory(
        *, request: Request, kind: str, who: Importer,
        importer: FromDishka[DirectoryImporter],
        file: Annotated[UploadFile, File(description="CSV (UTF-8 or GB18030) or XLSX")],
        dry_run: Annotated[bool, Form()] = False,
        sync: Annotated[bool, Form()] = False,
        confirm: Annotated[bool, Form(description="confirm a large --sync")] = False,
    ) -> Any:
        """Import one directory file of the token's department, all or nothing: the same
        validation and the same row-by-row report as ``jointcheck import``. 201 with the
        report when imported (200 for a dry run), 422 with every row error when not."""
        if kind not in IMPORT_KINDS:
            raise ApiError(422, "api-import-kind", kind=kind)
        lang = language(request.headers)
        shown = Path(file.filename or f"{kind}.csv").name
        safe = _SAFE_NAME.sub("_", shown)[-120:] or f"{kind}.csv"
        with tempfile.TemporaryDirectory(prefix="jointcheck-api-") as folder:
            path = Path(folder) / safe
            path.write_bytes(await file.read())
            report = await importer.run(ImportRequest(
                kind=kind, path=path, department=who.department, dry_run=dry_run, sync=sync,
                actor=who.actor, region=settings.coordinate_region,
                sync_confirm_above=settings.sync_confirm_threshold, confirmed=confirm))
        body = report_json(report, lang, shown)
        if not report.ok:
            return JSONResponse(
                error_body("dir-import-failed", lang,
                           {"bad_rows": report.bad_rows, "errors": report.error_count},
                           report=body), 422)
        # the CLI's closing line, word for word
        body["message"] = t("dir-import-dry-run" if dry_run else "dir-import-done", lang,
                            what=t(f"dir-kind-{kind}", lang), created=str(report.created),
                            updated=str(report.updated), unchanged=str(report.unchanged),
                            deactivated=str(report.deactivated))
        return JSONResponse(body, 200 if dry_run else 201)

    @router.get("/plans/{year}", tags=["plans"], responses=errors)
    @inject
    async def plan(who: Reader, plans: FromDishka[PlanService],
                   year: Annotated[int, PathParam(ge=2000, le=2100)]) -> Any:
        """The annual plan of ``year`` with its entries."""
        return plain(await plans.get(year))

    @router.get("/plans", tags=["plans"], responses=errors)
    @inject
    async def this_year_plan(who: Reader, plans: FromDishka[PlanService],
                             clock: FromDishka[Clock]) -> Any:
        """This year's annual plan."""
        return plain(await plans.get(local_date(clock()).year))

    @router.get("/tasks", tags=["tasks"], responses=errors)
    @inject
    async def tasks_list(who: Reader, tasks: FromDishka[TaskService],
                         state: Annotated[str | None, Query(max_length=32)] = None) -> Any:
        """The tasks the token's department takes part in, newest first."""
        return plain(await tasks.list_tasks(state, who.department))

    @router.get("/tasks/{code}", tags=["tasks"], responses=errors)
    @inject
    async def task_detail(code: str, who: Reader, tasks: FromDishka[TaskService]) -> Any:
        """One task with the current review round and every earlier decision."""
        view = await participating(tasks, code, who)
        history = await tasks.review_history(view.id)
        return {**plain(view), "next_actions": view.next_actions,
                "review_history": [{"round": n, **plain(line._asdict())} for n, line in history]}

    @router.post("/tasks/{code}/review", tags=["tasks"], responses=errors)
    @inject
    async def task_review(code: str, body: ReviewIn, who: Drawer,
                          tasks: FromDishka[TaskService]) -> Any:
        """Approve, or return with a comment, for a department (Art. 12): the same service
        and rule as the bot and the CLI — only that department's admin decides for it."""
        view = await participating(tasks, code, who)
        done = await tasks.review(view.id, body.department or who.department, body.decision,
                                  body.comment, who.actor)
        return plain(done)

    @router.get("/tasks/{code}/draws", tags=["draws"], responses=errors)
    @inject
    async def task_draws(code: str, who: Reader, tasks: FromDishka[TaskService],
                         draws: FromDishka[DrawService]) -> Any:
        """The task's draws: commitment, entropy source, status, summary."""
        view = await participating(tasks, code, who)
        return plain(await draws.for_task(view.id))

    async def task_draw(tasks: TaskService, draws: DrawService, code: str, draw_id: int,
                        who: Principal) -> int:
        view = await participating(tasks, code, who)
        draw = await draws.get(draw_id)
        if draw.task_id != view.id:
            raise ApiError(404, "api-draw-not-in-task", id=draw_id, code=view.code)
        return draw.id

    @router.get("/tasks/{code}/draws/{draw_id}/manifest", tags=["draws"], responses=errors)
    @inject
    async def draw_manifest(code: str, draw_id: Annotated[int, PathParam(ge=1, le=2**31)],
                            who: Reader, tasks: FromDishka[TaskService],
                            draws: FromDishka[DrawService]) -> Any:
        """The draw's manifest: what was committed before the entropy existed."""
        return jsonable_encoder(await draws.manifest(
            await task_draw(tasks, draws, code, draw_id, who)))

    @router.get("/tasks/{code}/draws/{draw_id}/bundle", tags=["draws"], responses=errors)
    @inject
    async def draw_bundle(code: str, draw_id: Annotated[int, PathParam(ge=1, le=2**31)],
                          who: Reader, tasks: FromDishka[TaskService],
                          draws: FromDishka[DrawService]) -> Response:
        """The verification bundle (JSON) to check with ``python -m verifier``."""
        found = await task_draw(tasks, draws, code, draw_id, who)
        data = await draws.bundle_bytes(found)
        return Response(data, media_type="application/json", headers={
            "Content-Disposition": f'attachment; filename="draw-{found}-bundle.json"'})

    @router.get("/tasks/{code}/records", tags=["results"], responses=errors)
    @inject
    async def task_records(code: str, who: Reader, tasks: FromDishka[TaskService],
                           records: FromDishka[RecordService]) -> Any:
        """Every check record of the task with its checklist answers and evidence list."""
        view = await participating(tasks, code, who)
        return plain(await records.for_task(view.id))

    @router.get("/tasks/{code}/results", tags=["results"], responses=errors)
    @inject
    async def task_results(code: str, who: Reader, tasks: FromDishka[TaskService],
                           results: FromDishka[ResultService]) -> Any:
        """The final results per subject and the task's progress."""
        view = await participating(tasks, code, who)
        return {"results": plain(await results.for_task(view.id)),
                "progress": plain(await results.progress(view.id))}

    @router.post("/tasks/{code}/publish", tags=["results"], responses=errors)
    @inject
    async def task_publish(code: str, body: PublishIn, who: Publisher,
                           tasks: FromDishka[TaskService],
                           publication: FromDishka[PublicationService]) -> Any:
        """Publish the results once every subject has a final result (refused with what is
        missing); only the lead department's token. A correction needs a reason."""
        view = await participating(tasks, code, who)
        announcement = await publication.publish(view.code, who.actor, reason=body.reason)
        return plain(announcement)

    @router.get("/tasks/{code}/export", tags=["results"], responses={
        **errors, 200: {"content": {v: {} for v in EXPORT_TYPES.values()},
                        "description": "the export file"}})
    @inject
    async def task_export(
        *, code: str, who: Reader, tasks: FromDishka[TaskService],
        publication: FromDishka[PublicationService],
        format: Annotated[str, Query(pattern="^(gsxt|exchange)$")] = "gsxt",  # noqa: A002
        as_: Annotated[str, Query(alias="as", pattern="^(csv|xlsx|json)$")] = "json",
    ) -> Response:
        """The published announcement in the national system's fields (``gsxt``) or the
        inter-department row (``exchange``), as CSV, XLSX or JSON."""
        view = await participating(tasks, code, who)
        if format not in FORMATS:
            raise ValidationFailed("export-bad-format", format=format)
        announcement = await publication.announcement(view.code)
        if announcement is None:
            raise IllegalTransition("export-not-published", code=view.code)
        fields = load_mapping()
        records = build_records(announcement, format, fields, settings.division_code)
        name = f"{view.code}-{format}.{as_}"
        with tempfile.TemporaryDirectory(prefix="jointcheck-export-") as folder:
            path = Path(folder) / name
            write_export(records, format, fields, path)
            data = path.read_bytes()
        return Response(data, media_type=EXPORT_TYPES[as_],
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    return router


def install_api(app: FastAPI, settings: Settings) -> None:
    """Mount the API, its body limit and its headers on ``app``."""
    app.include_router(api_router(settings))
    app.openapi_tags = [*(app.openapi_tags or []), *TAGS]
    app.add_middleware(BodyLimit, settings=settings)

    @app.exception_handler(HTTPException)
    async def api_not_found(request: Request, exc: HTTPException) -> Response:
        """No route under ``/api/`` (404, 405): the API's JSON; elsewhere FastAPI's answer."""
        if not request.url.path.startswith(PREFIX + "/"):
            return await http_exception_handler(request, exc)
        key = "api-no-route" if exc.status_code == 404 else "api-bad-request"
        return JSONResponse(error_body(key, language(request.headers),
                                       {"reason": str(exc.detail), "path": request.url.path}),
                            exc.status_code, headers=exc.headers)

    @app.middleware("http")
    async def api_headers(request: Request, call_next: Any) -> Any:
        response = await call_next(request)
        if request.url.path.startswith(PREFIX + "/"):
            response.headers["Cache-Control"] = "no-store"
            response.headers["X-Content-Type-Options"] = "nosniff"
        return response
