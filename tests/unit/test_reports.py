"""Congress reports in core: the workflow table, entry rules, aggregates and scope."""

from __future__ import annotations

import itertools
from datetime import date, datetime
from pathlib import Path

import pytest

from core import functions, report_queries, report_types, reports
from core.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    StaleVersion,
    TransitionNotAllowed,
    ValidationError,
)
from core.report_flow import APPROVED, CHANGES, DRAFT, FLOW, PENDING
from core.store import Db
from tests.factories import NOW, Tree, actor_at, make_unit

TEMPLATE = """
code: PT_CL_THU
name: Phân tích chất lượng cấp ủy cơ sở (thử)
term: NK_2025_2030
levels: [CO_SO]
tabs:
  - key: tuoi_doi
    title: 1. Tuổi đời
    columns:
      - {key: tong, label: Tổng số}
      - label: Cấp ủy viên
        children:
          - {key: btv, label: Ủy viên BTV}
    rows:
      - key: bau
        label: Số lượng cấp ủy viên được bầu
        children:
          - {key: nu, label: "- Nữ"}
    required: [[bau, tong]]
    rules:
      - {le: btv, of: tong}
"""
ALL = tuple(f.code for f in functions.CATALOG)
TERM = "NK_2025_2030"
GOOD = {("bau", "tong"): 10, ("bau", "btv"): 4, ("nu", "tong"): 3, ("nu", "btv"): 1}


@pytest.fixture
def tpl(db: Db, tmp_path: Path) -> str:
    (tmp_path / "thu.yaml").write_text(TEMPLATE, encoding="utf-8")
    report_types.sync_templates(db, tmp_path)
    return "PT_CL_THU"


def info(code: str = "PT_CL_THU") -> reports.ReportInfo:
    return reports.ReportInfo(code, TERM, date(2025, 3, 2), "Nguyễn Thị Hà", "Ban Tổ chức")


def new_report(db: Db, unit, values=GOOD, state: str = DRAFT) -> int:
    owner = actor_at(unit, *ALL)
    report_id = reports.create(db, owner, info())
    if values:
        reports.save_tab(db, owner, report_id, "tuoi_doi", values, 1)
    if state != DRAFT:
        db.items.set_state(
            report_id, state, state != APPROVED, db.items.get(report_id).version, NOW
        )
    return report_id


# -- the workflow table ---------------------------------------------------------------------

POSITIONS = ("owner", "parent", "grandparent", "sibling", "other_province")
ALLOWED = {
    (DRAFT, "send", "owner"),
    (CHANGES, "send", "owner"),
    (PENDING, "approve", "parent"),
    (PENDING, "reject", "parent"),
    (APPROVED, "cancel_approval", "parent"),
}


def unit_at(tree: Tree, position: str):
    return {
        "owner": tree.ba_dinh_cs1,
        "parent": tree.ba_dinh,
        "grandparent": tree.hn,
        "sibling": tree.ba_dinh_cs2,
        "other_province": tree.sai_gon,
    }[position]


@pytest.mark.parametrize(
    ("state", "action", "position"),
    itertools.product(
        (DRAFT, PENDING, APPROVED, CHANGES),
        ("send", "approve", "reject", "cancel_approval"),
        POSITIONS,
    ),
)
def test_every_state_action_and_position_is_allowed_exactly_as_the_table_says(
    db, tree, tpl, state, action, position
):
    report_id = new_report(db, tree.ba_dinh_cs1, state=state)
    actor = actor_at(unit_at(tree, position), *ALL)
    before = db.items.get(report_id)
    if (state, action, position) in ALLOWED:
        reports.transition(db, actor, report_id, action, reason="Bổ sung số liệu")
        after = db.items.get(report_id)
        assert after.state == FLOW.find(state, action).new_state
        assert after.version == before.version + 1
    else:
        refusals = (PermissionDenied, NotFound, Conflict, ValidationError, TransitionNotAllowed)
        with pytest.raises(refusals):
            reports.transition(db, actor, report_id, action, reason="Bổ sung số liệu")
        assert db.items.get(report_id) == before


def test_reject_without_a_reason_is_refused(db, tree, tpl):
    report_id = new_report(db, tree.ba_dinh_cs1, state=PENDING)
    with pytest.raises(ValidationError, match="Lý do"):
        reports.transition(db, actor_at(tree.ba_dinh, *ALL), report_id, "reject", "  ")
    assert db.items.get(report_id).state == PENDING


