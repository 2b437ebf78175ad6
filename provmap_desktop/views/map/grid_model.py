"""The provision map as a Qt item model: provisions (grouped by area and wave) × year groups.

Rows are section headings (area of need, then wave) and provisions, then a totals row;
columns are the school's year groups, then a totals column. A cell's groups and pupils
come from the ``MapSnapshot`` the service builds; after an edit only the groups that
changed are reloaded and only their cells are repainted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor

from ...services.formatting import format_money
from ...services.provision_map import GroupInfo, MapRow, MapSnapshot, MemberInfo
from ...ui.colours import AREA_COLOURS, UNKNOWN_AREA
from ...ui.short_forms import column_short
from .cell_words import cell_speech, cell_text, cell_tooltip, group_block, totals_text
from .chips import AREA_COLOUR_ROLE, CELL_ROLE, CellContent, Chip
from .map_rows import RowEntry, heading_text, layout_rows
from .mime import MEMBERSHIPS_MIME, PUPILS_MIME, memberships_mime

Index = QModelIndex | QPersistentModelIndex

#: Role on every cell: ``(provision_id, year_group_id)`` or None for headings and totals.
TARGET_ROLE = Qt.ItemDataRole.UserRole + 20
#: Role on heading rows: the section key, e.g. ``("CL",)`` or ``("CL", 2)``.
SECTION_ROLE = Qt.ItemDataRole.UserRole + 21


def _one_a_line(text: str, role: int) -> str:
    """A totals cell shows each figure on its own line, so a narrow column never breaks
    "0.75 h/wk" in two; a screen reader hears them as one sentence."""
    return text.replace(" · ", "\n") if role == Qt.ItemDataRole.DisplayRole else text


class MapGridModel(QAbstractTableModel):
    """The provision map grid: a row per section or provision, a column per year group."""

    #: A drop or keyboard allocation asked to be done: (provision_id, year_group_id,
    #: pupil_ids or membership ids, kind "pupils" | "memberships", cell index).
    drop_requested = Signal(int, object, list, str, QModelIndex)

    def __init__(
        self,
        load: Callable[[], MapSnapshot | None],
        today: Callable[[], dt.date] = dt.date.today,
        *,
        load_now: bool = True,
    ) -> None:
        """A model that gets its snapshot from `load` and today's date from `today`.

        ``load_now`` False leaves it empty until the first ``reload()``, for an owner
        that reloads it straight after building it.
        """
        super().__init__()
        self._load = load
        self._today = today
        self.snapshot: MapSnapshot | None = None
        self.entries: list[RowEntry] = []
        self.collapsed: set[tuple[Any, ...]] = set()
        self.show_costs = False
        #: False when the login may not change the map: no cell takes a drop.
        self.takes_drops = True
        self.cost_per_pupil: dict[int, Decimal] = {}
        self.cell_costs: dict[tuple[int, int | None], Decimal] = {}
        self.group_rates: dict[int, str] = {}  # group id -> "92% ● Green", once delivered
        #: Leave out provisions with no group in the period (a new school's empty rows).
        self.hide_empty = True
        #: Columns too narrow for their name: their headings read "Rec", "Y1", … (the
        #: tooltip and the screen reader still say the whole name).
        self.short_columns: set[int] = set()
        if load_now:
            self.reload()

    # -- building -------------------------------------------------------------------

    def reload(self) -> None:
        """Load a fresh snapshot and lay the rows out again."""
        self.beginResetModel()
        self.snapshot = self._load()
        self._layout_rows()
        self.endResetModel()

    def set_snapshot(self, snapshot: MapSnapshot | None) -> None:
        """Show `snapshot` (None: an empty grid)."""
        self.beginResetModel()
        self.snapshot = snapshot
        self._layout_rows()
        self.endResetModel()

    def _layout_rows(self) -> None:
        """Work out the rows to show from the snapshot, the folds and the hide-empty choice."""
        self.entries = layout_rows(self.snapshot, self.hide_empty, self.collapsed)

    def set_hide_empty(self, hide: bool) -> None:
        """Leave out, or show, provisions with no group in the period."""
        self.beginResetModel()
        self.hide_empty = hide
        self._layout_rows()
        self.endResetModel()

    def _shown_provisions(self) -> list[int]:
        """The provisions with a row, top to bottom."""
        return [e.row.provision_id for e in self.entries if e.row is not None]

    def toggle_section(self, key: tuple[Any, ...]) -> None:
        """Fold or unfold the area or wave section `key`."""
        self.beginResetModel()
        self.collapsed ^= {key}
        self._layout_rows()
        self.endResetModel()

    @property
    def columns(self) -> list[Any]:
        """The year group columns (the totals column comes after them)."""
        return self.snapshot.columns if self.snapshot else []

    # -- Qt model interface ---------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        """The rows laid out (a table: no children)."""
        return 0 if parent.isValid() else len(self.entries)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        """The year groups and the totals column."""
        return 0 if parent.isValid() or not self.snapshot else len(self.columns) + 1

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        """Year group names across the top; row headings, tips and area colours down the side."""
        if orientation == Qt.Orientation.Horizontal:
            if section > len(self.columns):
                return None
            name = "Total" if section == len(self.columns) else self.columns[section].name
            if role == Qt.ItemDataRole.DisplayRole and section in self.short_columns:
                return column_short(name)
            if role in (
                Qt.ItemDataRole.DisplayRole,
                Qt.ItemDataRole.AccessibleTextRole,
                Qt.ItemDataRole.ToolTipRole,
            ):
                return name
            return None
        if section >= len(self.entries):
            return None
        entry = self.entries[section]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self.row_heading(entry)
        if role == Qt.ItemDataRole.ToolTipRole and entry.row is not None:
            return f"{entry.row.name}\n{entry.row.area_label}"
        if role == Qt.ItemDataRole.DecorationRole and entry.kind in ("area", "provision"):
            area = entry.key[0] if entry.kind == "area" else entry.row.area  # type: ignore[union-attr]
            return QColor(AREA_COLOURS.get(area, UNKNOWN_AREA))
        return None

    def row_heading(self, entry: RowEntry) -> str:
        """The heading of a row, as the row header shows it."""
        return heading_text(entry, self.collapsed, self.cost_per_pupil)

    def target(self, index: Index) -> tuple[int, int | None] | None:
        """The (provision, year group) a cell stands for, or None for other cells."""
        if not index.isValid() or index.row() >= len(self.entries):
            return None
        entry = self.entries[index.row()]
        if entry.kind != "provision" or index.column() >= len(self.columns):
            return None
        assert entry.row is not None
        return entry.row.provision_id, self.columns[index.column()].id

    def cell_groups(self, index: Index) -> list[GroupInfo]:
        """The groups in a cell (none for headings and totals)."""
        target = self.target(index)
        if target is None or self.snapshot is None:
            return []
        return self.snapshot.cell(*target)

    def flags(self, index: Index) -> Qt.ItemFlag:
        """Every cell can be chosen; only a provision's year group cells take drops."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.takes_drops and self.target(index) is not None:
            flags |= Qt.ItemFlag.ItemIsDropEnabled
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """A cell's text, speech, tooltip, chips and colours, by role."""
        if not index.isValid() or index.row() >= len(self.entries):
            return None
        entry = self.entries[index.row()]
        column = index.column()
        if role == TARGET_ROLE:
            return self.target(index)
        if role == SECTION_ROLE:
            return entry.key if entry.kind in ("area", "wave") else None
        if entry.kind in ("area", "wave"):
            # The heading text is in the row header; the spanned cell is a quiet band.
            if role == Qt.ItemDataRole.AccessibleTextRole:
                return self.row_heading(entry).strip()
            if role == Qt.ItemDataRole.BackgroundRole:
                area = AREA_COLOURS.get(entry.key[0], UNKNOWN_AREA)
                colour = QColor(area)
                colour.setAlpha(40 if entry.kind == "area" else 20)
                return colour
            return None
        if entry.kind == "total":
            return self._total_data(column, role)
        assert entry.row is not None
        if column == len(self.columns):
            return self._row_total_data(entry.row, role)
        groups = entry.row.cells.get(self.columns[column].id, [])
        if role == CELL_ROLE:
            return self._cell_content(entry.row, self.columns[column].id, groups)
        if role == AREA_COLOUR_ROLE:
            return QColor(AREA_COLOURS.get(entry.row.area, UNKNOWN_AREA))
        if role == Qt.ItemDataRole.DisplayRole:
            return cell_text(groups, self.end_note)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            where = f"{entry.row.name}, {self.columns[column].name}"
            if not groups:
                return f"{where}: no group. Drop pupils here to start one."
            speech = cell_speech(groups, self.current_members, self.end_note, self.group_rates)
            return f"{where}: {speech}"
        if role == Qt.ItemDataRole.ToolTipRole and groups:
            return cell_tooltip(groups, self.current_members, self.end_note, self.group_rates)
        return None

    def end_note(self, group: GroupInfo, member: MemberInfo) -> str:
        """``ended 23/11/2026`` for a pupil who has left the group early, and so on."""
        if self.snapshot is None:
            return ""
        return group.end_note(member, self.snapshot.period_end, self._today())

    def current_members(self, group: GroupInfo) -> list[MemberInfo]:
        """The group's members who have not left it by today."""
        if self.snapshot is None:
            return list(group.members)
        return group.current_members(self.snapshot.period_end, self._today())

    def _cell_content(
        self, row: MapRow, year_group_id: int | None, groups: list[GroupInfo]
    ) -> CellContent:
        """What the cell delegate draws: a block per group and the cell's cost if shown."""
        blocks = tuple(
            group_block(group, self.current_members, self.end_note, self.group_rates)
            for group in groups
        )
        cost_text = ""
        if self.show_costs:
            cost = self.cell_costs.get((row.provision_id, year_group_id))
            if cost is not None:
                cost_text = format_money(cost)
        return CellContent(blocks, cost_text, new_group_zone=self.takes_drops)

    def _row_total_data(self, row: MapRow, role: int) -> Any:
        """The totals column of a provision's row: its pupils, hours and cost if shown."""
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return None
        cost = None
        if self.show_costs:
            cost = sum(
                (c for (p, _), c in self.cell_costs.items() if p == row.provision_id), Decimal(0)
            )
        return _one_a_line(totals_text(row.totals, cost), role)

    def _total_data(self, column: int, role: int) -> Any:
        """The totals row: a year group's (or the whole map's) pupils, hours and cost."""
        if self.snapshot is None or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.AccessibleTextRole,
        ):
            return None
        if column == len(self.columns):
            totals = self.snapshot.grand_totals
        else:
            totals = self.snapshot.column_totals(self.columns[column].id)
        cost = None
        if self.show_costs:
            year_id = None if column == len(self.columns) else self.columns[column].id
            cost = sum(
                (c for (_, y), c in self.cell_costs.items() if year_id is None or y == year_id),
                Decimal(0),
            )
        return _one_a_line(totals_text(totals, cost), role)

    # -- drag and drop --------------------------------------------------------------

    def mimeTypes(self) -> list[str]:
        """Pupils from the tray and chips from other cells can be dropped."""
        return [PUPILS_MIME, MEMBERSHIPS_MIME]

    def chips_mime_data(self, chips: Iterable[Chip]) -> QMimeData:
        """What dragging these chips carries: their memberships, for a drop to move."""
        chosen = list(chips)
        return memberships_mime([c.membership_id for c in chosen], [c.name for c in chosen])

    def supportedDropActions(self) -> Qt.DropAction:
        """Drops copy (allocate pupils) or move (move chips)."""
        return Qt.DropAction.CopyAction | Qt.DropAction.MoveAction

    def canDropMimeData(
        self, data: QMimeData, _action: Qt.DropAction, _row: int, _column: int, parent: Index
    ) -> bool:
        """Whether `data` holds pupils or chips and the cell under it takes drops."""
        if not self.takes_drops:
            return False
        if not (data.hasFormat(PUPILS_MIME) or data.hasFormat(MEMBERSHIPS_MIME)):
            return False
        return self.target(parent) is not None

    def dropMimeData(
        self, data: QMimeData, _action: Qt.DropAction, _row: int, _column: int, parent: Index
    ) -> bool:
        """A drop on a cell asks for an allocation (pupils) or a move (chips)."""
        from .mime import read_ids

        target = self.target(parent) if self.takes_drops else None
        if target is None:
            return False
        pupil_ids = read_ids(data, PUPILS_MIME)
        membership_ids = read_ids(data, MEMBERSHIPS_MIME)
        index = self.index(parent.row(), parent.column())
        if pupil_ids:
            self.drop_requested.emit(target[0], target[1], pupil_ids, "pupils", index)
            return True
        if membership_ids:
            self.drop_requested.emit(target[0], target[1], membership_ids, "memberships", index)
            return True
        return False

    # -- incremental refresh --------------------------------------------------------

    def replace_snapshot_cells(self, snapshot: MapSnapshot) -> None:
        """Swap in a newer snapshot of the same period, repainting only changed cells."""
        old = self.snapshot
        if (
            old is None
            or [c.id for c in old.columns] != [c.id for c in snapshot.columns]
            or [r.provision_id for r in old.rows] != [r.provision_id for r in snapshot.rows]
        ):
            self.set_snapshot(snapshot)
            return
        shown = self._shown_provisions()
        self.snapshot = snapshot
        self._layout_rows()
        if self._shown_provisions() != shown:
            # A provision gained its first group (or lost its last): rows come and go.
            self.set_snapshot(snapshot)
            return
        self.refresh_all_cells()

    def refresh_all_cells(self) -> None:
        """Repaint every cell and row heading."""
        if self.entries:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self.entries) - 1, len(self.columns))
            )
            self.headerDataChanged.emit(Qt.Orientation.Vertical, 0, len(self.entries) - 1)

    def refresh_provisions(self, provision_ids: set[int]) -> None:
        """Tell views the rows of these provisions and the totals changed."""
        if self.hide_empty and not provision_ids <= set(self._shown_provisions()):
            self.set_snapshot(self.snapshot)  # a provision's first group: show its row
            return
        for number, entry in enumerate(self.entries):
            if entry.row is not None and entry.row.provision_id in provision_ids:
                self.dataChanged.emit(self.index(number, 0), self.index(number, len(self.columns)))
        last = len(self.entries) - 1
        if last >= 0:
            self.dataChanged.emit(self.index(last, 0), self.index(last, len(self.columns)))

    def row_of_provision(self, provision_id: int) -> int | None:
        """The row of `provision_id`, if it has one."""
        for number, entry in enumerate(self.entries):
            if entry.row is not None and entry.row.provision_id == provision_id:
                return number
        return None

    def column_of_year_group(self, year_group_id: int | None) -> int | None:
        """The column of `year_group_id`, if it has one."""
        for number, column in enumerate(self.columns):
            if column.id == year_group_id:
                return number
        return None
