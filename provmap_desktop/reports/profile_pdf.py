"""The one-page profile as a PDF, for one pupil or a batch (a class, a year group, the
SEN register), clean enough to hand to a parent.

Each profile starts on its own page: the pupil's name, year group and class; the three
one-page profile sections (what people like and admire about me, what is important to
me, how best to support me); strengths and needs; strategies that work; the pupil's own
voice and their parents' or carers' views; agencies involved; and the provision the
pupil receives now. Every section is a one-column table, so a long answer wraps and,
if it must, carries on to the next page under its heading repeated, never clipped; the
pupil's name is printed on every page of their profile.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Spacer,
)
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from ..models import GroupMembership, ProvisionGroup, Pupil, SchoolSettings
from ..models.vocab import AREA_LABELS, NEED_TYPES, AreaOfNeed, SenStatus
from ..services.formatting import format_date
from . import base, page

TITLE = "One-page profile"
CONFIDENTIAL = "Confidential: about a child. Please keep it safe."
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
#: (profile column, heading as the pupil would say it); pairs share a row.
SECTIONS: tuple[tuple[tuple[str, str], ...], ...] = (
    (("like_and_admire", "What people like and admire about me"),),
    (("important_to_me", "What is important to me"),),
    (("how_to_support", "How best to support me"),),
    (("strengths", "My strengths"), ("needs", "My needs")),
    (("strategies", "Strategies that work for me"),),
    (("pupil_voice", "My voice"), ("parent_views", "My parents' / carers' views")),
    (("external_agencies", "Agencies involved"),),
)
_EMPTY = ParagraphStyle("empty", parent=base.STYLES["body"], textColor=colors.HexColor("#666666"))
_NAME = ParagraphStyle("pupil_name", parent=base.STYLES["title"], fontSize=18, leading=22)
_HEADING = ParagraphStyle("section", parent=base.STYLES["header_cell"], fontSize=10, leading=12.5)
_SECTION_FILL = colors.HexColor("#eef3ea")


class PupilMark(Flowable):
    """Takes no space; tells the page decoration whose profile this page belongs to."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def wrap(self, _avail_width: float, _avail_height: float) -> tuple[float, float]:
        """Take no room on the page."""
        return 0, 0

    def draw(self) -> None:
        """Leave the pupil's name on the canvas for the page decoration."""
        self.canv.provmap_pupil = self.text  # type: ignore[attr-defined]


def _lines(text: str | None) -> list[Flowable]:
    """One paragraph per line so a long answer can break between any two lines."""
    if not text or not text.strip():
        return [base.para("Not recorded yet.", _EMPTY)]
    return [base.para(line, "body") for line in text.strip().split("\n") if line.strip()] or [
        base.para("", "body")
    ]


def _describe(pupil: Pupil) -> str:
    """The pupil's year group, class and date of birth, as one line."""
    parts = [
        pupil.year_group.name if pupil.year_group else "No year group",
        f"Class {pupil.school_class.name}" if pupil.school_class else "",
        f"Born {format_date(pupil.date_of_birth)}" if pupil.date_of_birth else "",
    ]
    return " · ".join(p for p in parts if p)


def _sen_line(pupil: Pupil) -> str:
    """The pupil's SEN status with their primary and secondary needs."""
    status = SenStatus(pupil.sen_status).label
    needs = [
        f"{code}: {NEED_TYPES.get(code, code)}"
        for code in (pupil.primary_need, pupil.secondary_need)
        if code
    ]
    return status + (f" ({'; '.join(needs)})" if needs else "")


def _slots(group: ProvisionGroup) -> str:
    """The group's weekly slots: weekday and start time."""
    times = [
        WEEKDAYS[slot.weekday] + (f" {slot.start_time:%H:%M}" if slot.start_time else "")
        for slot in group.slots
    ]
    return ", ".join(times)


def frequency(group: ProvisionGroup) -> str:
    """'2 × 30 min a week, 1:1' or '3 × 10 min a week, group of up to 4'."""
    size = group.effective_max_size
    who = "1:1" if size == 1 else f"group of up to {size}"
    return (
        f"{group.effective_sessions_per_week} × {group.effective_session_minutes} min a week, {who}"
    )


def current_memberships(session: Session, pupil: Pupil, today: dt.date) -> list[GroupMembership]:
    """The pupil's allocations running on ``today``, by provision name."""
    return current_memberships_of(session, [pupil.id], today).get(pupil.id, [])


def current_memberships_of(
    session: Session, pupil_ids: Sequence[int], today: dt.date
) -> dict[int, list[GroupMembership]]:
    """Each pupil's allocations running on ``today``, by provision name, in one query.

    The groups come with their provision, staff member and days, so a batch of
    profiles reads nothing more about them.
    """
    group = joinedload(GroupMembership.group)
    memberships = session.scalars(
        select(GroupMembership)
        .join(GroupMembership.group)
        .where(
            GroupMembership.pupil_id.in_(pupil_ids),
            ProvisionGroup.start_date <= today,
            ProvisionGroup.end_date >= today,
        )
        .options(
            group.joinedload(ProvisionGroup.provision),
            group.joinedload(ProvisionGroup.staff),
            group.selectinload(ProvisionGroup.slots),
        )
    ).all()
    found: dict[int, list[GroupMembership]] = {}
    for m in memberships:
        if m.is_current_on(today):
            found.setdefault(m.pupil_id, []).append(m)
    for running in found.values():
        running.sort(key=lambda m: (m.group.provision.name.casefold(), m.join_date))
    return found


