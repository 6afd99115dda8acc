"""Rendering: one renderer per notification kind, found in a registry by kind; each reminder
reads its typed payload and carries the button that opens the action it asks for."""

from __future__ import annotations

import datetime as dt

import pytest

from handlers.callbacks import ReviewCb, TaskCb
from handlers.notifications import RENDERERS, notification
from handlers.schedule import ScheduleCb
from services.notification_kinds import (
    PAYLOADS,
    InspectionDayPayload,
    NotificationKind,
    Payload,
    ResultsPayload,
    ReviewPayload,
    Stop,
)
from services.notifications import OutgoingMessage

TASK = {"task_id": 7, "task_code": "2026-LH-001", "task_name": "餐饮联合抽查",
        "window_start": dt.date(2026, 4, 1), "window_end": dt.date(2026, 4, 30)}


def message(kind: NotificationKind, payload: Payload, language: str = "zh_CN"
            ) -> OutgoingMessage:
    return OutgoingMessage(id=1, kind=kind, account_id=1, chat_id=1, language=language,
                           payload=payload)


def test_every_kind_has_a_payload_model_and_exactly_one_renderer() -> None:
    assert set(RENDERERS) == set(NotificationKind) == set(PAYLOADS)


def test_a_review_reminder_says_how_long_and_keeps_the_review_buttons() -> None:
    payload = ReviewPayload(**TASK, department="SCJG", department_name="市场监督管理局",
                            round=2, review_id=3, days=2)
    text, markup = notification(message(NotificationKind.REVIEW_PENDING, payload))
    assert text.startswith("【提醒】该任务已等待会审 2 个工作日。\n【会审】2026-LH-001 ")
    assert markup is not None
    approve = markup.inline_keyboard[0][0]
    assert approve.callback_data == ReviewCb(task_id=7, department="SCJG", review_round=2,
                                             action="approve").pack()


def test_inspection_tomorrow_lists_the_stops_and_opens_the_schedule() -> None:
    payload = InspectionDayPayload(
        **TASK, team_id=4, team_number=1, schedule_id=9, member_id=5, day=dt.date(2026, 4, 7),
        starts_at="08:30", stops=(Stop(name="鄂州市江南餐饮有限公司", address="滨湖北路18号"),
                                  Stop(name="华容区好味道小吃店")))
    text, markup = notification(message(NotificationKind.INSPECTION_TOMORROW, payload, "en"))
    assert text == (
        "Inspection tomorrow: task [2026-LH-001] team 1, 2026-04-07 from 08:30, 2 stops:\n"
        "1. 鄂州市江南餐饮有限公司 · 滨湖北路18号\n"
        "2. 华容区好味道小吃店"
    )
    assert markup is not None
    assert markup.inline_keyboard[0][0].callback_data == ScheduleCb(a="o", s=7, n=1).pack()


@pytest.mark.parametrize(("days_left", "expected"), [
    (3, "【提醒】任务【2026-LH-001】第 1 组的检查结果须于 2026-05-08 前提交"
        "（还有 3 个工作日，第十六条）。"),
    (0, "【提醒】任务【2026-LH-001】第 1 组的检查结果今天（2026-05-08）到期（第十六条）。"),
])
def test_results_due_in_days_and_today(days_left: int, expected: str) -> None:
    payload = ResultsPayload(**TASK, team_id=4, team_number=1, due_on=dt.date(2026, 5, 8),
                             days_left=days_left)
    text, markup = notification(message(NotificationKind.RESULTS_DUE, payload))
    assert text == expected
    assert markup is not None
    assert markup.inline_keyboard[0][0].callback_data == TaskCb(task_id=7).pack()


def test_an_unknown_kind_is_refused_not_guessed() -> None:
    bogus = OutgoingMessage(id=1, kind="nonsense", account_id=1, chat_id=1,  # type: ignore[arg-type]
                            language=None, payload=ResultsPayload(
                                **TASK, team_id=1, team_number=1, due_on=dt.date(2026, 5, 8)))
    with pytest.raises(ValueError, match="no renderer"):
        notification(bogus)


def test_a_missing_record_reminder_opens_the_subject_in_record() -> None:
    from handlers.records import RecordCb
    from services.notification_kinds import RecordMissingPayload

    payload = RecordMissingPayload(
        **TASK, team_id=4, team_number=1, schedule_id=9, member_id=5, inspector_id=11,
        department="SCJG", department_id=2, subject_id=31, subject_name="鄂州市江南餐饮有限公司",
        day=dt.date(2026, 4, 7))
    text, markup = notification(message(NotificationKind.RECORD_MISSING, payload))
    assert text == ("【提醒】任务【2026-LH-001】第 1 组今天（2026-04-07）检查的"
                    "「鄂州市江南餐饮有限公司」，本部门（SCJG）的检查记录尚未提交，请在今天提交。")
    assert markup is not None
    button = markup.inline_keyboard[0][0]
    assert button.text == "📝 填写检查记录"
    assert button.callback_data == RecordCb(a="su", r=7, n=31).pack()


def test_a_correction_deadline_reminder_names_the_subject_and_opens_the_task() -> None:
    from services.notification_kinds import CorrectionDuePayload

    payload = CorrectionDuePayload(
        **TASK, result_id=3, subject_id=31, subject_name="华容区好味道小吃店", team_number=2,
        department="HBJ", department_name="Ecology and Environment",
        correction_due_on=dt.date(2026, 5, 6))
    text, markup = notification(message(NotificationKind.CORRECTION_DUE, payload, "en"))
    assert text == ('Correction due: the correction ordered for "华容区好味道小吃店" '
                    "(task [2026-LH-001], team 2) was due by 2026-05-06 "
                    "(Ecology and Environment); please follow up.")
    assert markup is not None
    assert markup.inline_keyboard[0][0].callback_data == TaskCb(task_id=7).pack()
