"""The school's own settings and its calendar (term dates), with their rules.

The settings are one row: the name is required; money fields (the SEN threshold and the
"near the threshold" margin) are kept to the penny and never negative; the delivery RAG
thresholds are per cent from 1 to 100 with amber never above green; a year has 1-52
teaching weeks. Term dates follow the calendar's rules (``validate_term_dates``).

The small field rules at the top (``text``, ``money``, ``whole_number``) are shared by
the staff and funding modules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import AcademicYear, SchoolClass, SchoolSettings, Term, YearGroup
from .change import Change, Changed, DomainError, FieldRule, Kind, RowsAdded, set_field

SETTINGS = Changed.of(Kind.SETTINGS)

# (term name, start, end, half-term start, half-term end)
TermDatesRow = tuple[str, dt.date, dt.date, dt.date | None, dt.date | None]


# -- field rules shared by the school's small tables ----------------------------------


def text(label: str, longest: int, *, required: bool = False) -> FieldRule:
    """A rule for a text field: trimmed, at most ``longest`` characters, maybe required."""

    def rule(_session: Session, _row: Any, value: Any) -> str:
        cleaned = str(value or "").strip()
        if required and not cleaned:
            raise DomainError(f"The {label} cannot be empty.")
        if len(cleaned) > longest:
            raise DomainError(f"The {label} is at most {longest} characters.")
        return cleaned

    return rule


def to_money(value: Any, label: str) -> Decimal:
    """``value`` as pence-exact, non-negative ``Decimal``, or ``DomainError`` saying why.

    Floats are refused: money is never held in binary fractions.
    """
    if isinstance(value, float | bool):
        raise DomainError(f"The {label} must be an exact amount of money, not {value!r}.")
    try:
        amount = Decimal(str(value).strip().replace("£", "").replace(",", ""))
    except InvalidOperation:
        raise DomainError(f"'{value}' is not an amount of money, e.g. 18.50.") from None
    if not amount.is_finite():
        raise DomainError(f"'{value}' is not an amount of money, e.g. 18.50.")
    if amount < 0:
        raise DomainError(f"The {label} cannot be negative.")
    if amount != amount.quantize(Decimal("0.01")):
        raise DomainError("Money is kept to the penny: use at most two decimal places.")
    return amount.quantize(Decimal("0.01"))


def money(label: str, *, optional: bool = False) -> FieldRule:
    """A rule for a money field; ``optional`` lets it be empty (None)."""

    def rule(_session: Session, _row: Any, value: Any) -> Decimal | None:
        if optional and (value is None or str(value).strip() == ""):
            return None
        return to_money(value, label)

    return rule


def whole_number(label: str, lowest: int, highest: int) -> FieldRule:
    """A rule for a whole number from ``lowest`` to ``highest``."""

    def rule(_session: Session, _row: Any, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise DomainError(f"The {label} must be a whole number.")
        try:
            number = int(value)
        except ValueError:
            raise DomainError(f"'{value}' is not a whole number.") from None
        if not lowest <= number <= highest:
            raise DomainError(f"The {label} must be from {lowest} to {highest}.")
        return number

    return rule


def yes_no(_session: Session, _row: Any, value: Any) -> bool:
    """The rule for a tick box: only True or False."""
    if not isinstance(value, bool):
        raise DomainError("Tick or untick the box.")
    return value


def _rag_rule(colour: str) -> FieldRule:
    """A RAG threshold: 1-100 per cent, amber never above green."""
    in_range = whole_number(f"{colour} threshold", 1, 100)

    def rule(session: Session, row: SchoolSettings, value: Any) -> int:
        number = in_range(session, row, value)
        green = number if colour == "green" else row.rag_green
        amber = number if colour == "amber" else row.rag_amber
        if amber > green:
            raise DomainError(
                f"Delivery is amber from {amber}% but green from {green}%: "
                "amber must not be above green."
            )
        return int(number)

    return rule


def _school_name(session: Session, row: SchoolSettings, value: Any) -> str:
    """The school's name: required, at most 200 characters."""
    if not str(value or "").strip():
        raise DomainError("The school needs a name.")
    return text("school's name", 200)(session, row, value)  # type: ignore[no-any-return]


SCHOOL_RULES: dict[str, FieldRule] = {
    "name": _school_name,
    "urn": text("URN", 10),
    "la_number": text("LA number", 3),
    "phase": text("phase", 20),
    "teaching_weeks_per_year": whole_number("number of teaching weeks", 1, 52),
    "sen_threshold": money("SEN cost threshold"),
    "near_threshold_margin": money("near-the-threshold margin"),
    "rag_green": _rag_rule("green"),
    "rag_amber": _rag_rule("amber"),
}


def add_school(
    session: Session, name: str, phase: str, *, la_number: str = "", urn: str = ""
) -> Change:
    """Make the school's one settings row; refused when the database already has one."""
    if session.get(SchoolSettings, 1) is not None:
        raise DomainError("This database already holds a school.")
    settings = SchoolSettings(id=1, name="", phase="primary", la_number="", urn="")
    for field, value in (("name", name), ("phase", phase), ("la_number", la_number), ("urn", urn)):
        setattr(settings, field, SCHOOL_RULES[field](session, settings, value))
    session.add(settings)
    session.flush()
    return RowsAdded([settings], SETTINGS)


def update_school(session: Session, field: str, value: Any) -> Change:
    """Set one of the school's settings (``field`` is a ``SCHOOL_RULES`` key) by its rule."""
    if session.get(SchoolSettings, 1) is None:
        raise DomainError("This database holds no school yet.")
    return set_field(session, SchoolSettings, 1, field, value, SCHOOL_RULES, SETTINGS)


# -- the calendar -----------------------------------------------------------------------


