"""The File menu's work on the database file: back up, restore, and import a map.

A restore checks the backup, asks, keeps the current data in the Backups folder, then
swaps the backup in and shows it; a sealed backup is opened with its password first.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMessageBox

from ..storage import Database, StorageError, open_database
from ..storage.server import SERVER_BACKUP_MESSAGE
from ..ui.context import AppContext
from ..ui.folders import last_folder, remember, start_in

# The backup code, its encryption library and its dialogs load when a command first
# needs them, not while the window opens.


class FileActions(QMainWindow):
    """The main window's File menu commands that write, read or replace the file."""

    ctx: AppContext | None
    database: Database
    today: dt.date
    #: Back up, Restore and Automatic backups: the commands that copy the file.
    file_copy_actions: list[QAction]

    def load_database(self, database: Database) -> None:
        """Show ``database`` afresh; the main window says how."""
        raise NotImplementedError

    def offer_file_copies(self, database: Database) -> None:
        """Enable the file's backup commands, or disable them with the reason on a server."""
        reason = SERVER_BACKUP_MESSAGE if database.is_server else ""
        for action in self.file_copy_actions:
            action.setEnabled(not database.is_server)
            action.setToolTip(reason or action.text().replace("&", "").rstrip("…"))
            action.setStatusTip(reason)

    def _file_path(self) -> Path | None:
        """The school file's path; on a server, ``None`` after saying who makes backups."""
        if self.database.path is None:
            QMessageBox.information(self, "Backups", SERVER_BACKUP_MESSAGE)
        return self.database.path

    def back_up(self) -> None:
        """Ask where (and whether with a password), then write a backup there."""
        path = self._file_path()
        if path is None:
            return
        from ..storage.backup import backup_database
        from .backup_dialogs import BackupDialog

        stamp = self.today.strftime("%Y-%m-%d")
        suggested = last_folder() / f"{path.stem}-backup-{stamp}.provmap"
        dialog = BackupDialog(suggested, self)
        if dialog.exec() != BackupDialog.DialogCode.Accepted:
            return
        remember(dialog.target)
        try:
            out = backup_database(path, dialog.target, password=dialog.chosen_password)
        except StorageError as exc:
            QMessageBox.warning(self, "Backup not written", str(exc))
            return
        protected = " (protected with a password)" if dialog.chosen_password else ""
        self.statusBar().showMessage(f"Backup written to {out}{protected}", 8000)

    def restore(self) -> None:
        """Ask for a backup file, then restore from it."""
        if self._file_path() is None:
            return
        path, _ = QFileDialog.getOpenFileName(
            self,
            "Restore from a backup",
            start_in(),
            "ProvMap backups (*.provmap *.provmap-sealed *.bak);;All files (*)",
        )
        if path:
            remember(path)
            self.restore_from(Path(path))

    def import_map(self) -> None:
        """Open the dialog that imports the school's own provision map."""
        from ..views.map_import_dialog import MapImportDialog

        if self.ctx is None:
            return
        self.map_import_dialog = MapImportDialog(self.ctx, self)
        self.map_import_dialog.open()

    def start_new_year(self) -> None:
        """File → Start a new academic year…: the rollover wizard, then the new year shown."""
        from ..domain import DomainError
        from ..services.calendar import current_or_latest_year
        from ..services.projection import parse_year_label, year_label
        from ..views.rollover_wizard import RolloverWizard

        if self.ctx is None:
            return
        year = current_or_latest_year(self.ctx.session, self.today)
        if year is None:
            QMessageBox.information(self, "No academic year", "Set up an academic year first.")
            return
        to_label = year_label(parse_year_label(year.label) + 1)
        try:
            wizard = RolloverWizard(self.ctx, to_label, self)
        except DomainError as exc:
            QMessageBox.information(self, f"Start {to_label}", str(exc))
            return
        self.rollover_wizard = wizard
        wizard.finished.connect(lambda _result: self._after_rollover(wizard))
        wizard.open()

    def _after_rollover(self, wizard: object) -> None:
        """Show the new year once the wizard has made it (every screen afresh), with
        Edit → Undo offering to put the school back as it was just before."""
        from .year_start_undo import offer_undo

        outcome = getattr(wizard, "outcome", None)
        if outcome is None:
            return
        self.load_database(self.database)
        if outcome.backup is not None:
            offer_undo(self, str(getattr(wizard, "to_label", "")), outcome.backup)
        self.statusBar().showMessage("The new academic year has started.", 10000)

    def show_backups(self) -> None:
        """List the automatic backups; restore the one chosen."""
        path = self._file_path()
        if path is None:
            return
        from .backup_dialogs import BackupsDialog

        dialog = BackupsDialog(path, self)
        if dialog.exec() == BackupsDialog.DialogCode.Accepted and dialog.chosen is not None:
            self.restore_from(dialog.chosen)

    def restore_from(self, backup: Path, *, confirm: bool = True) -> bool:
        """Check ``backup``, ask, then swap it in; the old data is kept in Backups."""
        path = self._file_path()
        if path is None:
            return False
        from ..storage.sealed import is_sealed, open_sealed, private_temp_folder
        from .backup_dialogs import ask_backup_password

        if is_sealed(backup):
            password = ask_backup_password(self, backup)
            if password is None:
                return False
            with private_temp_folder(path) as scratch:
                try:
                    plain = open_sealed(backup, password, Path(scratch) / "opened.provmap")
                except StorageError as exc:
                    QMessageBox.warning(self, "Cannot restore", str(exc))
                    return False
                return self._restore_checked(plain, backup.name, confirm=confirm)
        return self._restore_checked(backup, backup.name, confirm=confirm)

    def _restore_checked(self, backup: Path, name: str, *, confirm: bool) -> bool:
        """Restore the plain backup file ``backup`` (called ``name``) once it is checked."""
        from ..storage.backup import check_backup

        try:
            check_backup(backup)
        except StorageError as exc:
            QMessageBox.warning(self, "Cannot restore", str(exc))
            return False
        if confirm and not self._confirm_restore(name):
            return False
        self._swap_in(backup)
        return True

    def _confirm_restore(self, name: str) -> bool:
        """Ask before the current data is replaced by the backup ``name``."""
        answer = QMessageBox.question(
            self,
            "Restore this backup?",
            f"Replace the current data with {name}?\n\nThe current database will "
            "be kept in the Backups folder (File → Automatic backups…), in case you "
            "need it again.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _swap_in(self, backup: Path) -> None:
        """Close the file, put ``backup`` in its place, and show the result."""
        from ..storage.backup import restore_database

        target = self.database.path
        assert self.ctx is not None
        assert target is not None
        self.ctx.close()
        self.database.close()
        try:
            aside = restore_database(backup, target)
        except StorageError as exc:
            QMessageBox.warning(self, "Restore failed", str(exc))
            aside = None
        database = open_database(target)
        self.ctx = None
        self.load_database(database)
        if aside is not None:
            self.statusBar().showMessage(f"Restored. Previous data kept as {aside.name}", 10000)
