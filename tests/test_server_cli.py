"""``provmap --db postgresql://…``: the commands on a server, and ``copy-to`` both ways.

The demo school (built as of 23/11/2026) has 213 pupils, 55 groups and 47 provisions;
``tests/services/test_demo.py`` checks those numbers against the demo's own data.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from provmap_desktop.cli import main
from provmap_desktop.storage import migrate

from .schools.templates import copy_school


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _server_counts(address: str) -> dict[str, int]:
    engine = create_engine(address.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as conn:
            return {
                table: conn.scalar(text(f'SELECT count(*) FROM "{table}"'))
                for table in ("pupils", "provision_groups", "provisions", "session_attendance")
            }
    finally:
        engine.dispose()


def _file_counts(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(path)
    try:
        return {
            table: conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
            for table in ("pupils", "provision_groups", "provisions", "session_attendance")
        }
    finally:
        conn.close()


def test_a_school_file_moves_up_to_an_empty_server_database(
    tmp_path: Path, pg_bare: str, capsys: pytest.CaptureFixture[str]
) -> None:
    school = copy_school("demo", tmp_path / "school.provmap")
    expected = _file_counts(school)
    assert expected["pupils"] == 213
    assert expected["provision_groups"] == 55

    code, out, err = run(capsys, "--db", str(school), "copy-to", pg_bare)

    assert (code, err) == (0, "")
    assert _server_counts(pg_bare) == expected
    assert "pupils: 213" in out
    assert "provision_groups: 55" in out
    # The cost totals were compared for each academic year and printed.
    assert re.search(r"2026/27: planned £[\d,]+\.\d\d, to date £[\d,]+\.\d\d", out)
    # The id sequences were moved past the copied ids: the next pupil gets a new one.
    engine = create_engine(pg_bare.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        biggest = conn.scalar(text("SELECT max(id) FROM pupils"))
        next_id = conn.scalar(text("SELECT nextval(pg_get_serial_sequence('pupils', 'id'))"))
    engine.dispose()
    assert next_id == biggest + 1


def test_copy_to_refuses_a_server_database_that_holds_a_school(
    tmp_path: Path, pg_demo: str, capsys: pytest.CaptureFixture[str]
) -> None:
    school = copy_school("calendar", tmp_path / "school.provmap")
    before = _server_counts(pg_demo)

    code, _out, err = run(capsys, "--db", str(school), "copy-to", pg_demo)

    assert code == 1
    assert "is not empty" in err
    assert "Nothing was changed" in err
    assert err.count("\n") == 1
    assert _server_counts(pg_demo) == before


def test_a_server_school_comes_back_down_to_a_new_file(
    tmp_path: Path, pg_demo: str, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "laptop.provmap"

    code, out, err = run(capsys, "--db", pg_demo, "copy-to", str(target))

    assert (code, err) == (0, "")
    assert _file_counts(target) == _server_counts(pg_demo)
    assert _file_counts(target)["pupils"] == 213
    assert f"into {target}" in out
    # The laptop copy is a whole ProvMap file: the command's own check passes on it.
    code, out, _err = run(capsys, "--db", str(target), "check")
    assert code == 0
    assert f"schema {migrate.SCHEMA_VERSION}" in out
    assert "integrity check: ok" in out


def test_copy_to_an_existing_file_is_refused(
    tmp_path: Path, pg_demo: str, capsys: pytest.CaptureFixture[str]
) -> None:
    existing = copy_school("calendar", tmp_path / "there.provmap")
    before = existing.read_bytes()

    code, _out, err = run(capsys, "--db", pg_demo, "copy-to", str(existing))

    assert code == 1
    assert "already exists" in err
    assert existing.read_bytes() == before


def test_a_copy_whose_counts_differ_is_rolled_back(
    tmp_path: Path,
    pg_bare: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A row lost on the way fails the copy with a plain message, and leaves nothing."""
    from provmap_desktop.services import school_copy

    real = school_copy.copy_rows

    def lose_a_pupil(source, target):  # type: ignore[no-untyped-def]
        real(source, target)
        target.execute(
            text(
                "DELETE FROM session_attendance WHERE ctid = "
                "(SELECT ctid FROM session_attendance LIMIT 1)"
            )
        )

    monkeypatch.setattr(school_copy, "copy_rows", lose_a_pupil)
    school = copy_school("demo", tmp_path / "school.provmap")
    marks = _file_counts(school)["session_attendance"]

    code, _out, err = run(capsys, "--db", str(school), "copy-to", pg_bare)

    assert code == 1
    assert "did not match" in err
    assert f"rows in session_attendance: {marks} in the source, {marks - 1} in the copy" in err
    assert _server_counts(pg_bare) == dict.fromkeys(_server_counts(pg_bare), 0)


def test_commands_run_on_a_server_address(
    tmp_path: Path, pg_demo: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "--db", pg_demo, "check")
    assert (code, err) == (0, "")
    assert f"schema {migrate.SCHEMA_VERSION} (revision {migrate.HEAD_REVISION})" in out

    out_file = tmp_path / "school.json"
    code, out, err = run(capsys, "--db", pg_demo, "export", "json", "--out", str(out_file))
    assert (code, err) == (0, "")
    assert "213 pupils" in out
    assert out_file.is_file()


def test_a_backup_of_a_server_database_is_the_administrators(
    tmp_path: Path, pg_demo: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = run(capsys, "--db", pg_demo, "backup", str(tmp_path / "b.provmap"))
    assert code == 1
    assert "made by the server's administrator (pg_dump)" in err
    assert not (tmp_path / "b.provmap").exists()


def test_the_demo_and_a_new_school_go_into_an_empty_server_database(
    pg_bare: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = run(capsys, "--db", pg_bare, "demo", "--today", "23/11/2026")
    assert (code, err) == (0, "")
    assert _server_counts(pg_bare)["pupils"] == 213
    # A second school is never written over the first.
    code, _out, err = run(
        capsys,
        "--db",
        pg_bare,
        "new-school",
        "--name",
        "Elm",
        "--phase",
        "primary",
        "--autumn-start",
        "01/09/2027",
    )
    assert code == 1
    assert "already holds a school" in err


def test_a_password_in_the_address_is_refused_with_a_plain_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _out, err = run(capsys, "--db", "postgresql://senco:hunter22@db.example/school", "check")
    assert code == 1
    assert "must not hold a password" in err
    assert "hunter22" not in err
