"""安排检查日程 through the real Dispatcher: propose, adjust, send, confirm, refuse with a
reason, revise, a stale button, a member who is not the leader trying to propose."""

from __future__ import annotations

from sqlalchemy import select

from handlers.callbacks import TaskCb
from handlers.schedule import ScheduleCb
from services.actors import Actor
from services.schedule import ScheduleService
from storage.models import AuditEvent, ScheduleAnswer, TeamSchedule
from tests.handlers.conftest import Harness, Person

DRAFT_ZH = (
    "【2026-LH-001】第 1 组检查日程（第 1 版 · 草稿，未发送）\n"
    "组长：张三\n"
    "出发地：鄂城区滨湖南路1号\n"
    "\n"
    "2026-04-01（周三）09:00 出发 · 2 户 · 约 22.3 公里 · 车程约 59 分钟\n"
    "　1. 鄂州市江南餐饮有限公司（鄂城区古楼街道滨湖北路18号）\n"
    "　2. 华容区好味道小吃店（华容区华容镇正街66号）\n"
    "\n"
    "合计 1 天 · 2 户 · 约 22.3 公里"
)


async def _office(h: Harness) -> None:
    async with h.sessions() as session:
        await ScheduleService(session, h.clock).set_office(
            "SCJG", 30.3908, 114.8949, "鄂城区滨湖南路1号", actor=Actor.system("admin"))


def _buttons(call: object) -> list[str]:
    markup = call.reply_markup  # type: ignore[attr-defined]
    return [b.text for row in markup.inline_keyboard for b in row]


def _data(call: object, text: str) -> str:
    markup = call.reply_markup  # type: ignore[attr-defined]
    return next(b.callback_data for row in markup.inline_keyboard for b in row if b.text == text)


async def _versions(h: Harness) -> list[tuple[int, int, str]]:
    async with h.sessions() as session:
        rows = (await session.scalars(select(TeamSchedule).order_by(TeamSchedule.version))).all()
        return [(r.id, r.version, r.state) for r in rows]


async def _team(h: Harness) -> tuple[Person, Person, Person]:
    await _office(h)
    leader = await h.bound(1001, h.world.leader, name="张三")
    member = await h.bound(1002, h.world.member, name="王五")
    partner = await h.bound(1003, h.world.partner, department="HBJ", name="李四")
    return leader, member, partner




async def test_leader_finds_the_button_in_tasks_and_gets_a_proposal(h: Harness) -> None:
    leader, _member, _partner = await _team(h)
    h.api.allow("editMessageText", "answerCallbackQuery")
    await leader.tap(TaskCb(task_id=h.world.drawn_task).pack(), message_id=7, text="x")
    (overview,) = h.api.sent("editMessageText")
    assert _buttons(overview)[0] == "安排检查日程"
    plan = _data(overview, "安排检查日程")
    assert plan == ScheduleCb(a="o", s=h.world.drawn_task, n=1).pack()
    h.api.calls.clear()
    await leader.tap(plan, message_id=7, text="x")
    (draft,) = h.api.sent("editMessageText")
    assert draft.text == DRAFT_ZH
    assert _buttons(draft) == ["📤 发送给组员", "📅 调整日期", "🔀 调整检查对象", "⏰ 出发时间",
                               "📍 从我的位置出发", "📍 04-01 地点"]
    assert [(v, s) for _i, v, s in await _versions(h)] == [(1, "draft")]
    assert await h.count(AuditEvent, AuditEvent.action == "schedule.proposed") == 1


async def test_a_member_who_is_not_the_leader_cannot_propose(h: Harness) -> None:
    _leader, member, _partner = await _team(h)
    h.api.allow("editMessageText", "answerCallbackQuery")
    await member.tap(TaskCb(task_id=h.world.drawn_task).pack(), message_id=7, text="x")
    (overview,) = h.api.sent("editMessageText")
    assert "安排检查日程" not in _buttons(overview)
    h.api.calls.clear()
    await member.tap(ScheduleCb(a="o", s=h.world.drawn_task, n=1).pack(), message_id=7)
    (answer,) = h.api.sent("answerCallbackQuery")
    assert answer.text == "只有本组组长可以安排、修改或发送检查日程。"
    assert answer.show_alert
    assert not h.api.sent("editMessageText")
    assert await _versions(h) == []


