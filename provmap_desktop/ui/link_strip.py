"""A line of rich-text links that Tab and Shift+Tab walk through one link at a time.

A plain ``QLabel`` with keyboard-accessible links keeps Shift+Tab to itself (it goes
round its links for ever) and is a tab stop even with no link to offer. Here Tab enters
on the first link and Shift+Tab on the last, each press moves one link, and the press
after the last (or before the first) leaves the strip. Enter follows the chosen link.
With no links the strip is not a tab stop at all.

The strip wraps onto a second line when its links do not fit across (a 1366 laptop at
125 % has about 1,090 pixels for them): it asks for the height its text needs at its
width, so no link is cut off at the window's edge or hidden under what sits beside it.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFocusEvent, QResizeEvent
from PySide6.QtWidgets import QLabel, QWidget

from .colours import FOCUS_RING
from .speech import plain_text

_LINK_TEXT = re.compile(r"<a\b[^>]*>(.*?)</a>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


def _plain(html_text: str) -> str:
    text = _TAG.sub("", html_text)
    for entity, char in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&#x27;", "'")):
        text = text.replace(entity, char)
    return text.replace("&amp;", "&")


class LinkStrip(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.LinksAccessibleByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
        )
        # A focus frame as well as the highlighted link, so focus is always visible.
        self.setStyleSheet(
            f"LinkStrip:focus {{ border: 2px solid {FOCUS_RING}; border-radius: 3px; }}"
        )
        self.setWordWrap(True)
        self._fitted_height = 0
        self._update_focus_policy()

    def link_texts(self) -> list[str]:
        return [_plain(t) for t in _LINK_TEXT.findall(self.text())]

    def setText(self, text: str) -> None:  # type: ignore[override]
        super().setText(text)
        self.setAccessibleDescription(plain_text(text))  # the name says what the strip is
        self._update_focus_policy()
        self._fit_height()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_height()

    def hasHeightForWidth(self) -> bool:
        """No: the status bar's layout would size the strip for a narrow guess at its
        width (five lines high); its size hints follow its real width instead."""
        return False

    def _height_needed(self) -> int:
        lines = self.heightForWidth(self.width()) if self.width() > 0 else 0
        return max(lines, self.fontMetrics().height())

    def minimumSizeHint(self) -> QSize:
        """Narrow, and as high as the text needs at the present width (a wrapped label
        would otherwise ask for the height of its text laid out a few words wide)."""
        return QSize(self.fontMetrics().averageCharWidth() * 12, self._height_needed())

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), self._height_needed())

    def _fit_height(self) -> None:
        """Tell the status bar when the lines the text takes at this width change."""
        needed = self._height_needed()
        if needed != self._fitted_height:
            self._fitted_height = needed
            self.updateGeometry()

    def _update_focus_policy(self) -> None:
        has_links = bool(self.link_texts())
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus if has_links else Qt.FocusPolicy.NoFocus)

    def _current(self) -> int:
        texts = self.link_texts()
        chosen = self.selectedText()
        return texts.index(chosen) if chosen in texts else -1

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        if not self.link_texts() or self._current() >= 0:
            return
        if event.reason() == Qt.FocusReason.BacktabFocusReason:
            super().focusNextPrevChild(False)  # from no link, back lands on the last
        else:
            super().focusNextPrevChild(True)

    def focusNextPrevChild(self, next: bool) -> bool:
        index, count = self._current(), len(self.link_texts())
        inside = index + 1 < count if next else index > 0
        if index >= 0 and inside:
            return super().focusNextPrevChild(next)
        # Past either end: leave the strip as any other control would.
        return QWidget.focusNextPrevChild(self, next)
