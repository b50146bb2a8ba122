"""The key that signs the login cookie, with a per-installation key for demo mode.

Production must configure a key of its own (`core.settings.cookie_key` refuses to start
without one). A demo without one used to fall back to a constant printed in the source, so a
demo reachable on a network could be signed into with a forged cookie; it now generates a
random key on first start and keeps it in ``cookie.key`` beside the database, readable by the
owner only, so the key survives restarts (and the users' cookies with it).
"""

from __future__ import annotations

import os
import secrets
from functools import cache
from pathlib import Path

from core import settings
from core.errors import ConfigError

FILE_NAME = "cookie.key"
MIN_LENGTH = 32


def resolve(from_secrets: str | None, db_path: str) -> str:
    """The configured key if any; in demo mode without one, the installation's own key."""
    configured = (from_secrets or settings.COOKIE_KEY.value() or "").strip()
    if configured or not settings.is_demo():
        return settings.cookie_key(from_secrets)
    if db_path == ":memory:":
        return _process_key()
    return installation_key(Path(db_path).parent)


@cache
def _process_key() -> str:
    return secrets.token_urlsafe(48)


def installation_key(folder: Path) -> str:
    """Read the key kept in ``folder``, creating it (mode 0600) on the first call."""
    path = folder / FILE_NAME
    folder.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = path.read_text(encoding="ascii", errors="replace").strip()
        if len(key) < MIN_LENGTH:
            raise ConfigError(
                f"Tệp khoá cookie {path} bị hỏng (ngắn hơn {MIN_LENGTH} ký tự): "
                "hãy xoá tệp để ứng dụng tạo khoá mới."
            ) from None
        return key
    key = secrets.token_urlsafe(48)
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(key + "\n")
    return key
