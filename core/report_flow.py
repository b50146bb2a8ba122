"""The congress report's states and transitions (reports.md, "States")."""

from __future__ import annotations

from core import functions
from core.workflow import OWNER, PARENT, Transition, Workflow

DRAFT, PENDING, APPROVED, CHANGES = "DRAFT", "PENDING", "APPROVED", "CHANGES_REQUESTED"
EDITABLE = frozenset({DRAFT, CHANGES})
# Sent reports count toward progress and aggregates: the parent sees the figures as soon as
# they arrive, and a report sent back for changes drops out until it is sent again. The lookup
# page can narrow the aggregate to approved reports only.
COUNTED = (PENDING, APPROVED)

FLOW = Workflow(
    kind="report",
    initial_state=DRAFT,
    state_labels={
        DRAFT: "Lưu nháp",
        PENDING: "Chờ phê duyệt",
        APPROVED: "Đã phê duyệt",
        CHANGES: "Yêu cầu chỉnh sửa",
    },
    transitions=(
        Transition(
            DRAFT, "send", PENDING, "Gửi báo cáo", frozenset({OWNER}), functions.REPORT_CREATE
        ),
        Transition(
            CHANGES, "send", PENDING, "Gửi báo cáo", frozenset({OWNER}), functions.REPORT_CREATE
        ),
        Transition(
            PENDING, "approve", APPROVED, "Phê duyệt", frozenset({PARENT}), functions.REPORT_APPROVE
        ),
        Transition(
            PENDING,
            "reject",
            CHANGES,
            "Từ chối",
            frozenset({PARENT}),
            functions.REPORT_APPROVE,
            reason_required=True,
        ),
        Transition(
            APPROVED,
            "cancel_approval",
            PENDING,
            "Hủy phê duyệt",
            frozenset({PARENT}),
            functions.REPORT_APPROVE,
            reason_required=True,
        ),
    ),
    closed_states=frozenset({APPROVED}),
    # The parent sees what was sent (the manual): a draft never sent is its unit's alone.
    # Once sent a report stays visible above, also after a rejection (Yêu cầu chỉnh sửa): the
    # parent sent it back and follows its correction.
    private_states=frozenset({DRAFT}),
)

CONFIRM = {
    "send": "Bạn có muốn gửi báo cáo không?",
    "approve": "Bạn có muốn phê duyệt báo cáo không?",
    "reject": "Bạn có muốn từ chối phê duyệt báo cáo không?",
    "cancel_approval": "Bạn có muốn hủy phê duyệt báo cáo không?",
    "delete": "Bạn chắc chắn muốn xoá báo cáo không?",
}
SUCCESS = {
    "send": "Gửi báo cáo thành công",
    "approve": "Phê duyệt báo cáo thành công",
    "reject": "Từ chối phê duyệt báo cáo thành công",
    "cancel_approval": "Hủy phê duyệt báo cáo thành công",
    "delete": "Xoá báo cáo thành công",
}
ACTION_LABELS = {
    "create": "Tạo báo cáo",
    "save_info": "Cập nhật thông tin chung",
    "save_tab": "Lưu số liệu",
    "upload": "Tải lên từ Excel",
    **{t.action: t.label for t in FLOW.transitions},
}
