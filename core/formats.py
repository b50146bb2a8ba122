"""Vietnamese display formats: 1.234 for numbers, dd/mm/yyyy for dates."""

from __future__ import annotations

from datetime import date, datetime


def number(value: int | float | None) -> str:
    if value is None:
        return "—"
    text = (
        f"{value:,.0f}" if isinstance(value, int) or float(value).is_integer() else f"{value:,.2f}"
    )
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def day(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else "—"


def moment(value: datetime | None) -> str:
    return value.strftime("%H:%M:%S %d/%m/%Y") if value else "—"
