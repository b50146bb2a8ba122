"""core.hierarchy: reading the tree within the actor's scope and editing single units."""

from __future__ import annotations

import json

import pytest

from core import functions, hierarchy
from core.errors import Conflict, PermissionDenied, StaleVersion, ValidationError
from core.model import Actor, Unit
from core.store import Db, Store
from tests.factories import (
    NOW,
    Tree,
    actor_at,
    audit_rows,
    make_old_tree,
    make_unit,
    make_user,
    race_past_the_check,
    unit_draft,
)

MANAGE = functions.UNIT_MANAGE


@pytest.fixture
def hn_admin(tree: Tree) -> Actor:
    return actor_at(tree.hn, MANAGE, full_name="Trần Thị Minh Hạnh")


@pytest.fixture
def root_admin(tree: Tree) -> Actor:
    return actor_at(tree.root, MANAGE)


def state_of(db: Db, tree: Tree) -> tuple[int, int]:
    """How many units and audit rows exist: unchanged means nothing was saved."""
    return len(db.units.subtree_ids(tree.root.path)), db.audit.count()


# -- add --------------------------------------------------------------------------------------


def test_add_unit_saves_the_cleaned_form_under_the_parent(
    db: Db, tree: Tree, hn_admin: Actor
) -> None:
    unit = hierarchy.add_unit(
        db, hn_admin, tree.hn.id, unit_draft(name="  Đảng bộ   Phường Ngọc Hà ", code="HN-NH")
    )
    assert (unit.name, unit.code, unit.parent_id, unit.level_code) == (
        "Đảng bộ Phường Ngọc Hà",
        "HN-NH",
        tree.hn.id,
        "XA",
    )
    assert unit.path == f"{tree.hn.path}{unit.id}/"
    assert (unit.depth, unit.version, unit.active) == (2, 1, True)


def test_add_unit_without_a_code_gets_a_generated_one(db: Db, tree: Tree, hn_admin: Actor) -> None:
    unit = hierarchy.add_unit(db, hn_admin, tree.hn.id, unit_draft(code=None))
    assert unit.code == f"{unit.id:08d}"


@pytest.mark.parametrize(
    "attribute, field",
    [
        ("name", "Tên"),
        ("level_code", "Cấp"),
        ("type_code", "Chọn loại"),
        ("province", "Chọn tỉnh"),
        ("address", "Địa chỉ chi tiết"),
    ],
)
@pytest.mark.parametrize("blank", [None, "", "   "])
def test_add_unit_without_a_required_field_names_it_and_saves_nothing(
    db: Db, tree: Tree, hn_admin: Actor, attribute: str, field: str, blank: str | None
) -> None:
    before = state_of(db, tree)
    with pytest.raises(ValidationError) as err:
        hierarchy.add_unit(db, hn_admin, tree.hn.id, unit_draft(**{attribute: blank}))
    assert err.value.field == field
    assert field in str(err.value)
    assert state_of(db, tree) == before


@pytest.mark.parametrize(
    "attribute, value, field",
    [
        ("level_code", "QUAN", "Cấp"),
        ("type_code", "CHUA_CO", "Chọn loại"),
        ("province", "Tỉnh Hà Tây", "Chọn tỉnh"),
        ("code", "mã có dấu", "Mã"),
    ],
)
def test_add_unit_with_a_value_outside_its_catalog_is_refused(
    db: Db, tree: Tree, hn_admin: Actor, attribute: str, value: str, field: str
) -> None:
    before = state_of(db, tree)
    with pytest.raises(ValidationError) as err:
        hierarchy.add_unit(db, hn_admin, tree.hn.id, unit_draft(**{attribute: value}))
    assert err.value.field == field
    assert state_of(db, tree) == before


@pytest.mark.parametrize("level", ["TW", "TINH"])
def test_add_unit_must_have_a_lower_level_than_its_parent(
    db: Db, tree: Tree, hn_admin: Actor, level: str
) -> None:
    with pytest.raises(ValidationError, match="phải thấp hơn cấp của đơn vị cấp trên") as err:
        hierarchy.add_unit(db, hn_admin, tree.hn.id, unit_draft(level_code=level))
    assert err.value.field == "Cấp"


