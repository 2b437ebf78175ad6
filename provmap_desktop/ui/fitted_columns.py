"""Table columns as wide as their widest text, measured once per set of rows.

A header in ``ResizeToContents`` mode asks the view for each column's size hint
whenever the layout moves, and each hint asks the model for every role of every cell
(up to a thousand rows) and lays its text out. Opening the Costs screen on a large
school did that about 30,000 times before its first paint.

``fit_columns`` measures each distinct text of a column once with the view's font and
sets the column to the widest, plus the margins Qt's own item delegate adds, or to the
heading's own size if that is wider. The columns are ``Interactive``: the user may
still drag them wider. ``keep_columns_fitted`` fits them again whenever the model's
rows change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from math import ceil
from typing import Any

from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QHeaderView, QStyle, QTableView

#: The texts shown in a column of the view's model, by column number.
ColumnTexts = Callable[[int], Iterable[str]]


def text_margin(view: QTableView) -> int:
    """The width Qt's item delegate adds to a cell's text, left and right together."""
    frame = view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view)
    return 2 * (frame + 1)


def cell_margin(view: QTableView) -> int:
    """The width a column needs beyond its widest text: the delegate's and the grid's."""
    return text_margin(view) + (1 if view.showGrid() else 0)


def column_width(
    view: QTableView, column: int, texts: Iterable[str], measured: dict[str, int] | None = None
) -> int:
    """The width ``column`` needs for the widest of ``texts`` and for its heading.

    ``measured`` keeps each text's width between calls, so a text shown in many cells
    or columns is measured once.
    """
    metrics = QFontMetricsF(view.font())
    widths = {} if measured is None else measured
    widest = 0
    for text in texts:
        width = widths.get(text)
        if width is None:
            # Qt lays a cell's text out in fractions of a pixel and rounds up.
            width = widths[text] = ceil(metrics.horizontalAdvance(text))
        widest = max(widest, width)
    header = view.horizontalHeader()
    return max(widest + cell_margin(view), header.sectionSizeHint(column))


def fit_columns(view: QTableView, texts: ColumnTexts) -> None:
    """Set each column that does not stretch to its widest text or its heading.

    A column left to fit its contents (``ResizeToContents``) is made ``Interactive``
    first, so that Qt does not measure it again its own way.
    """
    model = view.model()
    if model is None:
        return
    header = view.horizontalHeader()
    measured: dict[str, int] = {}
    for column in range(model.columnCount()):
        mode = header.sectionResizeMode(column)
        if mode == QHeaderView.ResizeMode.Stretch:
            continue
        if mode == QHeaderView.ResizeMode.ResizeToContents:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(column, column_width(view, column, texts(column), measured))


def keep_columns_fitted(view: QTableView, texts: ColumnTexts) -> None:
    """Fit the columns now, and again whenever the model is reset, laid out again or
    given rows."""
    model = view.model()

    def refit(*_args: Any) -> None:
        fit_columns(view, texts)

    for signal in (model.modelReset, model.layoutChanged, model.rowsInserted):
        signal.connect(refit)
    refit()
