"""The register's question when a session did not happen: the reason and a note."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from ..services.planned_sessions import CANCEL_REASON_LABELS


class CancelDialog(QDialog):
    """Why a session did not happen: a reason and a note."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        """Ask why the session named `title` was cancelled, with a note."""
        super().__init__(parent)
        self.setWindowTitle("Session cancelled")
        self.reason = QComboBox()
        self.reason.setAccessibleName("Reason the session was cancelled")
        for code, label in CANCEL_REASON_LABELS.items():
            self.reason.addItem(label.capitalize(), code)
        self.note = QLineEdit()
        self.note.setAccessibleName("Note about the cancellation")
        self.note.setPlaceholderText("For example: Mrs Ahmed on a course")
        form = QFormLayout(self)
        form.addRow(QLabel(title))
        form.addRow("&Reason", self.reason)
        form.addRow("&Note", self.note)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
