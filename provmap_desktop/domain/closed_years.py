"""A closed academic year is kept as it was: every write into one is refused.

One check for every write, whichever screen, command or import makes it: before the
session writes anything to the file, each new, changed or deleted row that belongs to
an academic year is looked up, and a row of a closed year stops the write with a
plain ``DomainError``. A row belongs to a year through:

- its own ``academic_year_id`` (groups, terms, budgets, pupils' past places);
- its group's year (slots, memberships, delivery sessions) or its session's group
  (attendance);
- for an APDR review, the year holding its review date (else its baseline date), so a
  review started last year and due this year can still be finished.

The year itself may not be changed or deleted once closed (only its closing day
may be set). The year-end rollover writes the closing year's last records inside
``closing_years(session)``, the one place the check stands aside.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import bindparam, event, inspect, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from ..models import (
    AcademicYear,
    DeliverySession,
    FundingBudget,
    GroupMembership,
    GroupSlot,
    ProvisionGroup,
    PupilYear,
    Review,
    SessionAttendance,
    Term,
)
from ..services.year_rows import year_rows
from .change import DomainError

_STANDING_ASIDE = "closing_years"
_OWN_YEAR = (ProvisionGroup, Term, FundingBudget, PupilYear)
_GROUP_ROWS = (GroupSlot, GroupMembership, DeliverySession)


def closed_year_message(label: str) -> str:
    """The sentence shown when an edit would change a closed year."""
    return (
        f"{label} is closed: the school has moved on to the next year, and that year's "
        "map, costs, registers and reviews are kept as they were. Choose the current "
        "year to make changes."
    )


@contextmanager
def closing_years(session: Session) -> Iterator[None]:
    """Let the year-end rollover write a closing year's last records."""
    session.info[_STANDING_ASIDE] = True
    try:
        yield
    finally:
        session.info.pop(_STANDING_ASIDE, None)


def refuse_if_closed(session: Session, academic_year_id: int | None) -> None:
    """Raise ``DomainError`` when the year is closed (for writes that check up front)."""
    if academic_year_id is None:
        return
    year = session.get(AcademicYear, academic_year_id)
    if year is not None and year.closed_on is not None:
        raise DomainError(closed_year_message(year.label))


def _old_and_new(row: Any, name: str) -> set[Any]:
    """The attribute's value now and, when changed in this session, before."""
    history = inspect(row).attrs[name].history
    return {v for v in (*history.added, *history.unchanged, *history.deleted) if v is not None}


#: The statements the check runs, built once (a statement is reusable and never changes).
_YEARS_OF_GROUPS = select(ProvisionGroup.academic_year_id).where(
    ProvisionGroup.id.in_(bindparam("ids", expanding=True))
)
_GROUPS_OF_SESSIONS = select(DeliverySession.group_id).where(
    DeliverySession.id.in_(bindparam("ids", expanding=True))
)
#: Every class whose rows can belong to a year; a changed row of another is not looked at.
_WITH_A_YEAR = (*_OWN_YEAR, *_GROUP_ROWS, SessionAttendance, Review, AcademicYear)


def _group_years(session: Session, group_ids: set[Any], delivery_ids: set[Any]) -> set[int]:
    """The years of the groups, and of the groups of the delivery sessions: from the
    groups this session holds, else one query."""
    if delivery_ids:
        group_ids = group_ids | set(
            session.scalars(_GROUPS_OF_SESSIONS, {"ids": sorted(delivery_ids)})
        )
    years: set[int] = set()
    unknown: list[Any] = []
    for group_id in group_ids:
        held = session.identity_map.get(identity_key(ProvisionGroup, group_id))
        year_id = held.__dict__.get("academic_year_id") if held is not None else None
        if year_id is None:
            unknown.append(group_id)
        else:
            years.add(year_id)
    if unknown:
        years |= set(session.scalars(_YEARS_OF_GROUPS, {"ids": sorted(unknown)}))
    return years


def _review_day(review: Review) -> dt.date | None:
    return review.review_date or review.baseline_date


class _Facts:
    """What the rows being written say about the years they belong to."""

    def __init__(self, rows: list[Any], deleted: set[Any]) -> None:
        self.year_ids: set[int] = set()
        self.group_ids: set[Any] = set()
        self.delivery_ids: set[Any] = set()
        self.days: set[dt.date] = set()
        self.closed_changed: set[int] = set()
        for row in rows:
            if isinstance(row, _OWN_YEAR):
                self.year_ids |= _old_and_new(row, "academic_year_id")
            elif isinstance(row, _GROUP_ROWS):
                self.group_ids |= _old_and_new(row, "group_id")
            elif isinstance(row, SessionAttendance):
                self.delivery_ids |= _old_and_new(row, "session_id")
            elif isinstance(row, Review):
                self.days |= {d for d in (_review_day(row),) if d is not None}
            elif isinstance(row, AcademicYear) and _was_closed(row, row in deleted):
                self.closed_changed.add(row.id)

    def __bool__(self) -> bool:
        return bool(
            self.year_ids or self.group_ids or self.delivery_ids or self.days or self.closed_changed
        )


def _was_closed(year: AcademicYear, deleted: bool) -> bool:
    """True for a year closed before this change that is deleted or changes more than
    its closing day."""
    state = inspect(year)
    closed = state.attrs.closed_on.history
    if not any(v is not None for v in (*closed.deleted, *closed.unchanged)):
        return False
    return deleted or any(
        attr.history.has_changes() for attr in state.attrs if attr.key not in ("closed_on", "terms")
    )


def _check(session: Session, _context: Any, _instances: Any) -> None:
    """Refuse the flush when a row it writes belongs to a closed year.

    The rows are read first, without the database; the closed years come from the
    school's years (read once per transaction), and only when there is one are the
    rows' groups looked up (those this session holds need no query). A year
    counts as changed-while-closed only if it was closed before this change, so it is
    already closed in the database and among the closed years looked up.
    """
    if session.info.get(_STANDING_ASIDE):
        return
    rows = [r for r in session.dirty if isinstance(r, _WITH_A_YEAR) and session.is_modified(r)]
    deleted = set(session.deleted)
    rows += [r for r in (*session.new, *deleted) if isinstance(r, _WITH_A_YEAR)]
    if not rows:
        return
    facts = _Facts(rows, deleted)
    if not facts:
        return
    with session.no_autoflush:
        closed = [
            (r.id, r.label, r.start_date, r.end_date)
            for r in year_rows(session)
            if r.closed_on is not None
        ]
        if not closed:
            return
        year_ids = facts.year_ids | _group_years(session, facts.group_ids, facts.delivery_ids)
    for year_id, label, start, end in closed:
        if year_id in year_ids or year_id in facts.closed_changed:
            raise DomainError(closed_year_message(label))
        if any(start <= day <= end for day in facts.days):
            raise DomainError(closed_year_message(label))


def install() -> None:
    """Check every session's writes (done once, when the domain package is imported)."""
    if not event.contains(Session, "before_flush", _check):
        event.listen(Session, "before_flush", _check)
