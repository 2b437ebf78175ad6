"""``provmap rollover``: the demo school moves on into 2027/28, dry run and real."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from provmap_desktop.cli import main
from provmap_desktop.domain import DomainError, groups
from provmap_desktop.models import (
    AcademicYear,
    Ehcp,
    EhcpProvisionItem,
    GroupMembership,
    ProvisionGroup,
    Pupil,
)
from provmap_desktop.storage import open_database
from provmap_desktop.storage.autobackup import list_copies

from .schools.templates import copy_school
from .storage.conftest import all_rows


def _demo(tmp_path: Path) -> Path:
    path = tmp_path / "demo.provmap"
    copy_school("demo", path)
    return path


def _map_text(db: Path, out: Path) -> str:
    assert main(["--db", str(db), "report", "map", "--year", "2026/27", "--out", str(out)]) == 0
    text = "\n".join(page.extract_text() for page in PdfReader(out).pages)
    return re.sub(r"Printed \d\d/\d\d/\d{4}", "", text)


def _facts(db: Path) -> dict[str, object]:
    """Who is where, as the file holds it."""
    database = open_database(db, create=False)
    try:
        with database.session_factory() as s:
            pupils = {p.upn: p for p in s.scalars(select(Pupil))}
            return {
                "year groups": {
                    u: (p.year_group.name if p.year_group else "") for u, p in pupils.items()
                },
                "archived": {u for u, p in pupils.items() if p.archived},
                "years": {
                    y.label: y.closed_on is not None for y in s.scalars(select(AcademicYear))
                },
            }
    finally:
        database.close()


def test_a_dry_run_prints_the_preview_and_changes_nothing(tmp_path, capsys):
    db = _demo(tmp_path)
    before = all_rows(db)
    assert main(["--db", str(db), "rollover", "--to", "2027/28", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Moving from 2026/27 to 2027/28." in out
    assert "Leaving and archived: 32 pupils." in out  # 30 in Year 6, 2 moving away
    assert "Next year's intake (already recorded): 3 pupils." in out
    assert "  Noah Pearce joins Reception" in out
    assert "Autumn: 02/09/2027 to 17/12/2027" in out
    assert "Dry run: nothing was changed." in out
    assert all_rows(db) == before
    assert [c for c in list_copies(db) if c.reason == "before-year-end"] == []


def test_the_demo_school_rolls_over_into_the_next_year(tmp_path, capsys):
    db = _demo(tmp_path)
    map_before = _map_text(db, tmp_path / "before.pdf")
    was = _facts(db)
    capsys.readouterr()

    assert main(["--db", str(db), "rollover", "--to", "2027/28"]) == 0
    out = capsys.readouterr().out
    assert "Done: the school is now in 2027/28" in out
    assert len([c for c in list_copies(db) if c.reason == "before-year-end"]) == 1

    now = _facts(db)
    assert now["years"] == {"2025/26": True, "2026/27": True, "2027/28": False}
    leavers = now["archived"] - was["archived"]  # type: ignore[operator]
    assert len(leavers) == 32
    assert {was["year groups"][u] for u in leavers} == {"Year 6", "Year 3"}  # type: ignore[index]
    order = ["Reception", *(f"Year {n}" for n in range(1, 7))]
    for upn, then in was["year groups"].items():  # type: ignore[attr-defined]
        if upn in leavers or upn in was["archived"]:  # type: ignore[operator]
            continue
        expected = (
            then if then == "Reception" and upn in _intake(db) else order[order.index(then) + 1]
        )
        assert now["year groups"][upn] == expected, upn  # type: ignore[index]

    # EHC plan provision carries on: every staying pupil's linked Section F item now
    # points at a place in a 2027/28 group.
    database = open_database(db, create=False)
    try:
        with database.session_factory() as s:
            linked = s.execute(
                select(AcademicYear.label, func.count())
                .select_from(EhcpProvisionItem)
                .join(Ehcp)
                .join(Pupil)
                .join(GroupMembership, EhcpProvisionItem.membership_id == GroupMembership.id)
                .join(ProvisionGroup)
                .join(AcademicYear)
                .where(Pupil.archived.is_(False))
                .group_by(AcademicYear.label)
            ).all()
            assert dict(linked).keys() == {"2027/28"}
            # Last year is read-only: a change to one of its groups is refused.
            old_group = s.scalars(
                select(ProvisionGroup).join(AcademicYear).where(AcademicYear.label == "2026/27")
            ).first()
            assert old_group is not None
            with pytest.raises(DomainError, match="2026/27 is closed"):
                _rename(s, old_group.id)
    finally:
        database.close()

    # Last year's map still prints, exactly as it did before the rollover.
    assert _map_text(db, tmp_path / "after.pdf") == map_before

    # A second rollover into the same year is refused, and nothing changes.
    rows = all_rows(db)
    assert main(["--db", str(db), "rollover", "--to", "2027/28"]) == 1
    err = capsys.readouterr().err
    assert "already moved on from 2026/27 into 2027/28" in err
    assert "Traceback" not in err
    assert all_rows(db) == rows


def _rename(session: Session, group_id: int) -> None:
    groups.update(session, group_id, "name", "Renamed")
    session.flush()


def _intake(db: Path) -> set[str]:
    database = open_database(db, create=False)
    try:
        with database.session_factory() as s:
            return set(
                s.scalars(
                    select(Pupil.upn)
                    .where(Pupil.on_roll_date >= AcademicYear.start_date)
                    .where(AcademicYear.label == "2027/28")
                )
            )
    finally:
        database.close()


def test_an_unknown_group_or_a_bad_year_ends_in_one_line(tmp_path, capsys):
    db = _demo(tmp_path)
    assert main(["--db", str(db), "rollover", "--to", "2027/28", "--end", "9999"]) == 1
    assert "Group 9999 is not one of the groups" in capsys.readouterr().err
    assert main(["--db", str(db), "rollover", "--to", "27/28"]) == 1
    assert "write it as 2027/28" in capsys.readouterr().err
    assert main(["--db", str(db), "rollover", "--to", "2027/28",
                 "--autumn-start", "2027-09-04"]) == 1  # fmt: skip
    assert "weekday in September 2027" in capsys.readouterr().err
