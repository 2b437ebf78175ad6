"""Nothing clipped on a 1366 × 768 laptop at 125 % (1093 × 614 to use): the Provisions
table fits across, the Costs charts say every year group, the EHC plan's Section F
table shows several rows, the search box's hint is whole."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

SMALL = (1093, 614)


def _at_small_size(window, key: str):  # type: ignore[no-untyped-def]
    window.resize(*SMALL)
    window.show_screen(key)
    QApplication.processEvents()
    return window.screens[key]


def test_the_provisions_table_fits_across_in_both_views(demo_window, qtbot):
    screen = _at_small_size(demo_window, "provisions")
    table = screen.table
    for costs in (False, True):
        if screen.show_costs.isChecked() != costs:
            qtbot.mouseClick(screen.show_costs, Qt.MouseButton.LeftButton)
        QApplication.processEvents()
        shown = [
            table.model().headerData(c, Qt.Orientation.Horizontal)
            for c in range(table.model().columnCount())
            if not table.isColumnHidden(c)
        ]
        assert table.horizontalScrollBar().maximum() == 0, shown
        assert shown[0] == "Provision"
        # Each column is wide enough for its heading ("Weeks", not "Wee…").
        metrics = table.horizontalHeader().fontMetrics()
        for column in range(table.model().columnCount()):
            if table.isColumnHidden(column):
                continue
            heading = table.model().headerData(column, Qt.Orientation.Horizontal)
            assert metrics.horizontalAdvance(heading) <= table.columnWidth(column), heading
        if costs:
            assert "Funding" in shown
            assert "Weeks" not in shown
        else:
            assert {"Area of need", "Wave", "Minutes", "Weeks"} <= set(shown)


def test_the_charts_say_every_heading_in_a_form_that_fits(demo_window):
    from provmap_desktop.views.costs_tabs import ChartsTab

    screen = _at_small_size(demo_window, "costs")
    (charts,) = screen.findChildren(ChartsTab)
    screen.tabs.setCurrentWidget(charts)
    charts.show()
    QApplication.processEvents()
    years = charts.year_group_chart
    years.fit_labels()
    shown = years.category_axis.categories()
    # Too narrow for "Reception" and "No year group" under their bars at 125 %.
    assert shown[:3] == ["Rec", "Y1", "Y2"]
    assert shown[-1] == "None"
    # The table beside it says them whole.
    assert years.model.rows[0][0] == "Reception"
    areas = charts.area_chart
    areas.fit_labels()
    assert "SEMH" in areas.category_axis.categories()
    assert "Social, emotional and mental health" in [row[0] for row in areas.model.rows]


def test_the_ehc_plan_tab_shows_every_section_f_item_of_a_four_item_plan(demo_window):
    from provmap_desktop.models import Ehcp, EhcpProvisionItem
    from provmap_desktop.views.pupils.ehcp_items import SectionFTab

    screen = _at_small_size(demo_window, "pupils")
    session = screen.ctx.session
    pupil = next(
        e.pupil_id
        for e in session.query(Ehcp)
        if session.query(EhcpProvisionItem).filter_by(ehcp_id=e.id).count() == 4
    )
    screen.show_target(f"section-f:{pupil}")
    QApplication.processEvents()
    (tab,) = screen.findChildren(SectionFTab)
    table = tab.items
    assert table.rowCount() == 4
    # Every row's top is inside the table's view (2½ rows showed at 150 pixels high).
    for row in range(4):
        assert table.rowViewportPosition(row) < table.viewport().height(), row
    assert table.rowViewportPosition(2) + table.rowHeight(2) <= table.viewport().height()
