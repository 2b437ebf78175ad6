"""The main window: menus, screen tabs, the period bar and the status strip."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QUndoCommand
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from .. import APP_NAME, __version__
from ..models import SchoolSettings, Term
from ..services.attention import attention_html, attention_items
from ..services.calendar import current_or_latest_year
from ..storage import Database, StorageError, open_database
from ..storage.backup import backup_database, check_backup, restore_database
from ..storage.places import place_warning
from ..storage.sealed import is_sealed, open_sealed, private_temp_folder
from ..ui.colours import apply_readable_palette
from ..ui.context import AppContext
from ..ui.link_strip import LinkStrip
from ..ui.period_bar import PeriodBar
from ..ui.printing import Printable, preview, print_with_dialog
from ..ui.speech import ValueLabel, announce
from .backup_dialogs import BackupDialog, BackupsDialog, ask_backup_password
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
    """The main window: menus, the period bar, the screens' tabs and the status strip."""

    undo_action: QAction
    redo_action: QAction

    def __init__(self, database: Database, *, today: dt.date | None = None) -> None:
        super().__init__()
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_readable_palette(app)
        self.settings = QSettings()
        self.today = today or dt.date.today()
        self.ctx: AppContext | None = None
        self.screens = ScreenMap(self)
        self._chosen_pupil: int | None = None
        self.resize(1280, 760)
        self._build_menus()
        self.db_label = ValueLabel()
        self.attention_label = LinkStrip()
        self.attention_label.setAccessibleName("Things that need attention")
        self.attention_label.linkActivated.connect(self.open_link)
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
        self.period_bar.search_typed.connect(lambda text: self._search_pupils(text, focus=False))
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
    def _scrolling(screen: QWidget) -> QScrollArea:
        """A screen in a scroll area, so the window fits a small or scaled screen.

        The screen fills the area whenever the window is big enough for it; only on a
        smaller one do scroll bars appear, and nothing is ever out of reach.
        """
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setFrameShape(QScrollArea.Shape.NoFrame)
        area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        area.setWidget(screen)
        return area

    def current_screen(self) -> QWidget:
        """The screen on show (the tab holds it inside a scroll area)."""
        area = self.tabs.currentWidget()
        screen = area.widget() if isinstance(area, QScrollArea) else area
        assert screen is not None, "the window always shows a screen"
        return screen

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
        stack = ctx.undo_stack
        # Said as well as done: after an undo the undone command is at the index,
        # after a redo it is just before it.
        self.undo_action.triggered.connect(
            lambda: self._say_undo("Undid", stack.command(stack.index()))
        )
        self.redo_action.triggered.connect(
            lambda: self._say_undo("Redid", stack.command(stack.index() - 1))
        )

    def _say_undo(self, verb: str, command: QUndoCommand | None) -> None:
        if command is None:
            return
        text = f"{verb} {command.text()}."
        self.statusBar().showMessage(text, 8000)
        announce(self.statusBar(), text)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self._add(file_menu, "&Back up…", self.back_up, "Ctrl+Shift+B")
        self._add(file_menu, "&Restore…", self.restore)
        self._add(file_menu, "&Automatic backups…", self.show_backups)
        file_menu.addSeparator()
        self._add(file_menu, "Import a provision &map…", self.import_map)
        file_menu.addSeparator()
        self.print_action = self._add(file_menu, "&Print…", self.print_screen, "Ctrl+P")
        self.print_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self._add(file_menu, "Print pre&view…", self.preview_screen, "Ctrl+Shift+P")
        file_menu.addSeparator()
        self._add(file_menu, "&Quit", self.close, QKeySequence.StandardKey.Quit)

        self.edit_menu = bar.addMenu("&Edit")
        self.undo_action = QAction("&Undo", self)
        self.redo_action = QAction("&Redo", self)
        find = self._add(self.edit_menu, "&Find pupil", self._focus_search, "Ctrl+F")
        find.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)

        # No access letter: every free letter is taken by some screen (F10 reaches them).
        pupil_menu = bar.addMenu("Pupil")
        self._add(pupil_menu, "&New pupil…", self.new_pupil)
        pupil_menu.addAction(find)
        self._add(pupil_menu, "&Print profile…", self.print_profile)
        self._add(pupil_menu, "&Evidence pack (PDF)…", self.evidence_pack)
        # Filled from the Reports screen's buttons, so each report is also here.
        self.reports_menu = bar.addMenu("Reports")
        self.reports_menu.aboutToShow.connect(self._fill_reports_menu)

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
        year = current_or_latest_year(session, self.today)
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

    def _press_report(self, button: QPushButton) -> None:
        """Reports menu: show the Reports screen and press the report's button."""
        self.show_screen("reports")
        button.click()

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
            self.tabs.insertTab(index, self._scrolling(widget), spec.title)
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

    def open_link(self, link: str) -> None:
        """A status-strip link: its screen, then exactly what it counts on it."""
        key, _, target = link.partition("#")
        self.show_screen(key)
        opener = getattr(self.screens.get(key), "show_target", None)
        if target and callable(opener):
            opener(target)

    def _remember_screen(self, index: int) -> None:
        self.settings.setValue("last_screen", SCREENS[index].key)

    def _focus_search(self) -> None:
        self.period_bar.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.period_bar.search.selectAll()

    def _search_pupils(self, text: str, *, focus: bool = True) -> None:
        """Show the pupils found; ``focus`` False keeps the typing in the search box."""
        self.show_screen("pupils")
        screen = self.screens.get("pupils")
        search = getattr(screen, "search_for", None)
        if callable(search):
            search(text, focus=focus)

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

    # -- pupil and reports menus ---------------------------------------------------

    def new_pupil(self) -> None:
        self.show_screen("pupils")
        opener = getattr(self.screens.get("pupils"), "open_add_dialog", None)
        if callable(opener):
            opener()

    def print_profile(self) -> None:
        self.show_screen("pupils")
        self.print_screen()

    def evidence_pack(self) -> None:
        self.show_screen("reports")
        buttons = getattr(self.screens.get("reports"), "pupil_buttons", [])
        if len(buttons) > 1 and buttons[1].isEnabled():
            buttons[1].click()
        else:
            self.statusBar().showMessage("Choose a pupil first, on the map or in Pupils.", 8000)

    def _fill_reports_menu(self) -> None:
        """List the Reports screen's buttons, as they stand, each time the menu opens.

        Filled on opening, not at start-up, so the Reports screen is built only when
        someone asks for a report.
        """
        from PySide6.QtWidgets import QPushButton

        self.reports_menu.clear()
        if self.ctx is None:
            return
        screen = self.screens["reports"]
        for button in screen.findChildren(QPushButton):
            action = self.reports_menu.addAction(button.text())
            # Greyed out with its button (a pupil's reports need a pupil chosen).
            action.setEnabled(button.isEnabled())
            action.triggered.connect(lambda _checked=False, b=button: self._press_report(b))

    def printable(self) -> Printable | None:
        """What File → Print… prints here: the screen's report, or None."""
        chooser = getattr(self.current_screen(), "printable", None)
        return chooser() if callable(chooser) else None

    def print_screen(self) -> int:
        printable = self.printable()
        if printable is None:
            self._nothing_to_print()
            return 0
        printed = print_with_dialog(self, printable)
        if printed:
            pages = f"{printed} page{'' if printed == 1 else 's'}"
            self.statusBar().showMessage(f"Sent {printable.title} to the printer ({pages}).", 8000)
        return printed

    def preview_screen(self) -> None:
        printable = self.printable()
        if printable is None:
            self._nothing_to_print()
            return
        self.preview_dialog = preview(self, printable)

    def _nothing_to_print(self) -> None:
        self.statusBar().showMessage(
            "Nothing to print on this screen: choose the map, a pupil or Costs.", 8000
        )

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

    def import_map(self) -> None:
        from ..views.map_import_dialog import MapImportDialog

        if self.ctx is None:
            return
        self.map_import_dialog = MapImportDialog(self.ctx, self)
        self.map_import_dialog.open()

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