def test_the_owner_sees_the_latest_reason_and_the_history(db, tree, tpl):
    report_id = new_report(db, tree.ba_dinh_cs1)
    owner, parent = actor_at(tree.ba_dinh_cs1, *ALL), actor_at(tree.ba_dinh, *ALL)
    reports.transition(db, owner, report_id, "send")
    reports.transition(db, parent, report_id, "reject", "Thiếu số liệu nữ")
    view = reports.detail(db, owner, report_id)
    assert view.record["last_reason"] == "Thiếu số liệu nữ"
    assert view.history["action"].to_list() == ["create", "save_tab", "send", "reject"]
    assert view.history["reason"].to_list()[-1] == "Thiếu số liệu nữ"
    assert [t.action for t in view.actions] == ["send"]


def test_sending_records_the_time_and_approving_closes_the_item(db, tree, tpl):
    report_id = new_report(db, tree.ba_dinh_cs1)
    reports.transition(db, actor_at(tree.ba_dinh_cs1, *ALL), report_id, "send")
    reports.transition(db, actor_at(tree.ba_dinh, *ALL), report_id, "approve")
    rec = db.reports.get(report_id)
    assert rec["sent_at"] and rec["approved_at"] and rec["state"] == APPROVED
    assert not db.items.get(report_id).is_open


# -- creation and entry -----------------------------------------------------------------------


def test_a_second_report_of_the_same_type_and_term_points_to_the_first(db, tree, tpl):
    first = new_report(db, tree.ba_dinh_cs1, values=None)
    with pytest.raises(
        reports.AlreadyCreated, match="Đơn vị của bạn đã tạo loại báo cáo này"
    ) as refused:
        reports.create(db, actor_at(tree.ba_dinh_cs1, *ALL), info())
    assert refused.value.report_id == first


def test_a_unit_whose_level_does_not_submit_the_type_cannot_create_it(db, tree, tpl):
    with pytest.raises(ValidationError, match="Loại báo cáo"):
        reports.create(db, actor_at(tree.ba_dinh, *ALL), info())


def test_general_information_is_validated_by_field(db, tree, tpl):
    actor = actor_at(tree.ba_dinh_cs1, *ALL)
    bad = reports.ReportInfo("PT_CL_THU", TERM, date(2025, 3, 2), "Nguyễn Thị Hà", " ")
    with pytest.raises(ValidationError, match="Ban tổ chức"):
        reports.create(db, actor, bad)
    assert db.scalar("SELECT count(*) FROM report") == 0


def test_a_tab_with_a_broken_rule_is_not_saved_and_names_the_cell(db, tree, tpl):
    report_id = new_report(db, tree.ba_dinh_cs1)
    owner = actor_at(tree.ba_dinh_cs1, *ALL)
    version = db.items.get(report_id).version
    broken = {**GOOD, ("nu", "tong"): 11, ("bau", "btv"): "-2"}
    with pytest.raises(reports.CellsInvalid) as refused:
        reports.save_tab(db, owner, report_id, "tuoi_doi", broken, version)
    cells = {(e.row, e.column) for e in refused.value.errors}
    assert cells == {("nu", "tong"), ("bau", "btv")}
    assert reports.values_of(db, report_id)["tuoi_doi"] == GOOD
    assert db.items.get(report_id).version == version


def test_saving_a_tab_against_an_old_version_is_refused(db, tree, tpl):
    report_id = new_report(db, tree.ba_dinh_cs1)
    with pytest.raises(StaleVersion):
        reports.save_tab(db, actor_at(tree.ba_dinh_cs1, *ALL), report_id, "tuoi_doi", GOOD, 1)


def test_an_incomplete_report_cannot_be_sent(db, tree, tpl):
    report_id = new_report(db, tree.ba_dinh_cs1, values=None)
    with pytest.raises(ValidationError, match="1. Tuổi đời"):
        reports.transition(db, actor_at(tree.ba_dinh_cs1, *ALL), report_id, "send")


