"""core.hierarchy.update_unit on the actor's own unit: only the fields that do not change how
the parent counts the unit may be edited there; the parent's admins edit the rest."""

from __future__ import annotations

import pytest

from core import functions, hierarchy
from core.errors import ValidationError
from core.model import Actor
from core.store import Db
from tests.factories import HCM, Tree, actor_at, unit_draft

MANAGE = functions.UNIT_MANAGE


@pytest.fixture
def ba_dinh_admin(tree: Tree) -> Actor:
    return actor_at(tree.ba_dinh, MANAGE)


def own_form(**overrides: object):
    """Ba Đình's form as it stands; override what the admin changes."""
    values = {
        "name": "Đảng bộ Phường Ba Đình",
        "level_code": "XA",
        "code": "HN-BD",
        "address": "Số 1 phố Hùng Vương",
    }
    values.update(overrides)
    return unit_draft(**values)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"code": "HN-BD-MOI"}, "Mã"),
        ({"level_code": "HUYEN"}, "Cấp"),
        ({"type_code": "DANG_MTTQ"}, "Chọn loại"),
        ({"province": HCM}, "Chọn tỉnh"),
        ({"district": "Quận Ba Đình"}, "Chọn huyện"),
        ({"commune": "Phường Kim Mã"}, "Chọn xã"),
    ],
)
def test_an_admin_cannot_change_how_the_parent_counts_their_own_unit(
    db: Db, tree: Tree, ba_dinh_admin: Actor, change: dict, field: str
) -> None:
    with pytest.raises(ValidationError) as err:
        hierarchy.update_unit(
            db, ba_dinh_admin, tree.ba_dinh.id, own_form(**change), tree.ba_dinh.version
        )
    assert err.value.field == field
    assert "đơn vị cấp trên" in err.value.message
    assert db.units.get(tree.ba_dinh.id) == tree.ba_dinh


def test_an_admin_edits_the_harmless_fields_of_their_own_unit(
    db: Db, tree: Tree, ba_dinh_admin: Actor
) -> None:
    unit = hierarchy.update_unit(
        db,
        ba_dinh_admin,
        tree.ba_dinh.id,
        own_form(
            name="Đảng bộ Phường Ba Đình mới",
            address="Số 9 phố Đội Cấn",
            description="Trụ sở mới",
        ),
        tree.ba_dinh.version,
    )
    assert (unit.name, unit.address, unit.description) == (
        "Đảng bộ Phường Ba Đình mới",
        "Số 9 phố Đội Cấn",
        "Trụ sở mới",
    )
    assert (unit.code, unit.level_code, unit.type_code) == ("HN-BD", "XA", "DIA_BAN")


def test_a_blank_code_on_the_own_unit_keeps_the_code_and_is_not_a_change(
    db: Db, tree: Tree, ba_dinh_admin: Actor
) -> None:
    unit = hierarchy.update_unit(
        db, ba_dinh_admin, tree.ba_dinh.id, own_form(code=None), tree.ba_dinh.version
    )
    assert unit.code == "HN-BD"


def test_the_parents_admin_changes_those_fields_of_a_subordinate(db: Db, tree: Tree) -> None:
    hn_admin = actor_at(tree.hn, MANAGE)
    unit = hierarchy.update_unit(
        db, hn_admin, tree.ba_dinh.id, own_form(code="HN-BD-MOI"), tree.ba_dinh.version
    )
    assert unit.code == "HN-BD-MOI"


def test_the_root_has_no_parent_that_counts_it_so_its_admin_may_fix_its_code(
    db: Db, tree: Tree
) -> None:
    root_admin = actor_at(tree.root, MANAGE)
    draft = unit_draft(
        name=tree.root.name,
        level_code="TW",
        type_code="DANG_MTTQ",
        province=None,
        address=tree.root.address,
        code="TW-MOI",
    )
    unit = hierarchy.update_unit(db, root_admin, tree.root.id, draft, tree.root.version)
    assert unit.code == "TW-MOI"


def test_locked_fields_lists_what_the_form_shows_disabled_on_the_own_unit(
    tree: Tree, ba_dinh_admin: Actor
) -> None:
    assert hierarchy.locked_fields(ba_dinh_admin, tree.ba_dinh) == frozenset(
        {"code", "level_code", "type_code", "province", "district", "commune"}
    )
    assert hierarchy.locked_fields(ba_dinh_admin, tree.ba_dinh_cs1) == frozenset()
