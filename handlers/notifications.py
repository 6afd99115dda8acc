"""The text and buttons of each notification kind: a registry keyed by ``NotificationKind``.

Every kind has exactly one renderer, registered with ``@renders(kind)``; a renderer takes the
kind's typed payload and a translator and returns the text and (optional) buttons. The worker
calls ``notification(message)``; no if/elif chain on the kind anywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder
from services.notification_kinds import (
    ConfirmPayload,
    CorrectionDuePayload,
    CosignPayload,
    DigestPayload,
    DrawDuePayload,
    DrawnPayload,
    InspectionDayPayload,
    NotificationKind,
    Payload,
    PlanApprovalPayload,
    PlanMissingPayload,
    RecordMissingPayload,
    ReferralPayload,
    ResultsPayload,
    ReviewPayload,
    ScheduleDuePayload,
)
from services.notifications import OutgoingMessage

from handlers.callbacks import TaskCb
from handlers.i18n import Translator
from handlers.records import RecordCb, cosign_notice
from handlers.referrals import referral_notice
from handlers.render import day, review_card
from handlers.schedule import ScheduleCb

K = NotificationKind
Rendered = tuple[str, InlineKeyboardMarkup | None]
Renderer = Callable[[Any, Translator], Rendered]
RENDERERS: dict[NotificationKind, Renderer] = {}
P = TypeVar("P", bound=Payload)


def renders(*kinds: NotificationKind) -> Callable[[Callable[[P, Translator], Rendered]],
                                                   Callable[[P, Translator], Rendered]]:
    """Register the decorated function as the renderer of ``kinds`` (once each)."""

    def register(function: Callable[[P, Translator], Rendered]
                 ) -> Callable[[P, Translator], Rendered]:
        for kind in kinds:
            if kind in RENDERERS:
                raise RuntimeError(f"two renderers for {kind}")
            RENDERERS[kind] = function
        return function

    return register


def notification(message: OutgoingMessage) -> Rendered:
    """The text (and buttons) of one outbox row, in the recipient's language."""
    renderer = RENDERERS.get(message.kind)
    if renderer is None:
        raise ValueError(f"no renderer for outbox kind {message.kind!r}")
    return renderer(message.payload, Translator(message.language))


def _button(text: str, callback_data: Any) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=text, callback_data=callback_data)
    return builder.as_markup()


def _task_button(task_id: int, tr: Translator) -> InlineKeyboardMarkup:
    return _button(tr("notify-open-task-button"), TaskCb(task_id=task_id))


def _record_button(task_id: int, subject_id: int, tr: Translator) -> InlineKeyboardMarkup:
    """Opens the subject's items in /record, where the missing record is filled in."""
    keyboard = InlineKeyboardBuilder()
    keyboard.button(text=tr("notify-btn-record"),
                    callback_data=RecordCb(a="su", r=task_id, n=subject_id).pack())
    return keyboard.as_markup()


def _schedule_button(task_id: int, team_number: int, tr: Translator) -> InlineKeyboardMarkup:
    return _button(tr("notify-open-schedule-button"), ScheduleCb(a="o", s=task_id, n=team_number))


@renders(K.DRAWN)
def _drawn(p: DrawnPayload, tr: Translator) -> Rendered:
    if p.is_leader:
        leader_line = tr("notify-leader-you")
    elif p.leader is not None:
        leader_line = tr("notify-leader-known", name=p.leader.name,
                         department=p.leader.department_name or p.leader.department)
    else:
        leader_line = tr("notify-leader-pending")
    return tr("notify-drawn", code=p.task_code, name=p.task_name, team=p.team_number,
              leader=leader_line, start=day(p.window_start), end=day(p.window_end)), None


@renders(K.LEADER)
def _leader(p: DrawnPayload, tr: Translator) -> Rendered:
    if p.leader is None:
        raise ValueError("a leader notice without a leader")
    return tr("notify-leader", code=p.task_code, team=p.team_number, leader=p.leader.name,
              department=p.leader.department_name or p.leader.department), None


@renders(K.REVIEW)
def _review(p: ReviewPayload, tr: Translator) -> Rendered:
    return review_card(
        task_id=p.task_id, code=p.task_code, name=p.task_name, department=p.department,
        department_name=p.department_name or None, window_start=p.window_start,
        window_end=p.window_end, review_round=p.round, tr=tr,
    )


@renders(K.REVIEW_PENDING)
def _review_pending(p: ReviewPayload, tr: Translator) -> Rendered:
    text, markup = _review(p, tr)
    return tr("notify-review-pending", days=p.days) + "\n" + text, markup


@renders(K.DRAW_DUE)
def _draw_due(p: DrawDuePayload, tr: Translator) -> Rendered:
    # drawing is done with `jointcheck draw` (the CLI); the button opens the task
    return tr("notify-draw_due", code=p.task_code, name=p.task_name,
              department=p.department_name or p.department, start=day(p.window_start),
              days=p.working_days), _task_button(p.task_id, tr)


