"""Work that waits until a window has been painted for the first time.

A zero-delay timer set before the event loop starts runs *before* the window's first
paint, not after it: the window is shown, but its paint events come later in the same
turn. Work meant to wait until the user can see the window (the day's copy of the
file, which writes and checks a whole copy) therefore waits for the paint itself.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

#: If the window is never painted (started minimised), the work runs after this long.
FALLBACK_MS = 3000


class _FirstPaint(QObject):
    """Runs its work once, on the turn of the event loop after the first paint."""

    def __init__(self, window: QWidget, work: Callable[[], object], fallback_ms: int) -> None:
        super().__init__(window)
        self._window = window
        self._work: Callable[[], object] | None = work
        window.installEventFilter(self)
        QTimer.singleShot(fallback_ms, self, self._run)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._window and event.type() == QEvent.Type.Paint:
            self._window.removeEventFilter(self)
            QTimer.singleShot(0, self, self._run)
        return False

    def _run(self) -> None:
        work, self._work = self._work, None
        if work is not None:
            self._window.removeEventFilter(self)
            work()


def after_first_paint(
    window: QWidget, work: Callable[[], object], *, fallback_ms: int = FALLBACK_MS
) -> None:
    """Run ``work`` once, just after ``window`` is first painted (or after ``fallback_ms``
    if it never is)."""
    _FirstPaint(window, work, fallback_ms)
