"""The colours the app draws with, chosen to meet WCAG 2.2 AA contrast.

Text is at least 4.5:1 against its background; focus indicators, the selected map
cell, area-of-need colours and chart bars (graphics that carry meaning) are at least
3:1 against what surrounds them. ``contrast_ratio`` is the WCAG formula, so the
choices here can be checked by a test rather than by eye.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from ..models.vocab import AreaOfNeed

#: The page behind the map and tables.
BASE = "#ffffff"
#: Ordinary text.
TEXT = "#000000"
#: Softer text (a group's heading in a map cell): 7.0:1 on white.
MUTED_TEXT = "#595959"
#: Placeholder text in empty boxes when the system's own is too faint.
PLACEHOLDER_LIGHT = "#5f5f5f"
PLACEHOLDER_DARK = "#a6a6a6"
#: A selected map cell: a pale fill inside a dark outline.
SELECTED_FILL = "#dde9f7"
SELECTED_OUTLINE = "#1a4f8b"
#: The keyboard focus ring drawn around the current map cell and the link strip.
FOCUS_RING = "#1a4f8b"
#: The outline of a pupil's name chip.
CHIP_OUTLINE = "#6b7785"

#: Area-of-need colours (stripe, key and row marks), each 3:1 or more on white.
AREA_COLOURS: dict[str, str] = {
    AreaOfNeed.COMMUNICATION.value: "#2f6fc4",
    AreaOfNeed.COGNITION.value: "#23784f",
    AreaOfNeed.SEMH.value: "#b85a00",
    AreaOfNeed.SENSORY.value: "#7a4cb8",
}
UNKNOWN_AREA = "#6b6b6b"

#: Bars of a chart's series in order: a colour and a fill pattern each, so two series
#: differ by pattern as well as colour (and the legend names them).
CHART_SERIES: tuple[tuple[str, str], ...] = (
    ("#1f5a96", "solid"),
    ("#9a4a00", "diagonal"),
    ("#3d6b2a", "cross"),
)


def _linear(channel: float) -> float:
    return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    value = colour.lstrip("#")
    red, green, blue = (int(value[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return 0.2126 * _linear(red) + 0.7152 * _linear(green) + 0.0722 * _linear(blue)


def contrast_ratio(first: str, second: str) -> float:
    """WCAG contrast ratio of two ``#rrggbb`` colours, from 1.0 to 21.0."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def blend(colour: str, alpha: int, over: str) -> str:
    """``colour`` painted with ``alpha`` (0-255) over ``over``, as ``#rrggbb``."""
    top, bottom = colour.lstrip("#"), over.lstrip("#")
    mixed = [
        round((int(top[i : i + 2], 16) * alpha + int(bottom[i : i + 2], 16) * (255 - alpha)) / 255)
        for i in (0, 2, 4)
    ]
    return "#" + "".join(f"{c:02x}" for c in mixed)


def placeholder_colour(base: str) -> str:
    """Placeholder text readable (4.5:1) on ``base``, light or dark."""
    return PLACEHOLDER_LIGHT if relative_luminance(base) > 0.4 else PLACEHOLDER_DARK


def apply_readable_palette(app: QApplication) -> None:
    """Make the application's placeholder text readable against its boxes."""
    palette = app.palette()
    base = palette.color(QPalette.ColorRole.Base).name()
    colour = QColor(placeholder_colour(base))
    if palette.color(QPalette.ColorRole.PlaceholderText) != colour:
        palette.setColor(QPalette.ColorRole.PlaceholderText, colour)
        app.setPalette(palette)
