"""/results: the leader sees every department's records, enters the final result through the
toggle form, gets the on-site record PDF, and refers a finding (issue 11 items 4–6)."""

from __future__ import annotations

import asyncio
import datetime as dt
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiogram import Dispatcher
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import build_dispatcher
from bot.config import Settings
from bot.container import make_container
from handlers.results import ResCb
from services.records import RecordService, Upload
from storage.files import LocalFileStore
from storage.models import AuditEvent, FinalResult, Outbox, Referral
from tests.conftest import SHANGHAI
from tests.evidence_files import jpeg
from tests.handlers.conftest import Harness, Person
from tests.services import inspector_actor as ins

SUBJECT = "鄂州市江南餐饮有限公司"


@pytest.fixture
async def dispatcher(settings: Settings, sessions: async_sessionmaker[AsyncSession], clock: Any
                     ) -> AsyncIterator[Dispatcher]:
    """The application's Dispatcher with a throttle a whole form stays under (a person taps
    this many buttons in a few seconds only in a test)."""
    container = make_container(settings, sessions=sessions, clock=clock)
    yield build_dispatcher(settings, container, throttle_limit=1000)
    await container.close()


@pytest.fixture
def field(h: Harness) -> Harness:
    """The harness on the day of the check (2026-04-01, Shanghai)."""
    h.clock.now = dt.datetime(2026, 4, 1, 10, 0, tzinfo=SHANGHAI).astimezone(dt.UTC)
    return h


async def submitted_record(h: Harness, tmp_path: Path, *, subject: int = 0,
                           finding: str = "无") -> int:
    """张三's SCJG record of the subject, submitted, nobody co-signed it (a finding comes with
    a photo, as the record service requires)."""
    async with h.sessions() as session:
        records = RecordService(session, h.clock, LocalFileStore(tmp_path / "files"))
        view = await records.open(ins(h.world.leader), h.world.drawn_task,
                                  h.world.subjects[subject], "SC-SP-01")
        for n in (1, 2):
            await records.set_answer(view.id, ins(h.world.leader), n, "yes")
        await records.set_text(view.id, ins(h.world.leader), "findings", finding)
        if finding != "无":
            await records.add_evidence(view.id, ins(h.world.leader), Upload(
                jpeg(), "photo", "image/jpeg", "IMG_1.jpg", "u-1"))
        await records.submit(view.id, ins(h.world.leader))
        return view.id


async def leader(h: Harness) -> Person:
    h.api.allow("sendMessage", "editMessageText", "answerCallbackQuery", "sendDocument",
                "editMessageReplyMarkup")
    return await h.bound(1001, h.world.leader, name="张三")


def buttons(call: Any) -> list[tuple[str, str]]:
    markup = call.reply_markup
    if markup is None:
        return []
    if isinstance(markup, dict):
        return [(b["text"], b["callback_data"]) for row in markup["inline_keyboard"]
                for b in row]
    return [(b.text, b.callback_data) for row in markup.inline_keyboard for b in row]


def button(call: Any, label: str) -> str:
    return next(data for text, data in buttons(call) if text.endswith(label))


def last(h: Harness) -> Any:
    """The last message shown (sent or edited)."""
    return next(c for c in reversed(h.api.calls) if c.method in ("sendMessage",
                                                                  "editMessageText"))


def alerts(h: Harness) -> list[str]:
    return [c.text for c in h.api.sent("answerCallbackQuery") if c.text]


async def open_sheet(h: Harness, person: Person) -> Any:
    await person.send("/results")
    overview = h.api.sent()[-1]
    await person.tap(button(overview, SUBJECT))
    return last(h)


async def enter_no_problem(h: Harness, person: Person) -> Any:
    """The shortest entry: 未发现问题, a summary, 无需后续处置, confirm."""
    sheet = await open_sheet(h, person)
    await person.tap(button(sheet, "录入最终结果"))
    form = last(h)
    await person.tap(button(form, "未发现问题"))
    await person.tap(button(last(h), "下一步 »"))
    await person.send("现场检查未发现问题")
    await person.tap(button(last(h), "无需后续处置"))
    await person.tap(button(last(h), "下一步 »"))
    review = last(h)
    await person.tap(button(review, "确认录入"))
    return review


