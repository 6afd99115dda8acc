"""检查记录 in the bot, the inspector's side (issue 11): /record → today's stop (or any subject
of the team) → the department's items → one message per item with the checklist points as
toggle buttons (符合 → 不符合 → 不适用), the methods as a multi-select, buttons to type the
findings, the disposal and notes, a location, photos and files, a summary and 提交. The
department's second inspector gets a co-sign button (an outbox row of kind ``cosign``); a
submitted record is corrected by an amendment with a reason, and its finding is referred
(移送/告知) by the department's member through the referral form of ``handlers.results``.

Plain callback handlers and a few FSM states, like ``handlers/schedule.py``, not
aiogram_dialog: the draft lives in the database (``RecordService``), every button carries the
record id, so any tap — after a restart, on another instance, on an old message — reaches the
service, which refuses a locked record with the domain's reason. The conversation state holds
only which record is open (``record_id``) and which text is awaited; it is in the configured
FSM storage (Redis when ``JOINTCHECK_REDIS_URL`` is set), so evidence sent after a restart
still lands in the open record. A dialog stack would add a second state machine beside the
draft and answer old buttons with its own "outdated" handling.

Evidence: the size and the declared type are checked from the update (``file_size``,
``mime_type``, the name) *before* downloading; the service checks the bytes again. An album
arrives as one update per photo: each is stored at once, and one answer with the count is sent
when the album has been quiet for ``ALBUM_WAIT`` seconds (per process: two webhook instances
sharing one album would each answer for their part).
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from typing import Any

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import (
    CallbackQuery,
    InaccessibleMessage,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from services import vocab
from services.accounts import AccountView
from services.clock import local_date
from services.errors import DomainError
from services.notification_kinds import CosignPayload
from services.records import (
    TEXT_FIELDS,
    EvidenceOutsideRecord,
    RecordService,
    RecordView,
    StopChoice,
    Upload,
    check_upload,
)

from handlers.i18n import Translator
from handlers.results import begin_referral

MAX_TEXT = 4000
ALBUM_WAIT = 1.5  # seconds of quiet after an album's last photo before the one answer
RECORD_KEY = "record_id"  # the open record in the conversation's data


class RecordCb(CallbackData, prefix="rc"):
    """A record button. ``a`` the action; ``r`` the record id (the task id for ``su``/``it``);
    ``n`` a point, a subject id or the amendment number; ``s`` a method, field or item code."""

    a: str
    r: int = 0
    n: int = 0
    s: str = ""


class RecordStates(StatesGroup):
    """Waiting for a text of the open record, or for an amendment's value and reason."""

    text = State()
    amend_value = State()
    amend_reason = State()


# -- text ----------------------------------------------------------------------------------------


def _clip(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT - 1] + "…"


def distance_text(metres: float, tr: Translator) -> str:
    """300 米, 2.0 公里 (m and km in English)."""
    if tr.language == "en":
        return f"{metres:.0f} m" if metres < 1000 else f"{metres / 1000:.1f} km"
    return f"{metres:.0f} 米" if metres < 1000 else f"{metres / 1000:.1f} 公里"


def _answer_label(code: str | None, tr: Translator) -> str:
    term = vocab.answers().get(code) if code else None
    return term.label(tr.language) if term else tr("rb-unanswered")


def _at(view_at: Any) -> str:
    return local_date(view_at).isoformat() if view_at else ""


