"""安排检查日程 (Art. 13): the leader plans, adjusts and sends the team's schedule; members
confirm it or say why they cannot take part; the leader's status message is edited in place.

Plain callback handlers and two FSM states (the refusal's reason, the leader's location), not
aiogram_dialog: every screen here is one message edited in place whose buttons carry the
schedule *version* id, so a button of an old version reaches the service, which refuses it
with the reason (a dialog stack keeps its own state per user and would answer an old button
with its own "outdated" handling instead of the domain's). The members' screens are opened by
the leader's action, in other people's chats, which dialogs do only through background
managers. Date choices list the working days of the window (from the calendar with 调休)
instead of a month calendar, so a non-working day cannot be picked at all.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
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
from services.accounts import AccountView
from services.assignments import Assignment
from services.errors import DomainError
from services.geo import Point, amap_navigation_url, baidu_navigation_url
from services.schedule import ScheduleService, ScheduleView

from handlers.i18n import Translator, normalise

MAX_TEXT = 4000  # Telegram allows 4096 characters in a message
START_TIMES = ("07:30", "08:00", "08:30", "09:00", "09:30", "10:00", "13:30", "14:00", "14:30")


class ScheduleCb(CallbackData, prefix="sc"):
    """A schedule button. ``s`` is the schedule *version* id (the task id for ``o``pen);
    ``n`` a team number or subject id; ``d``/``e`` dates as YYYYMMDD or a time as HHMM."""

    a: str
    s: int
    n: int = 0
    d: str = ""
    e: str = ""


class ScheduleStates(StatesGroup):
    """Waiting for a refusal's reason, or for the leader's location."""

    reason = State()
    location = State()


# -- text ----------------------------------------------------------------------------------------


def _ymd(day: dt.date) -> str:
    return day.strftime("%Y%m%d")


def _day(text: str) -> dt.date:
    return dt.datetime.strptime(text, "%Y%m%d").date()  # noqa: DTZ007 -- a date, no time


def _start_label(view: ScheduleView, tr: Translator) -> str:
    if view.start_label == "office":
        return tr("schedule-start-office")
    if view.start_label == "shared-location":
        return tr("schedule-start-shared")
    return view.start_label


def schedule_lines(view: ScheduleView, tr: Translator, *, answers: bool, flags: bool
                   ) -> list[str]:
    """The schedule as lines: days with their stops, kilometres and times; flags; answers."""
    lines = [
        tr("schedule-title", code=view.task_code, team=view.team_number, version=view.version,
           state=tr(f"schedule-state-{view.state}")),
        tr("schedule-leader", name=view.leader_name),
        tr("schedule-start", label=_start_label(view, tr)),
    ]
    for day in view.days:
        lines.append("")
        lines.append(tr("schedule-day", day=day.day.isoformat(),
                        weekday=tr(f"weekday-{day.day.weekday()}"),
                        time=day.starts_at.strftime("%H:%M"), count=len(day.stops),
                        km=f"{day.km:.1f}", minutes=str(day.travel_minutes)))
        lines.extend(tr("schedule-stop", n=stop.position, name=stop.name, address=stop.address)
                     for stop in day.stops)
    lines.append("")
    lines.append(tr("schedule-total", days=len(view.days),
                    count=sum(len(d.stops) for d in view.days), km=f"{view.km:.1f}"))
    if flags and view.flags:
        lines.append("")
        lines.append(tr("schedule-flags"))
        lines.extend(tr(f"schedule-flag-{f.kind}", day=f.day.isoformat(), name=f.name,
                        other=f.other) for f in view.flags)
    if answers and view.answers:
        lines.append("")
        done = sum(1 for a in view.answers if a.state == "confirmed")
        lines.append(tr("schedule-answers", done=done, total=len(view.answers)))
        for a in view.answers:
            line = tr(f"schedule-answer-{a.state}", name=a.name, department=a.department_name,
                      reason=a.reason)
            if a.telegram_user_id is None:
                line += tr("schedule-answer-unbound")
            lines.append(line)
    return lines


def _clip(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT - 1] + "…"


def schedule_text(view: ScheduleView, tr: Translator, *, answers: bool = True,
                  flags: bool = True) -> str:
    """The schedule as one message."""
    return _clip("\n".join(schedule_lines(view, tr, answers=answers, flags=flags)))


def _button(text: str, **cb: Any) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=ScheduleCb(**cb).pack())


def _venue_rows(view: ScheduleView, tr: Translator) -> list[list[InlineKeyboardButton]]:
    buttons = [_button(tr("schedule-btn-venues", day=d.day.strftime("%m-%d")), a="pl", s=view.id,
                       d=_ymd(d.day)) for d in view.days]
    return [buttons[i:i + 3] for i in range(0, len(buttons), 3)]


def leader_markup(view: ScheduleView, tr: Translator) -> InlineKeyboardMarkup:
    """The leader's buttons: adjust and send a draft; revise once sent."""
    rows: list[list[InlineKeyboardButton]] = []
    if view.state == "draft":
        rows.append([_button(tr("schedule-btn-send"), a="send", s=view.id)])
        rows.append([_button(tr("schedule-btn-dates"), a="dd", s=view.id),
                     _button(tr("schedule-btn-subjects"), a="ss", s=view.id)])
        rows.append([_button(tr("schedule-btn-time"), a="td", s=view.id),
                     _button(tr("schedule-btn-location"), a="loc", s=view.id)])
    elif view.state in ("sent", "fixed"):
        rows.append([_button(tr("schedule-btn-revise"), a="rev", s=view.id)])
        if view.state == "sent" and view.pending:
            rows.append([_button(tr("schedule-btn-remind"), a="ask", s=view.id)])
    rows.extend(_venue_rows(view, tr))
    return InlineKeyboardMarkup(inline_keyboard=rows)


