"""Benchmark the provision map at the size of a large secondary school.

    python -m bench.map_bench [--db FILE] [--repeat 15] [--plans] [--postgresql]

Builds (or reuses) the synthetic school from ``bench.generate_school``, opens the real
map screen offscreen and prints a table: building the map for one term, one drop from
request to committed allocation and refreshed view, one filter change (and the
first one after an edit, when the map is read again), one undo, and
peak memory. Each timing is the median of ``--repeat`` runs.

``--postgresql`` also starts a PostgreSQL server of its own (the ``pgserver`` package,
in a temporary folder, default settings), copies the same school onto it with
``copy-to``'s ``copy_school``, runs the same measurements there and prints them beside
SQLite's, with the ratio; a drop or a filter change more than twice as slow as on
SQLite is marked.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from bench.generate_school import generate
from provmap_desktop.app import settle_collector
from provmap_desktop.models import AcademicYear, Pupil
from provmap_desktop.services.map_building import build_map
from provmap_desktop.storage import Database, open_database
from provmap_desktop.ui.context import AppContext
from provmap_desktop.views.map.mime import pupils_mime
from provmap_desktop.views.map.screen import MapScreen

TARGETS_MS = {"build": 100.0, "drop": 16.0, "filter": 50.0, "undo": 16.0}


def median_ms(
    work: Callable[[], object], repeat: int, before: Callable[[], object] | None = None
) -> float:
    times = []
    for _ in range(repeat):
        if before is not None:
            before()
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def measure(app: QApplication, db: Database, repeat: int) -> list[tuple[str, float, str]]:
    """Every timing of the table, on the school in ``db``."""
    ctx = AppContext(db)
    session = ctx.session
    year = session.scalars(select(AcademicYear).order_by(AcademicYear.start_date.desc())).first()
    assert year is not None
    # Half-way through the autumn term, so delivery records and costs to date exist.
    ctx.today = year.terms[0].start_date + dt.timedelta(weeks=7)
    ctx.set_period(year.id, "Autumn")
    screen = MapScreen(ctx)
    screen.resize(1366, 768)
    screen.show()
    app.processEvents()
    # As the app does once its window is shown (``provmap_desktop.app``).
    settle_collector(gc.get_threshold())

    rows: list[tuple[str, float, str]] = []
    build = median_ms(lambda: build_map(session, year.id, "Autumn"), repeat)
    rows.append(("Build the map for one term (service)", build, "build"))
    screen_build = median_ms(screen.reload, repeat)
    rows.append(("  … and show it in the grid (model, spans, row heights)", screen_build, ""))

    # A drop: a pupil onto an empty cell of a provision, then undo, many times over.
    model = screen.model
    entry_row = next(i for i, e in enumerate(model.entries) if e.row is not None)
    column = 0
    year_group_id = model.columns[column].id
    pupil_id = session.scalars(
        select(Pupil.id)
        .where(Pupil.year_group_id == year_group_id, Pupil.sen_status != "N")
        .order_by(Pupil.id)
    ).first()
    index = model.index(entry_row, column)
    data = pupils_mime([pupil_id])

    def drop() -> None:
        model.dropMimeData(data, Qt.DropAction.CopyAction, -1, -1, index)

    def undo() -> None:
        ctx.undo_stack.undo()

    drop_times, undo_times = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        drop()
        drop_times.append((time.perf_counter() - start) * 1000)
        app.processEvents()  # the deferred cost refresh, outside the timed drop
        start = time.perf_counter()
        undo()
        undo_times.append((time.perf_counter() - start) * 1000)
        app.processEvents()
    rows.append(
        (
            "One drop: request to committed allocation and refreshed view",
            statistics.median(drop_times),
            "drop",
        )
    )
    rows.append(("One undo of that drop", statistics.median(undo_times), "undo"))

    def stale_costs() -> None:
        # As after an edit: costs and delivery rates must be worked out afresh.
        screen._pending_costs = True
        screen._costs_stale = True
        screen._rates_stale = False  # as after a map edit: memberships, not sessions

    deferred = median_ms(screen._apply_pending_costs, repeat, before=stale_costs)
    rows.append(("  costs after an edit (deferred to the next event-loop turn)", deferred, ""))

    combo = screen.area_filter
    choices = [1, 0]
    flip = {"i": 0}

    def change_filter() -> None:
        combo.setCurrentIndex(choices[flip["i"] % 2])
        flip["i"] += 1

    screen._apply_costs()  # costs are cached per period between edits
    rows.append(("One filter change (area of need)", median_ms(change_filter, repeat), "filter"))
    # Maps already built for a choice are kept until the data changes; after an edit
    # the next change of filter reads the database again.
    cold = median_ms(change_filter, repeat, before=screen.forget_built)
    rows.append(("  … the first change after an edit (the map read again)", cold, ""))
    screen.hide()
    ctx.close()
    return rows


def print_table(rows: list[tuple[str, float, str]]) -> None:
    """SQLite's timings against the targets."""
    print(f"{'Operation':<66} {'median ms':>10} {'target':>8}  result")
    print("-" * 96)
    for name, value, key in rows:
        target = TARGETS_MS.get(key)
        verdict = "" if target is None else ("ok" if value <= target else "MISSED")
        target_text = f"≤ {target:.0f}" if target else ""
        print(f"{name:<66} {value:>10.1f} {target_text:>8}  {verdict}")