def record_text(view: RecordView, tr: Translator, *, flag_m: float, limit: str) -> str:
    """The record as one message: item, state, points, methods, texts, location, evidence."""
    state = "cosigned" if view.confirmed else view.state
    lines = [tr("rb-title", code=view.task_code, subject=view.subject_name),
             tr("rb-item", item=view.item_code, name=view.item_name,
                department=view.department_name),
             tr("rb-state-line", state=tr("rb-state", state=state)),
             tr("rb-points-title")]
    for point in view.points:
        lines.append(tr("rb-point", n=point.position, text=point.text,
                        answer=_answer_label(point.answer, tr)))
        if point.note:
            lines.append(tr("rb-point-note", note=point.note))
    methods = "、".join(vocab.methods().labels(view.methods, tr.language)) or tr("rb-empty")
    lines.append(tr("rb-methods", methods=methods))
    lines.append(tr("rb-findings", text=view.findings or tr("rb-empty")))
    lines.append(tr("rb-disposal", text=view.disposal or tr("rb-empty")))
    lines.append(tr("rb-notes", text=view.notes or tr("rb-none")))
    location = view.location
    if location is None:
        lines.append(tr("rb-location-none"))
    elif location.distance_m is None:
        lines.append(tr("rb-location-unknown", lat=f"{location.latitude:.5f}",
                        lon=f"{location.longitude:.5f}"))
    else:
        flag = ("，" if tr.language != "en" else ", ") + tr(
            "rb-flag", limit=distance_text(flag_m, tr)) if location.flagged else ""
        lines.append(tr("rb-location", lat=f"{location.latitude:.5f}",
                        lon=f"{location.longitude:.5f}",
                        distance=distance_text(location.distance_m, tr), flag=flag))
    photos = sum(1 for e in view.evidence if e.sent_as == "photo")
    lines.append(tr("rb-evidence", count=len(view.evidence), photos=photos,
                    documents=len(view.evidence) - photos))
    if view.submitted_by is not None:
        lines.append(tr("rb-submitted-by", name=view.submitted_by.name,
                        at=_at(view.submitted_at)))
        if view.cosigned_by is not None:
            lines.append(tr("rb-cosigned-by", name=view.cosigned_by.name,
                            at=_at(view.cosigned_at)))
        elif view.cosigner_available:
            lines.append(tr("rb-cosign-waiting"))
        else:
            lines.append(tr("rb-cosign-nobody"))
    if view.amendments:
        lines.append(tr("rb-amendments", count=len(view.amendments),
                        reason=view.amendments[-1].reason))
    if not view.locked:
        lines.append("")
        lines.append(tr("rb-hint", limit=limit))
    return _clip("\n".join(lines))


def _button(text: str, **cb: Any) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=RecordCb(**cb).pack())


def record_markup(view: RecordView, tr: Translator) -> InlineKeyboardMarkup:
    """A draft: the points (tap cycles the answer), the methods, the texts, location,
    evidence, summary. A submitted record: amend, and refer / inform when it has a finding."""
    if view.locked:
        rows = [[_button(tr("rb-btn-amend"), a="am", r=view.id)]]
        if view.has_finding:
            rows.append([_button(tr("rb-btn-refer"), a="rf", r=view.id)])
        return InlineKeyboardMarkup(inline_keyboard=rows)
    points = [_button(tr("rb-btn-point", n=p.position, answer=_answer_label(p.answer, tr)),
                      a="p", r=view.id, n=p.position) for p in view.points]
    rows = [points[i:i + 3] for i in range(0, len(points), 3)]
    chosen = set(view.methods)
    methods = [_button(("☑ " if t.code in chosen else "☐ ") + t.label(tr.language), a="m",
                       r=view.id, s=t.code) for t in vocab.methods().terms]
    rows.extend(methods[i:i + 2] for i in range(0, len(methods), 2))
    rows.append([_button(tr(f"rb-btn-{f}"), a="tx", r=view.id, s=f) for f in TEXT_FIELDS])
    rows.append([_button(tr("rb-btn-location"), a="loc", r=view.id),
                 _button(tr("rb-btn-evidence"), a="ev", r=view.id)])
    rows.append([_button(tr("rb-btn-summary"), a="sum", r=view.id)])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def missing_parts(view: RecordView, tr: Translator) -> list[str]:
    """What stops the submit, in words (the service decides; this shows it beforehand)."""
    missing = []
    if view.unanswered:
        missing.append(tr("rb-missing-points", points="、".join(str(p) for p in view.unanswered)))
    if not view.methods:
        missing.append(tr("rb-missing-methods"))
    if not view.findings.strip():
        missing.append(tr("rb-missing-findings"))
    if view.has_finding and not view.evidence:
        missing.append(tr("rb-missing-evidence"))
    return missing


