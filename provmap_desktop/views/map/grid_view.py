"""The grid widget: a table view whose chips can be dragged and whose cells take drops."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import (
    QDrag,
    QDropEvent,
    QFontMetrics,
    QKeyEvent,
    QMouseEvent,
    QResizeEvent,
)
from PySide6.QtWidgets import QAbstractItemView, QApplication, QHeaderView, QTableView, QWidget

from .chips import CELL_ROLE, CellContent, CellDelegate, Chip, cell_height, layout_cell
from .grid_model import SECTION_ROLE, MapGridModel
from .text_measure import measure_for

#: The narrowest a year group's column gets before the map scrolls sideways: enough
#: for initials and a short slot, so R-Y6, "No year group" and the totals fit a
#: 1366 × 768 laptop at 125 % (about 650 pixels for the grid beside the tray and panel).
MIN_COLUMN = 46
#: The provision names down the side: this wide on a roomy screen, narrower (and
#: wrapped over more lines) when the grid is small, so the year groups keep the room.
HEADINGS_WIDEST = 190
HEADINGS_NARROWEST = 112
ACCESSIBLE = Qt.ItemDataRole.AccessibleTextRole
#: Zoom steps either side of the normal size (Ctrl++ / Ctrl+-), one point each.
ZOOM_STEPS = 6


class MapView(QTableView):
    chip_clicked = Signal(object)  # Chip
    open_requested = Signal(QModelIndex)  # Enter or double-click on a cell
    delete_requested = Signal()
    section_toggled = Signal(object)  # section key
    #: Chips or pupils dropped on a cell's "+ new group" zone: (cell, mime data).
    new_group_dropped = Signal(QModelIndex, QMimeData)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setItemDelegate(CellDelegate(self))
        self.setAccessibleName("Provision map: provisions by year group")
        # Tab and Shift+Tab leave the map; the arrow keys move between cells.
        self.setTabKeyNavigation(False)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDragDropOverwriteMode(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setWordWrap(True)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        # Columns share the width, so a primary school's seven year groups and the
        # totals fit a 1366-wide laptop; a cell elides names and wraps its group line
        # when narrow. Only a school with many more year groups scrolls sideways.
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setDefaultSectionSize(150)
        header.setMinimumSectionSize(MIN_COLUMN)
        # A long provision name wraps onto more lines rather than being cut off.
        self.verticalHeader().setDefaultAlignment(
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextWordWrap
        )
        self.verticalHeader().setMinimumWidth(HEADINGS_NARROWEST)
        self.verticalHeader().setMaximumWidth(HEADINGS_WIDEST)
        # Row heights follow the column widths once a resize has settled.
        self._refit = QTimer(self)
        self._refit.setSingleShot(True)
        self._refit.setInterval(50)
        self._refit.timeout.connect(self.fit_rows)
        header.sectionResized.connect(lambda *_: self._refit.start())
        self.zoom_step = 0
        self.verticalHeader().sectionClicked.connect(self._header_clicked)
        self._press: tuple[QPoint, Chip] | None = None

    def map_model(self) -> MapGridModel:
        model = self.model()
        assert isinstance(model, MapGridModel)
        return model

    # -- layout ---------------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Narrow the row headings on a small grid so the year groups keep the room."""
        headings = max(HEADINGS_NARROWEST, min(HEADINGS_WIDEST, event.size().width() // 5))
        header = self.verticalHeader()
        if header.maximumWidth() != headings:
            header.setMaximumWidth(headings)
            self._refit.start()
        super().resizeEvent(event)

    def apply_spans(self) -> None:
        self.clearSpans()
        model = self.map_model()
        columns = model.columnCount()
        for row in range(model.rowCount()):
            if model.index(row, 0).data(SECTION_ROLE) is not None and columns > 1:
                self.setSpan(row, 0, 1, columns)
        self.fit_rows()

    def fit_rows(self, rows: list[int] | None = None) -> None:
        """Row heights from the cells that hold groups; empty rows keep two lines.

        Cheaper than ``resizeRowsToContents``, which asks every cell of a big map.
        """
        model = self.map_model()
        metrics = QFontMetrics(self.font())
        measure = measure_for(self.font())
        self._fit_column_headings(metrics)
        # The row heading's text wraps in the header's width: the row is as tall as it.
        room = max(self.verticalHeader().width(), HEADINGS_NARROWEST) - 12
        for row in range(model.rowCount()) if rows is None else rows:
            entry = model.entries[row]
            words = str(model.headerData(row, Qt.Orientation.Vertical) or "")
            if entry.row is None:
                wrapped = measure.wrapped_height(words.strip(), room)
                self.setRowHeight(row, max(metrics.height(), wrapped) + 8)
                continue
            height = max(2 * metrics.height(), measure.wrapped_height(words, room)) + 8
            for year_group_id in entry.row.cells:
                column = model.column_of_year_group(year_group_id)
                if column is None:
                    continue
                content = model.index(row, column).data(CELL_ROLE)
                if isinstance(content, CellContent):
                    width = self.columnWidth(column)
                    height = max(height, cell_height(width, content, measure))
            self.setRowHeight(row, height)

    def _fit_column_headings(self, metrics: QFontMetrics) -> None:
        """Short column headings ("Rec", "Y1") when a full one would not fit its column."""
        model = self.map_model()
        columns = range(model.columnCount())
        names = [str(model.headerData(c, Qt.Orientation.Horizontal, ACCESSIBLE)) for c in columns]
        narrow = {
            c
            for c, name in zip(columns, names, strict=True)
            if metrics.horizontalAdvance(name) + 12 > self.columnWidth(c)
        }
        if narrow != model.short_columns:
            model.short_columns = narrow
            model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, max(len(names) - 1, 0))

    # -- zoom -----------------------------------------------------------------------

    def zoom(self, step: int) -> None:
        """One point bigger (+1) or smaller (-1); 0 goes back to the normal size."""
        self.zoom_step = 0 if step == 0 else max(-3, min(ZOOM_STEPS, self.zoom_step + step))
        parent = self.parentWidget()
        base = parent.font() if parent is not None else QApplication.font()
        font = self.font()
        font.setPointSizeF(max(base.pointSizeF() + self.zoom_step, 6.0))
        self.setFont(font)
        for header in (self.horizontalHeader(), self.verticalHeader()):
            header.setFont(font)
        self.fit_rows()

    # -- chips ----------------------------------------------------------------------

    def chip_at(self, pos: QPoint) -> Chip | None:
        index = self.indexAt(pos)
        content = index.data(CELL_ROLE) if index.isValid() else None
        if not isinstance(content, CellContent):
            return None
        metrics = measure_for(self.font())
        for placed in layout_cell(self.visualRect(index), content, metrics):
            if placed.chip is not None and placed.rect.contains(pos):
                return placed.chip
        return None

    def in_new_group_zone(self, pos: QPoint) -> bool:
        """Whether ``pos`` (in the viewport) is on a cell's "+ new group" zone."""
        index = self.indexAt(pos)
        content = index.data(CELL_ROLE) if index.isValid() else None
        if not isinstance(content, CellContent):
            return False
        metrics = measure_for(self.font())
        placed = layout_cell(self.visualRect(index), content, metrics)
        return any(p.kind == "new_group" and p.rect.contains(pos) for p in placed)

    def dropEvent(self, event: QDropEvent) -> None:
        """A drop on a cell's "+ new group" zone starts a group; elsewhere, as usual."""
        pos = event.position().toPoint()
        data = event.mimeData()
        if self.in_new_group_zone(pos) and any(
            data.hasFormat(kind) for kind in self.map_model().mimeTypes()
        ):
            event.setDropAction(Qt.DropAction.CopyAction)  # the source removes nothing
            event.accept()
            self.new_group_dropped.emit(self.indexAt(pos), data)
            return
        super().dropEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        chip = self.chip_at(event.position().toPoint())
        self._press = (event.position().toPoint(), chip) if chip else None
        super().mousePressEvent(event)
        if chip is not None:
            self.chip_clicked.emit(chip)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._press is not None and event.buttons() & Qt.MouseButton.LeftButton:
            start, chip = self._press
            distance = (event.position().toPoint() - start).manhattanLength()
            if distance >= QApplication.startDragDistance():
                self._press = None
                drag = QDrag(self)
                drag.setMimeData(self.map_model().chips_mime_data([chip]))
                drag.exec(Qt.DropAction.MoveAction)
                return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._press = None
        super().mouseReleaseEvent(event)

    def startDrag(self, _supported_actions: Qt.DropAction) -> None:
        # Whole cells are not dragged; only chips are, from mouseMoveEvent.
        return

    # -- keyboard -------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        index = self.currentIndex()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and index.isValid():
            section = index.data(SECTION_ROLE)
            if section is not None:
                self.section_toggled.emit(section)
            else:
                self.open_requested.emit(index)
            return
        if key == Qt.Key.Key_Delete:
            self.delete_requested.emit()
            return
        super().keyPressEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        index = self.indexAt(event.position().toPoint())
        if index.isValid():
            section = index.data(SECTION_ROLE)
            if section is not None:
                self.section_toggled.emit(section)
            else:
                self.open_requested.emit(index)
            return
        super().mouseDoubleClickEvent(event)

    def _header_clicked(self, row: int) -> None:
        section = self.map_model().index(row, 0).data(SECTION_ROLE)
        if section is not None:
            self.section_toggled.emit(section)
