"""/results: the team leader's side of the field work (Art. 13, 16, 17, 19).

Per subject of the leader's team: every department × item's record (submitted, co-signed,
unconfirmed, missing), then the final result — the categories and the disposal measures as
toggle buttons from ``services/vocab`` (the sub-kinds of "follow-up pending" appear once A
is picked), the summary typed, a correction deadline typed or tapped when 责令改正 is picked,
a review and one confirmation. After the entry the bot sends the on-site record form (PDF).
From the result (or from one submitted record with a finding) the leader refers a finding to
another department (告知), hands it to the own case unit, or records a transfer to judicial
organs; the receiving admins get the notice
from the outbox with the acknowledgement button (``handlers.referrals``). The referral form is
opened by ``begin_referral``, which ``handlers.records`` uses too: a member refers a finding of
their own submitted record from its card in /record.

Every form message's buttons carry the form's nonce: a button of an earlier form (or of a
form already confirmed) is answered "out of date" and changes nothing. The rules — who may
enter, what fits together, the deadline — stay in the services; the handler only gathers.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import secrets
from typing import Any

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InaccessibleMessage,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)
from services import vocab
from services.accounts import AccountView
from services.archive import ArchiveService
from services.assignments import AssignmentService
from services.clock import Clock, local_date
from services.errors import DomainError
from services.referrals import CASE_UNIT, INFORM, JUDICIAL, ReferralRequest, ReferralService
from services.results import (
    FOLLOW_UP,
    ResultEntry,
    ResultInvalid,
    ResultNotLeader,
    ResultService,
    SubjectSheet,
    validate_entry,
)
from services.tasks import TaskService

from handlers.i18n import Translator

MAX_TEXT = 4000
DEADLINE_CHOICES = (7, 15, 30)  # days from today offered as buttons for a correction order
CATEGORY_REASONS = ("no-category", "follow-up-needs-kind", "no-problem-alone")
DISPOSAL_REASONS = ("no-disposal", "nothing-further-alone")
ON, OFF = "■", "□"
PLACEHOLDER_DAY = dt.date(2000, 1, 1)  # stands in for the deadline not asked for yet


class ResCb(CallbackData, prefix="rs"):
    """A /results button: ``a`` the action, ``t`` task, ``s`` subject, ``f`` the form's
    nonce (0 outside a form), ``c`` a code or a date as YYYYMMDD."""

    a: str
    t: int = 0
    s: int = 0
    f: int = 0
    c: str = ""


class ResultStates(StatesGroup):
    """Typed steps of the result form and of the referral form."""

    summary = State()
    other = State()
    deadline = State()
    reason = State()
    finding = State()
    organ = State()
    transferred_on = State()
    document = State()


# -- text ----------------------------------------------------------------------------------------


def _lang(tr: Translator) -> str:
    return "en" if tr.language == "en" else "zh"


def _join(words: list[str], tr: Translator) -> str:
    return (", " if tr.language == "en" else "、").join(words)


def _clip(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT - 1] + "…"


def _button(text: str, **cb: Any) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=ResCb(**cb).pack())


def _parse_day(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return None


def _counts(sheet: SubjectSheet) -> dict[str, int]:
    submitted = sum(1 for line in sheet.lines if line.state in ("submitted", "cosigned"))
    cosigned = sum(1 for line in sheet.lines if line.state == "cosigned")
    return {"lines": len(sheet.lines), "submitted": submitted, "cosigned": cosigned,
            "unconfirmed": submitted - cosigned, "missing": len(sheet.missing)}


def task_overview(code: str, name: str, sheets: list[SubjectSheet], tr: Translator
                  ) -> tuple[str, InlineKeyboardMarkup]:
    """One task of the leader: a line per subject (result, or the records so far)."""
    team = sheets[0].team_number if sheets else "-"
    done = sum(1 for s in sheets if s.result is not None)
    lines = [tr("results-task-title", code=code, name=name, team=team, done=done,
                total=len(sheets))]
    rows = []
    for n, sheet in enumerate(sheets, start=1):
        if sheet.result is not None:
            state = tr("results-subject-done-late" if sheet.result.late
                       else "results-subject-done")
        else:
            state = tr("results-subject-records", **_counts(sheet))
        lines.append(tr("results-subject-line", n=n, name=sheet.subject_name, state=state))
        rows.append([_button(f"{n}. {sheet.subject_name}", a="v", t=sheet.task_id,
                             s=sheet.subject_id)])
    lines.append("")
    lines.append(tr("results-pick-subject"))
    return _clip("\n".join(lines)), InlineKeyboardMarkup(inline_keyboard=rows)


def sheet_text(sheet: SubjectSheet, code: str, tr: Translator) -> str:
    """The leader's view of one subject: every department × item, the result so far."""
    lines = [tr("results-sheet-title", code=code, name=sheet.subject_name,
                team=sheet.team_number)]
    if sheet.check_date and sheet.due_on:
        lines.append(tr("results-sheet-check-date", day=sheet.check_date.isoformat(),
                        due=sheet.due_on.isoformat()))
    else:
        lines.append(tr("results-sheet-no-check"))
    lines.append("")
    lines.append(tr("results-sheet-records"))
    records = {r.id: r for r in sheet.records}
    for line in sheet.lines:
        record = records.get(line.record_id) if line.record_id else None
        by = record.submitted_by.name if record and record.submitted_by else ""
        cosigner = record.cosigned_by.name if record and record.cosigned_by else ""
        lines.append(tr(f"results-line-{line.state}", department=line.department_code,
                        item=line.item_name, by=by, cosigner=cosigner))
    lines.append(tr("results-sheet-summary", **_counts(sheet)))
    lines.append("")
    result = sheet.result
    if result is None:
        lines.append(tr("results-sheet-no-result"))
    else:
        lines.append(tr("results-sheet-result-late" if result.late else "results-sheet-result",
                        on=result.entered_on.isoformat(), by=result.entered_by,
                        categories=_join(result.category_labels(_lang(tr)), tr)))
        lines.append(tr("results-sheet-disposals", disposals=_disposal_words(
            list(result.disposals), result.disposal_other, tr)))
        if result.correction_due_on:
            lines.append(tr("results-sheet-correction", day=result.correction_due_on.isoformat()))
        lines.append(tr("results-sheet-text", summary=result.summary))
    return _clip("\n".join(lines))


