"""SEN support plans: each version's outcomes, targets, strategies and linked provision.

A pupil has at most one open (current) version. Reviewing it records each target's
result, the pupil's voice and the family's views, closes it, and starts the next
version with the same outcomes, strategies and provision and the targets not yet
achieved. A reviewed version is kept as it was: it can be printed, never edited.
Every function takes the session first, changes it without committing and returns a
``Change`` (undo and redo); refusals are ``DomainError`` in plain words.

    plan = plans.start_plan(session, pupil_id, started_on, review_due)
    plans.add_target(session, plan.row_id, "Read 40 tricky words", baseline="12 words",
                     success_criterion="40 of 45 read aloud", target_date=day)
    plans.review_plan(session, plan.row_id, PlanReview(reviewed_on=day, results=...))
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import (
    EhcpOutcome,
    LearningPlan,
    PlanOutcome,
    PlanProvision,
    PlanTarget,
    Provision,
    ProvisionGroup,
    Pupil,
    TargetResult,
)
from .change import Change, ChildRowsAdded, DomainError, FieldRule, Steps
from .change import set_field as _set_field
from .plan_rows import (
    PUPILS,
    add_rows,
    assign,
    date_or_none,
    get_row,
    remove_rows,
    words,
)


def current_plan(session: Session, pupil_id: int) -> LearningPlan | None:
    """The pupil's open plan version (not yet reviewed), if any."""
    return session.scalar(
        select(LearningPlan).where(
            LearningPlan.pupil_id == pupil_id, LearningPlan.reviewed_on.is_(None)
        )
    )


def _open_plan(session: Session, plan_id: int) -> LearningPlan:
    """The plan version ``plan_id``, refused when it has been reviewed (kept as it was)."""
    plan: LearningPlan = get_row(session, LearningPlan, plan_id, "plan")
    if plan.reviewed_on is not None:
        raise DomainError(
            f"Plan {plan.version} was reviewed on {plan.reviewed_on:%d/%m/%Y} and is kept "
            "as it was; change the current plan instead."
        )
    return plan


def _open_plan_of(session: Session, row: Any) -> LearningPlan:
    return _open_plan(session, row.plan_id)


def _next_order(rows: list[Any]) -> int:
    return max((r.sort_order for r in rows), default=0) + 1


# -- the plan -------------------------------------------------------------------------


def start_plan(
    session: Session, pupil_id: int, started_on: dt.date, review_due: dt.date | None = None
) -> ChildRowsAdded:
    """Start the pupil's first plan (or a fresh one after the last was reviewed)."""
    pupil: Pupil = get_row(session, Pupil, pupil_id, "pupil")
    if current_plan(session, pupil_id) is not None:
        raise DomainError(f"{pupil.display_name} already has a current plan; review it first.")
    started_on = _date(started_on, "start date")
    _check_due(started_on, review_due)
    last = session.scalar(
        select(LearningPlan.version)
        .where(LearningPlan.pupil_id == pupil_id)
        .order_by(LearningPlan.version.desc())
        .limit(1)
    )
    plan = LearningPlan(
        pupil_id=pupil_id,
        version=(last or 0) + 1,
        started_on=started_on,
        review_due=review_due,
        strategies="",
        home_help="",
        pupil_voice="",
        parent_views="",
        review_notes="",
    )
    return add_rows(session, plan)


def _date(value: Any, what: str) -> dt.date:
    day = date_or_none(value, what)
    if day is None:
        raise DomainError(f"The plan needs a {what}.")
    return day


def _check_due(started_on: dt.date, review_due: dt.date | None) -> None:
    if review_due is not None and review_due < started_on:
        raise DomainError(f"The review cannot be before the plan starts ({started_on:%d/%m/%Y}).")


def _review_due(session: Session, plan: LearningPlan, value: Any) -> Any:
    _open_plan(session, plan.id)
    value = date_or_none(value, "review date")
    _check_due(plan.started_on, value)
    return value


def _plan_text(what: str) -> FieldRule:
    def rule(session: Session, plan: LearningPlan, value: Any) -> str:
        _open_plan(session, plan.id)
        return words(value, what)

    return rule


#: The fields of a plan version ``update_plan`` may set, each with its rule.
PLAN_RULES: dict[str, FieldRule] = {
    "review_due": _review_due,
    "strategies": _plan_text("Strategies"),
    "home_help": _plan_text("How to help at home"),
}


def update_plan(session: Session, plan_id: int, field_name: str, value: Any) -> Change:
    """Set the review date, the strategies or the ideas for home of the current plan."""
    return _set_field(session, LearningPlan, plan_id, field_name, value, PLAN_RULES, PUPILS)