def cosign_notice(payload: CosignPayload, tr: Translator) -> tuple[str, InlineKeyboardMarkup]:
    """What the department's second inspector gets after a submit, with the co-sign button
    (the amendment number makes a button of an earlier version stale)."""
    text = tr("rb-cosign-notice", code=payload.task_code, by=payload.by,
              subject=payload.subject, item=payload.item_code, name=payload.item_name)
    return text, InlineKeyboardMarkup(inline_keyboard=[[
        _button(tr("rb-btn-cosign"), a="cs", r=payload.record_id, n=payload.amendment)]])


def _refusal(error: DomainError, tr: Translator) -> str:
    return tr(error.key, **error.args_map)


def _human_limit(records: RecordService) -> str:
    return f"{records.max_upload_bytes / (1024 * 1024):.0f} MB"


def _card(view: RecordView, records: RecordService, tr: Translator
          ) -> tuple[str, InlineKeyboardMarkup]:
    return (record_text(view, tr, flag_m=records.location_flag_m, limit=_human_limit(records)),
            record_markup(view, tr))


async def _edit(callback: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None
                ) -> None:
    message = callback.message
    if message is None or isinstance(message, InaccessibleMessage):
        return
    if message.text == text and markup == message.reply_markup:
        return
    with contextlib.suppress(TelegramBadRequest):
        await message.edit_text(text, reply_markup=markup)


async def _send(callback: CallbackQuery, text: str,
                markup: InlineKeyboardMarkup | ReplyKeyboardMarkup | None = None) -> None:
    if callback.message is not None and callback.bot is not None:
        await callback.bot.send_message(callback.message.chat.id, text, reply_markup=markup)


# -- choosing the subject and the item ----------------------------------------------------------


def _stop_rows(stops: list[StopChoice]) -> list[list[InlineKeyboardButton]]:
    return [[_button(f"{s.position or n}. {s.subject_name}", a="su", r=s.task_id,
                     n=s.subject_id)] for n, s in enumerate(stops, start=1)][:40]


async def record_command(message: Message, *, account: AccountView, records: RecordService,
                         tr: Translator) -> None:
    """/record: today's stops (confirmed schedule) and a button for every team subject."""
    if account.inspector_id is None:
        await message.answer(tr("rb-not-inspector"))
        return
    subjects = await records.team_subjects(account.inspector_id)
    if not subjects:
        await message.answer(tr("rb-no-subjects"))
        return
    today = await records.stops_today(account.inspector_id)
    if not today:
        await message.answer(tr("rb-no-stops-today"), reply_markup=InlineKeyboardMarkup(
            inline_keyboard=_stop_rows(subjects)))
        return
    rows = _stop_rows(today)
    rows.append([_button(tr("rb-btn-all", count=len(subjects)), a="all")])
    await message.answer(tr("rb-today-title", day=today[0].day.isoformat() if today[0].day
                            else ""), reply_markup=InlineKeyboardMarkup(inline_keyboard=rows))


async def all_subjects(callback: CallbackQuery, *, account: AccountView,
                       records: RecordService, tr: Translator) -> None:
    """📋 every subject of the inspector's teams."""
    subjects = await records.team_subjects(account.inspector_id or 0)
    if not subjects:
        await callback.answer(tr("rb-no-subjects"), show_alert=True)
        return
    await _edit(callback, tr("rb-all-title", count=len(subjects)),
                InlineKeyboardMarkup(inline_keyboard=_stop_rows(subjects)))
    await callback.answer()


