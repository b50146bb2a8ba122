"""Showing a report: the official table with merged group headers, the tab editor, the
general information block and the history."""

from __future__ import annotations

from datetime import date
from html import escape
from typing import Any

import polars as pl
import streamlit as st

from core.cells import CellError
from core.formats import day, moment, number
from core.markup import html_text, markdown_literal
from core.report_flow import ACTION_LABELS, FLOW
from core.templates import Tab, Template

HINTS = {
    "int": "Số nguyên không âm, ví dụ 1.234",
    "percent": "Tỷ lệ phần trăm từ 0 đến 100, ví dụ 85,5",
    "date": "Ngày dạng dd/mm/yyyy",
    "text": "Văn bản",
}
STYLE = """<style>
table.bc {border-collapse: collapse; font-size: 0.85rem; width: 100%; margin-bottom: 0.5rem}
table.bc th, table.bc td {border: 1px solid #bbb; padding: 4px 6px}
table.bc th {background: #f6e3e3; text-align: center; font-weight: 600}
table.bc td.v {text-align: right; min-width: 4rem}
table.bc td.na {text-align: center; color: #888}
table.bc td.err {background: #fde2e2; outline: 2px solid #c8102e}
table.bc td.l1 {padding-left: 1.5rem} table.bc td.l2 {padding-left: 2.5rem}
table.bc tr.top td {font-weight: 600}
</style>"""


