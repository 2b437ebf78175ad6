"""The Costs screen's four tabs: totals, the threshold, the budget and the charts.

Each tab lays out its tables or charts and shows its part of a costed summary; the
screen works the summary out and hands it over.
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from ..services.cost_limits import BudgetTotals, ThresholdTotals
from ..services.costed_tables import CostedSummary, TotalLine, threshold_difference_words
from ..services.formatting import format_money
from ..ui.speech import ValueLabel
from .costs_panels import ChartPanel, SummaryTableModel, table_view

_TOTAL_HEADERS = ["Planned cost", "Cost to date"]
_PROVISION_HEADERS = ["Provision", "Area of need", "Wave", "Groups", "Pupils", "Cost per pupil"]


class TotalsTab(QWidget):
    """Costs by provision, then by year group, area of need, wave, funding stream and staff."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.provision_model = SummaryTableModel(
            [*_PROVISION_HEADERS, *_TOTAL_HEADERS], numeric=(2, 3, 4, 5, 6, 7)
        )
        grid = QGridLayout(self)
        grid.addWidget(table_view(self.provision_model, "Costs by provision"), 0, 0, 1, 3)
        self.year_group_model = self._small_table(grid, "Year group", 1, 0)
        self.area_model = self._small_table(grid, "Area of need", 1, 1)
        self.wave_model = self._small_table(grid, "Wave", 1, 2)
        self.stream_model = self._small_table(grid, "Funding stream", 2, 0)
        self.staff_model = self._small_table(grid, "Staff", 2, 1)
        grid.setRowStretch(0, 2)
        grid.setRowStretch(1, 1)
        grid.setRowStretch(2, 1)

    @staticmethod
    def _small_table(grid: QGridLayout, heading: str, row: int, col: int) -> SummaryTableModel:
        """A table of planned and to-date totals by ``heading``, placed in ``grid``."""
        model = SummaryTableModel([heading, *_TOTAL_HEADERS], numeric=(1, 2))
        grid.addWidget(table_view(model, f"Costs by {heading.lower()}"), row, col)
        return model

    def show_summary(self, summary: CostedSummary) -> None:
        """Fill every table from ``summary``."""
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


class ThresholdTab(QWidget):
    """The pupils at or near the high-needs threshold, with the margin counted as near."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.margin_spin = QDoubleSpinBox()
        self.margin_spin.setPrefix("£")
        self.margin_spin.setRange(0, 100_000)
        self.margin_spin.setDecimals(2)
        self.margin_spin.setSingleStep(50)
        self.margin_spin.setAccessibleName("Near the threshold margin")
        self.threshold_note = ValueLabel()
        self.threshold_note.setWordWrap(True)
        self.threshold_note.setAccessibleName("Threshold summary")
        self.threshold_model = SummaryTableModel(
            ["Pupil", "Year group", "Annual total", "Against the threshold", "Status"],
            numeric=(2,),
        )
        label = QLabel("Show pupils &within this much of the threshold:")
        label.setBuddy(self.margin_spin)
        row = QHBoxLayout()
        row.addWidget(label)
        row.addWidget(self.margin_spin)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.threshold_note)
        layout.addWidget(table_view(self.threshold_model, "Pupils at or near the threshold"), 1)

    @property
    def margin(self) -> Decimal:
        """The margin chosen, to the penny."""
        return Decimal(str(round(self.margin_spin.value(), 2)))

    def set_margin(self, margin: Decimal) -> None:
        """Show ``margin`` without asking for the list again."""
        self.margin_spin.blockSignals(True)
        self.margin_spin.setValue(float(margin))
        self.margin_spin.blockSignals(False)

    def show_report(self, report: ThresholdTotals) -> None:
        """List the pupils at or above the threshold or near it, and count them."""
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


class BudgetTab(QWidget):
    """The budget of each funding stream against what is planned and spent from it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.budget_note = ValueLabel()
        self.budget_note.setWordWrap(True)
        self.budget_note.setAccessibleName("Budget summary")
        self.budget_model = SummaryTableModel(
            ["Funding stream", "Budget", "Planned spend", "Spent to date", "Remaining", "Warning"],
            numeric=(1, 2, 3, 4),
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.budget_note)
        layout.addWidget(table_view(self.budget_model, "Budget by funding stream"), 1)

    def show_report(self, summary: CostedSummary, report: BudgetTotals) -> None:
        """Show ``report``; a whole-school one (``summary.budget`` unset) says so."""
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


def _planned(lines: list[TotalLine]) -> tuple[list[str], list[tuple[str, list[Decimal]]]]:
    """The headings of ``lines`` and their planned totals, as one chart series."""
    return [x.heading for x in lines], [("Planned", [x.planned for x in lines])]


class ChartsTab(QWidget):
    """Four charts of the spend: by area of need, wave and year group, and planned to date."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.area_chart = ChartPanel("Spend by area of need")
        self.wave_chart = ChartPanel("Spend by wave")
        self.year_group_chart = ChartPanel("Spend by year group", upright=True)
        self.planned_chart = ChartPanel("Planned and to date, by year group", upright=True)
        grid = QGridLayout(self)
        for n, chart in enumerate(
            (self.area_chart, self.wave_chart, self.year_group_chart, self.planned_chart)
        ):
            grid.addWidget(chart, n // 2, n % 2)

    def show_summary(self, summary: CostedSummary) -> None:
        """Draw every chart from ``summary``."""
        self.area_chart.set_data(*_planned(summary.by_area))
        self.wave_chart.set_data(*_planned(summary.by_wave))
        self.year_group_chart.set_data(*_planned(summary.by_year_group))
        lines = summary.by_year_group
        self.planned_chart.set_data(
            [x.heading for x in lines],
            [("Planned", [x.planned for x in lines]), ("To date", [x.to_date for x in lines])],
        )
