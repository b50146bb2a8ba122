"""The unit form of the manual (Thêm mới / Cập nhật đơn vị): the same fields, required ones
marked *."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from core.model import Unit, UnitDraft


def _index(options: list[str], value: str | None) -> int | None:
    return options.index(value) if value in options else None


def show(
    catalogs: dict[str, list[dict]],
    key: str,
    unit: Unit | UnitDraft,
    on_cancel: Callable[[], None],
    locked: frozenset[str] = frozenset(),
) -> UnitDraft | None:
    """Render the form filled from ``unit``; return the typed draft when "Lưu" is pressed.

    Every widget is keyed from ``key``, so what is typed stays on screen while the stored unit
    changes under it; the fields in ``locked`` are shown but disabled (core enforces them).
    """
    levels = {r["code"]: r["name"] for r in catalogs["levels"]}
    types = {r["code"]: r["name"] for r in catalogs["types"]}
    provinces = [r["name"] for r in catalogs["provinces"]]
    with st.form(key):
        if locked:
            st.caption("Mã, cấp, loại và địa bàn của đơn vị mình do đơn vị cấp trên cập nhật.")
        left, right = st.columns(2)
        level = left.selectbox(
            "Cấp *",
            list(levels),
            format_func=levels.get,
            index=_index(list(levels), unit.level_code),
            placeholder="Chọn cấp",
            key=f"{key}_level",
            disabled="level_code" in locked,
        )
        code = right.text_input(
            "Mã",
            value=unit.code or "",
            help="Để trống để hệ thống tự sinh mã",
            key=f"{key}_code",
            disabled="code" in locked,
        )
        name = st.text_input("Tên *", value=unit.name, key=f"{key}_name")
        kind = st.selectbox(
            "Chọn loại *",
            list(types),
            format_func=types.get,
            index=_index(list(types), unit.type_code),
            placeholder="Chọn loại",
            key=f"{key}_type",
            disabled="type_code" in locked,
        )
        a, b, c = st.columns(3)
        province = a.selectbox(
            "Chọn tỉnh *",
            provinces,
            index=_index(provinces, unit.province),
            placeholder="Chọn tỉnh/thành phố",
            key=f"{key}_province",
            disabled="province" in locked,
        )
        district = b.text_input(
            "Chọn huyện",
            value=unit.district or "",
            help="Chỉ dùng cho dữ liệu trước 01/07/2025",
            key=f"{key}_district",
            disabled="district" in locked,
        )
        commune = c.text_input(
            "Chọn xã", value=unit.commune or "", key=f"{key}_commune", disabled="commune" in locked
        )
        address = st.text_input(
            "Địa chỉ chi tiết *",
            value=unit.address or "",
            placeholder="Nhập địa chỉ chi tiết",
            key=f"{key}_address",
        )
        description = st.text_area(
            "Mô tả chi tiết", value=unit.description or "", key=f"{key}_description"
        )
        save, cancel, _ = st.columns([1, 1, 6])
        if cancel.form_submit_button("Hủy", width="stretch"):
            on_cancel()
        if not save.form_submit_button("Lưu", type="primary", width="stretch"):
            return None
    return UnitDraft(
        name=name,
        level_code=level or "",
        type_code=kind or "",
        province=province,
        district=district,
        commune=commune,
        address=address,
        description=description,
        code=code,
    )
