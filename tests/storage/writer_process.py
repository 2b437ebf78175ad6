"""A second process for the storage tests, run as ``python writer_process.py MODE DB``.

Modes:

* ``hold``: open the database and keep it open; print ``ready``.
* ``write``: commit numbered staff roles (``role 00001``, ``role 00002``, …) in a
  loop, printing each number once its commit has returned. Each transaction also
  adds ``FILLER`` rows, and its rows are flushed (written to SQLite) before the
  commit, so a kill almost always lands while a transaction is open.
* ``write --hold-after N``: as ``write``, but after N commits open transaction N+1,
  flush it, print ``pending N+1`` and wait with it uncommitted until killed.

Every line is flushed at once so the test reads exactly what has happened.
"""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

from sqlalchemy.orm import Session

from provmap_desktop.models import StaffRole
from provmap_desktop.storage import open_database

FILLER = 20


def role_name(number: int) -> str:
    return f"role {number:05d}"


def filler_name(number: int, k: int) -> str:
    return f"filler {number:05d}-{k:03d} " + "x" * 30


def _stage(session: Session, number: int) -> None:
    # A tiny page cache makes SQLite spill the open transaction into the WAL file,
    # so uncommitted pages really are on disk when the process dies.
    session.connection().exec_driver_sql("PRAGMA cache_size=4")
    session.add(StaffRole(name=role_name(number), hourly_cost=Decimal(number)))
    session.add_all(
        StaffRole(name=filler_name(number, k), hourly_cost=Decimal("1.00")) for k in range(FILLER)
    )
    session.flush()


def write(path: Path, hold_after: int | None) -> None:
    db = open_database(path)
    number = 0
    with db.session_factory() as session:
        while True:
            number += 1
            _stage(session, number)
            if hold_after is not None and number > hold_after:
                print(f"pending {number}", flush=True)
                sys.stdin.readline()  # wait, transaction open, until killed
                return
            session.commit()
            print(number, flush=True)


def hold(path: Path) -> None:
    db = open_database(path)
    print("ready", flush=True)
    sys.stdin.readline()
    db.close()


def main(argv: list[str]) -> None:
    mode, path = argv[0], Path(argv[1])
    if mode == "hold":
        hold(path)
    elif mode == "write":
        hold_after = int(argv[3]) if len(argv) > 3 and argv[2] == "--hold-after" else None
        write(path, hold_after)
    else:
        raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    main(sys.argv[1:])
