"""``provmap report map`` and ``report costed`` load only what a report needs.

Each command runs in a fresh interpreter on a copy of the demo school, and the test
lists the modules loaded by the time the PDF is written. Starting Python and loading
SQLAlchemy, the models and ReportLab is most of a report's time, so a library a
report never uses must not come in on the way.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ..schools.templates import copy_school

_SCRIPT = """
import contextlib, io, json, sys
from provmap_desktop.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    code = main(sys.argv[1:])
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""

#: Loaded by nothing a report does.
#: - xml.sax.saxutils brought urllib.request, http.client (and a web client's imports)
#:   for its three-line ``escape``; reports escape mark-up with ``reports.markup``.
#: - python-stdnum checks UPNs when they are typed, never when a school is read.
#: - openpyxl, Alembic, Qt and the PDF readers belong to other commands or the tests.
NEVER = {
    "xml.sax",
    "xml.sax.saxutils",
    "urllib.request",
    "http.client",
    "stdnum",
    "openpyxl",
    "alembic",
    "PySide6",
    "pypdf",
    "pdfplumber",
    "docx",
    "jsonschema",
    "filelock",
    "cryptography",
}


@pytest.fixture(scope="module")
def school(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_school("demo", tmp_path_factory.mktemp("reports") / "school.provmap")


def _report(school: Path, out: Path, *args: str) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", _SCRIPT, "--db", str(school), "report", *args, "--out", str(out)],
        capture_output=True,
        text=True,
        check=True,
    )
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["code"] == 0, result.stderr
    assert out.stat().st_size > 0
    return set(found["modules"])


@pytest.mark.parametrize("report", [("map",), ("costed",), ("costed", "--governors")])
def test_a_report_loads_no_library_it_does_not_use(
    school: Path, tmp_path: Path, report: tuple[str, ...]
) -> None:
    modules = _report(school, tmp_path / "report.pdf", *report)
    assert "reportlab.platypus" in modules  # the report itself was built
    loaded = modules & NEVER | {m for m in modules if m.split(".")[0] in NEVER}
    assert not loaded, f"report {' '.join(report)} loaded {sorted(loaded)}"


def test_the_command_raises_the_collector_threshold_and_main_alone_does_not(
    school: Path,
) -> None:
    """A report's young objects were walked ~250 times at Python's default of 700."""
    code = (
        "import gc, importlib, sys\n"
        "cli = importlib.import_module('provmap_desktop.cli.main')\n"
        "cli.main = lambda: print(gc.get_threshold()[0]) or 0\n"
        "sys.exit(cli.run())\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "100000"

    import gc

    from provmap_desktop.cli import main

    before = gc.get_threshold()
    assert main(["--db", str(school), "check"]) == 0
    assert gc.get_threshold() == before
