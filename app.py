"""The only router: prepares the database, signs the user in, builds the navigation from the
functions the signed-in user has.

`streamlit run app.py` imports this module once as the server (the `st.App` at the bottom,
which opens the database at start-up: `pages.components.server`); every browser session then
runs this file as its script, as `__main__`, which calls `route`.
"""

from __future__ import annotations

import streamlit as st

from core import functions, report_types, settings, startup
from core.errors import DomainError
from core.hierarchy import path_of
from core.markup import markdown_literal
from core.templates import TemplateError
from pages.components import auth, server, session

# (file, title, section, function needed, icon)
F = functions
PAGES = (
    ("pages/dashboard.py", "Dashboard", "Tổng quan", F.DASHBOARD, "dashboard"),
    ("pages/report_entry.py", "Tạo lập báo cáo", "Quản lý báo cáo", F.REPORT_CREATE, "edit_note"),
    ("pages/report_lookup.py", "Tra cứu báo cáo", "Quản lý báo cáo", F.REPORT_LOOKUP, "search"),
    (
        "pages/report_approval.py",
        "Phê duyệt báo cáo",
        "Quản lý báo cáo",
        F.REPORT_APPROVE,
        "fact_check",
    ),
    ("pages/units.py", "Quản lý đơn vị", "Quản lý danh mục", F.UNIT_MANAGE, "account_tree"),
    (
        "pages/report_templates.py",
        "Mẫu báo cáo",
        "Quản lý danh mục",
        F.TEMPLATE_MANAGE,
        "table_view",
    ),
    ("pages/map_boundaries.py", "Ranh giới bản đồ", "Quản lý danh mục", F.UNIT_MANAGE, "map"),
    (
        "pages/calendar_choose.py",
        "Lịch tổ chức Đại hội",
        "Lịch tổ chức Đại hội",
        F.CALENDAR_CHOOSE,
        "calendar_month",
    ),
    (
        "pages/calendar_summary.py",
        "Tổng hợp lịch tổ chức Đại hội",
        "Lịch tổ chức Đại hội",
        F.CALENDAR_SUMMARY,
        "event_note",
    ),
    ("pages/users.py", "Quản lý người dùng", "Quản trị hệ thống", F.USER_MANAGE, "group"),
    (session.PASSWORD_PAGE, "Đổi mật khẩu", "Tài khoản", None, "key"),
)


@st.cache_resource(show_spinner=False)
def _templates_loaded(db_path: str) -> list[str]:
    """Load the template files into the store once per process."""
    return report_types.sync_templates(session.store().db())


STOPPED = "Không thể khởi động"


def halt(message: str) -> None:
    """Stop with the reason, under a navigation of its own (never the bare pages/ listing)."""

    def explain() -> None:
        st.title(STOPPED)
        st.error(message)

    st.navigation([st.Page(explain, title=STOPPED, url_path="loi")]).run()
    st.stop()


def prepare_database() -> None:
    server.check_start()
    db = session.db()
    _templates_loaded(session.store().path)
    if not startup.needs_setup(db):
        return
    bar = st.progress(0.0, text="Đang khởi tạo cơ sở dữ liệu…")
    first = startup.setup(db, settings.mode(), lambda f, m: bar.progress(min(f, 1.0), text=m))
    bar.empty()
    if first is not None:
        print(
            f"Tài khoản quản trị đầu tiên: CCCD {first.cccd}, mật khẩu một lần {first.password}",
            flush=True,
        )


def login_page() -> None:
    _, middle, _ = st.columns([1, 2, 1])
    with middle:
        st.title("Phần mềm theo dõi tiến trình Đại hội Đảng bộ các cấp")
        if settings.is_demo():
            st.info("Chế độ demo: xem bảng **Demo accounts** trong README để đăng nhập.")
        auth.sign_in()


def sidebar(actor) -> None:
    with st.sidebar:
        st.markdown(f"**{markdown_literal(actor.full_name)}**")
        st.caption(markdown_literal(" › ".join(path_of(session.db(), actor))))
        if settings.is_demo():
            st.caption("Chế độ demo")
        if actor.must_change_password:
            st.warning(
                "Bạn đang dùng mật khẩu được cấp một lần: hãy **Đổi mật khẩu** trước khi dùng "
                "các chức năng khác."
            )
    auth.sign_out_button()


def navigation(actor) -> dict[str, list[st.Page]]:
    """The pages of the actor's functions, or only "Đổi mật khẩu" while the actor still has a
    one-time password: Streamlit then shows that page for any other page asked for."""
    sections: dict[str, list[st.Page]] = {}
    for path, title, section, needed, icon in PAGES:
        if actor.must_change_password and path != session.PASSWORD_PAGE:
            continue
        if needed is None or needed in actor.functions:
            page = st.Page(path, title=title, icon=f":material/{icon}:")
            sections.setdefault(section, []).append(page)
    return sections


def route() -> None:
    """One run of a browser session: start-up checks, then sign-in or the actor's pages."""
    st.set_page_config(
        page_title="Theo dõi tiến trình Đại hội Đảng bộ các cấp", page_icon="🏛️", layout="wide"
    )
    try:
        prepare_database()
    except (DomainError, TemplateError) as exc:
        halt(str(exc))
    auth.resume_from_cookie()
    actor = session.actor()
    if actor is None:
        st.navigation([st.Page(login_page, title="Đăng nhập", icon=":material/login:")]).run()
    else:
        sidebar(actor)
        st.navigation(navigation(actor)).run()


if __name__ == "__main__":
    route()
else:
    app = st.App(__file__, lifespan=server.lifespan)
