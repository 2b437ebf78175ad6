"""Reading SEN support plans and meeting logs: versions, what is due, words for families.

Writes are in ``domain.plans`` and ``domain.meetings``. The start-up strip asks
``plans_due`` (pupils on the SEN register whose plan has not been reviewed this term)
and ``actions_due`` (meeting actions not done, due within a week or overdue).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from ..domain.plans import current_plan
from ..models import (
    LearningPlan,
    Meeting,
    MeetingAction,
    PlanProvision,
    Provision,
    ProvisionGroup,
    Pupil,
    Term,
)
from ..models.vocab import SenStatus
from .pupils import joined_by, last_day_of_year

__all__ = [
    "ACTIONS_DUE_WITHIN_DAYS",
    "DueAction",
    "PlanDue",
    "actions_due",
    "current_plan",
    "linked_provision_names",
    "meetings_of",
    "plan_versions",
    "plans_due",
    "reviews_in_last_year",
    "term_start",
]

#: An action shows in the strip from this many days before it is due.
ACTIONS_DUE_WITHIN_DAYS = 7


def plan_versions(session: Session, pupil_id: int) -> list[LearningPlan]:
    """Every version of the pupil's plan, first first, with its rows loaded."""
    return list(
        session.scalars(
            select(LearningPlan)
            .where(LearningPlan.pupil_id == pupil_id)
            .options(
                joinedload(LearningPlan.outcomes),
                joinedload(LearningPlan.targets),
                joinedload(LearningPlan.provisions),
            )
            .order_by(LearningPlan.version)
        ).unique()
    )


def meetings_of(session: Session, pupil_id: int) -> list[Meeting]:
    """The pupil's meetings, most recent first, with their actions."""
    return list(
        session.scalars(
            select(Meeting)
            .where(Meeting.pupil_id == pupil_id)
            .options(joinedload(Meeting.actions))
            .order_by(Meeting.held_on.desc(), Meeting.id.desc())
        ).unique()
    )


def linked_provision_names(
    session: Session, plan: LearningPlan, *, with_groups: bool = True
) -> list[str]:
    """The provisions serving the plan by their names on the map (with the group's)."""
    rows = session.execute(
        select(Provision.name, ProvisionGroup.name)
        .select_from(PlanProvision)
        .join(Provision, PlanProvision.provision_id == Provision.id)
        .outerjoin(ProvisionGroup, PlanProvision.group_id == ProvisionGroup.id)
        .where(PlanProvision.plan_id == plan.id)
        .order_by(PlanProvision.sort_order)
    )
    names: list[str] = []
    for name, group in rows:
        if with_groups and group:
            name = group if group.startswith(name) else f"{name} ({group})"
        if name not in names:
            names.append(name)
    return names


def term_start(session: Session, today: dt.date) -> dt.date | None:
    """The first day of the term holding ``today`` (or of the last term before a holiday)."""
    return session.scalar(
        select(Term.start_date)
        .where(Term.start_date <= today)
        .order_by(Term.start_date.desc())
        .limit(1)
    )


@dataclass(frozen=True)
class PlanDue:
    """A pupil on the SEN register whose plan has not been reviewed this term."""

    pupil: Pupil
    last_reviewed: dt.date | None
    has_plan: bool


def plans_due(session: Session, today: dt.date) -> list[PlanDue]:
    """Pupils on the register (SEN support or EHC plan, on roll) not reviewed this term.

    A pupil with no plan at all is listed too: their plan has not been reviewed. Empty
    when no term is set up, since "this term" then means nothing.
    """
    start = term_start(session, today)
    if start is None:
        return []
    last = (
        select(
            LearningPlan.pupil_id,
            func.max(LearningPlan.reviewed_on).label("last"),
            func.count(LearningPlan.id).label("versions"),
        )
        .group_by(LearningPlan.pupil_id)
        .subquery()
    )
    rows = session.execute(
        select(Pupil, last.c.last, last.c.versions)
        .outerjoin(last, last.c.pupil_id == Pupil.id)
        .where(
            Pupil.archived.is_(False),
            joined_by(last_day_of_year(session, today)),  # not next year's intake
            Pupil.sen_status.in_((SenStatus.SEN_SUPPORT.value, SenStatus.EHCP.value)),
        )
        .where((last.c.last.is_(None)) | (last.c.last < start))
        .order_by(Pupil.surname, Pupil.forename)
    )
    return [PlanDue(pupil, reviewed, bool(versions)) for pupil, reviewed, versions in rows]


@dataclass(frozen=True)
class DueAction:
    """A meeting action not yet done, due soon or overdue."""

    action: MeetingAction
    pupil: Pupil
    held_on: dt.date

    def overdue(self, today: dt.date) -> bool:
        return self.action.due_on is not None and self.action.due_on < today


def actions_due(session: Session, today: dt.date) -> list[DueAction]:
    """Actions not done, due by a week from ``today`` (overdue included), soonest first."""
    until = today + dt.timedelta(days=ACTIONS_DUE_WITHIN_DAYS)
    rows = session.execute(
        select(MeetingAction, Pupil, Meeting.held_on)
        .join(Meeting, MeetingAction.meeting_id == Meeting.id)
        .join(Pupil, MeetingAction.pupil_id == Pupil.id)
        .where(
            MeetingAction.done_on.is_(None),
            MeetingAction.due_on.is_not(None),
            MeetingAction.due_on <= until,
            Pupil.archived.is_(False),
        )
        .order_by(MeetingAction.due_on, Pupil.surname, MeetingAction.id)
    )
    return [DueAction(action, pupil, held_on) for action, pupil, held_on in rows]


def reviews_in_last_year(session: Session, pupil_id: int, today: dt.date) -> list[LearningPlan]:
    """The pupil's plan versions reviewed in the 12 months up to ``today``, oldest first."""
    since = (
        today.replace(year=today.year - 1)
        if not (today.month == 2 and today.day == 29)
        else (today - dt.timedelta(days=365))
    )
    return list(
        session.scalars(
            select(LearningPlan)
            .where(
                LearningPlan.pupil_id == pupil_id,
                LearningPlan.reviewed_on.is_not(None),
                LearningPlan.reviewed_on > since,
                LearningPlan.reviewed_on <= today,
            )
            .order_by(LearningPlan.version)
        )
    )
