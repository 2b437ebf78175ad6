"""The pupil tray beside the map: a searchable, filterable list to drag pupils from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QLabel,
    QLineEdit,
    QListView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from ...models import AcademicYear, Pupil, SchoolClass, YearGroup
from ...models.vocab import NEED_TYPES, SenStatus
from ...services.pupils import PupilFilter, find_pupils, last_day_of_year
from ...ui.context import AppContext
from ...ui.speech import ValueLabel
from .mime import MEMBERSHIPS_MIME, PUPILS_MIME, pupils_mime, read_ids

Index = QModelIndex | QPersistentModelIndex
PUPIL_ID_ROLE = Qt.ItemDataRole.UserRole + 1


class TrayModel(QAbstractListModel):
    def __init__(self) -> None:
        super().__init__()
        self.pupils: list[Pupil] = []

    def set_pupils(self, pupils: list[Pupil]) -> None:
        self.beginResetModel()
        self.pupils = pupils
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.pupils)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        pupil = self.pupils[index.row()]
        year = pupil.year_group.name if pupil.year_group else "no year group"
        if role == Qt.ItemDataRole.DisplayRole:
            need = f" · {pupil.primary_need}" if pupil.primary_need else ""
            return f"{pupil.display_name}  ({pupil.sen_status}{need})"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            status = SenStatus(pupil.sen_status).label
            return f"{pupil.display_name}, {year}, {status}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{pupil.display_name} · {year} · UPN {pupil.upn}"
        if role == PUPIL_ID_ROLE:
            return pupil.id
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        return flags | Qt.ItemFlag.ItemIsDragEnabled if index.isValid() else flags

    def mimeTypes(self) -> list[str]:
        return [PUPILS_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        rows = sorted({i.row() for i in indexes})
        return pupils_mime(
            [self.pupils[r].id for r in rows], [self.pupils[r].display_name for r in rows]
        )

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction


class TrayList(QListView):
    """The tray's list: pupils drag out of it; chips dragged back into it are ended."""

    chips_dropped = Signal(list)

    def dragEnterEvent(self, event: Any) -> None:
        if event.mimeData().hasFormat(MEMBERSHIPS_MIME):
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event: Any) -> None:
        if event.mimeData().hasFormat(MEMBERSHIPS_MIME):
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event: Any) -> None:
        ids = read_ids(event.mimeData(), MEMBERSHIPS_MIME)
        if ids:
            event.acceptProposedAction()
            self.chips_dropped.emit(ids)
            return
        super().dropEvent(event)


class PupilTray(QWidget):
    """Search box, filters and the list; emits the chosen pupil for the profile pane."""

    pupil_chosen = Signal(int)
    end_requested = Signal(list)  # membership ids dragged out of the map

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search pupils")
        self.search.setAccessibleName("Search pupils in the tray")
        self.search.setClearButtonEnabled(True)
        self.year_filter = self._combo("Year group filter")
        self.sen_filter = self._combo("SEN status filter")
        self.need_filter = self._combo("Need filter")
        self.class_filter = self._combo("Class filter")
        self.sen_filter.addItem("SEN register", ("K", "E"))
        self.sen_filter.addItem("All pupils", ())
        for status in SenStatus:
            self.sen_filter.addItem(status.label, (status.value,))
        self.need_filter.addItem("Any need", None)
        for code, label in NEED_TYPES.items():
            self.need_filter.addItem(f"{code} – {label}", code)

        self.model = TrayModel()
        self.list = TrayList()
        self.list.setModel(self.model)
        self.list.setAccessibleName("Pupil tray: select pupils, then drag onto the map")
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.setDragEnabled(True)
        self.list.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.list.setAcceptDrops(True)
        self.list.chips_dropped.connect(self.end_requested.emit)
        self.list.setDefaultDropAction(Qt.DropAction.CopyAction)
        self.count = ValueLabel()
        self.count.setAccessibleName("Pupils shown in the tray")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        # Wide enough for a name with its SEN status and need ("Charlie Chapman (K · SPLD)").
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("M" * 19))
        layout.addWidget(QLabel("<b>Pupils</b>"))
        layout.addWidget(self.search)
        # One filter a row: side by side, "SEN register" was cut off in the narrow tray.
        layout.addWidget(self.year_filter)
        layout.addWidget(self.sen_filter)
        layout.addWidget(self.class_filter)
        layout.addWidget(self.need_filter)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.count)

        self.reload_choices()
        for combo in (self.year_filter, self.sen_filter, self.need_filter, self.class_filter):
            combo.currentIndexChanged.connect(self.refresh)
        self.search.textChanged.connect(self.refresh)
        self.list.selectionModel().currentChanged.connect(self._current_changed)
        self.refresh()

    def _combo(self, name: str) -> QComboBox:
        combo = QComboBox()
        combo.setAccessibleName(name)
        combo.setToolTip(name)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(6)  # two side by side in a narrow tray
        return combo

    def reload_choices(self) -> None:
        session = self.ctx.session
        for combo, first, rows in (
            (
                self.year_filter,
                "All years",
                [
                    (y.id, y.name)
                    for y in session.scalars(select(YearGroup).order_by(YearGroup.sort_order))
                ],
            ),
            (
                self.class_filter,
                "All classes",
                [
                    (c.id, c.name)
                    for c in session.scalars(select(SchoolClass).order_by(SchoolClass.name))
                ],
            ),
        ):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(first, None)
            for key, label in rows:
                combo.addItem(label, key)
            index = combo.findData(current)
            combo.setCurrentIndex(max(index, 0))
            combo.blockSignals(False)

    def current_filter(self) -> PupilFilter:
        year = self.year_filter.currentData()
        klass = self.class_filter.currentData()
        need = self.need_filter.currentData()
        return PupilFilter(
            text=self.search.text().strip(),
            year_group_ids={year} if year else set(),
            class_ids={klass} if klass else set(),
            sen_statuses=set(self.sen_filter.currentData() or ()),
            need_codes={need} if need else set(),
            roll_day=self._last_day(),
        )

    def _last_day(self) -> dt.date:
        """The map's year's last day: next year's intake is not placed on this map."""
        session = self.ctx.session
        shown = self.ctx.academic_year_id
        year = session.get(AcademicYear, shown) if shown is not None else None
        return year.end_date if year is not None else last_day_of_year(session, self.ctx.today)

    def refresh(self) -> None:
        pupils = find_pupils(self.ctx.session, self.current_filter())
        self.model.set_pupils(pupils)
        self.count.setText(f"{len(pupils)} pupil{'s' if len(pupils) != 1 else ''}")

    def selected_pupil_ids(self) -> list[int]:
        rows = sorted(i.row() for i in self.list.selectionModel().selectedRows())
        return [self.model.pupils[r].id for r in rows]

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.pupil_chosen.emit(self.model.pupils[current.row()].id)
