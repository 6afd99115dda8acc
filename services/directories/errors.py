"""What can be wrong with a directory file as a whole, or with an import request."""

from __future__ import annotations

from services.errors import DomainError, ValidationFailed


class FileProblem(ValidationFailed):
    """The file cannot be read as a directory table (encoding, format, header); nothing changed."""

    key = "dir-file-unreadable"


class CatalogueLocked(DomainError):
    """The year's item catalogue is locked (Art. 7): its items cannot change any more."""

    key = "dir-catalogue-locked"


class UnknownDepartment(ValidationFailed):
    """A ``--department`` code that no department has."""

    key = "dir-unknown-department"


class DepartmentRequired(ValidationFailed):
    """Rows need a department: give ``--department`` or a 所属部门 column."""

    key = "dir-department-required"


# Catalogue years a request may name: the system's own lifetime, with room on both sides.
MIN_YEAR = 2000
MAX_YEAR = 2100


class YearOutOfRange(ValidationFailed):
    """A ``--year`` that no catalogue can have (``-1``, ``99999``)."""

    key = "dir-year-out-of-range"


def check_year(year: int) -> int:
    """``year`` when it is a plausible catalogue year, else ``YearOutOfRange``."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise YearOutOfRange(year=str(year), min=str(MIN_YEAR), max=str(MAX_YEAR))
    return year


class SyncNeedsConfirmation(ValidationFailed):
    """``--sync`` would deactivate more records than the threshold: ask for ``--yes``."""

    key = "dir-sync-confirm"
