"""The Qt binding must not leak references to None or bools as windows open and close.

PySide6 6.12.0 dropped a reference to ``None`` on every show and hide; after a few
thousand the interpreter aborted ("Fatal Python error: none_dealloc") when the app
closed. The check runs in its own process, so an abort fails this test and not the
whole suite.
"""

from __future__ import annotations

import os
import subprocess
import sys

SCRIPT = """
import sys
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit
app = QApplication(sys.argv[:1])
edit = QLineEdit()
dialog = QDialog()
start = sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False)
for _ in range(1000):
    edit.show(); edit.hide(); dialog.show(); dialog.hide(); app.processEvents()
end = sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False)
print(*(b - a for a, b in zip(start, end)))
"""


def test_showing_and_hiding_widgets_keeps_none_and_bools_alive() -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        capture_output=True,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-1500:]
    lost = [int(n) for n in done.stdout.split()]
    # A leak of one reference per show or hide would lose thousands here.
    assert all(n > -200 for n in lost), lost