def sheet_markup(sheet: SubjectSheet, tr: Translator) -> InlineKeyboardMarkup:
    """Enter (or revise) the result, the PDF, refer (once there is a result), back."""
    t, s = sheet.task_id, sheet.subject_id
    rows = [[_button(tr("results-btn-revise" if sheet.result else "results-btn-enter"),
                     a="e", t=t, s=s)],
            [_button(tr("results-btn-pdf"), a="pdf", t=t, s=s)]]
    if sheet.result is not None:
        rows.append([_button(tr("results-btn-refer"), a="r", t=t, s=s)])
    for record in sheet.records:  # a finding of one record may be referred on its own
        if record.locked and record.has_finding:
            rows.append([_button(tr("results-btn-refer-record", department=record.department_code,
                                    item=record.item_name), a="rr", t=t, s=s,
                                 c=str(record.id))])
    rows.append([_button(tr("results-btn-back"), a="l", t=t)])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def _category_words(codes: list[str], tr: Translator) -> str:
    return _join(vocab.results().labels(codes, _lang(tr)), tr) or "—"


def _disposal_words(codes: list[str], other: str, tr: Translator) -> str:
    words = []
    for term in vocab.disposals().terms:
        if term.code in codes:
            label = term.label(_lang(tr))
            words.append(tr("results-other-measure", label=label, text=other)
                         if term.code == "other" and other else label)
    return _join(words, tr) or "—"


def category_markup(form: dict[str, Any], tr: Translator) -> InlineKeyboardMarkup:
    """The result categories as toggles; the sub-kinds of A only once A is picked."""
    chosen = set(form["cats"])
    rows = []
    for term in vocab.results().terms:
        parent = term.flag("parent")
        if parent and parent not in chosen:
            continue
        mark = ON if term.code in chosen else OFF
        indent = "　└ " if parent else ""
        rows.append([_button(f"{indent}{mark} {term.label(_lang(tr))}", a="c", f=form["n"],
                             c=term.code)])
    rows.append([_button(tr("results-btn-next"), a="cn", f=form["n"]),
                 _button(tr("results-btn-cancel"), a="x", f=form["n"])])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def disposal_markup(form: dict[str, Any], tr: Translator) -> InlineKeyboardMarkup:
    """The disposal measures as toggles."""
    chosen = set(form["disp"])
    rows = [[_button(f"{ON if term.code in chosen else OFF} {term.label(_lang(tr))}", a="d",
                     f=form["n"], c=term.code)] for term in vocab.disposals().terms]
    rows.append([_button(tr("results-btn-next"), a="dn", f=form["n"]),
                 _button(tr("results-btn-cancel"), a="x", f=form["n"])])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def _form_lines(form: dict[str, Any], tr: Translator) -> list[str]:
    lines = [tr("results-form-title", subject=form["subject"])]
    if form["cats"]:
        lines.append(tr("results-form-categories", categories=_category_words(form["cats"], tr)))
    if form["summary"]:
        lines.append(tr("results-form-summary", summary=form["summary"]))
    if form["disp"]:
        lines.append(tr("results-form-disposals",
                        disposals=_disposal_words(form["disp"], form["other"], tr)))
    if form["due"]:
        lines.append(tr("results-form-deadline", day=form["due"]))
    if form["reason"]:
        lines.append(tr("results-form-reason", reason=form["reason"]))
    return lines


def _step(form: dict[str, Any], key: str, tr: Translator) -> str:
    return "\n".join([*_form_lines(form, tr), "", tr(key)])