def member_markup(view: ScheduleView, tr: Translator, *, answered: bool = False
                  ) -> InlineKeyboardMarkup:
    """A member's buttons: the places of each day, and confirm / cannot take part."""
    rows = _venue_rows(view, tr)
    if not answered:
        rows.append([_button(tr("schedule-btn-confirm"), a="ok", s=view.id),
                     _button(tr("schedule-btn-refuse"), a="no", s=view.id)])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def plan_button(assignment: Assignment, tr: Translator) -> list[InlineKeyboardButton]:
    """「安排检查日程」 for the leader of a team, on the assignment's page in /tasks."""
    return [_button(tr("schedule-button-plan"), a="o", s=assignment.summary.task_id,
                    n=assignment.summary.team_number or 0)]


def with_plan_button(markup: InlineKeyboardMarkup, assignment: Assignment, tr: Translator
                     ) -> InlineKeyboardMarkup:
    """``markup`` with 「安排检查日程」 on top when the person leads the team."""
    if not assignment.summary.is_leader or assignment.summary.team_number is None:
        return markup
    return InlineKeyboardMarkup(inline_keyboard=[plan_button(assignment, tr),
                                                 *markup.inline_keyboard])


# -- helpers -------------------------------------------------------------------------------------


def _refusal(error: DomainError, tr: Translator) -> str:
    return tr(error.key, **error.args_map)


async def _edit(callback: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None
                ) -> None:
    message = callback.message
    if message is None or isinstance(message, InaccessibleMessage):
        return
    if message.text == text and markup == message.reply_markup:
        return  # Telegram refuses an edit that changes nothing
    with contextlib.suppress(TelegramBadRequest):  # "message is not modified"
        await message.edit_text(text, reply_markup=markup)


async def _show_leader(callback: CallbackQuery, view: ScheduleView, tr: Translator) -> None:
    await _edit(callback, schedule_text(view, tr, answers=view.state != "draft"),
                leader_markup(view, tr))


async def _update_status(bot: Bot, view: ScheduleView) -> None:
    """Edit the leader's status message in place (in the leader's language)."""
    if view.status_chat_id is None or view.status_message_id is None:
        return
    tr = Translator(normalise(view.leader_language))
    with contextlib.suppress(TelegramBadRequest, TelegramForbiddenError):
        await bot.edit_message_text(
            schedule_text(view, tr), chat_id=view.status_chat_id,
            message_id=view.status_message_id, reply_markup=leader_markup(view, tr))


async def _tell(bot: Bot, chat_id: int | None, text: str,
                markup: InlineKeyboardMarkup | None = None) -> bool:
    if chat_id is None:
        return False
    try:
        await bot.send_message(chat_id, text, reply_markup=markup)
    except (TelegramBadRequest, TelegramForbiddenError):
        return False  # blocked the bot or never started it; the leader's status shows it
    return True