def remove_plan(session: Session, plan_id: int) -> Change:
    """Remove a plan never reviewed, with its rows (a later version: undo the review)."""
    plan = _open_plan(session, plan_id)
    if plan.version > 1:
        raise DomainError(
            "This plan follows a review; undo that review rather than remove the plan."
        )
    return remove_rows(session, [plan, *plan.outcomes, *plan.targets, *plan.provisions])


# -- long-term outcomes ---------------------------------------------------------------


def _ehcp_outcome(session: Session, row: Any, value: Any) -> int | None:
    if value is None:
        return None
    outcome = session.get(EhcpOutcome, value)
    if outcome is None:
        raise DomainError("That EHC plan outcome is no longer in the database.")
    if outcome.ehcp.pupil_id != row.pupil_id:
        raise DomainError("That EHC plan outcome is another pupil's.")
    return int(value)


def _outcome_text(session: Session, row: Any, value: Any) -> str:
    _open_plan_of(session, row)
    return words(value, "An outcome", required=True)


def _outcome_link(session: Session, row: Any, value: Any) -> int | None:
    _open_plan_of(session, row)
    return _ehcp_outcome(session, row, value)


#: The fields of an outcome ``update_outcome`` may set, each with its rule.
OUTCOME_RULES: dict[str, FieldRule] = {"text": _outcome_text, "ehcp_outcome_id": _outcome_link}


def add_outcome(
    session: Session, plan_id: int, text: str, ehcp_outcome_id: int | None = None
) -> ChildRowsAdded:
    """Add a long-term outcome, linked to an EHC plan Section E outcome if given."""
    plan = _open_plan(session, plan_id)
    row = PlanOutcome(
        plan_id=plan_id,
        pupil_id=plan.pupil_id,
        text=words(text, "An outcome", required=True),
        sort_order=_next_order(plan.outcomes),
    )
    row.ehcp_outcome_id = _ehcp_outcome(session, row, ehcp_outcome_id)
    return add_rows(session, row)


def update_outcome(session: Session, outcome_id: int, field_name: str, value: Any) -> Change:
    """Change an outcome's words or its EHC plan link."""
    return _set_field(session, PlanOutcome, outcome_id, field_name, value, OUTCOME_RULES, PUPILS)


def remove_outcome(session: Session, outcome_id: int) -> Change:
    """Remove an outcome of the current plan."""
    row = get_row(session, PlanOutcome, outcome_id, "outcome")
    _open_plan_of(session, row)
    return remove_rows(session, [row])


# -- small-step targets ---------------------------------------------------------------


def _target_date(session: Session, row: Any, value: Any) -> dt.date | None:
    plan = _open_plan_of(session, row)
    day = date_or_none(value, "target date")
    if day is not None and day < plan.started_on:
        raise DomainError(
            f"A target cannot be due before its plan starts ({plan.started_on:%d/%m/%Y})."
        )
    return day


def _target_text(what: str, *, required: bool = False) -> FieldRule:
    def rule(session: Session, row: Any, value: Any) -> str:
        _open_plan_of(session, row)
        return words(value, what, required=required)

    return rule


#: The fields of a target ``update_target`` may set, each with its rule.
TARGET_RULES: dict[str, FieldRule] = {
    "text": _target_text("A target", required=True),
    "baseline": _target_text("The baseline"),
    "success_criterion": _target_text("The success criterion"),
    "target_date": _target_date,
}


def add_target(
    session: Session,
    plan_id: int,
    text: str,
    *,
    baseline: str = "",
    success_criterion: str = "",
    target_date: dt.date | None = None,
) -> ChildRowsAdded:
    """Add a small-step target: what, where from (baseline), how we will know, by when."""
    plan = _open_plan(session, plan_id)
    row = PlanTarget(plan_id=plan_id, pupil_id=plan.pupil_id, sort_order=_next_order(plan.targets))
    for name, value in (
        ("text", text),
        ("baseline", baseline),
        ("success_criterion", success_criterion),
        ("target_date", target_date),
    ):
        setattr(row, name, TARGET_RULES[name](session, row, value))
    return add_rows(session, row)


def update_target(session: Session, target_id: int, field_name: str, value: Any) -> Change:
    """Change a target's words, baseline, success criterion or date."""
    return _set_field(session, PlanTarget, target_id, field_name, value, TARGET_RULES, PUPILS)


def remove_target(session: Session, target_id: int) -> Change:
    """Remove a target of the current plan."""
    row = get_row(session, PlanTarget, target_id, "target")
    _open_plan_of(session, row)
    return remove_rows(session, [row])


# -- provision from the map -----------------------------------------------------------


