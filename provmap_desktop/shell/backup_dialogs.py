"""File menu dialogs: a backup (optionally protected with a password) and the list of
automatic copies, any of which can be restored."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..services.formatting import format_date
from ..storage.autobackup import AutomaticCopy, backups_folder, list_copies
from ..storage.sealed import PASSWORD_RULE, password_problem
from ..ui.speech import ValueLabel


def _size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


class BackupDialog(QDialog):
    """Where to write the backup, and whether to protect it with a password."""

    def __init__(self, suggested: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Back up the school database")
        self.path_edit = QLineEdit(str(suggested))
        self.path_edit.setAccessibleName("Backup file")
        browse = QPushButton("&Browse…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        self.protect = QCheckBox("&Protect with a password (for a USB stick or a shared drive)")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Password")
        self.again = QLineEdit()
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        self.again.setAccessibleName("Password again")
        self.rule = QLabel(PASSWORD_RULE)
        self.rule.setWordWrap(True)
        self.problem = ValueLabel(announces=True)
        self.problem.setWordWrap(True)
        self.problem.setAccessibleName("Problem")
        form = QFormLayout()
        form.addRow("Back up &to", row)
        form.addRow(self.protect)
        form.addRow("Pass&word", self.password)
        form.addRow("Password &again", self.again)
        form.addRow(self.rule)
        form.addRow(self.problem)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Back &up")
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.protect.toggled.connect(self._protect_toggled)
        self._protect_toggled(False)

    @property
    def target(self) -> Path:
        return Path(self.path_edit.text().strip()).expanduser()

    @property
    def chosen_password(self) -> str | None:
        return self.password.text() if self.protect.isChecked() else None

    def _protect_toggled(self, on: bool) -> None:
        for widget in (self.password, self.again, self.rule):
            widget.setEnabled(on)
        if on and self.target.suffix == ".provmap":
            self.path_edit.setText(str(self.target.with_suffix(".provmap-sealed")))
        elif not on and self.target.suffix == ".provmap-sealed":
            self.path_edit.setText(str(self.target.with_suffix(".provmap")))

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Back up to", str(self.target), "ProvMap backups (*.provmap *.provmap-sealed)"
        )
        if path:
            self.path_edit.setText(path)

    def _accept(self) -> None:
        if not self.path_edit.text().strip():
            self.problem.setText("Choose a file to back up to.")
            return
        if self.protect.isChecked():
            problem = password_problem(self.password.text())
            if problem is None and self.password.text() != self.again.text():
                problem = "The two passwords are not the same."
            if problem:
                self.problem.setText(problem)
                self.password.setFocus()
                return
        self.accept()


def ask_backup_password(parent: QWidget, backup: Path) -> str | None:
    """The password of a protected backup, or ``None`` if the user cancels."""
    text, ok = QInputDialog.getText(
        parent,
        "Protected backup",
        f"{backup.name} is protected with a password.\nPassword:",
        QLineEdit.EchoMode.Password,
    )
    return text if ok and text else None


class BackupsDialog(QDialog):
    """The automatic copies of the open database: when, why, how big; restore any."""

    COLUMNS = ("Taken", "Why", "Size")

    def __init__(self, database: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Automatic backups")
        self.chosen: Path | None = None
        self.copies: list[AutomaticCopy] = list_copies(database)
        folder = backups_folder(database)
        note = QLabel(
            f"ProvMap keeps a copy every day you open it and before every restore, import, "
            f"upgrade and erase, in {folder}. It keeps the last 7 days, 4 weeks and 12 "
            "months, and the last 10 copies taken before a risky action."
        )
        note.setWordWrap(True)
        note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.table = QTableWidget(len(self.copies), len(self.COLUMNS))
        self.table.setAccessibleName("Automatic backups")
        self.table.setHorizontalHeaderLabels(list(self.COLUMNS))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for row, copy in enumerate(self.copies):
            when = f"{format_date(copy.taken_at.date())} {copy.taken_at:%H:%M}"
            for column, text in enumerate((when, copy.reason_text, _size_text(copy.size))):
                self.table.setItem(row, column, QTableWidgetItem(text))
        empty = QLabel("There are no automatic copies yet." if not self.copies else "")
        self.restore_button = QPushButton("&Restore this copy…")
        self.restore_button.setEnabled(bool(self.copies))
        self.restore_button.clicked.connect(self._restore)
        self.table.doubleClicked.connect(self._restore)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.restore_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.table, 1)
        layout.addWidget(empty)
        layout.addLayout(buttons)
        if self.copies:
            self.table.selectRow(0)
        self.resize(640, 420)

    def _restore(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self.copies):
            self.chosen = self.copies[row].path
            self.accept()
