"""The pupil pane's Documents tab: reports attached to the pupil, kept in the database.

The list shows each document's date, title, who added it and its size, newest first.
"Attach a document…" asks for the file, its title and who is adding it; a file over
20 MB is refused with what to do. "Open" writes a private temporary copy (owner-only,
in a private folder) and hands it to the system's viewer; every copy is deleted when
ProvMap closes. A title is changed by editing its cell. Everything is undoable.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...domain import documents
from ...domain.change import DomainError
from ...models import Pupil
from ...services.documents import ViewingCopies, read_for_attaching
from ...services.formatting import format_date
from ...ui.edits import DomainEdit
from ...ui.folders import remember, start_in
from .ehcp_items import button_row
from .records import read_only_table

if TYPE_CHECKING:
    from .pane import PupilPane

HEADERS = ["Added", "Title", "Added by", "Size"]
TITLE_COLUMN = 1
FILE_TYPES = (
    "Documents and pictures (*.pdf *.PDF *.doc *.docx *.odt *.rtf *.txt "
    "*.png *.jpg *.jpeg *.gif *.tif *.tiff *.heic);;All files (*)"
)
_COPIES: ViewingCopies | None = None


def viewing_copies() -> ViewingCopies:
    """This run's private copies for viewing; removed when the application quits."""
    global _COPIES
    if _COPIES is None:
        _COPIES = ViewingCopies()
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(_COPIES.remove_all)
    return _COPIES


class AttachDialog(QDialog):
    """The document's title and who is adding it, for the file chosen."""

    def __init__(self, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Attach a document")
        self.path = path
        self.title_edit = QLineEdit(path.stem)
        self.title_edit.setAccessibleName("Document title")
        self.added_by = QLineEdit(str(QSettings().value("documents/added_by", "") or ""))
        self.added_by.setAccessibleName("Added by")
        form = QFormLayout()
        form.addRow(QLabel(f"File: {path.name}"))
        title_label = QLabel("&Title")
        title_label.setBuddy(self.title_edit)
        form.addRow(title_label, self.title_edit)
        who_label = QLabel("Added &by")
        who_label.setBuddy(self.added_by)
        form.addRow(who_label, self.added_by)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)


class DocumentsTab(QWidget):
    """The pupil's documents with Attach, Open and Remove."""

    def __init__(self, pane: PupilPane) -> None:
        super().__init__()
        self.pane = pane
        self.dialog: AttachDialog | None = None
        self.table = read_only_table("Documents", HEADERS)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setEditTriggers(
            QTableWidget.EditTrigger.DoubleClicked | QTableWidget.EditTrigger.EditKeyPressed
        )
        self.table.itemChanged.connect(self._edited)
        self.table.itemActivated.connect(lambda _item: self.open_chosen())
        self.empty = QLabel(
            "No documents yet. Attach reports (PDF, Word, pictures up to 20 MB each): they "
            "are kept inside the database file, so a backup carries them."
        )
        self.empty.setWordWrap(True)
        self.attach_button = QPushButton("Attach a doc&ument…")
        self.attach_button.clicked.connect(self.choose_file)
        self.open_button = QPushButton("Open")
        self.open_button.clicked.connect(self.open_chosen)
        self.remove_button = QPushButton("Remove document")
        self.remove_button.clicked.connect(self.remove_chosen)
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty)
        layout.addWidget(self.table, 1)
        layout.addLayout(button_row(self.attach_button, self.open_button, self.remove_button))

    def load(self, pupil: Pupil) -> None:
        """List the pupil's documents, newest first."""
        found = documents.documents_of(self.pane.ctx.session, pupil.id)
        self.empty.setVisible(not found)
        self.table.blockSignals(True)
        self.table.setRowCount(len(found))
        for row, document in enumerate(found):
            cells = [
                format_date(document.added_on),
                document.title,
                document.added_by,
                documents.size_words(document.size_bytes),
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, document.id)
                item.setData(Qt.ItemDataRole.AccessibleTextRole, text or "blank")
                if column != TITLE_COLUMN:
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                else:
                    item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
                    item.setToolTip(f"{document.file_name} ({document.media_type})")
                self.table.setItem(row, column, item)
        self.table.resizeRowsToContents()
        self.table.blockSignals(False)
        for button in (self.open_button, self.remove_button):
            button.setEnabled(bool(found))

    def chosen_id(self) -> int | None:
        """The id of the document in the current row, if any."""
        item = self.table.item(max(self.table.currentRow(), 0), 0)
        return None if item is None else int(item.data(Qt.ItemDataRole.UserRole))

    # -- attaching ------------------------------------------------------------------

    def choose_file(self) -> None:
        """Ask for a file, then its title and who is adding it, then attach it."""
        name, _ = QFileDialog.getOpenFileName(self, "Attach a document", start_in(), FILE_TYPES)
        if not name:
            return
        remember(name)
        self.dialog = AttachDialog(Path(name), self)
        if self.dialog.exec() == QDialog.DialogCode.Accepted:
            self.attach(
                Path(name), self.dialog.title_edit.text(), self.dialog.added_by.text().strip()
            )
        self.dialog = None

    def attach(self, path: Path, title: str, added_by: str) -> bool:
        """Read ``path`` and keep it in the pupil's record (one undoable edit)."""
        pupil = self.pane.pupil()
        if pupil is None:
            return False
        try:
            data = read_for_attaching(path)
        except DomainError as exc:
            self.pane.show_message(str(exc))
            return False
        QSettings().setValue("documents/added_by", added_by)
        pupil_id, today, file_name = pupil.id, self.pane.ctx.today, path.name
        edit = DomainEdit(
            self.pane.ctx,
            f"attach {title.strip() or file_name}",
            lambda s: documents.attach(
                s, pupil_id, title, file_name, data, added_by=added_by, added_on=today
            ),
        )
        return self.pane.perform(edit)

    # -- opening, renaming, removing ------------------------------------------------

    def open_chosen(self) -> Path | None:
        """Open the chosen document in the system's viewer, from a private copy."""
        document_id = self.chosen_id()
        if document_id is None:
            return None
        try:
            path = viewing_copies().copy_of(self.pane.ctx.session, document_id)
        except (DomainError, OSError) as exc:
            self.pane.show_message(f"The document could not be opened: {exc}")
            return None
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            self.pane.show_message(
                "No program on this computer opens this kind of file. A copy is at "
                f"{path} until ProvMap closes."
            )
        return path

    def remove_chosen(self) -> None:
        """Take the chosen document off the pupil's record (undoable)."""
        document_id = self.chosen_id()
        if document_id is not None:
            self.pane.perform(
                DomainEdit(
                    self.pane.ctx, "remove document", lambda s: documents.remove(s, document_id)
                )
            )

    def _edited(self, item: QTableWidgetItem) -> None:
        if item.column() != TITLE_COLUMN:
            return
        document_id = int(item.data(Qt.ItemDataRole.UserRole))
        title = item.text()
        self.pane.perform(
            DomainEdit(
                self.pane.ctx,
                "change document title",
                lambda s: documents.retitle(s, document_id, title),
            )
        )
