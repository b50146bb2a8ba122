"""Đổi mật khẩu."""

from __future__ import annotations

import streamlit as st

from core import auth
from pages.components import session

actor = session.require_page(None)

st.title("Đổi mật khẩu")
with st.form("doi_mat_khau", clear_on_submit=True):
    current = st.text_input("Mật khẩu hiện tại *", type="password")
    new = st.text_input(
        "Mật khẩu mới *",
        type="password",
        help="Ít nhất 8 ký tự, gồm cả chữ và số, không có dấu cách ở đầu hoặc cuối; "
        "không dùng mật khẩu phổ biến, số CCCD hay họ tên của bạn",
    )
    confirm = st.text_input("Nhập lại mật khẩu mới *", type="password")
    if st.form_submit_button("Lưu", type="primary"):
        if session.attempt(
            lambda: auth.change_password(session.db(), actor, current, new, confirm),
            "Đổi mật khẩu thành công",
        ):
            st.rerun()  # the navigation is rebuilt: a one-time password hid every other page