async def test_the_overview_shows_submitted_unconfirmed_and_missing_plainly(
    field: Harness, tmp_path: Path
) -> None:
    h = field
    await submitted_record(h, tmp_path)
    person = await leader(h)
    await person.send("/results")
    (overview,) = h.api.sent()
    lines = overview.text.splitlines()
    assert lines[0] == ("【2026-LH-001】2026年餐饮服务单位食品安全联合抽查 · 第 1 组："
                        "已录入结果 0/2")
    assert lines[1] == f"1. {SUBJECT}：记录 1/2 已提交，1 未确认，1 缺失"
    assert lines[2] == "2. 华容区好味道小吃店：记录 0/2 已提交，0 未确认，2 缺失"
    await person.tap(button(overview, SUBJECT))
    sheet = last(h).text.splitlines()
    assert sheet[1] == "检查日期 2026-04-01，结果录入期限 2026-04-30（20 个工作日，第十六条）"
    assert ("⚠ SCJG · 食品经营许可和备案情况的检查：已提交（张三），未确认——"
            "没有第二名检查人员确认") in sheet
    assert "✗ HBJ · 排污许可执行情况的检查：缺失（未记录）" in sheet
    assert "已提交 1/2，已确认 0，未确认 1，缺失 1" in sheet
    assert sheet[-1] == "尚未录入最终结果。"
    assert [t for t, _ in buttons(last(h))] == ["录入最终结果", "现场检查记录表 PDF", "« 返回"]


def _pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "form.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


async def test_the_leader_enters_a_correction_with_sub_kinds_and_gets_the_pdf(
    field: Harness, tmp_path: Path
) -> None:
    h = field
    await submitted_record(h, tmp_path)
    person = await leader(h)
    sheet = await open_sheet(h, person)
    await person.tap(button(sheet, "录入最终结果"))
    form = last(h)
    labels = [t for t, _ in buttons(form)]
    assert "□ 发现问题待后续处理" in labels
    assert not any("未按规定公示应当公示的信息" in t for t in labels)  # sub-kinds hidden
    await person.tap(button(form, "发现问题待后续处理"))
    labels = [t for t, _ in buttons(last(h))]
    assert "■ 发现问题待后续处理" in labels
    assert "　└ □ 未按规定公示应当公示的信息" in labels
    await person.tap(button(last(h), "下一步 »"))  # A without a sub-kind
    assert alerts(h)[-1] == "“发现问题待后续处理”需要至少选择一种具体情形。"
    await person.tap(button(last(h), "未按规定公示应当公示的信息"))
    await person.tap(button(last(h), "发现问题已责令改正"))
    assert last(h).text.splitlines()[1] == (
        "检查结果：发现问题已责令改正、发现问题待后续处理、未按规定公示应当公示的信息")
    await person.tap(button(last(h), "下一步 »"))
    assert last(h).text.endswith("第 2 步：请发送检查结果摘要（文字）。")
    await person.send("许可证未在经营场所公示，已当场责令改正")
    await person.tap(button(last(h), "责令改正，日常监管部门跟踪"))
    await person.tap(button(last(h), "下一步 »"))
    ask = last(h)
    assert ask.text.startswith("第 4 步：责令改正的改正期限")
    assert [t for t, _ in buttons(ask)] == ["2026-04-08（7 天后）", "2026-04-16（15 天后）",
                                            "2026-05-01（30 天后）"]
    await person.send("2026-13-01")
    assert h.api.texts()[-1] == ("“2026-13-01”不是有效日期：请按 YYYY-MM-DD 格式发送，"
                                 "例如 2026-04-16。")
    await person.send("2026-03-31")
    assert h.api.texts()[-1] == ("改正期限 2026-03-31 已经过去：请选择今天（2026-04-01）"
                                 "或以后的日期。")
    async with h.sessions() as session:
        assert (await session.scalars(select(FinalResult))).all() == []
    await person.send("2026-04-20")
    review = last(h)
    assert review.text.splitlines() == [
        "请核对后确认：", f"录入最终检查结果：{SUBJECT}",
        "检查结果：发现问题已责令改正、发现问题待后续处理、未按规定公示应当公示的信息",
        "摘要：许可证未在经营场所公示，已当场责令改正",
        "后续处置：违反本部门规定，责令改正，日常监管部门跟踪", "改正期限：2026-04-20",
        "检查日期 2026-04-01，录入期限 2026-04-30。"]
    await person.tap(button(review, "确认录入"))
    done = h.api.sent("editMessageText")[-1]
    assert done.text.splitlines() == [
        f"已录入 {SUBJECT} 的最终检查结果：发现问题已责令改正、发现问题待后续处理、"
        "未按规定公示应当公示的信息。", "按期录入（期限 2026-04-30）。"]
    (document,) = h.api.sent("sendDocument")
    assert document.chat_id == 1001
    assert document.caption == f"现场检查记录表（随机抽查情况记录表）：{SUBJECT}"
    assert document.document.filename == "91420700MA4KXXXX1A.pdf"
    text = "".join((await asyncio.to_thread(_pdf_text, document.document.data,
                                            tmp_path)).split())
    for expected in (SUBJECT, "■发现问题已责令改正", "改正期限：2026-04-20", "张三", "42070001"):
        assert expected in text
    async with h.sessions() as session:
        (row,) = (await session.scalars(select(FinalResult))).all()
        assert (row.categories, row.disposals, row.correction_due_on, row.late) == (
            ["E", "A", "B"], ["correction"], dt.date(2026, 4, 20), False)
        actors = (await session.scalars(select(AuditEvent.actor).where(
            AuditEvent.action == "result.entered"))).all()
    assert len(actors) == 1
    assert actors[0].startswith("account:")


