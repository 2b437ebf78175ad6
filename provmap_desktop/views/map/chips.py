"""Drawing a map cell: each group's line (staff and slot) and its pupils as name chips.

``layout_cell`` is the one place chip positions are worked out; the delegate paints
from it and the view hit-tests with it, so what is drawn is what can be dragged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from ...ui import colours
from ...ui.short_forms import pupil_forms
from .text_measure import TextMeasure, measure_for

#: What lays out text: a font's metrics, or its remembering ``TextMeasure``.
Metrics = QFontMetrics | TextMeasure

PAD = 3
CHIP_PAD = 5
CHIP_GAP = 3
LINE_GAP = 2

#: Colours of a cell, each checked for contrast (see ``ui.colours``).
HEADING_COLOUR = colours.MUTED_TEXT
TEXT_COLOUR = colours.TEXT
SELECTED_FILL = colours.SELECTED_FILL
SELECTED_OUTLINE = colours.SELECTED_OUTLINE
FOCUS_RING = colours.FOCUS_RING
#: How strongly a chip is tinted with its area colour (0-255).
CHIP_ALPHA = 60
ENDED_CHIP_ALPHA = 25

#: What the drop zone for a new group says, in a wide cell and a narrow one.
NEW_GROUP_FORMS = ("+ new group", "+ new", "+")

#: Role holding a ``CellContent`` for grid cells.
CELL_ROLE = Qt.ItemDataRole.UserRole + 10
#: Role holding the area colour of a row (a ``QColor``), drawn as a stripe.
AREA_COLOUR_ROLE = Qt.ItemDataRole.UserRole + 11


@dataclass(frozen=True)
class Chip:
    membership_id: int
    pupil_id: int
    name: str
    #: Said under the name: "ended 23/11/2026" (the pupil has left), "until 11/12/2026".
    note: str = ""
    #: Drawn with a dashed outline as well as the words, so the state is not colour alone.
    ended: bool = False

    @property
    def lines(self) -> tuple[str, ...]:
        return (self.name, self.note) if self.note else (self.name,)


@dataclass(frozen=True)
class GroupBlock:
    group_id: int
    heading: str  # "Mrs Ahmed · Tue, Thu 09:10 · 3/4"
    chips: tuple[Chip, ...]
    over_size: bool = False
    #: The heading's facts, each with its shorter forms for a narrow column.
    parts: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class CellContent:
    groups: tuple[GroupBlock, ...] = ()
    cost_text: str = ""  # shown in the cost view
    #: The "+ new group" place to drop on: not drawn where the map cannot be changed.
    new_group_zone: bool = True

    @property
    def pupil_count(self) -> int:
        return sum(len(g.chips) for g in self.groups)


@dataclass(frozen=True)
class Placed:
    rect: QRect
    kind: str  # "heading" | "chip" | "cost" | "new_group"
    text: str
    group_id: int
    chip: Chip | None = None


def layout_cell(rect: QRect, content: CellContent, metrics: Metrics) -> list[Placed]:
    """Place every heading and chip inside ``rect``, wrapping chips onto new lines.

    With a ``TextMeasure`` the layout for the cell's width and content is worked out
    once and moved to ``rect``: only a cell whose content or width changed is laid out
    again.
    """
    if not isinstance(metrics, TextMeasure):
        return _layout(rect, content, metrics)
    width = rect.width()
    at_origin: list[Placed] = metrics.remembered(
        ("cell", width, content), lambda: _layout(QRect(0, 0, width, 10_000), content, metrics)
    )
    dx, dy = rect.left(), rect.top()
    if not (dx or dy):
        return list(at_origin)
    return [
        Placed(p.rect.translated(dx, dy), p.kind, p.text, p.group_id, p.chip) for p in at_origin
    ]


def _layout(rect: QRect, content: CellContent, metrics: Metrics) -> list[Placed]:
    placed: list[Placed] = []
    line_height = metrics.height() + 2
    x0, right = rect.left() + PAD, rect.right() - PAD
    y = rect.top() + PAD
    width = max(right - x0, 20)
    if content.cost_text:
        placed.append(Placed(QRect(x0, y, width, line_height), "cost", content.cost_text, 0))
        y += line_height + LINE_GAP
    for block in content.groups:
        for line in heading_lines(block, metrics, width):
            placed.append(Placed(QRect(x0, y, width, line_height), "heading", line, block.group_id))
            y += line_height
        y += LINE_GAP
        x = x0
        row_height = line_height
        for chip in block.chips:
            lines = fitted_lines(chip, metrics, width - 2 * CHIP_PAD - 4)
            # A little slack: the painter's text may be a pixel wider than measured.
            widest = max(metrics.horizontalAdvance(line) for line in lines)
            chip_width = min(widest + 2 * CHIP_PAD + 4, width)
            chip_height = line_height * len(lines)
            if x > x0 and x + chip_width > right:
                x = x0
                y += row_height + CHIP_GAP
                row_height = line_height
            room = chip_width - 2 * CHIP_PAD
            text = "\n".join(
                metrics.elidedText(line, Qt.TextElideMode.ElideRight, room) for line in lines
            )
            placed.append(
                Placed(QRect(x, y, chip_width, chip_height), "chip", text, block.group_id, chip)
            )
            row_height = max(row_height, chip_height)
            x += chip_width + CHIP_GAP
        if block.chips:
            y += row_height + LINE_GAP
    if content.groups and content.new_group_zone:
        # Below the groups, a place to drop a chip to start a group like its own.
        text = fitting(NEW_GROUP_FORMS, metrics, width - 2 * CHIP_PAD)
        zone = QRect(x0, y + LINE_GAP, width, line_height + 2)
        placed.append(Placed(zone, "new_group", text, 0))
    return placed


def short_name(name: str) -> str:
    """A narrow cell's form of a name: "Freya James" becomes "Freya J."."""
    forms = pupil_forms(name)
    return forms[1] if len(forms) > 1 else name