async def test_leader_adjusts_time_date_and_order(h: Harness) -> None:
    leader, _member, _partner = await _team(h)
    h.api.allow("editMessageText", "answerCallbackQuery")
    await leader.tap(ScheduleCb(a="o", s=h.world.drawn_task, n=1).pack(), message_id=7)
    ((sid, _v, _s),) = await _versions(h)
    h.api.calls.clear()
    await leader.tap(ScheduleCb(a="tp", s=sid, d="20260401").pack(), message_id=7)
    (times,) = h.api.sent("editMessageText")
    assert times.text == "2026-04-01 几点出发？"
    assert "13:30" in _buttons(times)
    await leader.tap(_data(times, "13:30"), message_id=7)
    timed = h.api.sent("editMessageText")[-1]
    assert "2026-04-01（周三）13:30 出发" in timed.text
    await leader.tap(ScheduleCb(a="dm", s=sid, d="20260401").pack(), message_id=7)
    dates = h.api.sent("editMessageText")[-1]
    labels = _buttons(dates)
    assert "04-07 周二" in labels
    assert not any(label.startswith(("04-04", "04-05", "04-06")) for label in labels)  # 清明
    assert "04-01 周三" not in labels  # the day itself is taken
    await leader.tap(_data(dates, "04-07 周二"), message_id=7)
    moved = h.api.sent("editMessageText")[-1]
    assert "2026-04-07（周二）13:30 出发 · 2 户" in moved.text
    # a crafted button with a holiday: refused with the reason, nothing changed
    h.api.calls.clear()
    await leader.tap(ScheduleCb(a="dt", s=sid, d="20260407", e="20260406").pack())
    (refused,) = h.api.sent("answerCallbackQuery")
    assert refused.text == "2026-04-06 不是工作日。"
    jiangnan, haowei = h.world.subjects
    await leader.tap(ScheduleCb(a="se", s=sid, n=haowei).pack(), message_id=7)
    reordered = h.api.sent("editMessageText")[-1]
    assert reordered.text.index("1. 华容区好味道小吃店") < reordered.text.index(
        "2. 鄂州市江南餐饮有限公司")
    assert jiangnan != haowei


