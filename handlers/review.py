"""会审 (Art. 12): a department admin approves a joint task or returns it with a comment."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InaccessibleMessage, Message
from services.accounts import AccountView, Role
from services.errors import DomainError
from services.tasks import TaskService, TaskState, TaskView
from services.vocabulary import ReviewDecision

from handlers import render
from handlers.callbacks import ReviewCb
from handlers.i18n import Translator

MAX_CARDS = 10  # one message per task; more than this waits for the next /review
# buttons sent before issue 8 carry ``a`` / ``r``: they keep working
APPROVE_ACTIONS = {ReviewDecision.APPROVE.value, "a"}
RETURN_ACTIONS = {ReviewDecision.RETURN.value, "r"}


class ReviewStates(StatesGroup):
    """Waiting for the comment that goes with a return."""

    comment = State()


def _still_pending(view: TaskView, department: str) -> bool:
    """Whether ``department`` has yet to decide in the task's current review round."""
    if view.state != TaskState.IN_REVIEW:
        return False
    return any(line.department == department and line.decision == ReviewDecision.PENDING
               for line in view.reviews)


async def pending_reviews(
    message: Message, *, account: AccountView, tasks: TaskService, tr: Translator,
) -> None:
    """The department's tasks waiting for its review, each with Approve / Return."""
    if not account.has(Role.DEPT_ADMIN) or not account.department_code:
        await message.answer(tr("review-not-admin"))
        return
    views = await tasks.pending_reviews(account.department_code)
    if not views:
        await message.answer(tr("review-none"))
        return
    for view in views[:MAX_CARDS]:
        brief = await tasks.review_brief(view.id, account.department_code)
        text, markup = render.review_card(
            task_id=view.id, code=view.code, name=view.name,
            department=account.department_code, department_name=account.department_name,
            window_start=view.window_start, window_end=view.window_end,
            review_round=view.review_round, tr=tr, brief=brief,
        )
        await message.answer(text, reply_markup=markup)


async def _checked(
    callback: CallbackQuery, data: ReviewCb, account: AccountView, tasks: TaskService,
    tr: Translator,
) -> TaskView | None:
    """The task when this tap may decide it; otherwise answers the tap and returns None."""
    try:
        tasks.check_may_review(data.department, account.actor)
        view = await tasks.get(data.task_id)
    except DomainError as error:
        await callback.answer(tr(error.key, **error.args_map), show_alert=True)
        return None
    if data.review_round != view.review_round:
        # a button of an earlier round: that round is over, this tap decides nothing
        await callback.answer(tr("review-round-over", round=data.review_round,
                                 current=view.review_round), show_alert=True)
        return None
    if not _still_pending(view, data.department):
        # a second tap, or someone else of the department decided first: one effect only
        await callback.answer(tr("review-done"))
        return None
    return view


async def approve(
    callback: CallbackQuery, *, callback_data: ReviewCb, account: AccountView,
    tasks: TaskService, state: FSMContext, tr: Translator,
) -> None:
    """✅: approve the task for the department and take the buttons away."""
    if await _checked(callback, callback_data, account, tasks, tr) is None:
        return
    try:
        view = await tasks.review(
            callback_data.task_id, callback_data.department, ReviewDecision.APPROVE, "",
            account.actor,
        )
    except DomainError as error:
        await callback.answer(tr(error.key, **error.args_map), show_alert=True)
        return
    if (await state.get_data()).get("task_id") == callback_data.task_id:
        await state.clear()
    message = callback.message
    if message is not None and not isinstance(message, InaccessibleMessage):
        await message.edit_text(
            f"{message.text or ''}\n\n{tr('review-approved', name=account.name)}",
            reply_markup=None,
        )
    await callback.answer(tr("review-confirm-approved", code=view.code))


async def ask_return_comment(
    callback: CallbackQuery, *, callback_data: ReviewCb, account: AccountView,
    tasks: TaskService, state: FSMContext, tr: Translator,
) -> None:
    """↩️: ask for the comment a return needs."""
    view = await _checked(callback, callback_data, account, tasks, tr)
    if view is None:
        return
    if (
        await state.get_state() == ReviewStates.comment.state
        and (await state.get_data()).get("task_id") == view.id
    ):
        await callback.answer(tr("review-waiting-comment"))
        return
    message = callback.message
    await state.set_state(ReviewStates.comment)
    await state.set_data({
        "task_id": view.id, "department": callback_data.department, "code": view.code,
        "card_message_id": message.message_id if message is not None else None,
        "card_text": getattr(message, "text", None) or "",
    })
    if message is not None:
        await callback.bot.send_message(  # type: ignore[union-attr]
            message.chat.id, tr("review-ask-comment", code=view.code)
        )
    await callback.answer()


async def return_with_comment(
    message: Message, *, account: AccountView, tasks: TaskService, state: FSMContext,
    bot: Bot, tr: Translator,
) -> None:
    """The comment: return the task with it and take the card's buttons away."""
    comment = (message.text or "").strip()
    data = await state.get_data()
    if not comment:
        await message.answer(tr("review-comment-empty"))
        return
    await state.clear()
    try:
        view = await tasks.review(
            data["task_id"], data["department"], ReviewDecision.RETURN, comment,
            account.actor,
        )
    except DomainError as error:
        await message.answer(tr(error.key, **error.args_map))
        return
    if data.get("card_message_id"):
        await bot.edit_message_text(
            f"{data.get('card_text', '')}\n\n"
            f"{tr('review-returned', name=account.name, comment=comment)}",
            chat_id=message.chat.id, message_id=data["card_message_id"], reply_markup=None,
        )
    await message.answer(tr("review-confirm-returned", code=view.code, comment=comment))


async def old_button(callback: CallbackQuery, *, tr: Translator) -> None:
    """A review button whose action no longer exists: say so, change nothing."""
    await callback.answer(tr("review-button-old"), show_alert=True)


def build_router() -> Router:
    """The review feature (department admins)."""
    router = Router(name=__name__)
    router.message.register(pending_reviews, Command("review"))
    router.callback_query.register(approve, ReviewCb.filter(F.action.in_(APPROVE_ACTIONS)))
    router.callback_query.register(ask_return_comment,
                                   ReviewCb.filter(F.action.in_(RETURN_ACTIONS)))
    router.callback_query.register(old_button, ReviewCb.filter())
    router.message.register(
        return_with_comment, ReviewStates.comment, F.text, ~F.text.startswith("/")
    )
    return router
