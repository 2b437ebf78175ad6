"""The provision map as a snapshot: provisions × year groups for one period.

These are the plain records the grid, the PDF and the spreadsheet all draw from, with
no lazy loads behind them (``map_building.build_map`` makes them). Rows are
provisions, ordered by area of need, then wave, then name; columns are the school's
year groups.

A group counts in the period when its dates overlap it; a member counts when their
membership overlaps it. Adult hours per week of a group are
``sessions_per_week × session_minutes / 60`` (the group's own values, else the
provision's). Costs are not worked out here: each row has a ``cost_per_pupil`` slot
that the caller fills from the cost engine.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..models.vocab import AREA_LABELS, AreaOfNeed
from .formatting import format_date

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
#: The column key for groups with neither a year group nor a class in one.
NO_YEAR_GROUP: None = None


def _frozen(values: Iterable[Any] | None) -> frozenset[Any]:
    """The values as a frozen set; none gives an empty one."""
    return frozenset(values or ())


@dataclass(frozen=True)
class MapFilters:
    """What to show. An empty set means "no filter" on that heading.

    ``areas`` and ``waves`` choose provision rows; ``staff_ids`` chooses groups;
    ``sen_statuses`` and ``class_ids`` choose members, and a group left with no
    member of the chosen kind is hidden (unless the group itself is for a chosen class).
    Archived pupils are left out unless ``include_archived``.
    """

    areas: frozenset[str] = frozenset()
    waves: frozenset[int] = frozenset()
    sen_statuses: frozenset[str] = frozenset()
    class_ids: frozenset[int] = frozenset()
    staff_ids: frozenset[int] = frozenset()
    include_archived: bool = False

    def __post_init__(self) -> None:
        """Hold each filter as a frozen set."""
        # Accept lists or tuples from callers but keep the dataclass hashable.
        for name in ("areas", "waves", "sen_statuses", "class_ids", "staff_ids"):
            object.__setattr__(self, name, _frozen(getattr(self, name)))

    @property
    def filters_members(self) -> bool:
        """Whether a filter chooses members (SEN status or class)."""
        return bool(self.sen_statuses or self.class_ids)


@dataclass(frozen=True)
class PupilInfo:
    """A pupil in one of the map's groups."""

    id: int
    upn: str
    display_name: str
    surname: str
    forename: str
    year_group_id: int | None
    class_id: int | None
    sen_status: str

    @property
    def sort_key(self) -> tuple[str, str]:
        """Surname, then forename, without regard to case."""
        return (self.surname.casefold(), self.forename.casefold())


@dataclass(frozen=True)
class MemberInfo:
    """One membership of a group that overlaps the period."""

    membership_id: int
    pupil_id: int
    display_name: str
    join_date: dt.date
    leave_date: dt.date | None


@dataclass
class GroupInfo:
    """A group running in the period, with its members in the period."""

    id: int
    provision_id: int
    year_group_id: int | None
    class_id: int | None
    name: str
    staff_id: int | None
    staff_name: str
    slot_text: str
    start_date: dt.date
    end_date: dt.date
    sessions_per_week: int
    session_minutes: int
    max_size: int
    members: list[MemberInfo] = field(default_factory=list)

    @property
    def adult_minutes_per_week(self) -> int:
        """Minutes of adult time a week: sessions times minutes."""
        return self.sessions_per_week * self.session_minutes

    @property
    def pupil_ids(self) -> set[int]:
        """The ids of the group's members."""
        return {m.pupil_id for m in self.members}

    def joined_late(self, member: MemberInfo, period_start: dt.date) -> bool:
        """Whether the pupil joined after the group started, inside the period.

        A pupil who was there from the group's first day needs no date beside their
        name, however late in the period the group began.
        """
        return member.join_date > max(self.start_date, period_start)

    def left_early(self, member: MemberInfo, period_end: dt.date) -> bool:
        """Whether the pupil's allocation ends before the group does, inside the period."""
        return member.leave_date is not None and member.leave_date < min(self.end_date, period_end)

    def has_ended(self, member: MemberInfo, period_end: dt.date, today: dt.date) -> bool:
        """Whether the pupil has left the group for good by ``today``, before it ended.

        Their history stays on the map of the period; it is shown as ended.
        """
        return (
            self.left_early(member, period_end)
            and member.leave_date is not None
            and member.leave_date <= today
        )

    def end_note(self, member: MemberInfo, period_end: dt.date, today: dt.date) -> str:
        """``ended 23/11/2026`` for a pupil who has left before the group ended,
        ``until 11/12/2026`` for one who will; empty for one who stays to the end."""
        if member.leave_date is None or not self.left_early(member, period_end):
            return ""
        word = "ended" if member.leave_date <= today else "until"
        return f"{word} {format_date(member.leave_date)}"

    def current_members(self, period_end: dt.date, today: dt.date) -> list[MemberInfo]:
        """The members who have not left the group by ``today``."""
        return [m for m in self.members if not self.has_ended(m, period_end, today)]

    def label(self, provision_name: str, column_name: str = "") -> str:
        """The group's name when it tells the reader more than its row and column do.

        Empty for an unnamed group, or one named after its provision, optionally with
        its year group ("Phonics catch-up", "Phonics catch-up – Year 2"); otherwise the
        name as the school wrote it ("Springboard 4", "Incredible Years").
        """
        name = _plain(self.name)
        if not name or name in {
            _plain(provision_name),
            _plain(f"{provision_name} {column_name}"),
        }:
            return ""
        return self.name.strip()


