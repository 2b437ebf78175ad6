"""The status strip's summary of what needs attention, each item a link to its screen.

Monday morning: reviews overdue or due (the one rule of ``services.review_cycle.due_reviews``,
which the Reviews screen shares), Section F items not matched, groups delivered below
amber, pupils at or over the per-pupil threshold, SEN support plans not reviewed this
term, meeting actions due and the steps of EHC plan annual reviews due. Each check is one function
from the session and today's date to an optional ``Attention`` item.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from .calendar import academic_year_for


@dataclass(frozen=True)
class Attention:
    text: str
    screen: str  # the screen key a click opens
    #: What on that screen, e.g. "pupil:12" or "threshold"; the link opens exactly it.
    target: str = ""

    @property
    def link(self) -> str:
        return f"{self.screen}#{self.target}" if self.target else self.screen


Check = Callable[[Session, dt.date], Attention | None]


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def reviews_due_item(session: Session, today: dt.date) -> Attention | None:
    """Reviews overdue or due soon, as one item linking to the Reviews screen."""
    from .review_cycle import DUE_WITHIN_DAYS, due_reviews

    count = due_reviews(session, today).count
    if not count:
        return None
    text = _plural(count, "review", "reviews")
    return Attention(f"{text} overdue or due in the next {DUE_WITHIN_DAYS} days", "reviews")


def section_f_item(session: Session, today: dt.date) -> Attention | None:
    """EHC plan Section F items no provision meets, linking to the first such pupil."""
    from .pupils import section_f_gaps

    found = section_f_gaps(session, today)
    count = len(found)
    if not count:
        return None
    # The first pupil with a gap, on the EHC plan tab where the items are.
    return Attention(
        _plural(count, "Section F item not matched", "Section F items not matched"),
        "pupils",
        f"section-f:{found[0].pupil.id}",
    )


def groups_below_amber(session: Session, today: dt.date) -> Attention | None:
    """Groups of this year delivered below amber, linking to the register."""
    from ..models import SchoolSettings
    from .delivery import rag
    from .memo import year_delivery_rates

    year = academic_year_for(session, today)
    if year is None:
        return None
    rates = year_delivery_rates(session, year.id, today)
    settings = session.get(SchoolSettings, 1)  # held here: not looked up once a group
    count = sum(1 for rate in rates.by_group.values() if rag(rate, settings)[0] == "Red")
    if not count:
        return None
    return Attention(_plural(count, "group below amber", "groups below amber"), "register")


def over_threshold(session: Session, today: dt.date) -> Attention | None:
    """Pupils costing at or over the per-pupil threshold this year."""
    from .cost_limits import threshold_totals
    from .formatting import format_money
    from .memo import year_costs

    year = academic_year_for(session, today)
    if year is None:
        return None
    report = threshold_totals(session, year.id, costed=year_costs(session, year.id, today))
    count = len(report.at_or_above)
    if not count:
        return None
    threshold = format_money(report.threshold)
    return Attention(
        _plural(count, f"pupil at or over {threshold}", f"pupils at or over {threshold}"),
        "costs",
        "threshold",
    )


def plans_not_reviewed(session: Session, today: dt.date) -> Attention | None:
    """Pupils on the SEN register whose plan has not been reviewed this term."""
    from .plans import plans_due

    count = len(plans_due(session, today))
    if not count:
        return None
    return Attention(
        _plural(count, "plan not reviewed this term", "plans not reviewed this term"),
        "pupils",
        "plans-due",
    )


def meeting_actions_due(session: Session, today: dt.date) -> Attention | None:
    """Actions agreed at meetings, not done, due within a week or overdue."""
    from .plans import actions_due

    found = actions_due(session, today)
    if not found:
        return None
    late = sum(1 for due in found if due.overdue(today))
    text = _plural(len(found), "meeting action due", "meeting actions due")
    return Attention(f"{text} ({late} overdue)" if late else text, "pupils", "actions-due")


def annual_review_steps_due(session: Session, today: dt.date) -> Attention | None:
    """Steps of EHC plan annual reviews not done, due within two weeks or overdue."""
    from .annual_reviews import steps_due

    found = steps_due(session, today)
    if not found:
        return None
    late = sum(1 for due in found if due.overdue(today))
    text = _plural(len(found), "EHC annual review step due", "EHC annual review steps due")
    return Attention(f"{text} ({late} overdue)" if late else text, "pupils", "annual-reviews-due")


CHECKS: list[Check] = [
    reviews_due_item,
    section_f_item,
    groups_below_amber,
    over_threshold,
    plans_not_reviewed,
    meeting_actions_due,
    annual_review_steps_due,
]


def attention_items(session: Session, today: dt.date) -> list[Attention]:
    """Every check's item for today, in the order of ``CHECKS``; none when all is well."""
    return [item for check in CHECKS if (item := check(session, today)) is not None]


def attention_html(items: list[Attention]) -> str:
    """Rich text for the status strip: each item a link named by its screen key."""
    if not items:
        return "Nothing needs attention today."
    return " · ".join(f'<a href="{i.link}">{html.escape(i.text)}</a>' for i in items)
