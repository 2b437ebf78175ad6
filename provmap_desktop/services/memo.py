"""Figures worked out once per state of the data, and shared by whoever asks next.

The status strip's checks, the Reviews screen's impact table and the map each need the
year's delivery rates and costs. ``per_change`` keeps what one of them worked out on
the session, under a key naming the figures and their arguments, until the session
writes anything (a flush, or an INSERT, UPDATE or DELETE run directly), commits or
rolls back: then every kept figure is dropped, so nothing stale is ever handed out.
Only read-only results belong here: whoever gets one must not change it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

if TYPE_CHECKING:
    from .cost_records import CostedMap
    from .delivery import DeliveryRates

T = TypeVar("T")

_MEMO = "provmap_per_change"


def _forget(session: Session, *_args: Any) -> None:
    memo = session.info.get(_MEMO)
    if memo:
        memo.clear()


def _forget_on_write(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        _forget(state.session)


def _memo(session: Session) -> dict[Hashable, Any]:
    memo = session.info.get(_MEMO)
    if memo is None:
        memo = session.info[_MEMO] = {}
        for name in ("after_flush", "after_commit", "after_rollback", "after_soft_rollback"):
            event.listen(session, name, _forget)
        event.listen(session, "do_orm_execute", _forget_on_write)
    return memo  # type: ignore[no-any-return]


def per_change(session: Session, key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``'s result, worked out at most once until the data next changes."""
    memo = _memo(session)
    if key not in memo:
        memo[key] = compute()
    return memo[key]  # type: ignore[no-any-return]


def forget(session: Session) -> None:
    """Drop every figure kept for ``session`` (after a change made outside it)."""
    _forget(session)


def year_delivery_rates(session: Session, academic_year_id: int, as_of: dt.date) -> DeliveryRates:
    """``delivery_rates`` of the year up to ``as_of``, shared until the data changes."""
    from .delivery import delivery_rates

    key = ("delivery_rates", academic_year_id, as_of)
    return per_change(session, key, lambda: delivery_rates(session, academic_year_id, as_of))


def year_costs(session: Session, academic_year_id: int, as_of: dt.date) -> CostedMap:
    """The whole year's ``cost_map`` (to date up to ``as_of``), shared until the data
    changes."""
    from .costing import cost_map

    key = ("cost_map", academic_year_id, as_of)
    return per_change(session, key, lambda: cost_map(session, academic_year_id, as_of=as_of))
