"""One spelling for every status (issue 8 item 4): the database's defaults are members of the
enums the services compare with, so a row written by one side is read by the other."""

from __future__ import annotations

from enum import StrEnum

import pytest

from services.vocabulary import (
    ChangeStatus,
    DrawStatus,
    PlanEntryStatus,
    PlanStatus,
    ReviewDecision,
)
from storage.models import AnnualPlan, Draw, PlanEntry, TaskReview
from storage.models.planning import PlanChange


@pytest.mark.parametrize(("column", "enum", "first"), [
    (Draw.__table__.c.status, DrawStatus, DrawStatus.COMMITTED),
    (AnnualPlan.__table__.c.status, PlanStatus, PlanStatus.OPEN),
    (PlanEntry.__table__.c.status, PlanEntryStatus, PlanEntryStatus.SUBMITTED),
    (PlanChange.__table__.c.status, ChangeStatus, ChangeStatus.PENDING),
    (TaskReview.__table__.c.decision, ReviewDecision, ReviewDecision.PENDING),
])
def test_a_new_row_starts_in_the_enums_first_state(column, enum: type[StrEnum], first) -> None:
    assert column.default is not None
    assert enum(column.default.arg) is first
    # the column is wide enough for every spelling the enum can write
    assert all(len(member.value) <= column.type.length for member in enum)


def test_statuses_read_back_as_the_text_stored() -> None:
    assert f"plan.change.{ChangeStatus.APPROVED}" == "plan.change.approved"
    assert DrawStatus("completed") == "completed"
    with pytest.raises(ValueError, match="complete"):
        DrawStatus("complete")