def _needs_deadline(codes: list[str]) -> bool:
    return any((vocab.disposals().get(c) or vocab.Term("", "", "")).flag("needs_deadline")
               for c in codes)


# -- helpers -------------------------------------------------------------------------------------


async def _edit(callback: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None
                ) -> None:
    message = callback.message
    if message is None or isinstance(message, InaccessibleMessage):
        return
    if message.text == text and markup == message.reply_markup:
        return
    with contextlib.suppress(TelegramBadRequest):  # "message is not modified"
        await message.edit_text(text, reply_markup=markup)


async def _refuse(callback: CallbackQuery, error: DomainError, tr: Translator) -> None:
    await callback.answer(tr(error.key, **error.args_map), show_alert=True)


async def _leader_sheet(results: ResultService, account: AccountView, task_id: int,
                        subject_id: int) -> SubjectSheet:
    """The subject's sheet if ``account`` leads the team that checks it (else the domain's
    refusal, ``ResultNotLeader``)."""
    for sheet in await results.team_sheets(account.inspector_id, task_id):
        if sheet.subject_id == subject_id:
            return sheet
    raise ResultNotLeader(team="-")


async def _form(state: FSMContext, key: str, nonce: int) -> dict[str, Any] | None:
    """The form under ``key`` if ``nonce`` is its own (a button of this very form)."""
    form = (await state.get_data()).get(key)
    if not isinstance(form, dict) or nonce == 0 or form.get("n") != nonce:
        return None
    return form


async def _save(state: FSMContext, key: str, form: dict[str, Any]) -> None:
    await state.update_data({key: form})


# -- /results and the subject sheet ------------------------------------------------------------


async def my_results(message: Message, *, account: AccountView, results: ResultService,
                     assignments: AssignmentService, tr: Translator) -> None:
    """/results: per task the leader leads, one message with a line and a button per subject."""
    if account.inspector_id is None:
        await message.answer(tr("results-no-inspector"))
        return
    led = [s for s in await assignments.for_inspector(account.inspector_id) if s.is_leader]
    if not led:
        await message.answer(tr("results-not-leader-any"))
        return
    for summary in led:
        try:
            sheets = await results.team_sheets(account.inspector_id, summary.task_id)
        except DomainError as error:
            await message.answer(tr(error.key, **error.args_map))
            continue
        text, markup = task_overview(summary.task_code, summary.task_name, sheets, tr)
        await message.answer(text, reply_markup=markup)


async def back_to_task(callback: CallbackQuery, *, callback_data: ResCb, account: AccountView,
                       results: ResultService, tasks: TaskService, tr: Translator) -> None:
    """« Back: the task's subject list again, in the same message."""
    try:
        sheets = await results.team_sheets(account.inspector_id, callback_data.t)
        task = await tasks.get(callback_data.t)
    except DomainError as error:
        await _refuse(callback, error, tr)
        return
    await _edit(callback, *task_overview(task.code, task.name, sheets, tr))
    await callback.answer()


async def _show_sheet(callback: CallbackQuery, *, results: ResultService, tasks: TaskService,
                      account: AccountView, task_id: int, subject_id: int, tr: Translator,
                      edit: bool = True) -> None:
    sheet = await _leader_sheet(results, account, task_id, subject_id)
    task = await tasks.get(task_id)
    text, markup = sheet_text(sheet, task.code, tr), sheet_markup(sheet, tr)
    if edit:
        await _edit(callback, text, markup)
    elif isinstance(callback.message, Message):
        await callback.message.answer(text, reply_markup=markup)


async def view_subject(callback: CallbackQuery, *, callback_data: ResCb, account: AccountView,
                       results: ResultService, tasks: TaskService, tr: Translator) -> None:
    """A subject's sheet: the records per department × item, the result, the actions."""
    try:
        await _show_sheet(callback, results=results, tasks=tasks, account=account,
                          task_id=callback_data.t, subject_id=callback_data.s, tr=tr)
    except DomainError as error:
        await _refuse(callback, error, tr)
        return
    await callback.answer()


async def send_pdf(callback: CallbackQuery, *, callback_data: ResCb, account: AccountView,
                   results: ResultService, archive: ArchiveService, bot: Bot,
                   tr: Translator) -> None:
    """The on-site record form of the subject as a document (only to its team's leader)."""
    try:
        sheet = await _leader_sheet(results, account, callback_data.t, callback_data.s)
        await callback.answer()
        await _send_form(bot, callback.from_user.id, archive=archive, task_id=sheet.task_id,
                         subject_id=sheet.subject_id, subject_name=sheet.subject_name, tr=tr)
    except DomainError as error:
        await _refuse(callback, error, tr)


async def _send_form(bot: Bot, chat_id: int, *, archive: ArchiveService, task_id: int,
                     subject_id: int, subject_name: str, tr: Translator) -> None:
    name, data = await archive.form_pdf(task_id, subject_id)
    await bot.send_document(chat_id, BufferedInputFile(data, filename=name),
                            caption=tr("results-pdf-caption", subject=subject_name))


