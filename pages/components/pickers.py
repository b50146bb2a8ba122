"""A unit picker that searches the actor's subtree instead of listing 55,000 options."""

from __future__ import annotations

import streamlit as st

from core.hierarchy import find_units
from core.model import Actor
from core.store import Db
from pages.components import session


def unit_picker(
    db: Db,
    actor: Actor,
    label: str,
    key: str,
    *,
    default_id: int | None = None,
    exclude: set[int] | None = None,
) -> int | None:
    """Show a search box and the matching units; return the chosen unit id."""
    text = st.text_input(
        f"Tìm {label.lower().rstrip(' *')}", key=f"{key}_q", placeholder="Nhập tên hoặc mã đơn vị"
    )
    found = session.attempt(lambda: find_units(db, actor, text, include=default_id)) or []
    units = [u for u in found if u.id not in (exclude or set())]
    if not units:
        st.caption("Không tìm thấy đơn vị phù hợp")
        return None
    ids = [u.id for u in units]
    names = {u.id: f"{u.name} ({u.code})" for u in units}
    index = ids.index(default_id) if default_id in ids else 0
    return st.selectbox(label, ids, index=index, format_func=names.get, key=f"{key}_pick")
