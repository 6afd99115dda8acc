"""How each directory's records map onto its table: natural key, columns, JSON columns."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table
from storage.models import (
    Conflict,
    Expert,
    InspectionItem,
    Inspector,
    Subject,
    SubjectInspection,
)


@dataclass(frozen=True)
class TableSpec:
    """A directory's table: records are tuples of ``columns``; ``key`` is the natural key."""

    kind: str
    entity: str  # audit entity name
    table: Table
    columns: tuple[str, ...]
    key: tuple[str, ...]
    json_columns: frozenset[str]
    date_columns: frozenset[str] = frozenset()

    @property
    def key_positions(self) -> tuple[int, ...]:
        """Where the key columns sit in a record."""
        return tuple(self.columns.index(k) for k in self.key)

    @property
    def value_columns(self) -> tuple[str, ...]:
        """The columns that an update may change."""
        return tuple(c for c in self.columns if c not in self.key)


SUBJECTS = TableSpec(
    "subjects", "subject", Subject.__table__,  # type: ignore[arg-type]
    ("department_id", "identifier", "name", "kind", "address", "district", "industry_code",
     "longitude", "latitude", "risk_class", "status", "peak_months"),
    ("department_id", "identifier"),
    frozenset({"peak_months"}),
)
INSPECTORS = TableSpec(
    "inspectors", "inspector", Inspector.__table__,  # type: ignore[arg-type]
    ("department_id", "staff_no", "name", "certificate_no", "certificate_expires_on",
     "qualified_items", "phone"),
    ("department_id", "staff_no"),
    frozenset({"qualified_items"}),
    frozenset({"certificate_expires_on"}),
)
EXPERTS = TableSpec(
    "experts", "expert", Expert.__table__,  # type: ignore[arg-type]
    ("code", "name", "kind", "organisation", "specialties", "qualified_items", "department_id",
     "phone"),
    ("code",),
    frozenset({"specialties", "qualified_items"}),
)
ITEMS = TableSpec(
    "items", "inspection_item", InspectionItem.__table__,  # type: ignore[arg-type]
    ("year", "code", "name", "legal_basis", "department_codes", "subject_kinds", "checklist",
     "methods", "requirements"),
    ("year", "code"),
    frozenset({"department_codes", "subject_kinds", "checklist", "methods"}),
)
CONFLICTS = TableSpec(
    "conflicts", "conflict", Conflict.__table__,  # type: ignore[arg-type]
    ("inspector_id", "subject_id", "reason"),
    ("inspector_id", "subject_id"),
    frozenset(),
)

# The last inspection per subject and item; no ``active`` column: history is never deactivated.
INSPECTIONS = TableSpec(
    "inspections", "subject_inspection", SubjectInspection.__table__,  # type: ignore[arg-type]
    ("subject_id", "item_code", "inspected_on"),
    ("subject_id", "item_code"),
    frozenset(),
    frozenset({"inspected_on"}),
)

TABLES: dict[str, TableSpec] = {
    s.kind: s for s in (SUBJECTS, INSPECTORS, EXPERTS, ITEMS, CONFLICTS, INSPECTIONS)
}


def jsonable(value: Any) -> Any:
    """A column value as the audit trail records it (dates as ISO text)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value
