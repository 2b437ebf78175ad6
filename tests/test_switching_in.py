"""The first hour of a new school, from the command line: a new school, its pupils from
the MIS, its old map from a spreadsheet, and its own map printed."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from provmap_desktop.cli import EXIT_OK, main
from provmap_desktop.models import GroupMembership, Provision, ProvisionGroup, Pupil
from provmap_desktop.storage import open_database

DATA = Path(__file__).parent / "data"

# The map as a SENCO's spreadsheet has it: a title row, the frequency in brackets after
# the provision's name, first names and a preferred name ("Ben" is Benjamin Brown).
OLD_MAP = """Oakfield Primary provision map 2026/27,,,
Provision,Reception,Year 3,Year 4
Precision Teaching (3 x 10 min),Callum,Zoë,"Ava Ahmed, Ben"
Talking partners,Callum D.,,
Lego-based therapy,,,Benjamin Brown
"""


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert code == EXIT_OK, err
    return out


def test_new_school_pupils_old_map_and_the_schools_own_map(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "school.provmap")
    run(
        capsys,
        "--db",
        db,
        "new-school",
        "--name",
        "Oakfield Primary",
        "--phase",
        "primary",
        "--autumn-start",
        "2026-09-03",
    )
    run(capsys, "--db", db, "import-pupils", str(DATA / "pupils_sims_utf8_bom.csv"))
    old_map = tmp_path / "old-map.csv"
    old_map.write_text(OLD_MAP, encoding="utf-8")
    out = run(
        capsys, "--db", db, "import-map", str(old_map), "--year", "2026/27", "--term", "Autumn"
    )
    assert "1 provisions added" not in out  # Precision Teaching is the catalogue's own

    database = open_database(Path(db))
    try:
        with database.session_factory() as s:
            rows = s.execute(
                select(Provision.name, Pupil.forename, Pupil.surname)
                .join(ProvisionGroup, ProvisionGroup.provision_id == Provision.id)
                .join(GroupMembership, GroupMembership.group_id == ProvisionGroup.id)
                .join(Pupil, Pupil.id == GroupMembership.pupil_id)
            ).all()
            precision = s.scalars(
                select(Provision).where(Provision.name == "Precision Teaching")
            ).one()
            assert (precision.sessions_per_week, precision.session_minutes) == (3, 10)
    finally:
        database.close()
    assert sorted(rows) == sorted(
        [
            ("Precision Teaching", "Callum", "Davies"),
            ("Precision Teaching", "Zoë", "Clarke"),
            ("Precision Teaching", "Ava", "Ahmed"),
            ("Precision Teaching", "Benjamin", "Brown"),
            ("Talking partners", "Callum", "Davies"),
            ("Lego-based therapy", "Benjamin", "Brown"),
        ]
    )

    pdf = tmp_path / "map.pdf"
    run(
        capsys,
        "--db",
        db,
        "report",
        "map",
        "--out",
        str(pdf),
        "--year",
        "2026/27",
        "--term",
        "Autumn",
    )
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    for words in ("Callum Davies", "Zoë Clarke", "Ava Ahmed", "Ben Brown", "Talking partners"):
        assert words in text
