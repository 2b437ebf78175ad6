"""The costed map's one-page summary for governors (``write_costed_pdf(governors=True)``).

The totals planned and to date, by area of need, by year group and by funding stream
against its budget, and how many pupils are at or over the threshold. It names no pupil
anywhere, and no text is smaller than 9 pt.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from reportlab.platypus import Spacer

from ..services.cost_limits import BudgetTotals
from ..services.cost_records import ZERO
from ..services.costed_lines import CostedSummary, TotalLine
from ..services.formatting import format_date, format_money, round_money
from . import base
from .markup import escape

_GOV_BODY = base.ParagraphStyle("gov_body", fontName=base.FONT, fontSize=10, leading=13)
_GOV_CELL = base.ParagraphStyle("gov_cell", fontName=base.FONT, fontSize=9.5, leading=11.5)
_GOV_CELL_BOLD = base.ParagraphStyle("gov_cell_bold", parent=_GOV_CELL, fontName=base.FONT_BOLD)
_GOV_RIGHT = base.ParagraphStyle("gov_right", parent=_GOV_CELL, alignment=2)
_GOV_RIGHT_BOLD = base.ParagraphStyle("gov_right_bold", parent=_GOV_RIGHT, fontName=base.FONT_BOLD)
_GOV_HEADING = base.ParagraphStyle(
    "gov_heading", fontName=base.FONT_BOLD, fontSize=11.5, leading=14, spaceBefore=8,
    spaceAfter=3, keepWithNext=1,
)  # fmt: skip


def _difference(budget: Decimal | None, planned: Decimal) -> str:
    """The budget against the planned spend, in words: "£8.00 over", "£381.00 under"."""
    if budget is None:
        return "no budget set"
    gap = round_money(budget) - round_money(planned)
    if gap < 0:
        return f"{format_money(-gap)} over"
    return f"{format_money(gap)} under" if gap else "on budget"


def _gov_table(header: list[str], rows: list[list[str]], widths: list[float]) -> Any:
    """A table in 9.5 pt, figures right-aligned, the last row (the total) in bold."""

    def cell(text: str, column: int, bold: bool) -> Any:
        """One cell: names left, figures right, bold for the heading and total rows."""
        if column == 0:
            return base.markup_para(escape(text), _GOV_CELL_BOLD if bold else _GOV_CELL)
        return base.markup_para(escape(text), _GOV_RIGHT_BOLD if bold else _GOV_RIGHT)

    head = [cell(h, i, True) for i, h in enumerate(header)]
    body = [
        [cell(v, i, n == len(rows) - 1) for i, v in enumerate(row)] for n, row in enumerate(rows)
    ]
    total_row = [("BACKGROUND", (0, -1), (-1, -1), base.HEADER_FILL)]
    table = base.make_table(head, body, widths, extra_style=total_row)
    table.hAlign = "LEFT"
    return table


def _opening(summary: CostedSummary) -> list[Any]:
    """The totals planned and to date, and the pupils at or over the threshold."""
    threshold = summary.threshold
    return [
        base.markup_para(
            f"Planned cost of SEN provision: <b>{format_money(summary.planned)}</b>. "
            f"Spent to date (sessions delivered up to {format_date(summary.as_of)}): "
            f"<b>{format_money(summary.to_date)}</b>. {summary.scope_label}, "
            f"{summary.period_label}.",
            _GOV_BODY,
        ),
        base.markup_para(
            f"Pupils at or over the {format_money(threshold.threshold)} threshold: "
            f"<b>{len(threshold.at_or_above)}</b> (annual totals). "
            f"Pupils costed: {summary.pupils_costed}.",
            _GOV_BODY,
        ),
    ]


def _heading_section(
    heading: str, lines: list[TotalLine], summary: CostedSummary, width: float
) -> list[Any]:
    """A heading's planned and to-date figures with the total row; nothing when empty."""
    if not lines:
        return []
    total = ["Total", format_money(summary.planned), format_money(summary.to_date)]
    rows = [
        [line.heading, format_money(line.planned), format_money(line.to_date)] for line in lines
    ]
    three = [width * 0.44, width * 0.18, width * 0.18]
    return [
        base.para(heading, _GOV_HEADING),
        _gov_table(["", "Planned", "To date"], [*rows, total], three),
    ]


def _budget_section(budget: BudgetTotals, width: float) -> list[Any]:
    """Each funding stream's budget, planned spend, spend to date and the difference."""
    budgets_set = any(b.budget is not None for b in budget.rows)
    total_budget = budget.total_budget if budgets_set else None
    rows = [
        [
            b.name,
            format_money(b.budget, blank="none set"),
            format_money(b.planned),
            format_money(b.to_date),
            _difference(b.budget, b.planned),
        ]
        for b in budget.rows
    ]
    rows.append(
        [
            "Total",
            format_money(total_budget, blank="none set"),
            format_money(budget.total_planned),
            format_money(sum((b.to_date for b in budget.rows), ZERO)),
            _difference(total_budget, budget.total_planned),
        ]
    )
    widths = [width * f for f in (0.32, 0.16, 0.16, 0.16, 0.2)]
    return [
        base.para("By funding stream, against the budget", _GOV_HEADING),
        _gov_table(["", "Budget", "Planned", "To date", "Difference"], rows, widths),
    ]


def governors_story(summary: CostedSummary, width: float) -> list[Any]:
    """One page for governors: the school's figures and no pupil's name."""
    story = _opening(summary)
    story += _heading_section("By area of need", summary.by_area, summary, width)
    story += _heading_section("By year group", summary.by_year_group, summary, width)
    if summary.budget is not None and summary.budget.rows:
        story += _budget_section(summary.budget, width)
    else:
        story += _heading_section("By funding stream", summary.by_funding_stream, summary, width)
    story.append(Spacer(1, 8))
    story.append(
        base.para(
            "No pupil is named in this summary. The detailed costed map, with each "
            "provision, group and pupil, is kept by the SENCO and the business manager.",
            _GOV_CELL,
        )
    )
    return story