def test_add_unit_may_skip_levels_below_its_parent(db: Db, tree: Tree, hn_admin: Actor) -> None:
    unit = hierarchy.add_unit(
        db, hn_admin, tree.hn.id, unit_draft(name="Chi bộ Văn phòng Thành ủy", level_code="CO_SO")
    )
    assert unit.parent_id == tree.hn.id


def test_add_unit_works_in_the_old_four_level_tree(db: Db) -> None:
    old = make_old_tree(db)
    actor = actor_at(old.province, MANAGE)
    unit = hierarchy.add_unit(
        db,
        actor,
        old.district.id,
        unit_draft(name="Đảng bộ Xã Tượng Văn", province="Tỉnh Thanh Hóa"),
    )
    assert unit.path == f"{old.district.path}{unit.id}/" and unit.depth == 3


def test_add_unit_with_a_code_already_used_is_refused_naming_the_holder(
    db: Db, tree: Tree, hn_admin: Actor
) -> None:
    before = state_of(db, tree)
    with pytest.raises(ValidationError, match="Đảng bộ Phường Ba Đình") as err:
        hierarchy.add_unit(db, hn_admin, tree.hn.id, unit_draft(code="HN-BD"))
    assert err.value.field == "Mã"
    assert state_of(db, tree) == before


def test_add_unit_under_an_inactive_parent_is_refused(db: Db, tree: Tree, hn_admin: Actor) -> None:
    closed = make_unit(db, tree.hn, "Đảng bộ Phường cũ", "XA")
    db.units.bump(closed.id, closed.version, NOW, active=False)
    with pytest.raises(Conflict):
        hierarchy.add_unit(db, hn_admin, closed.id, unit_draft(level_code="CO_SO"))


def test_add_unit_writes_a_create_audit_row_with_the_form(
    db: Db, tree: Tree, hn_admin: Actor
) -> None:
    unit = hierarchy.add_unit(db, hn_admin, tree.hn.id, unit_draft(code="HN-NH"))
    [row] = audit_rows(db, "unit", unit.id)
    assert (row["action"], row["actor_name"]) == ("create", "Trần Thị Minh Hạnh")
    assert json.loads(row["detail"])["name"] == "Đảng bộ Phường Ngọc Hà"


# -- update -----------------------------------------------------------------------------------


def ba_dinh_form(**overrides: object):
    values = {
        "name": "Đảng bộ Phường Ba Đình",
        "level_code": "XA",
        "code": "HN-BD",
        "address": "Số 1 phố Hùng Vương",
    }
    values.update(overrides)
    return unit_draft(**values)


def test_update_unit_saves_the_form_and_bumps_the_version(
    db: Db, tree: Tree, hn_admin: Actor
) -> None:
    unit = hierarchy.update_unit(
        db,
        hn_admin,
        tree.ba_dinh.id,
        ba_dinh_form(address="Số 2 phố Điện Biên Phủ"),
        tree.ba_dinh.version,
    )
    assert (unit.address, unit.version) == ("Số 2 phố Điện Biên Phủ", tree.ba_dinh.version + 1)


def test_update_unit_audits_only_the_changed_fields(db: Db, tree: Tree, hn_admin: Actor) -> None:
    hierarchy.update_unit(
        db,
        hn_admin,
        tree.ba_dinh.id,
        ba_dinh_form(address="Số 2 phố Điện Biên Phủ"),
        tree.ba_dinh.version,
    )
    [row] = audit_rows(db, "unit", tree.ba_dinh.id)
    assert row["action"] == "update"
    assert json.loads(row["detail"]) == {"address": "Số 2 phố Điện Biên Phủ"}


def test_update_unit_with_a_blank_code_keeps_the_code(db: Db, tree: Tree, hn_admin: Actor) -> None:
    unit = hierarchy.update_unit(
        db, hn_admin, tree.ba_dinh.id, ba_dinh_form(code=None), tree.ba_dinh.version
    )
    assert unit.code == "HN-BD"


