"""Plain text laid out like a paragraph, at a fraction of a ``Paragraph``'s cost.

Most text in our reports is plain: a name, a heading, a line of a pupil's profile. A
ReportLab ``Paragraph`` parses mark-up, and measures every word each time a table
lays it out; a report of 500 profiles made 15,000 of them. ``PlainText`` breaks the
same words at the same places (words measured once per font and size, the same rule
for when a line is full, the same slight squeeze of the spaces), draws each line as
a string, and splits between lines when a table row runs over a page. Anything
it does not do itself (a word too long for its line, indents, bullets, justified
text) it hands to a real ``Paragraph``, made only then.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph

from .markup import escape
from .quick_table import draw_string

#: A line: its words and how far it falls short of the width (negative: squeezed).
Line = tuple[list[str], float]


@lru_cache(maxsize=65536)
def word_width(word: str, font: str, size: float) -> float:
    """The printed width of ``word``, measured once per word, font and size."""
    return stringWidth(word, font, size)


def is_simple(style: ParagraphStyle) -> bool:
    """True for a style ``PlainText`` draws exactly as a ``Paragraph`` would."""
    return (
        style.alignment in (TA_LEFT, TA_RIGHT, TA_CENTER)
        and not (style.leftIndent or style.rightIndent or style.firstLineIndent)
        and style.backColor is None
        and not style.borderWidth
        and not style.wordWrap
        and not getattr(style, "autoLeading", "")
    )


def break_lines(text: str, style: ParagraphStyle, width: float) -> list[Line] | None:
    """``text``'s lines at ``width``, as ``Paragraph`` breaks them; None for a too-long word.

    The lines are shared by every text alike (a batch of profiles repeats its headings
    and "Not recorded yet." thousands of times): never change them.
    """
    return _lines_of(text, style.fontName, style.fontSize, style.spaceShrinkage or 0, width)


@lru_cache(maxsize=8192)
def _lines_of(
    text: str, font: str, size: float, shrinkage: float, width: float
) -> list[Line] | None:
    """``break_lines`` for a text, font, size, space shrinkage and width."""
    space = word_width(" ", font, size)
    shrink = space * shrinkage
    lines: list[Line] = []
    for segment in text.split("\n"):
        words: list[str] = []
        used = -space
        for word in segment.split():
            wide = word_width(word, font, size)
            grown = used + space + wide
            if words and grown > width + shrink * len(words):
                lines.append((words, width - used))
                words, grown = [], wide
            if grown > width + 1e-8 and not words:
                return None  # a Paragraph would split the word itself
            words.append(word)
            used = grown
        lines.append((words, width - used))
    return lines


class PlainText(Flowable):
    """A paragraph of plain text (line breaks kept) in one simple style."""

    #: ``QuickTable`` draws a cell of these itself, without ReportLab's measuring again.
    draws_lines_directly = True

    def __init__(self, text: str, style: ParagraphStyle, lines: list[Line] | None = None) -> None:
        super().__init__()
        self.text = text
        self.style = style
        self._lines = lines
        self._width = 0.0
        self._fallback: Paragraph | None = None

    def _paragraph(self) -> Paragraph:
        if self._fallback is None:
            markup = "<br/>".join(escape(line) for line in self.text.split("\n"))
            self._fallback = Paragraph(markup, self.style)
        return self._fallback

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        """Break the text into lines at ``avail_width``; its height is lines × leading."""
        if self._fallback is None and (self._lines is None or avail_width != self._width):
            self._lines = break_lines(self.text, self.style, avail_width)
            self._width = avail_width
        if self._lines is None:
            return self._paragraph().wrap(avail_width, avail_height)  # type: ignore[no-any-return]
        self.width, self.height = avail_width, len(self._lines) * self.style.leading
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        """The lines that fit in ``avail_height``, and the rest; nothing when none fit."""
        self.wrap(avail_width, avail_height)
        if self._lines is None:
            return self._paragraph().split(avail_width, avail_height)  # type: ignore[no-any-return]
        fit = int((avail_height + 1e-8) // self.style.leading)
        if fit <= 0 or fit >= len(self._lines):
            return [] if fit <= 0 else [self]
        first, rest = self._lines[:fit], self._lines[fit:]
        return [
            PlainText(_joined(first), self.style, first),
            PlainText(_joined(rest), self.style, rest),
        ]

    def minWidth(self) -> float:
        """The widest single word: no narrower column can hold the text."""
        widths = [
            word_width(w, self.style.fontName, self.style.fontSize) for w in self.text.split()
        ]
        return max(widths, default=0.0)

    def getPlainText(self) -> str:
        """The text as given."""
        return self.text

    def has_lines(self) -> bool:
        """True once laid out as lines this flowable draws itself (no ``Paragraph``)."""
        return self._lines is not None

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:  # noqa: N803 (ReportLab's names)
        """Draw the lines at (``x``, ``y``) straight onto the page.

        ReportLab's ``drawOn`` saves the canvas's state, moves its origin, draws and
        restores it again, for every flowable; a batch of profiles drew some 15,000
        texts that way. The lines land where they would, with the canvas's font and
        fill colour put back as they were. A text handed to a ``Paragraph`` is drawn
        the usual way.
        """
        if self._lines is None:
            super().drawOn(canvas, x, y, _sW)
            return
        self.draw_lines(canvas, self._hAlignAdjust(x, _sW), y)

    def draw(self) -> None:
        """Each line at the flowable's own origin (see ``drawOn``)."""
        if self._lines is None:
            self._paragraph().drawOn(self.canv, 0, 0)
            return
        self.draw_lines(self.canv, 0.0, 0.0)

    def draw_lines(self, canvas: Any, x: float, y: float, *, restore: bool = True) -> None:
        """Each line as a string, where and as a ``Paragraph`` puts it, from (x, y).

        A string per line keeps the text in the order a PDF reader extracts it from a
        paragraph. The canvas's font and fill colour are set back afterwards, unless
        ``restore`` is False: a table drawing many texts in a row sets its own before
        anything else that needs them (see ``SmallTable``).
        """
        assert self._lines is not None
        style = self.style
        font, size, leading = canvas._fontname, canvas._fontsize, canvas._leading
        fill = canvas._fillColorObj
        new_font = (style.fontName, style.fontSize) != (font, size)
        if new_font:
            canvas.setFont(style.fontName, style.fontSize)
        new_fill = style.textColor is not fill and style.textColor != fill
        if new_fill:
            canvas.setFillColor(style.textColor)
        top = y + self.height - style.fontSize
        for words, spare in self._lines:
            if words:
                _draw_line(canvas, style.alignment, x, top, words, spare)
            top -= style.leading
        if not restore:
            return
        if new_font or canvas._leading != leading:
            canvas.setFont(font, size, leading)
        if new_fill:
            canvas.setFillColor(fill)


def _joined(lines: list[Line]) -> str:
    return "\n".join(" ".join(words) for words, _spare in lines)


def _draw_line(
    canvas: Any, alignment: int, x: float, y: float, words: list[str], spare: float
) -> None:
    """One line placed by its alignment from ``x``; a line a little too long has its
    spaces squeezed and starts at the left edge, as ``Paragraph`` does."""
    text = " ".join(words)
    if spare < -1e-8 and len(words) > 1:
        canvas.drawString(x, y, text, wordSpace=spare / (len(words) - 1))
    elif alignment == TA_RIGHT:
        draw_string(canvas, x + spare, y, text)
    elif alignment == TA_CENTER:
        draw_string(canvas, x + spare / 2, y, text)
    else:
        draw_string(canvas, x, y, text)


def plain_text(text: str, style: ParagraphStyle) -> Flowable:
    """A ``PlainText`` for ``text`` in ``style``, or a ``Paragraph`` where one is needed."""
    awkward = not text.strip() or text != text.strip("\n") or "\xa0" in text
    if awkward or not is_simple(style):
        markup = "<br/>".join(escape(line) for line in text.split("\n"))
        return Paragraph(markup, style)
    return PlainText(text, style)
