"""SEN support plan versions and the meeting log as report sections, and the meetings PDF.

``plans_story`` and ``meetings_story`` are used by the evidence pack ("3 reviewed
plans in the last 12 months", then every version in order, then the meeting log);
``write_meetings_pdf`` is the record handed to the family after a meeting and kept
for a needs-assessment request (``provmap report meetings``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer
from sqlalchemy.orm import Session

from ..models import LearningPlan, Meeting, Pupil, TargetResult
from ..services.formatting import format_date
from ..services.plans import (
    linked_provision_names,
    meetings_of,
    plan_versions,
    reviews_in_last_year,
)
from . import evidence_pdf as ev


def _dated(day: dt.date | None) -> str:
    return format_date(day) if day else "no date set"


def _target_rows(plan: LearningPlan) -> list[list[str]]:
    rows = [["Target", "Baseline", "Success criterion", "By", "Result"]]
    for target in plan.targets:
        result = TargetResult(target.result).label if target.result else "–"
        rows.append(
            [
                target.text,
                target.baseline or "–",
                target.success_criterion or "–",
                format_date(target.target_date) if target.target_date else "–",
                result,
            ]
        )
    return rows


def _plan_story(session: Session, plan: LearningPlan) -> Flowable:
    """One version: dates, outcomes, targets with results, strategies, provision, voices."""
    state = (
        f"reviewed {format_date(plan.reviewed_on)}"
        if plan.reviewed_on
        else f"current; review due {_dated(plan.review_due)}"
    )
    parts: list[Flowable] = [
        ev.para(f"Plan {plan.version}: from {format_date(plan.started_on)}, {state}", ev.H3)
    ]
    for outcome in plan.outcomes:
        parts.append(ev.para(f"Long-term outcome: {outcome.text}", ev.SMALL))
    if plan.targets:
        width = 180 * mm
        widths = [width * f for f in (0.3, 0.18, 0.24, 0.12, 0.16)]
        parts.append(ev.table(_target_rows(plan), widths))
    else:
        parts.append(ev.para("No targets recorded.", ev.SMALL))
    if plan.strategies:
        parts.append(ev.para(f"Strategies for class teachers: {plan.strategies}", ev.SMALL))
    provision = linked_provision_names(session, plan)
    if provision:
        parts.append(ev.para(f"Provision from the map: {'; '.join(provision)}", ev.SMALL))
    for label, text in (
        ("Pupil voice", plan.pupil_voice),
        ("Parent/carer views", plan.parent_views),
        ("Review notes", plan.review_notes),
    ):
        if text:
            parts.append(ev.para(f"{label}: {text}", ev.SMALL))
    return KeepTogether(parts)


def plans_story(session: Session, pupil: Pupil, today: dt.date) -> list[Flowable]:
    """Every version of the pupil's plan in order, led by the reviews of the last year."""
    versions = plan_versions(session, pupil.id)
    reviewed = len(reviews_in_last_year(session, pupil.id, today))
    noun = "reviewed plan" if reviewed == 1 else "reviewed plans"
    story: list[Flowable] = [
        ev.para("SEN support plans, in order", ev.H2),
        Paragraph(f"<b>{reviewed} {noun} in the last 12 months</b>", ev.BODY),
    ]
    if not versions:
        story.append(ev.para("No SEN support plan is recorded yet."))
    story += [_plan_story(session, plan) for plan in versions]
    return story


def _meeting_story(meeting: Meeting) -> Flowable:
    """One meeting: who came, what was discussed and agreed, the actions."""
    came = [
        ("Parents/carers", meeting.parents_present),
        ("Pupil", "attended" if meeting.pupil_present else "did not attend"),
        ("Staff", meeting.staff_present),
        ("Other professionals", meeting.professionals_present),
    ]
    rows = [[label, text or "–"] for label, text in came]
    rows += [
        ["Discussed", meeting.discussed or "–"],
        ["Agreed", meeting.agreed or "–"],
        ["Copy to family", "given" if meeting.family_given_copy else "not yet given"],
    ]
    parts: list[Flowable] = [
        ev.para(f"Meeting on {format_date(meeting.held_on)}", ev.H3),
        ev.table(rows, [40 * mm, 140 * mm], header=False, label_column=True),
    ]
    if meeting.actions:
        actions = [["Action", "Who", "By", "Done"]]
        for action in meeting.actions:
            actions.append(
                [
                    action.text,
                    action.owner or "–",
                    format_date(action.due_on) if action.due_on else "–",
                    format_date(action.done_on) if action.done_on else "not yet",
                ]
            )
        parts += [Spacer(1, 2 * mm), ev.table(actions, [90 * mm, 40 * mm, 25 * mm, 25 * mm])]
    return KeepTogether(parts)


def meetings_story(session: Session, pupil: Pupil) -> list[Flowable]:
    """The pupil's meetings, oldest first (the order a panel reads a history in)."""
    found = sorted(meetings_of(session, pupil.id), key=lambda m: (m.held_on, m.id))
    story: list[Flowable] = [ev.para("Meetings with the family", ev.H2)]
    if not found:
        story.append(ev.para("No meetings are recorded yet."))
    story += [_meeting_story(m) for m in found]
    return story


def write_meetings_pdf(
    session: Session, pupil: Pupil, out: Path, *, today: dt.date | None = None
) -> Path:
    """Write the pupil's meeting log to ``out``."""
    today = today or dt.date.today()
    story: list[Flowable] = [ev.para(f"Meetings about {pupil.display_name}", ev.H1)]
    story += meetings_story(session, pupil)[1:]
    return ev.write_pdf(
        out,
        f"Meeting record: {pupil.display_name}",
        story,
        school=ev.school_name(session),
        today=today,
    )