def academic_year_label(start_year: int) -> str:
    """``2026`` -> ``'2026/27'``."""
    return f"{start_year}/{(start_year + 1) % 100:02d}"


def validate_term_dates(start_year: int, rows: Sequence[TermDatesRow]) -> None:
    """Raise ``DomainError`` saying what is wrong unless the terms are usable.

    Terms must fall inside 1 September - 31 August, run in order without overlapping,
    have distinct names, and hold their half-term (if any) inside themselves.
    """
    year_start, year_end = dt.date(start_year, 9, 1), dt.date(start_year + 1, 8, 31)
    label = academic_year_label(start_year)
    previous_end: dt.date | None = None
    names: set[str] = set()
    for name, start, end, half_start, half_end in sorted(rows, key=lambda r: r[1]):
        if not name.strip() or name.casefold() in names:
            raise DomainError(f"Each term of {label} needs its own name ({name!r}).")
        names.add(name.casefold())
        if end < start:
            raise DomainError(f"The {name} term ends before it starts.")
        if start < year_start or end > year_end:
            raise DomainError(f"The {name} term is outside {label} (1 September - 31 August).")
        if previous_end is not None and start <= previous_end:
            raise DomainError(f"The {name} term overlaps the term before it.")
        if (half_start is None) != (half_end is None):
            raise DomainError(f"The {name} half-term needs both a start and an end date.")
        if (
            half_start is not None
            and half_end is not None
            and (half_end < half_start or half_start < start or half_end > end)
        ):
            raise DomainError(f"The {name} half-term must lie inside the term.")
        previous_end = end


def _term_date_rule(field: str, *, required: bool) -> FieldRule:
    """A term date: the year's terms, with this one changed, must pass the calendar's rules.

    A half-term being entered one end at a time is checked as a one-day half-term until
    its other end is given, so either end may be typed first.
    """

    def rule(session: Session, term: Term, value: Any) -> dt.date | None:
        if value is None and required:
            raise DomainError(f"The {term.name} term needs a {field.replace('_', ' ')}.")
        if value is not None and not isinstance(value, dt.date):
            raise DomainError(f"'{value}' is not a date.")
        year = term.academic_year
        siblings = session.scalars(select(Term).where(Term.academic_year_id == year.id))
        rows: list[TermDatesRow] = []
        for other in siblings:
            dates = {
                "start_date": other.start_date,
                "end_date": other.end_date,
                "half_term_start": other.half_term_start,
                "half_term_end": other.half_term_end,
            }
            if other.id == term.id:
                dates[field] = value
                if (dates["half_term_start"] is None) != (dates["half_term_end"] is None):
                    day = dates["half_term_start"] or dates["half_term_end"]
                    dates["half_term_start"] = dates["half_term_end"] = day
            rows.append((other.name, *dates.values()))  # type: ignore[arg-type]
        validate_term_dates(year.start_date.year, rows)
        return value

    return rule


TERM_RULES: dict[str, Callable[[Session, Any, Any], Any]] = {
    "start_date": _term_date_rule("start_date", required=True),
    "end_date": _term_date_rule("end_date", required=True),
    "half_term_start": _term_date_rule("half_term_start", required=False),
    "half_term_end": _term_date_rule("half_term_end", required=False),
}


def update_term(session: Session, term_id: int, field: str, value: dt.date | None) -> Change:
    """Move one date of a term (start, end or a half-term end) within the calendar's rules."""
    return set_field(session, Term, term_id, field, value, TERM_RULES, SETTINGS)


def add_academic_year(
    session: Session, start_year: int, term_dates: Sequence[TermDatesRow]
) -> RowsAdded:
    """Add the academic year starting in ``start_year`` with its terms (checked first)."""
    validate_term_dates(start_year, term_dates)
    label = academic_year_label(start_year)
    if session.scalar(select(AcademicYear.id).where(AcademicYear.label == label)) is not None:
        raise DomainError(f"The school already has the academic year {label}.")
    year = AcademicYear(
        label=label,
        start_date=dt.date(start_year, 9, 1),
        end_date=dt.date(start_year + 1, 8, 31),
        terms=[
            Term(name=n, start_date=s, end_date=e, half_term_start=hs, half_term_end=he)
            for n, s, e, hs, he in term_dates
        ],
    )
    session.add(year)
    session.flush()
    return RowsAdded([year, *year.terms], Changed.of(Kind.SETTINGS))


def add_year_group(session: Session, name: str, sort_order: int) -> RowsAdded:
    """Add a year group (``sort_order`` puts Reception before Year 1 and so on)."""
    clean = name.strip()
    if not clean:
        raise DomainError("A year group needs a name.")
    if session.scalar(select(YearGroup.id).where(YearGroup.name == clean)) is not None:
        raise DomainError(f"The school already has a year group called {clean}.")
    group = YearGroup(name=clean, sort_order=sort_order)
    session.add(group)
    session.flush()
    return RowsAdded([group], Changed.of(Kind.SETTINGS))


def add_class(
    session: Session, name: str, year_group_id: int | None, *, teacher: str = ""
) -> RowsAdded:
    """Add a class (a register or form group) to a year group, or to none, with its teacher."""
    clean = name.strip()
    if not clean:
        raise DomainError("A class needs a name.")
    if session.scalar(select(SchoolClass.id).where(SchoolClass.name == clean)) is not None:
        raise DomainError(f"The school already has a class called {clean}.")
    if year_group_id is not None and session.get(YearGroup, year_group_id) is None:
        raise DomainError("That year group no longer exists.")
    teacher = text("teacher's name", 100)(session, None, teacher)
    school_class = SchoolClass(name=clean, year_group_id=year_group_id, teacher=teacher)
    session.add(school_class)
    session.flush()
    return RowsAdded([school_class], Changed.of(Kind.PUPILS))