async def test_send_confirm_refuse_revise_stale_and_fixed(h: Harness) -> None:
    leader, member, partner = await _team(h)
    h.api.allow("editMessageText", "answerCallbackQuery", "sendMessage")
    await leader.tap(ScheduleCb(a="o", s=h.world.drawn_task, n=1).pack(), message_id=50)
    ((v1, _v, _s),) = await _versions(h)
    h.api.calls.clear()

    await leader.tap(ScheduleCb(a="send", s=v1).pack(), message_id=50)
    (status,) = h.api.sent("editMessageText")
    assert status.text.startswith("【2026-LH-001】第 1 组检查日程（第 1 版 · 待组员确认）")
    assert status.text.endswith("确认情况（0/2）：\n· 李四（生态环境局）未答复\n"
                                "· 王五（市场监督管理局）未答复")
    assert _buttons(status)[0] == "✏️ 修改日程（新版本）"
    asked = h.api.sent("sendMessage")
    assert sorted(c.chat_id for c in asked) == [1002, 1003]
    for call in asked:
        assert call.text.startswith("组长 张三 发来检查日程，请确认：\n\n【2026-LH-001】")
        assert _buttons(call)[-2:] == ["✅ 确认", "❌ 无法参加"]
    (ack,) = h.api.sent("answerCallbackQuery")
    assert ack.text == "日程（第 1 版）已发送给 2 名组员。"
    h.api.calls.clear()

    await member.tap(ScheduleCb(a="ok", s=v1).pack(), message_id=60, text="日程")
    edits = h.api.sent("editMessageText")
    mine = next(e for e in edits if e.message_id == 60)
    assert mine.text == "日程\n\n已确认第 1 版日程。"
    assert "✅ 确认" not in _buttons(mine)
    leader_status = next(e for e in edits if e.chat_id == 1001)
    assert leader_status.message_id == 50
    assert "· 王五（市场监督管理局）已确认" in leader_status.text
    assert "确认情况（1/2）" in leader_status.text
    h.api.calls.clear()

    await partner.tap(ScheduleCb(a="no", s=v1).pack(), message_id=61, text="日程")
    assert h.api.texts() == ["请回复无法参加的原因（将转告组长）："]
    h.api.calls.clear()
    await partner.send("   ")  # an empty reason changes nothing
    assert h.api.texts() == ["请填写无法参加的原因。"]
    h.api.calls.clear()
    await partner.send("4月1日在省厅培训")
    texts = h.api.sent("sendMessage")
    assert texts[0].chat_id == 1003
    assert texts[0].text == "已告知组长您无法参加第 1 版日程，原因：4月1日在省厅培训"
    assert texts[1].chat_id == 1001
    assert texts[1].text == ("李四 无法参加第 1 版日程：4月1日在省厅培训\n"
                             "请修改日程（新版本），组员将重新确认。")
    revise_data = _data(texts[1], "✏️ 修改日程（新版本）")
    status_edit = next(e for e in h.api.sent("editMessageText") if e.chat_id == 1001)
    assert "· 李四（生态环境局）无法参加：4月1日在省厅培训" in status_edit.text
    assert await h.count(AuditEvent, AuditEvent.action == "schedule.refused") == 1
    h.api.calls.clear()

    await leader.tap(revise_data, message_id=70)
    (v2_draft,) = h.api.sent("editMessageText")
    assert v2_draft.text.startswith("【2026-LH-001】第 1 组检查日程（第 2 版 · 草稿，未发送）")
    (_, (v2, version, state)) = await _versions(h)
    assert (version, state) == (2, "draft")
    h.api.calls.clear()

    # the old version's button: nothing changes, and it says why
    await member.tap(ScheduleCb(a="ok", s=v1).pack(), message_id=60)
    await partner.tap(ScheduleCb(a="no", s=v1).pack(), message_id=61)
    stale = h.api.sent("answerCallbackQuery")
    assert [c.text for c in stale] == ["这是第 1 版日程，已被第 2 版取代，本次操作未生效。"] * 2
    assert all(c.show_alert for c in stale)
    assert not h.api.sent("sendMessage")
    assert await h.count(ScheduleAnswer, ScheduleAnswer.schedule_id == v2) == 0
    h.api.calls.clear()

    await leader.tap(ScheduleCb(a="send", s=v2).pack(), message_id=70)
    assert sorted(c.chat_id for c in h.api.sent("sendMessage")) == [1002, 1003]
    await member.tap(ScheduleCb(a="ok", s=v2).pack(), message_id=80)
    h.api.calls.clear()
    await partner.tap(ScheduleCb(a="ok", s=v2).pack(), message_id=81)
    final = next(e for e in h.api.sent("editMessageText") if e.chat_id == 1001)
    assert final.text.startswith("【2026-LH-001】第 1 组检查日程（第 2 版 · 已确定）")
    told = h.api.sent("sendMessage")
    assert sorted(c.chat_id for c in told) == [1001, 1002, 1003]
    assert {c.text for c in told} == {
        "【2026-LH-001】第 1 组检查日程（第 2 版）已确定：全体组员已确认。"}
    assert [(v, s) for _i, v, s in await _versions(h)] == [(1, "superseded"), (2, "fixed")]
    assert await h.count(AuditEvent, AuditEvent.action == "schedule.fixed") == 1


async def test_venues_with_amap_and_baidu_links(h: Harness) -> None:
    leader, member, _partner = await _team(h)
    h.api.allow("editMessageText", "answerCallbackQuery", "sendVenue")
    await leader.tap(ScheduleCb(a="o", s=h.world.drawn_task, n=1).pack(), message_id=7)
    ((sid, _v, _s),) = await _versions(h)
    await member.tap(ScheduleCb(a="pl", s=sid, d="20260401").pack(), message_id=9)
    venues = h.api.sent("sendVenue")
    assert [(v.chat_id, v.title, v.latitude, v.longitude) for v in venues] == [
        (1002, "1. 鄂州市江南餐饮有限公司", 30.39, 114.89),
        (1002, "2. 华容区好味道小吃店", 30.53, 114.73)]
    amap, baidu = venues[0].reply_markup.inline_keyboard[0]
    assert amap.url.startswith("https://uri.amap.com/navigation?to=114.89")
    assert baidu.url.startswith("https://api.map.baidu.com/direction?destination=latlng:30.39")
    assert "coord_type=bd09ll" in baidu.url


async def test_english_leader_sees_english(h: Harness) -> None:
    await _office(h)
    leader = await h.bound(1001, h.world.leader, name="张三", language_code="en")
    h.api.allow("editMessageText", "answerCallbackQuery")
    await leader.tap(ScheduleCb(a="o", s=h.world.drawn_task, n=1).pack(), message_id=7)
    (draft,) = h.api.sent("editMessageText")
    assert draft.text.startswith("[2026-LH-001] Team 1 schedule (version 1 · draft, not sent)")
    assert "2026-04-01 (Wed) leave 09:00 · 2 visits · about 22.3 km · about 59 min driving" in (
        draft.text)


