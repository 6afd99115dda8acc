"""Check records, evidence, final results and referrals on both databases (issue 11)."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.actors import Actor
from services.calendar import CalendarService
from services.errors import IllegalTransition, NotFound, ValidationFailed
from services.progress import ProgressService
from services.records import (
    CosignRefused,
    EvidenceOutsideRecord,
    FindingNeedsEvidence,
    RecordIncomplete,
    RecordLocked,
    RecordNotMember,
    RecordService,
    RecordWrongDepartment,
    Upload,
    WrongFileType,
)
from services.referrals import (
    ReferralNotAdmin,
    ReferralNotMember,
    ReferralRequest,
    ReferralService,
)
from services.results import ResultEntry, ResultInvalid, ResultNotLeader, ResultService
from storage.files import FileTooLarge, LocalFileStore, read_all
from storage.models import (
    Account,
    AuditEvent,
    Evidence,
    Outbox,
    RecordAmendment,
    ScheduleStop,
    Task,
    TeamSchedule,
)
from tests.conftest import SHANGHAI, FixedClock
from tests.e2e.seed import World, seed_world
from tests.evidence_files import jpeg, pdf
from tests.services import inspector_actor as ins
from tests.services import task_service

JIANGNAN = (30.39, 114.89)  # the registered place of 鄂州市江南餐饮有限公司


@pytest.fixture
async def world(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[World]:
    async with sessions() as session:
        yield await seed_world(session)


@pytest.fixture
def field_clock(clock: FixedClock) -> FixedClock:
    clock.now = dt.datetime(2026, 4, 1, 10, 0, tzinfo=SHANGHAI).astimezone(dt.UTC)
    return clock


@pytest.fixture
def store(tmp_path: Path) -> LocalFileStore:
    return LocalFileStore(tmp_path / "files")


@pytest.fixture
def records(session: AsyncSession, field_clock: FixedClock, store: LocalFileStore,
            world: World) -> RecordService:
    return RecordService(session, field_clock, store)


@pytest.fixture
def results(session: AsyncSession, field_clock: FixedClock, records: RecordService
            ) -> ResultService:
    tasks = task_service(session, field_clock)
    return ResultService(session, field_clock, CalendarService(session, field_clock), tasks,
                         records)


async def actions(session: AsyncSession, prefix: str) -> list[str]:
    return list((await session.scalars(select(AuditEvent.action).where(
        AuditEvent.action.like(f"{prefix}%")).order_by(AuditEvent.id))).all())


async def filled(records: RecordService, world: World, *, finding: str = "无",
                 answers: tuple[str, ...] = ("yes", "yes"), subject: int = 0) -> int:
    view = await records.open(ins(world.leader), world.drawn_task, world.subjects[subject],
                              "SC-SP-01")
    for n, answer in enumerate(answers, start=1):
        await records.set_answer(view.id, ins(world.leader), n, answer)
    await records.set_text(view.id, ins(world.leader), "findings", finding)
    return view.id


async def test_a_record_is_filled_submitted_cosigned_and_locked(
    records: RecordService, world: World, session: AsyncSession, store: LocalFileStore
) -> None:
    view = await records.open(ins(world.leader), world.drawn_task, world.subjects[0], "SC-SP-01")
    assert view.state == "draft"
    assert [p.text for p in view.points] == ["食品经营许可证是否在有效期内",
                                             "实际经营地址与许可地址是否一致"]
    assert view.methods == ("onsite",)  # the item's first method, changeable
    assert view.cosigner_available  # 王五 is the second SCJG inspector in the team
    again = await records.open(ins(world.member), world.drawn_task, world.subjects[0], "SC-SP-01")
    assert again.id == view.id  # one record per subject × item × department
    # the toggle walks 符合 → 不符合 → 不适用
    states = [(await records.cycle_answer(view.id, ins(world.leader), 1)).points[0].answer
              for _ in range(4)]
    assert states == ["yes", "no", "na", "yes"]
    await records.toggle_method(view.id, ins(world.leader), "document")
    await records.toggle_method(view.id, ins(world.leader), "authority")
    after = await records.toggle_method(view.id, ins(world.leader), "authority")
    assert after.methods == ("onsite", "document")
    with pytest.raises(RecordIncomplete) as incomplete:
        await records.submit(view.id, ins(world.leader))
    assert incomplete.value.args_map["missing"] == "points, findings"
    await records.set_answer(view.id, ins(world.leader), 2, "yes")
    await records.set_text(view.id, ins(world.leader), "findings", "无")
    await records.set_text(view.id, ins(world.leader), "disposal", "无需处置")
    located = await records.set_location(view.id, ins(world.leader), latitude=30.3905,
                                         longitude=114.8902, accuracy_m=12, live=True)
    assert located.location is not None
    assert located.location.distance_m == pytest.approx(58.8, abs=0.5)
    assert not located.location.flagged
    photo = jpeg(gps=(30.3901, 114.8902), taken="2026:04:01 10:15:00")
    added = await records.add_evidence(view.id, ins(world.member), Upload(
        photo, "document", "image/jpeg", "IMG_0001.jpg", "uniq-1"))
    assert added.evidence.exif_latitude == pytest.approx(30.3901)
    assert added.evidence.exif_taken_at == "2026:04:01 10:15:00"
    assert added.evidence.uploaded_by == "王五"
    assert await read_all(store, added.evidence.sha256) == photo
    submitted = await records.submit(view.id, ins(world.leader))
    assert submitted.locked
    assert not submitted.confirmed
    assert submitted.submitted_by is not None
    assert submitted.submitted_by.certificate_no == "42070001"
    with pytest.raises(RecordLocked):
        await records.set_text(view.id, ins(world.leader), "findings", "改了")
    with pytest.raises(RecordLocked):
        await records.add_evidence(view.id, ins(world.leader), Upload(jpeg((1, 2, 3)), "photo"))
    with pytest.raises(CosignRefused) as own:
        await records.cosign(view.id, ins(world.leader))
    assert own.value.args_map["reason"] == "own"
    with pytest.raises(CosignRefused) as other:
        await records.cosign(view.id, ins(world.partner))
    assert other.value.args_map["reason"] == "department"
    confirmed = await records.cosign(view.id, ins(world.member))
    assert confirmed.confirmed
    assert confirmed.cosigned_by is not None
    assert confirmed.cosigned_by.name == "王五"
    with pytest.raises(CosignRefused):
        await records.cosign(view.id, ins(world.member))
    assert await actions(session, "record.") == [
        "record.opened", "record.location", "record.evidence_added", "record.submitted",
        "record.cosigned"]


async def test_an_amendment_keeps_the_original_and_the_cosign_lapses(
    records: RecordService, world: World, session: AsyncSession
) -> None:
    record_id = await filled(records, world)
    await records.submit(record_id, ins(world.leader))
    await records.cosign(record_id, ins(world.member))
    with pytest.raises(ValidationFailed) as no_reason:
        await records.amend(record_id, ins(world.leader), "  ", notes="补记")
    assert no_reason.value.key == "record-amend-needs-reason"
    with pytest.raises(ValidationFailed) as same:
        await records.amend(record_id, ins(world.leader), "核对", findings="无")
    assert same.value.key == "record-amend-no-change"
    # an amendment that states a problem needs evidence like a draft does
    with pytest.raises(FindingNeedsEvidence):
        await records.amend(record_id, ins(world.leader), "复核发现",
                            findings="许可证过期", answers={1: "no"})
    amended = await records.amend(record_id, ins(world.member), "漏记现场负责人",
                                  notes="现场负责人：刘经理")
    assert amended.notes == "现场负责人：刘经理"
    assert not amended.confirmed  # the co-sign lapsed with the change
    (amendment,) = amended.amendments
    assert (amendment.number, amendment.reason, amendment.by) == (1, "漏记现场负责人", "王五")
    assert amendment.before["notes"] == ""
    assert amendment.after["notes"] == "现场负责人：刘经理"
    rows = (await session.scalars(select(RecordAmendment))).all()
    assert len(rows) == 1
    event = await session.scalar(select(AuditEvent).where(AuditEvent.action == "record.amended"))
    assert event is not None
    assert event.data["reason"] == "漏记现场负责人"
    assert event.data["before"]["findings"] == "无"


async def test_refusals_change_nothing(
    records: RecordService, world: World, session: AsyncSession, store: LocalFileStore
) -> None:
    with pytest.raises(RecordNotMember):  # 赵六 is not in the team
        await records.open(ins(world.idle), world.drawn_task, world.subjects[0], "SC-SP-01")
    with pytest.raises(ValidationFailed) as not_ours:  # an HBJ item for an SCJG inspector
        await records.open(ins(world.leader), world.drawn_task, world.subjects[0], "HB-PW-01")
    assert not_ours.value.key == "record-item-not-for-department"
    record_id = await filled(records, world, finding="后厨卫生不达标", answers=("yes", "no"))
    with pytest.raises(RecordWrongDepartment):
        await records.set_text(record_id, ins(world.partner), "notes", "x")
    with pytest.raises(FindingNeedsEvidence):
        await records.submit(record_id, ins(world.leader))
    with pytest.raises(EvidenceOutsideRecord):
        await records.add_evidence(None, ins(world.leader), Upload(jpeg(), "photo"))
    with pytest.raises(WrongFileType):
        await records.add_evidence(record_id, ins(world.leader), Upload(
            b"PK\x03\x04 a zip, not a photo", "document", "application/zip", "a.zip"))
    with pytest.raises(WrongFileType):  # declared as a JPEG, but the bytes are not one
        await records.add_evidence(record_id, ins(world.leader), Upload(
            b"MZ\x90\x00 an exe", "document", "image/jpeg", "photo.jpg"))
    small = RecordService(session, records._clock, store, max_upload_bytes=1000)
    with pytest.raises(FileTooLarge) as large:
        await small.add_evidence(record_id, ins(world.leader), Upload(
            jpeg(size=(400, 400)) + b"\0" * 2000, "document", "image/jpeg", "big.jpg"))
    assert large.value.args_map["limit"] == "1000 B"
    assert (await session.scalars(select(Evidence))).all() == []
    assert not (store.root / "incoming").exists() or not any(
        (store.root / "incoming").iterdir())
    view = await records.get(record_id)
    assert view.state == "draft"
    assert view.evidence == ()


async def test_a_record_is_referable_by_its_department_once_submitted(
    records: RecordService, world: World
) -> None:
    record_id = await filled(records, world, finding="后厨废水直排雨水管")
    with pytest.raises(IllegalTransition) as draft:  # a draft: not yet
        await records.for_referral(ins(world.member), record_id)
    assert draft.value.key == "record-refer-draft"
    await records.add_evidence(record_id, ins(world.leader), Upload(jpeg(), "photo"))
    await records.submit(record_id, ins(world.leader))
    view = await records.for_referral(ins(world.member), record_id)  # 王五, SCJG, not leader
    assert (view.id, view.locked, view.subject_name) == (record_id, True, "鄂州市江南餐饮有限公司")
    with pytest.raises(RecordWrongDepartment):  # 李四: in the team, HBJ
        await records.for_referral(ins(world.partner), record_id)
    with pytest.raises(RecordNotMember):  # 赵六: in no team of the task
        await records.for_referral(ins(world.idle), record_id)
    with pytest.raises(RecordNotMember):  # a system actor has no inspector record
        await records.for_referral(Actor.system("test"), record_id)
    with pytest.raises(NotFound):
        await records.for_referral(ins(world.member), record_id + 1000)


async def test_the_same_file_is_stored_once_and_albums_keep_their_group(
    records: RecordService, world: World, session: AsyncSession, store: LocalFileStore
) -> None:
    first = await filled(records, world, finding="灭蝇设施缺失", answers=("yes", "no"))
    second = await filled(records, world, subject=1)
    photo = jpeg((10, 200, 10))
    one = await records.add_evidence(first, ins(world.leader), Upload(
        photo, "photo", "", "", "u-1", media_group_id="album-7"))
    again = await records.add_evidence(first, ins(world.member), Upload(
        photo, "photo", "", "", "u-1", media_group_id="album-7"))
    other = await records.add_evidence(second, ins(world.leader), Upload(photo, "photo"))
    assert (one.duplicate, one.stored_new) == (False, True)
    assert again.duplicate
    assert again.evidence.id == one.evidence.id
    assert (other.duplicate, other.stored_new) == (False, False)  # new row, same stored file
    assert one.evidence.media_group_id == "album-7"
    assert one.evidence.exif_latitude is None  # a photo carries no EXIF
    doc = await records.add_evidence(first, ins(world.leader), Upload(
        pdf(), "document", "application/pdf", "许可证.pdf"))
    assert doc.evidence.mime == "application/pdf"
    stored = [p for p in store.root.rglob("*") if p.is_file() and "incoming" not in p.parts]
    assert len(stored) == 2  # the photo once, the PDF once
    submitted = await records.submit(first, ins(world.leader))
    assert len(submitted.evidence) == 2


async def test_a_location_far_from_the_subject_is_flagged(
    records: RecordService, world: World
) -> None:
    record_id = await filled(records, world)
    far = await records.set_location(record_id, ins(world.leader), latitude=JIANGNAN[0] + 0.018,
                                     longitude=JIANGNAN[1], accuracy_m=30, live=False)
    assert far.location is not None
    assert far.location.distance_m == pytest.approx(2001, abs=5)
    assert far.location.flagged
    assert not far.location.live
    with pytest.raises(ValidationFailed):
        await records.set_location(record_id, ins(world.leader), latitude=91, longitude=0,
                                   accuracy_m=None, live=True)


async def test_todays_stops_come_from_the_fixed_schedule(
    records: RecordService, world: World, session: AsyncSession
) -> None:
    assert await records.stops_today(world.leader) == []
    schedule = TeamSchedule(team_id=world.team, task_id=world.drawn_task, version=1,
                            state="fixed", start_latitude=30.39, start_longitude=114.89,
                            max_visits_per_day=4, created_by="t")
    session.add(schedule)
    await session.flush()
    session.add_all([
        ScheduleStop(schedule_id=schedule.id, subject_id=world.subjects[1],
                     day=dt.date(2026, 4, 1), position=1),
        ScheduleStop(schedule_id=schedule.id, subject_id=world.subjects[0],
                     day=dt.date(2026, 4, 2), position=1)])
    await session.commit()
    (stop,) = await records.stops_today(world.partner)
    assert stop.subject_name == "华容区好味道小吃店"
    assert len(await records.team_subjects(world.partner)) == 2
    assert await records.team_subjects(world.idle) == []
    lines = await records.items_for(world.partner, world.drawn_task, world.subjects[1])
    assert [(line.item_code, line.state) for line in lines] == [("HB-PW-01", "missing")]


async def test_final_result_completes_the_task_and_marks_late_entries(
    records: RecordService, results: ResultService, world: World, session: AsyncSession,
    field_clock: FixedClock,
) -> None:
    first = await filled(records, world)
    await records.submit(first, ins(world.leader))
    sheet = await results.sheet(world.drawn_task, world.subjects[0])
    assert [(line.department_code, line.state) for line in sheet.lines] == [
        ("SCJG", "submitted"), ("HBJ", "missing")]
    assert [r.id for r in sheet.unconfirmed] == [first]
    assert sheet.check_date == dt.date(2026, 4, 1)
    assert sheet.due_on == dt.date(2026, 4, 30)  # 20 working days, 清明 (4-04..4-06) off
    entry = ResultEntry(("1",), "未发现问题", ("none",))
    with pytest.raises(ResultNotLeader):
        await results.enter(ins(world.member), world.drawn_task, world.subjects[0], entry)
    done = await results.enter(ins(world.leader), world.drawn_task, world.subjects[0], entry)
    assert not done.task_completed
    assert not done.result.late
    assert done.result.category_labels() == ["未发现问题"]
    # the second subject's result comes after its deadline: accepted, marked late
    field_clock.now = dt.datetime(2026, 5, 20, 9, tzinfo=SHANGHAI).astimezone(dt.UTC)
    late = await results.enter(ins(world.leader), world.drawn_task, world.subjects[1], ResultEntry(
        ("E",), "未公示许可证，已责令改正", ("correction",),
        correction_due_on=dt.date(2026, 4, 15), check_date=dt.date(2026, 4, 2)))
    assert late.result.due_on == dt.date(2026, 5, 6)  # May Day 5-01..5-05 off
    assert late.result.late
    assert late.task_completed
    task = await session.get(Task, world.drawn_task)
    assert task is not None
    await session.refresh(task)
    assert task.state == "results_entered"
    assert await actions(session, "task.") == ["task.enter-results"]
    # the Art. 22 figures (/progress) count them: SCJG's inspectors checked one subject,
    # its directory's two subjects have a result, one of them late
    figures = {p.code: p for p in await ProgressService(session).by_department()}
    scjg = figures["SCJG"]
    assert (scjg.visited, scjg.with_result, scjg.on_time, scjg.late) == (1, 2, 1, 1)
    assert figures["HBJ"].visited == 0
    with pytest.raises(ValidationFailed) as reason:
        await results.enter(ins(world.leader), world.drawn_task, world.subjects[0], entry)
    assert reason.value.key == "result-revise-needs-reason"
    revised = await results.enter(ins(world.leader), world.drawn_task, world.subjects[0],
                                  ResultEntry(
        ("A", "B"), "未按规定公示年报", ("inform",)), reason="复核")
    assert revised.revised
    assert revised.result.categories == ("A", "B")
    assert await actions(session, "result.") == ["result.entered", "result.entered",
                                                 "result.revised"]


async def test_result_deadline_across_the_national_day_with_a_swapped_saturday(
    records: RecordService, results: ResultService, world: World, field_clock: FixedClock
) -> None:
    """Checked 2026-09-24: 中秋 9-25..27 and 国庆 10-01..07 are off, Saturday 10-10 is a
    working day (调休), so the 20th working day is Thursday 10-29 (10-30 without the swap)."""
    field_clock.now = dt.datetime(2026, 10, 29, 17, tzinfo=SHANGHAI).astimezone(dt.UTC)
    entry = ResultEntry(("1",), "未发现问题", ("none",), check_date=dt.date(2026, 9, 24))
    on_time = await results.enter(ins(world.leader), world.drawn_task, world.subjects[0], entry)
    assert on_time.result.due_on == dt.date(2026, 10, 29)
    assert not on_time.result.late
    field_clock.now = dt.datetime(2026, 10, 30, 9, tzinfo=SHANGHAI).astimezone(dt.UTC)
    next_day = await results.enter(ins(world.leader), world.drawn_task, world.subjects[1], entry)
    assert next_day.result.late


@pytest.mark.parametrize(("entry", "reason"), [
    (ResultEntry((), "x", ("none",)), "no-category"),
    (ResultEntry(("A",), "x", ("inform",)), "follow-up-needs-kind"),
    (ResultEntry(("1", "E"), "x", ("none",)), "no-problem-alone"),
    (ResultEntry(("E",), "x", ("correction",)), "correction-needs-deadline"),
    (ResultEntry(("E",), "x", ("none", "correction"), correction_due_on=dt.date(2026, 4, 9)),
     "nothing-further-alone"),
    (ResultEntry(("D",), "x", ("other",)), "other-needs-text"),
    (ResultEntry(("1",), " ", ("none",)), "no-summary"),
])
async def test_result_categories_and_measures_follow_the_vocabulary(
    results: ResultService, world: World, entry: ResultEntry, reason: str
) -> None:
    with pytest.raises(ResultInvalid) as refused:
        await results.enter(ins(world.leader), world.drawn_task, world.subjects[0], entry)
    assert refused.value.args_map["reason"] == reason
    assert await results.get(world.drawn_task, world.subjects[0]) is None


async def test_a_sub_kind_implies_follow_up_and_unknown_codes_are_named(
    results: ResultService, world: World
) -> None:
    done = await results.enter(ins(world.leader), world.drawn_task, world.subjects[0],
                               ResultEntry(("C",), "公示信息弄虚作假", ("case_unit",)))
    assert done.result.categories == ("A", "C")
    with pytest.raises(ValidationFailed) as unknown:
        await results.enter(ins(world.leader), world.drawn_task, world.subjects[1],
                            ResultEntry(("Z",), "x", ("none",)))
    assert unknown.value.args_map["codes"] == "Z"


async def test_publish_is_refused_until_every_result_is_entered(
    session: AsyncSession, results: ResultService, world: World, field_clock: FixedClock
) -> None:
    tasks = task_service(session, field_clock)
    await session.execute(update(Task).where(Task.id == world.drawn_task)
                          .values(state="results_due"))
    await session.commit()
    with pytest.raises(IllegalTransition) as refused:
        await tasks.advance(world.drawn_task, "publish", actor=Actor.system("o"))
    assert refused.value.key == "task-publish-results-missing"
    with pytest.raises(IllegalTransition) as by_hand:
        await tasks.advance(world.drawn_task, "enter-results", actor=Actor.system("o"))
    assert by_hand.value.key == "task-step-by-results"
    entry = ResultEntry(("1",), "未发现问题", ("none",))
    for subject in world.subjects:
        await results.enter(ins(world.leader), world.drawn_task, subject, entry)
    view = await tasks.advance(world.drawn_task, "publish", actor=Actor.system("o"))
    assert view.state == "published"
    with pytest.raises(IllegalTransition):  # the results are closed once published
        await results.enter(ins(world.leader), world.drawn_task, world.subjects[0], entry,
                            reason="late change")


async def _admin(session: AsyncSession, department_id: int, telegram: int | None,
                 name: str) -> int:
    account = Account(name=name, department_id=department_id, roles=["dept_admin"],
                      telegram_user_id=telegram, active=True)
    session.add(account)
    await session.commit()
    return account.id


async def test_referrals_notify_the_department_and_are_acknowledged(
    records: RecordService, results: ResultService, world: World, session: AsyncSession,
    field_clock: FixedClock,
) -> None:
    referrals = ReferralService(session, field_clock)
    hbj_admin = await _admin(session, world.hbj, 9001, "生态环境局管理员")
    await _admin(session, world.hbj, None, "未绑定的管理员")  # not bound: nobody to tell
    scjg_admin = await _admin(session, world.scjg, 9002, "市场监管局管理员")
    record_id = await filled(records, world, finding="废水直排", answers=("yes", "no"))
    with pytest.raises(ReferralNotMember):
        await referrals.refer(ins(world.idle), ReferralRequest("inform", "x", "HBJ"),
                              record_id=record_id)
    with pytest.raises(ValidationFailed) as own:
        await referrals.refer(ins(world.leader), ReferralRequest("inform", "x", "SCJG"),
                              record_id=record_id)
    assert own.value.key == "referral-inform-own-department"
    sent = await referrals.refer(ins(world.leader), ReferralRequest("inform", "后厨废水直排雨水管",
                                                               "HBJ"),
                                 record_id=record_id)
    assert (sent.state, sent.to_department, sent.notified_accounts) == ("sent", "HBJ", 1)
    (notice,) = (await session.scalars(select(Outbox).where(Outbox.kind == "referral"))).all()
    assert notice.account_id == hbj_admin
    assert notice.payload["referral_id"] == sent.id
    assert notice.payload["finding"] == "后厨废水直排雨水管"
    with pytest.raises(ReferralNotAdmin):
        await referrals.acknowledge(sent.id, scjg_admin, "account:x")
    taken = await referrals.acknowledge(sent.id, hbj_admin, f"account:{hbj_admin}")
    assert (taken.state, taken.acknowledged_by) == ("acknowledged", "生态环境局管理员")
    with pytest.raises(IllegalTransition):
        await referrals.acknowledge(sent.id, hbj_admin, "again")
    case = await referrals.refer(ins(world.member), ReferralRequest("case_unit", "无证经营线索"),
                                 record_id=record_id)
    assert (case.to_department, case.notified_accounts) == ("SCJG", 1)
    with pytest.raises(ValidationFailed) as details:
        await referrals.refer(ins(world.leader), ReferralRequest("judicial", "涉嫌生产假冒食品"),
                              record_id=record_id)
    assert details.value.key == "referral-judicial-needs-details"
    result = await results.enter(ins(world.leader), world.drawn_task, world.subjects[0],
                                 ResultEntry(
        ("A", "D"), "涉嫌犯罪", ("judicial",)))
    judicial = await referrals.refer(ins(world.leader), ReferralRequest(
        "judicial", "涉嫌生产假冒食品", organ="鄂州市公安局鄂城区分局",
        transferred_on=dt.date(2026, 4, 1), document_no="鄂市监移〔2026〕3号"),
        result_id=result.result.id)
    assert (judicial.state, judicial.to_department) == ("transferred", None)
    listed = await referrals.for_task(world.drawn_task)
    assert [(r.kind, r.state) for r in listed] == [
        ("inform", "acknowledged"), ("case_unit", "sent"), ("judicial", "transferred")]
    assert await actions(session, "referral.") == [
        "referral.inform", "referral.acknowledged", "referral.case_unit", "referral.judicial"]
