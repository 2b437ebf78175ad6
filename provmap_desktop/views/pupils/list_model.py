"""The table behind the Pupils list: one row per pupil the filters let through.

The model holds a plain snapshot of each pupil (names already looked up), so sorting
and painting never touch the database. The model sorts itself (a Python sort of the
snapshot is far quicker than a proxy asking for each cell) by ``SORT_ROLE``: surname
then forename for names, the year group's place in the school (Reception before
Year 1) rather than its spelling. Equal keys keep the order the query gave.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

from ...models import Pupil
from ...models.vocab import NEED_TYPES, SenStatus

Index = QModelIndex | QPersistentModelIndex

NAME, UPN, YEAR, CLASS, SEN_STATUS, PRIMARY_NEED, FLAGS, CUSTOM = range(8)
HEADERS: dict[int, str] = {
    NAME: "Name",
    UPN: "UPN",
    YEAR: "Year",
    CLASS: "Class",
    SEN_STATUS: "SEN",
    PRIMARY_NEED: "Need",
    FLAGS: "Flags",
}
# Short headers keep the list narrow; these are read out and shown as tooltips.
SPOKEN_HEADERS: dict[int, str] = {
    SEN_STATUS: "SEN status",
    PRIMARY_NEED: "Primary need",
    FLAGS: "EAL, PP, FSM, CLA flags",
}

_HEADER_ROLES = (
    Qt.ItemDataRole.DisplayRole,
    Qt.ItemDataRole.AccessibleTextRole,
    Qt.ItemDataRole.ToolTipRole,
)

#: The pupil's database id, for any cell of the row.
PUPIL_ID_ROLE = Qt.ItemDataRole.UserRole + 1
#: The value the list sorts by.
SORT_ROLE = Qt.ItemDataRole.UserRole + 2

FLAG_NAMES: tuple[tuple[str, str, str], ...] = (
    # (field, short label shown in the list, words read out by a screen reader)
    ("eal", "EAL", "English as an additional language"),
    ("pupil_premium", "PP", "pupil premium"),
    ("fsm", "FSM", "free school meals"),
    ("cla", "CLA", "looked-after child"),
)


def sen_label(code: str) -> str:
    try:
        return SenStatus(code).label
    except ValueError:
        return code


@dataclass(frozen=True)
class PupilRow:
    """What the list shows of one pupil, read once when the list is loaded."""

    pupil_id: int
    name: str
    sort_name: str
    upn: str
    year: str
    year_order: int
    school_class: str
    sen_status: str
    primary_need: str
    flags: tuple[str, ...]
    archived: bool
    #: The chosen custom field's value as shown, and as it sorts (see ``set_pupils``).
    custom: str = ""
    custom_sort: str = ""

    @classmethod
    def of(
        cls,
        pupil: Pupil,
        year_names: Mapping[int, tuple[str, int]],
        class_names: Mapping[int, str],
    ) -> PupilRow:
        year, order = year_names.get(pupil.year_group_id or -1, ("", 99))
        return cls(
            pupil_id=pupil.id,
            name=f"{pupil.surname}, {pupil.preferred_name or pupil.forename}",
            sort_name=f"{pupil.surname.casefold()}\t{pupil.forename.casefold()}",
            upn=pupil.upn,
            year=year,
            year_order=order,
            school_class=class_names.get(pupil.class_id or -1, ""),
            sen_status=pupil.sen_status,
            primary_need=pupil.primary_need or "",
            flags=tuple(short for field, short, _ in FLAG_NAMES if getattr(pupil, field)),
            archived=pupil.archived,
        )


class PupilListModel(QAbstractTableModel):
    """Read-only rows of pupils; ``set_pupils`` replaces them all, in the current order."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[PupilRow] = []
        self._order: tuple[int, Qt.SortOrder] | None = None
        #: The heading of the custom field column; None when no field is chosen.
        self.custom_header: str | None = None

    def set_pupils(
        self,
        pupils: Iterable[Pupil],
        year_names: Mapping[int, tuple[str, int]],
        class_names: Mapping[int, str],
        custom: tuple[str, Mapping[int, tuple[str, str]]] | None = None,
    ) -> None:
        """Show ``pupils``; with ``custom`` (a field's name, and each pupil's value as
        shown and as it sorts) a last column shows that field."""
        self.beginResetModel()
        self.rows = [PupilRow.of(p, year_names, class_names) for p in pupils]
        self.custom_header = None
        if custom is not None:
            self.custom_header, values = custom
            self.rows = [
                dataclasses.replace(row, custom=shown, custom_sort=key)
                for row in self.rows
                for shown, key in [values.get(row.pupil_id, ("", ""))]
            ]
        if self._order is not None:
            self._sort_rows(*self._order)
        self.endResetModel()

    def row_of(self, pupil_id: int) -> int | None:
        return next((n for n, row in enumerate(self.rows) if row.pupil_id == pupil_id), None)

    def pupil_id(self, row: int) -> int:
        return self.rows[row].pupil_id

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._order = (column, order)
        self.layoutAboutToBeChanged.emit()
        # Keep the view's selection on the same pupils as their rows move.
        persistent = self.persistentIndexList()
        remembered = [(self.rows[i.row()].pupil_id, i.column()) for i in persistent]
        self._sort_rows(column, order)
        position = {row.pupil_id: n for n, row in enumerate(self.rows)}
        moved = [self.index(position[pupil_id], col) for pupil_id, col in remembered]
        self.changePersistentIndexList(persistent, moved)
        self.layoutChanged.emit()

    def _sort_rows(self, column: int, order: Qt.SortOrder) -> None:
        descending = order == Qt.SortOrder.DescendingOrder
        self.rows.sort(key=lambda row: self._sort_key(row, column), reverse=descending)

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        if parent.isValid():
            return 0
        return len(HEADERS) + (1 if self.custom_header is not None else 0)

    def column_texts(self, column: int) -> set[str]:
        """Every text ``column`` shows, each once."""
        return {self._display(row, column) for row in self.rows}

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if section == CUSTOM:
            return self.custom_header if role in _HEADER_ROLES else None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        if role in (Qt.ItemDataRole.AccessibleTextRole, Qt.ItemDataRole.ToolTipRole):
            return SPOKEN_HEADERS.get(section, HEADERS[section])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role == PUPIL_ID_ROLE:
            return row.pupil_id
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self._spoken(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._spoken(row, column)
        if role == SORT_ROLE:
            return self._sort_key(row, column)
        return None

    @staticmethod
    def _display(row: PupilRow, column: int) -> str:
        if column == NAME:
            return f"{row.name} (left)" if row.archived else row.name
        if column == SEN_STATUS:
            return row.sen_status
        if column == FLAGS:
            return " ".join(row.flags)
        if column == CUSTOM:
            return row.custom
        return {
            UPN: row.upn,
            YEAR: row.year,
            CLASS: row.school_class,
            PRIMARY_NEED: row.primary_need,
        }[column]

    @staticmethod
    def _spoken(row: PupilRow, column: int) -> str:
        """Whole words for a screen reader: codes are read as what they mean."""
        if column == CUSTOM:
            return row.custom or "blank"
        if column == SEN_STATUS:
            return sen_label(row.sen_status)
        if column == PRIMARY_NEED:
            return NEED_TYPES.get(row.primary_need, "No primary need recorded")
        if column == FLAGS:
            spoken = [words for _, short, words in FLAG_NAMES if short in row.flags]
            return ", ".join(spoken) if spoken else "No flags"
        return PupilListModel._display(row, column)

    @staticmethod
    def _sort_key(row: PupilRow, column: int) -> Any:
        if column == NAME:
            return row.sort_name
        if column == YEAR:
            return row.year_order
        if column == SEN_STATUS:
            # E before K before N: the pupils with most need come first when ascending.
            return "EKN".find(row.sen_status)
        if column == CUSTOM:
            # Blanks last when ascending; dates sort by their yyyy-mm-dd form.
            return (row.custom_sort == "", row.custom_sort.casefold())
        return PupilListModel._display(row, column).casefold()
