"""What a screen reader is given: labels that keep their value, and announcements.

A label with an accessible name ("Planned cost") would otherwise hide the figure it
shows; ``ValueLabel`` keeps the name for what it is and puts what it shows in the
accessible description. ``announce`` asks the screen reader to say a message now
(an edit saved, refused or undone), as well as the message being painted.
"""

from __future__ import annotations

from PySide6 import QtGui
from PySide6.QtCore import QObject
from PySide6.QtGui import QAccessible, QTextDocumentFragment
from PySide6.QtWidgets import QLabel, QWidget


def plain_text(text: str) -> str:
    if QtGui.Qt.mightBeRichText(text):
        text = QTextDocumentFragment.fromHtml(text).toPlainText()
    return " ".join(text.split())


def announce(source: QObject, text: str) -> None:
    """Have assistive technology say ``text`` (Qt 6.8 and later; earlier, nothing)."""
    event_class = getattr(QtGui, "QAccessibleAnnouncementEvent", None)
    if event_class is not None and text:
        QAccessible.updateAccessibility(event_class(source, text))


class ValueLabel(QLabel):
    """A label whose accessible name says what it is and description what it shows."""

    def __init__(
        self, text: str = "", parent: QWidget | None = None, *, announces: bool = False
    ) -> None:
        super().__init__(parent)
        self.announces = announces
        self.setText(text)

    def setText(self, text: str) -> None:  # type: ignore[override]
        super().setText(text)
        plain = plain_text(text)
        self.setAccessibleDescription(plain)
        if self.announces and plain:
            announce(self, plain)
