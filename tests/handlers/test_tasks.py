"""/tasks: the list of my assignments and each section of one assignment, as people see them."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.i18n import Translator
from handlers import render
from handlers.callbacks import TaskCb
from services.assignments import Assignment, AssignmentSummary, Member, SubjectStop
from tests.handlers.conftest import Harness

LIST_ZH = (
    "我的检查任务（共 1 项）：\n"
    "1. 【2026-LH-001】2026年餐饮服务单位食品安全联合抽查\n"
    "　第 1 组{mark} · 2026-04-01 至 2026-04-30 · 检查对象 2 个 · 已组成检查小组"
)
OVERVIEW_ZH = (
    "【2026-LH-001】2026年餐饮服务单位食品安全联合抽查\n"
    "状态：已组成检查小组\n"
    "牵头部门：市场监督管理局\n"
    "检查时间：2026-04-01 至 2026-04-30\n"
    "\n"
    "第 1 组\n"
    "组长：张三（市场监督管理局）\n"
    "组员：\n"
    "· 张三（市场监督管理局）组长\n"
    "· 李四（生态环境局）本人\n"
    "· 王五（市场监督管理局）"
)
ITEMS_ZH = (  # one item per page (issue 9 item 20)
    "【2026-LH-001】2026年餐饮服务单位食品安全联合抽查\n"
    "检查事项：\n"
    "1. 食品经营许可和备案情况的检查（SC-SP-01）\n"
    "　依据：《中华人民共和国食品安全法》第三十五条\n"
    "　检查内容：\n"
    "　　- 食品经营许可证是否在有效期内\n"
    "　　- 实际经营地址与许可地址是否一致\n"
    "　检查方法：实地核查、书面检查\n"
    "　要求：检查时出示执法证件，两名以上执法人员在场。\n"
    "\n（第 1/2 页）",
    "【2026-LH-001】2026年餐饮服务单位食品安全联合抽查\n"
    "检查事项：\n"
    "2. 排污许可执行情况的检查（HB-PW-01）\n"
    "　依据：《排污许可管理条例》第三十三条\n"
    "　检查内容：\n"
    "　　- 是否按证排污\n"
    "　检查方法：实地核查\n"
    "\n（第 2/2 页）",
)
SUBJECTS_ZH = (
    "【2026-LH-001】2026年餐饮服务单位食品安全联合抽查\n"
    "检查对象（按检查顺序）：\n"
    "1. 鄂州市江南餐饮有限公司\n"
    "　鄂城区 鄂城区古楼街道滨湖北路18号\n"
    "2. 华容区好味道小吃店\n"
    "　华容区 华容区华容镇正街66号"
)


async def test_tasks_lists_my_assignment(h: Harness) -> None:
    leader = await h.bound(1001, h.world.leader)
    h.api.allow("sendMessage")
    await leader.send("/tasks")
    (call,) = h.api.sent()
    assert call.text == LIST_ZH.format(mark=" （您是组长）")
    (row,) = call.reply_markup.inline_keyboard
    assert row[0].text == "1. 2026-LH-001 详情"
    assert row[0].callback_data == TaskCb(task_id=h.world.drawn_task).pack()


async def test_a_member_sees_team_leader_and_members_in_the_overview(h: Harness) -> None:
    partner = await h.bound(1003, h.world.partner, department="HBJ")
    h.api.allow("sendMessage", "editMessageText", "answerCallbackQuery")
    await partner.send("/tasks")
    assert h.api.texts() == [LIST_ZH.format(mark="")]
    await partner.tap(TaskCb(task_id=h.world.drawn_task).pack(), message_id=7, text=LIST_ZH)
    (edit,) = h.api.sent("editMessageText")
    assert edit.text == OVERVIEW_ZH
    assert edit.message_id == 7
    buttons = [b.text for row in edit.reply_markup.inline_keyboard for b in row]
    assert buttons == ["· 概况", "事项与指引", "检查对象", "« 返回列表"]
    assert len(h.api.sent("answerCallbackQuery")) == 1


async def test_items_with_their_guidance_and_subjects_in_visiting_order(h: Harness) -> None:
    partner = await h.bound(1003, h.world.partner, department="HBJ")
    h.api.allow("editMessageText", "answerCallbackQuery")
    await partner.tap(TaskCb(task_id=h.world.drawn_task, section="i").pack())
    await partner.tap(TaskCb(task_id=h.world.drawn_task, section="i", page=1).pack())
    await partner.tap(TaskCb(task_id=h.world.drawn_task, section="s").pack())
    first, second, subjects = h.api.sent("editMessageText")
    assert (first.text, second.text) == ITEMS_ZH
    assert [b.text for b in first.reply_markup.inline_keyboard[0]] == ["下一页 ›"]
    assert subjects.text == SUBJECTS_ZH


async def test_someone_not_drawn_has_no_tasks_and_cannot_open_one(h: Harness) -> None:
    idle = await h.bound(1004, h.world.idle)
    h.api.allow("sendMessage", "answerCallbackQuery")
    await idle.send("/tasks")
    await idle.tap(TaskCb(task_id=h.world.drawn_task).pack())
    assert h.api.texts() == ["目前没有分配给您的检查任务。"]
    (answer,) = h.api.sent("answerCallbackQuery")
    assert answer.text == "您不在该任务的检查小组中。"
    assert answer.show_alert is True


async def test_english_assignment_list(h: Harness) -> None:
    leader = await h.bound(1001, h.world.leader, language_code="en-US")
    h.api.allow("sendMessage")
    await leader.send("/tasks")
    assert h.api.texts() == [
        "My inspection tasks (1):\n"
        "1. [2026-LH-001] 2026年餐饮服务单位食品安全联合抽查\n"
        "team 1 (you lead) · 2026-04-01 to 2026-04-30 · 2 subjects · teams formed"
    ]


def _big_assignment(subjects: int, requirement: str) -> Assignment:
    summary = AssignmentSummary(1, "2026-LH-009", "大任务", "in_progress", 1, False,
                                dt.date(2026, 4, 1), dt.date(2026, 4, 30), subjects)
    from services.assignments import ItemGuidance

    return Assignment(
        summary=summary, lead_department_code="SCJG", lead_department_name="市场监督管理局",
        items=(ItemGuidance("X", "事项", "", ("要点",) * 50, ("onsite",), requirement),),
        leader=None, members=(Member("甲", "SCJG", "市场监督管理局", False, False, 1),),
        subjects=tuple(
            SubjectStop(n, n, f"检查对象{n}号有限责任公司", "ID", "鄂州市鄂城区某某街道某某路" * 3,
                        "鄂城区", None)
            for n in range(1, subjects + 1)
        ),
        deadlines={},
    )


@settings(deadline=None, max_examples=50)
@given(subjects=st.integers(0, 400), requirement=st.text(max_size=9000))
def test_no_page_of_an_assignment_exceeds_telegrams_limit(
    subjects: int, requirement: str
) -> None:
    tr = Translator("zh_CN")
    assignment = _big_assignment(subjects, requirement)
    for section in render.SECTIONS:
        first, markup = render.assignment_section(assignment, 1, section, 0, tr)
        pages = 1
        if markup.inline_keyboard[0][-1].text == "下一页 ›":
            pages = int(first.rsplit("/", 1)[1].rstrip("页）"))
        for page in range(pages):
            text, markup = render.assignment_section(assignment, 1, section, page, tr)
            assert 0 < len(text) <= render.MAX_TEXT
            for row in markup.inline_keyboard:
                for button in row:
                    assert len(button.callback_data.encode()) <= 64


@given(lines=st.lists(st.text(max_size=5000), max_size=40))
def test_paging_keeps_every_character_in_order(lines: list[str]) -> None:
    pages = render.paginate(lines, budget=1000)
    assert all(len(p) <= 1000 for p in pages)
    assert "".join(pages).replace("\n", "") == "".join(lines).replace("\n", "")
