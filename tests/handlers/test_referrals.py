"""告知 in the bot: the receiving admin gets the notice from the outbox and acknowledges it."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from bot.worker import telegram_deliver
from demo.accounts import Persona, bind_demo_accounts
from handlers.referrals import ReferralCb
from services.accounts import AccountService
from services.notifications import OutboxSender, RateLimiter
from services.records import RecordService
from services.referrals import ReferralRequest, ReferralService
from storage.files import LocalFileStore
from storage.models import Referral
from tests.handlers.conftest import Harness
from tests.handlers.test_notifications import FakeTime
from tests.services import inspector_actor
from tests.services import inspector_actor as ins


async def _referral(h: Harness, tmp_path: Path) -> int:
    async with h.sessions() as session:
        await bind_demo_accounts(session, AccountService(session, h.clock), [
            Persona(1201, "生态环境局管理员", "HBJ", roles=("dept_admin",)),
            Persona(1202, "市场监管局管理员", "SCJG", roles=("dept_admin",)),
        ])
        records = RecordService(session, h.clock, LocalFileStore(tmp_path / "files"))
        view = await records.open(ins(h.world.leader), h.world.drawn_task, h.world.subjects[0],
                                  "SC-SP-01")
        sent = await ReferralService(session, h.clock).refer(
            inspector_actor(h.world.leader),
            ReferralRequest("inform", "后厨废水直排雨水管", "HBJ"),
            record_id=view.id)
        return sent.id


async def test_the_admin_gets_the_notice_and_acknowledges_it(h: Harness, tmp_path: Path
                                                           ) -> None:
    referral_id = await _referral(h, tmp_path)
    h.api.allow("sendMessage")
    time = FakeTime()
    limiter = RateLimiter(monotonic=time, sleep=time.sleep)
    report = await OutboxSender(h.sessions, h.clock, telegram_deliver(h.bot), limiter).send_due()
    assert report.sent == 1
    (notice,) = h.api.sent()
    assert notice.chat_id == 1201
    assert notice.text == ("【告知】任务 2026-LH-001：市场监督管理局（张三）检查 "
                           "鄂州市江南餐饮有限公司 时发现：后厨废水直排雨水管"
                           f"（编号 {referral_id}）")
    (row,) = notice.reply_markup.inline_keyboard
    assert row[0].text == "签收"
    data = ReferralCb(referral_id=referral_id).pack()
    assert row[0].callback_data == data

    h.api.allow("answerCallbackQuery", "editMessageText")
    other = h.person(1202, "市场监管局管理员")
    await other.tap(data, text=notice.text)
    (refused,) = h.api.sent("answerCallbackQuery")
    assert refused.text == "只有接收部门的管理员可以签收这条告知。"
    assert h.api.sent("editMessageText") == []

    admin = h.person(1201, "生态环境局管理员")
    await admin.tap(data, text=notice.text)
    assert h.api.sent("answerCallbackQuery")[-1].text == f"已签收告知 {referral_id}。"
    (edited,) = h.api.sent("editMessageText")
    assert edited.text == f"{notice.text}\n\n已由 生态环境局管理员 签收。"
    async with h.sessions() as session:
        stored = await session.scalar(select(Referral).where(Referral.id == referral_id))
        assert stored is not None
        assert stored.state == "acknowledged"
    await admin.tap(data, text=edited.text)  # a second tap changes nothing and says so
    assert h.api.sent("answerCallbackQuery")[-1].text == "这条告知已经签收过了。"
    assert len(h.api.sent("editMessageText")) == 1
    assert h.api.unexpected == []
