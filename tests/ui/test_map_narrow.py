"""The map on a small screen: at 1366 × 768 at 125 % (1093 × 614 to use) every year
group and the totals fit across, and what a narrow cell shortens still reads (initials,
a short staff name, a slot over two lines), with the full words in the tooltip and for
a screen reader."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication

from provmap_desktop.ui.short_forms import (
    column_short,
    pupil_forms,
    rate_forms,
    slot_forms,
    staff_forms,
)
from provmap_desktop.views.map.chips import CELL_ROLE, CellContent, layout_cell

SMALL = (1093, 614)
ELLIPSIS = "…"


def _narrow_map(window):  # type: ignore[no-untyped-def]
    window.resize(*SMALL)
    window.show_screen("map")
    QApplication.processEvents()
    screen = window.screens["map"]
    screen.view.fit_rows()
    return screen


def _drawn(screen):  # type: ignore[no-untyped-def]
    """Every heading line and chip the grid draws, with its cell."""
    view, model = screen.view, screen.model
    metrics = QFontMetrics(view.font())
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            index = model.index(row, column)
            content = index.data(CELL_ROLE)
            if isinstance(content, CellContent) and content.groups:
                rect = QRect(0, 0, view.columnWidth(column), view.rowHeight(row))
                for placed in layout_cell(rect, content, metrics):
                    yield index, placed


def test_at_125_percent_every_year_group_and_the_totals_fit_across(demo_window):
    screen = _narrow_map(demo_window)
    view, model = screen.view, screen.model
    assert view.horizontalScrollBar().maximum() == 0
    last = model.columnCount() - 1
    assert view.columnViewportPosition(last) + view.columnWidth(last) <= view.viewport().width()
    spoken = [
        model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.AccessibleTextRole)
        for c in range(model.columnCount())
    ]
    assert spoken[:7] == ["Reception", *(f"Year {n}" for n in range(1, 7))]
    assert spoken[-1] == "Total"
    # The headings shown are the short ones where the full one does not fit.
    shown = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(len(spoken))]
    assert all(s in (n, column_short(n)) for s, n in zip(shown, spoken, strict=True))
    assert shown != spoken  # "No year group" at least is too wide for its column


def test_a_narrow_cell_shortens_names_rather_than_cutting_them_off(demo_window):
    screen = _narrow_map(demo_window)
    chips = headings = 0
    for index, placed in _drawn(screen):
        assert ELLIPSIS not in placed.text, (index.data(), placed.text)
        if placed.chip is not None:
            chips += 1
            assert placed.text.split("\n")[0] in pupil_forms(placed.chip.name)
        else:
            headings += 1
    assert chips > 40
    assert headings > 20
    # Some pupils are shown by their initials, which the tooltip spells out.
    initials = [
        (i, p) for i, p in _drawn(screen) if p.chip and p.text == pupil_forms(p.chip.name)[-1]
    ]
    assert initials
    index, placed = initials[0]
    assert placed.chip is not None
    assert placed.chip.name in index.data(Qt.ItemDataRole.ToolTipRole)
    assert placed.chip.name in index.data(Qt.ItemDataRole.AccessibleTextRole)


def test_the_tooltip_says_the_group_heading_in_full(demo_window):
    screen = _narrow_map(demo_window)
    for index, placed in _drawn(screen):
        if placed.kind == "heading" and placed.text.startswith("CB"):
            tip = index.data(Qt.ItemDataRole.ToolTipRole)
            assert "Miss Chloe Brennan" in tip
            assert "%" in tip
            assert any(w in tip for w in ("Green", "Amber", "Red"))
            spoken = index.data(Qt.ItemDataRole.AccessibleTextRole)
            assert "Miss Chloe Brennan" in spoken
            return
    raise AssertionError("no group shown by its staff's initials at 125 %")


def test_the_short_forms_of_names_slots_and_rates():
    assert staff_forms("Mrs Amina Ahmed") == ("Mrs Amina Ahmed", "Mrs Ahmed", "AA")
    assert staff_forms("Ms Jones") == ("Ms Jones",)
    assert staff_forms("Ms Rachel Kemp (visiting SaLT)")[1:] == ("Ms Rachel Kemp", "Ms Kemp", "RK")
    assert pupil_forms("Freya James") == ("Freya James", "Freya J.", "FJ")
    assert pupil_forms("Mei Ling Bennett") == ("Mei Ling Bennett", "Mei Ling B.", "MLB")
    assert slot_forms("Tue, Thu 09:10") == (
        "Tue, Thu 09:10",
        "Tue, Thu\n09:10",
        "Tu, Th\n9:10",
        "Tu Th\n9:10",
        "Tu\nTh\n9:10",
    )
    assert slot_forms("Mon 09:00, Wed 13:15") == (
        "Mon 09:00, Wed 13:15",
        "Mon 09:00\nWed 13:15",
        "Mo 9:00\nWe 13:15",
    )
    assert slot_forms("Fri") == ("Fri", "Fr")
    # The band's symbol stays when its word goes: never colour alone.
    assert rate_forms("92% ● Green") == ("92% ● Green", "92% ●")
    assert [column_short(n) for n in ("Reception", "Year 6", "No year group", "Total")] == [
        "Rec",
        "Y6",
        "No YG",
        "Total",
    ]