def _fmt(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return day(value)
    if isinstance(value, int | float):
        return number(value)
    return html_text(value)


def table_html(
    tab: Tab,
    values: dict[tuple[str, str], Any],
    errors: list[CellError] | None = None,
    hidden: set[str] | None = None,
) -> str:
    """The tab as the official form lays it out; cells with errors carry the reason."""
    bad = {(e.row, e.column): e.message for e in errors or []}
    head = []
    for level, cells in enumerate(tab.header_rows()):
        row = [f"<th rowspan='{tab.header_depth}'>Chỉ tiêu</th>"] if level == 0 else []
        for label, first, span in cells:
            col = tab.columns[first]
            rowspan = tab.header_depth - level if span == 1 and len(col.path) == level else 1
            row.append(f"<th colspan='{span}' rowspan='{rowspan}'>{html_text(label)}</th>")
        head.append("<tr>" + "".join(row) + "</tr>")
    body = []
    for r in tab.rows:
        if hidden and r.parent in hidden:
            continue
        tds = [f"<td class='l{min(r.depth, 2)}'>{html_text(r.label)}</td>"]
        for c in tab.columns:
            cell = (r.key, c.key)
            if cell in tab.not_applicable:
                tds.append("<td class='na'>---</td>")
            elif cell in bad:
                tds.append(
                    f"<td class='v err' title='{escape(bad[cell])}'>{_fmt(values.get(cell))}</td>"
                )
            else:
                tds.append(f"<td class='v'>{_fmt(values.get(cell))}</td>")
        body.append(f"<tr class='{'top' if r.depth == 0 else ''}'>{''.join(tds)}</tr>")
    return (
        f"{STYLE}<table class='bc'><thead>{''.join(head)}</thead>"
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def column_titles(tab: Tab) -> dict[str, str]:
    """Editor column titles: the leaf label with its groups, so "Tổng số" stays unambiguous."""
    return {c.key: " › ".join([*c.path[-1:], c.label]) for c in tab.columns}


def editor(
    tab: Tab, values: dict[tuple[str, str], Any], key: str, hidden: set[str]
) -> dict[tuple[str, str], Any]:
    """An editable grid of the tab's rows; returns what is typed, cell by cell."""
    titles = column_titles(tab)
    rows = [r for r in tab.rows if r.parent not in hidden]
    data: dict[str, list[Any]] = {"Chỉ tiêu": [("\u2003" * r.depth) + r.label for r in rows]}
    for c in tab.columns:
        data[titles[c.key]] = [
            "---" if (r.key, c.key) in tab.not_applicable else _plain(values.get((r.key, c.key)))
            for r in rows
        ]
    config = {titles[c.key]: st.column_config.TextColumn(help=HINTS[c.type]) for c in tab.columns}
    config["Chỉ tiêu"] = st.column_config.TextColumn(width="large", pinned=True)
    edited = st.data_editor(
        pl.DataFrame(data, schema={k: pl.String for k in data}),
        key=key,
        hide_index=True,
        width="stretch",
        disabled=["Chỉ tiêu"],
        num_rows="fixed",
        column_config=config,
    )
    typed = dict(values)
    frame = pl.from_pandas(edited) if not isinstance(edited, pl.DataFrame) else edited
    for i, r in enumerate(rows):
        for c in tab.columns:
            cell = (r.key, c.key)
            text = frame[titles[c.key]][i]
            blank = text is None or not str(text).strip()
            if cell in tab.not_applicable and (blank or text == "---"):
                typed.pop(cell, None)
            else:
                typed[cell] = None if blank else text
    return typed


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return day(value)
    return str(value)


def errors_table(tab: Tab, errors: list[CellError]) -> None:
    rows = {r.key: r.label for r in tab.rows}
    titles = column_titles(tab)
    st.dataframe(
        pl.DataFrame(
            {
                "Chỉ tiêu": [rows.get(e.row, e.row) for e in errors],
                "Cột": [titles.get(e.column, e.column) for e in errors],
                "Lỗi": [e.message for e in errors],
            }
        ),
        hide_index=True,
        width="stretch",
    )


def info_block(record: dict[str, Any]) -> None:
    """ "Thông tin chung" as the manual lays it out."""
    left, right = st.columns(2)
    left.markdown(
        f"**Nhiệm kỳ:** {markdown_literal(record['term_name'])}  \n"
        f"**Tên người tạo báo cáo:** {markdown_literal(record['creator_name'])}  \n"
        f"**Ban tổ chức:** {markdown_literal(record['organizer'])}  \n"
        f"**Loại báo cáo:** {markdown_literal(record['template_name'])}"
    )
    right.markdown(
        f"**Ngày tạo báo cáo:** {day(record['report_date'])}  \n"
        f"**Thời gian cập nhật:** {moment(record['updated_at'])}  \n"
        f"**Đơn vị:** {markdown_literal(record['unit_name'])}  \n"
        f"**Trạng thái:** {FLOW.label(record['state'])}"
    )


def reason_banner(record: dict[str, Any]) -> None:
    """The reason is the approver's own words: shown as typed, never as markdown."""
    if record["state"] == "CHANGES_REQUESTED" and record.get("last_reason"):
        st.error(
            f"**Cấp trên yêu cầu chỉnh sửa:** {markdown_literal(record['last_reason'])}",
            icon=":material/undo:",
        )


def history_table(frame: pl.DataFrame) -> None:
    if frame.height == 0:
        st.caption("Chưa có thao tác nào")
        return
    st.dataframe(
        pl.DataFrame(
            {
                "Thời gian": [moment(t) for t in frame["at_time"]],
                "Người thực hiện": frame["actor_name"].fill_null("—"),
                "Thao tác": [ACTION_LABELS.get(a, a) for a in frame["action"]],
                "Trạng thái": [
                    f"{FLOW.label(a) if a else ''} → {FLOW.label(b)}" if b else ""
                    for a, b in zip(frame["from_state"], frame["to_state"], strict=True)
                ],
                "Lý do": frame["reason"].fill_null(""),
            }
        ),
        hide_index=True,
        width="stretch",
    )


def show_all_tabs(template: Template, values: dict[str, dict]) -> None:
    for tab, container in zip(
        template.tabs, st.tabs([markdown_literal(t.title) for t in template.tabs]), strict=True
    ):
        container.markdown(table_html(tab, values.get(tab.key, {})), unsafe_allow_html=True)
