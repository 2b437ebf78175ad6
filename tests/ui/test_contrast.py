"""Contrast of what the app paints, worked out with the WCAG 2.2 formula.

Text needs 4.5:1 against its background; focus indicators, the selected map cell,
area-of-need colours and chart bars need 3:1 against what surrounds them (WCAG 2.2
success criteria 1.4.3, 1.4.11 and 2.4.13's 3:1 for the indicator).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtGui import QPalette

from provmap_desktop.ui.colours import BASE, blend, contrast_ratio
from provmap_desktop.views.map import chips, grid_model

TEXT, GRAPHIC = 4.5, 3.0


def test_the_wcag_formula_against_published_values():
    # Worked by hand from the WCAG definition of relative luminance:
    # black on white is (1 + 0.05) / (0 + 0.05) = 21; #777777 has luminance 0.1845,
    # so (1.05) / (0.2345) = 4.48, the well-known "just fails 4.5:1" grey.
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio("#ffffff", "#777777") == contrast_ratio("#777777", "#ffffff")


def test_map_cell_text_focus_and_selection_colours():
    selected = chips.SELECTED_FILL
    problems = []
    for name, fore, back, need in (
        ("group heading", chips.HEADING_COLOUR, BASE, TEXT),
        ("group heading, cell selected", chips.HEADING_COLOUR, selected, TEXT),
        ("pupil name, cell selected", chips.TEXT_COLOUR, selected, TEXT),
        ("selected cell outline", chips.SELECTED_OUTLINE, BASE, GRAPHIC),
        ("focus ring", chips.FOCUS_RING, BASE, GRAPHIC),
        ("focus ring, cell selected", chips.FOCUS_RING, selected, GRAPHIC),
    ):
        ratio = contrast_ratio(fore, back)
        if ratio < need:
            problems.append(f"{name}: {ratio:.2f}:1, needs {need}:1")
    # A pupil's name on its chip: the area colour laid thinly over the cell.
    for area, colour in grid_model.AREA_COLOURS.items():
        for back in (BASE, selected):
            chip = blend(colour, chips.CHIP_ALPHA, back)
            ratio = contrast_ratio(chips.TEXT_COLOUR, chip)
            if ratio < TEXT:
                problems.append(f"name on a {area} chip: {ratio:.2f}:1")
    assert not problems, "\n".join(problems)


def test_area_of_need_colours_stand_out_from_the_page():
    low = {
        area: round(contrast_ratio(colour, BASE), 2)
        for area, colour in grid_model.AREA_COLOURS.items()
        if contrast_ratio(colour, BASE) < GRAPHIC
    }
    assert not low, f"area colours below 3:1 on white: {low}"


def test_placeholder_text_in_every_box_is_readable(window):
    palette = window.period_bar.search.palette()
    base = palette.color(QPalette.ColorRole.Base).name()
    placeholder = palette.color(QPalette.ColorRole.PlaceholderText)
    # Qt's default placeholder is the text colour at half strength: blend it as painted.
    painted = blend(placeholder.name(), placeholder.alpha(), base)
    ratio = contrast_ratio(painted, base)
    assert ratio >= TEXT, f"placeholder {painted} on {base}: {ratio:.2f}:1"


def test_chart_bars_stand_out_and_differ_by_pattern(qtbot):
    from provmap_desktop.views.costs_panels import ChartPanel

    panel = ChartPanel("Costs by wave")
    qtbot.addWidget(panel)
    panel.set_data(
        ["Wave 1", "Wave 2"],
        [
            ("Planned", [Decimal("100"), Decimal("250")]),
            ("To date", [Decimal("40"), Decimal("90")]),
        ],
    )
    (series,) = panel.chart.series()
    sets = series.barSets()
    for bar_set in sets:  # the light chart theme draws on white
        ratio = contrast_ratio(bar_set.color().name(), BASE)
        assert ratio >= GRAPHIC, f"{bar_set.label()} bars: {ratio:.2f}:1 on white"
    styles = {bar_set.brush().style() for bar_set in sets}
    assert len(styles) == len(sets), "two series told apart by colour alone"
