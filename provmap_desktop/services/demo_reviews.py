"""The demo school's APDR reviews: a cycle for every allocation that has started.

Part of ``services.demo``. Cycles of finished allocations are completed, running ones
are planned; two running cycles are made overdue and three due within a fortnight of
``today``, so the reviews screen always has something to show. Each cycle is first
worked out in full, then recorded through ``domain.reviews.record_past_cycle``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

from ..domain import reviews
from ..domain.reviews import CycleEntry, Outcome
from ..models import GroupMembership, ProvisionGroup
from .demo_groups import Activity, age_months, reading_age

OUTCOME_SOUGHT = {
    "CI": "Communicate needs and ideas more clearly in class",
    "CL": "Close the gap in reading, spelling or number",
    "SEMH": "Manage feelings and stay in learning",
    "SP": "Improve motor control and independence",
}
LITERACY_WORDS = ("precision", "phonics", "reading", "spelling", "literacy", "typing")
DECISIONS = {
    "met": (("exit", "Target met: leave the group and monitor in class."),
            ("continue", "Target met: continue to secure the gains.")),
    "partly": (("continue", "Continue for another block."),
               ("modify", "Modify: change the resources or the group, then review.")),
    "not_met": (("modify", "Modify: more frequent sessions and a new approach."),
                ("escalate", "Escalate to Wave 3 and seek specialist advice.")),
}  # fmt: skip
ESCALATE_TO = "Wave 3: specialist advice"


@dataclass
class _Cycle:
    """One pupil's cycle as it will be recorded: the entry, and when it was completed."""

    entry: CycleEntry
    completed_on: dt.date | None = None
    next_step: str = ""


def _measure(act: Activity, group: ProvisionGroup, member: GroupMembership) -> dict[str, Any]:
    """Baseline, target and outcome for one pupil's cycle, by the provision's kind."""
    rng, name = act.rng, group.provision.name.lower()
    area = group.provision.area
    if area == "CL" and any(w in name for w in LITERACY_WORDS):
        months = age_months(member.pupil.date_of_birth, member.join_date) - rng.randint(12, 30)
        gain = rng.randint(1, 9)
        met = "met" if gain >= 6 else "partly" if gain >= 3 else "not_met"
        values = (reading_age(months), reading_age(months + 6), reading_age(months + gain))
        return {"baseline_type": "reading_age", "values": values, "met": met}
    if area == "CL":
        score = rng.randint(76, 88)
        gain = rng.randint(-1, 10)
        met = "met" if gain >= 6 else "partly" if gain >= 2 else "not_met"
        values = (str(score), str(score + 6), str(score + gain))
        return {"baseline_type": "standardised_score", "values": values, "met": met}
    if area == "SEMH":
        count = rng.randint(5, 9)
        after = rng.randint(1, 7)
        met = "met" if after <= 2 else "partly" if after < count else "not_met"
        return {"baseline_type": "count", "values": (str(count), "2", str(after)), "met": met}
    rating = rng.randint(1, 2)
    after = min(5, rating + rng.randint(0, 3))
    met = "met" if after >= 4 else "partly" if after > rating else "not_met"
    return {"baseline_type": "rating", "values": (str(rating), "4", str(after)), "met": met}


def _cycle_for(act: Activity, group: ProvisionGroup, member: GroupMembership) -> _Cycle:
    """One pupil's cycle in one group: completed if it has ended, planned otherwise."""
    measure = _measure(act, group, member)
    baseline, target, outcome = measure["values"]
    ended = member.leave_date or group.end_date
    entry = CycleEntry(
        membership_id=member.id,
        measure_type=measure["baseline_type"],
        baseline=baseline,
        baseline_date=member.join_date,
        outcome_sought=OUTCOME_SOUGHT[group.provision.area],
        target=f"Reach {target} by the end of the block",
        target_value=target,
        review_date=ended,
    )
    if ended >= act.today:
        return _Cycle(entry)
    decision, step = act.rng.choice(DECISIONS[measure["met"]])
    escalate_to = ESCALATE_TO if decision == "escalate" else ""
    done = Outcome(outcome, ended, measure["met"], decision, escalate_to)
    completed = min(ended + dt.timedelta(days=act.rng.randint(0, 6)), act.today)
    return _Cycle(dataclasses.replace(entry, outcome=done), completed, step)


def _plan_cycles(act: Activity, in_story: set[int]) -> list[_Cycle]:
    """Every cycle to record, in order, with some made due soon or overdue."""
    cycles: list[_Cycle] = []
    running: list[_Cycle] = []
    finished: list[_Cycle] = []
    for group in act.groups:
        if group.start_date > act.today:
            continue
        if group.provision.name.endswith("assessment"):
            continue  # an assessment is evidence for a review, not a cycle of its own
        for member in group.memberships:
            if member.id in in_story or member.join_date > act.today:
                continue
            cycle = _cycle_for(act, group, member)
            cycles.append(cycle)
            if cycle.completed_on is not None:
                finished.append(cycle)
            elif member.join_date < act.today:
                running.append(cycle)
    shifts = (-16, -5, 3, 7, 12)
    for cycle, shift in zip(running[:: max(1, len(running) // 5)], shifts, strict=False):
        # Never before the baseline, so an early-September cycle is overdue by days.
        entry = cycle.entry
        due = max(act.today + dt.timedelta(days=shift), entry.baseline_date or act.today)
        cycle.entry = dataclasses.replace(entry, review_date=due)
    if len(running) < 2:
        # Nothing running long enough (start of year, holidays): leave the latest
        # finished cycles unreviewed instead, so something is overdue.
        for cycle in sorted(finished, key=lambda c: c.entry.review_date or act.today)[-2:]:
            cycle.entry = dataclasses.replace(cycle.entry, outcome=None)
            cycle.completed_on, cycle.next_step = None, ""
    return cycles


def add_reviews(act: Activity, in_story: set[int]) -> None:
    """Record a cycle for every started allocation not in ``in_story`` (written by hand)."""
    for cycle in _plan_cycles(act, in_story):
        reviews.record_past_cycle(
            act.session, cycle.entry, completed_on=cycle.completed_on, next_step=cycle.next_step
        )
