"""The preview of a provision map import: five tabs of what the file holds.

The provisions found, the groups and their pupils, the names that match no pupil or
several, and the cells that could not be read; each tab's title counts its lines.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QHeaderView, QTableWidget, QTableWidgetItem, QTabWidget

from ..models.vocab import AREA_LABELS, AreaOfNeed
from ..services.map_import import MapPlan, PlannedProvision

TABS = ("Pro&visions", "&Groups", "&Unmatched names", "&Ambiguous names", "&Not read")


def _table(headers: tuple[str, ...], name: str) -> QTableWidget:
    """A read-only table with ``headers``, named ``name``, its last column stretched."""
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(list(headers))
    table.setAccessibleName(name)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.verticalHeader().setVisible(False)
    table.setWordWrap(True)
    table.setTabKeyNavigation(False)  # Tab moves on to the next control
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(len(headers) - 1, QHeaderView.ResizeMode.Stretch)
    return table


def _fill(table: QTableWidget, rows: Sequence[tuple[str, ...]]) -> None:
    """Put ``rows`` in ``table``, each cell's text also its tooltip."""
    table.setRowCount(len(rows))
    for r, cells in enumerate(rows):
        for c, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            table.setItem(r, c, item)
    table.resizeRowsToContents()


def plan_summary(plan: MapPlan) -> str:
    """What the import would do, in one paragraph."""
    new = len(plan.new_provisions)
    live = [g for g in plan.groups if g.pupil_ids or g.already]
    return (
        f"{plan.source}, for {plan.period_text}: {len(plan.provisions)} provisions "
        f"({new} new to the catalogue), {len(live)} groups, {plan.allocation_count} "
        f"allocations. {len(plan.unmatched)} names match no pupil, "
        f"{len(plan.ambiguous)} match several, {len(plan.unread)} cells could not be "
        "read. Nothing is written until you press Import."
    )


class PlanTabs(QTabWidget):
    """The five tabs of a map import's preview, each a table."""

    def __init__(self) -> None:
        super().__init__()
        self.provisions_table = _table(
            ("Provision", "In the catalogue?", "Area", "Wave", "Frequency"), "Provisions found"
        )
        self.groups_table = _table(
            ("Provision", "Year group", "Group", "Pupils", "Names"), "Groups and allocations"
        )
        self.unmatched_table = _table(
            ("Name", "Year group", "Provision", "Where in the file", "Similar pupils"),
            "Names that match no pupil",
        )
        self.ambiguous_table = _table(
            ("Name", "Year group", "Provision", "Where in the file", "Could be"),
            "Names that match several pupils",
        )
        self.unread_table = _table(
            ("Sheet or table", "Row", "Column", "Text", "Why"), "Cells not read"
        )
        for title, table in zip(TABS, self._tables(), strict=True):
            self.addTab(table, title)

    def _tables(self) -> tuple[QTableWidget, ...]:
        """The tables, in the order of the tabs."""
        return (
            self.provisions_table,
            self.groups_table,
            self.unmatched_table,
            self.ambiguous_table,
            self.unread_table,
        )

    def clear_plan(self) -> None:
        """Empty every table."""
        for table in self._tables():
            table.setRowCount(0)

    def show_plan(self, plan: MapPlan) -> None:
        """Fill every table from ``plan`` and count the lines in each tab's title."""
        live = [g for g in plan.groups if g.pupil_ids or g.already]
        _fill(self.provisions_table, [_provision_row(p) for p in plan.provisions])
        _fill(
            self.groups_table,
            [
                (
                    g.provision,
                    g.year_group,
                    g.name_shown,
                    str(len(g.pupil_ids)),
                    ", ".join(g.pupil_names)
                    + (f" (already in it: {', '.join(g.already)})" if g.already else ""),
                )
                for g in live
            ],
        )
        for table, problems in (
            (self.unmatched_table, plan.unmatched),
            (self.ambiguous_table, plan.ambiguous),
        ):
            _fill(
                table,
                [
                    (p.name, p.year_group, p.provision, str(p.place), ", ".join(p.candidates))
                    for p in problems
                ],
            )
        _fill(
            self.unread_table,
            [
                (u.place.sheet, str(u.place.row), u.place.column_name, u.text, u.reason)
                for u in plan.unread
            ],
        )
        counts = (
            len(plan.provisions),
            len(live),
            len(plan.unmatched),
            len(plan.ambiguous),
            len(plan.unread),
        )
        for index, (title, count) in enumerate(zip(TABS, counts, strict=True)):
            self.setTabText(index, f"{title} ({count})")


def _provision_row(p: PlannedProvision) -> tuple[str, ...]:
    """A provision found: its name, whether the catalogue has it, area, wave, frequency."""
    return (
        p.name,
        "New" if p.is_new else "Yes",
        AREA_LABELS[AreaOfNeed(p.area)],
        str(p.wave),
        f"{p.frequency.sessions_per_week} x {p.frequency.session_minutes} min"
        if p.frequency
        else "",
    )