async def subject_items(callback: CallbackQuery, *, callback_data: RecordCb,
                        account: AccountView, records: RecordService, tr: Translator) -> None:
    """A subject: the items the inspector's department records, with their state."""
    try:
        lines = await records.items_for(account.inspector_id or 0, callback_data.r,
                                        callback_data.n)
    except DomainError as error:
        await callback.answer(_refusal(error, tr), show_alert=True)
        return
    if not lines:
        await callback.answer(tr("rb-no-items"), show_alert=True)
        return
    choices = await records.team_subjects(account.inspector_id or 0)
    choice = next((c for c in choices if c.task_id == callback_data.r
                   and c.subject_id == callback_data.n), None)
    rows = [[_button(f"{tr('rb-item-state', state=line.state)} {line.item_code} {line.item_name}",
                     a="it", r=callback_data.r, n=callback_data.n, s=line.item_code)]
            for line in lines]
    await _edit(callback, tr("rb-items-title", code=choice.task_code if choice else "",
                             subject=choice.subject_name if choice else ""),
                InlineKeyboardMarkup(inline_keyboard=rows))
    await callback.answer()


async def open_item(callback: CallbackQuery, *, callback_data: RecordCb, account: AccountView,
                    records: RecordService, state: FSMContext, tr: Translator) -> None:
    """An item: the department's record (a draft on first open) in a message of its own; it
    becomes the open record, where photos, files and locations go."""
    try:
        view = await records.open(account.actor, callback_data.r, callback_data.n,
                                  callback_data.s)
    except DomainError as error:
        await callback.answer(_refusal(error, tr), show_alert=True)
        return
    await state.set_state(None)
    await state.update_data({RECORD_KEY: view.id})
    text, markup = _card(view, records, tr)
    await _send(callback, text, markup)
    await callback.answer()


# -- the draft ------------------------------------------------------------------------------------


async def change(callback: CallbackQuery, *, callback_data: RecordCb, account: AccountView,
                 records: RecordService, state: FSMContext, tr: Translator) -> None:
    """A toggle: a point's answer cycles, a method is added or removed; the card is edited."""
    cb = callback_data
    try:
        if cb.a == "p":
            view = await records.cycle_answer(cb.r, account.actor, cb.n)
        else:
            view = await records.toggle_method(cb.r, account.actor, cb.s)
    except DomainError as error:
        await callback.answer(_refusal(error, tr), show_alert=True)
        return
    await state.update_data({RECORD_KEY: view.id})
    await _edit(callback, *_card(view, records, tr))
    await callback.answer()


async def _usable(callback: CallbackQuery, record_id: int, account: AccountView,
                  records: RecordService, tr: Translator) -> RecordView | None:
    """The record when this person may still change it (else the refusal is shown): a
    member of the team, of the record's department, and the record still a draft."""
    try:
        view = await records.get(record_id)
        lines = await records.items_for(account.inspector_id or 0, view.task_id,
                                        view.subject_id)
    except DomainError as error:
        await callback.answer(_refusal(error, tr), show_alert=True)
        return None
    if not any(line.record_id == view.id for line in lines):
        await callback.answer(tr("record-wrong-department", department=view.department_code),
                              show_alert=True)
        return None
    if view.locked:
        await callback.answer(tr("record-locked", id=view.id), show_alert=True)
        return None
    return view


async def ask_text(callback: CallbackQuery, *, callback_data: RecordCb, account: AccountView,
                   records: RecordService, state: FSMContext, tr: Translator) -> None:
    """✏️: the next text becomes the findings, the disposal or the notes."""
    if callback_data.s not in TEXT_FIELDS:
        await callback.answer(tr("record-bad-field", field=callback_data.s), show_alert=True)
        return
    view = await _usable(callback, callback_data.r, account, records, tr)
    if view is None:
        return
    await state.set_state(RecordStates.text)
    await state.update_data({RECORD_KEY: view.id, "field": callback_data.s})
    await _send(callback, tr(f"rb-ask-{callback_data.s}"))
    await callback.answer()


