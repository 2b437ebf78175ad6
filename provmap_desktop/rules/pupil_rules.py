"""Rules every pupil record keeps, wherever it is entered (screens, imports, scripts)."""

from __future__ import annotations

import datetime as dt

#: The longest name the database column holds.
MAX_NAME_LENGTH = 100
#: No pupil is older than this at a school (post-16 provision runs to 25 with an EHC plan).
MAX_AGE_YEARS = 25


class PupilRuleError(ValueError):
    """A value a pupil record cannot hold; ``str()`` says why, in plain words."""


def checked_name(label: str, value: str) -> str:
    """``value`` trimmed, or ``PupilRuleError`` if it is longer than the record holds."""
    text = (value or "").strip()
    if len(text) > MAX_NAME_LENGTH:
        raise PupilRuleError(
            f"The {label} is {len(text)} characters long; a name can have at most "
            f"{MAX_NAME_LENGTH}."
        )
    return text


def checked_birth_date(value: dt.date | None, today: dt.date | None = None) -> dt.date | None:
    """``value``, or ``PupilRuleError`` for a date in the future or over 25 years ago."""
    if value is None:
        return None
    today = today or dt.date.today()
    if value > today:
        raise PupilRuleError(f"The date of birth {value:%d/%m/%Y} is in the future.")
    try:
        oldest = today.replace(year=today.year - MAX_AGE_YEARS)
    except ValueError:  # 29 February
        oldest = today.replace(year=today.year - MAX_AGE_YEARS, day=28)
    if value < oldest:
        raise PupilRuleError(
            f"The date of birth {value:%d/%m/%Y} is more than {MAX_AGE_YEARS} years ago."
        )
    return value
