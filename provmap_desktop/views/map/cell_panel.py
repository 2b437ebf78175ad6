"""The panel beside the grid: the chosen cell's groups and pupils, reachable by keyboard."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStyle,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...services.formatting import format_date
from ...ui.context import AppContext
from .grid_model import MapGridModel
from .mime import memberships_mime

GROUP_ROLE = Qt.ItemDataRole.UserRole + 1
MEMBERSHIP_ROLE = Qt.ItemDataRole.UserRole + 2
PUPIL_ROLE = Qt.ItemDataRole.UserRole + 3


class MemberTree(QTreeWidget):
    delete_pressed = Signal()
    enter_pressed = Signal()
    resized = Signal()

    def viewportEvent(self, event: QEvent) -> bool:
        """Say when the list's visible width changes (the columns are fitted to it)."""
        handled = super().viewportEvent(event)
        if event.type() == QEvent.Type.Resize:
            self.resized.emit()
        return handled

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Delete:
            self.delete_pressed.emit()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.enter_pressed.emit()
            return
        super().keyPressEvent(event)

    def mimeData(self, items: list[QTreeWidgetItem]):  # type: ignore[no-untyped-def, override]
        ids = [i.data(0, MEMBERSHIP_ROLE) for i in items if i.data(0, MEMBERSHIP_ROLE)]
        return memberships_mime(ids, [i.text(0) for i in items])


