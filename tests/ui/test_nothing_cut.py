"""Text that was cut at 1366 × 768, or at 125 % (1093 × 614 to use), is whole.

Each test measures the words with the table's or label's own font (``fontMetrics``)
and compares them with the room the widget gives them, at the window sizes a school
laptop has: the Pupils list's class names, the Provisions table's long names in the
costs view, the status strip's links beside the database path, the cell panel's
column headings.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QApplication, QStyle

from provmap_desktop.views.pupils import list_model as cols

LAPTOP = (1366, 768)
#: 1366 × 768 at 125 % scaling, in logical pixels.
SCALED = (1093, 614)


def _at(window, size: tuple[int, int], key: str):  # type: ignore[no-untyped-def]
    window.resize(*size)
    window.show_screen(key)
    for _ in range(3):
        QApplication.processEvents()
    return window.screens[key]


def _text_margin(widget) -> int:  # type: ignore[no-untyped-def]
    """What an item view's cell keeps free on each side of its text."""
    return widget.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, widget) + 1


def _visible_columns(table) -> list[int]:  # type: ignore[no-untyped-def]
    return [c for c in range(table.model().columnCount()) if not table.isColumnHidden(c)]


@pytest.mark.parametrize("size", [LAPTOP, SCALED])
def test_the_pupils_list_shows_every_cell_whole_and_the_class_at_1366(demo_window, size):
    screen = _at(demo_window, size, "pupils")
    table, model = screen.table, screen.model
    shown = _visible_columns(table)
    if size == LAPTOP:
        # Every column at 1366 wide, the class names among them.
        assert shown == list(range(model.columnCount()))
    else:
        assert {cols.NAME, cols.YEAR, cols.CLASS, cols.SEN_STATUS} <= set(shown)
    # Nothing runs past the right-hand edge (the list never scrolls sideways).
    assert sum(table.columnWidth(c) for c in shown) <= table.viewport().width()
    metrics = table.fontMetrics()
    margin = 2 * _text_margin(table)
    header = table.horizontalHeader()
    for column in shown:
        heading = model.headerData(column, Qt.Orientation.Horizontal)
        assert header.sectionSizeHint(column) <= table.columnWidth(column), heading
        widest = max(
            metrics.horizontalAdvance(model.index(row, column).data())
            for row in range(model.rowCount())
        )
        # "Robins (Reception)", not "Robins (R…".
        assert widest + margin <= table.columnWidth(column), heading
    classes = {model.index(row, cols.CLASS).data() for row in range(model.rowCount())}
    assert "Robins (Reception)" in classes


def test_the_provisions_costs_view_shows_long_names_whole_at_125_percent(demo_window, qtbot):
    screen = _at(demo_window, SCALED, "provisions")
    qtbot.mouseClick(screen.show_costs, Qt.MouseButton.LeftButton)
    QApplication.processEvents()
    table = screen.table
    model = table.model()
    metrics = table.fontMetrics()
    margin = 2 * _text_margin(table)
    long_names = 0
    for column in _visible_columns(table):
        room = table.columnWidth(column) - margin
        for row in range(model.rowCount()):
            text = model.index(row, column).data(Qt.ItemDataRole.DisplayRole)
            if not isinstance(text, str) or not text:
                continue
            # Laid out as the table lays it out: wrapped at spaces inside the column.
            needed = metrics.boundingRect(
                QRect(0, 0, room, 10_000), int(Qt.TextFlag.TextWordWrap), text
            )
            assert needed.width() <= room, text
            assert needed.height() <= table.rowHeight(row), text
            if column == 0 and metrics.horizontalAdvance(text) > room:
                long_names += 1
    # The check means something: some names are longer than their column is wide.
    assert long_names >= 3


@pytest.mark.parametrize("size", [LAPTOP, SCALED])
def test_the_status_strip_shows_every_link_beside_the_database_path(demo_window, size):
    window = demo_window
    _at(window, size, "map")
    window.refresh_attention()
    for _ in range(3):
        QApplication.processEvents()
    strip, path = window.attention_label, window.db_label
    assert len(strip.link_texts()) >= 5
    # The links end before the path begins: nothing of one runs under the other.
    assert strip.geometry().right() < path.geometry().left()
    assert strip.geometry().right() <= window.statusBar().width()
    # The links laid out as the label lays them out (wrapped only if it wraps) fit
    # inside it: no link runs past its right-hand edge, no line is cut off below.
    room = strip.contentsRect()
    text = QTextDocument()
    text.setDocumentMargin(0)
    text.setDefaultFont(strip.font())
    text.setHtml(strip.text())
    if strip.wordWrap():
        text.setTextWidth(room.width())
    assert text.idealWidth() <= room.width()
    assert text.size().height() <= room.height()
    assert path.fontMetrics().horizontalAdvance(path.text()) <= path.contentsRect().width()
    assert path.text().endswith("demo.provmap")
    assert path.accessibleDescription() == f"Database: {window.database.path}"


def _panel_with_a_group(window):  # type: ignore[no-untyped-def]
    screen = window.screens["map"]
    model = screen.model
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            index = model.index(row, column)
            if len(model.cell_groups(index)) == 1:
                screen.view.setCurrentIndex(index)
                QApplication.processEvents()
                return screen.panel
    raise AssertionError("no cell with a group")


@pytest.mark.parametrize("panel_width", [None, 330])
def test_the_cell_panel_headings_and_names_are_whole(demo_window, panel_width):
    """At 1366 × 768 (and with the panel dragged wider) the "To" heading is whole."""
    window = demo_window
    _at(window, LAPTOP, "map")
    panel = _panel_with_a_group(window)
    if panel_width is not None:
        splitter = panel.parentWidget()
        sizes = splitter.sizes()
        splitter.setSizes([sizes[0], sum(sizes) - sizes[0] - panel_width, panel_width])
        QApplication.processEvents()
    tree = panel.tree
    header = tree.header()
    shown = [c for c in range(tree.columnCount()) if not tree.isColumnHidden(c)]
    # At 1366 wide the panel has room for "From" and "To" beside these names; narrower
    # (125 %), the dates give way rather than run off the edge.
    assert shown == [0, 1, 2]
    assert sum(header.sectionSize(c) for c in shown) <= tree.viewport().width()
    metrics = header.fontMetrics()
    for column in shown:
        heading = tree.headerItem().text(column)
        assert metrics.horizontalAdvance(heading) < header.sectionSize(column), heading
    group = tree.topLevelItem(0)
    names = [group.child(n).text(0) for n in range(group.childCount())]
    assert names
    room = header.sectionSize(0) - 2 * tree.indentation() - 2 * _text_margin(tree)
    for name in names:
        assert tree.fontMetrics().horizontalAdvance(name) <= room, name
