"""What the map shows of costs and delivery: each cell's planned cost, each provision's
cost per pupil, and each group's delivery rate as words. No widgets here."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import datetime as dt

    from sqlalchemy.orm import Session

    from ...services.cost_records import CostedMap
    from ...services.provision_map import MapSnapshot


def cell_costs(
    snapshot: MapSnapshot, costed: CostedMap
) -> tuple[dict[tuple[int, int | None], Decimal], dict[int, Decimal]]:
    """Each cell's planned cost (by provision and year group) and each provision's cost
    per pupil on the map: what its cells cost between them, over its pupils."""
    cells: dict[tuple[int, int | None], Decimal] = {}
    per_pupil: dict[int, Decimal] = {}
    for row in snapshot.rows:
        spent = Decimal(0)
        for year_group_id, groups in row.cells.items():
            cell_total = sum(
                (costed.by_group[g.id].planned for g in groups if g.id in costed.by_group),
                Decimal(0),
            )
            cells[(row.provision_id, year_group_id)] = cell_total
            spent += cell_total
        if row.totals.pupils:
            per_pupil[row.provision_id] = spent / row.totals.pupils
    return cells, per_pupil


def group_rates(session: Session, snapshot: MapSnapshot, today: dt.date) -> dict[int, str]:
    """Each group's delivery rate to ``today`` within the map's period, as a percentage,
    a symbol and a word ("86% ▲ Amber"); none before the period starts."""
    from ...services.delivery import rag
    from ...services.memo import year_delivery_rates

    as_of = min(today, snapshot.period_end)
    if as_of < snapshot.period_start:
        return {}
    # Shared with the status strip's checks, which ask for the same rates.
    rates = year_delivery_rates(session, snapshot.academic_year_id, as_of)
    shown: dict[int, str] = {}
    for group_id, rate in rates.by_group.items():
        if rate.planned:
            word, symbol = rag(rate, session)
            shown[group_id] = f"{rate.percent_text} {symbol} {word}"
    return shown
