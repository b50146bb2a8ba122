"""Mẫu báo cáo: the report types in force, and importing a new template with a preview."""

from __future__ import annotations

import streamlit as st

from core import functions, report_types
from core.errors import DomainError
from core.markup import markdown_literal
from core.templates import TemplateError
from pages.components import report_view, session

actor = session.require_page(functions.TEMPLATE_MANAGE)
db = session.db()


def template_list() -> None:
    known = report_types.all_templates(db)
    st.subheader("Các loại báo cáo đang áp dụng")
    st.dataframe(
        {
            "Mã": list(known),
            "Phiên bản": [t.version for t in known.values()],
            "Tên loại báo cáo": [t.name for t in known.values()],
            "Nhiệm kỳ": [t.term for t in known.values()],
            "Cấp phải nộp": [", ".join(t.levels) for t in known.values()],
            "Số tab": [len(t.tabs) for t in known.values()],
            "Số ô số liệu": [sum(len(tab.cells()) for tab in t.tabs) for t in known.values()],
        },
        hide_index=True,
        width="stretch",
    )
    chosen = st.selectbox(
        "Xem mẫu", list(known), format_func={c: t.name for c, t in known.items()}.get
    )
    if chosen:
        versions(chosen)
        report_view.show_all_tabs(known[chosen], {})


ORIGINS = {report_types.SHIPPED: "Tệp đi kèm ứng dụng", report_types.IMPORTED: "Admin nhập"}


def versions(code: str) -> None:
    """Each version of the type: a report keeps the version it was created with."""
    rows = report_types.history(db, code)
    with st.expander(f"Lịch sử phiên bản ({len(rows)})"):
        st.dataframe(
            {
                "Phiên bản": [r["version"] for r in rows],
                "Nguồn": [ORIGINS.get(r["origin"], r["origin"]) for r in rows],
                "Tệp": [r["source"] or "" for r in rows],
                "Thời gian": [f"{r['created_at']:%H:%M %d/%m/%Y}" for r in rows],
                "Số báo cáo dùng phiên bản": [r["reports"] for r in rows],
            },
            hide_index=True,
            width="stretch",
        )


def importer() -> None:
    st.subheader("Nhập mẫu báo cáo mới")
    st.caption(
        "Tệp YAML theo định dạng mô tả trong core/templates.py. Mẫu có cùng mã trở thành "
        "phiên bản mới, dùng cho các báo cáo tạo sau; báo cáo đã tạo giữ phiên bản của mình."
    )
    upload = st.file_uploader("Tệp mẫu (.yaml)", type=["yaml", "yml"])
    if upload is None:
        return
    text = upload.getvalue().decode("utf-8", errors="replace")
    try:
        template = report_types.preview_template(db, actor, text, upload.name)
    except (TemplateError, DomainError) as exc:
        st.error(markdown_literal(exc))
        return
    st.success(
        f"Mẫu hợp lệ: {markdown_literal(f'{template.name} ({template.code})')}, "
        f"{sum(len(t.cells()) for t in template.tabs)} ô số liệu"
    )
    report_view.show_all_tabs(template, {})
    if st.button("Lưu mẫu", type="primary") and session.attempt(
        lambda: report_types.import_template(db, actor, text, upload.name),
        "Nhập mẫu báo cáo thành công",
    ):
        st.rerun()


st.title("Mẫu báo cáo")
template_list()
if report_types.can_manage_templates(actor):
    importer()
else:
    st.caption("Chỉ Admin của đơn vị Trung ương được nhập mẫu báo cáo mới.")