async def _announce_fixed(bot: Bot, view: ScheduleView) -> None:
    people = [(view.leader_telegram_user_id, view.leader_language)]
    people += [(a.telegram_user_id, a.language) for a in view.answers]
    for chat_id, language in people:
        tr = Translator(normalise(language))
        await _tell(bot, chat_id, tr("schedule-fixed-all", code=view.task_code,
                                     team=view.team_number, version=view.version))


def _day_buttons(view: ScheduleView, action: str, tr: Translator
                 ) -> InlineKeyboardMarkup:
    rows = [[_button(f"{d.day.isoformat()}（{tr(f'weekday-{d.day.weekday()}')}）", a=action,
                     s=view.id, d=_ymd(d.day))] for d in view.days]
    rows.append([_button(tr("schedule-btn-back"), a="v", s=view.id)])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def _date_grid(view: ScheduleView, action: str, tr: Translator, *, n: int = 0, d: str = "",
               skip: frozenset[dt.date] = frozenset()) -> list[list[InlineKeyboardButton]]:
    buttons = [_button(f"{w.strftime('%m-%d')} {tr(f'weekday-{w.weekday()}')}", a=action,
                       s=view.id, n=n, d=d, e=_ymd(w))
               for w in view.working_days if w not in skip]
    return [buttons[i:i + 4] for i in range(0, len(buttons), 4)][:20]


# -- the leader ----------------------------------------------------------------------------------


async def open_schedule(
    callback: CallbackQuery, *, callback_data: ScheduleCb, account: AccountView,
    schedules: ScheduleService, state: FSMContext, tr: Translator,
) -> None:
    """「安排检查日程」: the current version (a draft keeps its adjustments), or a new
    proposal from the office; without office coordinates, the leader's location."""
    try:
        team_id = await schedules.team_id(callback_data.s, callback_data.n)
    except DomainError as error:
        await callback.answer(_refusal(error, tr), show_alert=True)
        return
    try:
        view = await schedules.current(team_id)
        if view is None:
            view = await schedules.propose(team_id, account.actor)
        elif view.leader_inspector_id != account.inspector_id:
            await callback.answer(tr("schedule-not-leader"), show_alert=True)
            return
    except DomainError as error:
        if error.key == "schedule-no-office":
            await _ask_location(callback, state, tr, team_id=team_id)
        await callback.answer(_refusal(error, tr), show_alert=True)
        return
    await _show_leader(callback, view, tr)
    await callback.answer()


async def back_to_schedule(
    callback: CallbackQuery, *, callback_data: ScheduleCb, schedules: ScheduleService,
    account: AccountView, tr: Translator,
) -> None:
    """« Back: the schedule and the leader's buttons again."""
    try:
        view = await schedules.get(callback_data.s)
    except DomainError as error:
        await callback.answer(_refusal(error, tr), show_alert=True)
        return
    if view.leader_inspector_id != account.inspector_id:
        await callback.answer(tr("schedule-not-leader"), show_alert=True)
        return
    await _show_leader(callback, view, tr)
    await callback.answer()


async def pick(
    callback: CallbackQuery, *, callback_data: ScheduleCb, schedules: ScheduleService,
    account: AccountView, tr: Translator,
) -> None:
    """The choice screens of the leader's adjustments (nothing changes until the last tap)."""
    try:
        view = await schedules.get(callback_data.s)
    except DomainError as error:
        await callback.answer(_refusal(error, tr), show_alert=True)
        return
    if view.leader_inspector_id != account.inspector_id:
        await callback.answer(tr("schedule-not-leader"), show_alert=True)
        return
    if view.state != "draft":
        await callback.answer(tr("schedule-not-draft"), show_alert=True)
        return
    back = [_button(tr("schedule-btn-back"), a="v", s=view.id)]
    action, d = callback_data.a, callback_data.d
    if action == "dd":
        text, markup = tr("schedule-pick-day"), _day_buttons(view, "dm", tr)
    elif action == "dm":
        taken = frozenset(x.day for x in view.days)
        text = tr("schedule-pick-new-date", day=_day(d).isoformat())
        markup = InlineKeyboardMarkup(inline_keyboard=[
            *_date_grid(view, "dt", tr, d=d, skip=taken), back])
    elif action == "ss":
        rows = [[_button(f"{x.day.strftime('%m-%d')} {s.position}. {s.name}", a="sa", s=view.id,
                         n=s.subject_id)] for x in view.days for s in x.stops]
        text = tr("schedule-pick-subject")
        markup = InlineKeyboardMarkup(inline_keyboard=[*rows[:40], back])
    elif action == "sa":
        stop = next((s for x in view.days for s in x.stops
                     if s.subject_id == callback_data.n), None)
        if stop is None:
            await callback.answer(tr("schedule-stop-not-found"), show_alert=True)
            return
        text = tr("schedule-subject-actions", name=stop.name)
        markup = InlineKeyboardMarkup(inline_keyboard=[
            [_button(tr("schedule-btn-earlier"), a="se", s=view.id, n=stop.subject_id)],
            *_date_grid(view, "sm", tr, n=stop.subject_id), back])
    elif action == "td":
        text, markup = tr("schedule-pick-time-day"), _day_buttons(view, "tp", tr)
    else:  # "tp"
        times = [_button(t, a="ts", s=view.id, d=d, e=t.replace(":", "")) for t in START_TIMES]
        text = tr("schedule-pick-time", day=_day(d).isoformat())
        markup = InlineKeyboardMarkup(inline_keyboard=[
            *[times[i:i + 3] for i in range(0, len(times), 3)], back])
    await _edit(callback, text, markup)
    await callback.answer()


