"""The plan as a PDF, read back: the hand-built planning school's findings, by name, in
each section; and ``provmap report planning`` on the demo school."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader
from sqlalchemy.orm import Session

from provmap_desktop.cli import EXIT_OK, main
from provmap_desktop.domain.planning import add_planned_need
from provmap_desktop.reports.planning_pdf import write_planning_pdf

from ..schools.templates import copy_school
from ..services.planning_school import TODAY, build


def _text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_the_plan_pdf_names_each_finding(session: Session, tmp_path: Path) -> None:
    school = build(session)
    add_planned_need(
        session, "2027/28", school["years"][3].id, "SEMH", pupils=4, grade="must",
        note="Nurture places for the new Reception cohort moving up",
    )  # fmt: skip
    out = write_planning_pdf(session, tmp_path / "plan.pdf", year_label="2027/28", today=TODAY)
    text = _flat(_text(out))
    expected = [
        "SEN provision plan for 2027/28",
        "6 pupils expected in 2027/28",
        "Year 3: 4 pupils, Social, emotional and mental health, must: Nurture places",
        "Year 3: no provision in Communication and interaction: Gus Gray",
        "Year 4: no provision in Social, emotional and mental health: Ben Brown",
        "Lego therapy: no pupil in it has a need in Social, emotional and mental health: Dan Dale",
        "Phonics is for Year 3, Year 4: Cal Cole (Year 5), Eve Evans (Year 6)",
        "Social, emotional and mental health: 1 place for 5 pupils needing: short by 4",
        "Speech and language therapy (30 min a week): Eve Evans",
        "£1,000.00 £1,140.00 over budget by £140.00",
        "No budgets are set for 2027/28 yet: the budgets shown are 2026/27's.",
        "Ms Jones 30 min 20 min 10 min 10 min 40 min over by 10 min",
        "Mr Khan 2 h 1 h 1 h under by 1 h",
        # Mon 20 + Wed 10 + Fri 10 minutes against her 30:
        "Ms Jones: 40 min planned against 30 min: over by 10 min",
        "Mr Khan: Maths catch-up and Lego therapy, Tuesday 10:15-10:30",
        "Ms Jones: Precision Teaching (for Precision Teaching)",
    ]
    missing = [line for line in expected if line not in text]
    assert not missing, text


def test_report_planning_from_the_command_line(tmp_path: Path) -> None:
    db = copy_school("demo", tmp_path / "demo.provmap")
    out = tmp_path / "PLAN.pdf"
    assert main(
        ["--db", str(db), "report", "planning", "--year", "2027/28", "--out", str(out)]
    ) == (EXIT_OK)
    text = _flat(_text(out))
    for heading in ("Projected needs by year group", "Gap analysis", "Cost against budget",
                    "Staff deployment", "Training needed"):  # fmt: skip
        assert heading in text


def test_report_planning_refuses_a_year_that_is_over(tmp_path: Path, capsys) -> None:
    db = copy_school("demo", tmp_path / "demo.provmap")
    code = main(["--db", str(db), "report", "planning", "--year", "2020/21", "--out",
                 str(tmp_path / "old.pdf")])  # fmt: skip
    assert code != EXIT_OK
    assert "2020/21 is over" in capsys.readouterr().err
