"""The main window: it puts the menus, the period bar, the screens and the status strip
together, and routes the menu commands to the screen that does the work.

Its parts live beside it: ``menus`` (the menu bar), ``screen_tabs`` (the screens and
their tabs), ``status_strip`` (attention links and the place banner), ``file_actions``
(backup, restore, map import) and ``help`` (the Help menu's windows).
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import QApplication, QMenu, QPushButton, QVBoxLayout, QWidget
from sqlalchemy import select

from ..models import Term
from ..services.calendar import current_or_latest_year
from ..storage import Database
from ..ui.colours import apply_readable_palette
from ..ui.context import AppContext
from ..ui.period_bar import PeriodBar
from ..ui.printing import Printable, preview, print_with_dialog
from ..ui.speech import announce
from .file_actions import FileActions
from .help import costing_help, show_about
from .menus import build_menus, wire_undo
from .role_limits import offer_by_role
from .screen_tabs import ScreenMap, ScreenTabs
from .setup_checklist import SetupChecklist
from .status_strip import StatusStrip, risky_place_banner


class MainWindow(FileActions, StatusStrip, ScreenTabs):
    """The main window: menus, the period bar, the screens' tabs and the status strip."""

    edit_menu: QMenu
    undo_action: QAction
    redo_action: QAction
    reports_menu: QMenu
    print_action: QAction
    #: Commands that change the map: disabled, saying why, for a login that may not.
    map_writing_actions: list[QAction]
    #: Commands that open a screen (by its key): disabled where the screen is not shown.
    screen_actions: list[tuple[str, QAction]]

    def __init__(self, database: Database, *, today: dt.date | None = None) -> None:
        super().__init__()
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_readable_palette(app)
        self.settings = QSettings()
        self.today = today or dt.date.today()
        self.ctx: AppContext | None = None
        self.screens = ScreenMap(self._build_screen)
        self._chosen_pupil: int | None = None
        build_menus(self)
        self._build_status_strip(self.open_link)
        self.load_database(database)
        self._fit_to_screen()

    def _fit_to_screen(self) -> None:
        """Open at 1280 × 760, or at the screen's free area when that is smaller
        (a 1366 × 768 laptop at 125 % has 1093 × 614 to give)."""
        area = self.screen().availableGeometry()
        frame = self.frameGeometry().size() - self.geometry().size()
        width = min(1280, area.width() - frame.width())
        height = min(760, area.height() - frame.height())
        self.resize(width, height)
        self.move(area.topLeft())

    # -- set-up ---------------------------------------------------------------------

    def load_database(self, database: Database) -> None:
        """Show ``database``: build the context and every screen afresh."""
        if self.ctx is not None:
            self.ctx.close()
        self.database = database
        self.ctx = ctx = AppContext(database, self)
        ctx.today = self.today
        self.undo_action.setEnabled(False)
        self.offer_file_copies(database)
        wire_undo(self, ctx)
        self._build_central(database, ctx)
        offer_by_role(self, ctx)
        ctx.navigate_requested.connect(self.show_screen)
        ctx.data_changed.connect(lambda _kinds: self._refresh_status())
        ctx.edit_refused.connect(self.say_refused)
        ctx.period_changed.connect(self._refresh_status)
        self._select_starting_period()
        last = self.settings.value("last_screen", "map")
        self.show_screen(str(last), say_why=False)
        self.tabs.currentChanged.connect(self._tab_opened)
        self._refresh_status()

    def _build_central(self, database: Database, ctx: AppContext) -> None:
        """The place banner, the period bar and the screens' tabs, one above the other."""
        self.period_bar = PeriodBar(ctx)
        self.period_bar.search_requested.connect(self._search_pupils)
        self.period_bar.search_typed.connect(lambda text: self._search_pupils(text, focus=False))
        tabs = self._make_tabs()
        ctx.pupil_selected.connect(self._remember_pupil)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        self.place_banner = risky_place_banner(database)
        layout.addWidget(self.place_banner)
        layout.addWidget(self.period_bar)
        # A new school's first steps, until they are done or the list is hidden.
        self.setup_checklist = SetupChecklist(ctx, database.location, self)
        layout.addWidget(self.setup_checklist)
        layout.addWidget(tabs, 1)
        self.setCentralWidget(central)

    def _select_starting_period(self) -> None:
        """Choose the academic year (and term) that ``today`` falls in, or the latest."""
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

    # -- finding pupils -------------------------------------------------------------

    def reload_data(self) -> None:
        """Show what is saved now, others' edits included (two people on one database)."""
        assert self.ctx is not None
        self.ctx.reload_everything()
        self.say("Reloaded: every screen shows what is saved now.")

    def say_refused(self, text: str) -> None:
        """An undo or redo someone else's edit made impossible: say so, plainly."""
        self.say(text)

    def say(self, text: str) -> None:
        """Show ``text`` in the status bar for a while, and have it read out."""
        self.statusBar().showMessage(text, 15000)
        announce(self.statusBar(), text)

    def focus_search(self) -> None:
        """Edit → Find pupil: into the search box, its text selected."""
        self.period_bar.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.period_bar.search.selectAll()

    def _search_pupils(self, text: str, *, focus: bool = True) -> None:
        """Show the pupils found; ``focus`` False keeps the typing in the search box.

        Where the Pupils screen is not shown (a member of staff's login), the pupils
        are found in the map's tray instead: their names are on the map already.
        """
        if "pupils" not in self.screens:
            self._search_tray(text, focus=focus)
            return
        self.show_screen("pupils")
        screen = self.screens.get("pupils")
        search = getattr(screen, "search_for", None)
        if callable(search):
            search(text, focus=focus)

    def _search_tray(self, text: str, *, focus: bool) -> None:
        """Find pupils in the map's tray: its search box takes the words typed."""
        self.show_screen("map")
        tray = getattr(self.screens["map"], "tray", None)
        if tray is None:
            return
        tray.search.setText(text)
        if focus:
            tray.list.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- pupil and reports menus ---------------------------------------------------

    def new_pupil(self) -> None:
        """Pupil → New pupil…: the Pupils screen's add dialog."""
        self.show_screen("pupils")
        opener = getattr(self.screens.get("pupils"), "open_add_dialog", None)
        if callable(opener):
            opener()

    def print_profile(self) -> None:
        """Pupil → Print profile…: print the chosen pupil's profile from Pupils."""
        self.show_screen("pupils")
        self.print_screen()

    def evidence_pack(self) -> None:
        """Pupil → Evidence pack: the Reports screen's button, once a pupil is chosen."""
        self.show_screen("reports")
        buttons = getattr(self.screens.get("reports"), "pupil_buttons", [])
        if len(buttons) > 1 and buttons[1].isEnabled():
            buttons[1].click()
        else:
            self.statusBar().showMessage("Choose a pupil first, on the map or in Pupils.", 8000)

    def fill_reports_menu(self) -> None:
        """List the Reports screen's buttons, as they stand, each time the menu opens.

        Filled on opening, not at start-up, so the Reports screen is built only when
        someone asks for a report.
        """
        self.reports_menu.clear()
        if self.ctx is None or "reports" not in self.screens:
            return
        screen = self.screens["reports"]
        for button in screen.findChildren(QPushButton):
            action = self.reports_menu.addAction(button.text())
            # Greyed out with its button (a pupil's reports need a pupil chosen).
            action.setEnabled(button.isEnabled())
            action.triggered.connect(lambda _checked=False, b=button: self._press_report(b))

    def _press_report(self, button: QPushButton) -> None:
        """Reports menu: show the Reports screen and press the report's button."""
        self.show_screen("reports")
        button.click()

    # -- printing -------------------------------------------------------------------

    def printable(self) -> Printable | None:
        """What File → Print… prints here: the screen's report, or None."""
        chooser = getattr(self.current_screen(), "printable", None)
        return chooser() if callable(chooser) else None

    def print_screen(self) -> int:
        """File → Print…: print this screen's report; the number of pages sent."""
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
        """File → Print preview…: this screen's report on screen, as it would print."""
        printable = self.printable()
        if printable is None:
            self._nothing_to_print()
            return
        self.preview_dialog = preview(self, printable)

    def _nothing_to_print(self) -> None:
        """Say which screens have something to print."""
        self.statusBar().showMessage(
            "Nothing to print on this screen: choose the map, a pupil or Costs.", 8000
        )

    # -- help and closing -----------------------------------------------------------

    def show_costing_help(self) -> None:
        """Help → How costs are worked out…"""
        self.help_dialog = costing_help(self)
        self.help_dialog.show()

    def about(self) -> None:
        """Help → About ProvMap."""
        show_about(self)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Let go of the database file as the window closes."""
        if self.ctx is not None:
            self.ctx.close()
        self.database.close()
        event.accept()
