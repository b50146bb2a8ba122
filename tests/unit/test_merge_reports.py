"""Merging units hands the sources' reports to the surviving unit, whose parent then counts
them; on a duplicate type and term the target keeps its own (core.restructure docstring)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core import functions, report_queries, reports, restructure
from core.report_flow import APPROVED, CHANGES, DRAFT, EDITABLE, PENDING
from core.store import Db
from tests.factories import Tree, actor_at, audit_rows
from tests.report_world import ALL, CODE, GOOD, TERM, info, install_template, make_report

STATES = (DRAFT, PENDING, CHANGES, APPROVED)


@pytest.fixture(autouse=True)
def template(db: Db, tmp_path: Path) -> str:
    return install_template(db, tmp_path)


def merge_hoan_kiem_cs1_into_ba_dinh_cs1(db: Db, tree: Tree) -> restructure.MergeResult:
    """A grassroots unit of Hoàn Kiếm into one of Ba Đình: the report changes parent too."""
    admin = actor_at(tree.hn, functions.UNIT_MANAGE)
    return restructure.merge_units(db, admin, [tree.hoan_kiem_cs1.id], tree.ba_dinh_cs1.id)


@pytest.mark.parametrize("state", STATES)
def test_after_a_merge_the_target_owns_the_report_in_every_state(db, tree, state):
    report_id = make_report(db, tree.hoan_kiem_cs1, state)
    result = merge_hoan_kiem_cs1_into_ba_dinh_cs1(db, tree)
    assert report_id in result.moved_items and result.kept_reports == ()
    target = actor_at(tree.ba_dinh_cs1, *ALL)
    view = reports.detail(db, target, report_id)
    assert (view.record["unit_id"], view.record["state"]) == (tree.ba_dinh_cs1.id, state)
    assert view.editable == (state in EDITABLE)
    assert db.reports.find(tree.ba_dinh_cs1.id, CODE, TERM) == report_id


@pytest.mark.parametrize("state", [DRAFT, CHANGES])
def test_the_target_edits_and_sends_a_merged_report_it_may_change(db, tree, state):
    report_id = make_report(db, tree.hoan_kiem_cs1, state)
    merge_hoan_kiem_cs1_into_ba_dinh_cs1(db, tree)
    target = actor_at(tree.ba_dinh_cs1, *ALL)
    version = db.items.get(report_id).version
    reports.save_tab(db, target, report_id, "tuoi_doi", {**GOOD, ("bau", "tong"): 12}, version)
    reports.transition(db, target, report_id, "send")
    assert db.items.get(report_id).state == PENDING


@pytest.mark.parametrize("state", [PENDING, APPROVED])
def test_a_merged_sent_report_is_approved_by_the_targets_parent(db, tree, state):
    report_id = make_report(db, tree.hoan_kiem_cs1, state)
    merge_hoan_kiem_cs1_into_ba_dinh_cs1(db, tree)
    action = "approve" if state == PENDING else "cancel_approval"
    reports.transition(db, actor_at(tree.ba_dinh, *ALL), report_id, action, reason="Rà soát")
    assert db.items.get(report_id).state != state


@pytest.mark.parametrize("state", [PENDING, CHANGES, APPROVED])
def test_the_targets_parent_queues_a_merged_sent_report_and_the_old_parent_no_longer(
    db, tree, state
):
    report_id = make_report(db, tree.hoan_kiem_cs1, state)
    merge_hoan_kiem_cs1_into_ba_dinh_cs1(db, tree)
    queued, _ = report_queries.queue(db, actor_at(tree.ba_dinh, *ALL))
    old, _ = report_queries.queue(db, actor_at(tree.hoan_kiem, *ALL))
    assert report_id in queued["id"].to_list() and report_id not in old["id"].to_list()


@pytest.mark.parametrize("state", STATES)
def test_the_targets_parent_aggregates_a_merged_report_once_it_counts(db, tree, state):
    make_report(db, tree.hoan_kiem_cs1, state, tong=7)
    merge_hoan_kiem_cs1_into_ba_dinh_cs1(db, tree)
    agg = report_queries.aggregate(db, actor_at(tree.ba_dinh, *ALL), CODE, TERM)
    counted = state in (PENDING, APPROVED)
    assert agg.values.get("tuoi_doi", {}).get(("bau", "tong")) == (7 if counted else None)
    assert agg.counted == int(counted)
    old = report_queries.aggregate(db, actor_at(tree.hoan_kiem, *ALL), CODE, TERM)
    assert (old.counted, old.values) == (0, {})


def test_on_a_duplicate_the_target_keeps_its_own_and_the_source_keeps_its_report(db, tree):
    own = make_report(db, tree.ba_dinh_cs1, DRAFT)
    theirs = make_report(db, tree.hoan_kiem_cs1, APPROVED)
    result = merge_hoan_kiem_cs1_into_ba_dinh_cs1(db, tree)
    assert result.kept_reports == (theirs,) and theirs not in result.moved_items
    assert db.items.get(own).unit_id == tree.ba_dinh_cs1.id
    assert db.items.get(theirs).unit_id == tree.hoan_kiem_cs1.id
    [row] = [r for r in audit_rows(db, "unit", tree.ba_dinh_cs1.id) if r["action"] == "merge"]
    assert json.loads(row["detail"])["reports_kept_with_source"] == [theirs]


def test_among_sources_with_the_same_report_the_most_advanced_moves(db, tree):
    draft = make_report(db, tree.ba_dinh_cs2, DRAFT)
    approved = make_report(db, tree.hoan_kiem_cs1, APPROVED)
    admin = actor_at(tree.hn, functions.UNIT_MANAGE)
    result = restructure.merge_units(
        db, admin, [tree.ba_dinh_cs2.id, tree.hoan_kiem_cs1.id], tree.ba_dinh_cs1.id
    )
    assert (result.kept_reports, db.items.get(approved).unit_id) == (
        (draft,),
        tree.ba_dinh_cs1.id,
    )


def test_a_merged_report_stops_the_target_creating_a_second_one(db, tree):
    moved = make_report(db, tree.hoan_kiem_cs1, PENDING)
    merge_hoan_kiem_cs1_into_ba_dinh_cs1(db, tree)
    with pytest.raises(reports.AlreadyCreated) as refused:
        reports.create(db, actor_at(tree.ba_dinh_cs1, *ALL), info())
    assert refused.value.report_id == moved


def test_a_report_kept_with_its_merged_unit_stays_readable_by_the_ancestors(db, tree):
    make_report(db, tree.ba_dinh_cs1, DRAFT)
    theirs = make_report(db, tree.hoan_kiem_cs1, PENDING)
    merge_hoan_kiem_cs1_into_ba_dinh_cs1(db, tree)
    assert reports.detail(db, actor_at(tree.hoan_kiem, *ALL), theirs).record["id"] == theirs
