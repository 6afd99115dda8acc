"""告知 in the bot: the receiving department's admin acknowledges a referral with one tap
(Art. 17). The notice itself comes from the outbox (``handlers.notifications``, kind
``referral``); the rule of who may acknowledge lives in ``services/referrals.py``."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from services.accounts import AccountView
from services.errors import DomainError
from services.notification_kinds import ReferralPayload
from services.referrals import ReferralService

from handlers.i18n import Translator


class ReferralCb(CallbackData, prefix="rf"):
    """Acknowledge referral ``referral_id``."""

    referral_id: int


def referral_notice(payload: ReferralPayload,
                    tr: Translator) -> tuple[str, InlineKeyboardMarkup]:
    """The notice a receiving admin gets, with the acknowledgement button."""
    text = tr("referral-notice", kind=tr(f"referral-kind-{payload.kind}"),
              code=payload.task_code, subject=payload.subject,
              origin=payload.origin_name or payload.origin, by=payload.by,
              finding=payload.finding, id=payload.referral_id)
    button = InlineKeyboardButton(text=tr("referral-acknowledge-button"),
                                  callback_data=ReferralCb(
                                      referral_id=payload.referral_id).pack())
    return text, InlineKeyboardMarkup(inline_keyboard=[[button]])


async def acknowledge(callback: CallbackQuery, *, callback_data: ReferralCb,
                      account: AccountView | None, referrals: ReferralService,
                      tr: Translator) -> None:
    """One tap: the referral is taken; the notice says by whom."""
    if account is None:
        await callback.answer(tr("referral-not-admin", id=callback_data.referral_id),
                              show_alert=True)
        return
    try:
        view = await referrals.acknowledge(callback_data.referral_id, account.id, account.actor)
    except DomainError as error:
        await callback.answer(tr(error.key, **error.args_map), show_alert=True)
        return
    await callback.answer(tr("referral-acknowledged", id=view.id))
    if isinstance(callback.message, Message):
        await callback.message.edit_text(
            f"{callback.message.text or ''}\n\n"
            + tr("referral-acknowledged-by", name=account.name), reply_markup=None)


def build_router() -> Router:
    """The referrals router."""
    router = Router(name=__name__)
    router.callback_query.register(acknowledge, ReferralCb.filter(F.referral_id > 0))
    return router
