"""One workflow mechanism for every kind of item that moves up and down the tree.

A module declares its `Workflow`: a table of (state, action) -> new state, who may take the
action (the unit that owns the item, or that unit's parent), the function the actor needs and
whether a reason is required. `available_actions` draws the buttons from the same table that
`apply` enforces, so the screen can never offer what the rule refuses.
"""

from __future__ import annotations

from dataclasses import dataclass

from core import clock
from core.access import require_in_scope
from core.audit import record
from core.errors import (
    NotFound,
    PermissionDenied,
    StaleVersion,
    TransitionNotAllowed,
    ValidationError,
)
from core.model import Actor, AuditEntry, Unit, WorkItem
from core.store import Db
from core.text import clean

OWNER = "owner"
PARENT = "parent"


@dataclass(frozen=True)
class Transition:
    state: str
    action: str
    new_state: str
    label: str
    by: frozenset[str]
    function: str
    reason_required: bool = False


@dataclass(frozen=True)
class Workflow:
    kind: str
    initial_state: str
    state_labels: dict[str, str]
    transitions: tuple[Transition, ...]
    closed_states: frozenset[str] = frozenset()
    # States in which only the owning unit may see the item (a draft never sent): to anyone
    # else it does not exist, in reads and in actions alike.
    private_states: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if self.initial_state not in self.state_labels:
            raise ValueError(f"{self.kind}: unknown initial state {self.initial_state}")
        for name, states in (("closed", self.closed_states), ("private", self.private_states)):
            if not states <= self.state_labels.keys():
                raise ValueError(
                    f"{self.kind}: unknown {name} states "
                    f"{sorted(states - self.state_labels.keys())}"
                )
        seen: set[tuple[str, str]] = set()
        for t in self.transitions:
            key = (t.state, t.action)
            if key in seen:
                raise ValueError(f"{self.kind}: two transitions for {key}")
            if t.state not in self.state_labels or t.new_state not in self.state_labels:
                raise ValueError(f"{self.kind}: unknown state in {t}")
            if not t.by or not t.by <= {OWNER, PARENT}:
                raise ValueError(f"{self.kind}: transition {key} has no valid actor")
            seen.add(key)

    def find(self, state: str, action: str) -> Transition | None:
        return next((t for t in self.transitions if t.state == state and t.action == action), None)

    def label(self, state: str) -> str:
        return self.state_labels.get(state, state)

    def visible(self, state: str, owner_id: int, actor: Actor) -> bool:
        """Whether the actor, already known to hold the owner in scope, may see the item."""
        return state not in self.private_states or owner_id == actor.unit_id


def position(actor: Actor, owner: Unit) -> str | None:
    """Where the actor stands towards the unit that owns an item."""
    if actor.unit_id == owner.id:
        return OWNER
    if actor.unit_id == owner.parent_id:
        return PARENT
    return None


def available_actions(
    flow: Workflow, actor: Actor, item: WorkItem, owner: Unit
) -> list[Transition]:
    where = position(actor, owner)
    return [
        t
        for t in flow.transitions
        if t.state == item.state and where in t.by and t.function in actor.functions
    ]


def create(
    db: Db, flow: Workflow, actor: Actor, unit_id: int, title: str, dedupe_key: str | None = None
) -> WorkItem:
    """A new item in the workflow's initial state, owned by the actor's own unit; at most one
    per unit carries a given ``dedupe_key`` (the database enforces it)."""
    title = clean(title, "Tiêu đề", required=True, max_len=300)
    if unit_id != actor.unit_id:
        raise PermissionDenied("Chỉ đơn vị của bạn mới tạo được mục này")

    def tx(db: Db) -> WorkItem:
        now = clock.now()
        item_id = db.items.insert(
            flow.kind, unit_id, title, flow.initial_state, actor.user_id, now, dedupe_key
        )
        record(
            db, actor, AuditEntry(flow.kind, item_id, "create", to_state=flow.initial_state), now
        )
        return db.items.get(item_id)

    return db.atomic(tx)


def apply(
    db: Db,
    flow: Workflow,
    actor: Actor,
    item_id: int,
    action: str,
    reason: str | None = None,
    expected_version: int | None = None,
) -> WorkItem:
    """Check and take one action: state, actor position, function, reason, version, audit."""
    reason = clean(reason, "Lý do", required=False, max_len=2000)

    def tx(db: Db) -> WorkItem:
        item = db.items.get(item_id)
        if item is None or item.kind != flow.kind:
            raise NotFound("Không tìm thấy mục cần xử lý")
        owner = require_in_scope(actor, db.units.get(item.unit_id))
        if not flow.visible(item.state, owner.id, actor):
            raise NotFound("Không tìm thấy mục cần xử lý")
        if expected_version is not None and item.version != expected_version:
            raise StaleVersion()
        step = flow.find(item.state, action)
        if step is None:
            raise TransitionNotAllowed(
                f"Không thể thực hiện thao tác này khi đang ở trạng thái “{flow.label(item.state)}”"
            )
        where = position(actor, owner)
        if where not in step.by:
            raise PermissionDenied(f"Đơn vị của bạn không được “{step.label}” mục này")
        if step.function not in actor.functions:
            raise PermissionDenied(f"Bạn không có chức năng để “{step.label}”")
        if step.reason_required and not reason:
            raise ValidationError("Lý do", "không được để trống")
        now = clock.now()
        if not db.items.set_state(
            item.id, step.new_state, step.new_state not in flow.closed_states, item.version, now
        ):
            raise StaleVersion()
        record(
            db,
            actor,
            AuditEntry(flow.kind, item.id, action, item.state, step.new_state, reason),
            now,
        )
        return db.items.get(item.id)

    return db.atomic(tx)
