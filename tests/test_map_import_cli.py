"""``provmap import-map`` on a real file: preview, dry run, backup, all or nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from provmap_desktop.cli import EXIT_FAILED, EXIT_OK, main
from provmap_desktop.models import GroupMembership, Provision, Pupil
from provmap_desktop.storage import open_database
from provmap_desktop.storage.autobackup import list_copies

from .schools.exemplar import EXPECTED_ALLOCATIONS, write_xlsx
from .schools.templates import copy_school


@pytest.fixture
def db_path(tmp_path: Path) -> Iterator[Path]:
    return copy_school("exemplar", tmp_path / "school.provmap")


def run(db_path: Path, *args: str) -> int:
    return main(["--db", str(db_path), *args])


def counts(db_path: Path) -> tuple[int, int, int]:
    """Allocations, catalogue entries and pupils in the file."""
    db = open_database(db_path, create=False)
    try:
        with db.session_factory() as s:
            return (
                s.scalar(select(func.count(GroupMembership.id))) or 0,
                s.scalar(select(func.count(Provision.id))) or 0,
                s.scalar(select(func.count(Pupil.id))) or 0,
            )
    finally:
        db.close()


def test_a_dry_run_prints_the_preview_and_writes_nothing(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_xlsx(tmp_path / "map.xlsx")
    before = counts(db_path)
    code = run(
        db_path, "import-map", str(path), "--year", "2026/27", "--term", "Autumn", "--dry-run"
    )
    out = capsys.readouterr().out
    assert code == EXIT_OK
    assert "Provisions: 17 found, 15 new to the catalogue, 2 already in it." in out
    assert f"Groups: 42; allocations: {EXPECTED_ALLOCATIONS}." in out
    assert "“Wiliam” in Year 4 (Provision map 2026-27, row 25, column H)" in out
    assert "Similar: William Paris (Year 4)." in out
    assert (
        "“Mohammed” in Year 5 (Provision map 2026-27, row 12, column I), Primary Strategy Wave 3 "
        "materials: could be Mohammed Patel (Year 5), Mohammed Rahman (Year 5)."
    ) in out
    assert "Dry run: nothing was written." in out
    assert counts(db_path) == before
    assert list_copies(db_path) == [] or all(c.reason == "daily" for c in list_copies(db_path))


def test_the_import_takes_a_backup_then_writes_every_allocation(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_xlsx(tmp_path / "map.xlsx")
    allocations, provisions, pupils = counts(db_path)
    code = run(db_path, "import-map", str(path), "--year", "2026/27", "--term", "Autumn")
    out = capsys.readouterr().out
    assert code == EXIT_OK, out
    assert (
        f"Imported: 15 provisions added to the catalogue, 42 groups, {EXPECTED_ALLOCATIONS} "
        "allocations, 0 pupils added to complete; 1 unmatched names skipped."
    ) in out
    assert counts(db_path) == (allocations + EXPECTED_ALLOCATIONS, provisions + 15, pupils)
    backups = [c for c in list_copies(db_path) if c.reason == "before-import"]
    assert len(backups) == 1
    assert str(backups[0].path) in out
    # The copy holds the school as it was before the import.
    assert counts(backups[0].path) == (allocations, provisions, pupils)


def test_create_pupils_adds_the_unmatched_name(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_xlsx(tmp_path / "map.xlsx")
    _allocations, _provisions, pupils = counts(db_path)
    code = run(db_path, "import-map", str(path), "--term", "autumn", "--year", "2026/27",
               "--create-pupils")  # fmt: skip
    assert code == EXIT_OK
    assert "1 pupils added to complete" in capsys.readouterr().out
    assert counts(db_path)[2] == pupils + 1


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.xlsx", None, "There is no file"),
        ("map.pdf", b"%PDF-1.4", ".xlsx, .csv or .docx"),
        ("broken.xlsx", b"not a workbook", "cannot be read as a workbook"),
        ("notes.csv", b"nothing,here\n", "no provision map was found"),
    ],
)
def test_a_file_that_cannot_be_imported_is_one_line_and_writes_nothing(
    db_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    content: bytes | None,
    message: str,
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    before = counts(db_path)
    assert run(db_path, "import-map", str(path), "--year", "2026/27") == EXIT_FAILED
    captured = capsys.readouterr()
    assert message in captured.err
    assert captured.err.startswith("provmap: ")
    assert captured.err.count("\n") == 1
    assert counts(db_path) == before


def test_an_unknown_term_is_refused(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_xlsx(tmp_path / "map.xlsx")
    assert run(db_path, "import-map", str(path), "--year", "2026/27", "--term", "Winter") == 1
    assert "2026/27 has no Winter term" in capsys.readouterr().err
