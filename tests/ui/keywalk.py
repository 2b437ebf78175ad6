"""Walking a window with Tab and Shift+Tab as a keyboard user would.

``walk`` finds every control a keyboard user should be able to reach (enabled, visible,
taking focus by Tab), starts at the first of them and presses Tab, then Shift+Tab,
recording where focus lands. ``mnemonic_clashes`` lists Alt+letter keys used twice.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QGroupBox,
    QLabel,
    QMenuBar,
    QRadioButton,
    QTabBar,
    QTabWidget,
    QWidget,
)
from shiboken6 import isValid


def _inside_compound(widget: QWidget, root: QWidget) -> bool:
    """True for the inner parts of a spin box, combo box or similar compound control."""
    parent = widget.parentWidget()
    while parent is not None and parent is not root:
        if isinstance(parent, QAbstractSpinBox | QComboBox):
            return True
        parent = parent.parentWidget()
    return False


def controls(root: QWidget) -> list[QWidget]:
    """Every enabled, visible control under ``root`` that Tab should reach."""
    found = []
    for widget in root.findChildren(QWidget):
        if not (widget.isVisible() and widget.isEnabled()):
            continue
        if not widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
            continue
        if widget.focusProxy() is not None or isinstance(widget, QMenuBar):
            continue
        if _inside_compound(widget, root):
            continue
        if isinstance(widget, QRadioButton) and widget.autoExclusive() and not widget.isChecked():
            continue  # a set of radio buttons is one stop; the arrow keys choose within it
        if widget.window() is not root.window():
            continue
        found.append(widget)
    return found


def describe(widget: QWidget | None) -> str:
    if widget is None:
        return "nothing"
    name = widget.accessibleName() or widget.objectName()
    text = widget.text() if isinstance(widget, QAbstractButton | QLabel) else ""
    return f"{type(widget).__name__}({name or text!r})"


@dataclass
class Walk:
    expected: list[QWidget]
    forward: list[QWidget] = field(default_factory=list)
    backward: list[QWidget] = field(default_factory=list)

    def missed(self, steps: list[QWidget]) -> list[str]:
        reached = {id(w) for w in steps}
        return [describe(w) for w in self.expected if id(w) not in reached]

    def stuck(self, steps: list[QWidget]) -> list[str]:
        """Item views that kept focus for a key press: Tab moved inside them instead."""
        return sorted(
            {describe(a) for a, b in pairwise(steps) if a is b and isinstance(a, QAbstractItemView)}
        )

    def problems(self) -> list[str]:
        out = []
        for label, steps in (("Tab", self.forward), ("Shift+Tab", self.backward)):
            if missed := self.missed(steps):
                out.append(f"{label} never reaches {len(missed)} of {len(self.expected)}: {missed}")
            if stuck := self.stuck(steps):
                out.append(f"{label} is kept inside {stuck}")
        return out


def _owner(widget: QWidget | None, expected: list[QWidget]) -> QWidget | None:
    """The expected control that ``widget`` belongs to (it may be an inner part)."""
    ids = {id(w) for w in expected}
    while widget is not None and id(widget) not in ids:
        widget = widget.parentWidget()
    return widget


def walk(qtbot, root: QWidget, *, start: QWidget | None = None) -> Walk:  # type: ignore[no-untyped-def]
    window = root.window()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    expected = controls(root)
    assert expected, "nothing to walk"
    result = Walk(expected)
    presses = 3 * len(expected) + 6
    for steps, key, modifier in (
        (result.forward, Qt.Key.Key_Tab, Qt.KeyboardModifier.NoModifier),
        (result.backward, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier),
    ):
        first = start or expected[0]
        first.setFocus(Qt.FocusReason.TabFocusReason)
        qtbot.waitUntil(lambda first=first: QApplication.focusWidget() is not None)
        for _ in range(presses):
            current = QApplication.focusWidget()
            if current is None or not isValid(current):
                break
            qtbot.keyClick(current, key, modifier)
            owner = _owner(QApplication.focusWidget(), expected)
            if owner is not None:
                steps.append(owner)
    return result


MNEMONIC = re.compile(r"&(?!&)(\w)")


def mnemonic_of(text: str) -> str | None:
    match = MNEMONIC.search(text.replace("&&", ""))
    return match.group(1).lower() if match else None


def mnemonics(root: QWidget) -> list[tuple[str, str]]:
    """(letter, where) for every Alt+letter key a user can press in ``root``'s window."""
    found: list[tuple[str, str]] = []

    def visible_in_window(widget: QWidget) -> bool:
        return widget.isVisibleTo(root.window()) or widget.window() is not root.window()

    for widget in [root, *root.findChildren(QWidget)]:
        if widget.window() is not root.window() or not widget.isVisible():
            continue
        if isinstance(widget, QLabel | QAbstractButton | QGroupBox):
            text = widget.title() if isinstance(widget, QGroupBox) else widget.text()
            if isinstance(widget, QLabel) and widget.buddy() is None:
                continue  # a label without a buddy has no access key
            if (letter := mnemonic_of(text)) is not None and visible_in_window(widget):
                found.append((letter, describe(widget)))
        if isinstance(widget, QTabBar) and not isinstance(widget.parentWidget(), QTabWidget):
            continue
        if isinstance(widget, QTabWidget):
            bar = widget.tabBar()
            for index in range(bar.count()):
                if (letter := mnemonic_of(bar.tabText(index))) is not None:
                    found.append((letter, f"tab {bar.tabText(index)!r}"))
    menubar = root.window().findChild(QMenuBar)
    if menubar is not None and menubar.isVisible():
        for action in menubar.actions():
            if (letter := mnemonic_of(action.text())) is not None:
                found.append((letter, f"menu {action.text()!r}"))
    return found


def mnemonic_clashes(root: QWidget) -> dict[str, list[str]]:
    found = mnemonics(root)
    counts = Counter(letter for letter, _ in found)
    return {
        letter: [where for other, where in found if other == letter]
        for letter, count in counts.items()
        if count > 1
    }
