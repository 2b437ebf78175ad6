"""The school's academic years, read once per transaction.

Almost every write asks which year holds a day (a new group, an allocation, a
delivery record) and whether that year is closed; a single drop on the map used to
read the ``academic_years`` table four times. The few rows are kept in
``session.info`` for the rest of the transaction and forgotten when it ends, when a
year's dates or closing day are set, when a year is added or deleted, and after any
flush that wrote a year, so a lookup always sees what this session has saved or is
about to save.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

from sqlalchemy import event, select
from sqlalchemy.orm import Session, object_session

from ..models import AcademicYear

#: ``session.info`` key of the rows read in the current transaction.
_KEY = "provmap_year_rows"


class YearRow(NamedTuple):
    """One academic year's facts that lookups and the closed-year rule need."""

    id: int
    label: str
    start_date: dt.date
    end_date: dt.date
    closed_on: dt.date | None


_ALL_YEARS = select(
    AcademicYear.id,
    AcademicYear.label,
    AcademicYear.start_date,
    AcademicYear.end_date,
    AcademicYear.closed_on,
).order_by(AcademicYear.start_date, AcademicYear.id)


def year_rows(session: Session) -> list[YearRow]:
    """Every academic year, earliest first (read at most once per transaction)."""
    rows: list[YearRow] | None = session.info.get(_KEY)
    if rows is not None and not _years_pending(session):
        return rows
    found = session.execute(_ALL_YEARS).all()
    rows = [YearRow(*row) for row in found]
    session.info[_KEY] = rows
    return rows


def year_row_for(session: Session, day: dt.date) -> YearRow | None:
    """The first year whose dates include ``day``, or None."""
    return next((r for r in year_rows(session) if r.start_date <= day <= r.end_date), None)


def forget_years(session: Session | None) -> None:
    """Read the years afresh next time (a year changed, or the transaction ended)."""
    if session is not None:
        session.info.pop(_KEY, None)


def _years_pending(session: Session) -> bool:
    """Whether a year is added or deleted but not yet flushed: read with a flush."""
    return any(isinstance(o, AcademicYear) for o in (*session.new, *session.deleted))


def _forget_on_transaction_end(session: Session, transaction: Any) -> None:
    # A savepoint that is released keeps the rows; one rolled back forgets them below.
    if transaction.parent is None:
        forget_years(session)


def _forget_on_rollback(session: Session, _previous: Any) -> None:
    forget_years(session)


def _forget_after_flush(session: Session, _context: Any) -> None:
    # Still the flush's own lists here; changed columns are caught when they are set.
    if _years_pending(session):
        forget_years(session)


def _forget_on_set(target: AcademicYear, *_args: Any) -> None:
    forget_years(object_session(target))


def install() -> None:
    """Keep the rows true to what each session writes (done once, on import)."""
    if event.contains(Session, "after_transaction_end", _forget_on_transaction_end):
        return
    event.listen(Session, "after_transaction_end", _forget_on_transaction_end)
    event.listen(Session, "after_soft_rollback", _forget_on_rollback)
    event.listen(Session, "after_flush", _forget_after_flush)
    for column in (
        AcademicYear.start_date,
        AcademicYear.end_date,
        AcademicYear.closed_on,
        AcademicYear.label,
    ):
        event.listen(column, "set", _forget_on_set)


install()
