"""Headings that stay on the same page as what follows them.

A heading at the foot of a page with its table on the next reads badly. Before a
story is built, ``keep_headings_with_next`` joins every heading to the flowable
after it, so the two are placed together while a long table can still run on.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.platypus import Flowable, Paragraph
from reportlab.platypus.doctemplate import ActionFlowable

from .plain_text import PlainText

#: Paragraph styles that head what follows them (ours and the evidence pack's).
HEADING_STYLES = frozenset({"title", "heading", "subheading", "h1", "h2", "h3"})


def is_heading(flowable: object) -> bool:
    """A paragraph in a heading style, or one whose style asks to keep with the next."""
    style = getattr(flowable, "style", None)
    if not isinstance(flowable, Paragraph | PlainText) or style is None:
        return False
    return style.name in HEADING_STYLES or bool(getattr(style, "keepWithNext", 0))


class HeadingWithNext(Flowable):
    """A heading and (the start of) what follows it, always on the same page.

    When what follows can split (a long table, a list of names), the heading goes with
    its first part and the rest runs on; when not even a first part fits below the
    heading, both move to the next page. Unlike ReportLab's ``keepWithNext``, a long
    table after a heading does not force a new page.
    """

    def __init__(self, heading: Flowable, following: Flowable) -> None:
        super().__init__()
        self.heading = heading
        self.following = following
        self._head_height = 0.0
        self._follow_size = (0.0, 0.0)

    def getSpaceBefore(self) -> float:
        """The heading's space before."""
        return float(self.heading.getSpaceBefore())

    def getSpaceAfter(self) -> float:
        """The space after what follows the heading."""
        return float(self.following.getSpaceAfter())

    def _gap(self) -> float:
        """The space between the heading and what follows it."""
        return float(self.heading.getSpaceAfter()) + float(self.following.getSpaceBefore())

    def _wrap_part(self, part: Flowable, width: float, height: float) -> tuple[float, float]:
        """Lay out one part in the space given; return its width and height."""
        canvas = getattr(self, "canv", None)
        if canvas is None:
            return part.wrap(width, height)  # type: ignore[no-any-return]
        return part.wrapOn(canvas, width, height)  # type: ignore[no-any-return]

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        """Lay out the heading and what follows in the space given."""
        _, head = self._wrap_part(self.heading, avail_width, avail_height)
        self._head_height = head
        room = max(avail_height - head - self._gap(), 0.0)
        self._follow_size = self._wrap_part(self.following, avail_width, room)
        self.width = avail_width
        self.height = head + self._gap() + self._follow_size[1]
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        """The heading with the first part of what follows, then the rest; or nothing."""
        _, head = self._wrap_part(self.heading, avail_width, avail_height)
        room = avail_height - head - self._gap()
        if room <= 0:
            return []
        canvas = getattr(self, "canv", None)
        if canvas is None:
            parts = self.following.split(avail_width, room)
        else:
            parts = self.following.splitOn(canvas, avail_width, room)
        if len(parts) >= 2 and isinstance(parts[0], ActionFlowable):
            # What follows breaks the page first (a KeepTogether too tall for the
            # space left): the heading goes over with it.
            return [parts[0], HeadingWithNext(self.heading, parts[1]), *parts[2:]]
        if len(parts) < 2 or self._wrap_part(parts[0], avail_width, room)[1] > room:
            return []  # nothing of what follows fits here: move both on
        return [HeadingWithNext(self.heading, parts[0]), *parts[1:]]

    def draw(self) -> None:
        """Draw the heading above what follows, aligned as that asks."""
        self.heading.drawOn(self.canv, 0, self.height - self._head_height)
        width = self._follow_size[0]
        align = getattr(self.following, "hAlign", "LEFT")
        x = 0.0
        if align in ("CENTER", "CENTRE"):
            x = (self.width - width) / 2
        elif align == "RIGHT":
            x = self.width - width
        self.following.drawOn(self.canv, x, 0)


def keep_headings_with_next(story: Sequence[Flowable]) -> list[Flowable]:
    """The story with every heading joined to the flowable after it (see above).

    Headings in a row (a heading, then a subheading, then a table) nest, so all of
    them stay with the table. A heading before a page break is left as it is.
    """
    out: list[Flowable] = []
    for flowable in reversed(story):
        following = out[0] if out else None
        if (
            is_heading(flowable)
            and following is not None
            and not isinstance(following, ActionFlowable)
        ):
            out[0] = HeadingWithNext(flowable, following)
        else:
            out.insert(0, flowable)
    return out
