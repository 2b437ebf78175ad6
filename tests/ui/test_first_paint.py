"""Work that waits for a window's first paint runs after it, once."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QLabel

from provmap_desktop.ui.first_paint import after_first_paint


class PaintCount(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.paints = 0

    def eventFilter(self, _watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.paints += 1
        return False


def test_the_work_runs_once_after_the_first_paint(qtbot) -> None:  # type: ignore[no-untyped-def]
    window = QLabel("The map")
    qtbot.addWidget(window)
    counter = PaintCount()
    window.installEventFilter(counter)
    ran: list[int] = []
    after_first_paint(window, lambda: ran.append(counter.paints))
    window.show()
    qtbot.waitUntil(lambda: bool(ran), timeout=2000)
    assert ran[0] >= 1
    window.repaint()
    window.hide()
    window.show()
    qtbot.wait(50)
    assert len(ran) == 1


def test_a_window_never_painted_still_gets_the_work_done(qtbot) -> None:  # type: ignore[no-untyped-def]
    window = QLabel("Minimised")
    qtbot.addWidget(window)
    ran: list[bool] = []
    after_first_paint(window, lambda: ran.append(window.isVisible()), fallback_ms=100)
    qtbot.waitUntil(lambda: bool(ran), timeout=2000)
    assert ran == [False]
    qtbot.wait(150)
    assert ran == [False]
