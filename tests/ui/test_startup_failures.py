"""Start-up when the school file cannot be opened, and closing with every screen open."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QPushButton, QWidget

from provmap_desktop.app import choose_database
from provmap_desktop.models import SchoolSettings
from provmap_desktop.shell.first_start import FirstStartDialog
from provmap_desktop.storage.backup import backup_database

from ..schools.templates import copy_school
from .conftest import TODAY
from .modal import on_next_modal


def test_a_damaged_school_file_leaves_restore_within_reach(qtbot, tmp_path: Path, monkeypatch):
    source = tmp_path / "good.provmap"
    copy_school("calendar", source)
    backup = backup_database(source, tmp_path / "usb" / "backup.provmap")
    school = tmp_path / "data" / "school.provmap"
    school.parent.mkdir()
    school.write_bytes(b"SQLite format 3\x00" + os.urandom(8192))  # damaged
    damaged = school.read_bytes()
    seen: list[str] = []

    def restore(dialog: QWidget) -> None:
        assert isinstance(dialog, FirstStartDialog)
        seen.append(dialog.problem_label.text())
        button = next(
            b for b in dialog.findChildren(QPushButton) if b.text() == "&Restore a backup…"
        )
        button.click()

    # The system's file chooser stands in for the SENCO picking the file on her stick.
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(backup), ""))
    )
    on_next_modal(restore)
    args = argparse.Namespace(db=school, demo=False)
    database = choose_database(args, TODAY)
    assert database is not None
    try:
        assert "damaged" in seen[0] or "cannot be read" in seen[0]
        with database.session_factory() as s:
            assert s.get(SchoolSettings, 1).name == "Test Primary"
    finally:
        database.close()
    kept = list((school.parent / "Backups").glob("school.*.before-restore.provmap"))
    assert [k.read_bytes() for k in kept] == [damaged]  # the damaged file is kept, not lost


CLOSE_SCRIPT = """
import datetime as dt, sys
from pathlib import Path
from PySide6.QtWidgets import QApplication
from provmap_desktop.app import ensure_demo
from provmap_desktop.shell.main_window import MainWindow
from provmap_desktop.shell.screens import SCREENS
app = QApplication(sys.argv[:1])
today = dt.date(2026, 11, 23)
window = MainWindow(ensure_demo(Path(sys.argv[1]), today), today=today)
window.show()
for spec in SCREENS:
    window.show_screen(spec.key)
    app.processEvents()
window.close()
app.processEvents()
del window
app.quit()
print("closed")
"""


@pytest.mark.slow
def test_closing_with_every_screen_opened_ends_cleanly(tmp_path: Path):
    demo = copy_school("demo", tmp_path / "demo.provmap")  # opened as it is, not rebuilt
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", CLOSE_SCRIPT, str(demo)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "closed"
    assert "Fatal" not in done.stderr
    assert "Traceback" not in done.stderr
