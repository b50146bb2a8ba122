"""core.restructure: moving a unit to another parent and merging units (the 2025 reform)."""

from __future__ import annotations

import json

import pytest

from core import functions, hierarchy, restructure
from core.errors import Conflict, PermissionDenied, StaleVersion, ValidationError
from core.model import Actor, Unit
from core.store import Db
from tests.factories import NOW, Tree, actor_at, audit_rows, make_old_tree, make_unit, make_user

MANAGE = functions.UNIT_MANAGE


@pytest.fixture
def root_admin(tree: Tree) -> Actor:
    return actor_at(tree.root, MANAGE)


@pytest.fixture
def hn_admin(tree: Tree) -> Actor:
    return actor_at(tree.hn, MANAGE)


def fresh(db: Db, unit: Unit) -> Unit:
    return db.units.get(unit.id)


def assert_paths_consistent(db: Db, top: Unit) -> None:
    below = [i for i in db.units.subtree_ids(fresh(db, top).path) if i != top.id]
    assert below
    for unit in db.units.get_many(below):
        parent = db.units.get(unit.parent_id)
        assert unit.path == f"{parent.path}{unit.id}/"
        assert unit.depth == parent.depth + 1


# -- move -------------------------------------------------------------------------------------


def test_move_hangs_the_unit_under_the_new_parent(db: Db, tree: Tree, root_admin: Actor) -> None:
    moved = restructure.move_unit(
        db, root_admin, tree.ba_dinh.id, tree.hcm.id, tree.ba_dinh.version
    )
    assert (moved.parent_id, moved.path, moved.version) == (
        tree.hcm.id,
        f"{tree.hcm.path}{tree.ba_dinh.id}/",
        tree.ba_dinh.version + 1,
    )


def test_move_rewrites_the_paths_of_the_whole_subtree(
    db: Db, tree: Tree, root_admin: Actor
) -> None:
    restructure.move_unit(db, root_admin, tree.ba_dinh.id, tree.hcm.id, tree.ba_dinh.version)
    for child in (tree.ba_dinh_cs1, tree.ba_dinh_cs2):
        assert fresh(db, child).path == f"{tree.hcm.path}{tree.ba_dinh.id}/{child.id}/"
    assert_paths_consistent(db, tree.hcm)


def test_move_adjusts_the_depth_of_the_whole_subtree(db: Db) -> None:
    old = make_old_tree(db)
    actor = actor_at(old.root, MANAGE)
    moved = restructure.move_unit(db, actor, old.commune.id, old.province.id, old.commune.version)
    assert (old.commune.depth, moved.depth) == (3, 2)
    assert (old.grassroots.depth, fresh(db, old.grassroots).depth) == (4, 3)
    assert_paths_consistent(db, old.root)


def test_move_leaves_units_outside_the_moved_subtree_alone(
    db: Db, tree: Tree, root_admin: Actor
) -> None:
    restructure.move_unit(db, root_admin, tree.ba_dinh.id, tree.hcm.id, tree.ba_dinh.version)
    assert fresh(db, tree.hoan_kiem) == tree.hoan_kiem
    assert fresh(db, tree.sai_gon_cs1) == tree.sai_gon_cs1


def test_a_moved_unit_leaves_the_scope_of_its_old_province(
    db: Db, tree: Tree, root_admin: Actor, hn_admin: Actor
) -> None:
    restructure.move_unit(db, root_admin, tree.ba_dinh.id, tree.hcm.id, tree.ba_dinh.version)
    with pytest.raises(PermissionDenied):
        hierarchy.get_unit(db, hn_admin, tree.ba_dinh_cs1.id)
    assert hierarchy.get_unit(db, actor_at(tree.hcm, MANAGE), tree.ba_dinh_cs1.id)


@pytest.mark.parametrize(
    "moved, new_parent", [("ba_dinh", "ba_dinh"), ("ba_dinh", "ba_dinh_cs1"), ("hn", "ba_dinh")]
)
def test_move_under_itself_or_its_own_descendant_is_refused(
    db: Db, tree: Tree, root_admin: Actor, moved: str, new_parent: str
) -> None:
    unit = getattr(tree, moved)
    with pytest.raises(ValidationError, match="chính đơn vị này hoặc một đơn vị cấp dưới"):
        restructure.move_unit(db, root_admin, unit.id, getattr(tree, new_parent).id, unit.version)
    assert fresh(db, unit) == unit