async def test_a_tapped_deadline_that_is_now_past_is_refused(field: Harness, tmp_path: Path
                                                            ) -> None:
    h = field
    await submitted_record(h, tmp_path)
    person = await leader(h)
    sheet = await open_sheet(h, person)
    await person.tap(button(sheet, "录入最终结果"))
    await person.tap(button(last(h), "发现问题已责令改正"))
    await person.tap(button(last(h), "下一步 »"))
    await person.send("已责令改正")
    await person.tap(button(last(h), "责令改正，日常监管部门跟踪"))
    await person.tap(button(last(h), "下一步 »"))
    ask = last(h)
    h.clock.advance(days=10)  # the leader comes back ten days later and taps "in 7 days"
    await person.tap(button(ask, "2026-04-08（7 天后）"))
    assert alerts(h)[-1] == "改正期限 2026-04-08 已经过去：请选择今天（2026-04-11）或以后的日期。"
    async with h.sessions() as session:
        assert (await session.scalars(select(FinalResult))).all() == []


async def test_a_late_entry_is_accepted_and_says_by_how_many_working_days(
    field: Harness, tmp_path: Path
) -> None:
    h = field
    await submitted_record(h, tmp_path)
    person = await leader(h)
    # checked 2026-04-01, due 04-30; entered 05-20: 5-01..05 off, Saturday 5-09 worked (调休)
    h.clock.now = dt.datetime(2026, 5, 20, 9, 0, tzinfo=SHANGHAI).astimezone(dt.UTC)
    review = await enter_no_problem(h, person)
    assert review.text.splitlines()[-1] == (
        "⚠ 已超过录入期限 12 个工作日：仍可录入，但将标记为逾期（第十六条）。")
    done = h.api.sent("editMessageText")[-1]
    assert done.text.splitlines()[1] == (
        "逾期录入：超过期限 2026-04-30 共 12 个工作日（第十六条）。已录入并标记为逾期。")
    assert len(h.api.sent("sendDocument")) == 1
    async with h.sessions() as session:
        (row,) = (await session.scalars(select(FinalResult))).all()
        assert row.late


async def test_a_member_who_does_not_lead_is_refused(field: Harness, tmp_path: Path) -> None:
    h = field
    await submitted_record(h, tmp_path)
    h.api.allow("sendMessage", "answerCallbackQuery", "editMessageText")
    member = await h.bound(1002, h.world.member, name="王五")
    await member.send("/results")
    assert h.api.texts() == ["你目前不是任何检查小组的组长：最终检查结果由组长录入（第十三条）。"]
    # a leader's button forwarded or guessed: refused by the service, nothing changes
    await member.tap(ResCb(a="e", t=h.world.drawn_task, s=h.world.subjects[0]).pack())
    await member.tap(ResCb(a="pdf", t=h.world.drawn_task, s=h.world.subjects[0]).pack())
    assert alerts(h) == ["只有检查小组组长可以录入最终检查结果（第十三条）。"] * 2
    assert h.api.sent("editMessageText") == []