def fitting(forms: tuple[str, ...], metrics: Metrics, room: int) -> str:
    """The longest of ``forms`` whose every line fits ``room`` pixels (else the last)."""
    for form in forms:
        if all(metrics.horizontalAdvance(line) <= room for line in form.split("\n")):
            return form
    return forms[-1]


def fitted_lines(chip: Chip, metrics: Metrics, room: int) -> list[str]:
    """A chip's lines for a cell ``room`` pixels wide: the name made short ("Freya J.",
    then "FJ"), the note broken after its first word and its year left out, before
    anything is elided."""
    name = fitting(pupil_forms(chip.name), metrics, room)
    if not chip.note or metrics.horizontalAdvance(chip.note) <= room:
        return [name, chip.note] if chip.note else [name]
    word, _, rest = chip.note.partition(" ")
    if rest and metrics.horizontalAdvance(rest) > room:
        rest = short_note(rest)
    return [name, word, rest] if rest else [name, word]


def short_note(note: str) -> str:
    """A narrow cell's form of a chip's note: "ended 23/11/2026" becomes "ended 23/11"."""
    return re.sub(r"(\d{1,2}/\d{1,2})/\d{4}", r"\1", note)


def heading_lines(block: GroupBlock, metrics: Metrics, width: int) -> list[str]:
    """A group's heading as lines ``width`` pixels wide: each fact in the longest form
    that fits, facts sharing a line (joined by " · ") where they can. A fact is
    shortened before anything is elided, which happens only when even its shortest
    form is too wide."""
    parts = block.parts or tuple((part,) for part in block.heading.split(" · "))
    lines: list[str] = []
    room = width - 2  # the painter's text may come out a pixel wider than measured
    for forms in parts:
        form = fitting(forms, metrics, room)
        if "\n" not in form and lines:
            candidate = f"{lines[-1]} · {form}"
            if metrics.horizontalAdvance(candidate) <= room:
                lines[-1] = candidate
                continue
        lines.extend(form.split("\n"))
    return [metrics.elidedText(line, Qt.TextElideMode.ElideRight, width) for line in lines]