@pytest.mark.parametrize("new_parent", ["hoan_kiem", "sai_gon", "sai_gon_cs1"])
def test_move_under_a_parent_of_the_same_or_a_lower_level_is_refused(
    db: Db, tree: Tree, root_admin: Actor, new_parent: str
) -> None:
    with pytest.raises(ValidationError, match="phải có cấp cao hơn cấp của đơn vị"):
        restructure.move_unit(
            db, root_admin, tree.ba_dinh.id, getattr(tree, new_parent).id, tree.ba_dinh.version
        )
    assert fresh(db, tree.ba_dinh).parent_id == tree.hn.id


def test_move_under_an_inactive_parent_is_refused(db: Db, tree: Tree, root_admin: Actor) -> None:
    closed = make_unit(db, tree.root, "Đảng bộ Tỉnh Hà Tây", "TINH")
    db.units.bump(closed.id, closed.version, NOW, active=False)
    with pytest.raises(ValidationError, match="đã ngừng hoạt động"):
        restructure.move_unit(db, root_admin, tree.ba_dinh.id, closed.id, tree.ba_dinh.version)


def test_move_under_its_current_parent_is_refused(db: Db, tree: Tree, root_admin: Actor) -> None:
    with pytest.raises(ValidationError, match="đã trực thuộc"):
        restructure.move_unit(db, root_admin, tree.ba_dinh.id, tree.hn.id, tree.ba_dinh.version)


def test_move_to_a_parent_outside_scope_is_refused(db: Db, tree: Tree, hn_admin: Actor) -> None:
    with pytest.raises(PermissionDenied):
        restructure.move_unit(db, hn_admin, tree.ba_dinh.id, tree.hcm.id, tree.ba_dinh.version)
    assert fresh(db, tree.ba_dinh) == tree.ba_dinh


def test_move_of_a_unit_outside_scope_is_refused(db: Db, tree: Tree, hn_admin: Actor) -> None:
    with pytest.raises(PermissionDenied):
        restructure.move_unit(db, hn_admin, tree.sai_gon.id, tree.hn.id, tree.sai_gon.version)
    assert fresh(db, tree.sai_gon) == tree.sai_gon


def test_actor_cannot_move_its_own_unit(db: Db, tree: Tree) -> None:
    actor = actor_at(tree.ba_dinh, MANAGE)
    with pytest.raises(PermissionDenied):
        restructure.move_unit(db, actor, tree.ba_dinh.id, tree.hn.id, tree.ba_dinh.version)


def test_move_with_a_stale_version_is_refused(db: Db, tree: Tree, root_admin: Actor) -> None:
    with pytest.raises(StaleVersion):
        restructure.move_unit(
            db, root_admin, tree.ba_dinh.id, tree.hcm.id, tree.ba_dinh.version + 1
        )
    assert fresh(db, tree.ba_dinh) == tree.ba_dinh


def test_move_writes_an_audit_row_with_both_parents(db: Db, tree: Tree, root_admin: Actor) -> None:
    restructure.move_unit(db, root_admin, tree.ba_dinh.id, tree.hcm.id, tree.ba_dinh.version)
    [row] = audit_rows(db, "unit", tree.ba_dinh.id)
    assert row["action"] == "move"
    assert json.loads(row["detail"]) == {"from_parent": tree.hn.id, "to_parent": tree.hcm.id}


# -- merge ------------------------------------------------------------------------------------


@pytest.fixture
def merging(db: Db, tree: Tree) -> dict[str, int]:
    """Hoàn Kiếm, about to be merged into Ba Đình, with data of every kind."""
    old_branch = make_unit(db, tree.hoan_kiem, "Chi bộ đã giải thể", "CO_SO")
    db.units.bump(old_branch.id, old_branch.version, NOW, active=False)
    open_item = db.items.insert("report", tree.hoan_kiem.id, "Báo cáo đang làm", "DRAFT", None, NOW)
    closed_item = db.items.insert(
        "report", tree.hoan_kiem.id, "Báo cáo đã duyệt", "PENDING", None, NOW
    )
    db.items.set_state(closed_item, "APPROVED", False, 1, NOW)
    child_item = db.items.insert(
        "report", tree.hoan_kiem_cs1.id, "Báo cáo chi bộ", "DRAFT", None, NOW
    )
    active_user = make_user(db, tree.hoan_kiem, full_name="Đỗ Thị Hoa")
    gone_user = make_user(db, tree.hoan_kiem, full_name="Phan Văn Cũ")
    db.users.update(gone_user.id, {"active": False}, gone_user.version, NOW)
    return {
        "old_branch": old_branch.id,
        "open_item": open_item,
        "closed_item": closed_item,
        "child_item": child_item,
        "active_user": active_user.id,
        "gone_user": gone_user.id,
    }