@pytest.mark.parametrize("state", [PENDING, APPROVED])
def test_a_sent_or_approved_report_cannot_be_changed_or_deleted(db, tree, tpl, state):
    report_id = new_report(db, tree.ba_dinh_cs1, state=state)
    owner = actor_at(tree.ba_dinh_cs1, *ALL)
    version = db.items.get(report_id).version
    with pytest.raises(Conflict):
        reports.save_tab(db, owner, report_id, "tuoi_doi", GOOD, version)
    with pytest.raises(Conflict):
        reports.delete(db, owner, report_id, version)


def test_only_a_draft_is_deleted_and_the_audit_keeps_it(db, tree, tpl):
    report_id = new_report(db, tree.ba_dinh_cs1)
    reports.delete(db, actor_at(tree.ba_dinh_cs1, *ALL), report_id, db.items.get(report_id).version)
    assert db.reports.get(report_id) is None and not db.reports.cells(report_id)
    assert (
        db.scalar(
            "SELECT count(*) FROM audit_log WHERE entity = 'report' AND entity_id = ?"
            " AND action = 'delete'",
            [report_id],
        )
        == 1
    )


def test_a_sibling_cannot_read_the_report(db, tree, tpl):
    report_id = new_report(db, tree.ba_dinh_cs1, state=PENDING)
    with pytest.raises(PermissionDenied):
        reports.detail(db, actor_at(tree.ba_dinh_cs2, *ALL), report_id)
    assert reports.detail(db, actor_at(tree.hn, *ALL), report_id).record["id"] == report_id


# -- lists, progress and aggregates ----------------------------------------------------------


def test_the_queue_lists_what_direct_subordinates_sent_pending_first(db, tree, tpl):
    draft = new_report(db, tree.ba_dinh_cs1)
    approved = new_report(db, tree.ba_dinh_cs2, state=APPROVED)
    pending = new_report(db, make_unit(db, tree.ba_dinh, "Chi bộ Ba", "CO_SO"), state=PENDING)
    frame, total = report_queries.queue(db, actor_at(tree.ba_dinh, *ALL))
    assert frame["id"].to_list() == [pending, approved] and total == 2
    assert draft not in frame["id"].to_list()
    assert report_queries.queue(db, actor_at(tree.hn, *ALL))[1] == 0


def test_aggregate_is_the_cell_sum_of_the_sent_reports_of_the_subtree(db, tree, tpl):
    a = new_report(db, tree.ba_dinh_cs1, state=PENDING)
    new_report(db, tree.ba_dinh_cs2, values={**GOOD, ("bau", "tong"): 20}, state=APPROVED)
    extra = make_unit(db, tree.ba_dinh, "Chi bộ Nháp", "CO_SO")
    new_report(db, extra, values={**GOOD, ("bau", "tong"): 500})  # a draft: not counted
    new_report(db, tree.sai_gon_cs1, values={**GOOD, ("bau", "tong"): 900}, state=APPROVED)
    agg = report_queries.aggregate(db, actor_at(tree.ba_dinh, *ALL), "PT_CL_THU", TERM)
    assert agg.values["tuoi_doi"][("bau", "tong")] == 30
    assert agg.values["tuoi_doi"][("nu", "btv")] == 2
    assert (agg.counted, agg.expected) == (2, 3)
    approved = report_queries.aggregate(
        db, actor_at(tree.ba_dinh, *ALL), "PT_CL_THU", TERM, approved_only=True
    )
    assert approved.values["tuoi_doi"][("bau", "tong")] == 20
    assert a in agg.contributors["report_id"].to_list()


def test_progress_counts_only_active_units_that_must_report(db, tree, tpl):
    new_report(db, tree.ba_dinh_cs1, state=PENDING)
    new_report(db, tree.ba_dinh_cs2)
    closed = make_unit(db, tree.ba_dinh, "Chi bộ Đã Giải Thể", "CO_SO")
    db.units.bump(closed.id, closed.version, NOW, active=False)
    (progress,) = report_queries.subordinate_progress(db, actor_at(tree.ba_dinh, *ALL), TERM)
    assert (progress.sent, progress.expected, progress.percent) == (1, 2, 50)
    mine = report_queries.my_progress(db, actor_at(tree.ba_dinh_cs1, *ALL), TERM)
    assert [(p.template.code, p.percent) for p in mine] == [("PT_CL_THU", 100)]


