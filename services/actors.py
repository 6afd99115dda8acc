"""Who acts (操作人): an account with its roles and department, or a named system actor.

Every service method that changes something takes an ``Actor`` and refuses, with
``services.errors.Forbidden``, whoever may not do it (docs/permissions.md lists the rules).
The audit trail records ``Actor.label``: ``account:<id>`` for a person, the name for a system
actor (``cli-operator``, ``demo``, ``draw-engine``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from services.errors import Forbidden


class Role(StrEnum):
    """What an account may do; ``inspector`` follows from a linked inspector record."""

    INSPECTOR = "inspector"
    DEPT_ADMIN = "dept_admin"
    ORGANISER = "organiser"
    SUPERVISOR = "supervisor"


@dataclass(frozen=True)
class Actor:
    """One who acts: an account (id, name, roles, department, inspector) or the system."""

    account_id: int | None
    name: str
    roles: frozenset[str] = field(default_factory=frozenset)
    department_code: str | None = None
    department_id: int | None = None
    inspector_id: int | None = None
    is_system: bool = False

    @classmethod
    def system(cls, name: str) -> Actor:
        """A named system actor (the CLI without ``--as``, the demo, a scheduled job): it may
        do everything, and the audit trail names it."""
        return cls(account_id=None, name=name, is_system=True)

    @property
    def label(self) -> str:
        """How the audit trail names this actor."""
        if self.account_id is not None:
            return f"account:{self.account_id}"
        return self.name

    def has(self, role: Role | str) -> bool:
        """Whether the actor holds ``role``."""
        return str(role) in self.roles

    def admin_of(self, department_code: str) -> bool:
        """Whether the actor is ``department_code``'s department admin."""
        return self.has(Role.DEPT_ADMIN) and self.department_code == department_code

    # -- the rules' shared shapes ---------------------------------------------------------
    # Each refusal's key is ``forbidden-<action>`` (bot/locales/*/permissions.ftl): it says
    # what was refused and who may do it; ``docs/permissions.md`` lists every action.

    def require_organiser(self, action: str, **args: object) -> None:
        """Only the organiser (牵头组织部门) or the system may take ``action``."""
        if not (self.is_system or self.has(Role.ORGANISER)):
            raise Forbidden(f"forbidden-{action}", actor=self.name, department="-", **args)

    def require_department(self, department_code: str, action: str, *,
                           organiser_too: bool = False, **args: object) -> None:
        """Only ``department_code``'s admin (and the organiser when ``organiser_too``) or the
        system may take ``action`` for that department."""
        if self.is_system or self.admin_of(department_code):
            return
        if organiser_too and self.has(Role.ORGANISER):
            return
        raise Forbidden(f"forbidden-{action}", actor=self.name, department=department_code,
                        **args)