class CellPanel(QWidget):
    end_requested = Signal(list)  # membership ids
    move_requested = Signal(list)  # membership ids
    open_group_requested = Signal(int)
    split_requested = Signal(int)  # group id

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.title = QLabel("Choose a cell of the map.")
        self.title.setWordWrap(True)
        self.tree = MemberTree()
        self.tree.setHeaderLabels(["Group / pupil", "From", "To"])
        # The panel is narrow (about 210 pixels at 1366 wide): the dates take what they
        # need, headings included, and the names the rest, so nothing runs off to the
        # right; where the names would be cut, the dates give way (``_fit_columns``).
        # A group's heading spans the whole row (``show_cell``).
        self.tree.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.tree.resized.connect(self._fit_columns)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.setAccessibleName("Groups and pupils in the chosen cell")
        self.tree.setTabKeyNavigation(False)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.setDragEnabled(True)
        self.tree.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.tree.delete_pressed.connect(self._end_selected)
        self.tree.enter_pressed.connect(self._open_selected)
        self.tree.itemDoubleClicked.connect(lambda _item, _col: self._open_selected())
        self.tree.currentItemChanged.connect(self._current_changed)
        self.end_button = QPushButton("E&nd allocation")
        self.end_button.setToolTip("End the chosen pupils' allocation today (Delete)")
        self.end_button.clicked.connect(self._end_selected)
        self.open_button = QPushButton("&Group details…")
        self.open_button.clicked.connect(self._open_selected)
        self.move_button = QPushButton("M&ove to…")
        self.move_button.setToolTip("Move the chosen pupils to another provision or year (Ctrl+M)")
        self.move_button.setShortcut("Ctrl+M")
        self.move_button.clicked.connect(self._move_selected)
        self.split_button = QPushButton("&Split group…")
        self.split_button.setToolTip("Choose who goes to a new group with the same slot")
        self.split_button.setAccessibleName("Split the chosen group")
        self.split_button.clicked.connect(self._split_selected)
        buttons = QGridLayout()
        buttons.addWidget(self.open_button, 0, 0)
        buttons.addWidget(self.move_button, 0, 1)
        buttons.addWidget(self.split_button, 1, 0)
        buttons.addWidget(self.end_button, 1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)

    def show_cell(self, model: MapGridModel, index: QModelIndex) -> None:
        self.tree.clear()
        target = model.target(index) if index.isValid() else None
        if target is None or model.snapshot is None:
            self.title.setText("Choose a cell of the map.")
            return
        row = model.snapshot.row(target[0])
        column = model.columns[index.column()]
        groups = model.cell_groups(index)
        name = row.name if row else ""
        self.title.setText(
            f"<b>{name}</b> · {column.name}<br>"
            + (f"{len(groups)} group(s)" if groups else "No group yet: drop pupils here.")
        )
        for group in groups:
            heading = " · ".join(
                x for x in (group.name or "Group", group.staff_name, group.slot_text) if x
            )
            current = model.current_members(group)
            item = QTreeWidgetItem(
                [f"{heading} ({len(current)}/{group.max_size})",
                 format_date(group.start_date), format_date(group.end_date)]
            )  # fmt: skip
            item.setData(0, GROUP_ROLE, group.id)
            # Spanning the row hides the group's own date columns: the tooltip says them.
            item.setToolTip(0, f"{item.text(0)}: from {item.text(1)} to {item.text(2) or '–'}")
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsDragEnabled)
            for member in group.members:
                # The leave date is in its column; "ended" says the pupil has gone.
                name = member.display_name + ("" if member in current else " (ended)")
                child = QTreeWidgetItem(
                    [name, format_date(member.join_date),
                     format_date(member.leave_date, blank="–")]
                )  # fmt: skip
                child.setData(0, GROUP_ROLE, group.id)
                child.setToolTip(0, f"{name}: from {child.text(1)}, to {child.text(2)}")
                child.setData(0, MEMBERSHIP_ROLE, member.membership_id)
                child.setData(0, PUPIL_ROLE, member.pupil_id)
                item.addChild(child)
            self.tree.addTopLevelItem(item)
            item.setFirstColumnSpanned(True)
            item.setExpanded(True)
        self._fit_columns()

    def _fit_columns(self) -> None:
        """Show the "To" and then the "From" column only while the names fit beside them.

        Each date is still in the row's tooltip, and the group details dialog lists them.
        """
        tree, header = self.tree, self.tree.header()
        metrics = tree.fontMetrics()
        names = [
            child.text(0)
            for top in range(tree.topLevelItemCount())
            if (group := tree.topLevelItem(top)) is not None
            for n in range(group.childCount())
            if (child := group.child(n)) is not None
        ]
        # A pupil's row is indented two steps (the group's arrow, then its own place).
        margin = (
            2 * tree.indentation()
            + 2 * tree.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin)
            + 4
        )
        need = max(
            [header.sectionSizeHint(0)] + [metrics.horizontalAdvance(n) + margin for n in names]
        )
        dates = [max(header.sectionSizeHint(c), tree.sizeHintForColumn(c)) for c in (1, 2)]
        room = tree.viewport().width()
        show_to = need + dates[0] + dates[1] <= room
        show_from = need + dates[0] <= room
        if tree.isColumnHidden(2) == show_to:
            tree.setColumnHidden(2, not show_to)
        if tree.isColumnHidden(1) == show_from:
            tree.setColumnHidden(1, not show_from)

    def selected_membership_ids(self) -> list[int]:
        return [
            i.data(0, MEMBERSHIP_ROLE)
            for i in self.tree.selectedItems()
            if i.data(0, MEMBERSHIP_ROLE) is not None
        ]

    def select_membership(self, membership_id: int) -> None:
        for top in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(top)
            if group is None:
                continue
            for number in range(group.childCount()):
                child = group.child(number)
                if child is not None and child.data(0, MEMBERSHIP_ROLE) == membership_id:
                    self.tree.setCurrentItem(child)
                    return

    def _end_selected(self) -> None:
        ids = self.selected_membership_ids()
        if ids:
            self.end_requested.emit(ids)

    def _move_selected(self) -> None:
        ids = self.selected_membership_ids()
        if ids:
            self.move_requested.emit(ids)

    def _split_selected(self) -> None:
        item = self.tree.currentItem() or self.tree.topLevelItem(0)
        if item is not None and item.data(0, GROUP_ROLE) is not None:
            self.split_requested.emit(item.data(0, GROUP_ROLE))

    def _open_selected(self) -> None:
        item = self.tree.currentItem()
        if item is not None and item.data(0, GROUP_ROLE) is not None:
            self.open_group_requested.emit(item.data(0, GROUP_ROLE))

    def _current_changed(self, current: QTreeWidgetItem | None, _previous: object) -> None:
        if current is not None and current.data(0, PUPIL_ROLE) is not None:
            self.ctx.pupil_selected.emit(current.data(0, PUPIL_ROLE))
