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