def _plain(text: str) -> str:
    """Letters and digits only, folded: how two names are compared for sameness."""
    return "".join(ch for ch in text.casefold() if ch.isalnum())


@dataclass(frozen=True)
class MapTotals:
    """Distinct pupils and adult time per week over some groups."""

    pupils: int = 0
    adult_minutes_per_week: int = 0

    @property
    def adult_hours_per_week(self) -> Decimal:
        """Adult time a week in hours."""
        return Decimal(self.adult_minutes_per_week) / 60


def _totals(groups: Iterable[GroupInfo]) -> MapTotals:
    """Distinct pupils and adult minutes a week over the groups."""
    pupils: set[int] = set()
    minutes = 0
    for group in groups:
        pupils |= group.pupil_ids
        minutes += group.adult_minutes_per_week
    return MapTotals(len(pupils), minutes)


@dataclass
class MapRow:
    """A provision: its header facts and its cells keyed by year group id."""

    provision_id: int
    name: str
    area: str
    wave: int
    retired: bool
    session_minutes: int
    sessions_per_week: int
    group_size: int
    suitable_year_group_ids: frozenset[int]
    cells: dict[int | None, list[GroupInfo]] = field(default_factory=dict)
    #: Filled by the caller from the cost engine; None until then.
    cost_per_pupil: Decimal | None = None

    @property
    def frequency_text(self) -> str:
        """``3×10 min``: sessions a week × minutes a session."""
        return f"{self.sessions_per_week}×{self.session_minutes} min"

    @property
    def area_label(self) -> str:
        """The area of need as the school reads it."""
        return AREA_LABELS.get(AreaOfNeed(self.area), self.area)

    def groups(self) -> list[GroupInfo]:
        """Every group in the row, cell by cell."""
        return [g for cell in self.cells.values() for g in cell]

    @property
    def totals(self) -> MapTotals:
        """The row's distinct pupils and adult time."""
        return _totals(self.groups())


@dataclass(frozen=True)
class YearGroupColumn:
    """A column of the map: a year group, or no year group."""

    id: int | None
    name: str
    sort_order: int


@dataclass
class MapSnapshot:
    """The map of one period, ready to show, print or export."""

    academic_year_id: int
    academic_year_label: str
    term_name: str | None
    period_start: dt.date
    period_end: dt.date
    filters: MapFilters
    columns: list[YearGroupColumn]
    rows: list[MapRow]
    pupils: dict[int, PupilInfo]
    groups: dict[int, GroupInfo]

    @property
    def period_text(self) -> str:
        """The period in words: the term and the year, or the year alone."""
        term = f"{self.term_name} term " if self.term_name else ""
        return f"{term}{self.academic_year_label}"

    def row(self, provision_id: int) -> MapRow | None:
        """The provision's row, if the map shows it."""
        return next((r for r in self.rows if r.provision_id == provision_id), None)

    def cell(self, provision_id: int, year_group_id: int | None) -> list[GroupInfo]:
        """The groups of one provision in one column."""
        row = self.row(provision_id)
        return row.cells.get(year_group_id, []) if row else []

    def sections(self) -> list[tuple[str, list[tuple[int, list[MapRow]]]]]:
        """Rows by area of need, then by wave: ``[(area, [(wave, rows)])]``."""
        out: list[tuple[str, list[tuple[int, list[MapRow]]]]] = []
        for row in self.rows:
            if not out or out[-1][0] != row.area:
                out.append((row.area, []))
            waves = out[-1][1]
            if not waves or waves[-1][0] != row.wave:
                waves.append((row.wave, []))
            waves[-1][1].append(row)
        return out

    def column_totals(self, year_group_id: int | None) -> MapTotals:
        """Distinct pupils and adult time in one column."""
        return _totals(g for row in self.rows for g in row.cells.get(year_group_id, []))

    @property
    def grand_totals(self) -> MapTotals:
        """Distinct pupils and adult time over the whole map."""
        return _totals(self.groups.values())


def slot_text(slots: Iterable[tuple[int, dt.time | None]]) -> str:
    """``Tue, Thu 09:10`` when the slots share a time, else ``Mon 09:00, Wed 13:15``."""
    ordered = sorted(slots, key=lambda s: (s[0], s[1] or dt.time()))
    if not ordered:
        return ""
    times = {t for _, t in ordered}
    if len(times) == 1:
        days = ", ".join(dict.fromkeys(WEEKDAYS[d] for d, _ in ordered))
        (time,) = times
        return f"{days} {time:%H:%M}" if time else days
    return ", ".join(WEEKDAYS[d] + (f" {t:%H:%M}" if t else "") for d, t in ordered)