def merge_hoan_kiem(db: Db, tree: Tree, actor: Actor) -> restructure.MergeResult:
    return restructure.merge_units(db, actor, [tree.hoan_kiem.id], tree.ba_dinh.id)


def test_merge_moves_active_children_to_the_target(
    db: Db, tree: Tree, hn_admin: Actor, merging: dict[str, int]
) -> None:
    merge_hoan_kiem(db, tree, hn_admin)
    child = fresh(db, tree.hoan_kiem_cs1)
    assert (child.parent_id, child.path) == (tree.ba_dinh.id, f"{tree.ba_dinh.path}{child.id}/")


def test_merge_leaves_inactive_children_with_the_merged_unit(
    db: Db, tree: Tree, hn_admin: Actor, merging: dict[str, int]
) -> None:
    merge_hoan_kiem(db, tree, hn_admin)
    assert db.units.get(merging["old_branch"]).parent_id == tree.hoan_kiem.id


def test_merge_moves_open_items_to_the_target(
    db: Db, tree: Tree, hn_admin: Actor, merging: dict[str, int]
) -> None:
    merge_hoan_kiem(db, tree, hn_admin)
    assert db.items.get(merging["open_item"]).unit_id == tree.ba_dinh.id


def test_merge_leaves_closed_items_with_the_old_unit(
    db: Db, tree: Tree, hn_admin: Actor, merging: dict[str, int]
) -> None:
    merge_hoan_kiem(db, tree, hn_admin)
    closed = db.items.get(merging["closed_item"])
    assert (closed.unit_id, closed.is_open) == (tree.hoan_kiem.id, False)


def test_merge_keeps_the_items_of_moved_children_with_those_children(
    db: Db, tree: Tree, hn_admin: Actor, merging: dict[str, int]
) -> None:
    merge_hoan_kiem(db, tree, hn_admin)
    assert db.items.get(merging["child_item"]).unit_id == tree.hoan_kiem_cs1.id


def test_merge_moves_active_accounts_and_leaves_deleted_ones(
    db: Db, tree: Tree, hn_admin: Actor, merging: dict[str, int]
) -> None:
    merge_hoan_kiem(db, tree, hn_admin)
    assert db.users.get(merging["active_user"]).unit_id == tree.ba_dinh.id
    assert db.users.get(merging["gone_user"]).unit_id == tree.hoan_kiem.id


def test_merge_marks_the_source_inactive_with_the_target_as_successor(
    db: Db, tree: Tree, hn_admin: Actor, merging: dict[str, int]
) -> None:
    merge_hoan_kiem(db, tree, hn_admin)
    source = fresh(db, tree.hoan_kiem)
    assert (source.active, source.successor_id, source.parent_id) == (
        False,
        tree.ba_dinh.id,
        tree.hn.id,
    )


def test_merge_result_lists_what_moved(
    db: Db, tree: Tree, hn_admin: Actor, merging: dict[str, int]
) -> None:
    result = merge_hoan_kiem(db, tree, hn_admin)
    assert (
        result.target.id,
        result.merged,
        result.moved_children,
        result.moved_items,
        result.moved_users,
    ) == (
        tree.ba_dinh.id,
        (tree.hoan_kiem.id,),
        (tree.hoan_kiem_cs1.id,),
        (merging["open_item"],),
        (merging["active_user"],),
    )


def test_merge_of_several_units_moves_all_their_children(
    db: Db, tree: Tree, root_admin: Actor
) -> None:
    restructure.merge_units(db, root_admin, [tree.hoan_kiem.id, tree.sai_gon.id], tree.ba_dinh.id)
    children = {u.id for u in db.units.children([tree.ba_dinh.id])}
    assert children == {
        tree.ba_dinh_cs1.id,
        tree.ba_dinh_cs2.id,
        tree.hoan_kiem_cs1.id,
        tree.sai_gon_cs1.id,
    }
    assert_paths_consistent(db, tree.root)


def test_merge_detail_of_a_merged_unit_names_its_successor(
    db: Db, tree: Tree, hn_admin: Actor, merging: dict[str, int]
) -> None:
    merge_hoan_kiem(db, tree, hn_admin)
    assert hierarchy.detail(db, hn_admin, tree.hoan_kiem.id).successor_name == (
        "Đảng bộ Phường Ba Đình"
    )