async def text_received(message: Message, *, account: AccountView, records: RecordService,
                        state: FSMContext, tr: Translator) -> None:
    """The awaited text: saved, and the card again."""
    data = await state.get_data()
    try:
        view = await records.set_text(data.get(RECORD_KEY) or 0, account.actor,
                                      str(data.get("field")), message.text or "")
    except DomainError as error:
        if error.key != "record-text-too-long":
            await state.set_state(None)
        await message.answer(_refusal(error, tr))
        return
    await state.set_state(None)
    text, markup = _card(view, records, tr)
    await message.answer(tr("rb-saved"))
    await message.answer(text, reply_markup=markup)


async def ask_location(callback: CallbackQuery, *, callback_data: RecordCb,
                       account: AccountView, records: RecordService, state: FSMContext,
                       tr: Translator) -> None:
    """📍: a keyboard button that shares the location."""
    view = await _usable(callback, callback_data.r, account, records, tr)
    if view is None:
        return
    await state.update_data({RECORD_KEY: view.id})
    keyboard = ReplyKeyboardMarkup(keyboard=[[KeyboardButton(
        text=tr("rb-btn-share-location"), request_location=True)]], resize_keyboard=True,
        one_time_keyboard=True)
    await _send(callback, tr("rb-ask-location"), keyboard)
    await callback.answer()


async def ask_evidence(callback: CallbackQuery, *, callback_data: RecordCb,
                       account: AccountView, records: RecordService, state: FSMContext,
                       tr: Translator) -> None:
    """📷: how to send evidence (as a file to keep EXIF)."""
    view = await _usable(callback, callback_data.r, account, records, tr)
    if view is None:
        return
    await state.update_data({RECORD_KEY: view.id})
    await _send(callback, tr("rb-ask-evidence", limit=_human_limit(records)))
    await callback.answer()


async def location_received(message: Message, *, account: AccountView,
                            records: RecordService, state: FSMContext, tr: Translator) -> None:
    """A pin or a live location: compared with the registered place, flagged when far."""
    assert message.location is not None
    location = message.location
    record_id = (await state.get_data()).get(RECORD_KEY)
    try:
        view = await records.set_location(
            record_id, account.actor, latitude=location.latitude,
            longitude=location.longitude, accuracy_m=location.horizontal_accuracy,
            live=bool(location.live_period))
    except DomainError as error:
        await message.answer(_refusal(error, tr), reply_markup=ReplyKeyboardRemove())
        return
    saved = view.location
    assert saved is not None
    if saved.distance_m is None:
        text = tr("rb-location-no-register")
    elif saved.flagged:
        text = tr("rb-location-flagged", distance=distance_text(saved.distance_m, tr),
                  limit=distance_text(records.location_flag_m, tr))
    else:
        text = tr("rb-location-saved", distance=distance_text(saved.distance_m, tr))
    await message.answer(text, reply_markup=ReplyKeyboardRemove())


async def live_location_moved(message: Message, *, account: AccountView,
                              records: RecordService, state: FSMContext) -> None:
    """A live location's update (an edited message): the record keeps the latest, silently."""
    assert message.location is not None
    record_id = (await state.get_data()).get(RECORD_KEY)
    with contextlib.suppress(DomainError):
        await records.set_location(
            record_id, account.actor, latitude=message.location.latitude,
            longitude=message.location.longitude,
            accuracy_m=message.location.horizontal_accuracy, live=True)


# -- evidence -------------------------------------------------------------------------------------


@dataclass
class _Album:
    chat_id: int
    language: str
    saved: int = 0
    duplicates: int = 0
    total: int = 0
    timer: asyncio.Task[None] | None = None