@renders(K.SCHEDULE_DUE)
def _schedule_due(p: ScheduleDuePayload, tr: Translator) -> Rendered:
    return tr("notify-schedule_due", code=p.task_code, team=p.team_number,
              start=day(p.window_start), days=p.working_days), \
        _schedule_button(p.task_id, p.team_number, tr)


@renders(K.CONFIRM_DUE)
def _confirm_due(p: ConfirmPayload, tr: Translator) -> Rendered:
    return tr("notify-confirm_due", code=p.task_code, team=p.team_number), \
        _schedule_button(p.task_id, p.team_number, tr)


@renders(K.CONFIRM_LATE)
def _confirm_late(p: ConfirmPayload, tr: Translator) -> Rendered:
    return tr("notify-confirm_late", code=p.task_code, team=p.team_number,
              member=p.member_name), _schedule_button(p.task_id, p.team_number, tr)


@renders(K.INSPECTION_TOMORROW)
def _inspection_tomorrow(p: InspectionDayPayload, tr: Translator) -> Rendered:
    lines = [tr("notify-inspection_tomorrow", code=p.task_code, team=p.team_number,
                day=day(p.day), time=p.starts_at, count=len(p.stops))]
    lines.extend(f"{n}. {s.name}" + (f" · {s.address}" if s.address else "")
                 for n, s in enumerate(p.stops, 1))
    return "\n".join(lines), _schedule_button(p.task_id, p.team_number, tr)


@renders(K.RESULTS_DUE)
def _results_due(p: ResultsPayload, tr: Translator) -> Rendered:
    key = "notify-results_due-today" if p.days_left == 0 else "notify-results_due"
    return tr(key, code=p.task_code, team=p.team_number, due=day(p.due_on),
              days=p.days_left), _task_button(p.task_id, tr)


@renders(K.RESULTS_OVERDUE)
def _results_overdue(p: ResultsPayload, tr: Translator) -> Rendered:
    return tr("notify-results_overdue", code=p.task_code, team=p.team_number,
              due=day(p.due_on), days=p.days_late), _task_button(p.task_id, tr)


@renders(K.OVERDUE_ESCALATION)
def _overdue_escalation(p: ResultsPayload, tr: Translator) -> Rendered:
    return tr("notify-overdue_escalation", code=p.task_code, name=p.task_name,
              team=p.team_number, leader=p.leader_name or "—",
              department=p.department_name or "—", due=day(p.due_on), days=p.days_late), None


@renders(K.PLAN_MISSING)
def _plan_missing(p: PlanMissingPayload, tr: Translator) -> Rendered:
    sep = ", " if tr.language == "en" else "、"
    return tr("notify-plan_missing", year=p.year, deadline=day(p.deadline),
              count=len(p.departments), departments=sep.join(p.departments)), None


@renders(K.PLAN_APPROVAL)
def _plan_approval(p: PlanApprovalPayload, tr: Translator) -> Rendered:
    return tr("notify-plan_approval", year=p.year, deadline=day(p.deadline),
              entries=p.entries), None


@renders(K.DIGEST)
def _digest(p: DigestPayload, tr: Translator) -> Rendered:
    lines = [tr("digest-title", day=day(p.day))]
    for dept in p.departments:
        lines.append(tr("digest-department", department=dept.department_name,
                        overdue=len(dept.overdue), due=len(dept.due_this_week)))
        lines.extend(tr("digest-overdue-line", code=x.task_code, team=x.team_number,
                        due=day(x.due_on), days=x.days_late) for x in dept.overdue)
        lines.extend(tr("digest-due-line", code=x.task_code, team=x.team_number,
                        due=day(x.due_on)) for x in dept.due_this_week)
    if not p.departments:
        lines.append(tr("digest-nothing"))
    return "\n".join(lines), None


@renders(K.REFERRAL)
def _referral(p: ReferralPayload, tr: Translator) -> Rendered:
    return referral_notice(p, tr)


@renders(K.COSIGN)
def _cosign(p: CosignPayload, tr: Translator) -> Rendered:
    return cosign_notice(p, tr)
@renders(K.RECORD_MISSING)
def _record_missing(p: RecordMissingPayload, tr: Translator) -> Rendered:
    return tr("notify-record_missing", code=p.task_code, team=p.team_number,
              subject=p.subject_name, day=day(p.day), department=p.department), \
        _record_button(p.task_id, p.subject_id, tr)


@renders(K.CORRECTION_DUE)
def _correction_due(p: CorrectionDuePayload, tr: Translator) -> Rendered:
    return tr("notify-correction_due", code=p.task_code, team=p.team_number,
              subject=p.subject_name, due=day(p.correction_due_on),
              department=p.department_name or p.department), _task_button(p.task_id, tr)
