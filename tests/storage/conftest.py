"""Helpers for the storage tests: real SQLite files, a small school, file fingerprints."""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

from provmap_desktop.models import (
    AcademicYear,
    FundingBudget,
    FundingStream,
    GroupMembership,
    Provision,
    ProvisionGroup,
    Pupil,
    SchoolClass,
    SchoolSettings,
    Staff,
    StaffRole,
    Term,
    YearGroup,
)
from provmap_desktop.rules.upn import make_upn
from provmap_desktop.storage import open_database


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def side_files(path: Path) -> list[str]:
    """The ``-wal``/``-shm`` files that exist beside ``path``."""
    return [s for s in ("-wal", "-shm") if path.with_name(path.name + s).exists()]


def all_rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table in the file, sorted, keyed by table name."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        return {
            t: sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables
        }
    finally:
        conn.close()


def integrity(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [r[0] for r in conn.execute("PRAGMA integrity_check")]
    finally:
        conn.close()


def add_small_school(path: Path) -> None:
    """A school with a row in most tables, written through ``open_database``."""
    db = open_database(path)
    try:
        with db.session_factory() as s:
            s.add(SchoolSettings(name="Fixture Primary", urn="100001", la_number="202"))
            year = AcademicYear(
                label="2026/27", start_date=dt.date(2026, 9, 1), end_date=dt.date(2027, 7, 21)
            )
            year.terms.append(
                Term(name="Autumn", start_date=dt.date(2026, 9, 2), end_date=dt.date(2026, 12, 18))
            )
            y3 = YearGroup(name="Year 3", sort_order=3)
            cls = SchoolClass(name="3 Oak", year_group=y3)
            ta = StaffRole(name="Teaching assistant", hourly_cost=Decimal("18.40"))
            staff = Staff(name="Ms Reed", role=ta)
            stream = FundingStream(name="Notional SEN")
            stream.budgets.append(FundingBudget(academic_year=year, amount=Decimal("45000.00")))
            prov = Provision(name="Precision teaching", area="CL", delivered_by_role=ta)
            group = ProvisionGroup(
                provision=prov,
                academic_year=year,
                year_group=y3,
                staff=staff,
                start_date=dt.date(2026, 9, 7),
                end_date=dt.date(2026, 12, 11),
            )
            pupils = [
                Pupil(
                    upn=make_upn("202", "2001", 2019, n),
                    surname=f"Surname{n}",
                    forename=f"Forename{n}",
                    year_group=y3,
                    school_class=cls,
                    sen_status="K" if n % 2 else "N",
                )
                for n in range(1, 6)
            ]
            s.add_all([year, cls, staff, stream, group, *pupils])
            s.flush()
            s.add(
                GroupMembership(
                    group_id=group.id, pupil_id=pupils[0].id, join_date=group.start_date
                )
            )
            s.commit()
    finally:
        db.close()


@pytest.fixture
def school_file(tmp_path: Path) -> Path:
    """A closed ProvMap file holding the small school."""
    path = tmp_path / "school.provmap"
    add_small_school(path)
    return path
