"""The SEN support plan for the family: one page, plain English, large type.

Four headings a parent asked for: what we are working on, what we are doing at
school, how you can help at home, and when we will meet again. No codes, no
abbreviations: the need is said in words, targets in the school's own words, dates
as dd/mm/yyyy. Every piece of text on the page, header and footer included, is at
least 11 pt; if the plan is long the body steps down from 13 pt towards 11 pt so it
stays on one page.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer
from sqlalchemy.orm import Session

from ..models import LearningPlan, Pupil, SchoolSettings, TargetResult
from ..services.annual_reviews import annual_review_due, open_review
from ..services.formatting import format_date
from ..services.plans import linked_provision_names, plan_versions
from ..storage.safe_files import atomic_write
from .markup import escape
from .page import FONT, FONT_BOLD, MARGIN, ReportDocument, ReportInfo

#: The smallest type anywhere on the page.
SMALLEST = 11.0
#: A need as a family would say it; no code or abbreviation reaches the page.
NEED_WORDS: dict[str, str] = {
    "SPLD": "a specific learning difficulty, such as dyslexia",
    "MLD": "finding learning harder than most children of the same age",
    "SLD": "finding learning much harder than most children of the same age",
    "PMLD": "profound and multiple learning difficulties",
    "SEMH": "feelings, behaviour and getting on with others",
    "SLCN": "speech, language and communication",
    "HI": "hearing",
    "VI": "sight",
    "MSI": "hearing and sight",
    "PD": "a physical disability",
    "ASD": "autism",
    "OTH": "other needs",
}
RESULT_WORDS = {
    TargetResult.ACHIEVED.value: "done",
    TargetResult.PARTLY.value: "part of the way there",
    TargetResult.NOT_YET.value: "not yet",
}
_FILL = colors.HexColor("#eef3ea")


class FamilyPlanDocument(ReportDocument):
    """One page with a large-type header and footer and no page number."""

    def draw_header(self, canvas: Canvas) -> None:
        """The plan's title and the school, at 14 pt and 11 pt."""
        width, height = canvas._pagesize
        top = height - MARGIN
        canvas.setFont(FONT_BOLD, 14)
        canvas.drawString(MARGIN, top - 14, self.info.title)
        canvas.setFont(FONT, SMALLEST)
        canvas.drawRightString(width - MARGIN, top - 14, self.info.school_name)
        if self.info.period_text:
            canvas.drawString(MARGIN, top - 30, self.info.period_text)

    def draw_footer(self, canvas: Canvas) -> None:
        """ "Printed dd/mm/yyyy" at 11 pt."""
        canvas.setFont(FONT, SMALLEST)
        canvas.drawString(MARGIN, MARGIN + 2, f"Printed {format_date(self.info.printed_on)}")

    def write(self, story: list[Flowable]) -> None:
        """Build without the "Page x of y" canvas: the plan is one page."""
        self.build(story)


def _styles(size: float) -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("family_body", fontName=FONT, fontSize=size, leading=size * 1.3)
    return {
        "body": body,
        "bullet": ParagraphStyle(
            "family_bullet",
            parent=body,
            leftIndent=14,
            bulletIndent=2,
            bulletFontSize=size,  # the bullet too: ReportLab's default is 10 pt
            spaceAfter=2,
        ),
        "heading": ParagraphStyle(
            "family_heading",
            parent=body,
            fontName=FONT_BOLD,
            fontSize=size + 3,
            leading=(size + 3) * 1.25,
            spaceBefore=8,
            spaceAfter=4,
            backColor=_FILL,
            borderPadding=3,
        ),
    }


def _need_words(pupil: Pupil) -> str:
    needs = [NEED_WORDS[c] for c in (pupil.primary_need, pupil.secondary_need) if c in NEED_WORDS]
    if not needs:
        return ""
    return f"We are giving {pupil.preferred_name or pupil.forename} extra help with " + (
        " and ".join(needs) + "."
    )


def _bullets(lines: list[str], style: ParagraphStyle) -> list[Flowable]:
    return [Paragraph(escape(line), style, bulletText="•") for line in lines]


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _sentence(text: str) -> str:
    """``text`` ending in a full stop, unless it already ends a sentence."""
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else f"{text}."


