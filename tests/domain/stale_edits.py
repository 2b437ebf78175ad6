"""What the two-people undo tests share: finding a row, and checking that an undo, or a
write made on a stale copy, is refused."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from provmap_desktop.domain.change import Change
from provmap_desktop.domain.concurrency import StaleEdit, WrittenVersions, refusal


def row_id(session: Session, model: Any, **where: Any) -> int:
    """The id of the one row of ``model`` with the column values ``where``."""
    query = select(model.id)
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    return int(session.scalars(query).one())


def refused(senco: Session, written: WrittenVersions, change: Change, noun: str) -> None:
    """The SENCO's undo of ``change`` is refused, naming the ``noun`` someone else changed."""
    senco.expire_all()
    with pytest.raises(StaleEdit) as raised:
        written.check(senco, change)
    assert str(raised.value) == (
        f"Someone else changed this {noun} since your edit, so it was not undone; "
        "the screen has been reloaded."
    )
    senco.rollback()


def stale_write_refused(session: Session, write: Callable[[], object], noun: str) -> None:
    """``write``, made on ``session``'s stale copy of a ``noun``, is refused in words."""
    with pytest.raises(StaleDataError) as raised:
        write()
    session.rollback()
    assert str(refusal(raised.value)) == (
        f"Someone else changed this {noun} since you opened it; the screen has been reloaded."
    )
