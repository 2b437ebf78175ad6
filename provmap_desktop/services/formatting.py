"""How money, dates and names are shown: £1,234.56 and dd/mm/yyyy everywhere."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from ..models.base import PENNY


def round_money(amount: Decimal) -> Decimal:
    """Round to the penny, halves up: the one rounding step, done at display."""
    return amount.quantize(PENNY, rounding=ROUND_HALF_UP)


def format_money(amount: Decimal | None, *, blank: str = "") -> str:
    """``Decimal('1234.5')`` -> ``'£1,234.50'``; negative amounts get a leading minus."""
    if amount is None:
        return blank
    rounded = round_money(amount)
    sign = "-" if rounded < 0 else ""
    return f"{sign}£{abs(rounded):,.2f}"


def format_date(day: dt.date | None, *, blank: str = "") -> str:
    return day.strftime("%d/%m/%Y") if day else blank


def parse_date(text: str) -> dt.date:
    """Read dd/mm/yyyy (or d/m/yyyy) or ISO yyyy-mm-dd; raise ``ValueError`` otherwise."""
    value = (text or "").strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"'{value}' is not a date in the form dd/mm/yyyy.")


def format_percent(value: Decimal | float | None, *, blank: str = "–") -> str:
    if value is None:
        return blank
    return f"{Decimal(str(value)).quantize(Decimal('1'), rounding=ROUND_HALF_UP)}%"
