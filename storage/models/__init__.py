"""All models, imported here so that ``Base.metadata`` knows every table."""

from storage.models.accounts import Account, Invitation, Outbox, ProcessedUpdate
from storage.models.base import Base
from storage.models.directory import (
    AuditEvent,
    CatalogueYear,
    Conflict,
    Department,
    Expert,
    InspectionItem,
    Inspector,
    Subject,
    SubjectInspection,
)
from storage.models.draws import Draw, DrawManifest, TaskSubject, Team, TeamMember
from storage.models.planning import (
    AnnualPlan,
    CalendarDay,
    CalendarYear,
    PlanEntry,
    Task,
    TaskReview,
)
from storage.models.public import (
    ApiToken,
    CodeScan,
    InspectionCode,
    ProgressLink,
    Publication,
    VisitConfirmation,
)
from storage.models.schedule import (
    DepartmentOffice,
    ScheduleAnswer,
    ScheduleDay,
    ScheduleStop,
    TaskScheduleSetting,
    TeamSchedule,
)

__all__ = [
    "ApiToken",
    "ProgressLink",
    "CodeScan",
    "InspectionCode",
    "Publication",
    "VisitConfirmation",
    "DepartmentOffice",
    "ScheduleAnswer",
    "ScheduleDay",
    "ScheduleStop",
    "TaskScheduleSetting",
    "TeamSchedule",
    "Account",
    "AnnualPlan",
    "AuditEvent",
    "Base",
    "CalendarDay",
    "CalendarYear",
    "CatalogueYear",
    "Conflict",
    "Department",
    "Draw",
    "DrawManifest",
    "Expert",
    "InspectionItem",
    "Inspector",
    "Invitation",
    "Outbox",
    "PlanEntry",
    "ProcessedUpdate",
    "Subject",
    "SubjectInspection",
    "Task",
    "TaskReview",
    "TaskSubject",
    "Team",
    "TeamMember",
]
from storage.models.records import (  # noqa: E402 -- appended so that branches merge simply
    CheckRecord,
    Evidence,
    FinalResult,
    RecordAmendment,
    Referral,
)

__all__ += ["CheckRecord", "Evidence", "FinalResult", "RecordAmendment", "Referral"]
