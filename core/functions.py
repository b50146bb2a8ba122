"""The function list of org.md: what a role can grant. Pages are bound to these codes.

Functions are code (each names a screen or an action the code implements); roles are data
that group them (tables `role` and `role_function`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Function:
    code: str
    name: str
    group: str


DASHBOARD = "DASHBOARD"
REPORT_CREATE = "REPORT_CREATE"
REPORT_LOOKUP = "REPORT_LOOKUP"
REPORT_LOOKUP_AGG = "REPORT_LOOKUP_AGG"
REPORT_APPROVE = "REPORT_APPROVE"
UNIT_MANAGE = "UNIT_MANAGE"
TEMPLATE_MANAGE = "TEMPLATE_MANAGE"
USER_MANAGE = "USER_MANAGE"
CALENDAR_CHOOSE = "CALENDAR_CHOOSE"
CALENDAR_SUMMARY = "CALENDAR_SUMMARY"
ANALYTICS = "ANALYTICS"

CATALOG: tuple[Function, ...] = (
    Function(DASHBOARD, "Dashboard", "Dashboard"),
    Function(REPORT_CREATE, "Tạo lập báo cáo", "Quản lý báo cáo"),
    Function(REPORT_LOOKUP, "Tra cứu báo cáo", "Quản lý báo cáo"),
    Function(REPORT_LOOKUP_AGG, "Tra cứu báo cáo tổng hợp", "Quản lý báo cáo"),
    Function(REPORT_APPROVE, "Phê duyệt báo cáo", "Quản lý báo cáo"),
    Function(UNIT_MANAGE, "Quản lý đơn vị", "Quản lý danh mục"),
    Function(TEMPLATE_MANAGE, "Quản lý mẫu báo cáo", "Quản lý danh mục"),
    Function(USER_MANAGE, "Quản lý người dùng", "Quản trị hệ thống"),
    Function(CALENDAR_CHOOSE, "Chọn lịch Đại hội", "Lịch tổ chức Đại hội"),
    Function(CALENDAR_SUMMARY, "Tổng hợp lịch tổ chức Đại hội", "Lịch tổ chức Đại hội"),
    Function("EMULATION_LAUNCH", "Phát động phong trào", "Thi đua khen thưởng"),
    Function("EMULATION_REGISTER", "Đăng ký thi đua", "Thi đua khen thưởng"),
    Function("EMULATION_APPROVE", "Phê duyệt đăng ký thi đua", "Thi đua khen thưởng"),
    Function("EMULATION_REVIEW", "Bình xét", "Thi đua khen thưởng"),
    Function("EMULATION_DECIDE", "Quyết định khen thưởng", "Thi đua khen thưởng"),
    Function("TASK_DOCUMENT", "Văn bản chỉ đạo", "Theo dõi nhiệm vụ"),
    Function("TASK_ASSIGN", "Giao nhiệm vụ", "Theo dõi nhiệm vụ"),
    Function("TASK_PROGRESS", "Cập nhật tiến độ", "Theo dõi nhiệm vụ"),
    Function("TASK_REVIEW", "Duyệt kết quả nhiệm vụ", "Theo dõi nhiệm vụ"),
    Function(ANALYTICS, "Phân tích dữ liệu", "Phân tích dữ liệu"),
)
BY_CODE = {f.code: f for f in CATALOG}


def grouped(codes: frozenset[str] | set[str]) -> dict[str, list[str]]:
    """The function names of ``codes`` under their group headings, in catalog order."""
    out: dict[str, list[str]] = {}
    for f in CATALOG:
        if f.code in codes:
            out.setdefault(f.group, []).append(f.name)
    return out
