"""Domain errors, raised by core and translated to messages only at the page edge.

Every message is Vietnamese and written for the person at the screen, because the pages show
``str(error)`` as they are.
"""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error a page may show to a user as it is."""


class PermissionDenied(DomainError):
    def __init__(self, message: str = "Bạn không có quyền thực hiện chức năng này") -> None:
        super().__init__(message)


class NotFound(DomainError):
    pass


class ValidationError(DomainError):
    """A bad value for one named field; ``field`` lets a page show it beside the input."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class StaleVersion(DomainError):
    def __init__(self) -> None:
        super().__init__("Dữ liệu đã được người khác cập nhật, vui lòng tải lại")


class TransitionNotAllowed(DomainError):
    pass


class Conflict(DomainError):
    """A rule about the current data refuses the action (duplicate, has children…)."""


class LoginRefused(DomainError):
    pass


class ConfigError(DomainError):
    """The deployment is misconfigured; the app refuses to start."""


class StorageError(DomainError):
    """The database file could not be written (disk full, read-only, I/O failure).

    Not a conflict: trying again cannot help, so the person is told to call the administrator.
    """

    def __init__(self) -> None:
        super().__init__(
            "Không ghi được dữ liệu: ổ lưu trữ đầy hoặc không ghi được; "
            "vui lòng báo quản trị hệ thống."
        )


class DatabaseInUse(ConfigError):
    """The database file is held by another process (usually the running app)."""
