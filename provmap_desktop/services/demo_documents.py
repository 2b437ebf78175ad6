"""The demo school's custom fields and its one document, so both show on first run.

Part of ``services.demo``. Two fields the SENCO of Oakfield keeps (a medical alert,
and where each pupil's communication passport stands) with values for some of the
register, and Maya's educational psychologist's report, a one-page PDF drawn here
with ReportLab (the same bytes every time: no date or id is stamped in it).
"""

from __future__ import annotations

import datetime as dt
import io

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer
from sqlalchemy.orm import Session

from ..domain import custom_fields, documents
from ..models import FieldKind, Pupil

SENCO = "Mrs Harriet Cole"
PASSPORT_CHOICES = "In place\nBeing written\nNot needed"


def ep_report_pdf(pupil: Pupil, seen_on: dt.date) -> bytes:
    """A short educational psychologist's report on ``pupil``, as PDF bytes."""
    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=f"Educational psychology report: {pupil.forename} {pupil.surname}",
        author="Dr Sam Okafor, Educational Psychologist",
        invariant=1,
    )
    name = f"{pupil.forename} {pupil.surname}"
    story = [
        Paragraph("Educational Psychology Service: consultation report", styles["Title"]),
        Paragraph(f"Pupil: {name}. Seen in school on {seen_on:%d/%m/%Y}.", styles["Normal"]),
        Spacer(0, 12),
        Paragraph("What we found", styles["Heading2"]),
        Paragraph(
            f"{pupil.forename} reads single words well below what is typical for her age, "
            "and her working memory is a relative weakness. Her spoken vocabulary and "
            "reasoning are in the average range.",
            styles["Normal"],
        ),
        Paragraph("What we recommend", styles["Heading2"]),
        Paragraph(
            "Daily Precision Teaching of high-frequency words; instructions given one step "
            "at a time and backed by pictures; a review of progress in six months.",
            styles["Normal"],
        ),
    ]
    document.build(story)
    return buffer.getvalue()


def add_fields_and_documents(
    session: Session, today: dt.date, pupils: dict[int, list[Pupil]], maya: Pupil
) -> None:
    """Two custom fields with values for the register, and Maya's EP report."""
    alert = custom_fields.add_field(session, "Medical alert", FieldKind.YES_NO).row_id
    passport = custom_fields.add_field(
        session, "Communication passport", FieldKind.CHOICE, PASSPORT_CHOICES
    ).row_id
    register = [p for year in pupils.values() for p in year if p.sen_status in ("K", "E")]
    register.sort(key=lambda p: p.id)
    for index, pupil in enumerate(register[:12]):
        custom_fields.set_value(session, pupil.id, alert, index % 4 == 0)
        if pupil.primary_need in ("SLCN", "ASD") or pupil.id == maya.id:
            custom_fields.set_value(session, pupil.id, passport, "In place")
    custom_fields.set_value(session, maya.id, passport, "Being written")
    seen_on = today - dt.timedelta(days=40)
    documents.attach(
        session,
        maya.id,
        "Educational psychologist's report",
        "EP report.pdf",
        ep_report_pdf(maya, seen_on),
        added_by=SENCO,
        added_on=seen_on + dt.timedelta(days=7),
    )