async def test_a_button_of_an_earlier_form_is_refused(field: Harness, tmp_path: Path) -> None:
    h = field
    await submitted_record(h, tmp_path)
    person = await leader(h)
    sheet = await open_sheet(h, person)
    await person.tap(button(sheet, "录入最终结果"))
    first = last(h)
    await person.tap(button(sheet, "录入最终结果"))  # a new form: the first one is stale
    await person.tap(button(first, "未发现问题"))
    assert alerts(h)[-1] == "这个按钮已经过期：请用 /results 重新打开检查对象。"
    await enter_no_problem(h, person)
    review_ok = next(data for c in reversed(h.api.sent()) for t, data in buttons(c)
                     if t == "✅ 确认录入")
    await person.tap(review_ok)  # the confirmation once more, after the entry
    assert alerts(h)[-1] == "这个按钮已经过期：请用 /results 重新打开检查对象。"
    async with h.sessions() as session:
        assert len((await session.scalars(select(FinalResult))).all()) == 1
        entered = (await session.scalars(select(AuditEvent).where(
            AuditEvent.action == "result.entered"))).all()
    assert len(entered) == 1


async def test_the_leader_informs_another_department_from_the_result(
    field: Harness, tmp_path: Path
) -> None:
    h = field
    await submitted_record(h, tmp_path)
    person = await leader(h)
    async with h.sessions() as session:
        from demo.accounts import Persona, bind_demo_accounts
        from services.accounts import AccountService

        await bind_demo_accounts(session, AccountService(session, h.clock), [
            Persona(1201, "生态环境局管理员", "HBJ", roles=("dept_admin",))])
    await enter_no_problem(h, person)
    done = h.api.sent("editMessageText")[-1]
    await person.tap(button(done, "告知 / 移送"))
    kinds = h.api.sent()[-1]
    assert [t for t, _ in buttons(kinds)] == ["告知相关部门", "移送办案机构", "移送司法机关",
                                              "取消"]
    await person.tap(button(kinds, "告知相关部门"))
    departments = [t for t, _ in buttons(last(h))]
    assert "生态环境局" in departments
    assert "市场监督管理局" not in departments  # one's own department is not offered
    await person.tap(button(last(h), "生态环境局"))
    await person.send("后厨废水直排雨水管")
    review = h.api.sent()[-1]
    assert review.text == f"告知 / 移送：{SUBJECT}\n告知：生态环境局\n问题：后厨废水直排雨水管"
    await person.tap(button(review, "确认办理"))
    assert h.api.sent("editMessageText")[-1].text.endswith(
        "已告知 生态环境局（编号 1），已通知该部门 1 名管理员签收。")
    async with h.sessions() as session:
        (referral,) = (await session.scalars(select(Referral))).all()
        assert (referral.kind, referral.finding, referral.result_id) == (
            "inform", "后厨废水直排雨水管", (await session.scalars(
                select(FinalResult.id))).one())
        (notice,) = (await session.scalars(select(Outbox).where(
            Outbox.kind == "referral"))).all()
        assert notice.payload["referral_id"] == referral.id


async def test_a_judicial_transfer_asks_organ_date_and_number(field: Harness, tmp_path: Path
                                                             ) -> None:
    h = field
    await submitted_record(h, tmp_path)
    person = await leader(h)
    await enter_no_problem(h, person)
    await person.tap(button(h.api.sent("editMessageText")[-1], "告知 / 移送"))
    await person.tap(button(h.api.sent()[-1], "移送司法机关"))
    await person.send("鄂州市公安局鄂城区分局")
    await person.send("2026-04-02")  # tomorrow
    assert h.api.texts()[-1] == "日期 2026-04-02 还没到：移送日期不能晚于今天（2026-04-01）。"
    await person.send("2026-04-01")
    await person.send("鄂市监移〔2026〕3号")
    await person.send("涉嫌生产假冒食品")
    review = h.api.sent()[-1]
    assert review.text.splitlines()[1] == (
        "移送司法机关：鄂州市公安局鄂城区分局，移送日期 2026-04-01，文书编号 鄂市监移〔2026〕3号")
    await person.tap(button(review, "确认办理"))
    async with h.sessions() as session:
        (referral,) = (await session.scalars(select(Referral))).all()
        assert (referral.state, referral.organ, referral.document_no,
                referral.transferred_on) == ("transferred", "鄂州市公安局鄂城区分局",
                                             "鄂市监移〔2026〕3号", dt.date(2026, 4, 1))