# -- the result form -----------------------------------------------------------------------------


async def start_entry(callback: CallbackQuery, *, callback_data: ResCb, account: AccountView,
                      results: ResultService, state: FSMContext, tr: Translator) -> None:
    """Open the form (a fresh nonce: any earlier form's buttons are out of date now)."""
    try:
        sheet = await _leader_sheet(results, account, callback_data.t, callback_data.s)
    except DomainError as error:
        await _refuse(callback, error, tr)
        return
    previous = sheet.result
    form: dict[str, Any] = {
        "n": secrets.randbelow(10**9) + 1, "t": sheet.task_id, "s": sheet.subject_id,
        "subject": sheet.subject_name, "cats": list(previous.categories) if previous else [],
        "summary": "", "disp": [], "other": "", "due": "", "reason": "",
        "revise": previous is not None,
    }
    await state.set_state(None)
    await _save(state, "result", form)
    await callback.answer()
    text = "\n".join([*_form_lines(form, tr), "", tr("results-form-step-categories")])
    await _edit(callback, text, category_markup(form, tr))


async def toggle_category(callback: CallbackQuery, *, callback_data: ResCb, state: FSMContext,
                          tr: Translator) -> None:
    """One tap: the category in or out; taking A out takes its sub-kinds with it."""
    form = await _form(state, "result", callback_data.f)
    if form is None:
        await callback.answer(tr("results-form-stale"), show_alert=True)
        return
    code = callback_data.c
    if vocab.results().get(code) is None:
        await callback.answer(tr("result-unknown-category", codes=code), show_alert=True)
        return
    chosen = set(form["cats"])
    if code in chosen:
        chosen.discard(code)
        if code == FOLLOW_UP:
            chosen = {c for c in chosen if (vocab.results().get(c) or vocab.Term(
                "", "", "")).flag("parent") != FOLLOW_UP}
    else:
        chosen.add(code)
    form["cats"] = vocab.results().ordered(chosen)
    await _save(state, "result", form)
    await callback.answer()
    text = "\n".join([*_form_lines(form, tr), "", tr("results-form-step-categories")])
    await _edit(callback, text, category_markup(form, tr))


async def categories_done(callback: CallbackQuery, *, callback_data: ResCb,
                          state: FSMContext, tr: Translator) -> None:
    """Next: the categories must fit together (the domain's rules), then the summary."""
    form = await _form(state, "result", callback_data.f)
    if form is None:
        await callback.answer(tr("results-form-stale"), show_alert=True)
        return
    try:
        validate_entry(ResultEntry(tuple(form["cats"]), "-", ("stopped",)))
    except ResultInvalid as error:
        if error.args_map.get("reason") in CATEGORY_REASONS:
            await _refuse(callback, error, tr)
            return
    except DomainError as error:
        await _refuse(callback, error, tr)
        return
    await state.set_state(ResultStates.summary)
    await callback.answer()
    await _edit(callback, "\n".join([*_form_lines(form, tr), "", tr("results-form-ask-summary")]),
                None)


async def _kept_text(message: Message, state: FSMContext, tr: Translator, *, form_key: str,
                     field: str) -> dict[str, Any] | None:
    """One typed step of a form kept in the conversation (``form_key``: the result or the
    referral): the text is kept under ``field`` and the form returned; an empty text is asked
    for again, a form gone (a stale conversation) ends the step — both give None."""
    form = (await state.get_data()).get(form_key)
    if not isinstance(form, dict):
        await state.clear()
        return None
    text = (message.text or "").strip()
    if not text:
        await message.answer(tr("results-form-need-text"))
        return None
    form[field] = text
    await _save(state, form_key, form)
    return form


async def summary_received(message: Message, *, state: FSMContext, tr: Translator) -> None:
    """The summary; then the disposal measures."""
    form = await _kept_text(message, state, tr, form_key="result", field="summary")
    if form is None:
        return
    await state.set_state(None)
    await message.answer(_step(form, "results-form-step-disposals", tr),
                         reply_markup=disposal_markup(form, tr))


async def toggle_disposal(callback: CallbackQuery, *, callback_data: ResCb, state: FSMContext,
                          tr: Translator) -> None:
    """One tap: the measure in or out."""
    form = await _form(state, "result", callback_data.f)
    if form is None:
        await callback.answer(tr("results-form-stale"), show_alert=True)
        return
    code = callback_data.c
    if vocab.disposals().get(code) is None:
        await callback.answer(tr("result-unknown-disposal", codes=code), show_alert=True)
        return
    chosen = set(form["disp"])
    chosen.symmetric_difference_update({code})
    form["disp"] = vocab.disposals().ordered(chosen)
    if not _needs_deadline(form["disp"]):
        form["due"] = ""
    if "other" not in chosen:
        form["other"] = ""
    await _save(state, "result", form)
    await callback.answer()
    await _edit(callback, _step(form, "results-form-step-disposals", tr),
                disposal_markup(form, tr))


