"""``provmap import-pupils``, ``report profile`` and ``report pupil-map`` on a real file."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from provmap_desktop.cli import EXIT_FAILED, EXIT_OK, main
from provmap_desktop.models import Pupil, SchoolClass
from provmap_desktop.storage import open_database

from .schools.pupils import upn, write_pupils_csv
from .schools.templates import copy_school

DATA = Path(__file__).parent / "data"


@pytest.fixture
def db_path(tmp_path: Path) -> Iterator[Path]:
    return copy_school("pupils", tmp_path / "school.provmap")


def run(db_path: Path, *args: str) -> int:
    return main(["--db", str(db_path), *args])


def pupil_count(db_path: Path) -> int:
    db = open_database(db_path, create=False)
    try:
        with db.session_factory() as session:
            return session.scalar(select(func.count(Pupil.id))) or 0
    finally:
        db.close()


def pages(pdf: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(pdf).pages]


# -- import ---------------------------------------------------------------------------


def test_import_with_two_bad_rows_names_them_and_writes_nothing(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv_file = tmp_path / "mis.csv"
    wrong_letter = "A" + upn(156, year=17)[1:]
    write_pupils_csv(
        csv_file, 300, bad={57: {"UPN": wrong_letter}, 203: {"Year": "Year 9", "DOB": "31/02/2016"}}
    )
    assert run(db_path, "import-pupils", str(csv_file)) == EXIT_FAILED
    out = capsys.readouterr().out
    assert "300 pupil record(s) read" in out
    assert "Rejected: 2" in out
    rejected_lines = [line.strip() for line in out.splitlines() if line.startswith("  Row ")]
    assert [line.split(" (")[0] for line in rejected_lines] == ["Row 57", "Row 203"]
    assert f"UPN {wrong_letter} has the wrong check letter" in out
    assert "Year group 'Year 9' is not one of the school's year groups" in out
    assert "Date of birth '31/02/2016' is neither dd/mm/yyyy nor yyyy-mm-dd." in out
    assert "Nothing was written." in out
    assert pupil_count(db_path) == 4


def test_a_clean_file_imports_every_row(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv_file = tmp_path / "mis.csv"
    write_pupils_csv(csv_file, 300)
    assert run(db_path, "import-pupils", str(csv_file)) == EXIT_OK
    assert "Imported: 300 added, 0 updated, 0 unchanged." in capsys.readouterr().out
    assert pupil_count(db_path) == 304


def test_a_dry_run_reports_and_writes_nothing(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv_file = tmp_path / "mis.csv"
    write_pupils_csv(csv_file, 5)
    assert run(db_path, "import-pupils", str(csv_file), "--dry-run") == EXIT_OK
    out = capsys.readouterr().out
    assert "To add: 5" in out
    assert "Dry run: nothing was written." in out
    assert pupil_count(db_path) == 4


def test_a_transfer_file_imports_by_its_xml_suffix(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run(db_path, "import-pupils", str(DATA / "pupils_transfer_ctf.xml"))
    out = capsys.readouterr().out
    assert code == EXIT_OK, out
    assert "Imported: 0 added, 3 updated" in out
    db = open_database(db_path, create=False)
    try:
        with db.session_factory() as session:
            # The file holds three of the school's UPNs: it updates them, Ava Archer too.
            ava = session.scalar(select(Pupil).where(Pupil.upn == "X801200016001"))
            assert ava is not None
            assert (ava.surname, ava.sen_status, ava.primary_need) == ("Ahmed", "E", "ASD")
    finally:
        db.close()


def test_a_transfer_file_named_ctf_imports_and_nursery_leavers_join_as_intake(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run(db_path, "import-pupils", str(DATA / "ctf_nursery_transition.ctf"))
    out = capsys.readouterr().out
    assert code == EXIT_OK, out
    assert "2 pupil record(s) read" in out
    assert "Next year's intake: 2 pupils will join Reception on " in out
    assert "Imported: 2 added, 0 updated, 0 unchanged" in out
    db = open_database(db_path, create=False)
    try:
        with db.session_factory() as session:
            poppy = session.scalar(select(Pupil).where(Pupil.upn == "K801300125001"))
            assert poppy is not None
            assert poppy.year_group is not None
            assert poppy.year_group.name == "Reception"
            assert poppy.gender == "F"
            # The first day of next year: 1 September after today, as the summary says.
            assert poppy.on_roll_date is not None
            assert poppy.on_roll_date > dt.date.today()
            assert (poppy.on_roll_date.day, poppy.on_roll_date.month) == (1, 9)
            assert f"Reception on {poppy.on_roll_date:%d/%m/%Y}" in out
    finally:
        db.close()


def test_a_missing_file_is_a_one_line_error(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(db_path, "import-pupils", str(tmp_path / "nope.csv")) == EXIT_FAILED
    assert "There is no file" in capsys.readouterr().err


# -- reports --------------------------------------------------------------------------


def test_profile_for_one_pupil(db_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "ava.pdf"
    assert run(db_path, "report", "profile", "--pupil", upn(1), "--out", str(out)) == EXIT_OK
    text = "\n".join(pages(out))
    assert "Ava Archer" in text
    assert "My dog Biscuit and drawing comics." in text


@pytest.mark.parametrize(
    ("option", "expected"),
    [
        (("--year-group", "year 4"), ["Ava Archer", "Ben Brown"]),
        (("--class", "3b"), ["Cal Clark", "Dee Dunn"]),
        # The SEN register in surname order, across year groups (Dunn is in Year 3).
        (("--sen-register",), ["Ava Archer", "Ben Brown", "Dee Dunn"]),
    ],
)
def test_profile_batches_put_each_pupil_on_their_own_page(
    db_path: Path, tmp_path: Path, option: tuple[str, ...], expected: list[str]
) -> None:
    out = tmp_path / "batch.pdf"
    assert run(db_path, "report", "profile", *option, "--out", str(out)) == EXIT_OK
    firsts = pages(out)
    assert len(firsts) == len(expected)
    for text, name in zip(firsts, expected, strict=True):
        assert name in text


def test_profile_options_are_checked(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "x.pdf"
    assert run(db_path, "report", "profile", "--class", "6Z", "--out", str(out)) == EXIT_FAILED
    assert 'There is no class "6Z". Classes: 3B, 4M.' in capsys.readouterr().err
    assert run(db_path, "report", "profile", "--pupil", upn(9), "--out", str(out)) == EXIT_FAILED
    assert "No pupil has the UPN" in capsys.readouterr().err
    bad_name = tmp_path / "x.txt"
    assert run(db_path, "report", "profile", "--pupil", upn(1), "--out", str(bad_name)) == 1
    assert not out.exists()
    assert not bad_name.exists()


def test_pupil_map_report(db_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "map.pdf"
    assert run(db_path, "report", "pupil-map", "--pupil", upn(1), "--out", str(out)) == EXIT_OK
    text = "\n".join(pages(out))
    assert "Ava Archer" in text
    assert "Precision Teaching" in text
    assert "2025/26" in text
    assert "2026/27" in text


def test_reports_never_create_a_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "none.provmap"
    code = run(missing, "report", "pupil-map", "--pupil", upn(1), "--out", str(tmp_path / "m.pdf"))
    assert code == EXIT_FAILED
    assert not missing.exists() or missing.stat().st_size == 0


def test_classes_are_not_created_by_a_rejected_import(db_path: Path, tmp_path: Path) -> None:
    csv_file = tmp_path / "mis.csv"
    write_pupils_csv(csv_file, 3, bad={2: {"Reg": "9Z"}, 3: {"UPN": "bad"}})
    assert run(db_path, "import-pupils", str(csv_file)) == EXIT_FAILED
    db = open_database(db_path, create=False)
    try:
        with db.session_factory() as session:
            assert set(session.scalars(select(SchoolClass.name))) == {"3B", "4M"}
    finally:
        db.close()


# -- next year's intake ----------------------------------------------------------------


def _starters_csv(path: Path) -> Path:
    """Three Reception starters for September 2027, one arriving with an EHC plan."""
    path.write_text(
        "UPN,Legal Surname,Legal Forename,DOB,Gender,Year,SEN Status,Primary Need\n"
        f"{upn(901, 22)},Bennett,Arlo,03/03/2022,M,Reception,N,\n"
        f"{upn(902, 22)},Grant,Isla,14/06/2022,F,Reception,SEN Support,SLCN\n"
        f"{upn(903, 22)},Pearce,Noah,22/11/2021,M,Reception,EHC Plan,ASD\n",
        encoding="utf-8",
    )
    return path


def test_a_csv_of_starters_comes_in_as_next_years_intake(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from provmap_desktop.services.projection import next_year_pupils

    csv_file = _starters_csv(tmp_path / "starters.csv")
    assert run(db_path, "import-pupils", str(csv_file), "--intake", "2027/28") == EXIT_OK
    out = capsys.readouterr().out
    assert "Next year's intake: 3 pupils will join Reception on 01/09/2027" in out
    db = open_database(db_path, create=False)
    try:
        with db.session_factory() as s:
            starters = {
                p.forename: p
                for p in s.scalars(
                    select(Pupil).where(Pupil.upn.in_([upn(n, 22) for n in (901, 902, 903)]))
                )
            }
            assert {n: (p.on_roll_date, p.year_group.name) for n, p in starters.items()} == {
                n: (dt.date(2027, 9, 1), "Reception") for n in ("Arlo", "Isla", "Noah")
            }
            assert (starters["Isla"].sen_status, starters["Isla"].primary_need) == ("K", "SLCN")
            assert (starters["Noah"].sen_status, starters["Noah"].primary_need) == ("E", "ASD")
            assert starters["Noah"].ehcp is not None  # the plan comes with him
            assert starters["Arlo"].ehcp is None
            projection = next_year_pupils(s, "2027/28")
            assert sorted(p.name for p in projection.intake) == [
                "Arlo Bennett",
                "Isla Grant",
                "Noah Pearce",
            ]
    finally:
        db.close()


def test_an_intake_for_a_year_already_begun_is_refused(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv_file = _starters_csv(tmp_path / "starters.csv")
    before = pupil_count(db_path)
    assert run(db_path, "import-pupils", str(csv_file), "--intake", "2025/26") == EXIT_FAILED
    assert "2025/26 has already begun" in capsys.readouterr().err
    assert run(db_path, "import-pupils", str(csv_file), "--intake", "2027-28") == EXIT_FAILED
    assert "write it as 2027/28" in capsys.readouterr().err
    assert pupil_count(db_path) == before
