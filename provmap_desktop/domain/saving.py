"""Saving a domain write, with the server's refusals said in plain words.

``saving`` wraps a domain write and commits it after (``save`` only commits). When
someone else saved the same rows since they were read (``StaleEdit``) or the login
may not write what the edit touches (``NotPermitted``: the server's roles, see
``storage.roles``), the whole transaction is rolled back, so nothing is half-written,
and the refusal says why.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ..storage.roles import STAFF_REASON, is_permission_refusal
from .change import DomainError
from .concurrency import refusal


class NotPermitted(DomainError):
    """The database server does not let this login make the edit."""

    def __init__(self) -> None:
        super().__init__(f"That change was not saved: {STAFF_REASON}")


def save(session: Session) -> None:
    """Commit; on a stale row or a refused privilege roll back and raise a ``DomainError``."""
    with saving(session):
        pass


@contextmanager
def saving(session: Session) -> Iterator[None]:
    """Make the writes in the block, then commit; refusals as in ``save``.

    A write that flushes part way (to read its own rows back) meets the server's
    refusal inside the block: it is rolled back and said the same way.
    """
    try:
        yield
        session.commit()
    except StaleDataError as exc:
        session.rollback()
        raise refusal(exc) from None
    except DBAPIError as exc:
        session.rollback()
        if is_permission_refusal(exc):
            raise NotPermitted() from None
        raise
