"""core.workflow: one declared transition table, enforced by `apply` and drawn by
`available_actions`, exercised with a small report-like workflow on a temporary store."""

from __future__ import annotations

import pytest

from core import functions, workflow
from core.errors import (
    DomainError,
    NotFound,
    PermissionDenied,
    StaleVersion,
    TransitionNotAllowed,
    ValidationError,
)
from core.model import Actor, Unit
from core.store import Db, Store
from core.workflow import OWNER, PARENT, Transition, Workflow
from tests.factories import NOW, Tree, actor_at, audit_rows, make_tree

CREATE, APPROVE = functions.REPORT_CREATE, functions.REPORT_APPROVE
STATES = ("DRAFT", "PENDING", "APPROVED", "CHANGES_REQUESTED")
ACTIONS = ("send", "approve", "reject")

FLOW = Workflow(
    kind="sample_report",
    initial_state="DRAFT",
    state_labels={
        "DRAFT": "Lưu nháp",
        "PENDING": "Chờ phê duyệt",
        "APPROVED": "Đã phê duyệt",
        "CHANGES_REQUESTED": "Yêu cầu chỉnh sửa",
    },
    transitions=(
        Transition("DRAFT", "send", "PENDING", "Gửi báo cáo", frozenset({OWNER}), CREATE),
        Transition(
            "CHANGES_REQUESTED", "send", "PENDING", "Gửi báo cáo", frozenset({OWNER}), CREATE
        ),
        Transition("PENDING", "approve", "APPROVED", "Phê duyệt", frozenset({PARENT}), APPROVE),
        Transition(
            "PENDING",
            "reject",
            "CHANGES_REQUESTED",
            "Từ chối",
            frozenset({PARENT}),
            APPROVE,
            reason_required=True,
        ),
    ),
    closed_states=frozenset({"APPROVED"}),
)
ALLOWED = {
    ("DRAFT", "send", "owner"),
    ("CHANGES_REQUESTED", "send", "owner"),
    ("PENDING", "approve", "parent"),
    ("PENDING", "reject", "parent"),
}
POSITIONS = ("owner", "parent", "grandparent", "sibling", "other_province")


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory):
    """One store for the large parametrised tables: each case works on its own new item."""
    store = Store.open(tmp_path_factory.mktemp("workflow") / "t.duckdb")
    db = store.db()
    yield db, make_tree(db)
    store.close()


def owner_unit(tree: Tree) -> Unit:
    return tree.ba_dinh


def actor_in(tree: Tree, position: str, *function_codes: str) -> Actor:
    """An actor standing at ``position`` towards the items owned by Ba Đình."""
    unit = {
        "owner": tree.ba_dinh,
        "parent": tree.hn,
        "grandparent": tree.root,
        "sibling": tree.hoan_kiem,
        "other_province": tree.hcm,
    }[position]
    return actor_at(unit, *(function_codes or (CREATE, APPROVE)), full_name=f"Cán bộ {position}")


def item_in_state(db: Db, tree: Tree, state: str) -> int:
    return db.items.insert(FLOW.kind, owner_unit(tree).id, "Báo cáo quý I", state, None, NOW)


def snapshot(db: Db, item_id: int) -> tuple:
    item = db.items.get(item_id)
    return item.state, item.version, item.is_open, len(audit_rows(db, FLOW.kind, item_id))


# -- declaration ------------------------------------------------------------------------------


def test_workflow_with_two_transitions_for_the_same_state_and_action_is_refused() -> None:
    twice = (
        Transition("DRAFT", "send", "PENDING", "Gửi", frozenset({OWNER}), CREATE),
        Transition("DRAFT", "send", "APPROVED", "Gửi", frozenset({OWNER}), CREATE),
    )
    with pytest.raises(ValueError, match="two transitions"):
        Workflow("x", "DRAFT", {"DRAFT": "a", "PENDING": "b", "APPROVED": "c"}, twice)