#: On PostgreSQL these must stay within this factor of SQLite's time.
WITHIN_OF_SQLITE = {"drop": 2.0, "filter": 2.0}


def print_side_by_side(
    sqlite_rows: list[tuple[str, float, str]], server_rows: list[tuple[str, float, str]]
) -> None:
    """SQLite's and PostgreSQL's timings, the ratio, and whether drop and filter kept up."""
    print(f"{'Operation':<66} {'SQLite':>8} {'PostgreSQL':>11} {'ratio':>6}  result")
    print("-" * 100)
    for (name, lite, key), (_name, server, _key) in zip(sqlite_rows, server_rows, strict=True):
        ratio = server / lite if lite else float("inf")
        limit = WITHIN_OF_SQLITE.get(key)
        verdict = "" if limit is None else ("ok" if ratio <= limit else f"MISSED (> {limit:.0f}x)")
        print(f"{name:<66} {lite:>8.1f} {server:>11.1f} {ratio:>5.2f}x  {verdict}")


def start_server(folder: Path) -> tuple[Any, str]:
    """A PostgreSQL server of the bench's own, and the address of an empty database on it."""
    import pgserver

    server = pgserver.get_server(folder / "pgdata", cleanup_mode="stop")
    server.psql("CREATE DATABASE bench;")
    return server, f"postgresql://postgres@/bench?host={folder / 'pgdata'}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, help="reuse this benchmark database")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument(
        "--plans",
        action="store_true",
        help="with 500 SEN support plans, 1,500 meetings and EHC plan annual reviews",
    )
    parser.add_argument(
        "--postgresql",
        action="store_true",
        help="also run on a PostgreSQL server of the bench's own and print both",
    )
    args = parser.parse_args()
    path = args.db or Path(tempfile.mkdtemp()) / "bench.provmap"
    if not path.exists():
        counts = generate(path, plans=args.plans)
        print(f"Generated {path}: {counts}")

    app = QApplication.instance() or QApplication(sys.argv[:1])
    db = open_database(path)
    sqlite_rows = measure(app, db, args.repeat)
    server_rows = None
    if args.postgresql:
        from provmap_desktop.services.school_copy import copy_school

        folder = Path(tempfile.mkdtemp(prefix="provmap-bench-pg-"))
        folder.chmod(0o755)  # run as root, the server runs as its own user
        server, address = start_server(folder)
        copy_school(db, address)
        server_db = open_database(address)
        server_rows = measure(app, server_db, args.repeat)
        server_db.close()
        server.cleanup()
        shutil.rmtree(folder, ignore_errors=True)
    db.close()

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print()
    print_table(sqlite_rows)
    if server_rows is not None:
        print()
        print_side_by_side(sqlite_rows, server_rows)
    print(f"{'Peak memory (resident set)':<66} {peak_mb:>7.0f} MB")
    sys.stdout.flush()
    # Leave without tearing down Qt objects one by one: nothing is left to save, and
    # the table above is the whole result.
    os._exit(0)


if __name__ == "__main__":
    main()