class AlbumCollector:
    """The photos of one album (``media_group_id``) answered once, with the count."""

    def __init__(self) -> None:
        self._albums: dict[str, _Album] = {}

    def add(self, bot: Bot, group: str, chat_id: int, tr: Translator, *, duplicate: bool,
            total: int) -> None:
        """Count one stored photo of the album and (re)start the quiet timer."""
        album = self._albums.setdefault(group, _Album(chat_id, tr.language))
        if duplicate:
            album.duplicates += 1
        else:
            album.saved += 1
        album.total = total
        if album.timer is not None:
            album.timer.cancel()
        album.timer = asyncio.get_running_loop().create_task(self._answer(bot, group))

    def arriving(self, group: str) -> None:
        """Another photo of the album arrived: hold the answer until it is stored too."""
        album = self._albums.get(group)
        if album is not None and album.timer is not None:
            album.timer.cancel()
            album.timer = None

    def resume(self, bot: Bot, group: str) -> None:
        """A photo of the album was refused: the answer for the stored ones still comes."""
        album = self._albums.get(group)
        if album is not None and album.timer is None:
            album.timer = asyncio.get_running_loop().create_task(self._answer(bot, group))

    async def _answer(self, bot: Bot, group: str) -> None:
        await asyncio.sleep(ALBUM_WAIT)
        album = self._albums.pop(group, None)
        if album is None:
            return
        tr = Translator(album.language)
        key = "rb-album-saved-dup" if album.duplicates else "rb-album-saved"
        with contextlib.suppress(TelegramBadRequest, TelegramForbiddenError):
            await bot.send_message(album.chat_id, tr(key, saved=album.saved,
                                                     duplicates=album.duplicates,
                                                     count=album.total))


async def evidence_received(message: Message, *, bot: Bot, account: AccountView,
                            records: RecordService, state: FSMContext, tr: Translator,
                            albums: AlbumCollector) -> None:
    """A photo or a file for the open record: refused before downloading when it is too
    large or not an image/PDF, or when no record is open; stored otherwise."""
    record_id = (await state.get_data()).get(RECORD_KEY)
    if message.media_group_id:
        albums.arriving(message.media_group_id)
    if message.photo:
        largest = message.photo[-1]
        file_id, unique, size = largest.file_id, largest.file_unique_id, largest.file_size
        sent_as, mime, name = "photo", "image/jpeg", ""
    else:
        document = message.document
        assert document is not None
        file_id, unique, size = document.file_id, document.file_unique_id, document.file_size
        sent_as, mime, name = "document", document.mime_type or "", document.file_name or ""
    try:
        if record_id is None:
            raise EvidenceOutsideRecord()  # nothing is downloaded for no record
        check_upload(size, mime, name, records.max_upload_bytes)
        buffer = await bot.download(file_id)
        assert buffer is not None
        outcome = await records.add_evidence(record_id, account.actor, Upload(
            data=buffer.read(), sent_as=sent_as, declared_mime=mime, file_name=name,
            file_unique_id=unique, media_group_id=message.media_group_id,
            message_at=message.date))
    except DomainError as error:
        if message.media_group_id:
            albums.resume(bot, message.media_group_id)
        await message.answer(_refusal(error, tr))
        return
    assert record_id is not None
    total = len((await records.get(record_id)).evidence)
    if message.media_group_id:
        albums.add(bot, message.media_group_id, message.chat.id, tr,
                   duplicate=outcome.duplicate, total=total)
        return
    evidence = outcome.evidence
    if outcome.duplicate:
        await message.answer(tr("rb-duplicate"))
    elif sent_as == "photo":
        await message.answer(tr("rb-photo-saved", count=total))
    elif evidence.has_exif_gps:
        await message.answer(tr("rb-file-saved-gps", name=name, count=total,
                                lat=f"{evidence.exif_latitude:.5f}",
                                lon=f"{evidence.exif_longitude:.5f}"))
    else:
        await message.answer(tr("rb-file-saved", name=name, count=total))


# -- summary, submit, co-sign, amend -------------------------------------------------------------


async def summary(callback: CallbackQuery, *, callback_data: RecordCb, account: AccountView,
                  records: RecordService, tr: Translator) -> None:
    """📋: the record with what still stops the submit, and 确认提交."""
    view = await _usable(callback, callback_data.r, account, records, tr)
    if view is None:
        return
    missing = missing_parts(view, tr)
    text, _markup = _card(view, records, tr)
    verdict = (tr("rb-summary-missing", missing="；".join(missing)) if missing
               else tr("rb-summary-ready"))
    rows = [[_button(tr("rb-btn-back"), a="bk", r=view.id)]]
    if not missing:
        rows.insert(0, [_button(tr("rb-btn-submit"), a="sub", r=view.id)])
    await _edit(callback, _clip(f"{tr('rb-summary-title')}\n{text}\n\n{verdict}"),
                InlineKeyboardMarkup(inline_keyboard=rows))
    await callback.answer()


