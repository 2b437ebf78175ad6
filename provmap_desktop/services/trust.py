"""A trust's overview: each school's provision and cost, side by side, no pupil named.

A multi-academy trust keeps each school in its own database (a file, or a database on
its server). ``school_figures`` reads one school's headline figures for a year;
``trust_document`` and ``trust_tables`` lay several schools out for a JSON file or a
spreadsheet (``reports.trust_pdf`` draws the PDF). Every figure is a count or a sum:
no pupil's name, UPN or date of birth is read into the overview at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import AcademicYear, Pupil, SchoolSettings
from ..models.vocab import SenStatus
from .calendar import current_or_latest_year
from .cost_limits import budget_totals, threshold_totals
from .cost_records import ZERO
from .costing import cost_map
from .spreadsheet import Column, Table

FORMAT = "provmap-trust-overview"
VERSION = 1


@dataclass(frozen=True)
class SchoolFigures:
    """One school's headline figures for one academic year (annual, planned)."""

    school: str
    academic_year: str
    #: Provisions with at least one group running in the year.
    provisions: int
    #: Pupils on roll on SEN support or with an EHC plan.
    sen_register: int
    #: Pupils on roll with an EHC plan.
    ehc_plans: int
    planned_cost: Decimal
    #: The year's budgets of every funding stream; None when none is entered.
    budget: Decimal | None
    threshold: Decimal
    #: Pupils whose planned annual provision costs at least the threshold.
    at_or_over_threshold: int

    @property
    def against_budget(self) -> Decimal | None:
        """Budget minus planned cost: negative when over budget; None without a budget."""
        return None if self.budget is None else self.budget - self.planned_cost


class NoSchoolError(ValueError):
    """The database holds no school, or not the year asked for."""


def _year(session: Session, label: str | None, today: dt.date) -> AcademicYear:
    if label:
        year = session.scalar(select(AcademicYear).where(AcademicYear.label == label.strip()))
        if year is None:
            raise NoSchoolError(f"has no academic year {label.strip()}")
        return year
    found = current_or_latest_year(session, today)
    if found is None:
        raise NoSchoolError("has no academic year set up")
    return found


def _count_on_roll(session: Session, *statuses: SenStatus) -> int:
    on_register = select(func.count(Pupil.id)).where(
        Pupil.archived.is_(False), Pupil.sen_status.in_([s.value for s in statuses])
    )
    return int(session.scalar(on_register) or 0)


def school_figures(session: Session, year_label: str | None, today: dt.date) -> SchoolFigures:
    """The school's figures for the year ``year_label`` (else the current or latest)."""
    settings = session.get(SchoolSettings, 1)
    if settings is None:
        raise NoSchoolError("holds no school")
    year = _year(session, year_label, today)
    costed = cost_map(session, year, as_of=today)
    budgets = budget_totals(session, year, costed=costed)
    any_budget = any(row.budget is not None for row in budgets.rows)
    threshold = threshold_totals(session, year, costed=costed)
    return SchoolFigures(
        school=settings.name,
        academic_year=year.label,
        provisions=sum(1 for key in costed.by_provision if key is not None),
        sen_register=_count_on_roll(session, SenStatus.SEN_SUPPORT, SenStatus.EHCP),
        ehc_plans=_count_on_roll(session, SenStatus.EHCP),
        planned_cost=costed.total.planned,
        budget=budgets.total_budget if any_budget else None,
        threshold=threshold.threshold,
        at_or_over_threshold=len(threshold.at_or_above),
    )


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(Decimal("0.01")))


def trust_totals(schools: Sequence[SchoolFigures]) -> dict[str, Any]:
    """The schools added up (budgets only where a school entered one)."""
    budgets = [s.budget for s in schools if s.budget is not None]
    return {
        "provisions": sum(s.provisions for s in schools),
        "sen_register": sum(s.sen_register for s in schools),
        "ehc_plans": sum(s.ehc_plans for s in schools),
        "planned_cost": sum((s.planned_cost for s in schools), ZERO),
        "budget": sum(budgets, ZERO) if budgets else None,
        "at_or_over_threshold": sum(s.at_or_over_threshold for s in schools),
    }


def trust_document(schools: Sequence[SchoolFigures], made_on: dt.date) -> dict[str, Any]:
    """The overview as JSON-ready data: money as exact decimal text in pounds."""
    totals = trust_totals(schools)
    return {
        "format": FORMAT,
        "version": VERSION,
        "made_on": made_on.isoformat(),
        "schools": [
            {
                "school": s.school,
                "academic_year": s.academic_year,
                "provisions": s.provisions,
                "sen_register": s.sen_register,
                "ehc_plans": s.ehc_plans,
                "planned_cost": _money(s.planned_cost),
                "budget": _money(s.budget),
                "against_budget": _money(s.against_budget),
                "threshold": _money(s.threshold),
                "at_or_over_threshold": s.at_or_over_threshold,
            }
            for s in schools
        ],
        "totals": {
            **totals,
            "planned_cost": _money(totals["planned_cost"]),
            "budget": _money(totals["budget"]),
        },
    }


TRUST_COLUMNS = [
    Column("School", width=30),
    Column("Academic year", width=12),
    Column("Provisions running", "int", 12),
    Column("Pupils on the SEN register", "int", 14),
    Column("EHC plans", "int", 10),
    Column("Planned cost", "money", 14),
    Column("Budget", "money", 14),
    Column("Budget left (negative: over)", "money", 16),
    Column("Threshold", "money", 12),
    Column("Pupils at or over the threshold", "int", 16),
]


def trust_tables(schools: Sequence[SchoolFigures]) -> list[Table]:
    """The overview as one sheet: a school a row, and the trust's total last."""
    rows: list[Sequence[Any]] = [
        [
            s.school,
            s.academic_year,
            s.provisions,
            s.sen_register,
            s.ehc_plans,
            s.planned_cost,
            s.budget,
            s.against_budget,
            s.threshold,
            s.at_or_over_threshold,
        ]
        for s in schools
    ]
    totals = trust_totals(schools)
    budget = totals["budget"]
    rows.append(
        [
            "Trust total",
            "",
            totals["provisions"],
            totals["sen_register"],
            totals["ehc_plans"],
            totals["planned_cost"],
            budget,
            None if budget is None else budget - totals["planned_cost"],
            None,
            totals["at_or_over_threshold"],
        ]
    )
    return [Table("Trust overview", TRUST_COLUMNS, rows)]
