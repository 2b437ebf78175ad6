"""Pupil imports: a copy first, limits on size and rows, one line for each refusal."""

from __future__ import annotations

from pathlib import Path

import pytest

from provmap_desktop.cli import EXIT_FAILED, EXIT_OK, main
from provmap_desktop.rules.upn import make_upn
from provmap_desktop.storage.autobackup import list_copies

from .storage.conftest import add_small_school, all_rows, sha256

HEADER = "UPN,Legal Surname,Legal Forename,DOB,Gender,Year,SEN Status\n"


def _row(serial: int) -> str:
    return f"{make_upn('801', '2000', 18, serial)},Pupil{serial},Test,04/05/2018,F,Year 3,N\n"


@pytest.fixture
def school_file(tmp_path: Path) -> Path:
    path = tmp_path / "school.provmap"
    add_small_school(path)
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def test_an_import_takes_an_automatic_copy_first(
    school_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = all_rows(school_file)
    csv = tmp_path / "pupils.csv"
    csv.write_text(HEADER + _row(1) + _row(2), encoding="utf-8")
    code, out, _err = run(capsys, "--db", str(school_file), "import-pupils", str(csv))
    assert code == EXIT_OK, out
    copies = [c for c in list_copies(school_file) if c.reason == "before-import"]
    assert len(copies) == 1
    assert all_rows(copies[0].path) == before


def test_a_file_over_20_mb_is_refused_in_one_line(
    school_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    big = tmp_path / "huge.csv"
    with big.open("w", encoding="utf-8") as handle:
        handle.write(HEADER)
        line = _row(1)
        handle.write(line * (21 * 1024 * 1024 // len(line) + 1))
    before = sha256(school_file)
    code, _out, err = run(capsys, "--db", str(school_file), "import-pupils", str(big))
    assert code == EXIT_FAILED
    assert err.count("\n") == 1
    assert "up to 20 MB" in err
    assert sha256(school_file) == before


def test_a_file_of_more_than_10000_pupils_is_refused_in_one_line(
    school_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    many = tmp_path / "many.csv"
    many.write_text(HEADER + "".join(_row(n % 999 + 1) for n in range(10_001)), encoding="utf-8")
    code, _out, err = run(capsys, "--db", str(school_file), "import-pupils", str(many))
    assert code == EXIT_FAILED
    assert err.count("\n") == 1
    assert "up to 10,000 pupils" in err
