"""The demo school's SEN support plans and meetings with families.

Part of ``services.demo``. Maya and the first few pupils on the register have plans
reviewed three times over the last year (four versions, the fourth current); others
have one or two reviews, some none this term, so the start-up strip has plans to
list. Meetings carry actions: one overdue, one due this week, others done. Every row
is written through ``domain.plans`` and ``domain.meetings``. Its own random stream,
so the rest of the school is drawn exactly as before.
"""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain import meetings, plans
from ..domain.plans import PlanReview
from ..models import GroupMembership, ProvisionGroup, Pupil, TargetResult
from .school_setup import academic_year_start_for

#: Small-step targets by need: (target, baseline, success criterion).
TARGETS: dict[str, list[tuple[str, str, str]]] = {
    "reading": [
        (
            "Read the first 100 high-frequency words",
            "62 of 100 read aloud",
            "95 of 100 read aloud on two days running",
        ),
        ("Blend three-letter words", "Blends 4 of 10", "Blends 9 of 10 unseen words"),
    ],
    "talk": [
        (
            "Ask for help using a whole sentence",
            "Points or waits",
            "Asks in a sentence 4 times in a week, seen by the class teacher",
        ),
        (
            "Take turns in a game with two friends",
            "Leaves after 1 minute",
            "Stays and takes turns for 10 minutes",
        ),
    ],
    "feelings": [
        (
            "Use the calm card when upset",
            "Leaves the room 5 times a week",
            "Uses the card instead on 4 of 5 days",
        ),
        ("Settle to work after lunch", "Settles after 15 minutes", "Settles within 5 minutes"),
    ],
    "number": [
        (
            "Count on in tens from any number to 100",
            "Counts on from 10 only",
            "8 of 10 starting numbers correct",
        ),
        ("Recall number bonds to 10", "4 of 10 bonds", "10 of 10 bonds within a minute"),
    ],
}
OUTCOMES = {
    "reading": "will read books for pleasure at the level of their class",
    "talk": "will tell adults and friends what they need and how they feel",
    "feelings": "will manage strong feelings and stay in class to learn",
    "number": "will use number confidently in everyday life",
}
NEED_THEME = {"SLCN": "talk", "ASD": "talk", "SEMH": "feelings", "MLD": "number"}
STRATEGIES = (
    "Give one instruction at a time and check it was understood\n"
    "Pre-teach new words before each topic\nSeat near the front, away from the door"
)
HOME_HELP = {
    "reading": "Read together for 10 minutes most evenings\nPlay the word card game we send home",
    "talk": "Talk about the day using the picture timetable\nPlay simple turn-taking games",
    "feelings": "Use the same calm card at home\nTalk about one good thing each day",
    "number": "Count things together when shopping\nPlay the number bond game we send home",
}


def _current_links(session: Session, pupil: Pupil, today: dt.date) -> list[tuple[int, int]]:
    """(provision, group) of the pupil's allocations running ``today``, at most two."""
    rows = session.execute(
        select(ProvisionGroup.provision_id, ProvisionGroup.id)
        .join(GroupMembership, GroupMembership.group_id == ProvisionGroup.id)
        .where(GroupMembership.pupil_id == pupil.id)
        .where(GroupMembership.join_date <= today, ProvisionGroup.end_date >= today)
        .order_by(GroupMembership.id)
    )
    return list(dict.fromkeys((p, g) for p, g in rows))[:2]