def test_update_unit_with_a_stale_version_is_refused_and_changes_nothing(
    db: Db, tree: Tree, hn_admin: Actor
) -> None:
    hierarchy.update_unit(
        db, hn_admin, tree.ba_dinh.id, ba_dinh_form(name="Tên mới của A"), tree.ba_dinh.version
    )
    with pytest.raises(StaleVersion):
        hierarchy.update_unit(
            db, hn_admin, tree.ba_dinh.id, ba_dinh_form(name="Tên của B"), tree.ba_dinh.version
        )
    assert db.units.get(tree.ba_dinh.id).name == "Tên mới của A"
    assert len(audit_rows(db, "unit", tree.ba_dinh.id)) == 1


def test_update_unit_to_another_unit_code_is_refused(db: Db, tree: Tree, hn_admin: Actor) -> None:
    with pytest.raises(ValidationError) as err:
        hierarchy.update_unit(
            db, hn_admin, tree.ba_dinh.id, ba_dinh_form(code="HN-HK"), tree.ba_dinh.version
        )
    assert err.value.field == "Mã"


def test_update_unit_cannot_take_a_level_at_or_below_its_children(
    db: Db, tree: Tree, hn_admin: Actor
) -> None:
    with pytest.raises(ValidationError, match="phải cao hơn cấp của các đơn vị cấp dưới"):
        hierarchy.update_unit(
            db, hn_admin, tree.ba_dinh.id, ba_dinh_form(level_code="CO_SO"), tree.ba_dinh.version
        )
    assert db.units.get(tree.ba_dinh.id).level_code == "XA"


def test_update_unit_cannot_take_a_level_at_or_above_its_parent(
    db: Db, tree: Tree, hn_admin: Actor
) -> None:
    with pytest.raises(ValidationError) as err:
        hierarchy.update_unit(
            db, hn_admin, tree.ba_dinh.id, ba_dinh_form(level_code="TINH"), tree.ba_dinh.version
        )
    assert err.value.field == "Cấp"


# -- delete -----------------------------------------------------------------------------------


def test_delete_unit_removes_a_leaf_that_owns_nothing(db: Db, tree: Tree, hn_admin: Actor) -> None:
    hierarchy.delete_unit(db, hn_admin, tree.ba_dinh_cs1.id, tree.ba_dinh_cs1.version)
    assert db.units.get(tree.ba_dinh_cs1.id) is None


def test_delete_unit_writes_an_audit_row_keeping_the_name(
    db: Db, tree: Tree, hn_admin: Actor
) -> None:
    hierarchy.delete_unit(db, hn_admin, tree.ba_dinh_cs1.id, tree.ba_dinh_cs1.version)
    [row] = audit_rows(db, "unit", tree.ba_dinh_cs1.id)
    assert row["action"] == "delete"
    assert json.loads(row["detail"]) == {"code": "HN-BD-1", "name": "Chi bộ Tổ dân phố số 1"}


def test_delete_unit_with_children_is_refused(db: Db, tree: Tree, hn_admin: Actor) -> None:
    with pytest.raises(Conflict, match="còn đơn vị cấp dưới"):
        hierarchy.delete_unit(db, hn_admin, tree.ba_dinh.id, tree.ba_dinh.version)
    assert db.units.get(tree.ba_dinh.id) is not None


def test_delete_unit_with_inactive_children_is_still_refused(
    db: Db, tree: Tree, hn_admin: Actor
) -> None:
    db.units.bump(tree.hoan_kiem_cs1.id, tree.hoan_kiem_cs1.version, NOW, active=False)
    with pytest.raises(Conflict):
        hierarchy.delete_unit(db, hn_admin, tree.hoan_kiem.id, tree.hoan_kiem.version)


def test_delete_unit_with_an_account_is_refused(db: Db, tree: Tree, hn_admin: Actor) -> None:
    make_user(db, tree.ba_dinh_cs1)
    with pytest.raises(Conflict, match="đã có tài khoản hoặc dữ liệu"):
        hierarchy.delete_unit(db, hn_admin, tree.ba_dinh_cs1.id, tree.ba_dinh_cs1.version)
    assert db.units.get(tree.ba_dinh_cs1.id) is not None