async def adjust(
    callback: CallbackQuery, *, callback_data: ScheduleCb, schedules: ScheduleService,
    account: AccountView, tr: Translator,
) -> None:
    """The last tap of an adjustment: change the draft, show it again."""
    cb, actor = callback_data, account.actor
    try:
        if cb.a == "dt":
            view = await schedules.move_day(cb.s, actor, _day(cb.d), _day(cb.e))
        elif cb.a == "se":
            view = await schedules.move_earlier(cb.s, actor, cb.n)
        elif cb.a == "sm":
            view = await schedules.move_subject(cb.s, actor, cb.n, _day(cb.e))
        else:  # "ts"
            view = await schedules.set_start_time(
                cb.s, actor, _day(cb.d), dt.time(int(cb.e[:2]), int(cb.e[2:])))
    except (DomainError, ValueError) as error:
        text = _refusal(error, tr) if isinstance(error, DomainError) else tr("error-validation")
        await callback.answer(text, show_alert=True)
        return
    await _show_leader(callback, view, tr)
    await callback.answer()


async def _ask_location(callback: CallbackQuery, state: FSMContext, tr: Translator, *,
                        team_id: int) -> None:
    await state.set_state(ScheduleStates.location)
    await state.set_data({"team_id": team_id})
    if callback.message is not None:
        keyboard = ReplyKeyboardMarkup(
            keyboard=[[KeyboardButton(text=tr("schedule-location-button"),
                                      request_location=True)]],
            resize_keyboard=True, one_time_keyboard=True)
        await callback.bot.send_message(  # type: ignore[union-attr]
            callback.message.chat.id, tr("schedule-ask-location"), reply_markup=keyboard)


async def ask_location(
    callback: CallbackQuery, *, callback_data: ScheduleCb, schedules: ScheduleService,
    account: AccountView, state: FSMContext, tr: Translator,
) -> None:
    """📍: the next shared location becomes the start point of a new proposal."""
    try:
        view = await schedules.get(callback_data.s)
    except DomainError as error:
        await callback.answer(_refusal(error, tr), show_alert=True)
        return
    if view.leader_inspector_id != account.inspector_id:
        await callback.answer(tr("schedule-not-leader"), show_alert=True)
        return
    await _ask_location(callback, state, tr, team_id=view.team_id)
    await callback.answer()


async def location_received(
    message: Message, *, account: AccountView, schedules: ScheduleService,
    state: FSMContext, tr: Translator,
) -> None:
    """The leader's location: propose again from there."""
    data = await state.get_data()
    await state.clear()
    assert message.location is not None  # the filter let only locations through
    try:
        view = await schedules.propose(
            data["team_id"], account.actor,
            start=Point(message.location.latitude, message.location.longitude))
    except DomainError as error:
        await message.answer(_refusal(error, tr), reply_markup=ReplyKeyboardRemove())
        return
    await message.answer(tr("schedule-start", label=tr("schedule-start-shared")),
                         reply_markup=ReplyKeyboardRemove())
    await message.answer(schedule_text(view, tr, answers=False),
                         reply_markup=leader_markup(view, tr))


