"""The inspection code's page (亮码 / 扫码入企): what a business sees when it scans the code.

``GET /c/{token}`` shows the live status big and plain, the task, its items with their legal
basis, the inspectors (certificate numbers masked), the departments' phones and the business's
rights; ``?uscc=`` checks the code against the business's own code. ``POST /c/{token}/confirm``
and ``/rate`` carry a CSRF token bound to the code (refused without it). ``/c/keys.json`` is the
public key for checking a code offline (docs/inspection-codes.md).

Every response is ``Cache-Control: no-store``. Requests are limited per client address and
token, and per address over all tokens, by an in-process sliding window (``RateLimit``): one
process keeps its own counts, which is enough to stop guessing and form flooding from one
address; several instances behind a balancer each count their own.
"""

from __future__ import annotations

import time
from collections import deque

from dishka.integrations.fastapi import FromDishka, inject
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from handlers.i18n import Translator
from services.errors import DomainError
from services.inspection_codes import CodeStatus, CodeView, InspectionCodeService

from web.public import page_language, render

NO_STORE = "no-store"
TONES = {CodeStatus.VALID: "ok", CodeStatus.COMPLETED: "warn", CodeStatus.NOT_YET: "warn"}
MAX_TOKEN = 400


class RateLimit:
    """At most ``limit`` hits per key in ``window`` seconds (in-process)."""

    def __init__(self, limit: int, window: float, max_keys: int = 50_000) -> None:
        self.limit, self.window, self.max_keys = limit, window, max_keys
        self._hits: dict[str, deque[float]] = {}

    def allow(self, key: str, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        if len(self._hits) > self.max_keys:
            self._hits.clear()
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        if len(hits) >= self.limit:
            return False
        hits.append(now)
        return True


def _client(request: Request) -> str:
    return request.client.host if request.client else ""


def codes_router(page_limit: RateLimit | None = None,
                 form_limit: RateLimit | None = None,
                 address_limit: RateLimit | None = None) -> APIRouter:
    """The code's routes; the limits are per client address and token, and per address over
    every token (guessing tokens from one address)."""
    pages = page_limit or RateLimit(30, 60)
    forms = form_limit or RateLimit(10, 600)
    addresses = address_limit or RateLimit(120, 60)
    router = APIRouter(include_in_schema=False)

    def page(request: Request, token: str, view: CodeView, codes: InspectionCodeService, *,
             status: int = 200, notice: str = "", notice_tone: str = "ok") -> HTMLResponse:
        response = render(
            request, "code.html", "codes-title", status=status, view=view,
            token=token if view.token_id else "", tone=TONES.get(view.status, "bad"),
            csrf=codes.csrf_token(view.token_id) if view.token_id else "",
            notice=notice, notice_tone=notice_tone)
        response.headers["Cache-Control"] = NO_STORE
        return response

    def too_many(request: Request) -> HTMLResponse:
        tr = Translator(page_language(request))
        response = render(request, "error.html", "codes-title", status=429,
                          message=tr("codes-too-many"))
        response.headers["Cache-Control"] = NO_STORE
        response.headers["Retry-After"] = "60"
        return response

    @router.get("/c/keys.json")
    @inject
    async def keys(codes: FromDishka[InspectionCodeService]) -> Response:
        return JSONResponse({"alg": "Ed25519", "encoding": "base64url raw 32 bytes",
                             "keys": codes.signer.published()},
                            headers={"Cache-Control": "public, max-age=3600"})

    @router.get("/c/{token}", response_class=HTMLResponse)
    @inject
    async def show(request: Request, token: str, codes: FromDishka[InspectionCodeService],
                   uscc: str = "") -> HTMLResponse:
        if not (addresses.allow(_client(request))
                and pages.allow(f"{_client(request)}|{token[:MAX_TOKEN]}")):
            return too_many(request)
        view = await codes.check(token[:MAX_TOKEN + 1], business_uscc=uscc[:32],
                                 ip=_client(request))
        return page(request, token, view, codes)

    async def answer(request: Request, token: str, codes: InspectionCodeService, *,
                     action: str, csrf: str, rating: str = "", comment: str = ""
                     ) -> HTMLResponse:
        if not forms.allow(f"{_client(request)}|{token[:MAX_TOKEN]}"):
            return too_many(request)
        tr = Translator(page_language(request))
        try:
            if action == "confirm":
                await codes.confirm(token, csrf)
            else:
                await codes.rate(token, csrf, rating, comment)
        except DomainError as err:
            view = await codes.check(token, log=False)
            code = 403 if err.key in ("codes-form-csrf", "codes-form-tampered") else 400
            return page(request, token, view, codes, status=code, notice_tone="bad",
                        notice=tr(err.key, **{k: str(v) for k, v in err.args_map.items()}))
        view = await codes.check(token, log=False)
        return page(request, token, view, codes, notice=tr("codes-thanks"))

    @router.post("/c/{token}/confirm", response_class=HTMLResponse)
    @inject
    async def confirm(request: Request, token: str, codes: FromDishka[InspectionCodeService],
                      csrf: str = Form(default="", max_length=128)) -> HTMLResponse:
        return await answer(request, token, codes, action="confirm", csrf=csrf)

    @router.post("/c/{token}/rate", response_class=HTMLResponse)
    @inject
    async def rate(request: Request, token: str, *, codes: FromDishka[InspectionCodeService],
                   csrf: str = Form(default="", max_length=128),
                   rating: str = Form(default="", max_length=8),
                   comment: str = Form(default="", max_length=2000)) -> HTMLResponse:
        return await answer(request, token, codes, action="rate", csrf=csrf, rating=rating,
                            comment=comment)

    return router