def test_delete_unit_with_a_deactivated_account_is_refused(
    db: Db, tree: Tree, hn_admin: Actor
) -> None:
    user = make_user(db, tree.ba_dinh_cs1)
    db.users.update(user.id, {"active": False}, user.version, NOW)
    with pytest.raises(Conflict):
        hierarchy.delete_unit(db, hn_admin, tree.ba_dinh_cs1.id, tree.ba_dinh_cs1.version)


def test_delete_unit_with_work_items_is_refused(db: Db, tree: Tree, hn_admin: Actor) -> None:
    db.items.insert("report", tree.ba_dinh_cs1.id, "Báo cáo", "DRAFT", None, NOW)
    with pytest.raises(Conflict, match="đã có tài khoản hoặc dữ liệu"):
        hierarchy.delete_unit(db, hn_admin, tree.ba_dinh_cs1.id, tree.ba_dinh_cs1.version)


def test_delete_unit_with_a_stale_version_is_refused(db: Db, tree: Tree, hn_admin: Actor) -> None:
    with pytest.raises(StaleVersion):
        hierarchy.delete_unit(db, hn_admin, tree.ba_dinh_cs1.id, tree.ba_dinh_cs1.version + 1)
    assert db.units.get(tree.ba_dinh_cs1.id) is not None


def test_actor_cannot_delete_its_own_unit(db: Db) -> None:
    leaf = make_unit(db, None, "Ban Chấp hành Trung ương Đảng", "TW", type_code="DANG_MTTQ")
    with pytest.raises(PermissionDenied, match="chính đơn vị của mình"):
        hierarchy.delete_unit(db, actor_at(leaf, MANAGE), leaf.id, leaf.version)
    assert db.units.get(leaf.id) is not None


# -- deactivate -------------------------------------------------------------------------------


def test_deactivate_is_refused_while_a_child_is_active(db: Db, tree: Tree, hn_admin: Actor) -> None:
    with pytest.raises(Conflict, match="còn đơn vị cấp dưới đang hoạt động"):
        hierarchy.set_active(db, hn_admin, tree.ba_dinh.id, False, tree.ba_dinh.version)
    assert db.units.get(tree.ba_dinh.id).active is True


def test_deactivate_is_refused_while_an_account_is_active(
    db: Db, tree: Tree, hn_admin: Actor
) -> None:
    make_user(db, tree.ba_dinh_cs1)
    with pytest.raises(Conflict, match="còn tài khoản đang hoạt động"):
        hierarchy.set_active(db, hn_admin, tree.ba_dinh_cs1.id, False, tree.ba_dinh_cs1.version)


def test_deactivated_unit_stays_in_the_tree_as_history(db: Db, tree: Tree, hn_admin: Actor) -> None:
    unit = hierarchy.set_active(
        db, hn_admin, tree.hoan_kiem_cs1.id, False, tree.hoan_kiem_cs1.version
    )
    assert (unit.active, unit.version) == (False, tree.hoan_kiem_cs1.version + 1)
    assert hierarchy.get_unit(db, hn_admin, unit.id).active is False


def test_deactivate_is_allowed_once_every_child_is_inactive(
    db: Db, tree: Tree, hn_admin: Actor
) -> None:
    hierarchy.set_active(db, hn_admin, tree.hoan_kiem_cs1.id, False, tree.hoan_kiem_cs1.version)
    unit = hierarchy.set_active(db, hn_admin, tree.hoan_kiem.id, False, tree.hoan_kiem.version)
    assert unit.active is False


def test_reactivate_under_an_inactive_parent_is_refused(
    db: Db, tree: Tree, hn_admin: Actor
) -> None:
    leaf = hierarchy.set_active(
        db, hn_admin, tree.hoan_kiem_cs1.id, False, tree.hoan_kiem_cs1.version
    )
    hierarchy.set_active(db, hn_admin, tree.hoan_kiem.id, False, tree.hoan_kiem.version)
    with pytest.raises(Conflict, match="Đơn vị cấp trên đã ngừng hoạt động"):
        hierarchy.set_active(db, hn_admin, leaf.id, True, leaf.version)


