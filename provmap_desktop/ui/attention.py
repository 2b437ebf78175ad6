"""The status strip's one-line summary of what needs attention."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy.orm import Session

Check = Callable[[Session, dt.date], str | None]


def _reviews_due(session: Session, today: dt.date) -> str | None:
    from sqlalchemy import func, select

    from ..models import Review

    horizon = today + dt.timedelta(days=7)
    count = session.scalar(
        select(func.count(Review.id)).where(
            Review.completed_on.is_(None), Review.review_date <= horizon
        )
    )
    return f"{count} review{'s' if count != 1 else ''} due or overdue" if count else None


CHECKS: list[Check] = [_reviews_due]


def attention_summary(session: Session, today: dt.date) -> str:
    parts = [text for check in CHECKS if (text := check(session, today))]
    return " · ".join(parts) if parts else "Nothing needs attention today."
