"""Columns fitted to their texts: as wide as Qt's own fitting makes them, measured once."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHeaderView

from provmap_desktop.views.costs_panels import SummaryTableModel, table_view

DISPLAY = Qt.ItemDataRole.DisplayRole.value

ROWS = [
    ["Precision teaching", Decimal("108.00"), Decimal("27.00"), "Year 4"],
    ["Speech and language therapy group", Decimal("12345.67"), Decimal("0.00"), "Reception"],
    ["Lego therapy", None, Decimal("1.50"), "Year 10 and Year 11 together"],
    ["Reading", Decimal("3420.00"), Decimal("999999.99"), ""],
]


class CountingModel(SummaryTableModel):
    """Counts how often a view asks for a cell's text."""

    def __init__(self) -> None:
        super().__init__(["Provision", "Planned", "To date", "Where"], numeric=(1, 2))
        self.asked = 0

    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == DISPLAY:
            self.asked += 1
        return super().data(index, role)


def qt_fitted_width(view: Any, column: int) -> int:
    """The width ``ResizeToContents`` gives the column: its cells' or its heading's."""
    return max(view.sizeHintForColumn(column), view.horizontalHeader().sectionSizeHint(column))


def test_columns_are_as_wide_as_qt_fits_them_and_follow_new_rows(qtbot: Any) -> None:
    model = CountingModel()
    view = table_view(model, "Costs")
    qtbot.addWidget(view)
    view.resize(900, 300)
    model.set_rows(ROWS)
    view.show()
    qtbot.waitExposed(view)
    header = view.horizontalHeader()
    assert header.sectionResizeMode(0) == QHeaderView.ResizeMode.Stretch
    for column in (1, 2):
        assert header.sectionResizeMode(column) == QHeaderView.ResizeMode.Interactive
        assert header.sectionSize(column) == qt_fitted_width(view, column)
    # The last column stretches to the edge, so it is at least as wide as its texts.
    assert header.sectionSize(3) >= qt_fitted_width(view, 3)

    # New, wider figures: the column grows to them.
    before = header.sectionSize(2)
    model.set_rows([*ROWS, ["Nurture group", Decimal("1.00"), Decimal("12345678.90"), ""]])
    assert header.sectionSize(2) == qt_fitted_width(view, 2) > before


def test_sizing_the_columns_asks_the_model_for_no_text(qtbot: Any) -> None:
    model = CountingModel()
    view = table_view(model, "Costs")
    qtbot.addWidget(view)
    view.resize(900, 300)
    model.set_rows(ROWS * 300)  # 1,200 rows, of which a dozen are on screen
    model.asked = 0
    view.show()
    qtbot.waitUntil(lambda: model.asked > 0)
    # Only the cells painted are asked for (a dozen rows of four columns, give or take):
    # fitting the columns to contents asked for every cell of up to a thousand rows.
    assert 0 < model.asked < 200


def test_the_pupils_list_fits_a_long_name_far_down_a_big_school_without_asking_cells(
    qtbot: Any,
) -> None:
    from provmap_desktop.views.pupils import list_model as cols
    from provmap_desktop.views.pupils.list_table import PupilTable

    class CountingPupils(cols.PupilListModel):
        asked = 0

        def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
            CountingPupils.asked += 1
            return super().data(index, role)

    def row(n: int, surname: str) -> cols.PupilRow:
        return cols.PupilRow(
            pupil_id=n, name=f"{surname}, Sam", sort_name=surname, upn=f"A{n:012d}",
            year="Year 9", year_order=9, school_class="9X", sen_status="K",
            primary_need="SLCN", flags=("PP",), archived=False,
        )  # fmt: skip

    model = CountingPupils()
    view = PupilTable(model)
    qtbot.addWidget(view)
    view.resize(1300, 400)
    model.beginResetModel()
    # 1,000 pupils; the longest name is the 900th: Qt's own sizing sampled 200 rows.
    model.rows = [row(n, "Lee") for n in range(1000)]
    model.rows[899] = row(899, "Featherstonehaugh-Cholmondeley")
    model.endResetModel()
    CountingPupils.asked = 0
    view.fit_columns()
    assert CountingPupils.asked == 0
    view.show()
    qtbot.waitExposed(view)
    header = view.horizontalHeader()
    header.setResizeContentsPrecision(-1)  # Qt measuring every row, to compare with
    assert header.sectionSize(cols.NAME) == qt_fitted_width(view, cols.NAME)
    assert view.needed_width(cols.NAME) == qt_fitted_width(view, cols.NAME)
    for column in (cols.UPN, cols.YEAR, cols.SEN_STATUS, cols.PRIMARY_NEED, cols.FLAGS):
        assert header.sectionSize(column) == qt_fitted_width(view, column)