async def back(callback: CallbackQuery, *, callback_data: RecordCb, records: RecordService,
               tr: Translator) -> None:
    """« back to the card."""
    try:
        view = await records.get(callback_data.r)
    except DomainError as error:
        await callback.answer(_refusal(error, tr), show_alert=True)
        return
    await _edit(callback, *_card(view, records, tr))
    await callback.answer()


async def submit(callback: CallbackQuery, *, callback_data: RecordCb, account: AccountView,
                 records: RecordService, tr: Translator) -> None:
    """✅ 确认提交: locked from now on; the second inspector is asked to co-sign."""
    try:
        view = await records.submit(callback_data.r, account.actor)
    except DomainError as error:
        await callback.answer(_refusal(error, tr), show_alert=True)
        return
    await _edit(callback, *_card(view, records, tr))
    await callback.answer(tr("rb-submitted" if view.cosigner_available
                             else "rb-submitted-alone"), show_alert=True)


async def cosign(callback: CallbackQuery, *, callback_data: RecordCb, account: AccountView,
                 records: RecordService, tr: Translator) -> None:
    """✅ 确认记录: the department's second inspector confirms; a button of the record before
    an amendment is refused."""
    try:
        view = await records.get(callback_data.r)
        if len(view.amendments) != callback_data.n and not view.confirmed:
            await callback.answer(tr("rb-cosign-stale"), show_alert=True)
            return
        view = await records.cosign(callback_data.r, account.actor)
    except DomainError as error:
        await callback.answer(_refusal(error, tr), show_alert=True)
        return
    await callback.answer(tr("rb-cosigned"))
    message = callback.message
    if isinstance(message, Message):
        with contextlib.suppress(TelegramBadRequest):
            await message.edit_text(_clip(f"{message.text or ''}\n\n"
                                          + tr("rb-cosigned-line", name=account.name)),
                                    reply_markup=None)


async def amend_pick(callback: CallbackQuery, *, callback_data: RecordCb,
                     account: AccountView, records: RecordService, tr: Translator) -> None:
    """✏️ 更正 on a submitted record: which text to correct."""
    try:
        view = await records.get(callback_data.r)
        await records.items_for(account.inspector_id or 0, view.task_id, view.subject_id)
    except DomainError as error:
        await callback.answer(_refusal(error, tr), show_alert=True)
        return
    if not view.locked:
        await callback.answer(tr("record-amend-draft", id=view.id), show_alert=True)
        return
    rows = [[_button(tr("rb-field", field=f), a="af", r=view.id, s=f) for f in TEXT_FIELDS],
            [_button(tr("rb-btn-back"), a="bk", r=view.id)]]
    await _edit(callback, f"{_card(view, records, tr)[0]}\n\n{tr('rb-amend-pick')}",
                InlineKeyboardMarkup(inline_keyboard=rows))
    await callback.answer()


async def amend_field(callback: CallbackQuery, *, callback_data: RecordCb,
                      account: AccountView, records: RecordService, state: FSMContext,
                      tr: Translator) -> None:
    """The field to correct: its new text comes next, then the reason."""
    if callback_data.s not in TEXT_FIELDS:
        await callback.answer(tr("record-bad-field", field=callback_data.s), show_alert=True)
        return
    try:
        view = await records.get(callback_data.r)
        await records.items_for(account.inspector_id or 0, view.task_id, view.subject_id)
    except DomainError as error:
        await callback.answer(_refusal(error, tr), show_alert=True)
        return
    await state.set_state(RecordStates.amend_value)
    await state.update_data({RECORD_KEY: view.id, "field": callback_data.s})
    await _send(callback, tr("rb-amend-ask-value", field=tr("rb-field", field=callback_data.s)))
    await callback.answer()


