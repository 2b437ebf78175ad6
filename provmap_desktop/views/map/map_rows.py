"""The rows of the provision map grid: area and wave headings, provisions, then totals.

Which rows show depends on the sections folded away and on whether provisions with no
group in the period are left out; each row's heading says what it holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ...models.vocab import AREA_LABELS, AreaOfNeed
from ...services.formatting import format_money
from ...services.provision_map import MapRow, MapSnapshot


@dataclass(frozen=True)
class RowEntry:
    """One row of the grid: a section heading, a provision, or the totals."""

    kind: str  # "area" | "wave" | "provision" | "total"
    key: tuple[Any, ...] = ()
    row: MapRow | None = None
    count: int = 0


def layout_rows(
    snapshot: MapSnapshot | None, hide_empty: bool, collapsed: set[tuple[Any, ...]]
) -> list[RowEntry]:
    """The rows to show: each area, its waves and their provisions, then the totals row."""
    entries: list[RowEntry] = []
    if snapshot is None:
        return entries
    for area, all_waves in snapshot.sections():
        # Provisions with no group in the period are left out unless asked for.
        waves = [
            (wave, [r for r in rows if not hide_empty or r.groups()]) for wave, rows in all_waves
        ]
        waves = [(wave, rows) for wave, rows in waves if rows]
        if not waves:
            continue
        area_count = sum(len(rows) for _, rows in waves)
        entries.append(RowEntry("area", (area,), count=area_count))
        if (area,) in collapsed:
            continue
        for wave, rows in waves:
            entries.append(RowEntry("wave", (area, wave), count=len(rows)))
            if (area, wave) in collapsed:
                continue
            entries.extend(RowEntry("provision", row=row) for row in rows)
    entries.append(RowEntry("total"))
    return entries


def heading_text(
    entry: RowEntry, collapsed: set[tuple[Any, ...]], cost_per_pupil: dict[int, Decimal]
) -> str:
    """A row's heading: a foldable section with its count, a provision, or the totals."""
    if entry.kind == "area":
        arrow = "▸" if entry.key in collapsed else "▾"
        label = AREA_LABELS.get(AreaOfNeed(entry.key[0]), entry.key[0])
        return f"{arrow} {label} ({entry.count})"
    if entry.kind == "wave":
        arrow = "▸" if entry.key in collapsed else "▾"
        return f"    {arrow} Wave {entry.key[1]} ({entry.count})"
    if entry.kind == "total":
        return "Total pupils · adult hours a week"
    row = entry.row
    assert row is not None
    parts = [f"W{row.wave}", row.frequency_text]
    cost = cost_per_pupil.get(row.provision_id)
    if cost is not None:
        parts.append(f"{format_money(cost)}/pupil")
    retired = " (retired)" if row.retired else ""
    return f"{row.name}{retired}\n{' · '.join(parts)}"
