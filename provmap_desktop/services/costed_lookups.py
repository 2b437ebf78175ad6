"""The names and rows the costed map's lines are labelled with, each read once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import FundingStream, Provision, ProvisionGroup, Pupil, SchoolClass, Staff, YearGroup
from .cost_records import CostedMap


def _names(session: Session, entity: Any) -> dict[int, str]:
    """Each row's name by id, for a table with ``id`` and ``name`` columns."""
    return dict(session.execute(select(entity.id, entity.name)).all())  # type: ignore[arg-type]


@dataclass(frozen=True)
class Lookups:
    """The names and rows the lines are labelled with, each read once."""

    year_groups: dict[int, tuple[str, int]]  # id -> (name, sort order)
    classes: dict[int, str]
    staff: dict[int, str]
    streams: dict[int, str]
    provisions: dict[int, Provision]
    groups: dict[int, ProvisionGroup]
    pupils: dict[int, Any]  # id -> (upn, names, year group, class, SEN status) row


def read_lookups(session: Session, costed: CostedMap, annual: CostedMap) -> Lookups:
    """Read the names and rows the costed groups and pupils of both maps need."""
    year_groups = {
        yg_id: (name, order)
        for yg_id, name, order in session.execute(
            select(YearGroup.id, YearGroup.name, YearGroup.sort_order)
        )
    }
    groups = session.scalars(select(ProvisionGroup).where(ProvisionGroup.id.in_(costed.by_group)))
    pupils = session.execute(
        select(
            Pupil.id,
            Pupil.upn,
            Pupil.forename,
            Pupil.preferred_name,
            Pupil.surname,
            Pupil.year_group_id,
            Pupil.class_id,
            Pupil.sen_status,
        ).where(Pupil.id.in_(set(costed.by_pupil) | set(annual.by_pupil)))
    )
    return Lookups(
        year_groups=year_groups,
        classes=_names(session, SchoolClass),
        staff=_names(session, Staff),
        streams=_names(session, FundingStream),
        provisions={p.id: p for p in session.execute(select(Provision)).scalars()},
        groups={g.id: g for g in groups},
        pupils={row.id: row for row in pupils},
    )
