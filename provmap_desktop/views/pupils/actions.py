"""What the Pupils screen can do with a pupil beyond editing: print, export, import, erase.

``PupilActions(screen)`` builds a row of buttons for the screen to place under its
list: Import pupils…, Print profiles…, Provision map PDF…, Subject access export… and
Erase pupil…. Each asks for a file name (or, for erasing, a typed confirmation) and
then calls the reports and services; none of them can be undone from the Edit menu,
so erasing and importing clear the undo stack (earlier steps may name rows that are
gone or changed).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from ...domain.change import Kind
from ...models import Pupil, SchoolClass, YearGroup
from ...models.vocab import SenStatus
from ...services.data_protection import documents_folder, write_subject_access_json
from ...services.pupils import PupilFilter, find_pupils, last_day_of_year
from ...storage.autobackup import HeldCopy, delete_copies
from ...ui.context import AppContext
from ...ui.folders import remember, start_in
from ...ui.speech import ValueLabel
from .erasing import EraseDialog, erase, erasure_words

if TYPE_CHECKING:
    # The import dialog (and the import services it brings) loads when first opened.
    from ..import_dialog import ImportPupilsDialog

KIND = Kind.PUPILS
SEN_REGISTER = PupilFilter(sen_statuses={SenStatus.SEN_SUPPORT.value, SenStatus.EHCP.value})


def _safe_file_name(text: str) -> str:
    """`text` with anything a file name cannot hold made "_" (or "pupils" if empty)."""
    return "".join(c if c.isalnum() or c in " -_" else "_" for c in text).strip() or "pupils"


def _ask_save(parent: QWidget, title: str, suggested: str) -> Path | None:
    """Ask where to save a PDF, remembering the folder; the path ends in ".pdf"."""
    name, _ = QFileDialog.getSaveFileName(parent, title, start_in(suggested), "PDF files (*.pdf)")
    if not name:
        return None
    remember(name)
    path = Path(name)
    return path if path.suffix.lower() == ".pdf" else path.with_suffix(".pdf")


def _tell(parent: QWidget, text: str) -> None:
    """Say what happened in the main window's status bar (no box to click away)."""
    window = parent.window()
    if isinstance(window, QMainWindow):
        window.statusBar().showMessage(text, 10000)


def _busy(work: Callable[[], Any], parent: QWidget, failure_title: str) -> bool:
    """Run ``work`` under a wait cursor; a file error is shown and returns ``False``."""
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        work()
    except (OSError, ValueError) as exc:
        QApplication.restoreOverrideCursor()
        QMessageBox.warning(parent, failure_title, f"{exc}\n\nNothing was written.")
        return False
    QApplication.restoreOverrideCursor()
    return True


# -- choosing whose profiles to print -----------------------------------------------


class ProfileBatchDialog(QDialog):
    """Choose whose profiles to print: this pupil, a class, a year group or the register."""

    def __init__(self, ctx: AppContext, pupil: Pupil | None, parent: QWidget | None = None):
        """Offer the pupil, their class, every class, every year group and the register."""
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Print one-page profiles")
        self.choice = QComboBox()
        self.choice.setAccessibleName("Whose profiles")
        session = ctx.session
        if pupil is not None:
            self.choice.addItem(f"{pupil.display_name} only", ("pupil", pupil.id))
            if pupil.class_id is not None:
                self.choice.addItem(f"{pupil.display_name}'s class", ("class", pupil.class_id))
        for class_id, name in session.execute(
            select(SchoolClass.id, SchoolClass.name).order_by(SchoolClass.name)
        ):
            self.choice.addItem(f"Class {name}", ("class", class_id))
        for year_id, name in session.execute(
            select(YearGroup.id, YearGroup.name).order_by(YearGroup.sort_order)
        ):
            self.choice.addItem(name, ("year", year_id))
        self.choice.addItem("The SEN register (SEN support and EHC plans)", ("register", None))
        self.choice.currentIndexChanged.connect(lambda _i: self._count())
        self.count = ValueLabel()
        self.count.setAccessibleName("How many profiles")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Choose file…")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Print the profiles of:"))
        layout.addWidget(self.choice)
        layout.addWidget(self.count)
        layout.addWidget(buttons)
        self._count()

    def chosen_pupils(self) -> list[Pupil]:
        """The on-roll pupils chosen, in list order; each profile starts a new page."""
        kind, key = self.choice.currentData()
        session = self.ctx.session
        if kind == "pupil":
            pupil = session.get(Pupil, key)
            return [pupil] if pupil else []
        # On roll: next year's intake, recorded ahead, has no profile to print yet.
        day = last_day_of_year(session, self.ctx.today)
        if kind == "class":
            return find_pupils(session, PupilFilter(class_ids={key}, roll_day=day))
        if kind == "year":
            return find_pupils(session, PupilFilter(year_group_ids={key}, roll_day=day))
        return find_pupils(session, replace(SEN_REGISTER, roll_day=day))

    def suggested_name(self) -> str:
        """A file name for the PDF naming whose profiles it holds."""
        return _safe_file_name(f"Profiles {self.choice.currentText()}") + ".pdf"

    def _count(self) -> None:
        """Say how many profiles the choice prints; none cannot be printed."""
        n = len(self.chosen_pupils())
        self.count.setText(f"{n} profile{'' if n == 1 else 's'}, each starting on a new page.")
        self.ok_button.setEnabled(n > 0)


