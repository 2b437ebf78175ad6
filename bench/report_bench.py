"""Reports and start-up on the large bench school, side by side with LibreOffice.

    python -m bench.report_bench [--db FILE] [--repeat 5] [--start-repeat 3]

1. Writes the bench school's provision map as a spreadsheet with our own
   ``provmap export map --out map.xlsx``, then times LibreOffice converting it to PDF
   (``soffice --headless --convert-to pdf``, from Debian's ``libreoffice-calc-nogui``)
   and our ``provmap report map`` on the same map, alternating, ``--repeat`` runs
   each. Prints both medians, the ratio, the pages and the peak memory of each.
2. Times every other row of the table in the README: ``report costed``, ``report
   profile --sen-register``, ``provmap check``, the app's start to an interactive
   window for each screen as the last one opened (``bench.start_bench``), switching
   to the Reviews screen and opening the Planning screen (``bench.planning_bench``),
   each against its target.

Every figure is the median of fresh processes timed from start to exit (start-up:
to the first painted, interactive window). The bench says which ProvMap it timed:
the source tree's editable install (the default; its bytecode is compiled first, as
installing a wheel does, so no run compiles the package again where
PYTHONDONTWRITEBYTECODE is set), or, with ``--wheel``, a wheel built from the tree
and installed into a fresh environment, as a school installs it (the command-line
rows then run that environment's Python; start-up is still timed from the tree).
The machine may be busy with other work: the absolute figures move from run to
run, the ratio to LibreOffice measured in the same run is the figure that counts.
Without LibreOffice the map row says so and the rest still runs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

#: Seconds (or, for the map, the share of LibreOffice's time) each row must meet.
TARGETS = {
    "map_ratio": 0.5,
    "map_pages": 60,
    "costed": 1.0,
    "profiles": 4.0,
    "check": 0.4,
    "start": 1.5,
    "switch": 0.1,
}


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_mb: float
    #: User + system CPU time of the process: steadier than wall time on a busy machine.
    cpu: float = 0.0


def timed(command: Sequence[str], *, env: dict[str, str] | None = None) -> Run:
    """Run ``command`` to its end; its wall time and the peak memory of that process."""
    start = time.perf_counter()
    process = subprocess.Popen(
        list(command), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=RUN_IN
    )
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        error = process.stderr.read().decode() if process.stderr else ""
        raise RuntimeError(f"{' '.join(command)} failed:\n{error}")
    if process.stderr:
        process.stderr.close()
    return Run(seconds, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime)


def median(runs: list[Run]) -> float:
    return statistics.median(r.seconds for r in runs)


def cpu(runs: list[Run]) -> float:
    """The median CPU time (user + system) of ``runs``."""
    return statistics.median(r.cpu for r in runs)


def peak(runs: list[Run]) -> float:
    return max(r.peak_mb for r in runs)


def pdf_pages(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(path).pages)


#: The Python whose ProvMap the command-line rows time (see ``--wheel``), and the
#: folder they run in: never the source tree when timing a wheel, or ``python -m``
#: would find the tree's package first.
PYTHON = sys.executable
RUN_IN: Path | None = None
ROOT = Path(__file__).resolve().parent.parent


def provmap(db: Path, *args: str) -> list[str]:
    return [PYTHON, "-m", "provmap_desktop.cli", "--db", str(db), *args]


def installed_wheel(work: Path) -> str:
    """Build a wheel of the tree, install it into a fresh environment; that Python."""
    dist, venv = work / "dist", work / "wheel-env"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(dist), str(ROOT)],
        check=True,
    )
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    wheel = next(dist.glob("provmap_desktop-*.whl"))
    subprocess.run([python, "-m", "pip", "install", "-q", str(wheel)], check=True)
    return python


def measured_install(python: str) -> str:
    """Which ProvMap ``python`` runs, and how, for the report's first line.

    A source tree's bytecode is compiled first: pip compiles a wheel's modules when
    it installs them, and where PYTHONDONTWRITEBYTECODE is set an editable install
    would otherwise compile the whole package again in every run timed.
    """
    code = (
        "import provmap_desktop, sqlalchemy, reportlab\n"
        "print(provmap_desktop.__file__, sqlalchemy.__version__, reportlab.Version)"
    )
    found, alchemy, reportlab = subprocess.run(
        [python, "-c", code], capture_output=True, text=True, check=True, cwd=RUN_IN
    ).stdout.split()
    package = Path(found).parent
    versions = f"SQLAlchemy {alchemy}, ReportLab {reportlab}"
    if "site-packages" in package.parts:
        return f"an installed wheel ({package}; {versions})"
    subprocess.run([python, "-m", "compileall", "-q", str(package)], check=True)
    return (
        f"the editable install of the source tree ({package}; {versions}), bytecode compiled first"
    )


def soffice_command(work: Path, xlsx: Path) -> list[str] | None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return None
    profile = (work / "lo-profile").as_uri()
    return [
        soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
        "--outdir", str(work / "lo"), str(xlsx),
    ]  # fmt: skip


def switch_to_reviews(db: Path, repeat: int) -> tuple[float, float]:
    """Median seconds to open the Reviews screen from the map, in a fresh process.

    First the opening that builds the screen (start-up builds only the screen shown),
    then switching back to it after an edit elsewhere (its figures worked out again).
    """
    code = (
        "import os, statistics, sys, time\n"
        "from PySide6.QtWidgets import QApplication\n"
        "from provmap_desktop.storage import open_database\n"
        "from provmap_desktop.shell.main_window import MainWindow\n"
        "app = QApplication([])\n"
        "first, again = [], []\n"
        f"for _ in range({repeat}):\n"
        f"    db = open_database(__import__('pathlib').Path({str(db)!r}))\n"
        "    window = MainWindow(db)\n"
        "    window.show_screen('map'); window.show(); app.processEvents()\n"
        "    start = time.perf_counter()\n"
        "    window.show_screen('reviews'); app.processEvents()\n"
        "    first.append(time.perf_counter() - start)\n"
        "    window.show_screen('map'); app.processEvents()\n"
        "    window.ctx.data_changed.emit({'groups'}); app.processEvents()\n"
        "    start = time.perf_counter()\n"
        "    window.show_screen('reviews'); app.processEvents()\n"
        "    again.append(time.perf_counter() - start)\n"
        "    window.close(); db.close()\n"
        "print(statistics.median(first), statistics.median(again))\n"
        "sys.stdout.flush(); os._exit(0)\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    with tempfile.TemporaryDirectory() as settings:
        env["XDG_CONFIG_HOME"] = settings  # a clean last-screen setting
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
        )
    first, again = out.stdout.strip().splitlines()[-1].split()
    return float(first), float(again)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, help="the bench school (made if missing)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--start-repeat", type=int, default=3, help="runs per start screen")
    parser.add_argument("--keep", type=Path, help="keep the PDFs in this folder")
    parser.add_argument(
        "--wheel",
        action="store_true",
        help="time the command-line rows on a wheel installed into a fresh environment",
    )
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="provmap-bench-"))
    global PYTHON, RUN_IN
    if args.wheel:
        PYTHON, RUN_IN = installed_wheel(work), work
    measured = measured_install(PYTHON)
    db = args.db or work / "bench.provmap"
    if not db.exists():
        from bench.generate_school import generate

        print(f"Generated {db}: {generate(db)}")
    out = args.keep or work
    out.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")

    # The same map, as our spreadsheet, for LibreOffice.
    xlsx = work / "map.xlsx"
    timed(provmap(db, "export", "map", "--out", str(xlsx)), env=env)
    ours_pdf = out / "map.pdf"
    ours_cmd = provmap(db, "report", "map", "--out", str(ours_pdf))
    lo_cmd = soffice_command(work, xlsx)
    ours: list[Run] = []
    theirs: list[Run] = []
    if lo_cmd is not None:
        timed(lo_cmd, env=env)  # LibreOffice sets up its profile on the first run
    timed(ours_cmd, env=env)  # and we warm the file cache alike
    for _ in range(args.repeat):
        if lo_cmd is not None:
            theirs.append(timed(lo_cmd, env=env))
        ours.append(timed(ours_cmd, env=env))

    costed = [
        timed(provmap(db, "report", "costed", "--out", str(out / "costed.pdf")), env=env)
        for _ in range(args.repeat)
    ]
    profiles_pdf = out / "sen-register.pdf"
    profiles = [
        timed(
            provmap(db, "report", "profile", "--sen-register", "--out", str(profiles_pdf)),
            env=env,
        )
        for _ in range(args.repeat)
    ]
    check = [timed(provmap(db, "check"), env=env) for _ in range(args.repeat)]

    from bench.start_bench import run_once, start_times
    from provmap_desktop.shell.screens import SCREENS

    keys = [s.key for s in SCREENS]
    run_once(db, keys[0])  # the day's automatic copy is made before timing
    starts = start_times(db, keys, args.start_repeat)
    switch_first, switch_again = switch_to_reviews(db, args.repeat)

    rows: list[tuple[str, str, str, bool]] = []
    map_pages = pdf_pages(ours_pdf)
    if theirs:
        lo_pdf = work / "lo" / "map.pdf"
        ratio = median(ours) / median(theirs)
        rows.append(
            (
                "report map (whole year, A4), start to file",
                f"{median(ours):.2f} s (CPU {cpu(ours):.2f}), {map_pages} pages, "
                f"{peak(ours):.0f} MB",
                f"≤ 0.5 × LibreOffice, ≤ {TARGETS['map_pages']} pages",
                ratio <= TARGETS["map_ratio"] and map_pages <= TARGETS["map_pages"],
            )
        )
        rows.append(
            (
                "  LibreOffice converting map.xlsx to PDF",
                f"{median(theirs):.2f} s (CPU {cpu(theirs):.2f}), {pdf_pages(lo_pdf)} pages, "
                f"{peak(theirs):.0f} MB",
                "",
                True,
            )
        )
        rows.append(("  ratio ours / LibreOffice", f"{ratio:.2f}", "≤ 0.50", ratio <= 0.5))
        cpu_ratio = cpu(ours) / cpu(theirs) if cpu(theirs) else float("inf")
        rows.append(("  ratio of CPU times (for a busy machine)", f"{cpu_ratio:.2f}", "", True))
    else:
        rows.append(
            (
                "report map (LibreOffice not installed: no ratio)",
                f"{median(ours):.2f} s, {map_pages} pages, {peak(ours):.0f} MB",
                f"≤ {TARGETS['map_pages']} pages",
                map_pages <= TARGETS["map_pages"],
            )
        )
    rows.append(
        (
            "report costed",
            f"{median(costed):.2f} s (CPU {cpu(costed):.2f}), {peak(costed):.0f} MB",
            "≤ 1.0 s",
            median(costed) <= TARGETS["costed"],
        )
    )
    rows.append(
        (
            f"report profile --sen-register ({pdf_pages(profiles_pdf)} pages)",
            f"{median(profiles):.2f} s (CPU {cpu(profiles):.2f}), {peak(profiles):.0f} MB",
            "≤ 4 s",
            median(profiles) <= TARGETS["profiles"],
        )
    )
    rows.append(
        (
            "provmap check",
            f"{median(check):.2f} s (CPU {cpu(check):.2f})",
            "≤ 0.4 s",
            median(check) <= TARGETS["check"],
        )
    )
    for key, (seconds, peak_mb) in starts.items():
        rows.append(
            (
                f"app start to interactive window, last screen {key}",
                f"{seconds:.2f} s, {peak_mb:.0f} MB",
                "≤ 1.5 s",
                seconds <= TARGETS["start"],
            )
        )
    rows.append(
        (
            "switching to Reviews after an edit (screen built)",
            f"{switch_again * 1000:.0f} ms",
            "≤ 100 ms",
            switch_again <= TARGETS["switch"],
        )
    )
    rows.append(
        (
            "  first opening of Reviews (builds the screen)",
            f"{switch_first * 1000:.0f} ms",
            "≤ 100 ms",
            switch_first <= TARGETS["switch"],
        )
    )

    from bench.planning_bench import row as planning_row

    rows.append(planning_row(db, args.repeat))

    print(f"\nMeasured: {measured}")
    print(f"Medians of {args.repeat} runs (start-up: {args.start_repeat} per screen)\n")
    print(f"{'Work':<58} {'measured':<42} {'target':<30} result")
    print("-" * 140)
    for name, value, target, met in rows:
        print(f"{name:<58} {value:<42} {target:<30} {'ok' if met else 'MISSED'}")
    print(f"\nPDFs in {out}")


if __name__ == "__main__":
    main()
