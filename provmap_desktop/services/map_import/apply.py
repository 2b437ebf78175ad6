"""Writing a map plan: new catalogue entries, pupils to complete, groups, allocations.

Everything goes through the domain's own writes (the catalogue, pupils, groups and
allocations) in the caller's session, and nothing here commits: ``import_map``
takes the automatic backup, applies, and commits once, so the import is all or nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from ...domain import groups
from ...domain.memberships import GroupChoiceNeeded, allocate
from ...models import AcademicYear, Provision, ProvisionGroup, Pupil, Staff, YearGroup
from ..calendar import calendar_for_year
from ..catalogue import add_catalogue_entry
from ..formatting import format_date
from ..pupils import add_pupil_to_complete
from . import words
from .planned import MapPlan, PlannedGroup, PlannedProvision


@dataclass(frozen=True)
class MapImportResult:
    """What an import wrote: how many of each, and the copy taken before it."""

    provisions_added: int
    groups_added: int
    allocations: int
    pupils_added: int
    backup: Path | None


def _split_name(name: str) -> tuple[str, str]:
    """A written name as (forename, surname): the last word is the surname."""
    parts = name.split()
    if len(parts) == 1:
        return parts[0], ""
    return " ".join(parts[:-1]), parts[-1]


def apply_plan(
    session: Session, plan: MapPlan, *, create_unmatched: bool, today: dt.date
) -> tuple[int, int, int, int]:
    """Write ``plan`` into the session (flushed, not committed).

    Returns the numbers of provisions, groups, allocations and pupils added.
    """
    kept = _rows_to_keep(session, plan)
    with _holding_new_rows(session, kept):
        provision_ids, added_provisions = _add_provisions(session, plan, kept)
        created, extra = (
            _add_unmatched_pupils(session, plan, today, kept) if create_unmatched else (0, {})
        )
        groups_added = allocations = 0
        for index, group in enumerate(plan.groups):
            pupil_ids = list(dict.fromkeys(group.pupil_ids + extra.get(index, [])))
            if not pupil_ids or group.year_group_id is None:
                continue  # a name with no year group is reported, never allocated
            made, joined = _allocate(
                session, plan, group, provision_ids[group.provision_key], pupil_ids
            )
            groups_added += made
            allocations += joined
    return added_provisions, groups_added, allocations, created


@contextmanager
def _holding_new_rows(session: Session, kept: list[object]) -> Iterator[None]:
    """Keep every row the import adds in memory while it runs.

    The session holds saved rows weakly: a group just made would otherwise be read back
    from the database each time the next step asks for it.
    """

    def hold(_session: Session, row: Any) -> None:
        kept.append(row)

    event.listen(session, "pending_to_persistent", hold)
    try:
        yield
    finally:
        event.remove(session, "pending_to_persistent", hold)


def _rows_to_keep(session: Session, plan: MapPlan) -> list[object]:
    """Load the year groups, provisions, pupils and staff the plan uses, to hold in memory.

    The session holds rows weakly: keeping these alive saves reloading them per group.
    """
    kept: list[object] = list(session.scalars(select(YearGroup)))
    kept += session.scalars(
        select(Provision).where(
            Provision.id.in_([p.existing_id for p in plan.provisions if p.existing_id is not None])
        )
    ).all()
    wanted = {i for g in plan.groups for i in g.pupil_ids}
    kept += session.scalars(select(Pupil).where(Pupil.id.in_(wanted))).all()
    named = {g.staff_id for g in plan.groups if g.staff_id is not None}
    kept += session.scalars(select(Staff).where(Staff.id.in_(named))).all()
    return kept


def _catalogue_fields(planned: PlannedProvision, source: str) -> dict[str, object]:
    """The catalogue details of a provision the map names and the catalogue lacks."""
    fields: dict[str, object] = {
        "area": planned.area,
        "wave": planned.wave,
        "group_size": planned.group_size,
        "delivered_by_role_id": planned.role_id,
        "description": f"Imported from {source}.",
    }
    if planned.frequency is not None:
        fields["sessions_per_week"] = planned.frequency.sessions_per_week
        fields["session_minutes"] = planned.frequency.session_minutes
    if planned.weeks is not None:
        fields["weeks"] = planned.weeks
    if planned.cost is not None:
        fields["resources_cost"] = planned.cost
    return fields


def _add_provisions(
    session: Session, plan: MapPlan, kept: list[object]
) -> tuple[dict[str, int], int]:
    """Add the plan's new provisions to the catalogue; return every key's id and the count."""
    provision_ids: dict[str, int] = {}
    added = 0
    for planned in plan.provisions:
        if planned.existing_id is not None:
            provision_ids[planned.key] = planned.existing_id
            continue
        fields = _catalogue_fields(planned, plan.source)
        provision = add_catalogue_entry(session, planned.name, **fields)
        kept.append(provision)
        provision_ids[planned.key] = provision.id
        added += 1
    return provision_ids, added


def _add_unmatched_pupils(
    session: Session, plan: MapPlan, today: dt.date, kept: list[object]
) -> tuple[int, dict[int, list[int]]]:
    """Add a pupil to complete for each unmatched name; return the count and who joins what.

    One new pupil per unmatched name and year group, however many cells name them; the
    second value maps a planned group's index to the new pupils it gains.
    """
    created: dict[tuple[str, int | None], int] = {}
    extra: dict[int, list[int]] = {}
    for problem in plan.unmatched:
        if problem.year_group_id is None:
            continue
        key = (words.plain(problem.name), problem.year_group_id)
        if key not in created:
            forename, surname = _split_name(problem.name)
            pupil = add_pupil_to_complete(
                session,
                forename=forename,
                surname=surname,
                year_group_id=problem.year_group_id,
                why=(
                    f"added by the map import on {format_date(today)} from "
                    f"{plan.source} ({problem.place}), where the name matched no pupil."
                ),
                today=today,
            )
            created[key] = pupil.id
            kept.append(pupil)
        extra.setdefault(problem.group_index, []).append(created[key])
    return len(created), extra


def _allocate(
    session: Session, plan: MapPlan, group: PlannedGroup, provision_id: int, pupil_ids: list[int]
) -> tuple[int, int]:
    """Allocate the pupils to the group the plan chose; return (groups made, allocations)."""
    assert group.year_group_id is not None
    target = group.existing_group_id
    made = 0
    if target is None and group.label:
        target = _named_group_beside_running(session, plan, group, provision_id)
        made = 0 if target is None else 1
    try:
        result = allocate(  # the preview has already listed what needs saying
            session,
            provision_id,
            group.year_group_id,
            pupil_ids,
            plan.period_start,
            target,
            period=(plan.period_start, plan.period_end),
            warn=False,
        )
    except GroupChoiceNeeded:
        raise ValueError(f"{group.provision} for {group.year_group}: several groups run.") from None
    made += 1 if result.group_added is not None else 0
    if made:
        _set_imported_details(session, plan, group, result.group_id)
    return made, len(result.memberships)


def _named_group_beside_running(
    session: Session, plan: MapPlan, group: PlannedGroup, provision_id: int
) -> int | None:
    """A new group for a named cell when another group already runs; None when none runs.

    With no group running, ``allocate`` makes the one group as usual.
    """
    running = session.scalar(
        select(ProvisionGroup.id).where(
            ProvisionGroup.provision_id == provision_id,
            ProvisionGroup.year_group_id == group.year_group_id,
            ProvisionGroup.academic_year_id == plan.academic_year_id,
            ProvisionGroup.start_date <= plan.period_end,
            ProvisionGroup.end_date >= plan.period_start,
        )
    )
    if running is None:
        return None
    made = groups.create(
        session,
        provision_id,
        group.year_group_id,
        plan.period_start,
        plan.period_end,
        name=group.label,
    )
    return made.group_id


def _set_imported_details(
    session: Session, plan: MapPlan, group: PlannedGroup, group_id: int
) -> None:
    """Give a group the import made the map's name, class, staff, last day and frequency."""
    # Held here, the group stays in the session's memory: each update finds it there.
    built = groups.get_group(session, group_id)
    # Checking the staff may read the database: without this, name and staff would be
    # flushed (and recorded in the audit log) as two changes of the group, not one.
    with session.no_autoflush:
        if group.label:
            groups.update(session, group_id, "name", group.label)
        groups.update(session, group_id, "class_id", group.class_id)
        groups.update(session, group_id, "staff_id", group.staff_id)
    planned = next(p for p in plan.provisions if p.key == group.provision_key)
    last_day = _imported_group_end(session, plan, built.start_date, planned.weeks)
    groups.update(session, group_id, "end_date", last_day)
    frequency = planned.frequency
    if frequency is not None and not planned.is_new:
        # A catalogue entry keeps its defaults; the map's frequency is this group's.
        if frequency.sessions_per_week != planned.existing_sessions:
            groups.update(session, group_id, "sessions_per_week", frequency.sessions_per_week)
        if frequency.session_minutes != planned.existing_minutes:
            groups.update(session, group_id, "session_minutes", frequency.session_minutes)


def _imported_group_end(
    session: Session, plan: MapPlan, start: dt.date, weeks: int | None
) -> dt.date:
    """An imported group runs for the period the old map covers, or the weeks it states.

    The old map records who had what in that term; the catalogue's usual length is not
    what the school wrote, so it is not applied here.
    """
    if not weeks:
        return max(plan.period_end, start)
    year = session.get(AcademicYear, plan.academic_year_id)
    assert year is not None
    return calendar_for_year(session, year).end_of_teaching_weeks(start, weeks, year.end_date)


def import_map(
    session: Session,
    database: Path | None,
    plan: MapPlan,
    *,
    create_unmatched: bool,
    today: dt.date,
) -> MapImportResult:
    """Take the automatic backup, write the plan and commit; on any error nothing is kept."""
    from ...storage.autobackup import take_copy

    backup = take_copy(Path(database), "before-import") if database is not None else None
    try:
        counts = apply_plan(session, plan, create_unmatched=create_unmatched, today=today)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return MapImportResult(*counts, backup=backup)
