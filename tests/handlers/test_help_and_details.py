"""Issue 9 items 15 and 20: /help offers only the commands the person may use, a leader's
/start says which team of which task they lead, an English person reads English, and task
details show translated deadline labels, never the stored keys."""

from __future__ import annotations

from sqlalchemy import update

from handlers.callbacks import TaskCb
from storage.models import Task
from tests.handlers.conftest import Harness


async def test_help_for_an_inspector_does_not_offer_review(h: Harness) -> None:
    inspector = await h.bound(1003, h.world.partner, department="HBJ")
    h.api.allow("sendMessage")
    await inspector.send("/help")
    (text,) = h.api.texts()
    assert "/tasks：" in text
    assert "/review" not in text
    assert "/progress" not in text
    assert "/overdue" not in text


async def test_help_for_a_supervisor_offers_progress_and_overdue(h: Harness) -> None:
    watcher = await h.bound(1200, department="SCJG", role="supervisor", name="督查")
    h.api.allow("sendMessage")
    await watcher.send("/help")
    (text,) = h.api.texts()
    assert "/progress：各部门工作进度" in text
    assert "/overdue：逾期未录入检查结果的检查小组" in text
    assert "/review" not in text
    assert "/tasks" not in text


async def test_help_for_a_department_admin_offers_review(h: Harness) -> None:
    chen = await h.bound(1100, department="SCJG", role="dept_admin", name="陈主任")
    h.api.allow("sendMessage")
    await chen.send("/help")
    (text,) = h.api.texts()
    assert "/review：会审本部门待审的联合抽查任务" in text
    assert "/tasks" not in text


async def test_a_leaders_start_names_the_team_and_task_they_lead(h: Harness) -> None:
    leader = await h.bound(1001, h.world.leader)
    partner = await h.bound(1003, h.world.partner, department="HBJ")
    h.api.allow("sendMessage", "setMyCommands")
    await leader.send("/start")
    await partner.send("/start")
    lead_text, member_text = h.api.texts()
    assert "您是任务【2026-LH-001】2026年餐饮服务单位食品安全联合抽查第 1 组的组长。" in lead_text
    assert "组长。" not in member_text


async def test_an_english_leader_reads_english(h: Harness) -> None:
    leader = await h.bound(1001, h.world.leader, language_code="en-US")
    h.api.allow("sendMessage", "setMyCommands")
    await leader.send("/start")
    await leader.send("/help")
    start, help_text = h.api.texts()
    assert "You lead team 1 of task 2026-LH-001" in start
    assert help_text.startswith("jointcheck supports joint")
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in help_text.split("\n\n")[0])


async def test_task_details_show_deadline_labels_not_keys(h: Harness) -> None:
    async with h.sessions() as session:
        await session.execute(update(Task).where(Task.id == h.world.drawn_task).values(
            deadlines={"check_finished": "2028-03-31", "results_due": "2028-04-28",
                       "results_due_working_days": 20, "results_due_assumed_years": [2028]}))
        await session.commit()
    zh = await h.bound(1003, h.world.partner, department="HBJ")
    en = await h.bound(1001, h.world.leader, language_code="en")
    h.api.allow("editMessageText", "answerCallbackQuery")
    await zh.tap(TaskCb(task_id=h.world.drawn_task).pack())
    await en.tap(TaskCb(task_id=h.world.drawn_task).pack())
    zh_text, en_text = (c.text for c in h.api.sent("editMessageText"))
    assert "检查完成日期：2028-03-31\n结果录入截止：2028-04-28（20 个工作日内）" in zh_text
    assert ("Check finished: 2028-03-31\n"
            "Results due: 2028-04-28 (within 20 working days)") in en_text
    for text in (zh_text, en_text):
        assert "check_finished" not in text
        assert "results_due" not in text
