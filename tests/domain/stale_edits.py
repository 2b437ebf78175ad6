"""What the two-people undo tests share: finding a row, and checking an undo is refused."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from provmap_desktop.domain.change import Change
from provmap_desktop.domain.concurrency import StaleEdit, WrittenVersions


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
