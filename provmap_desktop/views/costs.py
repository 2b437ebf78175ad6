"""The Costs screen: what SEN support costs in the chosen period, and where the money goes.

Headline totals, tables by provision, year group, area of need, wave, funding stream and
member of staff, the pupils at or near the threshold, the budget per funding stream and
charts (each readable as a table). Every figure comes from ``services.costed_tables``,
which lays out the cost engine's results; nothing is worked out here.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QGridLayout,
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
    TotalLine,
    costed_summary,
    threshold_difference_words,
    threshold_with_margin,
)
from ..services.costing import DEFAULT_NEAR_MARGIN
from ..services.formatting import format_money
from ..ui.context import AppContext
from ..ui.folders import remember, start_in
from ..ui.printing import Printable
from ..ui.speech import ValueLabel
from .costs_panels import ChartPanel, SummaryTableModel, table_view

_TOTAL_HEADERS = ["Planned cost", "Cost to date"]


class CostsScreen(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.summary: CostedSummary | None = None
        self.pupil_id: int | None = None
        self._stale = True

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

        top = QHBoxLayout()
        top.addWidget(QLabel("Costs for"))
        top.addWidget(self.year_group_combo)
        top.addWidget(self.period_label)
        top.addStretch(1)
        for label in (self.planned_label, self.to_date_label, self.pupils_label):
            top.addWidget(label)
        buttons = QHBoxLayout()
        buttons.addWidget(self.pdf_button)
        buttons.addWidget(self.governors_box)
        for button in (self.xlsx_button, self.pupil_button):
            buttons.addWidget(button)
        buttons.addStretch(1)

        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Cost views")
        self.tabs.addTab(self._totals_tab(), "Totals")
        self.tabs.addTab(self._threshold_tab(), "Threshold")
        self.tabs.addTab(self._budget_tab(), "Budget")
        self.tabs.addTab(self._charts_tab(), "Charts")
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(self.tabs, 1)

        ctx.period_changed.connect(self._changed)
        ctx.data_changed.connect(self._data_changed)
        ctx.pupil_selected.connect(self.select_pupil)
        self._load_year_groups()
        self._reset_margin()

    # -- layout ---------------------------------------------------------------------

    def _totals_tab(self) -> QWidget:
        self.provision_model = SummaryTableModel(
            [
                "Provision",
                "Area of need",
                "Wave",
                "Groups",
                "Pupils",
                "Cost per pupil",
                *_TOTAL_HEADERS,
            ],
            numeric=(2, 3, 4, 5, 6, 7),
        )
        tab = QWidget()
        grid = QGridLayout(tab)
        grid.addWidget(table_view(self.provision_model, "Costs by provision"), 0, 0, 1, 3)
        self.year_group_model = self._small_table(grid, "Year group", 1, 0)
        self.area_model = self._small_table(grid, "Area of need", 1, 1)
        self.wave_model = self._small_table(grid, "Wave", 1, 2)
        self.stream_model = self._small_table(grid, "Funding stream", 2, 0)
        self.staff_model = self._small_table(grid, "Staff", 2, 1)
        grid.setRowStretch(0, 2)
        grid.setRowStretch(1, 1)
        grid.setRowStretch(2, 1)
        return tab

    def _small_table(
        self, grid: QGridLayout, heading: str, row: int, col: int
    ) -> SummaryTableModel:
        model = SummaryTableModel([heading, *_TOTAL_HEADERS], numeric=(1, 2))
        grid.addWidget(table_view(model, f"Costs by {heading.lower()}"), row, col)
        return model

    def _threshold_tab(self) -> QWidget:
        self.margin_spin = QDoubleSpinBox()
        self.margin_spin.setPrefix("£")
        self.margin_spin.setRange(0, 100_000)
        self.margin_spin.setDecimals(2)
        self.margin_spin.setSingleStep(50)
        self.margin_spin.setAccessibleName("Near the threshold margin")
        self.margin_spin.valueChanged.connect(lambda _v: self._show_threshold())
        self.threshold_note = ValueLabel()
        self.threshold_note.setWordWrap(True)
        self.threshold_note.setAccessibleName("Threshold summary")
        self.threshold_model = SummaryTableModel(
            ["Pupil", "Year group", "Annual total", "Against the threshold", "Status"],
            numeric=(2,),
        )
        tab = QWidget()
        label = QLabel("Show pupils &within this much of the threshold:")
        label.setBuddy(self.margin_spin)
        row = QHBoxLayout()
        row.addWidget(label)
        row.addWidget(self.margin_spin)
        row.addStretch(1)
        layout = QVBoxLayout(tab)
        layout.addLayout(row)
        layout.addWidget(self.threshold_note)
        layout.addWidget(table_view(self.threshold_model, "Pupils at or near the threshold"), 1)
        return tab

    def _budget_tab(self) -> QWidget:
        self.budget_note = ValueLabel()
        self.budget_note.setWordWrap(True)
        self.budget_note.setAccessibleName("Budget summary")
        self.budget_model = SummaryTableModel(
            ["Funding stream", "Budget", "Planned spend", "Spent to date", "Remaining", "Warning"],
            numeric=(1, 2, 3, 4),
        )
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(self.budget_note)
        layout.addWidget(table_view(self.budget_model, "Budget by funding stream"), 1)
        return tab

    def _charts_tab(self) -> QWidget:
        self.area_chart = ChartPanel("Spend by area of need")
        self.wave_chart = ChartPanel("Spend by wave")
        self.year_group_chart = ChartPanel("Spend by year group", upright=True)
        self.planned_chart = ChartPanel("Planned and to date, by year group", upright=True)
        tab = QWidget()
        grid = QGridLayout(tab)
        for n, chart in enumerate(
            (self.area_chart, self.wave_chart, self.year_group_chart, self.planned_chart)
        ):
            grid.addWidget(chart, n // 2, n % 2)
        return tab

    # -- keeping up to date ---------------------------------------------------------

    def _load_year_groups(self) -> None:
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
        settings = self.ctx.session.get(SchoolSettings, 1)
        margin = settings.near_threshold_margin if settings else DEFAULT_NEAR_MARGIN
        self.margin_spin.blockSignals(True)
        self.margin_spin.setValue(float(margin))
        self.margin_spin.blockSignals(False)

    def _data_changed(self, changed: Changed) -> None:
        if changed.touches(Kind.SETTINGS):
            self._reset_margin()
        self._load_year_groups()
        self._changed()

    def _changed(self) -> None:
        # Costing a big school takes a moment: only the visible screen works at once.
        self._stale = True
        if self.isVisible():
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    @property
    def year_group_id(self) -> int | None:
        data = self.year_group_combo.currentData()
        return int(data) if data is not None else None

    @property
    def margin(self) -> Decimal:
        return Decimal(str(round(self.margin_spin.value(), 2)))

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
        self.provision_model.set_rows(
            [
                [
                    p.name,
                    p.area,
                    f"Wave {p.wave}",
                    p.groups,
                    p.pupils,
                    p.cost_per_pupil,
                    p.planned,
                    p.to_date,
                ]
                for p in summary.provisions
            ]
        )
        for model, lines in (
            (self.year_group_model, summary.by_year_group),
            (self.area_model, summary.by_area),
            (self.wave_model, summary.by_wave),
            (self.stream_model, summary.by_funding_stream),
            (self.staff_model, summary.by_staff),
        ):
            model.set_rows([[line.heading, line.planned, line.to_date] for line in lines])
        self._show_threshold()
        self._show_budget()
        self._show_charts()

    def _show_threshold(self) -> None:
        summary = self.summary
        if summary is None:
            return
        report = threshold_with_margin(self.ctx.session, summary, self.margin)
        listed = [row for row in report.rows if row.at_or_above or row.near]
        self.threshold_model.set_rows(
            [
                [
                    row.name,
                    row.year_group,
                    row.annual_total,
                    threshold_difference_words(row.annual_total, row.threshold),
                    "At or above" if row.at_or_above else "Near",
                ]
                for row in listed
            ]
        )
        self.threshold_note.setText(
            f"Threshold {format_money(report.threshold)} a year (annual totals). "
            f"{len(report.at_or_above)} at or above it, {len(report.near)} within "
            f"{format_money(report.margin)} of it."
        )

    def _show_budget(self) -> None:
        summary = self.summary
        if summary is None:
            return
        report = summary.budget or budget_totals(
            self.ctx.session, summary.annual.academic_year_id, costed=summary.annual
        )
        self.budget_model.set_rows(
            [
                [
                    b.name,
                    b.budget,
                    b.planned,
                    b.to_date,
                    b.remaining,
                    "⚠ Over budget" if b.overspent else "",
                ]
                for b in report.rows
            ]
        )
        scope = (
            " (whole school: budgets are not split by year group)" if summary.budget is None else ""
        )
        warning = (
            "⚠ Planned spend is over budget for at least one funding stream. "
            if report.any_overspent
            else ""
        )
        self.budget_note.setText(
            f"{warning}Budgets for {summary.year_label}{scope}: "
            f"{format_money(report.total_budget)} budgeted, "
            f"{format_money(report.total_planned)} planned."
        )

    def _show_charts(self) -> None:
        summary = self.summary
        if summary is None:
            return

        def planned(lines: list[TotalLine]) -> tuple[list[str], list[tuple[str, list[Decimal]]]]:
            return [x.heading for x in lines], [("Planned", [x.planned for x in lines])]

        self.area_chart.set_data(*planned(summary.by_area))
        self.wave_chart.set_data(*planned(summary.by_wave))
        self.year_group_chart.set_data(*planned(summary.by_year_group))
        lines = summary.by_year_group
        self.planned_chart.set_data(
            [x.heading for x in lines],
            [("Planned", [x.planned for x in lines]), ("To date", [x.to_date for x in lines])],
        )

    # -- pupils and files -----------------------------------------------------------

    def select_pupil(self, pupil_id: int) -> None:
        pupil = self.ctx.session.get(Pupil, pupil_id)
        self.pupil_id = pupil_id if pupil is not None else None
        self.pupil_button.setEnabled(pupil is not None)
        self.pupil_button.setText(
            f"{pupil.display_name}'s &costed map…" if pupil else "Pupil's &costed map…"
        )
        self.pupil_button.setAccessibleName(self.pupil_button.text().replace("&", "").rstrip("…"))

    def _ask_path(self, title: str, name: str, filters: str) -> Path | None:
        chosen, selected = QFileDialog.getSaveFileName(self, title, start_in(name), filters)
        if not chosen:
            return None
        remember(chosen)
        path = Path(chosen)
        if not path.suffix:
            path = path.with_suffix(".csv" if "csv" in selected.lower() else ".xlsx")
        return path

    def _file_stem(self) -> str:
        summary = self.summary
        label = summary.period_label if summary else "costs"
        scope = f" {summary.year_group_name}" if summary and summary.year_group_name else ""
        return f"Costed map {label}{scope}".replace("/", "-").replace(",", "")

    def _write(self, work: Any, path: Path) -> bool:
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
