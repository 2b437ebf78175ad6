"""Text widths and cell layouts worked out once per font, not once per repaint.

A big school's map lays out about 1,200 cells on every reload, and each cell measures
its names in up to three forms ("Freya James", "Freya J.", "FJ"): tens of thousands of
``QFontMetrics.horizontalAdvance`` calls for a few thousand different strings. A
``TextMeasure`` answers the same questions as ``QFontMetrics`` (the layout code takes
either) and remembers each answer, and it keeps each cell's layout for a width and a
content, so a filter change or an edit lays out only the cells that changed.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFont, QFontMetrics

#: Remembered strings (or layouts) per font before the memory is cleared and refilled:
#: far more than a large school's map uses, small beside the map itself.
MOST_REMEMBERED = 50_000


class TextMeasure:
    """A font's ``QFontMetrics`` with a memory of widths, elided texts and layouts."""

    def __init__(self, font: QFont) -> None:
        self.metrics = QFontMetrics(font)
        self._widths: dict[str, int] = {}
        self._elided: dict[tuple[str, int, Qt.TextElideMode], str] = {}
        self._layouts: dict[Hashable, Any] = {}

    def height(self) -> int:
        return self.metrics.height()

    def horizontalAdvance(self, text: str) -> int:
        width = self._widths.get(text)
        if width is None:
            if len(self._widths) >= MOST_REMEMBERED:
                self._widths.clear()
            width = self._widths[text] = self.metrics.horizontalAdvance(text)
        return width

    def elidedText(self, text: str, mode: Qt.TextElideMode, room: int) -> str:
        key = (text, room, mode)
        elided = self._elided.get(key)
        if elided is None:
            if len(self._elided) >= MOST_REMEMBERED:
                self._elided.clear()
            elided = self._elided[key] = self.metrics.elidedText(text, mode, room)
        return elided

    def wrapped_height(self, text: str, width: int) -> int:
        """The height of ``text`` word-wrapped in ``width`` pixels."""
        return self.remembered(
            ("wrapped", text, width),
            lambda: self.metrics.boundingRect(
                QRect(0, 0, width, 10_000), Qt.TextFlag.TextWordWrap, text
            ).height(),
        )

    def remembered(self, key: Hashable, work_out: Callable[[], Any]) -> Any:
        """The layout kept under ``key``, worked out by ``work_out`` the first time."""
        try:
            return self._layouts[key]
        except KeyError:
            if len(self._layouts) >= MOST_REMEMBERED:
                self._layouts.clear()
            found = self._layouts[key] = work_out()
            return found


_MEASURES: dict[str, TextMeasure] = {}


def measure_for(font: QFont) -> TextMeasure:
    """The one ``TextMeasure`` of ``font`` (its family, size, weight and style)."""
    key = font.key()
    measure = _MEASURES.get(key)
    if measure is None:
        measure = _MEASURES[key] = TextMeasure(font)
    return measure