def print_profiles(ctx: AppContext, parent: QWidget, pupils: list[Pupil], path: Path) -> bool:
    """Write the profiles of ``pupils`` to ``path``; say so, or say why not."""
    from ...reports.profile_pdf import write_profile_pdf

    if not _busy(
        lambda: write_profile_pdf(ctx.session, path, pupils, today=ctx.today),
        parent,
        "Profiles not printed",
    ):
        return False
    noun = "profile" if len(pupils) == 1 else "profiles"
    _tell(parent, f"{len(pupils)} {noun} saved to {path}")
    return True


def save_pupil_map(ctx: AppContext, parent: QWidget, pupil: Pupil, path: Path) -> bool:
    """Write the pupil's provision map to ``path``; say so, or say why not."""
    from ...reports.pupil_map_pdf import write_pupil_map_pdf

    if not _busy(
        lambda: write_pupil_map_pdf(ctx.session, path, pupil, as_of=ctx.today),
        parent,
        "Provision map not saved",
    ):
        return False
    _tell(parent, f"{pupil.display_name}'s provision map saved to {path}")
    return True


def export_subject_access(ctx: AppContext, parent: QWidget, pupil: Pupil, path: Path) -> bool:
    """Write the PDF at ``path`` and the same data as JSON beside it (``.json``)."""
    from ...reports.sar_pdf import write_sar_pdf

    json_path = path.with_suffix(".json")

    def work() -> None:
        """Write both files."""
        write_sar_pdf(ctx.session, path, pupil, today=ctx.today)
        write_subject_access_json(ctx.session, pupil, json_path)

    if not _busy(work, parent, "Subject access export not written"):
        return False
    words = f"Everything held about {pupil.display_name} saved to {path} and {json_path}"
    folder = documents_folder(json_path)
    if folder.is_dir():
        words += f", with their documents in {folder}"
    _tell(parent, words)
    return True


