"""SEN support plans and family meetings for the benchmark school (``--plans``).

500 plans: one pupil on the SEN register each, four versions each (three reviewed a
term apart, the fourth current), with an outcome, three targets and a linked
provision per version; 1,500 meetings (three per pupil) with two actions each; and an
EHC plan for each pupil with one (60), each with a finished annual review and one in
progress. Bulk inserts, like the rest of the benchmark school: test data, not user
edits.
"""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from provmap_desktop.models import (
    Ehcp,
    EhcpAnnualReview,
    GroupMembership,
    LearningPlan,
    Meeting,
    MeetingAction,
    PlanOutcome,
    PlanProvision,
    PlanTarget,
    ProvisionGroup,
    Pupil,
)

PLANS = 500
MEETINGS_PER_PUPIL = 3
VERSIONS = 4
RESULTS = ("achieved", "partly", "not_yet")


def _versions(s: Session, rng: random.Random, pupil_ids: list[int], start: dt.date) -> int:
    """Four versions of a plan for each pupil; returns how many plan pupils there are."""
    rows = [
        {
            "pupil_id": pupil_id,
            "version": version,
            "started_on": start + dt.timedelta(days=91 * (version - 1)),
            "review_due": start + dt.timedelta(days=91 * version),
            "reviewed_on": start + dt.timedelta(days=91 * version) if version < VERSIONS else None,
            "strategies": "Chunk instructions\nCheck understanding",
            "home_help": "Read together\nPractise the word cards",
            "pupil_voice": rng.choice(["I like it", "It is hard", ""]),
            "parent_views": rng.choice(["Pleased", "Worried", ""]),
            "review_notes": "",
        }
        for pupil_id in pupil_ids
        for version in range(1, VERSIONS + 1)
    ]
    s.execute(insert(LearningPlan), rows)
    return len(pupil_ids)


def _parts(s: Session, rng: random.Random) -> None:
    """Each version's outcome, three targets and the provision of one of its groups."""
    provision_of = {
        pupil_id: (provision_id, group_id)
        for pupil_id, provision_id, group_id in s.execute(
            select(GroupMembership.pupil_id, ProvisionGroup.provision_id, ProvisionGroup.id).join(
                ProvisionGroup
            )
        )
    }
    outcomes, targets, links = [], [], []
    for plan_id, pupil_id, reviewed in s.execute(
        select(LearningPlan.id, LearningPlan.pupil_id, LearningPlan.reviewed_on)
    ):
        outcomes.append({"plan_id": plan_id, "pupil_id": pupil_id, "text": "Read for pleasure",
                         "ehcp_outcome_id": None, "sort_order": 1})  # fmt: skip
        for order in range(1, 4):
            targets.append(
                {"plan_id": plan_id, "pupil_id": pupil_id, "text": f"Target {order}",
                 "baseline": "Now", "success_criterion": "4 of 5", "target_date": None,
                 "result": rng.choice(RESULTS) if reviewed else None, "sort_order": order}
            )  # fmt: skip
        if pupil_id in provision_of:
            provision_id, group_id = provision_of[pupil_id]
            links.append({"plan_id": plan_id, "pupil_id": pupil_id, "provision_id": provision_id,
                          "group_id": group_id, "sort_order": 1})  # fmt: skip
    s.execute(insert(PlanOutcome), outcomes)
    s.execute(insert(PlanTarget), targets)
    if links:
        s.execute(insert(PlanProvision), links)


def _meetings(s: Session, pupil_ids: list[int], start: dt.date) -> int:
    """Three meetings a pupil, each with two actions (the latest meeting's still open)."""
    rows = [
        {
            "pupil_id": pupil_id,
            "held_on": start + dt.timedelta(days=91 * number),
            "parents_present": "Parent",
            "pupil_present": True,
            "staff_present": "SENCO",
            "professionals_present": "",
            "discussed": "Progress on the plan",
            "agreed": "Keep going",
            "family_given_copy": True,
        }
        for pupil_id in pupil_ids
        for number in range(1, MEETINGS_PER_PUPIL + 1)
    ]
    s.execute(insert(Meeting), rows)
    actions = []
    for meeting_id, pupil_id, held_on in s.execute(
        select(Meeting.id, Meeting.pupil_id, Meeting.held_on)
    ):
        for order in (1, 2):
            due = held_on + dt.timedelta(days=7 * order)
            done = due if held_on < start + dt.timedelta(days=91 * MEETINGS_PER_PUPIL) else None
            actions.append({"meeting_id": meeting_id, "pupil_id": pupil_id, "text": "Send home",
                            "owner": "SENCO", "due_on": due, "done_on": done,
                            "sort_order": order})  # fmt: skip
    s.execute(insert(MeetingAction), actions)
    return len(rows)


def _ehcps_and_annual_reviews(s: Session, start: dt.date) -> int:
    """An EHC plan for each pupil with one: a review held a year after issue, the next
    in progress with its meeting booked and views sought; the number of reviews."""
    holders = list(s.scalars(select(Pupil.id).where(Pupil.sen_status == "E").order_by(Pupil.id)))
    issued = start - dt.timedelta(days=365)
    s.execute(
        insert(Ehcp),
        [{"pupil_id": p, "issued_date": issued, "next_review_date": start + dt.timedelta(days=358),
          "la_reference": f"EHC/{p}", "notes": ""} for p in holders],
    )  # fmt: skip
    reviews = []
    for plan_id, pupil_id in s.execute(select(Ehcp.id, Ehcp.pupil_id)):
        for meeting, sent in (
            (start - dt.timedelta(days=7), True),
            (start + dt.timedelta(days=358), False),
        ):
            reviews.append(
                {"ehcp_id": plan_id, "pupil_id": pupil_id, "meeting_on": meeting,
                 "views_sought_on": meeting - dt.timedelta(days=20),
                 "reports_sent_on": meeting - dt.timedelta(days=15) if sent else None,
                 "report_sent_on": meeting + dt.timedelta(days=10) if sent else None,
                 "attendees": "Parent; SENCO; class teacher" if sent else "",
                 "pupil_views": "", "parent_views": "", "proposed_amendments": ""}
            )  # fmt: skip
    s.execute(insert(EhcpAnnualReview), reviews)
    return len(reviews)


def add_plans_and_meetings(s: Session, rng: random.Random, start: dt.date) -> dict[str, int]:
    """500 plans (four versions each) and 1,500 meetings from ``start``; the counts."""
    register = list(
        s.scalars(select(Pupil.id).where(Pupil.sen_status != "N").order_by(Pupil.id).limit(PLANS))
    )
    plans = _versions(s, rng, register, start)
    _parts(s, rng)
    meetings = _meetings(s, register, start)
    annual = _ehcps_and_annual_reviews(s, start)
    return {"plans": plans, "meetings": meetings, "annual_reviews": annual}
