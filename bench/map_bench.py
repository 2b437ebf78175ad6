"""Benchmark the provision map at the size of a large secondary school.

    python -m bench.map_bench [--db FILE] [--repeat 15] [--plans]

Builds (or reuses) the synthetic school from ``bench.generate_school``, opens the real
map screen offscreen and prints a table: building the map for one term, one drop from
request to committed allocation and refreshed view, one filter change, one undo, and
peak memory. Each timing is the median of ``--repeat`` runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from bench.generate_school import generate
from provmap_desktop.models import AcademicYear, Pupil
from provmap_desktop.services.map_building import build_map
from provmap_desktop.storage import open_database
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, help="reuse this benchmark database")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument(
        "--plans",
        action="store_true",
        help="with 500 SEN support plans, 1,500 meetings and EHC plan annual reviews",
    )
    args = parser.parse_args()
    path = args.db or Path(tempfile.mkdtemp()) / "bench.provmap"
    if not path.exists():
        counts = generate(path, plans=args.plans)
        print(f"Generated {path}: {counts}")

    app = QApplication.instance() or QApplication(sys.argv[:1])
    db = open_database(path)
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

    rows: list[tuple[str, float | None, str]] = []
    build = median_ms(lambda: build_map(session, year.id, "Autumn"), args.repeat)
    rows.append(("Build the map for one term (service)", build, "build"))
    screen_build = median_ms(screen.reload, args.repeat)
    rows.append(("  … and show it in the grid (model, spans, row heights)", screen_build, ""))

    # A drop: a pupil onto an empty cell of a provision, then undo, many times over.
    model = screen.model
    entry_row = next(i for i, e in enumerate(model.entries) if e.row is not None)
    column = 0
    year_group_id = model.columns[column].id
    pupil_id = session.scalars(
        select(Pupil.id).where(Pupil.year_group_id == year_group_id, Pupil.sen_status != "N")
    ).first()
    index = model.index(entry_row, column)
    data = pupils_mime([pupil_id])

    def drop() -> None:
        model.dropMimeData(data, Qt.DropAction.CopyAction, -1, -1, index)

    def undo() -> None:
        ctx.undo_stack.undo()

    drop_times, undo_times = [], []
    for _ in range(args.repeat):
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

    deferred = median_ms(screen._apply_pending_costs, args.repeat, before=stale_costs)
    rows.append(("  costs after an edit (deferred to the next event-loop turn)", deferred, ""))

    combo = screen.area_filter
    choices = [1, 0]
    flip = {"i": 0}

    def change_filter() -> None:
        combo.setCurrentIndex(choices[flip["i"] % 2])
        flip["i"] += 1

    screen._apply_costs()  # costs are cached per period between edits
    rows.append(
        ("One filter change (area of need)", median_ms(change_filter, args.repeat), "filter")
    )

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print()
    print(f"{'Operation':<66} {'median ms':>10} {'target':>8}  result")
    print("-" * 96)
    for name, value, key in rows:
        target = TARGETS_MS.get(key)
        verdict = (
            "" if target is None else ("ok" if value is not None and value <= target else "MISSED")
        )
        target_text = f"≤ {target:.0f}" if target else ""
        print(f"{name:<66} {value:>10.1f} {target_text:>8}  {verdict}")
    print(f"{'Peak memory (resident set)':<66} {peak_mb:>7.0f} MB")
    ctx.close()
    db.close()
    sys.stdout.flush()
    # Leave without tearing down Qt objects one by one: nothing is left to save, and
    # the table above is the whole result.
    os._exit(0)


if __name__ == "__main__":
    main()