async def _next_after_disposals(target: Message, form: dict[str, Any], state: FSMContext, *,
                                clock: Clock, results: ResultService, tr: Translator) -> None:
    """Ask what is still missing (the other text, the deadline, a reason) or review."""
    if "other" in form["disp"] and not form["other"]:
        await state.set_state(ResultStates.other)
        await target.answer(tr("results-form-ask-other"))
        return
    if _needs_deadline(form["disp"]) and not form["due"]:
        await state.set_state(ResultStates.deadline)
        today = local_date(clock())
        days = [today + dt.timedelta(days=n) for n in DEADLINE_CHOICES]
        markup = InlineKeyboardMarkup(inline_keyboard=[[_button(
            tr("results-btn-in-days", day=d.isoformat(), days=n), a="dd", f=form["n"],
            c=d.strftime("%Y%m%d"))] for n, d in zip(DEADLINE_CHOICES, days, strict=True)])
        await target.answer(tr("results-form-ask-deadline"), reply_markup=markup)
        return
    if form["revise"] and not form["reason"]:
        await state.set_state(ResultStates.reason)
        await target.answer(tr("results-form-ask-reason"))
        return
    await state.set_state(None)
    await target.answer(await _review_text(form, clock, results, tr), reply_markup=(
        InlineKeyboardMarkup(inline_keyboard=[[
            _button(tr("results-btn-confirm"), a="ok", f=form["n"]),
            _button(tr("results-btn-cancel"), a="x", f=form["n"])]])))


async def _review_text(form: dict[str, Any], clock: Clock, results: ResultService,
                       tr: Translator) -> str:
    lines = [tr("results-form-review"), *_form_lines(form, tr)]
    sheet = await results.sheet(form["t"], form["s"])
    today = local_date(clock())
    if sheet.check_date and sheet.due_on:
        lines.append(tr("results-form-due", check=sheet.check_date.isoformat(),
                        due=sheet.due_on.isoformat()))
        late = await results.working_days_late(sheet.due_on, today)
        if late:
            lines.append(tr("results-form-will-be-late", days=late))
    return _clip("\n".join(lines))


async def disposals_done(callback: CallbackQuery, *, callback_data: ResCb, state: FSMContext,
                         clock: Clock, results: ResultService, tr: Translator) -> None:
    """Next: the measures must fit together; then what is still missing, or the review."""
    form = await _form(state, "result", callback_data.f)
    if form is None:
        await callback.answer(tr("results-form-stale"), show_alert=True)
        return
    try:
        validate_entry(ResultEntry(tuple(form["cats"]), form["summary"] or "-",
                                   tuple(form["disp"]), "-",
                                   PLACEHOLDER_DAY if _needs_deadline(form["disp"]) else None))
    except ResultInvalid as error:
        if error.args_map.get("reason") in DISPOSAL_REASONS:
            await _refuse(callback, error, tr)
            return
    except DomainError as error:
        await _refuse(callback, error, tr)
        return
    await callback.answer()
    await _edit(callback, "\n".join(_form_lines(form, tr)), None)
    if isinstance(callback.message, Message):
        await _next_after_disposals(callback.message, form, state, clock=clock,
                                    results=results, tr=tr)


async def other_received(message: Message, *, state: FSMContext, clock: Clock,
                         results: ResultService, tr: Translator) -> None:
    """The text of the "other" measure."""
    form = await _kept_text(message, state, tr, form_key="result", field="other")
    if form is None:
        return
    await _next_after_disposals(message, form, state, clock=clock, results=results, tr=tr)


async def _take_deadline(day: dt.date | None, text: str, form: dict[str, Any], *,
                         target: Message, state: FSMContext, clock: Clock,
                         results: ResultService, tr: Translator) -> str | None:
    """The deadline if it is a date from today on; else the refusal's text."""
    today = local_date(clock())
    if day is None:
        return tr("results-date-invalid", text=text,
                  example=(today + dt.timedelta(days=15)).isoformat())
    if day < today:
        return tr("results-date-past", day=day.isoformat(), today=today.isoformat())
    form["due"] = day.isoformat()
    await _save(state, "result", form)
    await _next_after_disposals(target, form, state, clock=clock, results=results, tr=tr)
    return None


async def deadline_typed(message: Message, *, state: FSMContext, clock: Clock,
                         results: ResultService, tr: Translator) -> None:
    """A typed correction deadline (YYYY-MM-DD)."""
    form = (await state.get_data()).get("result")
    if not isinstance(form, dict):
        await state.clear()
        return
    text = (message.text or "").strip()
    refusal = await _take_deadline(_parse_day(text), text, form, target=message, state=state,
                                   clock=clock, results=results, tr=tr)
    if refusal:
        await message.answer(refusal)