def _working_on(plan: LearningPlan, name: str, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    story: list[Flowable] = [Paragraph("What we are working on", s["heading"])]
    for outcome in plan.outcomes:
        story.append(Paragraph(f"<b>Our aim:</b> {escape(outcome.text)}", s["body"]))
    for target in plan.targets:
        # The target on its own line, then where the child is and how we will know,
        # each a sentence of its own: run together they read as one long muddle.
        words = [f"<b>{escape(_sentence(target.text))}</b>"]
        if target.baseline:
            words.append(f"Where {name} is now: {escape(_sentence(target.baseline))}")
        if target.success_criterion:
            words.append(f"We will know {name} has done it when: "
                         f"{escape(_sentence(target.success_criterion))}")  # fmt: skip
        if target.target_date:
            words.append(f"By {format_date(target.target_date)}.")
        story.append(Paragraph("<br/>".join(words), s["bullet"], bulletText="•"))
    if not plan.outcomes and not plan.targets:
        story.append(Paragraph("We will agree the targets together.", s["body"]))
    return story


def _at_school(
    session: Session, plan: LearningPlan, s: dict[str, ParagraphStyle]
) -> list[Flowable]:
    story: list[Flowable] = [Paragraph("What we are doing at school", s["heading"])]
    lines = _lines(plan.strategies) + linked_provision_names(session, plan, with_groups=False)
    story += _bullets(lines or ["Your child's teachers will tell you at our next meeting."],
                      s["bullet"])  # fmt: skip
    return story


def _last_time(previous: LearningPlan | None, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    if previous is None or not previous.targets:
        return []
    lines = [f"{t.text}: {RESULT_WORDS.get(t.result or '', 'not looked at')}"
             for t in previous.targets]  # fmt: skip
    return [Paragraph("How the last targets went", s["heading"]), *_bullets(lines, s["bullet"])]


def _annual_review_words(pupil: Pupil, name: str) -> str:
    """When the EHC plan's annual review meets (or is due), in words; "" without a plan."""
    plan = pupil.ehcp
    if plan is None:
        return ""
    review = open_review(plan)
    if review is not None and review.meeting_on is not None:
        return (
            f"The yearly review of {name}'s Education, Health and Care plan is on "
            f"{format_date(review.meeting_on)}. We will send you an invitation."
        )
    due = annual_review_due(plan)
    if due is None:
        return ""
    return (
        f"The yearly review of {name}'s Education, Health and Care plan is due by "
        f"{format_date(due)}. We will agree the date with you."
    )


def family_plan_story(
    session: Session, pupil: Pupil, plan: LearningPlan, size: float
) -> list[Flowable]:
    """The plan's page at body size ``size`` (never below 11 pt)."""
    s = _styles(max(size, SMALLEST))
    name = pupil.preferred_name or pupil.forename
    versions = plan_versions(session, pupil.id)
    previous = next((v for v in versions if v.version == plan.version - 1), None)
    story: list[Flowable] = []
    need = _need_words(pupil)
    if need:
        story.append(Paragraph(escape(need), s["body"]))
    story += _working_on(plan, name, s)
    story += _at_school(session, plan, s)
    story.append(Paragraph("How you can help at home", s["heading"]))
    story += _bullets(_lines(plan.home_help) or ["We will talk about this together."], s["bullet"])
    story += _last_time(previous, s)
    when = (
        f"We will meet again on {format_date(plan.review_due)} to see how {name} is getting on."
        if plan.review_due
        else "We will agree a date to meet again soon."
    )
    meet = [Paragraph("When we will meet again", s["heading"]), Paragraph(when, s["body"])]
    annual = _annual_review_words(pupil, name)
    if annual:
        meet.append(Paragraph(escape(annual), s["body"]))
    story.append(KeepTogether(meet))
    story.append(Spacer(1, 6))
    return story


def write_family_plan_pdf(
    session: Session,
    pupil: Pupil,
    out: Path,
    *,
    plan: LearningPlan | None = None,
    today: dt.date | None = None,
) -> Path:
    """Write the plan (the current version unless one is given) for the family, one page."""
    versions = plan_versions(session, pupil.id)
    if plan is None:
        plan = next((v for v in reversed(versions) if v.reviewed_on is None), None)
        plan = plan or (versions[-1] if versions else None)
    if plan is None:
        raise ValueError(f"{pupil.display_name} has no SEN support plan yet.")
    settings = session.get(SchoolSettings, 1)
    name = pupil.preferred_name or pupil.forename
    info = ReportInfo(
        title=f"{name} {pupil.surname}'s support plan",
        school_name=settings.name if settings else "",
        period_text=f"Plan {plan.version}, from {format_date(plan.started_on)}",
        printed_on=today or dt.date.today(),
    )
    target = Path(out)
    target.parent.mkdir(parents=True, exist_ok=True)
    for size in (13.0, 12.0, SMALLEST):
        with atomic_write(target) as temp:
            doc = FamilyPlanDocument(str(temp), info)
            doc.write(family_plan_story(session, pupil, plan, size))
            pages = doc.page
        if pages == 1:
            break
    return target