def test_approving_several_reports_reports_each_failure(db, tree, tpl):
    ok = new_report(db, tree.ba_dinh_cs1, state=PENDING)
    draft = new_report(db, tree.ba_dinh_cs2)
    done, failures = reports.approve_many(db, actor_at(tree.ba_dinh, *ALL), [ok, draft])
    assert done == 1 and len(failures) == 1
    assert db.items.get(ok).state == APPROVED and db.items.get(draft).state == DRAFT


# -- templates ---------------------------------------------------------------------------------


def test_only_a_central_admin_imports_templates(db, tree, tpl):
    with pytest.raises(PermissionDenied):
        report_types.import_template(db, actor_at(tree.hn, *ALL), TEMPLATE, "thu.yaml")
    text = TEMPLATE.replace("PT_CL_THU", "PT_CL_MOI")
    report_types.import_template(db, actor_at(tree.root, *ALL), text, "moi.yaml")
    assert "PT_CL_MOI" in report_types.all_templates(db)


def test_a_template_naming_an_unknown_level_is_refused_with_its_file(db, tree, tpl, tmp_path):
    from core.templates import TemplateError

    with pytest.raises(TemplateError, match="^sai.yaml: levels"):
        report_types.preview_template(
            db, actor_at(tree.root, *ALL), TEMPLATE.replace("[CO_SO]", "[KHONG_CO]"), "sai.yaml"
        )


def test_an_uploaded_form_fills_every_tab_or_nothing(db, tree, tpl):
    from core import report_excel

    report_id = new_report(db, tree.ba_dinh_cs1, values=None)
    owner = actor_at(tree.ba_dinh_cs1, *ALL)
    template = report_types.all_templates(db)["PT_CL_THU"]
    broken = report_excel.report_workbook(
        template, {"tuoi_doi": {**GOOD, ("nu", "tong"): 99}}, ["Thử"]
    )
    with pytest.raises(reports.UploadRejected) as refused:
        reports.upload(db, owner, report_id, broken, 1)
    assert refused.value.errors and not reports.values_of(db, report_id)
    with pytest.raises(reports.UploadRejected):
        reports.upload(db, owner, report_id, b"MZ\x90\x00 not a workbook", 1)
    good = report_excel.report_workbook(template, {"tuoi_doi": GOOD}, ["Thử"])
    reports.upload(db, owner, report_id, good, 1)
    assert reports.values_of(db, report_id) == {"tuoi_doi": GOOD}
    assert db.items.get(report_id).version == 2


def test_changing_the_general_information_is_audited_and_versioned(db, tree, tpl):
    report_id = new_report(db, tree.ba_dinh_cs1, values=None)
    owner = actor_at(tree.ba_dinh_cs1, *ALL)
    changed = reports.ReportInfo("PT_CL_THU", TERM, date(2025, 3, 5), "Trần Văn Nam", "Ban mới")
    reports.update_info(db, owner, report_id, changed, 1)
    rec = db.reports.get(report_id)
    assert (rec["creator_name"], rec["organizer"], rec["version"]) == ("Trần Văn Nam", "Ban mới", 2)
    with pytest.raises(StaleVersion):
        reports.update_info(db, owner, report_id, changed, 1)


def test_progress_separates_on_time_and_late_sends(db, tree, tmp_path):
    (tmp_path / "han.yaml").write_text(
        TEMPLATE.replace("levels: [CO_SO]", "levels: [CO_SO]\ndeadline: 15/03/2025"),
        encoding="utf-8",
    )
    report_types.sync_templates(db, tmp_path)
    on_time = new_report(db, tree.ba_dinh_cs1, state=PENDING)
    late = new_report(db, tree.ba_dinh_cs2, state=APPROVED)
    db.reports.update(on_time, sent_at=datetime(2025, 3, 15, 16, 0))
    db.reports.update(late, sent_at=datetime(2025, 3, 16, 8, 0))
    (progress,) = report_queries.subordinate_progress(db, actor_at(tree.ba_dinh, *ALL), TERM)
    assert (progress.sent, progress.on_time, progress.late) == (2, 1, 1)
    people = report_queries.aggregate(
        db, actor_at(tree.ba_dinh, *ALL), "PT_CL_THU", TERM
    ).contributors
    assert dict(zip(people["report_id"], people["on_time"], strict=True)) == {
        on_time: True,
        late: False,
    }
