"""Building blocks of the Costs screen: a read-only table model and a chart with its table.

Every chart can be turned into a table with its "Show as table" button, so the figures
are readable without the chart (and by a screen reader).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFontMetrics, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..services.formatting import format_money, round_money
from ..ui.colours import CHART_SERIES
from ..ui.fitted_columns import keep_columns_fitted
from ..ui.short_forms import area_short, column_short

_PATTERNS = {
    "solid": Qt.BrushStyle.SolidPattern,
    "diagonal": Qt.BrushStyle.BDiagPattern,
    "cross": Qt.BrushStyle.DiagCrossPattern,
}

Index = QModelIndex | QPersistentModelIndex


class SummaryTableModel(QAbstractTableModel):
    """Rows of already-formatted text; columns listed in ``numeric`` are right-aligned.

    ``sort_keys`` (one per row, optional) holds the raw values, returned under
    ``Qt.UserRole`` for tests and sorting.
    """

    def __init__(
        self, headers: Sequence[str], numeric: Sequence[int] = (), parent: Any = None
    ) -> None:
        super().__init__(parent)
        self.headers = list(headers)
        self.numeric = set(numeric)
        self.rows: list[list[str]] = []
        self.raw: list[list[Any]] = []

    def set_rows(self, rows: Sequence[Sequence[Any]]) -> None:
        """Show ``rows``: money (``Decimal``) is formatted here, once; ``None`` is blank."""
        self.beginResetModel()
        self.raw = [list(row) for row in rows]
        self.rows = [[_text(value) for value in row] for row in rows]
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        """One row per line set."""
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        """One column per heading."""
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """The text (shown and spoken), the raw value, or the alignment of a cell."""
        if not index.isValid():
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self.rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.UserRole:
            return self.raw[index.row()][index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in self.numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """The column headings."""
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def column_texts(self, column: int) -> list[str]:
        """The text shown in ``column``, top to bottom."""
        return [row[column] for row in self.rows]


def _text(value: Any) -> str:
    """A cell's text: money formatted, ``None`` blank, anything else as written."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format_money(value)
    return str(value)


def table_view(model: SummaryTableModel, name: str) -> QTableView:
    """A read-only table over ``model`` with an accessible name."""
    view = QTableView()
    view.setModel(model)
    view.setAccessibleName(name)
    view.setTabKeyNavigation(False)  # Tab leaves the table; arrows move inside
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.verticalHeader().setVisible(False)
    header = view.horizontalHeader()
    header.setStretchLastSection(True)
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    view.setAlternatingRowColors(True)
    # The other columns fit their texts, measured once per set of rows.
    keep_columns_fitted(view, model.column_texts)
    return view


def _bar_short(name: str) -> str:
    """A year group under a narrow bar: "Rec", "Y1", and "None" for no year group."""
    return "None" if name == "No year group" else column_short(name)


