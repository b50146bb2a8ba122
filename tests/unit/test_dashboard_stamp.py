"""The dashboard's cache key (issue #10, item 14): the actor's unit and a figures version that
changes with every write that alters a figure, however fast the writes follow each other."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from core import clock, dashboard, hierarchy, reports, restructure
from core.model import Actor
from core.report_flow import PENDING
from core.store import Db
from tests.factories import Tree, actor_at, unit_draft
from tests.unit import test_reports as base
from tests.unit.test_template_versions import V2

tpl, ALL, GOOD = base.tpl, base.ALL, base.GOOD
FROZEN = clock.now()
CODE = "PT_CL_THU"


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every write at the same instant: the stamp must not rely on timestamps."""
    monkeypatch.setattr(clock, "now", lambda: FROZEN)


def admin(tree: Tree) -> Actor:
    return actor_at(tree.root, *ALL)


def fresh(db: Db, unit_id: int):
    return db.units.get(unit_id)


def save_again(db: Db, tree: Tree) -> None:
    report_id = db.reports.find(tree.ba_dinh_cs1.id, CODE, base.TERM)
    owner = actor_at(tree.ba_dinh_cs1, *ALL)
    version = db.items.get(report_id).version
    reports.save_tab(db, owner, report_id, "tuoi_doi", {**GOOD, ("bau", "tong"): 11}, version)


def send(db: Db, tree: Tree) -> None:
    report_id = db.reports.find(tree.ba_dinh_cs1.id, CODE, base.TERM)
    reports.transition(db, actor_at(tree.ba_dinh_cs1, *ALL), report_id, "send")


def delete_draft(db: Db, tree: Tree) -> None:
    report_id = db.reports.find(tree.ba_dinh_cs1.id, CODE, base.TERM)
    owner = actor_at(tree.ba_dinh_cs1, *ALL)
    reports.delete(db, owner, report_id, db.items.get(report_id).version)


def add_unit(db: Db, tree: Tree) -> None:
    hierarchy.add_unit(db, admin(tree), tree.hn.id, unit_draft(name="Đảng bộ Phường Mới"))


def move(db: Db, tree: Tree) -> None:
    unit = fresh(db, tree.ba_dinh_cs1.id)
    restructure.move_unit(db, admin(tree), unit.id, tree.hoan_kiem.id, unit.version)


def merge(db: Db, tree: Tree) -> None:
    restructure.merge_units(db, admin(tree), [tree.hoan_kiem.id], tree.ba_dinh.id)


def deactivate(db: Db, tree: Tree) -> None:
    unit = fresh(db, tree.hoan_kiem_cs1.id)
    hierarchy.set_active(db, admin(tree), unit.id, False, unit.version)


def delete_unit(db: Db, tree: Tree) -> None:
    unit = fresh(db, tree.hoan_kiem_cs1.id)
    hierarchy.delete_unit(db, admin(tree), unit.id, unit.version)


def new_template_version(db: Db, tree: Tree) -> None:
    from core import report_types

    report_types.import_template(db, admin(tree), V2.replace("[CO_SO]", "[CO_SO, XA]"), "v2.yaml")


def import_boundaries(db: Db, tree: Tree) -> None:
    fields = {
        "level_code": "TINH",
        "file_name": "tinh.geojson",
        "geojson": '{"type": "FeatureCollection", "features": []}',
        "name_property": "name",
        "sha256": "ab" * 32,
        "feature_count": 0,
    }
    db.atomic(lambda d: d.boundaries.replace(fields, {"01": tree.hn.id}, FROZEN, None))


CHANGES: dict[str, Callable[[Db, Tree], None]] = {
    "report saved": save_again,
    "report sent": send,
    "draft deleted": delete_draft,
    "unit added": add_unit,
    "unit moved": move,
    "units merged": merge,
    "unit deactivated": deactivate,
    "unit deleted": delete_unit,
    "template version": new_template_version,
    "boundaries imported": import_boundaries,
}


@pytest.mark.parametrize("change", list(CHANGES), ids=list(CHANGES))
def test_every_change_that_alters_a_figure_changes_the_stamp(db, tree, tpl, change):
    base.new_report(db, tree.ba_dinh_cs1)
    before = dashboard.stamp(db)
    CHANGES[change](db, tree)
    assert dashboard.stamp(db) != before


def test_reading_does_not_change_the_stamp(db, tree, tpl):
    base.new_report(db, tree.ba_dinh_cs1, state=PENDING)
    before = dashboard.stamp(db)
    dashboard.counts(db, admin(tree), base.TERM)
    assert dashboard.stamp(db) == before


def test_the_cache_key_follows_the_users_unit_not_the_user(db, tree, tpl):
    """Two users of one unit share figures; a user moved to a smaller unit gets its figures."""
    at_hn, also_at_hn = actor_at(tree.hn, *ALL), actor_at(tree.hn, *ALL)
    assert dashboard.cache_key(db, at_hn) == dashboard.cache_key(db, also_at_hn)
    moved = actor_at(tree.ba_dinh, *ALL)
    assert dashboard.cache_key(db, moved)[0] == tree.ba_dinh.id
    assert dashboard.cache_key(db, moved) != dashboard.cache_key(db, at_hn)