async def test_without_an_office_the_leader_shares_a_location(h: Harness) -> None:
    from aiogram.types import Chat, Location, Message, Update

    from tests.handlers.conftest import SENT_AT

    leader = await h.bound(1001, h.world.leader, name="张三")
    h.api.allow("editMessageText", "answerCallbackQuery", "sendMessage")
    await leader.tap(ScheduleCb(a="o", s=h.world.drawn_task, n=1).pack(), message_id=7)
    (alert,) = h.api.sent("answerCallbackQuery")
    assert alert.text == ("牵头部门（SCJG）尚未设置办公地点坐标，请共享您的位置作为出发地。")
    (ask,) = h.api.sent("sendMessage")
    assert ask.text == "请点下方按钮发送您的位置，日程将从该位置出发重新安排。"
    assert ask.reply_markup.keyboard[0][0].request_location
    assert await _versions(h) == []
    h.api.calls.clear()
    await leader.feed(Update(update_id=90_001, message=Message(
        message_id=900, date=SENT_AT, chat=Chat(id=1001, type="private"),
        from_user=leader.user, location=Location(latitude=30.53, longitude=114.72))))
    done, draft = h.api.sent("sendMessage")
    assert done.text == "出发地：组长共享的位置"
    assert draft.text.startswith("【2026-LH-001】第 1 组检查日程（第 1 版 · 草稿，未发送）\n"
                                 "组长：张三\n出发地：组长共享的位置\n")
    # from Huarong, the Huarong shop first
    assert draft.text.index("1. 华容区好味道小吃店") < draft.text.index("2. 鄂州市江南餐饮")


async def test_a_withdrawn_member_is_not_asked_the_replacement_is(h: Harness) -> None:
    from sqlalchemy import update

    from storage.models import TeamMember

    leader, member, partner = await _team(h)
    replacement = await h.bound(1004, h.world.idle, name="赵六")
    h.api.allow("editMessageText", "answerCallbackQuery", "sendMessage")
    await leader.tap(ScheduleCb(a="o", s=h.world.drawn_task, n=1).pack(), message_id=50)
    ((sid, _v, _s),) = await _versions(h)
    await leader.tap(ScheduleCb(a="send", s=sid).pack(), message_id=50)
    async with h.sessions() as session:  # 王五 withdrawn (病假), 赵六 drawn in his place
        withdrawn = await session.scalar(select(TeamMember).where(
            TeamMember.inspector_id == h.world.member))
        assert withdrawn is not None
        session.add(TeamMember(team_id=h.world.team, task_id=h.world.drawn_task,
                               department_id=withdrawn.department_id,
                               inspector_id=h.world.idle, draw_id=withdrawn.draw_id))
        await session.execute(update(TeamMember).where(TeamMember.id == withdrawn.id)
                              .values(active=False, withdrawn_reason="病假"))
        await session.commit()
    h.api.calls.clear()
    await member.tap(ScheduleCb(a="ok", s=sid).pack(), message_id=60)
    (refused,) = h.api.sent("answerCallbackQuery")
    assert refused.text == "您不是本组的组员（或已被替换），无需确认此日程。"
    h.api.calls.clear()
    await partner.tap(ScheduleCb(a="ok", s=sid).pack(), message_id=61)
    h.api.calls.clear()
    await member.tap(ScheduleCb(a="ask", s=sid).pack(), message_id=60)  # not the leader
    assert h.api.sent("answerCallbackQuery")[0].text == (
        "只有本组组长可以安排、修改或发送检查日程。")
    h.api.calls.clear()
    await leader.tap(ScheduleCb(a="ask", s=sid).pack(), message_id=50)
    (again,) = h.api.sent("sendMessage")
    assert again.chat_id == 1004
    assert again.text.startswith("组长 张三 发来检查日程，请确认：")
    assert h.api.sent("answerCallbackQuery")[0].text == "已再次发送给 1 名未答复的组员。"
    h.api.calls.clear()
    await replacement.tap(ScheduleCb(a="ok", s=sid).pack(), message_id=62)
    final = next(e for e in h.api.sent("editMessageText") if e.chat_id == 1001)
    assert "（第 1 版 · 已确定）" in final.text
    assert "王五" not in final.text
    assert sorted(c.chat_id for c in h.api.sent("sendMessage")) == [1001, 1003, 1004]