async def deadline_tapped(callback: CallbackQuery, *, callback_data: ResCb, state: FSMContext,
                          clock: Clock, results: ResultService, tr: Translator) -> None:
    """A tapped correction deadline (a stale day, now in the past, is refused)."""
    form = await _form(state, "result", callback_data.f)
    if form is None or await state.get_state() != ResultStates.deadline.state:
        await callback.answer(tr("results-form-stale"), show_alert=True)
        return
    try:
        day: dt.date | None = dt.datetime.strptime(callback_data.c, "%Y%m%d").date()  # noqa: DTZ007
    except ValueError:
        day = None
    if not isinstance(callback.message, Message):
        await callback.answer()
        return
    refusal = await _take_deadline(day, callback_data.c, form, target=callback.message,
                                   state=state, clock=clock, results=results, tr=tr)
    if refusal:
        await callback.answer(refusal, show_alert=True)
        return
    await callback.answer()
    with contextlib.suppress(TelegramBadRequest):
        await callback.message.edit_reply_markup(reply_markup=None)


async def reason_received(message: Message, *, state: FSMContext, clock: Clock,
                          results: ResultService, tr: Translator) -> None:
    """The reason of a revision."""
    form = await _kept_text(message, state, tr, form_key="result", field="reason")
    if form is None:
        return
    await _next_after_disposals(message, form, state, clock=clock, results=results, tr=tr)


async def cancel_form(callback: CallbackQuery, *, callback_data: ResCb, state: FSMContext,
                      tr: Translator) -> None:
    """Cancel: the form is dropped, nothing was entered."""
    if await _form(state, "result", callback_data.f) is None and await _form(
            state, "referral", callback_data.f) is None:
        await callback.answer(tr("results-form-stale"), show_alert=True)
        return
    await state.clear()
    await callback.answer()
    await _edit(callback, tr("results-form-cancelled"), None)


async def confirm_entry(callback: CallbackQuery, *, callback_data: ResCb, account: AccountView,
                        state: FSMContext, results: ResultService, archive: ArchiveService,
                        bot: Bot, tr: Translator) -> None:
    """✅: the service enters the result (or refuses); then the on-site record PDF."""
    form = await _form(state, "result", callback_data.f)
    if form is None:
        await callback.answer(tr("results-form-stale"), show_alert=True)
        return
    entry = ResultEntry(tuple(form["cats"]), form["summary"], tuple(form["disp"]),
                        form["other"], dt.date.fromisoformat(form["due"]) if form["due"]
                        else None)
    try:
        outcome = await results.enter(account.actor, form["t"], form["s"], entry,
                                      reason=form["reason"])
    except DomainError as error:
        await _refuse(callback, error, tr)
        return
    await state.clear()
    await callback.answer()
    view = outcome.result
    categories = _join(view.category_labels(_lang(tr)), tr)
    lines = [tr("results-revised", subject=view.subject_name, revisions=view.revisions,
                categories=categories) if outcome.revised else
             tr("results-entered", subject=view.subject_name, categories=categories)]
    if view.late:
        lines.append(tr("results-entered-late", due=view.due_on.isoformat(),
                        days=await results.late_by(view)))
    else:
        lines.append(tr("results-entered-on-time", due=view.due_on.isoformat()))
    if outcome.task_completed:
        lines.append(tr("results-task-completed", code=view.task_code))
    markup = InlineKeyboardMarkup(inline_keyboard=[
        [_button(tr("results-btn-refer"), a="r", t=view.task_id, s=view.subject_id)],
        [_button(tr("results-btn-back"), a="v", t=view.task_id, s=view.subject_id)]])
    await _edit(callback, "\n".join(lines), markup)
    await _send_form(bot, callback.from_user.id, archive=archive, task_id=view.task_id,
                     subject_id=view.subject_id, subject_name=view.subject_name, tr=tr)


# -- referral from the result or a record --------------------------------------------------------


async def begin_referral(callback: CallbackQuery, state: FSMContext, tr: Translator, *,
                         task_id: int, subject_id: int, subject_name: str,
                         record_id: int | None = None, result_id: int | None = None) -> None:
    """Open the referral form (a fresh nonce) for a finding of one record or of the final
    result and send the kind picker; the rest of the form is this module's (``rk`` …
    ``rok``). The caller has checked who may start it from where and answers the tap."""
    form: dict[str, Any] = {"n": secrets.randbelow(10**9) + 1, "t": task_id,
                            "s": subject_id, "subject": subject_name, "result": result_id,
                            "record": record_id, "kind": "", "to": "", "to_name": "",
                            "organ": "", "on": "", "document": "", "finding": ""}
    await state.set_state(None)
    await _save(state, "referral", form)
    rows = [[_button(term.label(_lang(tr)), a="rk", f=form["n"], c=term.code)]
            for term in vocab.referral_kinds().terms]
    rows.append([_button(tr("results-btn-cancel"), a="x", f=form["n"])])
    if isinstance(callback.message, Message):
        await callback.message.answer("\n".join([
            tr("referral-form-title", subject=subject_name),
            tr("referral-form-pick-kind")]), reply_markup=InlineKeyboardMarkup(
                inline_keyboard=rows))


