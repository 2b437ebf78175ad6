"""The demo school's EHC plans: dates, Section E outcomes and Section F provision.

Part of ``services.demo``. Every plan, outcome and item is written through
``domain.ehcp``; a pupil's SEN start date moves back before their plan through
``domain.pupils``.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain import ehcp
from ..domain import pupils as pupil_writes
from ..models import GroupMembership, Provision, Pupil
from .demo_school import LA_NUMBER


def _lower_first(name: str) -> str:
    """'Speech and language therapy' -> 'speech and language therapy'; '1:1 PE' unchanged."""
    return name[0].lower() + name[1:]


def _duration(minutes: int) -> str:
    """Minutes a week in words: whole hours from two hours up, else minutes."""
    if minutes >= 120 and minutes % 60 == 0:
        return f"{minutes // 60} hours"
    return f"{minutes} minutes"


def _next_anniversary(issued: dt.date, today: dt.date) -> dt.date:
    """The plan's next annual review: the first anniversary of issue not long past."""
    anniversary = issued
    while anniversary < today - dt.timedelta(days=20):
        anniversary = anniversary.replace(year=anniversary.year + 1)
    return anniversary


def _add_items(
    session: Session, plan_id: int, memberships: list[GroupMembership], gap_provision: int | None
) -> None:
    """Section F: an item for each of up to three allocations, linked to it; with
    ``gap_provision``, also an item of that provision that nothing meets."""
    for membership in memberships[:3]:
        group = membership.group
        minutes = group.effective_session_minutes * group.effective_sessions_per_week
        item = ehcp.add_item(
            session,
            plan_id,
            f"{_duration(minutes)} per week of {_lower_first(group.provision.name)}",
            minutes,
            group.provision_id,
        )
        ehcp.update_item(session, item.row_id, "membership_id", membership.id)
    if gap_provision is not None:
        # Deliberately met by nothing: the Section F gap a SENCO must see.
        ehcp.add_item(
            session,
            plan_id,
            "45 minutes per week of occupational therapy, with a programme for school",
            45,
            gap_provision,
        )


def add_ehcps(
    session: Session,
    rng: random.Random,
    text: dict[str, Any],
    today: dt.date,
    pupils: dict[int, list[Pupil]],
    memberships: dict[int, list[GroupMembership]],
) -> None:
    """An EHC plan for every pupil with status E: Section E outcomes, Section F items.

    Section F items are linked to the pupil's current 1:1 allocations where one meets
    them; the first plan also holds an occupational therapy item that no provision
    meets, so the Section F gap check has something to find.
    """
    holders = [p for year in pupils.values() for p in year if p.sen_status == "E"]
    therapy_id = session.scalar(
        select(Provision.id).where(Provision.name == "Occupational therapy programme")
    )
    for index, pupil in enumerate(holders):
        issued = today - dt.timedelta(days=rng.randint(150, 900))
        start = min(pupil.sen_start_date or issued, issued - dt.timedelta(days=300))
        pupil_writes.update(session, pupil.id, "sen_start_date", start)
        outcomes = text["ehcp_outcomes"].get(pupil.primary_need, text["ehcp_outcomes"]["MLD"])
        plan = ehcp.add_plan(session, pupil.id, f"EHC/{LA_NUMBER}/{4100 + index * 37}")
        ehcp.update_plan(session, plan.row_id, "issued_date", issued)
        ehcp.update_plan(session, plan.row_id, "next_review_date", _next_anniversary(issued, today))
        name = pupil.preferred_name or pupil.forename
        for outcome in outcomes[: 2 + index % 2]:
            ehcp.add_outcome(session, plan.row_id, outcome.format(name=name))
        _add_items(
            session, plan.row_id, memberships.get(pupil.id, []), therapy_id if index == 0 else None
        )