async def send_schedule(
    callback: CallbackQuery, *, callback_data: ScheduleCb, schedules: ScheduleService,
    account: AccountView, bot: Bot, tr: Translator,
) -> None:
    """📤: send the draft; each member gets it with 确认 / 无法参加; this message becomes the
    leader's status, edited in place as members answer."""
    try:
        view = await schedules.send(callback_data.s, account.actor)
    except DomainError as error:
        await callback.answer(_refusal(error, tr), show_alert=True)
        return
    message = callback.message
    if message is not None and not isinstance(message, InaccessibleMessage):
        await schedules.set_status_message(view.id, message.chat.id, message.message_id)
        view = await schedules.get(view.id)
    await _show_leader(callback, view, tr)
    await _ask_members(bot, view)
    unbound = [a.name for a in view.answers if a.telegram_user_id is None]
    await callback.answer(tr("schedule-sent", version=view.version,
                             count=len(view.answers) - len(unbound)))
    if unbound and message is not None:
        await bot.send_message(message.chat.id, tr("schedule-sent-unbound",
                                                   names="、".join(unbound)))
    if view.state == "fixed":
        await _announce_fixed(bot, view)


async def _ask_members(bot: Bot, view: ScheduleView) -> None:
    for member in view.pending:
        tr = Translator(normalise(member.language))
        text = _clip(tr("schedule-to-member", leader=view.leader_name) + "\n\n"
                     + schedule_text(view, tr, answers=False, flags=False))
        await _tell(bot, member.telegram_user_id, text, member_markup(view, tr))


async def remind(
    callback: CallbackQuery, *, callback_data: ScheduleCb, schedules: ScheduleService,
    account: AccountView, bot: Bot, tr: Translator,
) -> None:
    """🔔: send the schedule again to the members who have not answered (a replacement drawn
    after sending gets it for the first time)."""
    try:
        view = await schedules.to_remind(callback_data.s, account.actor)
    except DomainError as error:
        await callback.answer(_refusal(error, tr), show_alert=True)
        return
    await _ask_members(bot, view)
    reached = sum(1 for a in view.pending if a.telegram_user_id is not None)
    await callback.answer(tr("schedule-reminded", count=reached))


async def revise(
    callback: CallbackQuery, *, callback_data: ScheduleCb, schedules: ScheduleService,
    account: AccountView, tr: Translator,
) -> None:
    """✏️: a new version to adjust and send; the old answers lapse."""
    try:
        view = await schedules.revise(callback_data.s, account.actor)
    except DomainError as error:
        await callback.answer(_refusal(error, tr), show_alert=True)
        return
    await _show_leader(callback, view, tr)
    await callback.answer()


async def venues(
    callback: CallbackQuery, *, callback_data: ScheduleCb, schedules: ScheduleService,
    account: AccountView, bot: Bot, tr: Translator,
) -> None:
    """📍 a day's places: a Telegram venue per stop, with Amap and Baidu navigation links."""
    try:
        view = await schedules.get(callback_data.s)
    except DomainError as error:
        await callback.answer(_refusal(error, tr), show_alert=True)
        return
    team = {a.inspector_id for a in view.answers} | {view.leader_inspector_id}
    if account.inspector_id not in team:
        await callback.answer(tr("schedule-not-member"), show_alert=True)
        return
    day = next((d for d in view.days if _ymd(d.day) == callback_data.d), None)
    if day is None or callback.message is None:
        await callback.answer(tr("schedule-day-not-found", day=callback_data.d),
                              show_alert=True)
        return
    await callback.answer()
    for stop in day.stops:
        if stop.location is None:
            continue
        links = InlineKeyboardMarkup(inline_keyboard=[[
            InlineKeyboardButton(text=tr("schedule-btn-amap"),
                                 url=amap_navigation_url(stop.location, stop.name)),
            InlineKeyboardButton(text=tr("schedule-btn-baidu"),
                                 url=baidu_navigation_url(stop.location, stop.name)),
        ]])
        await bot.send_venue(
            callback.message.chat.id, latitude=stop.location.lat, longitude=stop.location.lon,
            title=f"{stop.position}. {stop.name}", address=stop.address or stop.district,
            reply_markup=links)


# -- the members ---------------------------------------------------------------------------------