async def start_referral(callback: CallbackQuery, *, callback_data: ResCb,
                         account: AccountView, results: ResultService, state: FSMContext,
                         tr: Translator) -> None:
    """告知 / 移送 from the subject's final result (``r``) or one submitted record of it
    (``rr``, the record's id in ``c``), on the leader's sheet: pick how."""
    try:
        sheet = await _leader_sheet(results, account, callback_data.t, callback_data.s)
    except DomainError as error:
        await _refuse(callback, error, tr)
        return
    record_id: int | None = None
    if callback_data.a == "rr":
        record_id = next((r.id for r in sheet.records if str(r.id) == callback_data.c
                          and r.locked), None)
        if record_id is None:
            await callback.answer(tr("results-form-stale"), show_alert=True)
            return
    elif sheet.result is None:
        await callback.answer(tr("referral-need-result"), show_alert=True)
        return
    await callback.answer()
    await begin_referral(callback, state, tr, task_id=sheet.task_id,
                         subject_id=sheet.subject_id, subject_name=sheet.subject_name,
                         record_id=record_id,
                         result_id=sheet.result.id if sheet.result and record_id is None
                         else None)


async def referral_kind(callback: CallbackQuery, *, callback_data: ResCb, state: FSMContext,
                        account: AccountView, referrals: ReferralService,
                        tr: Translator) -> None:
    """The kind: 告知 asks for the department (every other one: one's own is refused by the
    service, so it is not offered), a transfer for the organ, else the finding."""
    form = await _form(state, "referral", callback_data.f)
    if form is None or callback_data.c not in (INFORM, CASE_UNIT, JUDICIAL):
        await callback.answer(tr("referral-form-stale"), show_alert=True)
        return
    form["kind"] = callback_data.c
    await _save(state, "referral", form)
    await callback.answer()
    title = tr("referral-form-title", subject=form["subject"])
    if form["kind"] == INFORM:
        rows = [[_button(zh if tr.language != "en" else en, a="rd", f=form["n"], c=code)]
                for code, zh, en in await referrals.departments()
                if code != account.department_code]
        rows.append([_button(tr("results-btn-cancel"), a="x", f=form["n"])])
        await _edit(callback, f"{title}\n{tr('referral-form-pick-department')}",
                    InlineKeyboardMarkup(inline_keyboard=rows))
        return
    if form["kind"] == JUDICIAL:
        await state.set_state(ResultStates.organ)
        await _edit(callback, f"{title}\n{tr('referral-form-ask-organ')}", None)
        return
    await state.set_state(ResultStates.finding)
    await _edit(callback, f"{title}\n{tr('referral-form-ask-finding')}", None)


async def referral_department(callback: CallbackQuery, *, callback_data: ResCb,
                              state: FSMContext, referrals: ReferralService,
                              tr: Translator) -> None:
    """The department to inform; then the finding."""
    form = await _form(state, "referral", callback_data.f)
    if form is None or form["kind"] != INFORM:
        await callback.answer(tr("referral-form-stale"), show_alert=True)
        return
    names = {code: (zh if tr.language != "en" else en)
             for code, zh, en in await referrals.departments()}
    if callback_data.c not in names:
        await callback.answer(tr("referral-department-not-found", code=callback_data.c),
                              show_alert=True)
        return
    form["to"], form["to_name"] = callback_data.c, names[callback_data.c]
    await _save(state, "referral", form)
    await state.set_state(ResultStates.finding)
    await callback.answer()
    await _edit(callback, "\n".join([tr("referral-form-title", subject=form["subject"]),
                                     tr("referral-form-target", kind=tr("referral-kind-inform"),
                                        target=form["to_name"]),
                                     tr("referral-form-ask-finding")]), None)


async def _referral_text(message: Message, state: FSMContext) -> tuple[dict[str, Any], str] | None:
    form = (await state.get_data()).get("referral")
    if not isinstance(form, dict):
        await state.clear()
        return None
    return form, (message.text or "").strip()


async def _referral_field(message: Message, state: FSMContext, tr: Translator, *, field: str,
                          following: State, ask: str) -> None:
    """One typed step of the referral form: an empty text is asked again, anything else is kept
    under ``field`` and the next step asked for."""
    if await _kept_text(message, state, tr, form_key="referral", field=field) is None:
        return
    await state.set_state(following)
    await message.answer(tr(ask))


async def organ_received(message: Message, *, state: FSMContext, tr: Translator) -> None:
    """The judicial organ; then the transfer date."""
    await _referral_field(message, state, tr, field="organ",
                          following=ResultStates.transferred_on, ask="referral-form-ask-date")


async def transfer_date_received(message: Message, *, state: FSMContext, clock: Clock,
                                 tr: Translator) -> None:
    """The transfer date (not in the future); then the document number."""
    got = await _referral_text(message, state)
    if got is None:
        return
    form, text = got
    day, today = _parse_day(text), local_date(clock())
    if day is None:
        await message.answer(tr("results-date-invalid", text=text, example=today.isoformat()))
        return
    if day > today:
        await message.answer(tr("results-date-future", day=day.isoformat(),
                                today=today.isoformat()))
        return
    form["on"] = day.isoformat()
    await _save(state, "referral", form)
    await state.set_state(ResultStates.document)
    await message.answer(tr("referral-form-ask-document"))


