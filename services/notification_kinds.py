"""The kinds of notification and one typed payload per kind (issue 8 item 6, issue 12).

An outbox row stores ``kind`` (a ``NotificationKind``, the same spelling in the database, the
renderer registry and the locale keys ``notify-<kind>``) and its payload as JSON; the payload is
validated back into the kind's pydantic model before it is rendered, so a renderer reads typed
fields, never an untyped dict.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict


class NotificationKind(StrEnum):
    """Every kind of outbox row."""

    DRAWN = "drawn"                      # you were drawn for a task
    LEADER = "leader"                    # the leader of your team is now known
    REVIEW = "review"                    # a task waits for your department's review (会审)
    REVIEW_PENDING = "review_pending"    # ... for more than N working days
    DRAW_DUE = "draw_due"                # your department has not drawn its inspectors
    SCHEDULE_DUE = "schedule_due"        # the leader has proposed no schedule
    CONFIRM_DUE = "confirm_due"          # a member has not confirmed the schedule
    CONFIRM_LATE = "confirm_late"        # ... told to the leader one working day later
    INSPECTION_TOMORROW = "inspection_tomorrow"  # the stops of the next inspection day
    RESULTS_DUE = "results_due"          # results due in N working days / today (Art. 16)
    RESULTS_OVERDUE = "results_overdue"  # results late: the leader, every working day
    OVERDUE_ESCALATION = "overdue_escalation"  # results late: supervisors and organiser, once
    PLAN_MISSING = "plan_missing"        # departments that have not submitted the annual plan
    PLAN_APPROVAL = "plan_approval"      # the annual plan's approval deadline (Art. 11)
    DIGEST = "digest"                    # the supervisor's daily digest
    REFERRAL = "referral"                # a finding referred to your department (告知, Art. 17)
    COSIGN = "cosign"                    # your department's record waits for your co-sign
    RECORD_MISSING = "record_missing"    # a visit of the day with no submitted record by 20:00
    CORRECTION_DUE = "correction_due"    # a correction order's (责令改正) deadline has come


class Payload(BaseModel):
    """Base of every payload: frozen, extra fields ignored (older rows carry a few)."""

    model_config = ConfigDict(frozen=True, extra="ignore")


class Person(Payload):
    """Somebody named in a message, with their department."""

    name: str
    department: str = ""
    department_name: str = ""


class TaskRef(Payload):
    """The task a message is about."""

    task_id: int
    task_code: str
    task_name: str
    window_start: dt.date
    window_end: dt.date


class DrawnPayload(TaskRef):
    """"You were drawn" and "the leader is known"."""

    team_number: int
    department: str = ""
    leader: Person | None = None
    is_leader: bool = False
    member_id: int | None = None


class ReviewPayload(TaskRef):
    """A review (会审) waiting for a department; with ``days`` the reminder after N days."""

    department: str
    department_name: str = ""
    round: int = 1
    review_id: int | None = None
    days: int = 0


class DrawDuePayload(TaskRef):
    """The department has not drawn its inspectors; the window opens ``window_start``."""

    department: str
    department_name: str = ""
    working_days: int


class TeamRef(TaskRef):
    """A team of a task."""

    team_id: int
    team_number: int


class ScheduleDuePayload(TeamRef):
    """The leader has not proposed a schedule."""

    working_days: int


class ConfirmPayload(TeamRef):
    """A member has not confirmed the schedule (to the member, or to the leader)."""

    schedule_id: int
    inspector_id: int
    member_name: str = ""


class Stop(Payload):
    """One stop of an inspection day."""

    name: str
    address: str = ""


class InspectionDayPayload(TeamRef):
    """Tomorrow's (or the next working day's) stops."""

    schedule_id: int
    member_id: int
    day: dt.date
    starts_at: str
    stops: tuple[Stop, ...] = ()


class ResultsPayload(TeamRef):
    """Results due on ``due_on``: ``days_left`` working days before it, or ``days_late``."""

    due_on: dt.date
    days_left: int = 0
    days_late: int = 0
    leader_name: str = ""
    department_name: str = ""
    # the check date the deadline was counted from (the earliest of the team's subjects still
    # without a result); a reminder whose check date has moved is cancelled
    check_date: dt.date | None = None


class RecordMissingPayload(TeamRef):
    """A visit of ``day`` with no submitted record of the member's department by the evening."""

    schedule_id: int
    member_id: int
    inspector_id: int
    department: str
    department_id: int
    subject_id: int
    subject_name: str
    day: dt.date