class ChartPanel(QWidget):
    """A horizontal bar chart of money by heading, with a table of the same figures.

    ``set_data(categories, series)`` takes heading names and one or more named series
    of ``Decimal`` amounts (e.g. "Planned" and "To date").
    """

    def __init__(self, title: str, *, upright: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        # Upright bars suit many short headings (year groups); sideways bars long ones.
        self.upright = upright
        self.chart = QChart()
        self.chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.categories: list[str] = []
        self.chart.plotAreaChanged.connect(lambda _area: self.fit_labels())
        self.chart_view = QChartView(self.chart)
        self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.chart_view.setAccessibleName(f"Chart: {title}")
        self.chart_view.setMinimumHeight(220)
        self.model = SummaryTableModel(["Heading"], parent=self)
        self.table = table_view(self.model, f"Table: {title}")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.chart_view)
        self.stack.addWidget(self.table)
        self.toggle = QPushButton("Show as table")
        self.toggle.setCheckable(True)
        self.toggle.setAccessibleName(f"Show {title} as table")
        self.toggle.toggled.connect(self._show_table)
        heading = QLabel(f"<b>{title}</b>")
        top = QHBoxLayout()
        top.addWidget(heading, 1)
        top.addWidget(self.toggle)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.stack, 1)

    def _show_table(self, on: bool) -> None:
        """Show the table (``on``) or the chart, and name the button for the other."""
        self.stack.setCurrentIndex(1 if on else 0)
        self.toggle.setText("Show as chart" if on else "Show as table")

    @property
    def showing_table(self) -> bool:
        """Whether the table is on show rather than the chart."""
        return self.stack.currentIndex() == 1

    def set_data(
        self, categories: Sequence[str], series: Sequence[tuple[str, Sequence[Decimal]]]
    ) -> None:
        """Show ``series`` by ``categories`` in the chart, its table and its description."""
        self.model.headers = ["Heading", *(name for name, _ in series)]
        self.model.numeric = set(range(1, len(series) + 1))
        self.model.set_rows(
            [[name, *(values[i] for _, values in series)] for i, name in enumerate(categories)]
        )
        self.chart.removeAllSeries()
        for axis in self.chart.axes():
            self.chart.removeAxis(axis)
        bars = QBarSeries() if self.upright else QHorizontalBarSeries()
        # Sideways bars are drawn bottom up; reversed, they read top down like the table.
        order = list if self.upright else (lambda items: list(reversed(items)))
        highest = 0.0
        for number, (name, values) in enumerate(series):
            bar_set = QBarSet(name)
            # Each series its own colour (3:1 on white) and fill pattern, and named in
            # the legend: never told apart by colour alone.
            colour, pattern = CHART_SERIES[number % len(CHART_SERIES)]
            bar_set.setColor(QColor(colour))
            bar_set.setBorderColor(QColor(colour))
            bar_set.setBrush(QBrush(QColor(colour), _PATTERNS[pattern]))
            # Charts draw floats; the figures rounded to the penny are plenty for a bar.
            amounts = [float(round_money(v)) for v in order(values)]
            bar_set.append(amounts)
            highest = max([highest, *amounts])
            bars.append(bar_set)
        self.chart.addSeries(bars)
        axis_y = self.category_axis = QBarCategoryAxis()
        self.categories = order(categories)
        axis_y.append(self.categories)
        axis_x = QValueAxis()
        axis_x.setRange(0, highest if highest else 1)
        axis_x.applyNiceNumbers()
        # The label format is printf-style and ASCII only, so the pound sign is the title.
        axis_x.setLabelFormat("%.0f")
        axis_x.setTitleText("£")
        category_side, value_side = Qt.AlignmentFlag.AlignLeft, Qt.AlignmentFlag.AlignBottom
        if self.upright:
            category_side, value_side = value_side, category_side
        self.chart.addAxis(axis_y, category_side)
        self.chart.addAxis(axis_x, value_side)
        bars.attachAxis(axis_y)
        bars.attachAxis(axis_x)
        self.chart.legend().setVisible(len(series) > 1)
        # The chart's figures for a screen reader; "Show as table" gives the same as a table.
        names = " and ".join(name for name, _ in series)
        rows = "; ".join(f"{row[0]}: {', '.join(row[1:])}" for row in self.model.rows)
        self.chart_view.setAccessibleDescription(f"{names} by heading. {rows}")
        self.fit_labels()

    def fit_labels(self) -> None:
        """Headings that fit the chart, the table and description saying them whole.

        Upright bars share the width: a year group's name too long for its bar is said
        short ("Rec", "Y1", "None"). A sideways heading too long for the side is said
        short too ("SEMH").
        """
        axis = getattr(self, "category_axis", None)
        if axis is None or not self.categories:
            return
        metrics = QFontMetrics(axis.labelsFont())
        if self.upright:
            room = self.chart.plotArea().width() or self.chart_view.width() * 0.8
            each = room / len(self.categories) - 24  # Qt keeps a margin either side
            fits = all(metrics.horizontalAdvance(name) <= each for name in self.categories)
            labels = self.categories if fits else [_bar_short(n) for n in self.categories]
        else:
            side = self.chart_view.width() // 3
            labels = [
                n if metrics.horizontalAdvance(n) <= side else area_short(n)
                for n in self.categories
            ]
        if axis.categories() != labels:
            axis.setCategories(labels)
