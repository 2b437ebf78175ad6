"""``provmap new-school``: a school set up from the command line, as the wizard would."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from provmap_desktop.cli import EXIT_OK
from provmap_desktop.models import (
    AcademicYear,
    FundingStream,
    Provision,
    SchoolSettings,
    StaffRole,
    YearGroup,
)
from provmap_desktop.storage import open_database

from .schools.templates import copy_school
from .storage.conftest import add_small_school, sha256
from .test_cli import assert_one_line_error, run

D = dt.date


def _new_school(capsys: pytest.CaptureFixture[str], path: Path, *extra: str) -> tuple[int, str]:
    code, out, err = run(
        capsys,
        "--db",
        str(path),
        "new-school",
        "--name",
        "Oakfield Primary",
        *extra,
    )
    assert err == ""
    return code, out


def _year_groups(path: Path) -> list[str]:
    db = open_database(path, create=False, read_only=True)
    try:
        with db.session_factory() as s:
            return list(s.scalars(select(YearGroup.name).order_by(YearGroup.sort_order)))
    finally:
        db.close()


def test_new_primary_school_has_terms_year_groups_roles_and_the_catalogue(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "oakfield.provmap"
    code, out = _new_school(capsys, path, "--phase", "primary", "--autumn-start", "2026-09-03")
    assert code == EXIT_OK
    assert "Oakfield Primary" in out
    assert str(path) in out

    db = open_database(path, create=False, read_only=True)
    try:
        with db.session_factory() as s:
            settings = s.get(SchoolSettings, 1)
            assert settings is not None
            assert (settings.name, settings.phase) == ("Oakfield Primary", "primary")
            year = s.scalars(select(AcademicYear)).one()
            assert year.label == "2026/27"
            # The autumn term opens on the day given; the rest follow the usual pattern
            # (spring from the first weekday on or after 4 January 2027, a Monday).
            assert [(t.name, t.start_date) for t in year.terms] == [
                ("Autumn", D(2026, 9, 3)),
                ("Spring", D(2027, 1, 4)),
                ("Summer", D(2027, 4, 12)),
            ]
            names = list(s.scalars(select(YearGroup.name).order_by(YearGroup.sort_order)))
            assert names == ["Reception", *(f"Year {n}" for n in range(1, 7))]
            assert s.scalar(select(func.count()).select_from(StaffRole)) == 9
            assert s.scalar(select(func.count()).select_from(FundingStream)) == 4
            # All 47 starter entries suit some primary year (none is secondary only).
            assert s.scalar(select(func.count()).select_from(Provision)) == 47
    finally:
        db.close()


def test_no_catalogue_leaves_the_catalogue_empty(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bare.provmap"
    code, _out = _new_school(
        capsys, path, "--phase", "primary", "--autumn-start", "03/09/2026", "--no-catalogue"
    )
    assert code == EXIT_OK
    db = open_database(path, create=False, read_only=True)
    try:
        with db.session_factory() as s:
            assert s.scalar(select(func.count()).select_from(Provision)) == 0
            assert s.scalar(select(func.count()).select_from(StaffRole)) == 9
    finally:
        db.close()


@pytest.mark.parametrize(
    ("phase", "expected"),
    [
        # The same year groups the first-start wizard gives each phase.
        ("secondary", [f"Year {n}" for n in range(7, 12)]),
        ("all-through", ["Reception", *(f"Year {n}" for n in range(1, 14))]),
    ],
)
def test_each_phase_gets_the_wizards_year_groups(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], phase: str, expected: list[str]
) -> None:
    path = tmp_path / f"{phase}.provmap"
    code, _out = _new_school(capsys, path, "--phase", phase, "--autumn-start", "2026-09-02")
    assert code == EXIT_OK
    assert _year_groups(path) == expected


def test_a_secondary_catalogue_leaves_out_primary_only_entries(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "secondary.provmap"
    _new_school(capsys, path, "--phase", "secondary", "--autumn-start", "2026-09-02")
    db = open_database(path, create=False, read_only=True)
    try:
        with db.session_factory() as s:
            names = set(s.scalars(select(Provision.name)))
            # Nurture group is for Reception-Year 6 only; touch typing runs from Year 3.
            assert "Nurture group" not in names
            typing = s.scalars(select(Provision).where(Provision.name == "Touch typing")).one()
            assert [y.name for y in typing.suitable_year_groups] == [
                f"Year {n}" for n in range(7, 12)
            ]
    finally:
        db.close()


def test_an_existing_school_file_is_refused_and_left_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "school.provmap"
    add_small_school(path)
    before = sha256(path)
    code, _out, err = run(
        capsys,
        "--db",
        str(path),
        "new-school",
        "--name",
        "Oakfield Primary",
        "--phase",
        "primary",
        "--autumn-start",
        "2026-09-03",
    )
    assert_one_line_error(code, err)
    assert "already" in err
    assert str(path) in err
    assert sha256(path) == before


def test_an_existing_non_database_file_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "notes.provmap"
    path.write_text("shopping list\n", encoding="utf-8")
    code, _out, err = run(
        capsys,
        "--db",
        str(path),
        "new-school",
        "--name",
        "Oakfield Primary",
        "--phase",
        "primary",
        "--autumn-start",
        "2026-09-03",
    )
    assert_one_line_error(code, err)
    assert path.read_text(encoding="utf-8") == "shopping list\n"


@pytest.mark.parametrize(
    ("day", "words"),
    [
        ("2026-09-05", "Saturday"),  # 5 September 2026 is a Saturday
        ("2026-10-01", "September"),
    ],
)
def test_a_bad_autumn_start_is_one_line_and_makes_no_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], day: str, words: str
) -> None:
    path = tmp_path / "new.provmap"
    code, _out, err = run(
        capsys,
        "--db",
        str(path),
        "new-school",
        "--name",
        "Oakfield Primary",
        "--phase",
        "primary",
        "--autumn-start",
        day,
    )
    assert_one_line_error(code, err)
    assert words in err
    assert not path.exists()


def test_a_blank_name_is_one_line_and_makes_no_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "new.provmap"
    code, _out, err = run(
        capsys,
        "--db",
        str(path),
        "new-school",
        "--name",
        "  ",
        "--phase",
        "primary",
        "--autumn-start",
        "2026-09-03",
    )
    assert_one_line_error(code, err)
    assert "name" in err
    assert not path.exists()


# -- export json / import json ---------------------------------------------------------

DATA = Path(__file__).resolve().parent / "data"


def _small_document() -> dict:
    return json.loads((DATA / "school_small.json").read_text(encoding="utf-8"))


def test_export_import_export_through_the_command_gives_the_same_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    demo = copy_school("demo", tmp_path / "demo.provmap")  # built once per run
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    code, out, err = run(capsys, "--db", str(demo), "export", "json", "--out", str(first))
    assert (code, err) == (EXIT_OK, "")
    assert f"Written to {first}" in out

    copy = tmp_path / "copy.provmap"
    code, out, err = run(capsys, "--db", str(copy), "import", "json", str(first))
    assert (code, err) == (EXIT_OK, "")
    assert "Oakfield Primary School" in out
    assert str(copy) in out
    code, _out, err = run(capsys, "--db", str(copy), "export", "json", "--out", str(second))
    assert (code, err) == (EXIT_OK, "")
    assert second.read_bytes() == first.read_bytes()


def test_import_json_refuses_a_file_that_holds_a_school(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "school.json"
    source.write_text(json.dumps(_small_document()), encoding="utf-8")
    target = tmp_path / "school.provmap"
    add_small_school(target)
    before = sha256(target)
    code, _out, err = run(capsys, "--db", str(target), "import", "json", str(source))
    assert_one_line_error(code, err)
    assert "already exists" in err
    assert sha256(target) == before


def test_import_json_lists_every_problem_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = _small_document()
    document["pupils"][0]["upn"] = "A80120001234"  # 12 characters, not 13
    document["groups"][0]["memberships"][0]["join_date"] = "14/09/2026"  # not ISO
    source = tmp_path / "bad.json"
    source.write_text(json.dumps(document), encoding="utf-8")
    target = tmp_path / "new.provmap"
    code, out, err = run(capsys, "--db", str(target), "import", "json", str(source))
    assert_one_line_error(code, err)
    assert "bad.json has 3 problems" in err
    assert "Nothing was written" in err
    assert out.splitlines() == [
        "$.groups[0].memberships[0].join_date: '14/09/2026' does not match "
        "'^[0-9]{4}-[0-9]{2}-[0-9]{2}$'",
        "$.groups[0].memberships[0].join_date: '14/09/2026' is not a 'date'",
        "$.pupils[0].upn: 'A80120001234' is too short",
    ]
    assert not target.exists()


def test_import_json_of_a_file_that_is_not_json_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "notes.json"
    source.write_text("this is not json\n", encoding="utf-8")
    target = tmp_path / "new.provmap"
    code, _out, err = run(capsys, "--db", str(target), "import", "json", str(source))
    assert_one_line_error(code, err)
    assert "notes.json is not a JSON file" in err
    assert not target.exists()
    code, _out, err = run(capsys, "--db", str(target), "import", "json", str(tmp_path / "no.json"))
    assert_one_line_error(code, err)
    assert "There is no file" in err


def test_import_json_of_a_hand_written_document(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "brook.provmap"
    code, out, err = run(
        capsys, "--db", str(target), "import", "json", str(DATA / "school_small.json")
    )
    assert (code, err) == (EXIT_OK, "")
    # The fixture holds one of each: pupil, provision, group, delivery session, review.
    assert "Brook Lane Primary" in out
    assert "1 pupil, 1 provision, 1 group, 1 delivery session, 1 review." in out
    db = open_database(target, create=False, read_only=True)
    try:
        with db.session_factory() as s:
            assert s.get(SchoolSettings, 1).name == "Brook Lane Primary"
    finally:
        db.close()


def test_export_json_wants_a_json_name_and_a_school(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    school = tmp_path / "school.provmap"
    add_small_school(school)
    code, _out, err = run(
        capsys, "--db", str(school), "export", "json", "--out", str(tmp_path / "s.txt")
    )
    assert_one_line_error(code, err)
    assert ".json" in err
    code, _out, err = run(
        capsys, "--db", str(tmp_path / "none.provmap"), "export", "json", "--out", "x.json"
    )
    assert_one_line_error(code, err)
    assert "There is no ProvMap database" in err
