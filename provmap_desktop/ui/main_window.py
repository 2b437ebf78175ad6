"""The main window: menus, screen tabs, the period bar and the status strip."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from .. import APP_NAME, __version__
from ..models import AcademicYear, SchoolSettings, Term
from ..storage import Database, StorageError, open_database
from ..storage.backup import backup_database, check_backup, restore_database
from ..storage.places import place_warning
from ..storage.sealed import is_sealed, open_sealed, private_temp_folder
from .attention import attention_html, attention_items
from .backup_dialogs import BackupDialog, BackupsDialog, ask_backup_password
from .context import AppContext
from .period_bar import PeriodBar
from .screens import SCREENS, build_screen

_KEYS = [spec.key for spec in SCREENS]


class ScreenMap(Mapping[str, QWidget]):
    """The window's screens by key; a screen not yet built is built on first use.

    Only the screen shown at start-up is built then; the others are built when their
    tab is first opened (or when code asks for them here).
    """

    def __init__(self, window: MainWindow) -> None:
        self._window = window
        self._built: dict[str, QWidget] = {}

    def __getitem__(self, key: str) -> QWidget:
        if key not in _KEYS:
            raise KeyError(key)
        if key not in self._built:
            self._built[key] = self._window._build_screen(_KEYS.index(key))
        return self._built[key]

    def __iter__(self) -> Iterator[str]:
        return iter(_KEYS)

    def __len__(self) -> int:
        return len(_KEYS)

    def built(self) -> dict[str, QWidget]:
        """The screens built so far."""
        return dict(self._built)


class MainWindow(QMainWindow):
    def __init__(self, database: Database, *, today: dt.date | None = None) -> None:
        super().__init__()
        self.settings = QSettings()
        self.today = today or dt.date.today()
        self.ctx: AppContext | None = None
        self.screens = ScreenMap(self)
        self._chosen_pupil: int | None = None
        self.resize(1280, 760)
        self._build_menus()
        self.db_label = QLabel()
        self.attention_label = QLabel()
        self.attention_label.setAccessibleName("Things that need attention")
        self.attention_label.setTextFormat(Qt.TextFormat.RichText)
        self.attention_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.LinksAccessibleByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
        )
        self.attention_label.linkActivated.connect(self.show_screen)
        # The checks cost the school's figures; run them once edits have settled.
        self.attention_timer = QTimer(self)
        self.attention_timer.setSingleShot(True)
        self.attention_timer.setInterval(600)
        self.attention_timer.timeout.connect(self.refresh_attention)
        self.statusBar().addWidget(self.attention_label, 1)
        self.statusBar().addPermanentWidget(self.db_label)
        self.load_database(database)

    # -- set-up ---------------------------------------------------------------------

    def load_database(self, database: Database) -> None:
        """Show ``database``: build the context and every screen afresh."""
        if self.ctx is not None:
            self.ctx.close()
        self.database = database
        self.ctx = ctx = AppContext(database, self)
        ctx.today = self.today
        self.undo_action.setEnabled(False)
        self._wire_undo(ctx)

        self.period_bar = PeriodBar(ctx)
        self.period_bar.search_requested.connect(self._search_pupils)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Screens")
        self.screens = ScreenMap(self)
        self._chosen_pupil = None
        ctx.pupil_selected.connect(self._remember_pupil)
        # A light placeholder per tab: a screen is built when first opened.
        for spec in SCREENS:
            placeholder = QWidget()
            placeholder.setAccessibleName(spec.title)
            self.tabs.addTab(placeholder, spec.title)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        self.place_banner = self._place_banner(database)
        layout.addWidget(self.place_banner)
        layout.addWidget(self.period_bar)
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)

        ctx.navigate_requested.connect(self.show_screen)
        ctx.data_changed.connect(lambda _kinds: self._refresh_status())
        ctx.period_changed.connect(self._refresh_status)
        self._select_starting_period()
        last = self.settings.value("last_screen", "map")
        self.show_screen(str(last))
        self.tabs.currentChanged.connect(self._tab_opened)
        self._refresh_status()

    @staticmethod
    def _place_banner(database: Database) -> QLabel:
        """A plain warning when the file sits on a network, synced or removable drive."""
        warning = place_warning(database.path)
        banner = QLabel(f"⚠ Risky place for the database. {warning}" if warning else "")
        banner.setWordWrap(True)
        banner.setAccessibleName("Warning about where the database is kept")
        banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # Dark text on pale amber: 4.5:1 or better, and the words carry the meaning.
        banner.setStyleSheet(
            "QLabel { background: #fff4ce; color: #3b2f00; padding: 6px;"
            " border-bottom: 1px solid #8a6d00; }"
        )
        banner.setVisible(warning is not None)
        return banner

    def _wire_undo(self, ctx: AppContext) -> None:
        for action in (self.undo_action, self.redo_action):
            self.edit_menu.removeAction(action)
        self.undo_action = ctx.undo_stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = ctx.undo_stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.edit_menu.addAction(self.undo_action)
        self.edit_menu.addAction(self.redo_action)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self._add(file_menu, "&Back up…", self.back_up, "Ctrl+Shift+B")
        self._add(file_menu, "&Restore…", self.restore)
        self._add(file_menu, "&Automatic backups…", self.show_backups)
        file_menu.addSeparator()
        self._add(file_menu, "&Quit", self.close, QKeySequence.StandardKey.Quit)

        self.edit_menu = bar.addMenu("&Edit")
        self.undo_action = QAction("&Undo", self)
        self.redo_action = QAction("&Redo", self)
        find = self._add(self.edit_menu, "&Find pupil", self._focus_search, "Ctrl+F")
        find.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)

        view_menu = bar.addMenu("&View")
        for number, spec in enumerate(SCREENS, start=1):
            self._add(
                view_menu,
                spec.title,
                lambda _checked=False, key=spec.key: self.show_screen(key),
                f"Ctrl+{number}",
            )

        help_menu = bar.addMenu("&Help")
        self._add(help_menu, "How &costs are worked out…", self.show_costing_help)
        self._add(help_menu, "&About ProvMap", self.about)

    def _add(self, menu, text, slot, shortcut=None) -> QAction:  # type: ignore[no-untyped-def]
        action = menu.addAction(text)
        action.triggered.connect(slot)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        return action

    def _select_starting_period(self) -> None:
        assert self.ctx is not None
        session = self.ctx.session
        year = (
            session.scalars(
                select(AcademicYear).where(
                    AcademicYear.start_date <= self.today, AcademicYear.end_date >= self.today
                )
            ).first()
            or session.scalars(
                select(AcademicYear).order_by(AcademicYear.start_date.desc())
            ).first()
        )
        term_name = None
        if year is not None:
            term = session.scalars(
                select(Term)
                .where(Term.academic_year_id == year.id, Term.end_date >= self.today)
                .order_by(Term.start_date)
            ).first()
            term_name = term.name if term else None
        self.period_bar.select(year.id if year else None, term_name)

    # -- navigation -----------------------------------------------------------------

    def show_screen(self, key: str) -> None:
        index = _KEYS.index(key) if key in _KEYS else 0
        self.screens[_KEYS[index]]  # built now if this is its first showing
        self.tabs.setCurrentIndex(index)

    def _build_screen(self, index: int) -> QWidget:
        """Build the screen of tab ``index`` and put it in place of its placeholder."""
        assert self.ctx is not None
        spec = SCREENS[index]
        widget = build_screen(spec, self.ctx)
        widget.setAccessibleName(spec.title)
        current = self.tabs.currentIndex()
        placeholder = self.tabs.widget(index)
        blocked = self.tabs.blockSignals(True)
        try:
            self.tabs.removeTab(index)
            self.tabs.insertTab(index, widget, spec.title)
            self.tabs.setCurrentIndex(current)
        finally:
            self.tabs.blockSignals(blocked)
        if placeholder is not None:
            placeholder.deleteLater()
        if self._chosen_pupil is not None:
            # A pupil chosen before this screen existed is its chosen pupil too.
            for name in ("select_pupil", "_pupil_chosen"):
                chosen = getattr(widget, name, None)
                if callable(chosen):
                    chosen(self._chosen_pupil)
        return widget

    def _tab_opened(self, index: int) -> None:
        if 0 <= index < len(SCREENS):
            if SCREENS[index].key not in self.screens.built():
                self.screens[SCREENS[index].key]
                self.tabs.setCurrentIndex(index)
            self._remember_screen(index)

    def _remember_pupil(self, pupil_id: int) -> None:
        self._chosen_pupil = pupil_id

    def _remember_screen(self, index: int) -> None:
        self.settings.setValue("last_screen", SCREENS[index].key)

    def _focus_search(self) -> None:
        self.period_bar.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.period_bar.search.selectAll()

    def _search_pupils(self, text: str) -> None:
        self.show_screen("pupils")
        screen = self.screens.get("pupils")
        search = getattr(screen, "search_for", None)
        if callable(search):
            search(text)

    def _refresh_status(self) -> None:
        assert self.ctx is not None
        school = self.ctx.session.get(SchoolSettings, 1)
        name = school.name if school else "No school yet"
        self.setWindowTitle(f"{name} – {APP_NAME}")
        self.db_label.setText(f"Database: {self.database.path}")
        self.attention_timer.start()

    def refresh_attention(self) -> None:
        """Reviews due, Section F gaps, groups below amber, pupils over the threshold."""
        if self.ctx is None:
            return
        items = attention_items(self.ctx.session, self.today)
        self.attention_items = items
        self.attention_label.setText(attention_html(items))

    # -- file menu ------------------------------------------------------------------

    def back_up(self) -> None:
        stamp = self.today.strftime("%Y-%m-%d")
        suggested = Path.home() / f"{self.database.path.stem}-backup-{stamp}.provmap"
        dialog = BackupDialog(suggested, self)
        if dialog.exec() != BackupDialog.DialogCode.Accepted:
            return
        try:
            out = backup_database(
                self.database.path, dialog.target, password=dialog.chosen_password
            )
        except StorageError as exc:
            QMessageBox.warning(self, "Backup not written", str(exc))
            return
        protected = " (protected with a password)" if dialog.chosen_password else ""
        self.statusBar().showMessage(f"Backup written to {out}{protected}", 8000)

    def restore(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            "Restore from a backup",
            str(Path.home()),
            "ProvMap backups (*.provmap *.provmap-sealed *.bak);;All files (*)",
        )
        if path:
            self.restore_from(Path(path))

    def show_backups(self) -> None:
        dialog = BackupsDialog(self.database.path, self)
        if dialog.exec() == BackupsDialog.DialogCode.Accepted and dialog.chosen is not None:
            self.restore_from(dialog.chosen)

    def restore_from(self, backup: Path, *, confirm: bool = True) -> bool:
        """Check ``backup``, ask, then swap it in; the old data is kept in Backups."""
        if is_sealed(backup):
            password = ask_backup_password(self, backup)
            if password is None:
                return False
            with private_temp_folder(self.database.path) as scratch:
                try:
                    plain = open_sealed(backup, password, Path(scratch) / "opened.provmap")
                except StorageError as exc:
                    QMessageBox.warning(self, "Cannot restore", str(exc))
                    return False
                return self._restore_checked(plain, backup.name, confirm=confirm)
        return self._restore_checked(backup, backup.name, confirm=confirm)

    def _restore_checked(self, backup: Path, name: str, *, confirm: bool) -> bool:
        try:
            check_backup(backup)
        except StorageError as exc:
            QMessageBox.warning(self, "Cannot restore", str(exc))
            return False
        if confirm:
            answer = QMessageBox.question(
                self,
                "Restore this backup?",
                f"Replace the current data with {name}?\n\nThe current database will "
                "be kept in the Backups folder (File → Automatic backups…), in case you "
                "need it again.",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return False
        target = self.database.path
        assert self.ctx is not None
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
        return True

    def show_costing_help(self) -> None:
        """The cost formulas, read from the cost engine itself so they never drift."""
        from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser

        from ..services import costing

        dialog = QDialog(self)
        dialog.setWindowTitle("How costs are worked out")
        text = QTextBrowser(dialog)
        text.setAccessibleName("How costs are worked out")
        text.setMarkdown((costing.__doc__ or "").replace(" x ", " × "))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dialog)
        buttons.rejected.connect(dialog.reject)
        layout = QVBoxLayout(dialog)
        layout.addWidget(text)
        layout.addWidget(buttons)
        dialog.resize(720, 560)
        self.help_dialog = dialog
        dialog.show()

    def about(self) -> None:
        QMessageBox.about(
            self,
            f"About {APP_NAME}",
            f"<b>{APP_NAME}</b> {__version__}<br>A live, costed provision map for SENCOs."
            "<br><br>Everything stays in the database file on this computer; "
            "ProvMap never uses the network.",
        )

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.ctx is not None:
            self.ctx.close()
        self.database.close()
        event.accept()
