"""The Costs screen: what SEN support costs in the chosen period, and where the money goes.

Headline totals, tables by provision, year group, area of need, wave, funding stream and
member of staff, the pupils at or near the threshold, the budget per funding stream and
charts (each readable as a table). Every figure comes from ``services.costed_tables``,
which lays out the cost engine's results; nothing is worked out here.

The four tabs are in ``costs_tabs``; their tables and charts in ``costs_panels``.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from ..domain.change import Changed, Kind
from ..models import Pupil, SchoolSettings, YearGroup
from ..services.cost_limits import budget_totals
from ..services.costed_tables import (
    CostedSummary,
    costed_summary,
    threshold_with_margin,
)
from ..services.costing import DEFAULT_NEAR_MARGIN
from ..services.formatting import format_money
from ..ui.context import AppContext
from ..ui.folders import remember, start_in
from ..ui.printing import Printable
from ..ui.speech import ValueLabel
from .costs_tabs import BudgetTab, ChartsTab, ThresholdTab, TotalsTab


class CostsScreen(QWidget):
    """The Costs screen: totals, the threshold, the budget and charts for the period."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.summary: CostedSummary | None = None
        self.pupil_id: int | None = None
        self._stale = True
        self._build_figures()
        self._build_buttons()
        self._build_tabs()
        layout = QVBoxLayout(self)
        layout.addLayout(self._top_row())
        layout.addLayout(self._button_row())
        layout.addWidget(self.message)
        layout.addWidget(self.tabs, 1)

        ctx.period_changed.connect(self._changed)
        ctx.data_changed.connect(self._data_changed)
        ctx.pupil_selected.connect(self.select_pupil)
        self._load_year_groups()
        self._reset_margin()

    # -- layout ---------------------------------------------------------------------

    def _build_figures(self) -> None:
        """The year group chooser, the headline figures and the message line."""
        self.year_group_combo = QComboBox()
        self.year_group_combo.setAccessibleName("Costs for")
        self.year_group_combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.period_label = ValueLabel()
        self.period_label.setAccessibleName("Period costed")
        self.planned_label = ValueLabel()
        self.planned_label.setAccessibleName("Planned cost")
        self.to_date_label = ValueLabel()
        self.to_date_label.setAccessibleName("Cost to date")
        self.pupils_label = ValueLabel()
        self.pupils_label.setAccessibleName("Pupils costed")
        self.message = ValueLabel(announces=True)
        self.message.setAccessibleName("Costs message")
        self.message.setWordWrap(True)

    def _build_buttons(self) -> None:
        """The buttons that save the costed map, and the governors' tick box."""
        self.pdf_button = QPushButton("Save costed map as &PDF…")
        self.pdf_button.clicked.connect(lambda: self.save_pdf())
        self.xlsx_button = QPushButton("Save &spreadsheet…")
        self.xlsx_button.clicked.connect(lambda: self.save_spreadsheet())
        self.pupil_button = QPushButton("Pupil's &costed map…")
        self.pupil_button.setEnabled(False)
        self.pupil_button.setToolTip("Pick a pupil anywhere in ProvMap first.")
        self.pupil_button.clicked.connect(lambda: self.save_pupil_pdf())
        for button in (self.pdf_button, self.xlsx_button, self.pupil_button):
            button.setAccessibleName(button.text().replace("&", "").rstrip("…"))
        self.governors_box = QCheckBox("For &governors: one page, no pupil names")
        self.governors_box.setAccessibleName("PDF for governors: one page, no pupil names")
        self.governors_box.setToolTip(
            "Totals by area of need, year group and funding stream against the budget. "
            "Leave unticked for the full costed map."
        )

    def _build_tabs(self) -> None:
        """The four tabs of tables and charts."""
        self.totals_tab = TotalsTab()
        self.threshold_tab = ThresholdTab()
        self.threshold_tab.margin_spin.valueChanged.connect(lambda _v: self._show_threshold())
        self.budget_tab = BudgetTab()
        self.charts_tab = ChartsTab()
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Cost views")
        self.tabs.addTab(self.totals_tab, "Totals")
        self.tabs.addTab(self.threshold_tab, "Threshold")
        self.tabs.addTab(self.budget_tab, "Budget")
        self.tabs.addTab(self.charts_tab, "Charts")

    def _top_row(self) -> QHBoxLayout:
        """The year group chooser, the period and the headline figures, in a row."""
        top = QHBoxLayout()
        top.addWidget(QLabel("Costs for"))
        top.addWidget(self.year_group_combo)
        top.addWidget(self.period_label)
        top.addStretch(1)
        for label in (self.planned_label, self.to_date_label, self.pupils_label):
            top.addWidget(label)
        return top

    def _button_row(self) -> QHBoxLayout:
        """The saving buttons in a row, the governors' box beside the PDF button."""
        buttons = QHBoxLayout()
        buttons.addWidget(self.pdf_button)
        buttons.addWidget(self.governors_box)
        for button in (self.xlsx_button, self.pupil_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        return buttons

    # -- keeping up to date ---------------------------------------------------------

    def _load_year_groups(self) -> None:
        """List the year groups to cost, keeping the one chosen if it is still there."""
        chosen = self.year_group_combo.currentData()
        self.year_group_combo.blockSignals(True)
        self.year_group_combo.clear()
        self.year_group_combo.addItem("Whole school", None)
        query = select(YearGroup.id, YearGroup.name).order_by(YearGroup.sort_order)
        for year_group_id, name in self.ctx.session.execute(query):
            self.year_group_combo.addItem(name, year_group_id)
        index = self.year_group_combo.findData(chosen)
        self.year_group_combo.setCurrentIndex(max(index, 0))
        self.year_group_combo.blockSignals(False)

    def _reset_margin(self) -> None:
        """Show the school's "near the threshold" margin (or the usual one)."""
        settings = self.ctx.session.get(SchoolSettings, 1)
        self.threshold_tab.set_margin(
            settings.near_threshold_margin if settings else DEFAULT_NEAR_MARGIN
        )

    def _data_changed(self, changed: Changed) -> None:
        """Data changed elsewhere: the margin if settings did, then the year groups and costs."""
        if changed.touches(Kind.SETTINGS):
            self._reset_margin()
        self._load_year_groups()
        self._changed()

    def _changed(self) -> None:
        """The costs are out of date: work them out now if on show, else when next shown."""
        # Costing a big school takes a moment: only the visible screen works at once.
        self._stale = True
        if self.isVisible():
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        """Shown: catch up with any change made while hidden."""
        super().showEvent(event)
        if self._stale:
            self.refresh()

    @property
    def year_group_id(self) -> int | None:
        """The year group chosen, or None for the whole school."""
        data = self.year_group_combo.currentData()
        return int(data) if data is not None else None

    @property
    def margin(self) -> Decimal:
        """The margin counted as near the threshold, as chosen on the Threshold tab."""
        return self.threshold_tab.margin

    def refresh(self) -> None:
        """Cost the chosen period again and show every table and chart."""
        self._stale = False
        year_id = self.ctx.academic_year_id
        if year_id is None:
            self.summary = None
            self.period_label.setText("Choose an academic year above to see its costs.")
            for label in (self.planned_label, self.to_date_label, self.pupils_label):
                label.clear()
            return
        self.summary = summary = costed_summary(
            self.ctx.session,
            year_id,
            self.ctx.term_name,
            year_group_id=self.year_group_id,
            margin=self.margin,
            as_of=self.ctx.today,
        )
        self.period_label.setText(f"{summary.period_label} ({summary.scope_label})")
        self.planned_label.setText(f"Planned: <b>{format_money(summary.planned)}</b>")
        self.to_date_label.setText(f"To date: <b>{format_money(summary.to_date)}</b>")
        self.pupils_label.setText(f"Pupils costed: <b>{summary.pupils_costed}</b>")
        self.totals_tab.show_summary(summary)
        self._show_threshold()
        self._show_budget()
        self.charts_tab.show_summary(summary)

    def _show_threshold(self) -> None:
        """List the pupils at or near the threshold, with the margin chosen."""
        summary = self.summary
        if summary is None:
            return
        self.threshold_tab.show_report(
            threshold_with_margin(self.ctx.session, summary, self.margin)
        )

    def _show_budget(self) -> None:
        """Show the budgets; a year group's summary carries its own, else the school's."""
        summary = self.summary
        if summary is None:
            return
        report = summary.budget or budget_totals(
            self.ctx.session, summary.annual.academic_year_id, costed=summary.annual
        )
        self.budget_tab.show_report(summary, report)

    # -- pupils and files -----------------------------------------------------------

    def select_pupil(self, pupil_id: int) -> None:
        """A pupil was chosen anywhere: offer their costed map."""
        pupil = self.ctx.session.get(Pupil, pupil_id)
        self.pupil_id = pupil_id if pupil is not None else None
        self.pupil_button.setEnabled(pupil is not None)
        self.pupil_button.setText(
            f"{pupil.display_name}'s &costed map…" if pupil else "Pupil's &costed map…"
        )
        self.pupil_button.setAccessibleName(self.pupil_button.text().replace("&", "").rstrip("…"))

    def _ask_path(self, title: str, name: str, filters: str) -> Path | None:
        """Ask where to save; a name given without an ending gets the chosen type's."""
        chosen, selected = QFileDialog.getSaveFileName(self, title, start_in(name), filters)
        if not chosen:
            return None
        remember(chosen)
        path = Path(chosen)
        if not path.suffix:
            path = path.with_suffix(".csv" if "csv" in selected.lower() else ".xlsx")
        return path

    def _file_stem(self) -> str:
        """The file name offered: the period and year group costed."""
        summary = self.summary
        label = summary.period_label if summary else "costs"
        scope = f" {summary.year_group_name}" if summary and summary.year_group_name else ""
        return f"Costed map {label}{scope}".replace("/", "-").replace(",", "")

    def _write(self, work: Any, path: Path) -> bool:
        """Run ``work`` to write ``path``; say where it went, or why it was not saved."""
        try:
            work()
        except (OSError, ValueError) as exc:
            QMessageBox.warning(self, "File not saved", f"{path.name} was not saved: {exc}")
            return False
        self.message.setText(f"Saved {path}")
        return True

    def _costed_options(self) -> dict[str, Any]:
        """The period, year group and date that the PDF and the spreadsheet share."""
        return {
            "academic_year_id": self.ctx.academic_year_id,
            "term_name": self.ctx.term_name,
            "year_group_id": self.year_group_id,
            "as_of": self.ctx.today,
        }

    def show_target(self, target: str) -> None:
        """From the status strip: "threshold" opens the list of pupils over it."""
        if target == "threshold":
            self.tabs.setCurrentIndex(1)

    def printable(self) -> Printable | None:
        """File → Print…: the costed map of the period and year group chosen."""
        if self.ctx.academic_year_id is None:
            return None
        from ..reports.costed_pdf import write_costed_pdf

        return Printable(
            "costed provision map",
            lambda path: write_costed_pdf(self.ctx.session, path, **self._costed_options()),
        )

    def save_pdf(self, path: Path | None = None) -> bool:
        """Write the costed map of the period and year group chosen as a PDF.

        With "For governors" ticked: the one-page summary that names no pupil.
        """
        if self.ctx.academic_year_id is None:
            return False
        path = path or self._ask_path(
            "Save costed map as PDF", f"{self._file_stem()}.pdf", "PDF (*.pdf)"
        )
        if path is None:
            return False
        from ..reports.costed_pdf import write_costed_pdf

        return self._write(
            lambda: write_costed_pdf(
                self.ctx.session,
                path,
                governors=self.governors_box.isChecked(),
                **self._costed_options(),
            ),
            path,
        )

    def save_spreadsheet(self, path: Path | None = None) -> bool:
        """Write the costed map as .xlsx or .csv (by the file name's ending)."""
        if self.ctx.academic_year_id is None:
            return False
        path = path or self._ask_path(
            "Save costed map as a spreadsheet",
            f"{self._file_stem()}.xlsx",
            "Excel workbook (*.xlsx);;CSV, comma separated (*.csv)",
        )
        if path is None:
            return False
        from ..services.exporting import export_costed

        return self._write(
            lambda: export_costed(self.ctx.session, path, **self._costed_options()),
            path,
        )

    def save_pupil_pdf(self, path: Path | None = None) -> bool:
        """Write the chosen pupil's costed provision map for the year as a PDF."""
        if self.pupil_id is None or self.ctx.academic_year_id is None:
            return False
        pupil = self.ctx.session.get(Pupil, self.pupil_id)
        if pupil is None:
            return False
        path = path or self._ask_path(
            "Save the pupil's costed map as PDF",
            f"Costed map {pupil.display_name}.pdf",
            "PDF (*.pdf)",
        )
        if path is None:
            return False
        from ..reports.costed_pdf import write_pupil_costed_pdf

        return self._write(
            lambda: write_pupil_costed_pdf(
                self.ctx.session,
                path,
                academic_year_id=self.ctx.academic_year_id,
                pupil_id=pupil.id,
                as_of=self.ctx.today,
            ),
            path,
        )
