"""Time the app's start on the large bench school, for each screen as the last one opened.

    python -m bench.start_bench [--db FILE] [--repeat 5] [--screens reviews,map]

Each run starts a fresh process (``python -m bench.start_bench --child …``) that runs
the real start-up (``provmap_desktop.app.main``) offscreen, with its settings in a
temporary folder saying which screen was open last. The time counted runs from
just before the process is started to the moment the main window has been painted
and the event loop is free to take the user's first key or click. Prints the median
per screen against the 1.5 s target with the CPU time it took (the machine's other
work moves the wall-clock figure; the CPU time much less), and the peak memory of the
slowest run. Then it times switching from the map to the Reviews screen against
100 ms: the first time (which builds it), at once after an edit made on the map, and
after an edit once the window has sat for two seconds (see ``_switch_child``).
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from pathlib import Path

# The timed process imports this module too: what only the parent needs (statistics,
# subprocess, temporary folders) is imported where it is used, so that the process
# loads no more than the app itself would.

TARGET_S = 1.5
SWITCH_TARGET_S = 0.1


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
        usage = resource.getrusage(resource.RUSAGE_SELF)
        peak_mb = usage.ru_maxrss / 1024
        cpu = usage.ru_utime + usage.ru_stime
        print(f"INTERACTIVE {time.time():.6f} {peak_mb:.0f} {cpu:.3f}", flush=True)
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


def run_once(db: Path, last: str) -> tuple[float, float, float]:
    """Seconds from process start to an interactive window, peak memory in MB and
    the CPU seconds the process had used by then."""
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as settings:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
        command = [sys.executable, "-m", "bench.start_bench", "--child", last, "--db", str(db)]
        command += ["--settings", settings]
        start = time.time()
        out = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    for line in out.stdout.splitlines():
        if line.startswith("INTERACTIVE "):
            _word, stamp, peak, cpu = line.split()
            return float(stamp) - start, float(peak), float(cpu)
    raise RuntimeError(f"the app did not start:\n{out.stdout}\n{out.stderr}")


def start_figures(
    db: Path, screens: list[str], repeat: int
) -> dict[str, tuple[float, float, float]]:
    """Median seconds to an interactive window, median CPU seconds by then and peak MB,
    per last-opened screen.

    Screens are taken in turn within each round, so a busy spell on the machine
    falls on all of them alike.
    """
    import statistics

    times: dict[str, list[float]] = {s: [] for s in screens}
    cpus: dict[str, list[float]] = {s: [] for s in screens}
    peaks: dict[str, float] = dict.fromkeys(screens, 0.0)
    for _ in range(repeat):
        for screen in screens:
            seconds, peak, cpu = run_once(db, screen)
            times[screen].append(seconds)
            cpus[screen].append(cpu)
            peaks[screen] = max(peaks[screen], peak)
    return {s: (statistics.median(times[s]), statistics.median(cpus[s]), peaks[s]) for s in screens}


def start_times(db: Path, screens: list[str], repeat: int) -> dict[str, tuple[float, float]]:
    """Median seconds to an interactive window and peak MB, per last-opened screen."""
    figures = start_figures(db, screens, repeat)
    return {s: (seconds, peak) for s, (seconds, _cpu, peak) in figures.items()}


SWITCHES = (
    ("first", "first opening (builds the screen)"),
    ("edit", "at once after an edit on the map"),
    ("settled", "after an edit, strip refreshed"),
)


def _switch_child(db: Path, repeat: int) -> None:
    """Inside the timing process: open the map, then Reviews; edit on the map, Reviews again.

    The edit is a real one, made as the map makes it (a group's sessions a week, through
    the undo stack). Reviews is opened right after it, and again after undoing it and
    letting the window sit for two seconds, as it does while someone reaches for the tab
    (the status strip's checks run 0.6 s after an edit and work out the year's figures
    Reviews shares). Each switch is timed from the tab change to the screen painted
    and the event loop free again, in seconds and in CPU seconds.
    """
    import statistics
    from functools import partial

    from PySide6.QtWidgets import QApplication
    from sqlalchemy import select

    from provmap_desktop.app import settle_collector
    from provmap_desktop.domain import groups
    from provmap_desktop.models import ProvisionGroup
    from provmap_desktop.shell.main_window import MainWindow
    from provmap_desktop.storage import open_database
    from provmap_desktop.ui.edits import DomainEdit, perform

    app = QApplication(sys.argv[:1])
    thresholds = gc.get_threshold()
    timed: dict[str, list[tuple[float, float]]] = {key: [] for key, _label in SWITCHES}

    def switch(window: MainWindow, key: str) -> tuple[float, float]:
        start, cpu = time.perf_counter(), time.process_time()
        window.show_screen(key)
        window.current_screen().repaint()
        app.processEvents()
        return time.perf_counter() - start, time.process_time() - cpu

    def sit(seconds: float) -> None:
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            app.processEvents()
            time.sleep(0.01)

    for _ in range(repeat):
        window = MainWindow(open_database(db))
        window.show_screen("map")
        window.show()
        sit(2.0)  # the status strip's first checks run 0.6 s after the first paint
        settle_collector(thresholds)  # as the app does once its window is shown
        timed["first"].append(switch(window, "reviews"))
        switch(window, "map")
        ctx = window.ctx
        assert ctx is not None
        year = ctx.academic_year_id
        group = ctx.session.scalars(
            select(ProvisionGroup).where(ProvisionGroup.academic_year_id == year).limit(1)
        ).one()
        more = (group.sessions_per_week or 0) + 1
        edit = partial(groups.update, group_id=group.id, field_name="sessions_per_week")
        perform(ctx, DomainEdit(ctx, "Sessions a week", partial(edit, value=more)))
        app.processEvents()
        timed["edit"].append(switch(window, "reviews"))
        switch(window, "map")
        ctx.undo_stack.undo()  # an edit too: the figures change back
        sit(2.0)
        timed["settled"].append(switch(window, "reviews"))
        window.close()
    for key, runs in timed.items():
        wall = statistics.median(r[0] for r in runs)
        cpu = statistics.median(r[1] for r in runs)
        print(f"SWITCH {key} {wall:.6f} {cpu:.6f}", flush=True)
    os._exit(0)


def switch_to_reviews(db: Path, repeat: int) -> dict[str, tuple[float, float]]:
    """Median seconds and CPU seconds to open Reviews from the map, for each of
    ``SWITCHES``. Runs on a copy of ``db``."""
    import shutil
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as work:
        copy = Path(work) / "switch.provmap"
        shutil.copyfile(db, copy)
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=work)
        command = [sys.executable, "-m", "bench.start_bench", "--switch", str(repeat)]
        command += ["--db", str(copy)]
        out = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)
    found = {}
    for line in out.stdout.splitlines():
        if line.startswith("SWITCH "):
            _word, key, wall, cpu = line.split()
            found[key] = (float(wall), float(cpu))
    if len(found) != len(SWITCHES):
        raise RuntimeError(f"the switch timing failed:\n{out.stdout}\n{out.stderr}")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, help="the bench school (made if missing)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--screens", help="comma-separated screen keys (default: all)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--settings", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--switch", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.db, args.settings, args.child)
        return
    if args.switch:
        _switch_child(args.db, args.switch)
        return
    import tempfile

    from provmap_desktop.shell.screens import SCREENS

    path = args.db or Path(tempfile.mkdtemp()) / "bench.provmap"
    if not path.exists():
        from bench.generate_school import generate

        print(f"Generated {path}: {generate(path)}")
    keys = args.screens.split(",") if args.screens else [s.key for s in SCREENS]
    run_once(path, keys[0])  # the day's automatic copy is made once, before timing
    results = start_figures(path, keys, args.repeat)
    print(f"\nLoad average before: {_load()}")
    print(f"\n{'Last screen':<14} {'median s':>9} {'CPU s':>6} {'target':>7}  result   peak MB")
    print("-" * 59)
    for key, (seconds, cpu, peak) in results.items():
        verdict = "ok" if seconds <= TARGET_S else "MISSED"
        print(f"{key:<14} {seconds:>9.2f} {cpu:>6.2f} {'≤ 1.5':>7}  {verdict:<7} {peak:>7.0f}")
    switches = switch_to_reviews(path, args.repeat)
    print(f"\n{'Switching to Reviews':<36} {'median ms':>9} {'CPU ms':>7} {'target':>7}  result")
    print("-" * 71)
    for key, label in SWITCHES:
        seconds, cpu = switches[key]
        verdict = "ok" if seconds <= SWITCH_TARGET_S else "MISSED"
        print(f"{label:<36} {seconds * 1000:>9.0f} {cpu * 1000:>7.0f} {'≤ 100':>7}  {verdict}")
    print(f"\nLoad average after: {_load()}")


def _load() -> str:
    """The machine's load averages over 1, 5 and 15 minutes (other work shares it)."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


if __name__ == "__main__":
    main()