def test_merge_writes_an_audit_row_for_each_source_and_the_target(
    db: Db, tree: Tree, hn_admin: Actor, merging: dict[str, int]
) -> None:
    merge_hoan_kiem(db, tree, hn_admin)
    [source_row] = audit_rows(db, "unit", tree.hoan_kiem.id)
    [target_row] = audit_rows(db, "unit", tree.ba_dinh.id)
    assert (source_row["action"], json.loads(source_row["detail"])) == (
        "merge_into",
        {"successor": tree.ba_dinh.id},
    )
    assert target_row["action"] == "merge"
    assert json.loads(target_row["detail"])["merged"] == [tree.hoan_kiem.id]


@pytest.mark.parametrize(
    "source, target", [("ba_dinh", "hn"), ("hn", "ba_dinh"), ("hn", "ba_dinh_cs1")]
)
def test_merge_of_a_unit_with_its_own_ancestor_or_descendant_is_refused(
    db: Db, tree: Tree, root_admin: Actor, source: str, target: str
) -> None:
    audit_before = db.audit.count()
    with pytest.raises(ValidationError, match="cùng một nhánh"):
        restructure.merge_units(
            db, root_admin, [getattr(tree, source).id], getattr(tree, target).id
        )
    assert fresh(db, getattr(tree, source)).active is True
    assert db.audit.count() == audit_before


def test_merge_that_fails_on_one_child_saves_nothing(db: Db, tree: Tree, root_admin: Actor) -> None:
    # Hồ Chí Minh's commune cannot hang under a commune, so the whole merge is refused.
    with pytest.raises(ValidationError):
        restructure.merge_units(db, root_admin, [tree.hoan_kiem.id, tree.hcm.id], tree.ba_dinh.id)
    assert fresh(db, tree.hoan_kiem_cs1) == tree.hoan_kiem_cs1
    assert fresh(db, tree.hoan_kiem).active and fresh(db, tree.hcm).active
    assert db.audit.count() == 0


def test_merge_of_a_unit_into_itself_only_is_refused(db: Db, tree: Tree, hn_admin: Actor) -> None:
    with pytest.raises(ValidationError, match="chọn ít nhất một đơn vị khác"):
        restructure.merge_units(db, hn_admin, [tree.ba_dinh.id], tree.ba_dinh.id)


def test_merge_of_more_than_fifty_units_at_once_is_refused(
    db: Db, tree: Tree, hn_admin: Actor
) -> None:
    with pytest.raises(ValidationError, match="tối đa 50"):
        restructure.merge_units(db, hn_admin, list(range(1000, 1051)), tree.ba_dinh.id)


def test_merge_of_an_inactive_unit_is_refused(db: Db, tree: Tree, hn_admin: Actor) -> None:
    leaf = hierarchy.set_active(db, hn_admin, tree.ba_dinh_cs2.id, False, tree.ba_dinh_cs2.version)
    with pytest.raises(Conflict, match="đã ngừng hoạt động"):
        restructure.merge_units(db, hn_admin, [leaf.id], tree.hoan_kiem.id)


def test_merge_into_an_inactive_target_is_refused(db: Db, tree: Tree, hn_admin: Actor) -> None:
    leaf = hierarchy.set_active(db, hn_admin, tree.ba_dinh_cs2.id, False, tree.ba_dinh_cs2.version)
    with pytest.raises(ValidationError) as err:
        restructure.merge_units(db, hn_admin, [tree.ba_dinh_cs1.id], leaf.id)
    assert err.value.field == "Đơn vị tiếp nhận"


@pytest.mark.parametrize("source, target", [("sai_gon", "ba_dinh"), ("ba_dinh", "sai_gon")])
def test_merge_across_the_scope_boundary_is_refused(
    db: Db, tree: Tree, hn_admin: Actor, source: str, target: str
) -> None:
    with pytest.raises(PermissionDenied):
        restructure.merge_units(db, hn_admin, [getattr(tree, source).id], getattr(tree, target).id)
    assert fresh(db, getattr(tree, source)).active is True


def test_actor_cannot_merge_away_its_own_unit(db: Db, tree: Tree) -> None:
    actor = actor_at(tree.ba_dinh, MANAGE)
    with pytest.raises(PermissionDenied):
        restructure.merge_units(db, actor, [tree.ba_dinh.id], tree.hoan_kiem.id)


def test_merge_of_a_unit_together_with_its_own_descendant_is_refused_clearly(
    db: Db, tree: Tree, root_admin: Actor
) -> None:
    with pytest.raises(ValidationError):
        restructure.merge_units(
            db, root_admin, [tree.ba_dinh.id, tree.ba_dinh_cs1.id], tree.hoan_kiem.id
        )