def test_workflow_with_a_transition_to_an_unknown_state_is_refused() -> None:
    bad = (Transition("DRAFT", "send", "SENT", "Gửi", frozenset({OWNER}), CREATE),)
    with pytest.raises(ValueError, match="unknown state"):
        Workflow("x", "DRAFT", {"DRAFT": "a"}, bad)


def test_workflow_with_a_transition_from_an_unknown_state_is_refused() -> None:
    bad = (Transition("LOST", "send", "DRAFT", "Gửi", frozenset({OWNER}), CREATE),)
    with pytest.raises(ValueError, match="unknown state"):
        Workflow("x", "DRAFT", {"DRAFT": "a"}, bad)


def test_workflow_with_an_undeclared_initial_state_is_refused() -> None:
    with pytest.raises(ValueError):
        Workflow("x", "DRAF", {"DRAFT": "a"}, ())


def test_workflow_with_an_undeclared_closed_state_is_refused() -> None:
    with pytest.raises(ValueError):
        Workflow("x", "DRAFT", {"DRAFT": "a"}, (), closed_states=frozenset({"DONE"}))


def test_workflow_with_an_undeclared_private_state_is_refused() -> None:
    with pytest.raises(ValueError, match="private"):
        Workflow("x", "DRAFT", {"DRAFT": "a"}, (), private_states=frozenset({"SECRET"}))


@pytest.mark.parametrize("by", [frozenset(), frozenset({"grandparent"})])
def test_workflow_with_a_transition_nobody_valid_may_take_is_refused(by: frozenset) -> None:
    bad = (Transition("DRAFT", "send", "DRAFT", "Gửi", by, CREATE),)
    with pytest.raises(ValueError, match="no valid actor"):
        Workflow("x", "DRAFT", {"DRAFT": "a"}, bad)


# -- create -----------------------------------------------------------------------------------


def test_create_puts_the_item_in_the_initial_state_owned_by_the_actor_unit(
    db: Db, tree: Tree
) -> None:
    item = workflow.create(db, FLOW, actor_in(tree, "owner"), tree.ba_dinh.id, " Báo cáo  ")
    assert (item.state, item.unit_id, item.title, item.version, item.is_open) == (
        "DRAFT",
        tree.ba_dinh.id,
        "Báo cáo",
        1,
        True,
    )


def test_create_writes_a_create_audit_row(db: Db, tree: Tree) -> None:
    item = workflow.create(db, FLOW, actor_in(tree, "owner"), tree.ba_dinh.id, "Báo cáo")
    [row] = audit_rows(db, FLOW.kind, item.id)
    assert (row["action"], row["from_state"], row["to_state"]) == ("create", None, "DRAFT")


def test_create_for_another_unit_is_refused(db: Db, tree: Tree) -> None:
    with pytest.raises(PermissionDenied):
        workflow.create(db, FLOW, actor_in(tree, "parent"), tree.ba_dinh.id, "Báo cáo")
    assert db.items.in_scope(tree.root.path, FLOW.kind) == []


def test_create_without_a_title_is_refused_naming_the_field(db: Db, tree: Tree) -> None:
    with pytest.raises(ValidationError) as err:
        workflow.create(db, FLOW, actor_in(tree, "owner"), tree.ba_dinh.id, "   ")
    assert err.value.field == "Tiêu đề"


# -- apply: the whole table -------------------------------------------------------------------


@pytest.mark.parametrize("position", POSITIONS)
@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("state", STATES)
def test_apply_allows_exactly_the_declared_state_action_and_position(
    shared: tuple[Db, Tree], state: str, action: str, position: str
) -> None:
    db, tree = shared
    item_id = item_in_state(db, tree, state)
    actor = actor_in(tree, position)
    if (state, action, position) in ALLOWED:
        done = workflow.apply(db, FLOW, actor, item_id, action, reason="Thiếu số liệu")
        assert done.state == FLOW.find(state, action).new_state
    else:
        before = snapshot(db, item_id)
        with pytest.raises((TransitionNotAllowed, PermissionDenied)):
            workflow.apply(db, FLOW, actor, item_id, action, reason="Thiếu số liệu")
        assert snapshot(db, item_id) == before


