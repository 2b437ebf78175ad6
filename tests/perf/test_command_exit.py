"""The ``provmap`` command ends its process without taking the interpreter apart.

Freeing every module a report loaded (SQLAlchemy, the models, ReportLab) one by one
cost about half a second of CPU per command. The command's exit handlers still run,
its output still arrives, its exit code is kept; only the teardown is skipped.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pypdf import PdfReader

from ..schools.templates import copy_school

_SCRIPT = """
import atexit, importlib, sys
cli = importlib.import_module("provmap_desktop.cli.main")

class Witness:
    def __del__(self):
        sys.stdout.write("taken apart\\n")

witness = Witness()
atexit.register(lambda: sys.stdout.write("exit handler ran\\n"))

def main():
    sys.stdout.write("no newline yet")  # still in the buffer when the command ends
    sys.stderr.write("a warning\\n")
    return 3

cli.main = main
sys.exit(cli.run())
"""


def test_the_command_keeps_its_output_and_code_and_skips_the_teardown() -> None:
    out = subprocess.run([sys.executable, "-c", _SCRIPT], capture_output=True, text=True)
    assert out.returncode == 3
    assert out.stdout == "no newline yetexit handler ran\n"
    assert out.stderr == "a warning\n"


def test_with_another_thread_running_the_ordinary_exit_waits_for_it() -> None:
    script = _SCRIPT.replace(
        "cli.main = main",
        "import threading, time\n"
        "threading.Thread(target=lambda: (time.sleep(0.3), print('thread done'))).start()\n"
        "cli.main = main",
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert out.returncode == 3
    assert "thread done" in out.stdout
    assert "taken apart" in out.stdout  # the interpreter's own exit, as before


def test_a_report_written_by_the_command_is_whole(tmp_path: Path) -> None:
    school = copy_school("demo", tmp_path / "school.provmap")
    pdf = tmp_path / "costed.pdf"
    out = subprocess.run(
        [sys.executable, "-m", "provmap_desktop.cli", "--db", str(school), "report", "costed",
         "--out", str(pdf)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert out.stdout == f"Written to {pdf}\n"
    text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "Costed provision map" in text
    assert not list(tmp_path.glob("*.tmp*"))  # no temporary file left beside it


def test_main_alone_returns_to_its_caller(tmp_path: Path) -> None:
    """Tests and scripts call ``main``: it hands back its code and they go on."""
    from provmap_desktop.cli import main

    school = copy_school("demo", tmp_path / "school.provmap")
    assert main(["--db", str(school), "check"]) == 0
    assert main(["--db", str(school), "check"]) == 0
