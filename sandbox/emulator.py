"""The emulator's FastAPI app: Telegram's Bot API, file downloads, the control API, the page.

``create_app(state)`` serves ``POST|GET /bot{token}/{method}`` (JSON, form-urlencoded or
multipart, as Telegram accepts), ``GET /file/bot{token}/{file_path}``, the ``/control`` API
(see ``sandbox.control``) and the browser chat at ``/``.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import UploadFile

from sandbox.botapi import TOKEN_RE, BotApi, Params, Upload
from sandbox.control import build_router
from sandbox.state import EmulatorState
from sandbox.webhook import WebhookDeliverer

STATIC = Path(__file__).parent / "static"
NOT_FOUND = {"ok": False, "error_code": 404, "description": "Not Found"}


async def read_params(request: Request) -> Params | None:
    """Query string plus body (JSON, urlencoded or multipart); None when the body is not valid."""
    values: dict[str, Any] = dict(request.query_params)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if request.method == "POST":
        if content_type == "application/json":
            raw = await request.body()
            if raw.strip():
                try:
                    body = json.loads(raw)
                except ValueError:
                    return None
                if not isinstance(body, dict):
                    return None
                values.update(body)
        elif content_type in {"multipart/form-data", "application/x-www-form-urlencoded"}:
            form = await request.form(max_files=100, max_fields=1000,
                                      max_part_size=16 * 1024 * 1024)
            for key, value in form.multi_items():
                if isinstance(value, UploadFile):
                    values[key] = Upload(value.filename or key, value.content_type or "",
                                         await value.read())
                else:
                    values[key] = value
    return Params(values)


def create_app(state: EmulatorState | None = None) -> FastAPI:
    """The emulator app over ``state`` (a fresh, empty world when None)."""
    world = state or EmulatorState()
    deliverer: WebhookDeliverer | None = None

    def start_webhook() -> None:
        assert deliverer is not None
        deliverer.start()

    api = BotApi(world, start_webhook=start_webhook)
    deliverer = WebhookDeliverer(world, api)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if world.webhook.url:
            deliverer.start()
        yield
        await deliverer.stop()

    app = FastAPI(title="jointcheck Bot API emulator", lifespan=lifespan, docs_url="/control/docs",
                  redoc_url=None, openapi_url="/control/openapi.json")
    app.state.emulator = world
    app.state.botapi = api

    @app.api_route("/bot{token}/{method}", methods=["GET", "POST"], include_in_schema=False)
    async def bot_method(token: str, method: str, request: Request) -> Response:
        """One Bot API call, answered as api.telegram.org answers it."""
        params = await read_params(request)
        if params is None:
            return JSONResponse({"ok": False, "error_code": 400,
                                 "description": "Bad Request: can't parse JSON"}, 400)
        status, body = await api.call(token, method, params)
        return JSONResponse(body, status)

    @app.get("/file/bot{token}/{file_path:path}", include_in_schema=False)
    async def download(token: str, file_path: str) -> Response:
        """A file by the path getFile gave, as Telegram's file server serves it."""
        if not TOKEN_RE.match(token):
            return JSONResponse({"ok": False, "error_code": 401, "description": "Unauthorized"},
                                401)
        stored = world.files_by_path.get(file_path)
        if stored is None:
            return JSONResponse(NOT_FOUND, 404)
        return Response(stored.data, media_type=stored.mime_type)

    app.include_router(build_router(world, api))

    @app.get("/", include_in_schema=False)
    async def page() -> FileResponse:
        """The browser chat."""
        return FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-cache"})

    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.exception_handler(404)
    async def not_found(request: Request, exc: Exception) -> Response:
        """Telegram's 404 body for unknown paths."""
        # unknown paths answer like api.telegram.org; control routes keep their detail
        detail = getattr(exc, "detail", None)
        if request.url.path.startswith("/control") and detail and detail != "Not Found":
            return JSONResponse({"detail": detail}, 404)
        return JSONResponse(NOT_FOUND, 404)

    return app
