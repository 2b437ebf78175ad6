"""The ``provmap`` command: demo, check, backup, restore; one-line errors, exit codes."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from provmap_desktop.cli import EXIT_FAILED, EXIT_OK, main
from provmap_desktop.storage import open_database
from provmap_desktop.storage.lock import DatabaseLock
from provmap_desktop.storage.migrate import HEAD_REVISION, SCHEMA_NUMBERS

from .schools.templates import copy_school
from .storage.conftest import add_small_school, all_rows, sha256

TODAY = "01/10/2026"  # the demo school is built as of this date, so runs agree


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def assert_one_line_error(code: int, err: str) -> None:
    assert code == EXIT_FAILED
    assert err.startswith("provmap: ")
    assert err.count("\n") == 1


@pytest.fixture
def school_file(tmp_path: Path) -> Path:
    path = tmp_path / "school.provmap"
    add_small_school(path)
    return path


@pytest.fixture
def demo_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "demo.provmap"
    code, out, err = run(capsys, "--db", str(path), "demo", "--today", TODAY)
    assert (code, err) == (EXIT_OK, "")
    assert "Demo school written" in out
    return path


@pytest.fixture
def demo_copy(tmp_path: Path) -> Path:
    """A copy of the demo school's template: for tests of what is done with a big school,
    not of how ``demo`` builds one (that is ``demo_file``)."""
    return copy_school("demo", tmp_path / "demo.provmap")


# --- demo and check ---------------------------------------------------------------------


def test_demo_then_check_succeed(demo_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = all_rows(demo_file)
    assert len(rows["pupils"]) > 100
    assert rows["provisions"]
    code, out, err = run(capsys, "--db", str(demo_file), "check")
    assert (code, err) == (EXIT_OK, "")
    head = HEAD_REVISION
    assert f"schema {SCHEMA_NUMBERS[head]} (revision {head})" in out
    assert "integrity check: ok" in out


def test_demo_refuses_an_existing_file_without_force(
    school_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = sha256(school_file)
    code, out, err = run(capsys, "--db", str(school_file), "demo")
    assert_one_line_error(code, err)
    assert "--force" in err
    assert out == ""
    assert sha256(school_file) == before


def test_demo_with_force_leaves_a_file_that_is_open_elsewhere(
    school_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = sha256(school_file)
    other_copy = DatabaseLock(school_file)
    assert other_copy.acquire()
    try:
        code, _out, err = run(capsys, "--db", str(school_file), "demo", "--force")
    finally:
        other_copy.release()
    assert_one_line_error(code, err)
    assert "open in another copy" in err
    assert sha256(school_file) == before


def test_check_passes_on_a_good_file(school_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--db", str(school_file), "check")
    assert (code, err) == (EXIT_OK, "")
    assert "integrity check: ok" in out


def test_check_on_a_corrupt_file_fails_with_one_line(
    school_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = bytearray(school_file.read_bytes())
    for offset in range(5 * 4096, min(len(data), 40 * 4096)):
        data[offset] = (offset * 7 + 3) % 256
    school_file.write_bytes(bytes(data))
    before = sha256(school_file)
    code, out, err = run(capsys, "--db", str(school_file), "check")
    assert_one_line_error(code, err)
    assert "damaged" in err or "cannot be read" in err
    assert out == ""
    assert sha256(school_file) == before


def test_check_on_a_file_with_a_broken_reference_fails(
    school_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    conn = sqlite3.connect(school_file)  # foreign keys are off on a plain connection
    conn.execute("UPDATE staff SET role_id = 999")
    conn.commit()
    conn.close()
    code, out, _err = run(capsys, "--db", str(school_file), "check")
    assert code == EXIT_FAILED
    assert "problem: row 1 of staff points at a missing row of staff_roles" in out


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"name,upn\nSam,A123\n", "not an SQLite file"),
        (None, "no ProvMap database"),
    ],
    ids=["text-file", "missing-file"],
)
def test_check_explains_a_file_that_is_not_a_school(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes | None, expected: str
) -> None:
    path = tmp_path / "pupils.provmap"
    if content is not None:
        path.write_bytes(content)
    code, _out, err = run(capsys, "--db", str(path), "check")
    assert_one_line_error(code, err)
    assert expected in err


def test_check_on_a_newer_file_fails(school_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    conn = sqlite3.connect(school_file)
    conn.execute("PRAGMA user_version=99")
    conn.close()
    code, _out, err = run(capsys, "--db", str(school_file), "check")
    assert_one_line_error(code, err)
    assert "newer version" in err


def test_a_folder_given_as_the_database_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = run(capsys, "--db", str(tmp_path), "check")
    assert_one_line_error(code, err)


# --- backup and restore -----------------------------------------------------------------


def test_backup_then_restore_into_a_new_file_gives_the_same_rows(
    school_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_file = tmp_path / "backup.provmap"
    code, out, err = run(capsys, "--db", str(school_file), "backup", str(out_file))
    assert (code, err) == (EXIT_OK, "")
    assert str(out_file) in out
    new = tmp_path / "new.provmap"
    code, out, err = run(capsys, "--db", str(new), "restore", str(out_file))
    assert (code, err) == (EXIT_OK, "")
    assert "Previous database" not in out  # there was none
    assert all_rows(new) == all_rows(school_file)


def test_demo_backup_restore_gives_the_same_rows_in_every_table(
    demo_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_file = tmp_path / "demo-backup.provmap"
    assert run(capsys, "--db", str(demo_copy), "backup", str(out_file))[0] == EXIT_OK
    new = tmp_path / "restored.provmap"
    assert run(capsys, "--db", str(new), "restore", str(out_file))[0] == EXIT_OK
    source, restored = all_rows(demo_copy), all_rows(new)
    assert {t: len(r) for t, r in restored.items()} == {t: len(r) for t, r in source.items()}
    assert restored == source


def test_restore_over_a_database_keeps_the_old_one(
    school_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_file = tmp_path / "backup.provmap"
    assert run(capsys, "--db", str(school_file), "backup", str(out_file))[0] == EXIT_OK
    current = tmp_path / "current.provmap"
    open_database(current).close()
    code, out, _err = run(capsys, "--db", str(current), "restore", str(out_file))
    assert code == EXIT_OK
    assert "Previous database kept as" in out
    assert len(list(tmp_path.glob("Backups/current.*.before-restore.provmap"))) == 1


def test_restore_of_a_corrupt_backup_changes_nothing(
    school_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.provmap"
    bad.write_bytes(b"SQLite format 3\x00" + os.urandom(8192))
    before = sha256(school_file)
    code, _out, err = run(capsys, "--db", str(school_file), "restore", str(bad))
    assert_one_line_error(code, err)
    assert sha256(school_file) == before
    assert list(tmp_path.glob("**/*before-restore*")) == []


def test_backup_of_a_missing_database_fails_cleanly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = run(
        capsys, "--db", str(tmp_path / "none.provmap"), "backup", str(tmp_path / "b.provmap")
    )
    assert_one_line_error(code, err)
    assert sorted(p.name for p in tmp_path.iterdir()) == []


# --- as a separate process --------------------------------------------------------------


def _cli(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "provmap_desktop.cli", *argv],
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_command_runs_as_a_program(demo_copy: Path, tmp_path: Path) -> None:
    # Building the demo is tested in this process above; here a real process opens it.
    path = demo_copy
    check = _cli("--db", str(path), "check")
    assert (check.returncode, check.stderr) == (0, "")
    assert "integrity check: ok" in check.stdout
    backup = _cli("--db", str(path), "backup", str(tmp_path / "copy.provmap"))
    assert (backup.returncode, backup.stderr) == (0, "")
    assert all_rows(tmp_path / "copy.provmap") == all_rows(path)

    again = _cli("--db", str(path), "demo")
    assert again.returncode == 1
    assert again.stderr.count("\n") == 1
    assert "Traceback" not in again.stderr


def test_a_program_error_is_one_line_without_a_traceback(tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    result = _cli("--db", str(text), "check")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith("provmap: ")
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


def test_reports_and_exports_work_while_the_app_has_the_file_open(
    school_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = open_database(school_file)  # the SENCO's window
    try:
        for argv in (
            ["report", "map", "--out", str(tmp_path / "map.pdf")],
            ["report", "costed", "--out", str(tmp_path / "costed.pdf")],
            ["export", "map", "--out", str(tmp_path / "map.xlsx")],
            ["report", "profile", "--sen-register", "--out", str(tmp_path / "p.pdf")],
            ["report", "impact", "--out", str(tmp_path / "impact.pdf")],
            ["check"],
        ):
            code, _out, err = run(capsys, "--db", str(school_file), *argv)
            assert code == EXIT_OK, (argv, err)
        # Commands that write are still refused while she has it open.
        code, _out, err = run(capsys, "--db", str(school_file), "backup", str(tmp_path / "b"))
        assert code == EXIT_OK  # a backup only reads
        code, _out, err = run(capsys, "--db", str(school_file), "demo", "--force")
        assert_one_line_error(code, err)
        assert "open in another copy" in err
    finally:
        db.close()
    assert (tmp_path / "map.pdf").stat().st_size > 0


def test_a_folder_given_as_the_database_is_one_plain_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for argv in (["check"], ["report", "map", "--out", str(tmp_path / "m.pdf")], ["demo"]):
        code, _out, err = run(capsys, "--db", str(tmp_path), *argv)
        assert_one_line_error(code, err)
        assert "is a folder, not a ProvMap database" in err, (argv, err)


# --- how the package is put together ----------------------------------------------------


def test_every_area_module_of_the_cli_is_registered_by_an_explicit_import() -> None:
    import ast

    import provmap_desktop.cli as cli_package

    main_module = sys.modules["provmap_desktop.cli.main"]  # ``cli.main`` is the function

    folder = Path(cli_package.__file__).parent
    # database, server and trust add top-level commands, registered one by one in main.
    helpers = {"__init__", "__main__", "errors", "main", "options", "report", "database"}
    helpers |= {"server", "trust"}
    areas = {p.stem for p in folder.glob("*.py")} - helpers
    assert {m.__name__.rsplit(".", 1)[1] for m in main_module.AREAS} == areas
    for source in folder.glob("*.py"):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            assert not (isinstance(node, ast.Attribute) and node.attr == "import_module")
            if isinstance(node, ast.FunctionDef):
                # ``CliError`` imported inside a handler once hid an import cycle.
                late = [
                    inner.module
                    for inner in ast.walk(node)
                    if isinstance(inner, ast.ImportFrom) and inner.module in {"cli", "errors"}
                ]
                assert late == [], f"{source.name}: {node.name} imports {late} late"


# --- annual reviews ---------------------------------------------------------------------


def test_annual_reviews_lists_the_steps_due_and_refuses_a_bad_day(
    demo_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The demo school as of 23/11/2026: Ethan James's meeting was on 05/11/2026, so the
    # report was due by 19/11/2026; Jack Taylor's meeting is on 14/12/2026, so the
    # reports are due by 30/11/2026.
    code, out, err = run(capsys, "--db", str(demo_copy), "annual-reviews", "--on", "23/11/2026")
    assert (code, err) == (EXIT_OK, "")
    assert out.splitlines() == [
        "Ethan James: Review report sent to the local authority and everyone invited, "
        "due by 19/11/2026 (overdue)",
        "Jack Taylor: Advice and reports sent to everyone invited, due by 30/11/2026",
        "2 steps due by 07/12/2026 or overdue.",
    ]
    code, out, err = run(capsys, "--db", str(demo_copy), "annual-reviews", "--on", "31/02/2027")
    assert_one_line_error(code, err)
    assert "'31/02/2027' is not a date" in err