def test_action_not_declared_for_the_state_is_refused_naming_the_state(db: Db, tree: Tree) -> None:
    item_id = item_in_state(db, tree, "APPROVED")
    with pytest.raises(TransitionNotAllowed, match="“Đã phê duyệt”"):
        workflow.apply(db, FLOW, actor_in(tree, "parent"), item_id, "approve")


def test_parent_cannot_take_an_owner_action(db: Db, tree: Tree) -> None:
    item_id = item_in_state(db, tree, "DRAFT")
    with pytest.raises(PermissionDenied, match="“Gửi báo cáo”"):
        workflow.apply(db, FLOW, actor_in(tree, "parent"), item_id, "send")


def test_grandparent_cannot_approve_although_the_item_is_in_its_scope(db: Db, tree: Tree) -> None:
    item_id = item_in_state(db, tree, "PENDING")
    with pytest.raises(PermissionDenied):
        workflow.apply(db, FLOW, actor_in(tree, "grandparent"), item_id, "approve")


def test_sibling_is_told_the_item_is_outside_its_scope(db: Db, tree: Tree) -> None:
    item_id = item_in_state(db, tree, "DRAFT")
    with pytest.raises(PermissionDenied, match="ngoài phạm vi"):
        workflow.apply(db, FLOW, actor_in(tree, "sibling"), item_id, "send")


def test_actor_without_the_transition_function_is_refused(db: Db, tree: Tree) -> None:
    item_id = item_in_state(db, tree, "PENDING")
    reader = actor_in(tree, "parent", CREATE)
    with pytest.raises(PermissionDenied, match="không có chức năng"):
        workflow.apply(db, FLOW, reader, item_id, "approve")
    assert db.items.get(item_id).state == "PENDING"


@pytest.mark.parametrize("reason", [None, "", "   \n "])
def test_reject_without_a_reason_is_refused_naming_the_reason_field(
    db: Db, tree: Tree, reason: str | None
) -> None:
    item_id = item_in_state(db, tree, "PENDING")
    before = snapshot(db, item_id)
    with pytest.raises(ValidationError) as err:
        workflow.apply(db, FLOW, actor_in(tree, "parent"), item_id, "reject", reason=reason)
    assert err.value.field == "Lý do"
    assert snapshot(db, item_id) == before


def test_apply_on_an_item_of_another_kind_is_not_found(db: Db, tree: Tree) -> None:
    other = db.items.insert("task", tree.ba_dinh.id, "Nhiệm vụ", "DRAFT", None, NOW)
    with pytest.raises(NotFound):
        workflow.apply(db, FLOW, actor_in(tree, "owner"), other, "send")


def test_apply_on_a_missing_item_is_not_found(db: Db, tree: Tree) -> None:
    with pytest.raises(NotFound):
        workflow.apply(db, FLOW, actor_in(tree, "owner"), 999_999, "send")


# -- versions and audit -----------------------------------------------------------------------


def test_each_transition_bumps_the_version(db: Db, tree: Tree) -> None:
    item = workflow.create(db, FLOW, actor_in(tree, "owner"), tree.ba_dinh.id, "Báo cáo")
    sent = workflow.apply(
        db, FLOW, actor_in(tree, "owner"), item.id, "send", expected_version=item.version
    )
    approved = workflow.apply(
        db, FLOW, actor_in(tree, "parent"), item.id, "approve", expected_version=sent.version
    )
    assert (item.version, sent.version, approved.version) == (1, 2, 3)


def test_entering_a_closed_state_closes_the_item(db: Db, tree: Tree) -> None:
    item_id = item_in_state(db, tree, "PENDING")
    assert workflow.apply(db, FLOW, actor_in(tree, "parent"), item_id, "approve").is_open is False


