"""Time ``provmap import-map`` on the exemplar-sized map, from process start to exit.

    python -m bench.import_bench [--repeat 5]

Builds the exemplar school (2026/27, Reception to Year 6, about 110 pupils) and its
map as a workbook (15 provisions, about 150 names in cells) once, from the test
fixtures, then imports the map into a fresh copy of the school ``--repeat`` times,
each in a new process. Prints the median wall time and the median CPU time (user +
system, steadier on a busy machine) against the 2 s target, and how many SQL
statements one import runs.
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
from pathlib import Path

TARGET_S = 2.0
COMMAND = ["import-map", "{map}", "--year", "2026/27", "--term", "Autumn"]


def _prepare(work: Path) -> tuple[Path, Path]:
    """The exemplar school's file and its map as a workbook, written into ``work``."""
    from provmap_desktop.storage import open_database
    from tests.schools.exemplar import make_exemplar_school, write_xlsx

    school = work / "exemplar.provmap"
    db = open_database(school)
    try:
        with db.session_factory() as session:
            make_exemplar_school(session)
    finally:
        db.close()
    return school, write_xlsx(work / "map.xlsx")


def _fresh_copy(school: Path, run: Path) -> Path:
    """A copy of the school to import into, with no backups beside it yet."""
    if run.parent.joinpath("Backups").exists():
        shutil.rmtree(run.parent / "Backups")
    shutil.copyfile(school, run)
    return run


def _one_run(school: Path, workbook: Path, run: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one import in a new process."""
    args = [a.format(map=workbook) for a in COMMAND]
    command = [sys.executable, "-m", "provmap_desktop.cli", "--db", str(run), *args]
    _fresh_copy(school, run)
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        error = process.stderr.read().decode() if process.stderr else ""
        raise RuntimeError(f"{' '.join(command)} failed:\n{error}")
    if process.stderr:
        process.stderr.close()
    return wall, usage.ru_utime + usage.ru_stime


def _statements(school: Path, workbook: Path, run: Path) -> int:
    """SQL statements one import runs (preview and write), counted in this process."""
    import contextlib
    import io

    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    from provmap_desktop.cli import main

    count = 0

    def counted(*_args: object) -> None:
        nonlocal count
        count += 1

    _fresh_copy(school, run)
    event.listen(Engine, "before_cursor_execute", counted)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            main(["--db", str(run), *[a.format(map=workbook) for a in COMMAND]])
    finally:
        event.remove(Engine, "before_cursor_execute", counted)
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="provmap-import-bench-") as folder:
        work = Path(folder)
        school, workbook = _prepare(work)
        run = work / "run" / "school.provmap"
        run.parent.mkdir()
        _one_run(school, workbook, run)  # warm the file cache
        runs = [_one_run(school, workbook, run) for _ in range(args.repeat)]
        statements = _statements(school, workbook, run)
    wall = statistics.median(r[0] for r in runs)
    cpu = statistics.median(r[1] for r in runs)
    print(f"\nprovmap import-map (exemplar map), medians of {args.repeat} runs")
    print(f"  wall {wall:.2f} s, CPU {cpu:.2f} s (target < {TARGET_S:.0f} s): ", end="")
    print("ok" if wall < TARGET_S else "MISSED on wall time", end="")
    print("" if cpu < TARGET_S else " (and on CPU time)")
    print(f"  SQL statements per import: {statements}")


if __name__ == "__main__":
    main()