class PupilActions(QObject):
    """The Pupils screen's row of actions; ``bar`` is the widget to place."""

    def __init__(self, screen: Any) -> None:
        """Build the two rows of buttons and keep them enabled for the chosen pupil."""
        super().__init__(screen)
        self.screen = screen
        self.ctx: AppContext = screen.ctx
        self.dialog: QDialog | None = None
        self.bar = QWidget()
        row = QHBoxLayout()
        self.import_button = self._button("&Import pupils…", self.open_import)
        self.profile_button = self._button("Print profiles…", self.open_print_profiles)
        self.map_button = self._button("Provision map PDF…", self.ask_pupil_map)
        self.sar_button = self._button("Subject access export…", self.ask_subject_access)
        self.erase_button = self._button("Erase pupil…", self.open_erase)
        # Two rows, so the list side stays narrow enough for a 1366 laptop at 125 %.
        second = QHBoxLayout()
        for button in (self.import_button, self.profile_button, self.map_button):
            row.addWidget(button)
        row.addStretch(1)
        second.addWidget(self.sar_button)
        second.addStretch(1)
        second.addWidget(self.erase_button)
        rows = QVBoxLayout(self.bar)
        rows.setContentsMargins(0, 0, 0, 0)
        rows.addLayout(row)
        rows.addLayout(second)
        self.ctx.pupil_selected.connect(lambda _id: self.update_buttons())
        self.ctx.data_changed.connect(lambda _kinds: self.update_buttons())
        self.update_buttons()

    def _button(self, text: str, slot: Callable[[], Any]) -> QPushButton:
        """A button that calls `slot` when clicked."""
        button = QPushButton(text)
        button.clicked.connect(lambda _checked=False: slot())
        return button

    def pupil(self) -> Pupil | None:
        """The pupil chosen on the screen, if any."""
        pane = getattr(self.screen, "pane", None)
        return pane.pupil() if pane is not None else None

    def update_buttons(self) -> None:
        """Enable the actions on one pupil only when a pupil is chosen."""
        chosen = self.pupil() is not None
        for button in (self.map_button, self.sar_button, self.erase_button):
            button.setEnabled(chosen)

    def open_import(self) -> ImportPupilsDialog:
        """Open the Import pupils dialog."""
        from ..import_dialog import ImportPupilsDialog

        dialog = ImportPupilsDialog(self.ctx, self.screen)
        self.dialog = dialog
        dialog.open()
        return dialog

    def open_print_profiles(self) -> ProfileBatchDialog:
        """Ask whose profiles to print, then where to save them."""
        dialog = ProfileBatchDialog(self.ctx, self.pupil(), self.screen)
        dialog.accepted.connect(lambda: self._print_chosen(dialog))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _print_chosen(self, dialog: ProfileBatchDialog) -> None:
        """Save the profiles chosen in `dialog` to a file the user names."""
        pupils = dialog.chosen_pupils()
        path = _ask_save(self.screen, "Save the profiles as", dialog.suggested_name())
        if path is not None and pupils:
            print_profiles(self.ctx, self.screen, pupils, path)

    def ask_pupil_map(self) -> None:
        """Save the chosen pupil's provision map to a file the user names."""
        pupil = self.pupil()
        if pupil is None:
            return
        suggested = _safe_file_name(f"Provision map {pupil.display_name}") + ".pdf"
        path = _ask_save(self.screen, "Save the provision map as", suggested)
        if path is not None:
            save_pupil_map(self.ctx, self.screen, pupil, path)

    def ask_subject_access(self) -> None:
        """Save everything held about the chosen pupil to files the user names."""
        pupil = self.pupil()
        if pupil is None:
            return
        suggested = _safe_file_name(f"Subject access {pupil.display_name}") + ".pdf"
        path = _ask_save(self.screen, "Save the subject access export as", suggested)
        if path is not None:
            export_subject_access(self.ctx, self.screen, pupil, path)

    def open_erase(self) -> EraseDialog | None:
        """Ask to confirm erasing the chosen pupil; erase them if confirmed."""
        pupil = self.pupil()
        if pupil is None:
            return None
        pupil_id, name = pupil.id, pupil.display_name
        dialog = EraseDialog(pupil, self.screen)
        dialog.accepted.connect(lambda: self._erase(pupil_id, name))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _erase(self, pupil_id: int, name: str) -> None:
        """Erase the pupil, say what was reached, and offer to delete copies holding them."""
        pane = getattr(self.screen, "pane", None)
        if pane is not None:
            pane.show_pupil(None)
        outcome = erase(self.ctx, pupil_id)
        self.update_buttons()
        if outcome is None:
            return
        self.last_erasure = erasure_words(name, outcome)
        _tell(self.screen, self.last_erasure)
        if outcome.copies:
            self.offer_to_delete_copies(name, outcome.copies)

    def offer_to_delete_copies(self, name: str, copies: list[HeldCopy]) -> bool:
        """Name the copies that still hold the pupil and offer to delete them."""
        lines = [
            f"• {c.path}"
            + (" (protected with a password: it may hold them)" if c.protected else "")
            for c in copies
        ]
        box = QMessageBox(self.screen)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Copies still hold this pupil")
        box.setText(
            f"{name} is no longer in the database, but these backup copies still hold "
            "their details:"
        )
        box.setInformativeText(
            "\n".join(lines) + "\n\nDelete these copies? Backups on other drives or "
            "sticks that ProvMap does not know of must be deleted by hand."
        )
        delete_button = box.addButton(
            "&Delete these copies", QMessageBox.ButtonRole.DestructiveRole
        )
        box.addButton("&Keep them", QMessageBox.ButtonRole.RejectRole)
        self.copies_box = box
        box.exec()
        if box.clickedButton() is not delete_button:
            return False
        delete_copies([c.path for c in copies])
        _tell(self.screen, f"{name} was erased, and {len(copies)} backup copies were deleted.")
        return True
