"""The starter catalogue: the common provisions a new school begins with.

The entries live in ``resources/starter_catalogue.json``: the usual provisions for each
of the four areas of need at Waves 1, 2 and 3, with costing defaults a school then
edits. Each entry names its delivering staff role, its funding stream and its suitable
year groups by name, so loading ties them to whatever the school has of each:

- a role or funding stream the school does not have (renamed or deleted) is left blank;
- suitable year groups that the school does not have are dropped; an entry that lists
  year groups, none of which the school has (phonics for Reception to Year 4 in a
  secondary school), is not loaded at all; an empty list means "all year groups".

Money in the file is a string of pounds (``"30.00"``) so it reads straight into Decimal.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain import provisions
from ..models import FundingStream, Provision, StaffRole, YearGroup
from ..models.vocab import AreaOfNeed
from ..resources_path import resource_path

CATALOGUE_FILE = "starter_catalogue.json"


@dataclass(frozen=True, slots=True)
class StarterProvision:
    """One entry of the starter catalogue as read from the file."""

    name: str
    description: str
    area: str
    wave: int
    delivered_by: str
    external_agency: str
    session_minutes: int
    sessions_per_week: int
    weeks: int
    group_size: int
    resources_cost: Decimal
    external_cost_per_session: Decimal
    entry_criteria: str
    exit_criteria: str
    year_groups: tuple[str, ...]
    funding_stream: str

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StarterProvision:
        """Read one entry; raise ``ValueError`` naming the entry if a field is wrong."""
        name = str(data.get("name", "")).strip()
        try:
            entry = cls(
                name=name,
                description=str(data.get("description", "")),
                area=AreaOfNeed(data["area"]).value,
                wave=int(data["wave"]),
                delivered_by=str(data.get("delivered_by", "")),
                external_agency=str(data.get("external_agency", "")),
                session_minutes=int(data["session_minutes"]),
                sessions_per_week=int(data["sessions_per_week"]),
                weeks=int(data["weeks"]),
                group_size=int(data["group_size"]),
                resources_cost=Decimal(str(data.get("resources_cost", "0.00"))),
                external_cost_per_session=Decimal(
                    str(data.get("external_cost_per_session", "0.00"))
                ),
                entry_criteria=str(data.get("entry_criteria", "")),
                exit_criteria=str(data.get("exit_criteria", "")),
                year_groups=tuple(str(y) for y in data.get("year_groups", [])),
                funding_stream=str(data.get("funding_stream", "")),
            )
        except (KeyError, ValueError, ArithmeticError) as exc:
            raise ValueError(f"Starter catalogue entry {name or '?'} is not valid: {exc}") from exc
        if not name or entry.wave not in (1, 2, 3) or entry.group_size < 1:
            raise ValueError(f"Starter catalogue entry {name or '?'} is not valid.")
        return entry


def starter_entries() -> list[StarterProvision]:
    """Every entry of the bundled starter catalogue, in file order."""
    with resource_path(CATALOGUE_FILE).open(encoding="utf-8") as handle:
        data = json.load(handle)
    return [StarterProvision.from_json(item) for item in data["provisions"]]


def load_starter_catalogue(session: Session) -> list[Provision]:
    """Add the starter provisions the school does not have yet; return those added.

    A provision whose name is already in the catalogue (in any letter case) is skipped,
    so loading twice adds nothing. The new rows are flushed, not committed.
    """
    existing = {n.casefold() for n in session.scalars(select(Provision.name))}
    roles = {r.name.casefold(): r for r in session.scalars(select(StaffRole))}
    streams = {s.name.casefold(): s for s in session.scalars(select(FundingStream))}
    year_groups = {y.name.casefold(): y for y in session.scalars(select(YearGroup))}

    added: list[Provision] = []
    for entry in starter_entries():
        if entry.name.casefold() in existing:
            continue
        suitable = [
            year_groups[y.casefold()] for y in entry.year_groups if y.casefold() in year_groups
        ]
        if entry.year_groups and year_groups and not suitable:
            continue
        role = roles.get(entry.delivered_by.casefold())
        stream = streams.get(entry.funding_stream.casefold())
        made = provisions.add(
            session,
            entry.name,
            area=entry.area,
            suitable_year_group_ids=[y.id for y in suitable],
            description=entry.description,
            wave=entry.wave,
            delivered_by_role_id=role.id if role else None,
            external_agency=entry.external_agency,
            session_minutes=entry.session_minutes,
            sessions_per_week=entry.sessions_per_week,
            weeks=entry.weeks,
            group_size=entry.group_size,
            resources_cost=entry.resources_cost,
            external_cost_per_session=entry.external_cost_per_session,
            entry_criteria=entry.entry_criteria,
            exit_criteria=entry.exit_criteria,
            funding_stream_id=stream.id if stream else None,
        )
        existing.add(entry.name.casefold())
        provision = session.get(Provision, made.provision_id)
        assert provision is not None
        added.append(provision)
    return added


def add_catalogue_entry(session: Session, name: str, **fields: Any) -> Provision:
    """A new provision in the catalogue (``fields`` as the Provision's); flushed, not committed.

    Raises ``DomainError`` (a ``ValueError``) if a provision of that name (in any letter
    case) exists, or a field's value is refused.
    """
    made = provisions.add(session, name, **fields)
    provision = session.get(Provision, made.provision_id)
    assert provision is not None
    return provision