def test_apply_with_a_stale_version_asks_to_reload(db: Db, tree: Tree) -> None:
    item = workflow.create(db, FLOW, actor_in(tree, "owner"), tree.ba_dinh.id, "Báo cáo")
    workflow.apply(db, FLOW, actor_in(tree, "owner"), item.id, "send")
    before = snapshot(db, item.id)
    with pytest.raises(StaleVersion) as err:
        workflow.apply(
            db, FLOW, actor_in(tree, "parent"), item.id, "approve", expected_version=item.version
        )
    assert str(err.value) == "Dữ liệu đã được người khác cập nhật, vui lòng tải lại"
    assert snapshot(db, item.id) == before


def test_each_transition_writes_an_audit_row_with_states_reason_and_actor(
    db: Db, tree: Tree
) -> None:
    parent = actor_in(tree, "parent")
    item_id = item_in_state(db, tree, "PENDING")
    workflow.apply(db, FLOW, parent, item_id, "reject", reason="  Thiếu  số liệu ")
    [row] = audit_rows(db, FLOW.kind, item_id)
    assert {
        k: row[k]
        for k in (
            "action",
            "from_state",
            "to_state",
            "reason",
            "actor_user_id",
            "actor_name",
            "actor_unit_id",
        )
    } == {
        "action": "reject",
        "from_state": "PENDING",
        "to_state": "CHANGES_REQUESTED",
        "reason": "Thiếu số liệu",
        "actor_user_id": parent.user_id,
        "actor_name": parent.full_name,
        "actor_unit_id": tree.hn.id,
    }
    assert row["at_time"] is not None


def test_a_full_round_trip_leaves_one_audit_row_per_step(db: Db, tree: Tree) -> None:
    owner, parent = actor_in(tree, "owner"), actor_in(tree, "parent")
    item = workflow.create(db, FLOW, owner, tree.ba_dinh.id, "Báo cáo")
    workflow.apply(db, FLOW, owner, item.id, "send")
    workflow.apply(db, FLOW, parent, item.id, "reject", reason="Sai số liệu")
    workflow.apply(db, FLOW, owner, item.id, "send")
    workflow.apply(db, FLOW, parent, item.id, "approve")
    steps = [
        (r["action"], r["from_state"], r["to_state"]) for r in audit_rows(db, FLOW.kind, item.id)
    ]
    assert steps == [
        ("create", None, "DRAFT"),
        ("send", "DRAFT", "PENDING"),
        ("reject", "PENDING", "CHANGES_REQUESTED"),
        ("send", "CHANGES_REQUESTED", "PENDING"),
        ("approve", "PENDING", "APPROVED"),
    ]


# -- available_actions is the same rule as apply ----------------------------------------------


def accepted_actions(db: Db, tree: Tree, state: str, actor: Actor) -> set[str]:
    accepted = set()
    for action in ACTIONS:
        item_id = item_in_state(db, tree, state)
        try:
            workflow.apply(db, FLOW, actor, item_id, action, reason="Lý do kiểm tra")
        except DomainError:
            continue
        accepted.add(action)
    return accepted


@pytest.mark.parametrize("position", POSITIONS)
@pytest.mark.parametrize("state", STATES)
def test_available_actions_are_exactly_the_actions_apply_accepts(
    shared: tuple[Db, Tree], state: str, position: str
) -> None:
    db, tree = shared
    actor = actor_in(tree, position)
    item = db.items.get(item_in_state(db, tree, state))
    offered = {t.action for t in workflow.available_actions(FLOW, actor, item, tree.ba_dinh)}
    assert offered == accepted_actions(db, tree, state, actor)


def test_available_actions_hide_actions_whose_function_the_actor_lacks(db: Db, tree: Tree) -> None:
    item = db.items.get(item_in_state(db, tree, "PENDING"))
    reader = actor_in(tree, "parent", CREATE)
    assert workflow.available_actions(FLOW, reader, item, tree.ba_dinh) == []
