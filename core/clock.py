"""The one clock of the application.

Times are stored as naive timestamps in Vietnam's time zone, because every user and every
official deadline is in that zone and the server's own zone is irrelevant to them.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def now() -> datetime:
    return datetime.now(VN_TZ).replace(tzinfo=None, microsecond=0)
