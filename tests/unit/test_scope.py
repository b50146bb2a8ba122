"""A commune-level actor, even with every function, reads and changes nothing of another
province: every read returns nothing of it, every write is refused and leaves it untouched."""

from __future__ import annotations

import pytest

from core import functions, hierarchy, restructure, users, workflow
from core.errors import PermissionDenied
from core.model import UserDraft
from tests.factories import HCM, NOW, Tree, actor_at, make_user, unit_draft
from tests.unit.test_workflow import FLOW

ALL = tuple(f.code for f in functions.CATALOG)


@pytest.fixture
def commune_actor(tree: Tree):
    return actor_at(tree.ba_dinh, *ALL)


def hcm_names(tree: Tree) -> set[str]:
    return {tree.hcm.name, tree.sai_gon.name, tree.sai_gon_cs1.name}


def test_tree_search_and_pickers_show_nothing_of_another_province(db, tree, commune_actor):
    shown = {
        r.unit.name for r in hierarchy.tree_rows(db, commune_actor, {tree.hcm.id, tree.sai_gon.id})
    }
    assert shown and not shown & hcm_names(tree)
    assert hierarchy.search(db, commune_actor, "Sài Gòn") == []
    assert hierarchy.search(db, commune_actor, "Hồ Chí Minh") == []
    assert not {u.name for u in hierarchy.find_units(db, commune_actor, "", limit=500)} & hcm_names(
        tree
    )
    assert (
        hierarchy.find_units(db, commune_actor, "", include=tree.sai_gon.id)[0].id
        != tree.sai_gon.id
    )


def test_unit_detail_of_another_province_is_refused(db, tree, commune_actor):
    for unit in (tree.hcm, tree.sai_gon, tree.sai_gon_cs1, tree.hn, tree.root):
        with pytest.raises(PermissionDenied):
            hierarchy.detail(db, commune_actor, unit.id)


def test_user_search_and_detail_show_nothing_of_another_province(db, tree, commune_actor):
    stranger = make_user(db, tree.sai_gon, full_name="Võ Thị Sáu")
    frame, total = users.search(db, commune_actor, users.UserFilter(), page_size=100)
    assert "Võ Thị Sáu" not in frame["full_name"].to_list()
    assert users.search(db, commune_actor, users.UserFilter(cccd=stranger.cccd))[1] == 0
    with pytest.raises(PermissionDenied):
        users.detail(db, commune_actor, stranger.id)


def test_writes_on_another_province_are_refused_and_change_nothing(db, tree, commune_actor):
    stranger = make_user(db, tree.sai_gon, full_name="Võ Thị Sáu")
    before = (db.units.get(tree.sai_gon.id), db.users.get(stranger.id), db.audit.count())
    attempts = [
        lambda: hierarchy.add_unit(db, commune_actor, tree.sai_gon.id, unit_draft(province=HCM)),
        lambda: hierarchy.update_unit(
            db, commune_actor, tree.sai_gon.id, unit_draft(province=HCM), tree.sai_gon.version
        ),
        lambda: hierarchy.delete_unit(db, commune_actor, tree.sai_gon_cs1.id, 1),
        lambda: hierarchy.set_active(db, commune_actor, tree.sai_gon_cs1.id, False, 1),
        lambda: restructure.move_unit(db, commune_actor, tree.sai_gon_cs1.id, tree.ba_dinh.id, 1),
        lambda: restructure.move_unit(db, commune_actor, tree.ba_dinh_cs1.id, tree.sai_gon.id, 1),
        lambda: restructure.merge_units(db, commune_actor, [tree.sai_gon_cs1.id], tree.ba_dinh.id),
        lambda: users.create(
            db,
            commune_actor,
            UserDraft("001090999999", "Ai Đó", tree.sai_gon.id, "USER", "Cán bộ", "CHUYEN_VIEN"),
        ),
        lambda: users.update(
            db,
            commune_actor,
            stranger.id,
            tree.ba_dinh.id,
            "USER",
            "Cán bộ",
            "CHUYEN_VIEN",
            stranger.version,
        ),
        lambda: users.delete(db, commune_actor, stranger.id, stranger.version),
        lambda: users.reset_password(db, commune_actor, stranger.id, stranger.version),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            attempt()
    assert (db.units.get(tree.sai_gon.id), db.users.get(stranger.id), db.audit.count()) == before


def test_workflow_items_of_another_province_cannot_be_moved(db, tree, commune_actor):
    flow = FLOW
    item_id = db.items.insert(
        flow.kind, tree.sai_gon_cs1.id, "Báo cáo", flow.initial_state, None, NOW
    )
    for action in {t.action for t in flow.transitions}:
        with pytest.raises(PermissionDenied):
            workflow.apply(db, flow, commune_actor, item_id, action, reason="Lý do")
    assert db.items.get(item_id).version == 1
