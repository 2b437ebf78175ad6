"""The strip under the menus: academic year, term, and the pupil search box."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QWidget
from sqlalchemy import select

from ..models import AcademicYear
from ..models.vocab import TERM_NAMES
from .context import AppContext

WHOLE_YEAR = "Whole year"


class PeriodBar(QWidget):
    search_requested = Signal(str)  # Enter: show the pupils found and go to the list
    search_typed = Signal(str)  # a pause in typing: show the pupils found so far

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.closed_ids: set[int] = set()
        self.year_combo = QComboBox()
        self.year_combo.setAccessibleName("Academic year")
        self.term_combo = QComboBox()
        self.term_combo.setAccessibleName("Term")
        self.term_combo.addItems([*TERM_NAMES, WHOLE_YEAR])
        self.search = QLineEdit()
        self.search.setPlaceholderText("Find a pupil (Ctrl+F)")
        self.search.setAccessibleName("Find a pupil by name or UPN")
        self.search.setToolTip("Pupils are found as you type a name or UPN; Enter goes to the list")
        self.search.setClearButtonEnabled(True)
        hint = self.search.fontMetrics().horizontalAdvance(self.search.placeholderText())
        self.search.setMinimumWidth(hint + 48)  # the whole hint and the clear button
        self.search.setMaximumWidth(max(260, hint + 48))
        self.typing_pause = QTimer(self)
        self.typing_pause.setSingleShot(True)
        self.typing_pause.setInterval(250)
        self.typing_pause.timeout.connect(self._typed)
        self.search.textEdited.connect(lambda _text: self.typing_pause.start())

        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        year_label = QLabel("Academic &year")
        year_label.setBuddy(self.year_combo)
        term_label = QLabel("Ter&m")
        term_label.setBuddy(self.term_combo)
        # Said in words beside the year, not by colour: a closed year cannot be changed.
        self.closed_note = QLabel("Read-only: this year is closed")
        self.closed_note.setAccessibleName("This academic year is closed and read-only")
        self.closed_note.setVisible(False)
        for widget in (year_label, self.year_combo, term_label, self.term_combo):
            layout.addWidget(widget)
        layout.addWidget(self.closed_note)
        layout.addStretch(1)
        layout.addWidget(self.search)

        self.reload_years()
        self.year_combo.currentIndexChanged.connect(self._emit_period)
        self.term_combo.currentIndexChanged.connect(self._emit_period)
        self.search.returnPressed.connect(self._entered)

    def _typed(self) -> None:
        if self.search.text().strip():
            self.search_typed.emit(self.search.text())

    def _entered(self) -> None:
        self.typing_pause.stop()
        self.search_requested.emit(self.search.text())

    def reload_years(self) -> None:
        years = self.ctx.session.scalars(select(AcademicYear).order_by(AcademicYear.start_date))
        current = self.ctx.academic_year_id
        self.year_combo.blockSignals(True)
        self.year_combo.clear()
        self.closed_ids.clear()
        for year in years:
            closed = year.closed_on is not None
            self.year_combo.addItem(f"{year.label} (closed)" if closed else year.label, year.id)
            if closed:
                self.closed_ids.add(year.id)
        index = self.year_combo.findData(current)
        self.year_combo.setCurrentIndex(index if index >= 0 else self.year_combo.count() - 1)
        self.year_combo.blockSignals(False)

    def select(self, academic_year_id: int | None, term_name: str | None) -> None:
        index = self.year_combo.findData(academic_year_id)
        if index >= 0:
            self.year_combo.setCurrentIndex(index)
        self.term_combo.setCurrentText(term_name or WHOLE_YEAR)
        self._emit_period()

    def _emit_period(self) -> None:
        self.closed_note.setVisible(self.year_combo.currentData() in self.closed_ids)
        term = self.term_combo.currentText()
        self.ctx.set_period(self.year_combo.currentData(), None if term == WHOLE_YEAR else term)
