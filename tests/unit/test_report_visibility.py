"""The parent sees what was sent: a draft is its own unit's alone, in every read and action,
and bulk approval names only reports the approver may see."""

from __future__ import annotations

from pathlib import Path

import pytest

from core import report_queries, reports
from core.errors import NotFound
from core.report_flow import APPROVED, CHANGES, DRAFT, PENDING
from core.store import Db
from tests.factories import actor_at
from tests.report_world import ALL, CODE, TERM, install_template, make_report


@pytest.fixture(autouse=True)
def template(db: Db, tmp_path: Path) -> str:
    return install_template(db, tmp_path)


@pytest.mark.parametrize("reader", ["ba_dinh", "hn", "root"])
def test_an_ancestor_cannot_open_a_subordinates_draft(db, tree, reader):
    draft = make_report(db, tree.ba_dinh_cs1, DRAFT)
    ancestor = actor_at(getattr(tree, reader), *ALL)
    with pytest.raises(NotFound, match="Không tìm thấy báo cáo"):
        reports.detail(db, ancestor, draft)


def test_an_ancestor_cannot_download_a_subordinates_draft(db, tree):
    draft = make_report(db, tree.ba_dinh_cs1, DRAFT)
    with pytest.raises(NotFound, match="Không tìm thấy báo cáo"):
        reports.excel(db, actor_at(tree.ba_dinh, *ALL), draft)


def test_the_owner_opens_its_own_draft(db, tree):
    draft = make_report(db, tree.ba_dinh_cs1, DRAFT)
    view = reports.detail(db, actor_at(tree.ba_dinh_cs1, *ALL), draft)
    assert view.values["tuoi_doi"][("bau", "tong")] == 10


@pytest.mark.parametrize("state", [PENDING, CHANGES, APPROVED])
def test_an_ancestor_opens_a_report_once_it_was_sent(db, tree, state):
    report_id = make_report(db, tree.ba_dinh_cs1, state)
    view = reports.detail(db, actor_at(tree.hn, *ALL), report_id)
    assert view.values["tuoi_doi"][("bau", "tong")] == 10


def test_the_lookup_shows_a_draft_as_not_sent_without_its_report(db, tree):
    make_report(db, tree.ba_dinh_cs1, DRAFT)
    agg = report_queries.aggregate(db, actor_at(tree.ba_dinh, *ALL), CODE, TERM)
    row = agg.contributors.filter(agg.contributors["unit_id"] == tree.ba_dinh_cs1.id).row(
        0, named=True
    )
    assert (row["report_id"], row["state"]) == (None, None)


def test_acting_on_a_subordinates_draft_reads_as_not_found(db, tree):
    draft = make_report(db, tree.ba_dinh_cs1, DRAFT)
    with pytest.raises(NotFound):
        reports.transition(db, actor_at(tree.ba_dinh, *ALL), draft, "approve")


def test_bulk_approval_does_not_name_a_report_of_another_province(db, tree):
    ours = make_report(db, tree.ba_dinh_cs1, PENDING)
    theirs = make_report(db, tree.sai_gon_cs1, PENDING)
    done, failures = reports.approve_many(db, actor_at(tree.ba_dinh, *ALL), [ours, theirs])
    assert done == 1
    assert failures == [f"Báo cáo số {theirs}: Không tìm thấy báo cáo"]
    assert db.items.get(theirs).state == PENDING


def test_bulk_approval_does_not_name_a_subordinates_draft(db, tree):
    draft = make_report(db, tree.ba_dinh_cs1, DRAFT)
    _, failures = reports.approve_many(db, actor_at(tree.ba_dinh, *ALL), [draft])
    assert failures == [f"Báo cáo số {draft}: Không tìm thấy báo cáo"]


def test_bulk_approval_names_a_visible_report_it_could_not_approve(db, tree):
    approved = make_report(db, tree.ba_dinh_cs1, APPROVED)
    _, failures = reports.approve_many(db, actor_at(tree.ba_dinh, *ALL), [approved])
    assert failures[0].startswith(f"{tree.ba_dinh_cs1.name}: ")
