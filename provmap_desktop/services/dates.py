"""Dates in queries: reading date columns fast, and which rows fall in a period.

SQLite keeps dates as ISO text. Reading that text and parsing it with
``date.fromisoformat`` is several times faster than SQLAlchemy's generic date result
processor on thousands of rows, so the bulk readers (the cost engine, the provision
map) select ``iso_text(column)`` and turn each value back with ``from_iso``
or ``from_iso_or_none``. PostgreSQL keeps a real date type, so there the column is
read as ``to_char(column, 'YYYY-MM-DD')``: the same text, whichever engine holds it.

A period is a first and a last day, both inclusive. A group is in it when its own
dates overlap it; a membership is when the pupil is a member on at least one of its
days (no leave date means still a member).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, Integer, String, and_, or_
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from ..models import GroupMembership, ProvisionGroup


class _IsoText(FunctionElement[str]):
    """A date column as ISO text: the column itself in SQLite, ``to_char`` elsewhere."""

    type = String()
    inherit_cache = True
    name = "iso_text"


@compiles(_IsoText)
def _iso_text_sqlite(element: _IsoText, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.clauses, **kw)


@compiles(_IsoText, "postgresql")
def _iso_text_postgresql(element: _IsoText, compiler: SQLCompiler, **kw: Any) -> str:
    return f"to_char({compiler.process(element.clauses, **kw)}, 'YYYY-MM-DD')"


class _Weekday(FunctionElement[int]):
    """A date column's weekday, 0 = Monday to 6 = Sunday (Python's ``date.weekday``)."""

    type = Integer()
    inherit_cache = True
    name = "weekday_of"


@compiles(_Weekday)
def _weekday_sqlite(element: _Weekday, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLite counts from Sunday = 0.
    return f"((CAST(strftime('%w', {compiler.process(element.clauses, **kw)}) AS INTEGER) + 6) % 7)"


@compiles(_Weekday, "postgresql")
def _weekday_postgresql(element: _Weekday, compiler: SQLCompiler, **kw: Any) -> str:
    # PostgreSQL's ISO day of the week counts from Monday = 1.
    return f"(CAST(EXTRACT(ISODOW FROM {compiler.process(element.clauses, **kw)}) AS INTEGER) - 1)"


def weekday_of(column: Any) -> Any:
    """The weekday of the date ``column`` in SQL, 0 = Monday, on either engine."""
    return _Weekday(column)


def iso_text(column: Any) -> Any:
    """The date ``column`` read as its stored ISO text, for ``from_iso`` to parse."""
    return _IsoText(column)


def from_iso(text: str | dt.date) -> dt.date:
    """The date an ISO text read through ``iso_text`` names.

    A server database (PostgreSQL) hands back a date already: it is kept as it is.
    """
    return text if isinstance(text, dt.date) else dt.date.fromisoformat(text)


def from_iso_or_none(text: str | dt.date | None) -> dt.date | None:
    """``from_iso`` for a column that may be empty (a leave date, say)."""
    return from_iso(text) if text else None


def groups_in_period(academic_year_id: int, first: dt.date, last: dt.date) -> tuple[Any, ...]:
    """Where-clauses for the year's groups whose dates overlap ``first``..``last``."""
    return (
        ProvisionGroup.academic_year_id == academic_year_id,
        ProvisionGroup.start_date <= last,
        ProvisionGroup.end_date >= first,
    )


def memberships_in_period(first: dt.date, last: dt.date) -> ColumnElement[bool]:
    """Where-clause for memberships holding at least one day of ``first``..``last``."""
    return and_(
        GroupMembership.join_date <= last,
        or_(GroupMembership.leave_date.is_(None), GroupMembership.leave_date >= first),
    )