def cell_height(width: int, content: CellContent, metrics: Metrics) -> int:
    placed = layout_cell(QRect(0, 0, width, 10_000), content, metrics)
    if not placed:
        return metrics.height() + 2 * PAD
    return max(p.rect.bottom() for p in placed) + PAD + 1


def _paint_item(painter: QPainter, item: Placed, colour: object, text_colour: QColor) -> None:
    """Draw one heading line, cost, chip or "+ new group" zone of a cell."""
    if item.kind == "new_group":
        # A dotted outline, like an empty place to put something.
        painter.setPen(QPen(QColor(colours.CHIP_OUTLINE), 1, Qt.PenStyle.DotLine))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(item.rect.adjusted(0, 0, -1, -1), 6, 6)
        painter.setPen(QColor(HEADING_COLOUR))
        painter.drawText(item.rect, Qt.AlignmentFlag.AlignCenter, item.text)
    elif item.kind == "chip":
        ended = item.chip is not None and item.chip.ended
        fill = QColor(colour) if isinstance(colour, QColor) else QColor("#dde6f0")
        fill.setAlpha(ENDED_CHIP_ALPHA if ended else CHIP_ALPHA)
        # An ended allocation: a dashed outline and its words ("ended 23/11/2026").
        style = Qt.PenStyle.DashLine if ended else Qt.PenStyle.SolidLine
        painter.setPen(QPen(QColor(colours.CHIP_OUTLINE), 1, style))
        painter.setBrush(fill)
        painter.drawRoundedRect(item.rect.adjusted(0, 0, -1, -1), 6, 6)
        painter.setPen(text_colour)
        painter.drawText(item.rect, Qt.AlignmentFlag.AlignCenter, item.text)
    else:
        # Same font as measured in layout_cell, so nothing is cut off; a heading
        # is told apart by a softer (still 4.5:1) colour, a cost by weight.
        font = painter.font()
        font.setBold(item.kind == "cost")
        painter.setFont(font)
        painter.setPen(QColor(HEADING_COLOUR) if item.kind == "heading" else text_colour)
        painter.drawText(item.rect, Qt.AlignmentFlag.AlignVCenter, item.text)
        font.setBold(False)
        painter.setFont(font)


class CellDelegate(QStyledItemDelegate):
    """Paints groups and chips; the row's area colour is a thin stripe, never the only cue."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        content = index.data(CELL_ROLE)
        if not isinstance(content, CellContent):
            super().paint(painter, option, index)
            return
        painter.save()
        painter.setFont(option.font)  # type: ignore[attr-defined]
        rect: QRect = option.rect  # type: ignore[attr-defined]
        selected = bool(option.state & QStyle.StateFlag.State_Selected)  # type: ignore[attr-defined]
        # Fixed colours rather than the style's, so text, selection and focus keep
        # their contrast whatever the system theme's highlight is.
        painter.fillRect(rect, QColor(SELECTED_FILL if selected else colours.BASE))
        colour = index.data(AREA_COLOUR_ROLE)
        if isinstance(colour, QColor):
            painter.fillRect(QRect(rect.left(), rect.top(), 3, rect.height()), colour)
        metrics = measure_for(option.font)  # type: ignore[attr-defined]
        text_colour = QColor(TEXT_COLOUR)
        for item in layout_cell(rect, content, metrics):
            _paint_item(painter, item, colour, text_colour)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        if selected:
            painter.setPen(QPen(QColor(SELECTED_OUTLINE), 2))
            painter.drawRect(rect.adjusted(1, 1, -1, -1))
        if option.state & QStyle.StateFlag.State_HasFocus:  # type: ignore[attr-defined]
            # A dashed ring inside the outline: focus is seen even on a selected cell.
            painter.setPen(QPen(QColor(FOCUS_RING), 2, Qt.PenStyle.DashLine))
            painter.drawRect(rect.adjusted(4, 4, -4, -4))
        painter.restore()

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        content = index.data(CELL_ROLE)
        if not isinstance(content, CellContent):
            return super().sizeHint(option, index)
        metrics = measure_for(option.font)  # type: ignore[attr-defined]
        width = max(option.rect.width(), 150)  # type: ignore[attr-defined]
        return QSize(width, cell_height(width, content, metrics))
