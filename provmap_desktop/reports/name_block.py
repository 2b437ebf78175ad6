"""Short lines of names drawn straight onto the page, for the map's crowded cells.

A cell of the whole-school map can hold dozens of names. Rather than a paragraph per
name, a ``NameBlock`` measures each piece of text once, runs pieces on a line
separated by commas while they fit, moves a piece that does not fit to the next line
whole, and splits between lines when a table row runs over a page. No text is
smaller than 8 pt.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

from .page import FONT

TEXT_SIZE = 8.0
LEADING = 9.6

#: One piece of text on a line: (x from the block's left, text, font).
Run = tuple[float, str, str]


@lru_cache(maxsize=65536)
def text_width(text: str, font: str = FONT, size: float = TEXT_SIZE) -> float:
    """The printed width of ``text``, measured once per text, font and size."""
    return stringWidth(text, font, size)


@dataclass(frozen=True)
class Piece:
    """A unit that is never split across lines unless it alone is too wide.

    ``parts`` are (text, font) drawn one after another: a name and its note, or a
    staff name and the slot.
    """

    parts: tuple[tuple[str, str], ...]
    #: Drawn before the piece when it follows another on the same line.
    sep: str = ", "

    @cached_property
    def width(self) -> float:
        """The printed width of all the piece's parts (measured once per piece)."""
        return sum(text_width(text, font) for text, font in self.parts)


def _break_words(piece: Piece, width: float) -> list[Piece]:
    """A piece too wide for a line, broken at its spaces into pieces that fit."""
    out: list[Piece] = []
    current: list[tuple[str, str]] = []
    used = 0.0
    for text, font in piece.parts:
        for i, word in enumerate(text.split(" ")):
            chunk = word if i == 0 or not current else " " + word
            if not word:
                continue
            w = text_width(chunk, font)
            if current and used + w > width:
                out.append(Piece(tuple(current)))
                current, used = [], 0.0
                chunk = word
                w = text_width(chunk, font)
            current.append((chunk, font))
            used += w
    if current:
        out.append(Piece(tuple(current)))
    return out


def layout_lines(lines_of_pieces: list[list[Piece]], width: float) -> list[list[Run]]:
    """Lay pieces out in lines of ``width`` points.

    Each inner list starts a new line; within it, pieces run on separated by ", "
    while they fit, and a piece that does not fit starts the next line whole. A piece
    wider than a whole line is broken at its spaces.
    """
    out: list[list[Run]] = []
    for pieces in lines_of_pieces:
        line: list[Run] = []
        x = 0.0
        for piece in pieces:
            parts = [piece] if piece.width <= width else _break_words(piece, width)
            sep_width = text_width(piece.sep)
            for k, part in enumerate(parts):
                if line and (k > 0 or x + sep_width + part.width > width):
                    out.append(line)
                    line, x = [], 0.0
                if line:
                    line.append((x, piece.sep, FONT))
                    x += sep_width
                x = _place(line, x, part)
        out.append(line)
    return out


def _place(line: list[Run], x: float, piece: Piece) -> float:
    """Add a piece's texts to the line from x; return where the line now ends."""
    for text, font in piece.parts:
        line.append((x, text, font))
        x += text_width(text, font)
    return x


class NameBlock(Flowable):
    """A block of short lines of text drawn directly, measured once per width.

    ``lines_of_pieces`` is laid out for the width the table gives the cell; the block
    splits between lines when a row runs over a page.
    """

    def __init__(
        self, lines_of_pieces: list[list[Piece]], laid_out: list[list[Run]] | None = None
    ) -> None:
        super().__init__()
        self.lines_of_pieces = lines_of_pieces
        #: A part split off at a page break keeps the lines it was given.
        self._fixed = laid_out is not None
        self._laid_out: list[list[Run]] = laid_out or []
        self._laid_width = -1.0

    def _lines(self, width: float) -> list[list[Run]]:
        """The block's lines laid out for width, laid out again only when it changes."""
        if not self._fixed and abs(self._laid_width - width) > 0.01:
            self._laid_out = layout_lines(self.lines_of_pieces, width)
            self._laid_width = width
        return self._laid_out

    def wrap(self, avail_width: float, _avail_height: float) -> tuple[float, float]:
        """Lay the lines out for the width given; the height is one leading a line."""
        lines = self._lines(avail_width)
        self.width = avail_width
        self.height = len(lines) * LEADING
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        """Split between lines at the space left, or nothing if none or all fit."""
        lines = self._lines(avail_width)
        fit = int(avail_height // LEADING)
        if fit <= 0 or fit >= len(lines):
            return []
        return [NameBlock([], lines[:fit]), NameBlock([], lines[fit:])]

    def draw(self) -> None:
        """Draw the lines as one text object, changing font only when needed."""
        canvas = self.canv
        text = canvas.beginText()
        font = ""
        y = self.height - TEXT_SIZE
        for line in self._laid_out:
            for x, chunk, chunk_font in line:
                if chunk_font != font:
                    text.setFont(chunk_font, TEXT_SIZE)
                    font = chunk_font
                text.setTextOrigin(x, y)
                text.textOut(chunk)
            y -= LEADING
        canvas.drawText(text)
