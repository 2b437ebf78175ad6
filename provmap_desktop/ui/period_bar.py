"""The strip under the menus: academic year, term, and the pupil search box."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QWidget
from sqlalchemy import select

from ..models import AcademicYear
from ..models.vocab import TERM_NAMES
from .context import AppContext

WHOLE_YEAR = "Whole year"


class PeriodBar(QWidget):
    search_requested = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.year_combo = QComboBox()
        self.year_combo.setAccessibleName("Academic year")
        self.term_combo = QComboBox()
        self.term_combo.setAccessibleName("Term")
        self.term_combo.addItems([*TERM_NAMES, WHOLE_YEAR])
        self.search = QLineEdit()
        self.search.setPlaceholderText("Find a pupil (Ctrl+F)")
        self.search.setAccessibleName("Find a pupil by name or UPN")
        self.search.setClearButtonEnabled(True)
        self.search.setMaximumWidth(260)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        year_label = QLabel("Academic &year")
        year_label.setBuddy(self.year_combo)
        term_label = QLabel("Ter&m")
        term_label.setBuddy(self.term_combo)
        for widget in (year_label, self.year_combo, term_label, self.term_combo):
            layout.addWidget(widget)
        layout.addStretch(1)
        layout.addWidget(self.search)

        self.reload_years()
        self.year_combo.currentIndexChanged.connect(self._emit_period)
        self.term_combo.currentIndexChanged.connect(self._emit_period)
        self.search.returnPressed.connect(lambda: self.search_requested.emit(self.search.text()))

    def reload_years(self) -> None:
        years = self.ctx.session.scalars(select(AcademicYear).order_by(AcademicYear.start_date))
        current = self.ctx.academic_year_id
        self.year_combo.blockSignals(True)
        self.year_combo.clear()
        for year in years:
            self.year_combo.addItem(year.label, year.id)
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
        term = self.term_combo.currentText()
        self.ctx.set_period(self.year_combo.currentData(), None if term == WHOLE_YEAR else term)
