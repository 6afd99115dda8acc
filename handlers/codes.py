"""检查码 (亮码入企): ``/code`` sends an inspector the QR code of today's visit.

Only during a scheduled visit: a stop of today (Asia/Shanghai) in a fixed schedule of a team the
inspector is an active member of. With several stops today ``/code N`` picks one.
"""

from __future__ import annotations

import datetime as dt

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import BufferedInputFile, Message
from services.accounts import AccountView
from services.clock import SHANGHAI
from services.errors import DomainError
from services.inspection_codes import InspectionCodeService, code_url, qr_png

from handlers.i18n import Translator


def when(instant: dt.datetime) -> str:
    """An instant in Asia/Shanghai."""
    return instant.astimezone(SHANGHAI).strftime("%m-%d %H:%M")


async def code(message: Message, *, command: CommandObject, account: AccountView,
               codes: InspectionCodeService, tr: Translator, base_url: str) -> None:
    """The QR code of today's visit, with its validity as the caption."""
    if account.inspector_id is None:
        await message.answer(tr("codes-no-visit-today"))
        return
    stops = await codes.todays_stops(account.inspector_id)
    arg = (command.args or "").strip()
    if len(stops) > 1 and not arg:
        lines = [tr("codes-choose", count=len(stops))] + [
            tr("codes-choose-line", n=n, name=subject.name, task=task.code)
            for n, (_stop, task, subject) in enumerate(stops, start=1)]
        await message.answer("\n".join(lines))
        return
    choice = int(arg) if arg.isdigit() else (1 if not arg else 0)
    try:
        issued = await codes.issue_today(account.inspector_id, choice, account.actor)
    except DomainError as err:
        await message.answer(tr(err.key, **{k: str(v) for k, v in err.args_map.items()}))
        return
    png = qr_png(code_url(base_url, issued.token))
    await message.answer_photo(
        BufferedInputFile(png, filename=f"code-{issued.payload.nonce}.png"),
        caption=tr("codes-caption", name=issued.subject_name, task=issued.payload.task_code,
                   until=when(issued.payload.expires_at),
                   **{"from": when(issued.payload.not_before)}))


def build_router(base_url: str) -> Router:
    """The ``/code`` command; ``base_url`` is ``JOINTCHECK_PUBLIC_BASE_URL``."""
    router = Router(name="codes")

    async def on_code(message: Message, command: CommandObject, account: AccountView,
                      codes: InspectionCodeService, tr: Translator) -> None:
        await code(message, command=command, account=account, codes=codes, tr=tr,
                   base_url=base_url)

    router.message.register(on_code, Command("code"))
    return router