def test_deactivate_with_a_stale_version_is_refused(db: Db, tree: Tree, hn_admin: Actor) -> None:
    with pytest.raises(StaleVersion):
        hierarchy.set_active(
            db, hn_admin, tree.hoan_kiem_cs1.id, False, tree.hoan_kiem_cs1.version + 1
        )
    assert db.units.get(tree.hoan_kiem_cs1.id).active is True


def test_deactivate_and_reactivate_each_write_an_audit_row(
    db: Db, tree: Tree, hn_admin: Actor
) -> None:
    off = hierarchy.set_active(
        db, hn_admin, tree.hoan_kiem_cs1.id, False, tree.hoan_kiem_cs1.version
    )
    hierarchy.set_active(db, hn_admin, off.id, True, off.version)
    assert [r["action"] for r in audit_rows(db, "unit", off.id)] == ["deactivate", "activate"]


# -- scope ------------------------------------------------------------------------------------


def attempt(operation: str, db: Db, actor: Actor, unit_id: int, version: int) -> None:
    if operation == "read":
        hierarchy.get_unit(db, actor, unit_id)
    elif operation == "detail":
        hierarchy.detail(db, actor, unit_id)
    elif operation == "add":
        hierarchy.add_unit(db, actor, unit_id, unit_draft(level_code="CHI_BO"))
    elif operation == "update":
        hierarchy.update_unit(db, actor, unit_id, unit_draft(name="Đổi tên"), version)
    elif operation == "delete":
        hierarchy.delete_unit(db, actor, unit_id, version)
    elif operation == "deactivate":
        hierarchy.set_active(db, actor, unit_id, False, version)


@pytest.mark.parametrize("operation", ["read", "detail", "add", "update", "delete", "deactivate"])
@pytest.mark.parametrize("target", ["sai_gon_cs1", "hcm", "root"])
def test_actor_cannot_touch_a_unit_outside_its_subtree(
    db: Db, tree: Tree, hn_admin: Actor, operation: str, target: str
) -> None:
    unit = getattr(tree, target)
    before = state_of(db, tree)
    with pytest.raises(PermissionDenied):
        attempt(operation, db, hn_admin, unit.id, unit.version)
    assert state_of(db, tree) == before


def test_a_unit_outside_scope_is_reported_like_a_missing_one(
    db: Db, tree: Tree, hn_admin: Actor
) -> None:
    with pytest.raises(PermissionDenied) as outside:
        hierarchy.get_unit(db, hn_admin, tree.hcm.id)
    with pytest.raises(PermissionDenied) as missing:
        hierarchy.get_unit(db, hn_admin, 999_999)
    assert str(outside.value) == str(missing.value)


def test_actor_without_unit_management_cannot_read_the_tree(db: Db, tree: Tree) -> None:
    with pytest.raises(PermissionDenied):
        hierarchy.tree_rows(db, actor_at(tree.hn, functions.DASHBOARD), set())


# -- tree and search --------------------------------------------------------------------------


def names(rows: list[hierarchy.TreeRow]) -> list[str]:
    return [r.unit.name for r in rows]


def names_of(units: list) -> list[str]:
    return [u.name for u in units]


def test_tree_starts_at_the_actor_unit_with_its_children(
    db: Db, tree: Tree, hn_admin: Actor
) -> None:
    rows = hierarchy.tree_rows(db, hn_admin, set())
    assert names(rows) == [
        "Đảng bộ Thành phố Hà Nội",
        "Đảng bộ Phường Ba Đình",
        "Đảng bộ Phường Hoàn Kiếm",
    ]
    assert [(r.has_children, r.expanded) for r in rows] == [
        (True, True),
        (True, False),
        (True, False),
    ]