class CorrectionDuePayload(TaskRef):
    """A correction order (责令改正) of a final result whose deadline has come."""

    result_id: int
    subject_id: int
    subject_name: str
    team_number: int
    department: str
    department_name: str = ""
    correction_due_on: dt.date


class PlanMissingPayload(Payload):
    """Departments that have not submitted entries for the annual plan of ``year``."""

    year: int
    deadline: dt.date
    departments: tuple[str, ...]


class PlanApprovalPayload(Payload):
    """The annual plan of ``year`` must be approved by ``deadline``."""

    year: int
    deadline: dt.date
    entries: int


class DigestLine(Payload):
    """One team in the digest."""

    task_id: int
    task_code: str
    team_number: int
    due_on: dt.date
    days_late: int = 0


class DigestDepartment(Payload):
    """One department's part of the digest."""

    department: str
    department_name: str
    overdue: tuple[DigestLine, ...] = ()
    due_this_week: tuple[DigestLine, ...] = ()


class DigestPayload(Payload):
    """The supervisor's digest of one working day."""

    day: dt.date
    departments: tuple[DigestDepartment, ...] = ()


class ReferralPayload(Payload):
    """A finding referred to the receiving department's admins, with what the notice shows."""

    referral_id: int
    kind: str
    task_code: str
    subject: str
    origin: str
    origin_name: str = ""
    finding: str
    by: str = ""


class CosignPayload(Payload):
    """A submitted record (version ``amendment``) the department's second inspector confirms."""

    record_id: int
    amendment: int = 0
    task_code: str
    subject: str
    item_code: str
    item_name: str = ""
    by: str = ""


PAYLOADS: dict[NotificationKind, type[Payload]] = {
    NotificationKind.DRAWN: DrawnPayload,
    NotificationKind.LEADER: DrawnPayload,
    NotificationKind.REVIEW: ReviewPayload,
    NotificationKind.REVIEW_PENDING: ReviewPayload,
    NotificationKind.DRAW_DUE: DrawDuePayload,
    NotificationKind.SCHEDULE_DUE: ScheduleDuePayload,
    NotificationKind.CONFIRM_DUE: ConfirmPayload,
    NotificationKind.CONFIRM_LATE: ConfirmPayload,
    NotificationKind.INSPECTION_TOMORROW: InspectionDayPayload,
    NotificationKind.RESULTS_DUE: ResultsPayload,
    NotificationKind.RESULTS_OVERDUE: ResultsPayload,
    NotificationKind.OVERDUE_ESCALATION: ResultsPayload,
    NotificationKind.PLAN_MISSING: PlanMissingPayload,
    NotificationKind.PLAN_APPROVAL: PlanApprovalPayload,
    NotificationKind.DIGEST: DigestPayload,
    NotificationKind.REFERRAL: ReferralPayload,
    NotificationKind.COSIGN: CosignPayload,
    NotificationKind.RECORD_MISSING: RecordMissingPayload,
    NotificationKind.CORRECTION_DUE: CorrectionDuePayload,
}


def parse_payload(kind: str, data: dict[str, Any]) -> Payload:
    """The typed payload of a stored row; ``ValueError`` for an unknown kind or bad data."""
    model = PAYLOADS[NotificationKind(kind)]
    return model.model_validate(data)


def dump_payload(payload: Payload) -> dict[str, Any]:
    """The JSON form stored in ``outbox.payload``."""
    return payload.model_dump(mode="json")
