"""Importing a provision map a school already keeps: a workbook, a Word table or a CSV.

``preview_map`` reads the file and matches it against the school without writing;
``format_plan`` says what it found in plain text; ``import_map`` takes the automatic
backup and writes it all in one transaction.

- ``grid``: the file into grids of text cells that know their sheet, row and column;
- ``layout``: which layout a sheet has, where its header row is, what each row says;
- ``words``: headings, year groups, frequencies, areas, waves, money in schools' words;
- ``names``: splitting a cell into a group label and names, matching names to pupils;
- ``plan``: provisions (new or in the catalogue), groups, allocations and problems;
- ``apply``: writing the plan through the catalogue, pupils and allocation services.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from ...models import AcademicYear
from ..calendar import period_range
from ..formatting import format_date
from .apply import MapImportResult, apply_plan, import_map
from .grid import SUFFIXES, MapFileError, read_grids
from .layout import read_layout
from .plan import build_plan, school_of
from .planned import MapPlan, NameProblem, PlannedGroup, PlannedProvision

__all__ = [
    "SUFFIXES",
    "MapFileError",
    "MapImportResult",
    "MapPlan",
    "NameProblem",
    "PlannedGroup",
    "PlannedProvision",
    "apply_plan",
    "format_plan",
    "import_map",
    "preview_map",
]


def preview_map(
    session: Session, path: Path, academic_year: AcademicYear, term_name: str | None
) -> MapPlan:
    """Read ``path`` and plan its import into the year (or term); writes nothing.

    Raises ``MapFileError`` if the file cannot be read or holds no map.
    """
    path = Path(path)
    grids = read_grids(path)
    reading = read_layout(grids, school_of(session))
    if not reading.layouts:
        detail = " ".join(reading.notes)
        raise MapFileError(
            f"{path.name}: no provision map was found. {detail}".strip()
            if detail
            else f"{path.name} is empty."
        )
    return build_plan(
        session,
        reading,
        source=path.name,
        academic_year=academic_year,
        term_name=term_name,
        period=period_range(academic_year, term_name),
    )


def _names(items: list[str]) -> str:
    return ", ".join(items) if items else "none"


def format_plan(plan: MapPlan) -> str:
    """The preview in plain text: what would be written, then every problem with its place."""
    lines = [
        f"{plan.source}: the map for {plan.period_text} "
        f"({format_date(plan.period_start)} to {format_date(plan.period_end)})."
    ]
    lines += [f"  Read {layout}." for layout in plan.layouts]
    new = len(plan.new_provisions)
    lines.append(
        f"Provisions: {len(plan.provisions)} found, {new} new to the catalogue, "
        f"{len(plan.provisions) - new} already in it."
    )
    for provision in plan.provisions:
        if provision.is_new:
            detail = f"new: area {provision.area}, wave {provision.wave}"
            if provision.frequency is not None:
                detail += (
                    f", {provision.frequency.sessions_per_week} x "
                    f"{provision.frequency.session_minutes} min a week"
                )
        else:
            detail = "in the catalogue"
        lines.append(f"  {provision.name} ({detail})")
    live = [g for g in plan.groups if g.pupil_ids or g.already]
    lines.append(f"Groups: {len(live)}; allocations: {plan.allocation_count}.")
    for group in live:
        where = group.year_group or "?"
        joined = _names(group.pupil_names)
        already = f" (already in it: {_names(group.already)})" if group.already else ""
        lines.append(f"  {group.provision}, {where}, {group.name_shown}: {joined}{already}")
    lines.append(f"Names that match no pupil: {len(plan.unmatched)}.")
    for problem in plan.unmatched:
        near = f" Similar: {_names(problem.candidates)}." if problem.candidates else ""
        lines.append(
            f"  “{problem.name}” in {problem.year_group} ({problem.place}), "
            f"{problem.provision}.{near}"
        )
    lines.append(f"Names that match several pupils: {len(plan.ambiguous)}.")
    for problem in plan.ambiguous:
        lines.append(
            f"  “{problem.name}” in {problem.year_group} ({problem.place}), "
            f"{problem.provision}: could be {_names(problem.candidates)}."
        )
    lines.append(f"Cells not read: {len(plan.unread)}.")
    for unread in plan.unread:
        shown = f"“{unread.text}”: " if unread.text else ""
        lines.append(f"  {unread.place}: {shown}{unread.reason}")
    lines += [f"Note: {note}" for note in plan.notes]
    return "\n".join(lines)
