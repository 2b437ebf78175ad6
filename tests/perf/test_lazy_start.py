"""The app's start imports nothing it does not need to show the window.

Each check starts the real app (``provmap_desktop.app.main``) in a fresh interpreter,
offscreen, on a copy of the demo school with one screen as the last one opened, and
lists the modules loaded once the window has been painted, with the garbage
collector's threshold before the start, while the window is built and after, and how
many objects it set aside (froze) once the window was shown.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ..schools.templates import copy_school

_SCRIPT = """
import gc, json, os, sys
from PySide6.QtCore import QCoreApplication, QEvent, QObject, QSettings, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

settings, db, last = sys.argv[1:4]
QSettings.setDefaultFormat(QSettings.Format.IniFormat)
QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, settings)
app = QApplication(sys.argv[:1])
QCoreApplication.setOrganizationName("ProvMap")
QCoreApplication.setApplicationName("ProvMap Desktop")
QSettings().setValue("last_screen", last)
thresholds = {"before": gc.get_threshold()[0]}
backups = os.path.join(os.path.dirname(db), "Backups")
copies = {}


def daily_copies():
    names = os.listdir(backups) if os.path.isdir(backups) else []
    return len([name for name in names if ".daily." in name])


def done():
    window = next(w for w in app.topLevelWidgets() if isinstance(w, QMainWindow))
    shown = window.tabs.tabText(window.tabs.currentIndex())
    thresholds["after"] = gc.get_threshold()[0]
    thresholds["frozen"] = gc.get_freeze_count()
    thresholds["watched"] = len(gc.get_objects())
    copies["after"] = daily_copies()
    found = {"shown": shown, "modules": sorted(sys.modules), "thresholds": thresholds}
    found["copies"] = copies
    print(json.dumps(found), flush=True)
    os._exit(0)


class FirstPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Show and isinstance(watched, QMainWindow):
            thresholds["building"] = gc.get_threshold()[0]  # the window is built by now
        if event.type() == QEvent.Type.Paint and isinstance(watched, QMainWindow):
            copies["at first paint"] = daily_copies()
            app.removeEventFilter(self)
            # A turn later than the bench: what waits for the first paint has run.
            QTimer.singleShot(0, lambda: QTimer.singleShot(0, done))
        return False


spy = FirstPaint()
app.installEventFilter(spy)
from provmap_desktop.app import main

main(["--db", db])
"""

#: Never needed to show a screen: reports, spreadsheets and migrations load on use.
HEAVY = {"reportlab", "openpyxl", "alembic", "pypdf", "pdfplumber"}


#: Loaded when first used, by no screen at start: the backup code with its encryption
#: library and dialogs (File menu), and the pupil import and review wizard (their buttons).
ON_USE = {
    "cryptography",
    "provmap_desktop.storage.backup",
    "provmap_desktop.storage.sealed",
    "provmap_desktop.shell.backup_dialogs",
    "provmap_desktop.views.import_dialog",
    "provmap_desktop.views.review_wizard",
}


def _start(tmp_path: Path, last: str) -> tuple[str, set[str], dict[str, dict[str, int]]]:
    db = tmp_path / "school.provmap"
    copy_school("demo", db)
    settings = tmp_path / "settings"
    settings.mkdir()
    (tmp_path / "tmp").mkdir(exist_ok=True)
    out = subprocess.run(
        [sys.executable, "-c", _SCRIPT, str(settings), str(db), last],
        capture_output=True,
        text=True,
        timeout=300,
        env={
            "QT_QPA_PLATFORM": "offscreen",
            "PATH": "/usr/bin:/bin",
            "HOME": str(tmp_path),
            "TMPDIR": str(tmp_path / "tmp"),
        },
    )
    lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
    assert lines, f"the app did not start:\n{out.stdout}\n{out.stderr}"
    found = json.loads(lines[-1])
    return found["shown"], set(found["modules"]), {k: found[k] for k in ("thresholds", "copies")}


@pytest.mark.parametrize(
    ("last", "title"),
    [
        ("map", "Provision map"),
        ("pupils", "Pupils"),
        ("reviews", "Reviews"),
        ("reports", "Reports"),
    ],
)
def test_the_start_loads_no_report_spreadsheet_or_migration_library(
    tmp_path: Path, last: str, title: str
) -> None:
    shown, modules, seen = _start(tmp_path, last)
    thresholds, copies = seen["thresholds"], seen["copies"]
    assert shown == title
    assert not {name.split(".")[0] for name in modules} & HEAVY
    assert not ({name.split(".")[0] for name in modules} | modules) & ON_USE
    # The collector looks at young objects less often while the window is built (the
    # objects start-up makes live as long as the app), and as usual once it is shown.
    assert thresholds["building"] > 10 * thresholds["before"]
    assert thresholds["after"] == thresholds["before"]
    # What start-up loaded is set aside from the collector's full passes: it watches
    # only what the app makes from now on.
    assert thresholds["frozen"] > 5 * thresholds["watched"]
    # The first open of the day's copy of the file waits until the window is painted.
    assert copies == {"at first paint": 0, "after": 1}
    # Only the screen shown is built, so only its module is loaded.
    assert "provmap_desktop.views.costs" not in modules
    assert "PySide6.QtCharts" not in modules  # the Costs screen's charts


def test_documents_left_for_the_viewer_by_a_run_that_crashed_are_gone_once_shown(
    tmp_path: Path,
) -> None:
    from provmap_desktop.services.documents import VIEWING_PREFIX

    ended = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    temp = tmp_path / "tmp"
    crashed = temp / f"{VIEWING_PREFIX}{int(ended.stdout)}-x" / "y"
    crashed.mkdir(parents=True)
    (crashed / "EP report.pdf").write_bytes(b"%PDF-1.4 private")
    running = temp / f"{VIEWING_PREFIX}{os.getpid()}-x"
    running.mkdir()
    shown, _modules, _seen = _start(tmp_path, "map")
    assert shown == "Provision map"
    assert not crashed.parent.exists()
    assert running.is_dir()
