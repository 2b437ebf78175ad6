"""EHC plan annual reviews in a pupil's subject access export (JSON and PDF), in the
audit log, and gone after erasure with no trace left in the file."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from provmap_desktop.domain import annual_reviews, ehcp
from provmap_desktop.models import AuditEntry, EhcpAnnualReview, Pupil
from provmap_desktop.reports.sar_pdf import write_sar_pdf
from provmap_desktop.services.data_protection import erase_pupil, subject_access_export, vacuum
from provmap_desktop.storage import Database

from ..schools.templates import open_school

SECRET = "Quillon wants to join the lunchtime chess club"


def _review(session: Session) -> tuple[Pupil, int]:
    """Ava's plan (issued 14/03/2026) with a review held on 10/03/2027, report sent."""
    ava = session.scalars(select(Pupil).where(Pupil.forename == "Ava")).one()
    plan = ehcp.add_plan(session, ava.id, "LA/9").row_id
    ehcp.update_plan(session, plan, "issued_date", dt.date(2026, 3, 14))
    review = annual_reviews.start_review(session, plan, dt.date(2027, 3, 10)).row_id
    annual_reviews.update_review(session, review, "views_sought_on", dt.date(2027, 2, 22))
    annual_reviews.update_review(session, review, "pupil_views", SECRET)
    annual_reviews.update_review(session, review, "attendees", "Mrs Archer; Ava; SENCO")
    annual_reviews.update_review(session, review, "report_sent_on", dt.date(2027, 3, 20))
    session.commit()
    return ava, review


def test_subject_access_holds_the_annual_reviews_and_their_history(tmp_path: Path) -> None:
    db: Database = open_school("pupils", tmp_path / "school.provmap")
    try:
        with db.session_factory() as session:
            ava, _review_id = _review(session)
            data = subject_access_export(session, ava)
            (held,) = data["ehcp"]["annual_reviews"]
            assert held["meeting_on"] == "2027-03-10"
            assert held["views_sought_on"] == "2027-02-22"
            assert held["report_sent_on"] == "2027-03-20"
            assert held["pupil_views"] == SECRET
            logged = [e for e in data["audit"] if e["table"] == "ehcp_annual_reviews"]
            assert logged[0]["action"] == "insert"
            assert any((e["after"] or {}).get("pupil_views") == SECRET for e in logged)
            out = write_sar_pdf(session, tmp_path / "sar.pdf", ava)
            text = " ".join(" ".join(p.extract_text() for p in PdfReader(out).pages).split())
            assert "Annual reviews" in text
            assert "Annual review 1" in text
            assert "10/03/2027" in text
            assert "Mrs Archer; Ava; SENCO" in text
    finally:
        db.close()


@pytest.mark.sqlite_only("reads the bytes of the SQLite file and its log after erasure")
def test_erasure_removes_the_reviews_and_vacuum_leaves_no_trace(tmp_path: Path) -> None:
    path = tmp_path / "school.provmap"
    db = open_school("pupils", path)
    try:
        with db.session_factory() as session:
            ava, _review_id = _review(session)
            session.connection().exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            assert SECRET.encode() in path.read_bytes()  # the check can see it
            erase_pupil(session, ava.id)
            assert session.scalar(select(func.count()).select_from(EhcpAnnualReview)) == 0
            log = session.scalars(select(AuditEntry)).all()
            assert not any(SECRET in (e.after_json or "") for e in log)
            vacuum(session)
    finally:
        db.close()
    raw = b"".join(p.read_bytes() for p in (path, path.with_name(path.name + "-wal")) if p.exists())
    assert SECRET.encode() not in raw
    assert json.dumps(SECRET).encode()[1:-1] not in raw