async def test_the_leader_refers_one_records_finding_before_the_result(
    field: Harness, tmp_path: Path
) -> None:
    h = field
    record_id = await submitted_record(h, tmp_path, finding="后厨废水直排雨水管")
    person = await leader(h)
    sheet = await open_sheet(h, person)
    labels = [t for t, _ in buttons(sheet)]
    assert "告知 / 移送" not in labels  # no final result yet
    await person.tap(button(sheet, "告知 / 移送记录：SCJG · 食品经营许可和备案情况的检查"))
    await person.tap(button(h.api.sent()[-1], "告知相关部门"))
    await person.tap(button(last(h), "生态环境局"))
    await person.send("后厨废水直排雨水管")
    await person.tap(button(h.api.sent()[-1], "确认办理"))
    async with h.sessions() as session:
        (referral,) = (await session.scalars(select(Referral))).all()
        assert (referral.record_id, referral.result_id, referral.kind) == (
            record_id, None, "inform")


async def test_a_revision_asks_for_its_reason_and_says_so(field: Harness, tmp_path: Path
                                                         ) -> None:
    h = field
    await submitted_record(h, tmp_path)
    person = await leader(h)
    await enter_no_problem(h, person)
    sheet = await open_sheet(h, person)
    assert "最终结果（2026-04-01，张三）：未发现问题" in sheet.text
    await person.tap(button(sheet, "修改最终结果"))
    form = last(h)
    assert "■ 未发现问题" in [t for t, _ in buttons(form)]  # the entered result, to change
    await person.tap(button(form, "未发现问题"))
    await person.tap(button(last(h), "发现问题待后续处理"))
    await person.tap(button(last(h), "违反其他市场监管规定"))
    await person.tap(button(last(h), "下一步 »"))
    await person.send("复核发现未按规定公示")
    await person.tap(button(last(h), "违反其他部门规定，抄告相关部门"))
    await person.tap(button(last(h), "下一步 »"))
    assert h.api.texts()[-1] == "该检查对象已有最终结果，修改需写明理由：请发送修改理由。"
    await person.send("复核现场照片")
    review = last(h)
    assert "修改理由：复核现场照片" in review.text.splitlines()
    await person.tap(button(review, "确认录入"))
    assert h.api.sent("editMessageText")[-1].text.splitlines()[0] == (
        f"已修改 {SUBJECT} 的最终检查结果（第 1 次修改）："
        "发现问题待后续处理、违反其他市场监管规定。")
    async with h.sessions() as session:
        (row,) = (await session.scalars(select(FinalResult))).all()
        assert (row.categories, row.revisions) == (["A", "D"], 1)
        reasons = [e.data["reason"] for e in (await session.scalars(select(AuditEvent).where(
            AuditEvent.action == "result.revised"))).all()]
    assert reasons == ["复核现场照片"]
    assert len(h.api.sent("sendDocument")) == 2  # the form again, as revised


async def test_the_overview_speaks_english_to_an_english_leader(field: Harness, tmp_path: Path
                                                               ) -> None:
    h = field
    await submitted_record(h, tmp_path)
    h.api.allow("sendMessage", "editMessageText", "answerCallbackQuery")
    person = await h.bound(1003, h.world.leader, name="Zhang San", language_code="en")
    await person.send("/results")
    lines = h.api.texts()[-1].splitlines()
    assert lines[1] == f"1. {SUBJECT}: records 1/2 submitted, 1 unconfirmed, 1 missing"
    await person.tap(button(h.api.sent()[-1], SUBJECT))
    sheet = last(h).text
    assert ("⚠ SCJG · 食品经营许可和备案情况的检查: submitted (张三), unconfirmed — "
            "no second inspector confirmed it") in sheet
    await person.tap(button(last(h), "Enter the final result"))
    assert "□ problem found, follow-up pending" in [t for t, _ in buttons(last(h))]


async def test_help_names_results_and_cancel_drops_the_form(field: Harness, tmp_path: Path
                                                           ) -> None:
    h = field
    await submitted_record(h, tmp_path)
    person = await leader(h)
    await person.send("/help")
    assert ("/results：（检查小组组长）查看每个检查对象各部门的检查记录（已提交、已确认、未确认、"
            "缺失），录入最终检查结果，获取现场检查记录表 PDF，告知或移送发现的问题。"
            ) in h.api.texts()[-1].splitlines()
    sheet = await open_sheet(h, person)
    await person.tap(button(sheet, "录入最终结果"))
    form = last(h)
    await person.tap(button(form, "未发现问题"))
    await person.tap(button(last(h), "取消"))
    assert last(h).text == "已取消，未录入任何内容。"
    await person.tap(button(form, "下一步 »"))  # the cancelled form's button
    assert alerts(h)[-1] == "这个按钮已经过期：请用 /results 重新打开检查对象。"
    async with h.sessions() as session:
        assert (await session.scalars(select(FinalResult))).all() == []
