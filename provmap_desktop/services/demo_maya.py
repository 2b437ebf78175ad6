"""Maya's year, written by hand: the Year 4 worked example of the graduated approach.

Part of ``services.demo``. Last year in Year 4 Maya had Precision Teaching (3 x 10
minutes a week for 12 weeks in a group of four), a mid-point review that modified it,
and an end review that found four months' reading-age progress against a six-month
target and escalated to a specialist assessment and a Wave 3 structured literacy
programme, which continues this year. Her reviews are recorded through
``domain.reviews.record_past_cycle``.
"""

from __future__ import annotations

import datetime as dt

from ..domain import reviews
from ..domain.reviews import CycleEntry, Outcome
from ..models import AcademicYear, GroupMembership, ProvisionGroup, Pupil
from .demo_groups import Activity, after_teaching_weeks, age_months, block, monday_on_or_after
from .demo_groups import reading_age as ra


def _groups(
    act: Activity, previous: AcademicYear, current: AcademicYear, maya: Pupil
) -> tuple[GroupMembership, GroupMembership, GroupMembership]:
    """Maya's groups: Precision Teaching, the assessment, Wave 3 last year and this.

    Returns her Precision Teaching allocation and her two Wave 3 allocations.
    """
    calendar = act.calendars[previous.id]
    start = monday_on_or_after(dt.date(previous.start_date.year, 11, 23))
    end = after_teaching_weeks(calendar, start, 12)
    pt = act.group("Precision Teaching", previous, (start, end), (4,), "ta1", (0, 2, 4), "09:10")
    pt_member = act.join(pt, maya, settled=True)
    act.members(pt, (4,), 3, 1)

    assess_start = monday_on_or_after(end + dt.timedelta(days=10))
    assess_dates = (assess_start, after_teaching_weeks(calendar, assess_start, 3))
    assess = act.group(
        "SpLD outreach assessment", previous, assess_dates, (4,), "spld", (2,), "10:00"
    )
    act.join(assess, maya, settled=True)
    last_dates = (block(previous, calendar, "summer:10")[0], previous.terms[-1].end_date)
    wave3_name = "Structured cumulative literacy programme"
    wave3_last = act.group(wave3_name, previous, last_dates, (4,), "hlta2", (0, 2, 4), "11:00")
    wave3_last_member = act.join(wave3_last, maya, settled=True)
    this_dates = block(current, act.calendars[current.id], "year")
    wave3 = act.group(wave3_name, current, this_dates, (5,), "hlta2", (0, 2, 4), "11:00")
    return pt_member, wave3_last_member, act.join(wave3, maya, settled=True)


def _precision_teaching(act: Activity, member: GroupMembership, baseline: int) -> None:
    """Her Precision Teaching block's mid-point review (modify) and end review (escalate)."""
    group: ProvisionGroup = member.group
    start, end = group.start_date, group.end_date
    midpoint = after_teaching_weeks(act.calendars[group.academic_year_id], start, 6)

    def entry(on: dt.date, outcome: Outcome, **views: str) -> CycleEntry:
        """A review of the block on ``on``, against the block's baseline and target."""
        return CycleEntry(
            membership_id=member.id,
            measure_type="reading_age",
            baseline=ra(baseline),
            baseline_date=start,
            outcome_sought="Read independently with greater accuracy and fluency",
            target="Six months' progress in reading age over the 12-week block",
            target_value=ra(baseline + 6),
            review_date=on,
            outcome=outcome,
            **views,
        )

    reviews.record_past_cycle(
        act.session,
        entry(
            midpoint,
            Outcome(ra(baseline + 2), midpoint, "partly", "modify"),
            pupil_voice="The colours help me remember the sounds.",
        ),
        completed_on=midpoint,
        next_step="Change the prompt hierarchy; colour-code letter-sound correspondences.",
    )
    escalate_to = "Specialist teacher assessment (SpLD outreach); Wave 3"
    reviews.record_past_cycle(
        act.session,
        entry(
            end,
            Outcome(ra(baseline + 4), end, "partly", "escalate", escalate_to),
            parent_views="Mum agrees to the referral and will read with Maya each evening.",
        ),
        completed_on=end + dt.timedelta(days=3),
        next_step="Refer to SpLD outreach; start a structured, cumulative literacy programme.",
    )


def _wave3(act: Activity, last: GroupMembership, this: GroupMembership, baseline: int) -> None:
    """Her Wave 3 reviews: last summer's (target met, continue) and this year's, planned."""
    ended = last.group.end_date
    reviews.record_past_cycle(
        act.session,
        CycleEntry(
            membership_id=last.id,
            measure_type="reading_age",
            baseline=ra(baseline + 4),
            baseline_date=last.group.start_date,
            outcome_sought="Secure the phonic code and read with fluency",
            target="Four months' progress in reading age this term",
            target_value=ra(baseline + 8),
            review_date=ended,
            outcome=Outcome(ra(baseline + 9), ended, "met", "continue"),
        ),
        completed_on=ended,
        next_step="Continue the programme 1:1 next year.",
    )
    start = this.group.start_date
    reviews.record_past_cycle(
        act.session,
        CycleEntry(
            membership_id=this.id,
            measure_type="reading_age",
            baseline=ra(baseline + 9),
            baseline_date=start,
            outcome_sought=(
                "Read age-appropriate texts with a reading age within a year of her age"
            ),
            target="Six months' progress in reading age by the review",
            target_value=ra(baseline + 15),
            review_date=max(act.today + dt.timedelta(days=9), start),
        ),
    )


def maya_story(
    act: Activity, previous: AcademicYear, current: AcademicYear, maya: Pupil
) -> set[int]:
    """Last year's Precision Teaching, its two reviews, the escalation, this year's Wave 3.

    Returns the ids of the allocations whose reviews are written here.
    """
    pt_member, wave3_last, wave3 = _groups(act, previous, current, maya)
    baseline = age_months(maya.date_of_birth, pt_member.group.start_date) - 24  # two years
    _precision_teaching(act, pt_member, baseline)
    _wave3(act, wave3_last, wave3, baseline)
    return {pt_member.id, wave3_last.id, wave3.id}
