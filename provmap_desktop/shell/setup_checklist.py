"""The checklist a new school sees after the first-start set-up, above the screens.

Straight after the set-up every screen is empty. Until the four steps are done (read
from the data, see ``services.setup_checklist``) or the SENCO hides the list, the
window shows them, each with a button that opens the place to do it and a tick, in
words as well as a symbol, once it is done. Whether a school is new, whether its
term dates were said to be right and whether the list was hidden are remembered in
the user's settings, by the school file's path.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ..services.setup_checklist import SetupStep, setup_steps
from ..ui.context import AppContext
from ..ui.speech import ValueLabel

#: The school files that were set up here and still show their checklist.
PENDING = "setup_checklist/pending"
#: The school files whose term dates the SENCO said are right.
TERMS_RIGHT = "setup_checklist/terms_right"

#: Each step's button: what it opens.
BUTTONS = {
    "pupils": "Import pupils…",
    "staff": "Staff and rates…",
    "terms": "Term dates…",
    "provisions": "Provisions…",
}


def _paths(key: str) -> list[str]:
    value = QSettings().value(key, [])
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return [str(value)] if value else []  # a list of one is read back as its item


def _set_paths(key: str, paths: list[str]) -> None:
    QSettings().setValue(key, sorted(set(paths)))


def mark_new_school(path: Path | str) -> None:
    """Show the checklist for the school just set up in ``path``."""
    _set_paths(PENDING, [*_paths(PENDING), str(path)])


def is_pending(path: Path | str) -> bool:
    """Whether the school in ``path`` still shows its checklist."""
    return str(path) in _paths(PENDING)


class SetupChecklist(QFrame):
    """Getting started: the steps after the set-up, each with its button and its tick.

    ``window`` is the main window: a step's button shows its screen there.
    """

    def __init__(self, ctx: AppContext, path: Path | str, window: Any) -> None:
        super().__init__()
        self.ctx = ctx
        self.path = path
        self.window_ = window
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName("Getting started checklist")
        title = QLabel("<b>Getting started</b>: what a new school does first.")
        self.ticks: dict[str, ValueLabel] = {}
        self.buttons: dict[str, QPushButton] = {}
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        for row, (key, text) in enumerate(BUTTONS.items()):
            tick = ValueLabel()
            tick.setWordWrap(True)
            self.ticks[key] = tick
            button = QPushButton(text)
            button.clicked.connect(lambda _checked=False, k=key: self.open_step(k))
            self.buttons[key] = button
            grid.addWidget(tick, row // 2, (row % 2) * 2)
            grid.addWidget(button, row // 2, (row % 2) * 2 + 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(2, 1)
        self.terms_right = QPushButton("Term dates are right")
        self.terms_right.setToolTip("Tick the term dates as checked without changing them")
        self.terms_right.clicked.connect(self.confirm_terms)
        self.hide_button = QPushButton("Hide this list")
        self.hide_button.setToolTip("Hide the checklist for good (the steps stay in the menus)")
        self.hide_button.clicked.connect(self.dismiss)
        top = QHBoxLayout()
        top.addWidget(title, 1)
        top.addWidget(self.terms_right)
        top.addWidget(self.hide_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addLayout(top)
        layout.addLayout(grid)
        ctx.data_changed.connect(lambda _kinds: self.refresh())
        self.refresh()

    def steps(self) -> list[SetupStep]:
        """The steps as the data has them now."""
        confirmed = str(self.path) in _paths(TERMS_RIGHT)
        return setup_steps(self.ctx.session, terms_confirmed=confirmed)

    def refresh(self) -> None:
        """Tick what is done; hide for good once everything is."""
        # A login that may not change the map has none of these steps to take.
        if not is_pending(self.path) or not self.ctx.permissions.may_edit_map:
            self.setVisible(False)
            return
        steps = self.steps()
        for step in steps:
            mark, state = ("✓", "done") if step.done else ("○", "to do")
            self.ticks[step.key].setText(f"{mark} {step.text} ({step.detail})")
            self.ticks[step.key].setAccessibleName(f"{step.text}: {state}")
            self.buttons[step.key].setAccessibleName(f"{BUTTONS[step.key].rstrip('…')}: {state}")
        terms_done = next(s.done for s in steps if s.key == "terms")
        self.terms_right.setEnabled(not terms_done)
        if all(step.done for step in steps):
            self._finish("The school is set up: every step of the checklist is done.")
            return
        self.setVisible(True)

    def confirm_terms(self) -> None:
        """Term dates are right: tick them as checked."""
        _set_paths(TERMS_RIGHT, [*_paths(TERMS_RIGHT), str(self.path)])
        self.refresh()

    def dismiss(self) -> None:
        """Hide this list: it does not come back for this school."""
        self._finish("Checklist hidden. Each step is still in the menus and on its screen.")

    def _finish(self, message: str) -> None:
        """Forget the checklist for this school and say why it went."""
        was_shown = self.isVisible()
        _set_paths(PENDING, [p for p in _paths(PENDING) if p != str(self.path)])
        self.setVisible(False)
        if was_shown:
            self.window_.statusBar().showMessage(message, 10000)
            self.window_.tabs.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- the steps' buttons -----------------------------------------------------------

    def open_step(self, key: str) -> None:
        """Open the place to do step ``key``, with the keyboard in it."""
        window = self.window_
        if key == "pupils":
            window.show_screen("pupils")
            window.screens["pupils"].pupil_actions.open_import()
            return
        screen_key = "provisions" if key == "provisions" else "settings"
        window.show_screen(screen_key)
        screen: QWidget = window.screens[screen_key]
        name = {"staff": "Staff", "terms": "Term dates"}.get(key)
        tables = screen.findChildren(QAbstractItemView)
        table = next((t for t in tables if name and t.accessibleName() == name), None)
        if table is None and tables:
            table = tables[0]
        if table is not None:
            # Scrolled into view in every scroll area it sits in (Settings has its own).
            outer = table.parentWidget()
            while outer is not None:
                if isinstance(outer, QScrollArea):
                    outer.ensureWidgetVisible(table)
                outer = outer.parentWidget()
            table.setFocus(Qt.FocusReason.OtherFocusReason)
