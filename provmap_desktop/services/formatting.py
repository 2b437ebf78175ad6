"""How money, dates and names are shown: £1,234.56 and dd/mm/yyyy everywhere."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

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


def parse_money(text: str) -> Decimal:
    """Read an amount typed as "18.50", "£1,250" or "12": pence exactly, never negative."""
    cleaned = text.strip().replace("£", "").replace(",", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"'{text}' is not an amount of money, e.g. 18.50.") from None
    if value < 0:
        raise ValueError("An amount of money cannot be negative.")
    if value != value.quantize(Decimal("0.01")):
        raise ValueError("Money is kept to the penny: use at most two decimal places.")
    return value


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