def _plan(
    session: Session, rng: random.Random, pupil: Pupil, start: dt.date, reviews: list[dt.date],
    today: dt.date,
) -> None:  # fmt: skip
    """A plan started ``start``, reviewed on each of ``reviews``, its next review due."""
    theme = NEED_THEME.get(pupil.primary_need or "", "reading")
    name = pupil.preferred_name or pupil.forename
    due = reviews[0] if reviews else start + dt.timedelta(days=rng.randint(60, 100))
    plan_id = plans.start_plan(session, pupil.id, start, due).row_id
    plans.add_outcome(session, plan_id, f"{name} {OUTCOMES[theme]}")
    for text, baseline, criterion in TARGETS[theme]:
        plans.add_target(session, plan_id, text, baseline=baseline, success_criterion=criterion,
                         target_date=due)  # fmt: skip
    plans.update_plan(session, plan_id, "strategies", STRATEGIES)
    plans.update_plan(session, plan_id, "home_help", HOME_HELP[theme])
    for provision_id, group_id in _current_links(session, pupil, today):
        plans.link_provision(session, plan_id, provision_id, group_id)
    for number, day in enumerate(reviews):
        plan = plans.current_plan(session, pupil.id)
        assert plan is not None
        results = {t.id: rng.choice(list(TargetResult)) for t in plan.targets}
        following = reviews[number + 1] if number + 1 < len(reviews) else None
        next_due = following or max(day + dt.timedelta(days=84), today + dt.timedelta(days=14))
        review = PlanReview(
            reviewed_on=day,
            results=results,
            pupil_voice=rng.choice(["I like my reading group.", "Sometimes it is hard.",
                                    "I want to get better at it.", "I like the calm card."]),
            parent_views=rng.choice(["Happy with the progress.", "We practise at home.",
                                     "Worried about next year.", "Pleased; keep going."]),
            next_review_due=next_due,
        )  # fmt: skip
        plans.review_plan(session, plan.id, review)
        current = plans.current_plan(session, pupil.id)
        assert current is not None
        if not current.targets:  # all achieved: a new step
            text, baseline, criterion = TARGETS[theme][1]
            plans.add_target(session, current.id, f"Next step: {text.lower()}",
                             baseline=baseline, success_criterion=criterion)  # fmt: skip


def _meeting(
    session: Session, pupil: Pupil, held_on: dt.date, actions: list[tuple[str, str, int, bool]]
) -> None:
    """A meeting on ``held_on`` with (action, owner, days until due, done) actions."""
    name = pupil.preferred_name or pupil.forename
    meeting_id = meetings.add_meeting(
        session, pupil.id, held_on,
        parents_present=f"Parent of {name}",
        pupil_present=True,
        staff_present="SENCO; class teacher",
        discussed=f"How {name} is getting on with the plan's targets",
        agreed="Keep the targets; try the new strategies at home too",
        family_given_copy=True,
    ).row_id  # fmt: skip
    for text, owner, days, done in actions:
        due = held_on + dt.timedelta(days=days)
        action = meetings.add_action(session, meeting_id, text, owner=owner, due_on=due)
        if done:
            meetings.update_action(session, action.row_id, "done_on", due)


def add_plans_and_meetings(
    session: Session, seed: int, today: dt.date, pupils: dict[int, list[Pupil]], maya: Pupil
) -> None:
    """Plans for most of the register and meetings for some, relative to ``today``."""
    rng = random.Random(seed)
    register = [p for year in pupils.values() for p in year if p.sen_status in ("K", "E")]
    # Maya first, then the pupils with EHC plans, so every plan holder shows a plan.
    register.sort(key=lambda p: (p.id != maya.id, p.sen_status != "E"))
    september = dt.date(academic_year_start_for(today), 9, 8)
    last_year = september.replace(year=september.year - 1)
    for index, pupil in enumerate(register[:24]):
        if index < 6:  # reviewed three times over the last twelve months
            reviews = [last_year + dt.timedelta(days=d) for d in (90, 195, 300)]
            _plan(session, rng, pupil, last_year, reviews, today)
        elif index < 12:  # reviewed this term
            _plan(session, rng, pupil, last_year + dt.timedelta(days=120),
                  [last_year + dt.timedelta(days=230), today - dt.timedelta(days=10 + index)],
                  today)  # fmt: skip
        else:  # started this year, not yet reviewed
            _plan(session, rng, pupil, september + dt.timedelta(days=index), [], today)
    for index, pupil in enumerate(register[:8]):
        held = today - dt.timedelta(days=12 + 9 * index)
        # The first meeting's actions are still open: one overdue, one due this week.
        open_ = index == 0
        _meeting(session, pupil, held, [
            ("Send the word cards home", "Class teacher", 5, not open_),
            ("Book a visit from the speech and language therapist", "SENCO", 16, not open_),
        ])  # fmt: skip