async def amend_value(message: Message, *, state: FSMContext, tr: Translator) -> None:
    """The corrected text; now the reason."""
    await state.set_state(RecordStates.amend_reason)
    await state.update_data({"value": message.text or ""})
    await message.answer(tr("rb-amend-ask-reason"))


async def amend_reason(message: Message, *, account: AccountView, records: RecordService,
                       state: FSMContext, tr: Translator) -> None:
    """The reason: the amendment is made (or refused, changing nothing)."""
    data = await state.get_data()
    field, value = str(data.get("field")), str(data.get("value", ""))
    await state.set_state(None)
    try:
        view = await records.amend(
            data.get(RECORD_KEY) or 0, account.actor, message.text or "",
            findings=value if field == "findings" else None,
            disposal=value if field == "disposal" else None,
            notes=value if field == "notes" else None)
    except DomainError as error:
        await message.answer(_refusal(error, tr))
        return
    text, markup = _card(view, records, tr)
    await message.answer(tr("rb-amended", number=len(view.amendments)))
    await message.answer(text, reply_markup=markup)


async def refer(callback: CallbackQuery, *, callback_data: RecordCb, account: AccountView,
                records: RecordService, state: FSMContext, tr: Translator) -> None:
    """移送/告知 on a submitted record: the department's member refers its finding through
    the referral form of ``handlers.results`` (kind, target, finding, ✅ 确认办理)."""
    try:
        view = await records.for_referral(account.actor, callback_data.r)
    except DomainError as error:
        await callback.answer(_refusal(error, tr), show_alert=True)
        return
    await callback.answer()
    await begin_referral(callback, state, tr, task_id=view.task_id, subject_id=view.subject_id,
                         subject_name=view.subject_name, record_id=view.id)


def build_router() -> Router:
    """The record feature (the service comes from the update's scope of the composition root).

    Photos, files and locations are caught here in any state except the schedule's own
    location question (its router comes first), so evidence outside a record gets an answer."""
    router = Router(name=__name__)
    albums = AlbumCollector()
    router.message.middleware.register(_albums_middleware(albums))
    router.message.register(record_command, Command("record"))
    router.callback_query.register(all_subjects, RecordCb.filter(F.a == "all"))
    router.callback_query.register(subject_items, RecordCb.filter(F.a == "su"))
    router.callback_query.register(open_item, RecordCb.filter(F.a == "it"))
    router.callback_query.register(change, RecordCb.filter(F.a.in_({"p", "m"})))
    router.callback_query.register(ask_text, RecordCb.filter(F.a == "tx"))
    router.callback_query.register(ask_location, RecordCb.filter(F.a == "loc"))
    router.callback_query.register(ask_evidence, RecordCb.filter(F.a == "ev"))
    router.callback_query.register(summary, RecordCb.filter(F.a == "sum"))
    router.callback_query.register(back, RecordCb.filter(F.a == "bk"))
    router.callback_query.register(submit, RecordCb.filter(F.a == "sub"))
    router.callback_query.register(cosign, RecordCb.filter(F.a == "cs"))
    router.callback_query.register(amend_pick, RecordCb.filter(F.a == "am"))
    router.callback_query.register(amend_field, RecordCb.filter(F.a == "af"))
    router.callback_query.register(refer, RecordCb.filter(F.a == "rf"))
    not_command = ~F.text.startswith("/")
    router.message.register(text_received, RecordStates.text, F.text, not_command)
    router.message.register(amend_value, RecordStates.amend_value, F.text, not_command)
    router.message.register(amend_reason, RecordStates.amend_reason, F.text, not_command)
    router.message.register(evidence_received, F.photo | F.document)
    router.message.register(location_received, F.location)
    router.edited_message.register(live_location_moved, F.location)
    return router


def _albums_middleware(albums: AlbumCollector) -> Any:
    async def middleware(handler: Any, event: Any, data: dict[str, Any]) -> Any:
        data["albums"] = albums
        return await handler(event, data)

    return middleware
