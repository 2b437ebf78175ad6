"""Time the app's start on the large bench school, for each screen as the last one opened.

    python -m bench.start_bench [--db FILE] [--repeat 5] [--screens reviews,map]

Each run starts a fresh process (``python -m bench.start_bench --child …``) that runs
the real start-up (``provmap_desktop.app.main``) offscreen, with its settings in a
temporary folder saying which screen was open last. The time counted runs from
just before the process is started to the moment the main window has been painted
and the event loop is free to take the user's first key or click. Prints the median
per screen against the 1.5 s target, and the peak memory of the slowest run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_S = 1.5


def _child(db: Path, settings_dir: Path, last: str) -> None:
    """Inside the timed process: start the app, report when the window is interactive."""
    import resource

    from PySide6.QtCore import QCoreApplication, QEvent, QObject, QSettings, QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(settings_dir))
    app = QApplication(sys.argv[:1])
    QCoreApplication.setOrganizationName("ProvMap")
    QCoreApplication.setApplicationName("ProvMap Desktop")
    QSettings().setValue("last_screen", last)

    def done() -> None:
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"INTERACTIVE {time.time():.6f} {peak_mb:.0f}", flush=True)
        os._exit(0)

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and isinstance(watched, QMainWindow):
                app.removeEventFilter(self)
                # The next turn of the event loop: painted, and free for input.
                QTimer.singleShot(0, done)
            return False

    spy = FirstPaint()
    app.installEventFilter(spy)
    from provmap_desktop.app import main

    main(["--db", str(db)])


def run_once(db: Path, last: str) -> tuple[float, float]:
    """Seconds from process start to an interactive window, and peak memory in MB."""
    with tempfile.TemporaryDirectory() as settings:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
        command = [sys.executable, "-m", "bench.start_bench", "--child", last, "--db", str(db)]
        command += ["--settings", settings]
        start = time.time()
        out = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    for line in out.stdout.splitlines():
        if line.startswith("INTERACTIVE "):
            _word, stamp, peak = line.split()
            return float(stamp) - start, float(peak)
    raise RuntimeError(f"the app did not start:\n{out.stdout}\n{out.stderr}")


def start_times(db: Path, screens: list[str], repeat: int) -> dict[str, tuple[float, float]]:
    """Median seconds to an interactive window and peak MB, per last-opened screen.

    Screens are taken in turn within each round, so a busy spell on the machine
    falls on all of them alike.
    """
    times: dict[str, list[float]] = {s: [] for s in screens}
    peaks: dict[str, float] = dict.fromkeys(screens, 0.0)
    for _ in range(repeat):
        for screen in screens:
            seconds, peak = run_once(db, screen)
            times[screen].append(seconds)
            peaks[screen] = max(peaks[screen], peak)
    return {s: (statistics.median(times[s]), peaks[s]) for s in screens}


def main() -> None:
    from provmap_desktop.shell.screens import SCREENS

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, help="the bench school (made if missing)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--screens", help="comma-separated screen keys (default: all)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--settings", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.db, args.settings, args.child)
        return
    path = args.db or Path(tempfile.mkdtemp()) / "bench.provmap"
    if not path.exists():
        from bench.generate_school import generate

        print(f"Generated {path}: {generate(path)}")
    keys = args.screens.split(",") if args.screens else [s.key for s in SCREENS]
    run_once(path, keys[0])  # the day's automatic copy is made once, before timing
    results = start_times(path, keys, args.repeat)
    print(f"\n{'Last screen':<14} {'median s':>9} {'target':>7}  result   peak MB")
    print("-" * 52)
    for key, (seconds, peak) in results.items():
        verdict = "ok" if seconds <= TARGET_S else "MISSED"
        print(f"{key:<14} {seconds:>9.2f} {'≤ 1.5':>7}  {verdict:<7} {peak:>7.0f}")


if __name__ == "__main__":
    main()
