"""The provision map as a Qt item model: provisions (grouped by area and wave) × year groups.

Rows are section headings (area of need, then wave) and provisions, then a totals row;
columns are the school's year groups, then a totals column. A cell's groups and pupils
come from the ``MapSnapshot`` the service builds; after an edit only the groups that
changed are reloaded and only their cells are repainted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
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

from ...models.vocab import AREA_LABELS, AreaOfNeed
from ...services.formatting import format_money
from ...services.provision_map import GroupInfo, MapRow, MapSnapshot, MemberInfo
from ...ui.colours import AREA_COLOURS, UNKNOWN_AREA
from .chips import AREA_COLOUR_ROLE, CELL_ROLE, CellContent, Chip, GroupBlock
from .mime import MEMBERSHIPS_MIME, PUPILS_MIME, memberships_mime

Index = QModelIndex | QPersistentModelIndex

#: Role on every cell: ``(provision_id, year_group_id)`` or None for headings and totals.
TARGET_ROLE = Qt.ItemDataRole.UserRole + 20
#: Role on heading rows: the section key, e.g. ``("CL",)`` or ``("CL", 2)``.
SECTION_ROLE = Qt.ItemDataRole.UserRole + 21


@dataclass(frozen=True)
class RowEntry:
    kind: str  # "area" | "wave" | "provision" | "total"
    key: tuple[Any, ...] = ()
    row: MapRow | None = None
    count: int = 0


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _hours(minutes: int) -> str:
    hours = Decimal(minutes) / 60
    text = f"{hours:.2f}".rstrip("0").rstrip(".")
    return f"{text} h/wk"


class MapGridModel(QAbstractTableModel):
    #: A drop or keyboard allocation asked to be done: (provision_id, year_group_id,
    #: pupil_ids or membership ids, kind "pupils" | "memberships", cell index).
    drop_requested = Signal(int, object, list, str, QModelIndex)

    def __init__(
        self,
        load: Callable[[], MapSnapshot | None],
        today: Callable[[], dt.date] = dt.date.today,
    ) -> None:
        super().__init__()
        self._load = load
        self._today = today
        self.snapshot: MapSnapshot | None = None
        self.entries: list[RowEntry] = []
        self.collapsed: set[tuple[Any, ...]] = set()
        self.show_costs = False
        self.cost_per_pupil: dict[int, Decimal] = {}
        self.cell_costs: dict[tuple[int, int | None], Decimal] = {}
        self.group_rates: dict[int, str] = {}  # group id -> "92% ● Green", once delivered
        #: Leave out provisions with no group in the period (a new school's empty rows).
        self.hide_empty = True
        self.reload()

    # -- building -------------------------------------------------------------------

    def reload(self) -> None:
        self.beginResetModel()
        self.snapshot = self._load()
        self._layout_rows()
        self.endResetModel()

    def set_snapshot(self, snapshot: MapSnapshot | None) -> None:
        self.beginResetModel()
        self.snapshot = snapshot
        self._layout_rows()
        self.endResetModel()

    def _layout_rows(self) -> None:
        entries: list[RowEntry] = []
        if self.snapshot is not None:
            for area, all_waves in self.snapshot.sections():
                # Provisions with no group in the period are left out unless asked for.
                waves = [
                    (wave, [r for r in rows if not self.hide_empty or r.groups()])
                    for wave, rows in all_waves
                ]
                waves = [(wave, rows) for wave, rows in waves if rows]
                if not waves:
                    continue
                area_count = sum(len(rows) for _, rows in waves)
                entries.append(RowEntry("area", (area,), count=area_count))
                if (area,) in self.collapsed:
                    continue
                for wave, rows in waves:
                    entries.append(RowEntry("wave", (area, wave), count=len(rows)))
                    if (area, wave) in self.collapsed:
                        continue
                    entries.extend(RowEntry("provision", row=row) for row in rows)
            entries.append(RowEntry("total"))
        self.entries = entries

    def set_hide_empty(self, hide: bool) -> None:
        self.beginResetModel()
        self.hide_empty = hide
        self._layout_rows()
        self.endResetModel()

    def _shown_provisions(self) -> list[int]:
        return [e.row.provision_id for e in self.entries if e.row is not None]

    def toggle_section(self, key: tuple[Any, ...]) -> None:
        self.beginResetModel()
        self.collapsed ^= {key}
        self._layout_rows()
        self.endResetModel()

    @property
    def columns(self) -> list[Any]:
        return self.snapshot.columns if self.snapshot else []

    # -- Qt model interface ---------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.entries)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() or not self.snapshot else len(self.columns) + 1

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
                return "Total" if section == len(self.columns) else self.columns[section].name
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
        if entry.kind == "area":
            arrow = "▸" if entry.key in self.collapsed else "▾"
            label = AREA_LABELS.get(AreaOfNeed(entry.key[0]), entry.key[0])
            return f"{arrow} {label} ({entry.count})"
        if entry.kind == "wave":
            arrow = "▸" if entry.key in self.collapsed else "▾"
            return f"    {arrow} Wave {entry.key[1]} ({entry.count})"
        if entry.kind == "total":
            return "Total pupils · adult hours a week"
        row = entry.row
        assert row is not None
        parts = [f"W{row.wave}", row.frequency_text]
        cost = self.cost_per_pupil.get(row.provision_id)
        if cost is not None:
            parts.append(f"{format_money(cost)}/pupil")
        retired = " (retired)" if row.retired else ""
        return f"{row.name}{retired}\n{' · '.join(parts)}"

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
        target = self.target(index)
        if target is None or self.snapshot is None:
            return []
        return self.snapshot.cell(*target)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.target(index) is not None:
            flags |= Qt.ItemFlag.ItemIsDropEnabled
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
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
            return self._cell_text(groups)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            where = f"{entry.row.name}, {self.columns[column].name}"
            if not groups:
                return f"{where}: no group. Drop pupils here to start one."
            return f"{where}: {self._cell_speech(groups)}"
        if role == Qt.ItemDataRole.ToolTipRole and groups:
            return self._cell_text(groups).replace("; ", "\n")
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

    def _member_text(self, group: GroupInfo, member: MemberInfo) -> str:
        note = self.end_note(group, member)
        return f"{member.display_name} ({note})" if note else member.display_name

    def _cell_text(self, groups: Iterable[GroupInfo]) -> str:
        parts = []
        for group in groups:
            names = ", ".join(self._member_text(group, m) for m in group.members) or "no pupils"
            heading = " ".join(x for x in (group.staff_name, group.slot_text) if x)
            parts.append(f"{heading or group.name or 'Group'}: {names}")
        return "; ".join(parts)

    def _cell_speech(self, groups: Iterable[GroupInfo]) -> str:
        """What a screen reader says for a cell: all a sighted user reads there, in words.

        "Phonics catch-up – Year 1, Mrs Bhatt, Mon, Tue 13:15, 4 of 6 pupils, delivered
        92% of planned sessions, green: Jack Francis, Aisha Lloyd (ended 23/11/2026)."
        """
        parts = []
        for group in groups:
            current = self.current_members(group)
            facts = [
                group.name or "Group",
                group.staff_name or "no staff named",
                group.slot_text,
                f"{len(current)} of {group.max_size} pupils",
            ]
            if len(current) > group.max_size:
                facts.append("over size")
            rate = self.group_rates.get(group.id)
            if rate:
                percent, *_symbol, word = rate.split()
                facts.append(f"delivered {percent} of planned sessions, {word.lower()}")
            names = ", ".join(self._member_text(group, m) for m in group.members) or "no pupils"
            parts.append(f"{', '.join(f for f in facts if f)}: {names}")
        return ". ".join(parts) + "." if parts else ""

    def _cell_content(
        self, row: MapRow, year_group_id: int | None, groups: list[GroupInfo]
    ) -> CellContent:
        blocks = []
        for group in groups:
            current = self.current_members(group)
            size = f"{len(current)}/{group.max_size}"
            over = len(current) > group.max_size
            heading_parts = [group.staff_name or "No staff named", group.slot_text, size]
            if over:
                heading_parts.append("! over size")
            if group.id in self.group_rates:
                heading_parts.append(self.group_rates[group.id])
            heading_parts = [p for p in heading_parts if p]
            # Pupils still in the group first; those who have left after them, marked.
            left = [m for m in group.members if m not in current]
            chips = tuple(
                Chip(
                    m.membership_id,
                    m.pupil_id,
                    m.display_name,
                    note=self.end_note(group, m),
                    ended=m in left,
                )
                for m in (*current, *left)
            )
            blocks.append(GroupBlock(group.id, " · ".join(heading_parts), chips, over))
        cost_text = ""
        if self.show_costs:
            cost = self.cell_costs.get((row.provision_id, year_group_id))
            if cost is not None:
                cost_text = format_money(cost)
        return CellContent(tuple(blocks), cost_text)

    def _row_total_data(self, row: MapRow, role: int) -> Any:
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return None
        totals = row.totals
        text = f"{_plural(totals.pupils, 'pupil')} · {_hours(totals.adult_minutes_per_week)}"
        if self.show_costs:
            total = sum(
                (c for (p, _), c in self.cell_costs.items() if p == row.provision_id), Decimal(0)
            )
            text += f" · {format_money(total)}"
        return text

    def _total_data(self, column: int, role: int) -> Any:
        if self.snapshot is None or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.AccessibleTextRole,
        ):
            return None
        if column == len(self.columns):
            totals = self.snapshot.grand_totals
        else:
            totals = self.snapshot.column_totals(self.columns[column].id)
        text = f"{_plural(totals.pupils, 'pupil')} · {_hours(totals.adult_minutes_per_week)}"
        if self.show_costs:
            year_id = None if column == len(self.columns) else self.columns[column].id
            total = sum(
                (c for (_, y), c in self.cell_costs.items() if year_id is None or y == year_id),
                Decimal(0),
            )
            text += f" · {format_money(total)}"
        return text

    # -- drag and drop --------------------------------------------------------------

    def mimeTypes(self) -> list[str]:
        return [PUPILS_MIME, MEMBERSHIPS_MIME]

    def chips_mime_data(self, chips: Iterable[Chip]) -> QMimeData:
        """What dragging these chips carries: their memberships, for a drop to move."""
        chosen = list(chips)
        return memberships_mime([c.membership_id for c in chosen], [c.name for c in chosen])

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction | Qt.DropAction.MoveAction

    def canDropMimeData(
        self, data: QMimeData, _action: Qt.DropAction, _row: int, _column: int, parent: Index
    ) -> bool:
        if not (data.hasFormat(PUPILS_MIME) or data.hasFormat(MEMBERSHIPS_MIME)):
            return False
        return self.target(parent) is not None

    def dropMimeData(
        self, data: QMimeData, _action: Qt.DropAction, _row: int, _column: int, parent: Index
    ) -> bool:
        """A drop on a cell asks for an allocation (pupils) or a move (chips)."""
        from .mime import read_ids

        target = self.target(parent)
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
        for number, entry in enumerate(self.entries):
            if entry.row is not None and entry.row.provision_id == provision_id:
                return number
        return None

    def column_of_year_group(self, year_group_id: int | None) -> int | None:
        for number, column in enumerate(self.columns):
            if column.id == year_group_id:
                return number
        return None
