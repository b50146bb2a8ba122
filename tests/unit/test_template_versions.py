"""Template versions (issue #10, item 12): a report keeps the template version it was created
with; an import of an existing code makes a new version for the reports created afterwards;
start-up never reverts an import."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from core import report_excel, report_queries, report_types, reports
from core.errors import NotFound
from core.report_flow import APPROVED
from core.store import Db
from tests.factories import Tree, actor_at
from tests.unit import test_reports as base

tpl, ALL, TEMPLATE, GOOD = base.tpl, base.ALL, base.TEMPLATE, base.GOOD
# Version 2 adds a column "Dưới 35 tuổi" that must be filled and renames the type.
V2 = (
    TEMPLATE.replace("(thử)", "(thử, bản 2)")
    .replace(
        "      - {key: tong, label: Tổng số}\n",
        "      - {key: tong, label: Tổng số}\n      - {key: tre, label: Dưới 35 tuổi}\n",
    )
    .replace("required: [[bau, tong]]", "required: [[bau, tong], [bau, tre]]")
)
GOOD_V2 = {**GOOD, ("bau", "tre"): 2, ("nu", "tre"): 1}


def import_v2(db: Db, tree: Tree, text: str = V2) -> None:
    report_types.import_template(db, actor_at(tree.root, *ALL), text, "thu_v2.yaml")


def columns(view: reports.ReportView) -> list[str]:
    return [c.key for c in view.template.tab("tuoi_doi").columns]


def test_an_import_of_a_known_code_with_a_new_body_makes_the_next_version(db, tree, tpl):
    import_v2(db, tree)
    assert report_types.all_templates(db)[tpl].version == 2
    history = report_types.history(db, tpl)
    assert [(h["version"], h["origin"]) for h in history] == [(2, "import"), (1, "shipped")]


def test_an_import_of_the_same_body_changes_nothing(db, tree, tpl):
    import_v2(db, tree)
    import_v2(db, tree)
    assert [h["version"] for h in report_types.history(db, tpl)] == [2, 1]


def test_an_approved_v1_report_keeps_its_v1_layout_and_values(db, tree, tpl):
    report_id = base.new_report(db, tree.ba_dinh_cs1, state=APPROVED)
    import_v2(db, tree)
    parent = actor_at(tree.ba_dinh, *ALL)
    view = reports.detail(db, parent, report_id)
    assert view.template.version == 1 and columns(view) == ["tong", "btv"]
    assert view.values["tuoi_doi"] == GOOD
    workbook = load_workbook(io.BytesIO(reports.excel(db, parent, report_id)))
    stamp = workbook[report_excel.ID_SHEET]["B2"].value
    assert stamp == report_excel.fingerprint(view.template)
    assert "Dưới 35 tuổi" not in {
        c.value for row in workbook.worksheets[0].iter_rows() for c in row
    }


def test_a_report_created_after_the_import_uses_the_new_version(db, tree, tpl):
    import_v2(db, tree)
    report_id = base.new_report(db, tree.ba_dinh_cs1, values=GOOD_V2)
    view = reports.detail(db, actor_at(tree.ba_dinh_cs1, *ALL), report_id)
    assert view.template.version == 2 and columns(view) == ["tong", "tre", "btv"]


def test_a_v1_draft_is_saved_sent_and_uploaded_with_v1_rules(db, tree, tpl):
    """v2 requires a cell v1 does not have: the v1 draft must still go up as it is."""
    report_id = base.new_report(db, tree.ba_dinh_cs1, values=None)
    import_v2(db, tree)
    owner = actor_at(tree.ba_dinh_cs1, *ALL)
    blank = reports.blank_form(db, owner, tpl, version=1)
    workbook = load_workbook(io.BytesIO(blank))
    assert workbook[report_excel.ID_SHEET]["B2"].value == report_excel.fingerprint(
        report_types.template_version(db, tpl, 1)
    )
    v1 = report_types.template_version(db, tpl, 1)
    reports.upload(
        db, owner, report_id, report_excel.report_workbook(v1, {"tuoi_doi": GOOD}, []), 1
    )
    reports.transition(db, owner, report_id, "send")
    assert db.items.get(report_id).state == "PENDING"


def test_a_restart_keeps_the_imported_version(db, tree, tpl, tmp_path: Path):
    import_v2(db, tree)
    assert report_types.sync_templates(db, tmp_path) == []
    assert report_types.all_templates(db)[tpl].version == 2
    assert [h["version"] for h in report_types.history(db, tpl)] == [2, 1]


def test_a_restart_does_not_put_a_changed_shipped_file_over_a_newer_import(
    db, tree, tpl, tmp_path: Path
):
    import_v2(db, tree)
    (tmp_path / "thu.yaml").write_text(TEMPLATE.replace("(thử)", "(thử, sửa)"), encoding="utf-8")
    assert report_types.sync_templates(db, tmp_path) == []
    assert report_types.all_templates(db)[tpl].name.endswith("(thử, bản 2)")


def test_a_changed_shipped_file_becomes_the_next_version(db, tree, tpl, tmp_path: Path):
    (tmp_path / "thu.yaml").write_text(TEMPLATE.replace("(thử)", "(thử, sửa)"), encoding="utf-8")
    assert report_types.sync_templates(db, tmp_path) == [tpl]
    newest = report_types.all_templates(db)[tpl]
    assert newest.version == 2 and newest.name.endswith("(thử, sửa)")


def test_the_aggregate_of_mixed_versions_sums_by_position_in_the_newest_layout(db, tree, tpl):
    base.new_report(db, tree.ba_dinh_cs1, state=APPROVED)
    import_v2(db, tree)
    base.new_report(db, tree.ba_dinh_cs2, values=GOOD_V2, state=APPROVED)
    agg = report_queries.aggregate(db, actor_at(tree.ba_dinh, *ALL), tpl, base.TERM)
    assert agg.template.version == 2
    assert agg.values["tuoi_doi"][("bau", "tong")] == 2 * GOOD[("bau", "tong")]
    assert agg.values["tuoi_doi"][("bau", "tre")] == GOOD_V2[("bau", "tre")]


def test_an_unknown_version_is_not_found(db, tpl):
    with pytest.raises(NotFound):
        report_types.template_version(db, tpl, 9)
