"""A date field that takes a whole date typed from its start: "15/01/2027", Enter.

Qt's date edit types into one part (day, month or year) at a time, chosen by where the
cursor is, so a date typed after a click or a Tab was lost or mangled. Here the text is
selected whenever the field takes focus, and what is typed is read as one date (d/m/yyyy,
with "/", "." or "-" between, or 8 digits ddmmyyyy) when Enter is pressed or focus
leaves; Enter saves the date and does not close the dialog. The arrow keys and the
calendar still work as before.
"""

from __future__ import annotations

import datetime as dt
import re

from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import QDateEdit, QWidget

_TYPED = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$|^(\d{2})(\d{2})(\d{4})$")


def parse_typed_date(text: str) -> dt.date | None:
    """A day typed in the British order, or None if it is not a real date."""
    match = _TYPED.match(text.strip())
    if match is None:
        return None
    day, month, year = (int(g) for g in match.groups() if g is not None)
    if year < 100:
        year += 2000
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def qdate(day: dt.date) -> QDate:
    """The Qt date for ``day``."""
    return QDate(day.year, day.month, day.day)


class DateField(QDateEdit):
    def __init__(self, day: dt.date | QDate | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        if day is not None:
            self.setDate(day if isinstance(day, QDate) else qdate(day))
        self.setDisplayFormat("dd/MM/yyyy")
        self._typed: str | None = None

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self._typed = None
        # After Qt has placed the cursor where the mouse was: the whole date, ready to type over.
        QTimer.singleShot(0, self.selectAll)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text()
        line = self.lineEdit()
        typing = self._typed is not None
        if text and (text.isdigit() or (typing and text in "/.-")):
            if not typing and line.selectedText() != line.text():
                # Part of the date chosen with the arrows: Qt's own typing into that part.
                super().keyPressEvent(event)
                return
            self._typed = (self._typed or "") + text
            line.setText(self._typed)
            return
        if typing and event.key() == Qt.Key.Key_Backspace:
            self._typed = self._typed[:-1] if self._typed else ""
            line.setText(self._typed)
            return
        if typing and event.key() == Qt.Key.Key_Escape:
            self._typed = None
            line.setText(self.textFromDateTime(self.dateTime()))
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.take_typed()
            super().keyPressEvent(event)
            # Enter saves the date; it does not also press the dialog's default button.
            event.accept()
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self.take_typed()
        super().focusOutEvent(event)

    def take_typed(self) -> None:
        """Put what was typed into the date; a date that is not real leaves it as it was."""
        if self._typed is None:
            return
        day = parse_typed_date(self._typed)
        self._typed = None
        if day is not None and self.minimumDate() <= qdate(day) <= self.maximumDate():
            self.setDate(qdate(day))
        self.lineEdit().setText(self.textFromDateTime(self.dateTime()))
