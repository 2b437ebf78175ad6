"""The main window's menu bar: File, Edit, Pupil, Reports, View and Help.

Every command is wired to a method of the window. Edit's Undo and Redo come from the
open database's undo stack, so they are put in again whenever a file is opened.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut, QUndoCommand
from PySide6.QtWidgets import QMenu, QMenuBar, QStatusBar

from ..ui.context import AppContext
from ..ui.speech import announce
from .screens import SCREENS

if TYPE_CHECKING:
    from .main_window import MainWindow

Shortcut = str | QKeySequence | QKeySequence.StandardKey


def add_command(
    menu: QMenu, text: str, slot: Callable[[], object], shortcut: Shortcut | None = None
) -> QAction:
    """Add the command ``text`` to ``menu``, calling ``slot``, with an optional shortcut."""
    action = menu.addAction(text)
    action.triggered.connect(slot)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    return action


def build_menus(window: MainWindow) -> None:
    """Put every menu on ``window``'s menu bar, each command wired to the window."""
    bar = window.menuBar()
    _file_menu(window, bar)
    _edit_and_pupil_menus(window, bar)
    # Filled from the Reports screen's buttons, so each report is also here.
    window.reports_menu = bar.addMenu("Reports")
    window.screen_actions.append(("reports", window.reports_menu.menuAction()))
    window.reports_menu.aboutToShow.connect(window.fill_reports_menu)
    _view_and_help_menus(window, bar)
    # F10 opens the menu bar on its first menu, as on Windows and GNOME; Qt leaves it to
    # the desktop, so without this the Pupil menu (which has no access letter) could only
    # be reached from another menu. The arrows then move between menus.
    open_menus = QShortcut(QKeySequence(Qt.Key.Key_F10), window)
    open_menus.activated.connect(lambda: bar.setActiveAction(bar.actions()[0]))


def _file_menu(window: MainWindow, bar: QMenuBar) -> None:
    """File: backups, importing a map, printing and quitting."""
    file_menu = bar.addMenu("&File")
    # A server database is backed up by its administrator: these three are disabled,
    # with the reason, while one is open (``FileActions.offer_file_copies``).
    file_menu.setToolTipsVisible(True)
    window.file_copy_actions = [
        add_command(file_menu, "&Back up…", window.back_up, "Ctrl+Shift+B"),
        add_command(file_menu, "&Restore…", window.restore),
        add_command(file_menu, "&Automatic backups…", window.show_backups),
    ]
    file_menu.addSeparator()
    # Both change the map: disabled, with the reason, for a login that may not
    # (``role_limits.offer_by_role``).
    window.map_writing_actions = [
        add_command(file_menu, "Import a provision &map…", window.import_map),
        add_command(file_menu, "Start a new academic &year…", window.start_new_year),
    ]
    file_menu.addSeparator()
    window.print_action = add_command(file_menu, "&Print…", window.print_screen, "Ctrl+P")
    window.print_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    add_command(file_menu, "Print pre&view…", window.preview_screen, "Ctrl+Shift+P")
    file_menu.addSeparator()
    add_command(file_menu, "&Quit", window.close, QKeySequence.StandardKey.Quit)


def _edit_and_pupil_menus(window: MainWindow, bar: QMenuBar) -> None:
    """Edit (Find pupil; Undo and Redo join it with a database) and Pupil."""
    window.edit_menu = bar.addMenu("&Edit")
    window.undo_action = QAction("&Undo", window)
    window.redo_action = QAction("&Redo", window)
    find = add_command(window.edit_menu, "&Find pupil", window.focus_search, "Ctrl+F")
    find.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)

    # No access letter: every free letter is taken by some screen (F10 reaches them).
    pupil_menu = bar.addMenu("Pupil")
    pupil_menu.setToolTipsVisible(True)
    new_pupil = add_command(pupil_menu, "&New pupil…", window.new_pupil)
    window.map_writing_actions.append(new_pupil)
    pupil_menu.addAction(find)
    # Each opens a screen; offered only where that screen is (``role_limits``).
    window.screen_actions = [
        ("pupils", new_pupil),
        ("pupils", add_command(pupil_menu, "&Print profile…", window.print_profile)),
        ("reports", add_command(pupil_menu, "&Evidence pack (PDF)…", window.evidence_pack)),
    ]


def _view_and_help_menus(window: MainWindow, bar: QMenuBar) -> None:
    """View (one command per screen, Ctrl+1 onwards) and Help."""
    view_menu = bar.addMenu("&View")
    view_menu.setToolTipsVisible(True)
    for number, spec in enumerate(SCREENS, start=1):
        shows = add_command(view_menu, spec.title, _shows(window, spec.key), f"Ctrl+{number}")
        window.screen_actions.append((spec.key, shows))
    view_menu.addSeparator()
    # Someone else may be working on the same database: show what they have saved.
    add_command(view_menu, "Reload what is saved", window.reload_data, "F5")

    help_menu = bar.addMenu("&Help")
    add_command(help_menu, "How &costs are worked out…", window.show_costing_help)
    add_command(help_menu, "&About ProvMap", window.about)


def _shows(window: MainWindow, key: str) -> Callable[[], None]:
    """A command that brings the screen ``key`` to the front."""
    return lambda: window.show_screen(key)


def wire_undo(window: MainWindow, ctx: AppContext) -> None:
    """Put ``ctx``'s Undo and Redo in the Edit menu, in place of the previous file's."""
    for action in (window.undo_action, window.redo_action):
        window.edit_menu.removeAction(action)
    window.undo_action = ctx.undo_stack.createUndoAction(window, "&Undo")
    window.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
    window.redo_action = ctx.undo_stack.createRedoAction(window, "&Redo")
    window.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
    window.edit_menu.addAction(window.undo_action)
    window.edit_menu.addAction(window.redo_action)
    stack = ctx.undo_stack
    status = window.statusBar()
    # Said as well as done: after an undo the undone command is at the index,
    # after a redo it is just before it.
    window.undo_action.triggered.connect(
        lambda: _say_undo(ctx, status, "Undid", stack.command(stack.index()))
    )
    window.redo_action.triggered.connect(
        lambda: _say_undo(ctx, status, "Redid", stack.command(stack.index() - 1))
    )


def _say_undo(ctx: AppContext, status: QStatusBar, verb: str, command: QUndoCommand | None) -> None:
    """Show and say what was undone or redone (a refusal has been said already)."""
    if ctx.take_refusal() is not None or command is None:
        return
    text = f"{verb} {command.text()}."
    status.showMessage(text, 8000)
    announce(status, text)
