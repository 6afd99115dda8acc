"""Webhook delivery: POST each queued update to the bot's URL, in order, retrying on failure.

As Telegram does, every request carries ``X-Telegram-Bot-Api-Secret-Token`` when a secret was
set; an update leaves the queue only after a 2xx answer; failures are recorded in
getWebhookInfo (``last_error_date``/``last_error_message``) and retried with a growing pause.
A JSON answer naming a ``method`` is executed as a Bot API call (Telegram's "reply to the
webhook" shortcut, which aiogram uses).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

import httpx

from sandbox.botapi import BotApi, Params
from sandbox.state import EmulatorState

FIRST_RETRY = 0.2
LAST_RETRY = 5.0
TIMEOUT = 30.0


class WebhookDeliverer:
    """One background task per app that feeds the webhook while one is set."""

    def __init__(self, state: EmulatorState, api: BotApi) -> None:
        self.state = state
        self.api = api
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start the delivery task (idempotent; called by setWebhook)."""
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        """Cancel the delivery task (app shutdown)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        state = self.state
        pause = FIRST_RETRY
        # the webhook is local (or a URL the operator gave): no proxies from the environment
        async with httpx.AsyncClient(timeout=TIMEOUT, trust_env=False) as client:
            while state.webhook.url:
                if not state.updates:
                    await state.webhook_changed.wait(30)
                    continue
                update = state.updates[0]
                url = state.webhook.url
                headers = {"Content-Type": "application/json"}
                if state.webhook.secret_token:
                    headers["X-Telegram-Bot-Api-Secret-Token"] = state.webhook.secret_token
                error: str | None = None
                reply: Any = None
                try:
                    response = await client.post(url, json=update, headers=headers)
                    if 200 <= response.status_code < 300:
                        with contextlib.suppress(ValueError):
                            reply = response.json()
                    else:
                        error = (f"Wrong response from the webhook: {response.status_code} "
                                 f"{response.reason_phrase}")
                except httpx.ConnectError:
                    error = "Connection refused"
                except httpx.TimeoutException:
                    error = "Read timeout expired"
                except httpx.HTTPError as exc:
                    error = f"Connection error: {type(exc).__name__}"
                if error is None:
                    # the queue may have been reset or confirmed meanwhile; drop only this update
                    if state.updates and state.updates[0] is update:
                        state.updates.popleft()
                    pause = FIRST_RETRY
                    if isinstance(reply, dict) and isinstance(reply.get("method"), str) \
                            and state.last_token:
                        values = {k: v for k, v in reply.items() if k != "method"}
                        await self.api.call(state.last_token, reply["method"], Params(values))
                    continue
                state.webhook.last_error_date = int(time.time())
                state.webhook.last_error_message = error
                await state.webhook_changed.wait(pause)
                pause = min(pause * 2, LAST_RETRY)
