"""The year-end rollover: the school moves on to the next academic year.

``preview`` says, before anything changes, what ``apply`` will do:

- **who moves up** a year group and **who leaves** (the school's last year group, and
  pupils whose leaving date falls before the new year) -- the rule of
  ``services.projection``; pupils already recorded as next year's intake stay as
  they are;
- **which groups** running in the year's last term carry on into the new year with
  their continuing pupils, and which end. Groups meeting a continuing pupil's EHC plan
  (a Section F item linked to the pupil's place in the group, or to its provision)
  carry on by default; the school chooses for every group;
- **the new year's terms**: those already set up, or this year's terms moved on by
  whole weeks so the autumn term starts on the day the school confirms;
- **classes**: ``keep`` keeps each class with its year group (pupils move to the
  class in the same place, by name order, in the next year group), ``move`` moves
  each class up with its pupils (the emptied class of the last year group takes the
  first year group, ready for the intake);
- **staff rates** carry over unchanged (they belong to the staff, not the year).

``apply`` makes all of it in the session as one piece of work and closes the old
year (``closed_years``): from then on the old year is read-only, and a second
rollover into the same year is refused. The caller takes an automatic copy first and
commits (``run`` does both).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import AcademicYear, Pupil, SchoolClass, Staff, YearGroup
from ..services.formatting import format_date, format_money
from ..services.projection import (
    ProjectedPupil,
    next_year_pupils,
    parse_year_label,
    previous_label,
)
from .change import DomainError
from .rollover_groups import GroupChoice, group_choices
from .rollover_terms import TermPlan, plan_terms

CLASS_CHOICES = ("keep", "move")


@dataclass(frozen=True)
class MovingUp:
    pupil: ProjectedPupil
    from_year_group: str


@dataclass(frozen=True)
class RolloverPreview:
    """What the rollover into ``to_label`` will do; nothing is changed by making it."""

    from_label: str
    to_label: str
    from_year_id: int
    autumn_start: dt.date
    classes: str
    moving_up: list[MovingUp]
    leavers: list[ProjectedPupil]
    intake: list[ProjectedPupil]
    groups: list[GroupChoice]
    terms: list[TermPlan]
    terms_already_set: bool
    class_moves: list[str]
    staff_rates: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def carried_by_default(self) -> set[int]:
        return {g.group_id for g in self.groups if g.carry_by_default}

    def lines(self, carry: set[int] | None = None, *, names: bool = True) -> list[str]:
        """The preview as plain lines, for the command line and the wizard's summary;
        without ``names``, the pupils and groups are counted, not listed."""
        carry = self.carried_by_default if carry is None else carry
        out = [f"Moving from {self.from_label} to {self.to_label}."]
        how = "already set up" if self.terms_already_set else "new"
        out.append(f"Terms of {self.to_label} ({how}):")
        out += [f"  {t.describe()}" for t in self.terms]
        out.append(f"Moving up a year group: {_pupils(len(self.moving_up))}.")
        if names:
            out += [
                f"  {m.pupil.name}: {m.from_year_group or 'no year group'} -> "
                f"{m.pupil.year_group_name or 'no year group'}"
                for m in self.moving_up
            ]
        out.append(f"Leaving and archived: {_pupils(len(self.leavers))}.")
        if names:
            out += [f"  {p.name} ({p.year_group_name or 'no year group'})" for p in self.leavers]
        out.append(f"Next year's intake (already recorded): {_pupils(len(self.intake))}.")
        if names:
            out += [f"  {p.name} joins {p.year_group_name or 'no year group'}" for p in self.intake]
        kept = [g for g in self.groups if g.group_id in carry]
        ended = [g for g in self.groups if g.group_id not in carry]
        out.append(f"Groups carrying on: {len(kept)}.")
        out += [f"  [{g.group_id}] {g.describe()}" for g in kept]
        out.append(f"Groups ending with {self.from_label}: {len(ended)}.")
        if names:
            out += [f"  [{g.group_id}] {g.describe()}" for g in ended]
        out.append(
            "Classes: "
            + (
                "move up with their pupils."
                if self.classes == "move"
                else "stay with their year group."
            )
        )
        out += [f"  {line}" for line in self.class_moves]
        out.append(f"Staff rates carried over: {len(self.staff_rates)}.")
        out += [f"  {name} ({role}): {rate} an hour" for name, role, rate in self.staff_rates]
        return out


def _pupils(count: int) -> str:
    return f"{count} {'pupil' if count == 1 else 'pupils'}"


def from_year_for(session: Session, to_label: str) -> AcademicYear:
    """The year the school moves on from; ``DomainError`` when it cannot move."""
    try:
        parse_year_label(to_label)
    except ValueError as exc:
        raise DomainError(str(exc)) from exc
    before = previous_label(to_label)
    target = session.scalar(select(AcademicYear).where(AcademicYear.label == to_label))
    year = session.scalar(select(AcademicYear).where(AcademicYear.label == before))
    if year is None:
        raise DomainError(
            f"The school has no academic year {before} to move on from into {to_label}."
        )
    if year.closed_on is not None or (target is not None and target.closed_on is not None):
        raise DomainError(
            f"The school has already moved on from {before} into {to_label} (on "
            f"{format_date(year.closed_on)}). A year is started only once; to do it again, "
            "restore the copy taken before it (File > Restore)."
        )
    later_closed = session.scalar(
        select(AcademicYear.label).where(
            AcademicYear.start_date > year.start_date, AcademicYear.closed_on.is_not(None)
        )
    )
    if later_closed is not None:
        raise DomainError(f"{later_closed} is already closed, so {before} cannot be moved on.")
    return year


def _check_classes(classes: str) -> str:
    if classes not in CLASS_CHOICES:
        raise DomainError("Classes either stay with their year group (keep) or move up (move).")
    return classes


def preview(
    session: Session,
    to_label: str,
    *,
    autumn_start: dt.date | None = None,
    classes: str = "keep",
) -> RolloverPreview:
    """What rolling over into ``to_label`` will do (see the module's rules)."""
    year = from_year_for(session, to_label)
    classes = _check_classes(classes)
    terms, already, autumn = plan_terms(session, year, to_label, autumn_start)
    projection = next_year_pupils(session, to_label)
    names: dict[int | None, str] = {
        row[0]: row[1] for row in session.execute(select(YearGroup.id, YearGroup.name))
    }
    now = _current_year_groups(session, [p.pupil_id for p in projection.moving_up])
    moving = [MovingUp(p, names.get(now.get(p.pupil_id), "")) for p in projection.moving_up]
    return RolloverPreview(
        from_label=year.label,
        to_label=to_label,
        from_year_id=year.id,
        autumn_start=autumn,
        classes=classes,
        moving_up=moving,
        leavers=projection.leavers,
        intake=projection.intake,
        groups=group_choices(session, year, projection),
        terms=terms,
        terms_already_set=already,
        class_moves=class_moves(session, classes),
        staff_rates=_staff_rates(session),
    )


def _current_year_groups(session: Session, pupil_ids: list[int]) -> dict[int, int | None]:
    rows = session.execute(select(Pupil.id, Pupil.year_group_id).where(Pupil.id.in_(pupil_ids)))
    return {row[0]: row[1] for row in rows}


def class_plan(session: Session, classes: str) -> dict[int, int | None]:
    """``keep``: each class id -> the class its pupils move to (None for no class);
    ``move``: each class id -> the year group it moves to."""
    groups = list(session.scalars(select(YearGroup).order_by(YearGroup.sort_order)))
    following = {
        g.id: (groups[i + 1].id if i + 1 < len(groups) else None) for i, g in enumerate(groups)
    }
    by_year: dict[int | None, list[SchoolClass]] = {}
    for school_class in session.scalars(select(SchoolClass).order_by(SchoolClass.name)):
        by_year.setdefault(school_class.year_group_id, []).append(school_class)
    plan: dict[int, int | None] = {}
    for year_group_id, members in by_year.items():
        after = following.get(year_group_id) if year_group_id is not None else None
        for place, school_class in enumerate(members):
            if classes == "move":
                first = groups[0].id if groups else None
                plan[school_class.id] = after if after is not None else first
                if year_group_id is None:
                    plan[school_class.id] = None
            else:
                targets = by_year.get(after, []) if after is not None else []
                plan[school_class.id] = (
                    targets[min(place, len(targets) - 1)].id if targets else None
                )
    return plan


def class_moves(session: Session, classes: str) -> list[str]:
    """The class plan in words, one line a class."""
    plan = class_plan(session, classes)
    names = dict(session.execute(select(SchoolClass.id, SchoolClass.name)).all())
    years = dict(session.execute(select(YearGroup.id, YearGroup.name)).all())
    lines = []
    for class_id, target in plan.items():
        if classes == "move":
            where = years.get(target, "no year group") if target is not None else "no year group"
            lines.append(f"{names[class_id]} becomes a {where} class")
        elif target is not None:
            lines.append(f"{names[class_id]}'s pupils move to {names[target]}")
        else:
            lines.append(f"{names[class_id]}'s pupils leave or have no class next year")
    return lines


def _staff_rates(session: Session) -> list[tuple[str, str, str]]:
    rows = session.scalars(select(Staff).where(Staff.active.is_(True)).order_by(Staff.name))
    return [(s.name, s.role.name, format_money(s.hourly_cost)) for s in rows]


def run(
    session: Session,
    to_label: str,
    *,
    today: dt.date,
    database_path: Path | None,
    autumn_start: dt.date | None = None,
    classes: str = "keep",
    carry: set[int] | None = None,
) -> RolloverDone:
    """Take the automatic copy, make the rollover and commit it, all or nothing."""
    from ..storage.autobackup import take_copy
    from .rollover_apply import apply

    checked = preview(session, to_label, autumn_start=autumn_start, classes=classes)
    copy = take_copy(database_path, "before-year-end") if database_path is not None else None
    try:
        done = apply(session, checked, today=today, carry=carry)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return RolloverDone(done.to_year_id, done.counts, copy)


@dataclass(frozen=True)
class RolloverDone:
    to_year_id: int
    counts: dict[str, int]
    backup: Path | None = None