def _load_details(session: Session, pupils: Sequence[Pupil]) -> None:
    """Read the pupils' profiles, year groups and classes in a few queries, not one each.

    The rows land on the pupil objects the caller holds.
    """
    ids = [p.id for p in pupils]
    session.scalars(
        select(Pupil)
        .where(Pupil.id.in_(ids))
        .options(
            selectinload(Pupil.profile),
            joinedload(Pupil.year_group),
            joinedload(Pupil.school_class),
        )
    ).all()


def _provision_table(
    memberships: Sequence[GroupMembership], today: dt.date, width: float
) -> Flowable:
    """The pupil's provision running today: support, staff, how often, dates."""
    if not memberships:
        return base.para(f"No provision is running for me on {format_date(today)}.", _EMPTY)
    rows = []
    for m in memberships:
        group = m.group
        area = AREA_LABELS[AreaOfNeed(group.provision.area)]
        rows.append(
            [
                [base.para(group.provision.name, "cell_bold"), base.para(area, "cell")],
                group.staff.name if group.staff else "",
                "\n".join(t for t in (frequency(group), _slots(group)) if t),
                f"{format_date(m.join_date)} to "
                f"{format_date(min(m.leave_date or group.end_date, group.end_date))}",
            ]
        )
    widths = [width * f for f in (0.34, 0.18, 0.28, 0.20)]
    return base.make_table(
        ["Support", "With", "How often", "Dates"],
        rows,
        widths,
        frame_height=page.frame_size()[1],
    )


def _section_table(pairs: tuple[tuple[str, str], ...], profile: Any, width: float) -> Flowable:
    """A shaded-header table of profile sections side by side, one column each."""
    header = [base.para(heading, _HEADING) for _field, heading in pairs]
    cells = [_lines(getattr(profile, field, "") if profile else "") for field, _ in pairs]
    table = base.small_table(
        header,
        [cells],
        [width / len(pairs)] * len(pairs),
        frame_height=page.frame_size()[1],
        extra_style=[
            ("BACKGROUND", (0, 0), (-1, 0), _SECTION_FILL),
            ("TOPPADDING", (0, 1), (-1, -1), 4),
            ("LEFTPADDING", (0, 0), (-1, -1), 5),
            ("RIGHTPADDING", (0, 0), (-1, -1), 5),
        ],
    )
    return table


def profile_story(
    session: Session,
    pupil: Pupil,
    *,
    today: dt.date | None = None,
    width: float | None = None,
    memberships: Sequence[GroupMembership] | None = None,
) -> list[Flowable]:
    """The flowables of one pupil's profile, starting with their name (no page break).

    ``width`` is the frame's width (A4 portrait by default); ``today`` decides which
    provision counts as current. A batch passes each pupil's ``memberships`` running
    today (``current_memberships_of``); otherwise they are read here.
    """
    day = today or dt.date.today()
    full = width or page.frame_size()[0]
    running = memberships if memberships is not None else current_memberships(session, pupil, day)
    profile = pupil.profile
    story: list[Flowable] = [
        PupilMark(pupil.display_name),
        base.para(pupil.display_name, _NAME),
        base.para(_describe(pupil), "body"),
        base.para(f"SEN: {_sen_line(pupil)}", "body"),
    ]
    updated = profile.updated_on if profile else None
    if updated:
        story.append(base.para(f"Profile last updated {format_date(updated)}", "small"))
    story.append(Spacer(0, 6))
    for pairs in SECTIONS:
        story.append(_section_table(pairs, profile, full))
        story.append(Spacer(0, 5))
    # The heading never ends a page without the table under it.
    story.append(
        KeepTogether(
            [
                base.para("The support I have now", "subheading"),
                _provision_table(running, day, full),
            ]
        )
    )
    return story


class ProfileDocument(page.ReportDocument):
    """The shared document, with the pupil's name under the title on every page."""

    def _template(self, name: str, size: tuple[float, float]) -> PageTemplate:
        """The shared page template, naming the pupil when each page is finished."""
        template = super()._template(name, size)
        # Drawn when the page is finished, so it names the pupil whose profile the
        # page holds, even on the first page of a new pupil in a batch.
        template.onPageEnd = self._name_pupil
        return template

    def _name_pupil(self, canvas: Canvas, _doc: BaseDocTemplate) -> None:
        """Print the name of the pupil whose profile the page holds under the title."""
        text = getattr(canvas, "provmap_pupil", "")
        if not text:
            return
        height = canvas._pagesize[1]
        canvas.saveState()
        canvas.setFont(page.FONT, 9.5)
        canvas.drawString(page.MARGIN, height - page.MARGIN - 25, text)
        canvas.restoreState()


def _school_name(session: Session) -> str:
    """The school's name from its settings."""
    return session.scalar(select(SchoolSettings.name)) or ""


def write_profile_pdf(
    session: Session,
    path: Path | str,
    pupils: Sequence[Pupil],
    *,
    today: dt.date | None = None,
) -> Path:
    """Write the profiles of ``pupils``, in the order given, each from a new page.

    The file appears whole or not at all. Raises ``ValueError`` for an empty batch.
    """
    if not pupils:
        raise ValueError("There are no pupils to print profiles for.")
    day = today or dt.date.today()
    info = page.ReportInfo(
        title=TITLE, school_name=_school_name(session), printed_on=day, footer_note=CONFIDENTIAL
    )

    def story(doc: page.ReportDocument) -> list[Flowable]:
        """Each pupil's profile from a new page, sized to the document's frame."""
        flowables: list[Flowable] = []
        _load_details(session, pupils)
        running = current_memberships_of(session, [p.id for p in pupils], day)
        for index, pupil in enumerate(pupils):
            if index:
                flowables.append(PageBreak())
            flowables += profile_story(
                session,
                pupil,
                today=day,
                width=doc.story_width,
                memberships=running.get(pupil.id, []),
            )
        return flowables

    return base.write_pdf(path, info, story, document_class=ProfileDocument)
