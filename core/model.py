"""Small frozen records for the domain values the services pass around."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


def path_ids(path: str) -> tuple[int, ...]:
    """The ids on a materialised path '/1/5/42/' from the root down: (1, 5, 42)."""
    return tuple(int(p) for p in path.strip("/").split("/") if p)


def within(path: str, scope_path: str) -> bool:
    """True when the unit at ``path`` is the scope unit itself or one of its descendants."""
    return path.startswith(scope_path)


@dataclass(frozen=True)
class Unit:
    id: int
    code: str
    name: str
    level_code: str
    type_code: str
    province: str | None
    district: str | None
    commune: str | None
    address: str | None
    description: str | None
    parent_id: int | None
    path: str
    depth: int
    active: bool
    successor_id: int | None
    version: int

    @property
    def ancestor_ids(self) -> tuple[int, ...]:
        return path_ids(self.path)[:-1]


@dataclass(frozen=True)
class UnitDraft:
    """What a person types into the unit form; validated by `hierarchy.validate_draft`."""

    name: str
    level_code: str
    type_code: str
    province: str | None = None
    district: str | None = None
    commune: str | None = None
    address: str | None = None
    description: str | None = None
    code: str | None = None


@dataclass(frozen=True)
class User:
    id: int
    cccd: str
    full_name: str
    unit_id: int
    account_type: str
    position: str
    role_code: str
    active: bool
    version: int
    must_change_password: bool = False


@dataclass(frozen=True)
class UserDraft:
    cccd: str
    full_name: str
    unit_id: int
    account_type: str
    position: str
    role_code: str


@dataclass(frozen=True)
class Actor:
    """The signed-in person as every core rule sees them: who, where in the tree, may do what."""

    user_id: int
    full_name: str
    unit_id: int
    unit_path: str
    account_type: str
    functions: frozenset[str] = field(default_factory=frozenset)
    must_change_password: bool = False

    @property
    def is_admin(self) -> bool:
        return self.account_type == ADMIN


@dataclass(frozen=True)
class WorkItem:
    id: int
    kind: str
    unit_id: int
    title: str
    state: str
    is_open: bool
    version: int


ADMIN = "ADMIN"
USER = "USER"
ACCOUNT_TYPES = {ADMIN: "Admin", USER: "User"}


@dataclass(frozen=True)
class AuditEntry:
    """One change as the audit trail records it: what, to which item, from and to which state."""

    entity: str
    entity_id: int | None
    action: str
    from_state: str | None = None
    to_state: str | None = None
    reason: str | None = None
    detail: dict[str, Any] | None = None
