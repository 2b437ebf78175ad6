"""Split group…: tick the pupils who go to a new group like this one."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)


class SplitDialog(QDialog):
    def __init__(
        self, group_name: str, members: list[tuple[int, str]], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Split {group_name}")
        intro = QLabel(
            "Tick the pupils who go to the new group. It keeps this group's staff, "
            "timetable slot and dates; the others stay here."
        )
        intro.setWordWrap(True)
        self.list = QListWidget()
        self.list.setAccessibleName("Pupils who go to the new group")
        for membership_id, name in members:
            item = QListWidgetItem(name)
            item.setData(Qt.ItemDataRole.UserRole, membership_id)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.list.addItem(item)
        label = QLabel("&Who goes to the new group")
        label.setBuddy(self.list)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Split")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.list.itemChanged.connect(lambda _item: self._count())
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(label)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.buttons)
        self._count()

    def chosen(self) -> list[int]:
        return [
            int(item.data(Qt.ItemDataRole.UserRole))
            for item in (self.list.item(n) for n in range(self.list.count()))
            if item.checkState() == Qt.CheckState.Checked
        ]

    def _count(self) -> None:
        # Someone must go and someone must stay, or it is not a split.
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(0 < len(self.chosen()) < self.list.count())