def link_provision(
    session: Session, plan_id: int, provision_id: int, group_id: int | None = None
) -> ChildRowsAdded:
    """Name a provision from the map (and its group, if one) that serves the plan."""
    plan = _open_plan(session, plan_id)
    provision = get_row(session, Provision, provision_id, "provision")
    if group_id is not None:
        group = get_row(session, ProvisionGroup, group_id, "group")
        if group.provision_id != provision_id:
            raise DomainError(f"That group is not a group of {provision.name}.")
    if any(p.provision_id == provision_id and p.group_id == group_id for p in plan.provisions):
        raise DomainError(f"{provision.name} is already linked to this plan.")
    row = PlanProvision(
        plan_id=plan_id,
        pupil_id=plan.pupil_id,
        provision_id=provision_id,
        group_id=group_id,
        sort_order=_next_order(plan.provisions),
    )
    return add_rows(session, row)


def unlink_provision(session: Session, link_id: int) -> Change:
    """Take a provision off the current plan (the provision itself stays on the map)."""
    row = get_row(session, PlanProvision, link_id, "linked provision")
    _open_plan_of(session, row)
    return remove_rows(session, [row])


# -- reviewing ------------------------------------------------------------------------


@dataclass
class PlanReview:
    """What a review records: the day, each target's result, and the voices heard."""

    reviewed_on: dt.date
    results: Mapping[int, TargetResult] = field(default_factory=dict)
    pupil_voice: str = ""
    parent_views: str = ""
    notes: str = ""
    #: When the next version will be reviewed ("when we will meet again").
    next_review_due: dt.date | None = None


def _check_review(plan: LearningPlan, review: PlanReview) -> None:
    reviewed_on = _date(review.reviewed_on, "review date")
    if reviewed_on < plan.started_on:
        raise DomainError(
            f"A plan cannot be reviewed before it started ({plan.started_on:%d/%m/%Y})."
        )
    if review.next_review_due is not None and review.next_review_due <= reviewed_on:
        raise DomainError("The next review must come after this one.")
    for target in plan.targets:
        if target.id not in review.results:
            raise DomainError(
                f"Say how far each target was met: “{target.text}” has no result yet."
            )
    known = {t.id for t in plan.targets}
    if any(key not in known for key in review.results):
        raise DomainError("A result was given for a target that is not on this plan.")


def review_plan(session: Session, plan_id: int, review: PlanReview) -> Change:
    """Close the current version with its review and start the next one.

    The next version keeps the outcomes, strategies, ideas for home and linked
    provision, and carries forward the targets not achieved (with no result yet).
    """
    plan = _open_plan(session, plan_id)
    _check_review(plan, review)
    steps: list[Change] = []
    for target in plan.targets:
        steps.append(assign(target, "result", TargetResult(review.results[target.id]).value))
    for name, value in (
        ("pupil_voice", words(review.pupil_voice, "Pupil voice")),
        ("parent_views", words(review.parent_views, "Parent/carer views")),
        ("review_notes", words(review.notes, "Review notes")),
        ("reviewed_on", review.reviewed_on),
    ):
        steps.append(assign(plan, name, value))
    session.flush()
    steps.append(add_rows(session, *_next_version(plan, review)))
    return Steps(steps)


def _next_version(plan: LearningPlan, review: PlanReview) -> list[Any]:
    """The next version's rows: the plan first, then its outcomes, targets and links."""
    pupil_id = plan.pupil_id
    following = LearningPlan(
        pupil_id=pupil_id,
        version=plan.version + 1,
        started_on=review.reviewed_on,
        review_due=review.next_review_due,
        strategies=plan.strategies,
        home_help=plan.home_help,
        pupil_voice="",
        parent_views="",
        review_notes="",
    )
    rows: list[Any] = [following]
    for outcome in plan.outcomes:
        rows.append(
            PlanOutcome(
                plan=following,
                pupil_id=pupil_id,
                text=outcome.text,
                ehcp_outcome_id=outcome.ehcp_outcome_id,
                sort_order=outcome.sort_order,
            )
        )
    for target in plan.targets:
        if review.results[target.id] == TargetResult.ACHIEVED:
            continue
        rows.append(
            PlanTarget(
                plan=following,
                pupil_id=pupil_id,
                text=target.text,
                baseline=target.baseline,
                success_criterion=target.success_criterion,
                target_date=None,
                sort_order=target.sort_order,
            )
        )
    for link in plan.provisions:
        rows.append(
            PlanProvision(
                plan=following,
                pupil_id=pupil_id,
                provision_id=link.provision_id,
                group_id=link.group_id,
                sort_order=link.sort_order,
            )
        )
    return rows
