"""Start-up stays light: heavy libraries are imported only when first needed.

Each check runs in a fresh interpreter, since this test process has imported
everything long ago.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from provmap_desktop.storage import open_database


def _modules_after(code: str) -> set[str]:
    script = code + "\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))\n"
    out = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"},
    ).stdout
    return set(json.loads(out.strip().splitlines()[-1]))


@pytest.fixture(scope="module")
def current_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("lazy") / "school.provmap"
    open_database(path).close()  # a new file is created at the current schema
    return path


def _tops(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


def test_opening_a_current_file_does_not_import_alembic(current_file: Path) -> None:
    code = (
        "from pathlib import Path\n"
        "from provmap_desktop.storage import open_database\n"
        f"open_database(Path({str(current_file)!r})).close()\n"
        f"open_database(Path({str(current_file)!r}), read_only=True).close()\n"
    )
    assert "alembic" not in _tops(_modules_after(code))


def test_the_cli_parser_imports_no_report_or_spreadsheet_library() -> None:
    code = "from provmap_desktop.cli import build_parser\nbuild_parser()\n"
    tops = _tops(_modules_after(code))
    assert not tops & {"alembic", "reportlab", "openpyxl", "PySide6"}


def test_provmap_check_imports_neither_alembic_nor_the_orm_models(current_file: Path) -> None:
    code = (
        "import contextlib, io\n"
        "from provmap_desktop.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    assert main(['--db', {str(current_file)!r}, 'check']) == 0\n"
    )
    modules = _modules_after(code)
    assert "alembic" not in _tops(modules)
    assert "provmap_desktop.models" not in modules


def test_provmap_check_reads_the_file_with_plain_sqlite(current_file: Path) -> None:
    """No SQLAlchemy, no lock library (and its asyncio), no backup encryption."""
    code = (
        "import contextlib, io\n"
        "from provmap_desktop.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    assert main(['--db', {str(current_file)!r}, 'check']) == 0\n"
    )
    tops = _tops(_modules_after(code))
    assert not tops & {"sqlalchemy", "filelock", "asyncio", "cryptography"}


def test_new_school_offers_the_phases_school_setup_knows() -> None:
    from provmap_desktop.cli.school import PHASE_CHOICES
    from provmap_desktop.services.school_setup import PHASES

    assert PHASE_CHOICES == PHASES


def test_the_map_import_preview_loads_no_pupil_import_writes(tmp_path: Path) -> None:
    """Reading a workbook for the preview loads the workbook reader, not the writes."""
    from tests.schools.exemplar import write_xlsx

    workbook = write_xlsx(tmp_path / "map.xlsx")
    code = (
        "from pathlib import Path\n"
        "from provmap_desktop.services.map_import.grid import read_grids\n"
        f"assert read_grids(Path({str(workbook)!r}))\n"
    )
    modules = _modules_after(code)
    assert "openpyxl" in _tops(modules)  # workbooks are read with openpyxl
    assert not _tops(modules) & {"reportlab", "PySide6"}
    assert "provmap_desktop.services.importing.apply" not in modules  # the pupil import's writes


def test_opening_a_file_for_reading_loads_no_lock_library(current_file: Path) -> None:
    """Reports and exports open the file read-only and never take its lock."""
    code = (
        "from pathlib import Path\n"
        "from provmap_desktop.storage import open_database\n"
        f"open_database(Path({str(current_file)!r}), read_only=True).close()\n"
    )
    assert "filelock" not in _tops(_modules_after(code))