async def confirm(
    callback: CallbackQuery, *, callback_data: ScheduleCb, schedules: ScheduleService,
    account: AccountView, bot: Bot, tr: Translator,
) -> None:
    """✅: confirm this version; the leader's status is edited; all confirmed → fixed."""
    try:
        outcome = await schedules.answer(callback_data.s, account.actor,
                                         confirm=True)
    except DomainError as error:
        await callback.answer(_refusal(error, tr), show_alert=True)
        return
    view = outcome.view
    message = callback.message
    if message is not None and not isinstance(message, InaccessibleMessage):
        await _edit(callback, _clip(f"{message.text or ''}\n\n"
                                    + tr("schedule-confirmed-thanks", version=view.version)),
                    member_markup(view, tr, answered=True))
    await callback.answer(tr("schedule-confirmed-thanks", version=view.version))
    await _update_status(bot, view)
    if outcome.fixed_now:
        await _announce_fixed(bot, view)


async def ask_reason(
    callback: CallbackQuery, *, callback_data: ScheduleCb, schedules: ScheduleService,
    account: AccountView, state: FSMContext, tr: Translator,
) -> None:
    """❌: ask why (a stale or answered version is refused here already)."""
    try:
        await schedules.may_answer(callback_data.s, account.actor)
    except DomainError as error:
        await callback.answer(_refusal(error, tr), show_alert=True)
        return
    message = callback.message
    await state.set_state(ScheduleStates.reason)
    await state.set_data({
        "schedule_id": callback_data.s,
        "message_id": message.message_id if message is not None else None,
        "text": getattr(message, "text", None) or "",
    })
    if message is not None:
        await callback.bot.send_message(  # type: ignore[union-attr]
            message.chat.id, tr("schedule-ask-reason"))
    await callback.answer()


async def reason_received(
    message: Message, *, account: AccountView, schedules: ScheduleService, state: FSMContext,
    bot: Bot, tr: Translator,
) -> None:
    """The reason: refuse with it; the leader hears it at once, with the revise button."""
    data = await state.get_data()
    try:
        outcome = await schedules.answer(data["schedule_id"], account.actor, confirm=False,
                                         reason=message.text or "")
    except DomainError as error:
        if error.key not in ("schedule-reason-required", "schedule-reason-too-long"):
            await state.clear()  # nothing to wait for any more
        await message.answer(_refusal(error, tr))
        return
    await state.clear()
    view = outcome.view
    me = next(a for a in view.answers if a.inspector_id == account.inspector_id)
    if data.get("message_id"):
        with contextlib.suppress(TelegramBadRequest):
            await bot.edit_message_text(
                _clip(f"{data.get('text', '')}\n\n"
                      + tr("schedule-refused-thanks", version=view.version, reason=me.reason)),
                chat_id=message.chat.id, message_id=data["message_id"],
                reply_markup=member_markup(view, tr, answered=True))
    await message.answer(tr("schedule-refused-thanks", version=view.version, reason=me.reason))
    await _update_status(bot, view)
    leader_tr = Translator(normalise(view.leader_language))
    await _tell(bot, view.leader_telegram_user_id,
                leader_tr("schedule-refused-to-leader", name=me.name, version=view.version,
                          reason=me.reason),
                InlineKeyboardMarkup(inline_keyboard=[[
                    _button(leader_tr("schedule-btn-revise"), a="rev", s=view.id)]]))


def build_router() -> Router:
    """The schedule feature: the leader's planning and the members' answers (the service comes
    from the update's scope of the composition root)."""
    router = Router(name=__name__)
    router.callback_query.register(open_schedule, ScheduleCb.filter(F.a == "o"))
    router.callback_query.register(back_to_schedule, ScheduleCb.filter(F.a == "v"))
    router.callback_query.register(
        pick, ScheduleCb.filter(F.a.in_({"dd", "dm", "ss", "sa", "td", "tp"})))
    router.callback_query.register(adjust, ScheduleCb.filter(F.a.in_({"dt", "se", "sm", "ts"})))
    router.callback_query.register(ask_location, ScheduleCb.filter(F.a == "loc"))
    router.callback_query.register(send_schedule, ScheduleCb.filter(F.a == "send"))
    router.callback_query.register(revise, ScheduleCb.filter(F.a == "rev"))
    router.callback_query.register(remind, ScheduleCb.filter(F.a == "ask"))
    router.callback_query.register(venues, ScheduleCb.filter(F.a == "pl"))
    router.callback_query.register(confirm, ScheduleCb.filter(F.a == "ok"))
    router.callback_query.register(ask_reason, ScheduleCb.filter(F.a == "no"))
    router.message.register(location_received, ScheduleStates.location, F.location)
    router.message.register(reason_received, ScheduleStates.reason, F.text,
                            ~F.text.startswith("/"))
    return router