async def document_received(message: Message, *, state: FSMContext, tr: Translator) -> None:
    """The document number; then the finding."""
    await _referral_field(message, state, tr, field="document",
                          following=ResultStates.finding, ask="referral-form-ask-finding")


async def finding_received(message: Message, *, state: FSMContext, tr: Translator) -> None:
    """The finding; then the review with the confirmation."""
    form = await _kept_text(message, state, tr, form_key="referral", field="finding")
    if form is None:
        return
    text = form["finding"]
    await state.set_state(None)
    if form["kind"] == JUDICIAL:
        review = tr("referral-form-judicial", organ=form["organ"], day=form["on"],
                    document=form["document"], finding=text)
    else:
        target = form["to_name"] if form["kind"] == INFORM else tr("referral-kind-case_unit")
        review = tr("referral-form-review", kind=tr(f"referral-kind-{form['kind']}"),
                    target=target, finding=text)
    await message.answer(_clip(f"{tr('referral-form-title', subject=form['subject'])}\n{review}"),
                         reply_markup=InlineKeyboardMarkup(inline_keyboard=[[
                             _button(tr("referral-btn-confirm"), a="rok", f=form["n"]),
                             _button(tr("results-btn-cancel"), a="x", f=form["n"])]]))


async def confirm_referral(callback: CallbackQuery, *, callback_data: ResCb,
                           account: AccountView, state: FSMContext,
                           referrals: ReferralService, tr: Translator) -> None:
    """✅: the service records the referral and queues the receiving admins' notices."""
    form = await _form(state, "referral", callback_data.f)
    if form is None or not form["finding"]:
        await callback.answer(tr("referral-form-stale"), show_alert=True)
        return
    request = ReferralRequest(
        form["kind"], form["finding"], to_department=form["to"] or None, organ=form["organ"],
        transferred_on=dt.date.fromisoformat(form["on"]) if form["on"] else None,
        document_no=form["document"])
    try:
        if form.get("record"):
            view = await referrals.refer(account.actor, request, record_id=form["record"])
        else:
            view = await referrals.refer(account.actor, request, result_id=form["result"])
    except DomainError as error:
        await _refuse(callback, error, tr)
        return
    await state.clear()
    await callback.answer()
    done = tr(f"referral-done-{view.kind}", department=view.to_department_name or "",
              id=view.id, admins=view.notified_accounts, organ=view.organ,
              document=view.document_no)
    message = callback.message
    old = message.text if isinstance(message, Message) and message.text else ""
    await _edit(callback, _clip(f"{old}\n\n{done}"), None)


def build_router() -> Router:
    """The leader's results and referrals router."""
    router = Router(name=__name__)
    router.message.register(my_results, Command("results"))
    router.message.register(summary_received, StateFilter(ResultStates.summary), F.text)
    router.message.register(other_received, StateFilter(ResultStates.other), F.text)
    router.message.register(deadline_typed, StateFilter(ResultStates.deadline), F.text)
    router.message.register(reason_received, StateFilter(ResultStates.reason), F.text)
    router.message.register(organ_received, StateFilter(ResultStates.organ), F.text)
    router.message.register(transfer_date_received, StateFilter(ResultStates.transferred_on),
                            F.text)
    router.message.register(document_received, StateFilter(ResultStates.document), F.text)
    router.message.register(finding_received, StateFilter(ResultStates.finding), F.text)
    router.callback_query.register(view_subject, ResCb.filter(F.a == "v"))
    router.callback_query.register(back_to_task, ResCb.filter(F.a == "l"))
    router.callback_query.register(send_pdf, ResCb.filter(F.a == "pdf"))
    router.callback_query.register(start_entry, ResCb.filter(F.a == "e"))
    router.callback_query.register(toggle_category, ResCb.filter(F.a == "c"))
    router.callback_query.register(categories_done, ResCb.filter(F.a == "cn"))
    router.callback_query.register(toggle_disposal, ResCb.filter(F.a == "d"))
    router.callback_query.register(disposals_done, ResCb.filter(F.a == "dn"))
    router.callback_query.register(deadline_tapped, ResCb.filter(F.a == "dd"))
    router.callback_query.register(confirm_entry, ResCb.filter(F.a == "ok"))
    router.callback_query.register(cancel_form, ResCb.filter(F.a == "x"))
    router.callback_query.register(start_referral, ResCb.filter(F.a.in_({"r", "rr"})))
    router.callback_query.register(referral_kind, ResCb.filter(F.a == "rk"))
    router.callback_query.register(referral_department, ResCb.filter(F.a == "rd"))
    router.callback_query.register(confirm_referral, ResCb.filter(F.a == "rok"))
    return router
