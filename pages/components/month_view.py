"""A month drawn as a wall calendar: Monday first, each day with its count and first names."""

from __future__ import annotations

from datetime import date
from html import escape

import streamlit as st

from core.calendar import WEEKDAYS

_STYLE = """
<style>
.dhd-month {width: 100%; border-collapse: collapse; table-layout: fixed; font-size: 0.85rem}
.dhd-month th {background: #f2dcdb; padding: 4px; border: 1px solid #ddd; text-align: center}
.dhd-month td {border: 1px solid #ddd; vertical-align: top; height: 92px; padding: 4px}
.dhd-month td.out {background: #fafafa}
.dhd-month td.today {outline: 2px solid #c62828; outline-offset: -2px}
.dhd-month .num {font-weight: 600; color: #555}
.dhd-month .count {float: right; background: #c62828; color: white; border-radius: 9px;
                   padding: 0 7px; font-size: 0.75rem}
.dhd-month ul {margin: 2px 0 0 0; padding-left: 14px}
.dhd-month li {line-height: 1.2; margin: 0; overflow: hidden; text-overflow: ellipsis;
               white-space: nowrap}
.dhd-month .more {color: #777; font-size: 0.75rem}
</style>
"""

Week = list[tuple[date, int, list[str]] | None]


def _day(cell: tuple[date, int, list[str]] | None, today: date) -> str:
    if cell is None:
        return '<td class="out"></td>'
    when, count, names = cell
    klass = ' class="today"' if when == today else ""
    badge = f'<span class="count" title="{count} Đại hội">{count}</span>' if count else ""
    items = "".join(f"<li title='{escape(n)}'>{escape(n)}</li>" for n in names)
    more = (
        f'<div class="more">và {count - len(names)} Đại hội khác</div>'
        if count > len(names)
        else ""
    )
    listed = f"<ul>{items}</ul>" if items else ""
    return f'<td{klass}><span class="num">{when.day}</span>{badge}{listed}{more}</td>'


def month_table(weeks: list[Week], today: date) -> None:
    head = "".join(f"<th>{name}</th>" for name in WEEKDAYS)
    body = "".join("<tr>" + "".join(_day(c, today) for c in week) + "</tr>" for week in weeks)
    st.html(f'{_STYLE}<table class="dhd-month"><tr>{head}</tr>{body}</table>')