def test_expanding_a_unit_shows_its_children_right_below_it(
    db: Db, tree: Tree, hn_admin: Actor
) -> None:
    rows = hierarchy.tree_rows(db, hn_admin, {tree.ba_dinh.id})
    assert [r.unit.id for r in rows] == [
        tree.hn.id,
        tree.ba_dinh.id,
        tree.ba_dinh_cs1.id,
        tree.ba_dinh_cs2.id,
        tree.hoan_kiem.id,
    ]
    assert rows[2].has_children is False


def test_a_unit_below_a_collapsed_parent_stays_hidden(
    db: Db, tree: Tree, root_admin: Actor
) -> None:
    rows = hierarchy.tree_rows(db, root_admin, {tree.ba_dinh.id})
    assert sorted(r.unit.id for r in rows) == [tree.root.id, tree.hn.id, tree.hcm.id]


def test_the_tree_never_shows_units_outside_the_actor_subtree(
    db: Db, tree: Tree, hn_admin: Actor
) -> None:
    rows = hierarchy.tree_rows(db, hn_admin, {tree.root.id, tree.hcm.id, tree.sai_gon.id})
    assert all(r.unit.path.startswith(tree.hn.path) for r in rows)
    assert len(rows) == 3


def test_search_ignores_accents(db: Db, tree: Tree, root_admin: Actor) -> None:
    assert names_of(hierarchy.search(db, root_admin, "hoan kiem")) == ["Đảng bộ Phường Hoàn Kiếm"]


def test_search_without_accents_finds_names_with_d_stroke(
    db: Db, tree: Tree, root_admin: Actor
) -> None:
    assert names_of(hierarchy.search(db, root_admin, "ba dinh")) == ["Đảng bộ Phường Ba Đình"]


def test_search_finds_a_unit_by_its_code(db: Db, tree: Tree, root_admin: Actor) -> None:
    assert names_of(hierarchy.search(db, root_admin, "hcm-sg-1")) == ["Chi bộ Khu phố 1"]


def test_search_stays_within_the_actor_subtree(db: Db, tree: Tree) -> None:
    hcm_admin = actor_at(tree.hcm, MANAGE)
    assert names_of(hierarchy.search(db, hcm_admin, "phường")) == ["Đảng bộ Phường Sài Gòn"]


def test_search_with_blank_text_returns_nothing(db: Db, tree: Tree, root_admin: Actor) -> None:
    assert hierarchy.search(db, root_admin, "   ") == []


def test_detail_names_the_path_parent_and_counts(db: Db, tree: Tree, hn_admin: Actor) -> None:
    make_user(db, tree.ba_dinh)
    info = hierarchy.detail(db, hn_admin, tree.ba_dinh.id)
    assert info.path_names == (
        "Ban Chấp hành Trung ương Đảng",
        "Đảng bộ Thành phố Hà Nội",
        "Đảng bộ Phường Ba Đình",
    )
    assert (info.parent_name, info.level_name, info.children, info.users) == (
        "Đảng bộ Thành phố Hà Nội",
        "Xã/Phường/Đặc khu",
        2,
        1,
    )


# -- concurrency ------------------------------------------------------------------------------


def test_two_units_added_at_once_with_the_same_code_refuse_the_second_clearly(
    store: Store, tree: Tree, hn_admin: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    outcomes = race_past_the_check(
        monkeypatch,
        lambda: hierarchy.add_unit(store.db(), hn_admin, tree.hn.id, unit_draft(code="HN-NH")),
        lambda: hierarchy.add_unit(store.db(), hn_admin, tree.hn.id, unit_draft(code="HN-NH")),
    )
    assert isinstance(outcomes["second"], Unit)
    assert isinstance(outcomes["first"], ValidationError)
    assert outcomes["first"].field == "Mã"


def test_the_add_form_starts_one_level_below_the_parent_in_its_province(db, tree) -> None:
    defaults = hierarchy.child_defaults(db, tree.hn)
    assert (defaults.level_code, defaults.province) == ("HUYEN", tree.hn.province)
    assert hierarchy.child_defaults(db, tree.ba_dinh).level_code == "CO_SO"
