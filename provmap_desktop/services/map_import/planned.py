"""What a map import plan holds: planned provisions and groups, names it could not place.

``plan.build_plan`` makes a ``MapPlan`` from what was read; the preview shows it and
``apply`` writes it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from . import words
from .grid import Place
from .layout import Unread


@dataclass
class PlannedProvision:
    """A provision the plan uses: the catalogue's entry, or a new one and its details."""

    key: str
    name: str
    place: Place
    existing_id: int | None
    area: str
    wave: int
    frequency: words.Frequency | None
    weeks: int | None
    cost: Decimal | None
    group_size: int
    role_id: int | None
    existing_sessions: int | None = None
    existing_minutes: int | None = None

    @property
    def is_new(self) -> bool:
        """True when the catalogue has no such provision yet."""
        return self.existing_id is None


@dataclass
class NameProblem:
    """A name that matched no pupil, or several; never guessed."""

    name: str
    place: Place
    provision: str
    year_group: str
    year_group_id: int | None
    candidates: list[str]
    group_index: int


@dataclass
class PlannedGroup:
    """A group the plan fills: a running group, or a new one, and the pupils it gains."""

    provision_key: str
    provision: str
    year_group_id: int | None
    year_group: str
    class_id: int | None
    label: str
    place: Place
    existing_group_id: int | None = None
    existing_name: str = ""
    staff_id: int | None = None
    pupil_ids: list[int] = field(default_factory=list)
    pupil_names: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)

    @property
    def name_shown(self) -> str:
        """The group's name as the preview shows it."""
        return self.existing_name or self.label or "(a new group)"


@dataclass
class MapPlan:
    """Everything an import of a map would do, and every name or cell it cannot place."""

    source: str
    academic_year_id: int
    year_label: str
    term_name: str | None
    period_start: dt.date
    period_end: dt.date
    layouts: list[str]
    provisions: list[PlannedProvision]
    groups: list[PlannedGroup]
    unmatched: list[NameProblem]
    ambiguous: list[NameProblem]
    unread: list[Unread]
    notes: list[str]

    @property
    def allocation_count(self) -> int:
        """How many pupils the plan would allocate."""
        return sum(len(g.pupil_ids) for g in self.groups)

    @property
    def new_provisions(self) -> list[PlannedProvision]:
        """The provisions the plan would add to the catalogue."""
        return [p for p in self.provisions if p.is_new]

    @property
    def period_text(self) -> str:
        """The term and year (or the year) the map is for."""
        return f"{self.term_name} term {self.year_label}" if self.term_name else self.year_label

    @property
    def has_work(self) -> bool:
        """True when applying the plan would change anything."""
        return bool(self.allocation_count or self.unmatched or self.new_provisions)
