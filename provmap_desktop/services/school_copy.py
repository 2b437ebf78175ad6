"""Copying a whole school from one database to another: a file onto a server, or back.

``copy_school(source, target)`` copies every table, row for row with its ids, in the
order the foreign keys need, inside one transaction on the target. Before that
transaction commits, the number of rows in every table and each academic year's
planned cost and cost to date are worked out on both sides and compared; any
difference rolls the copy back and says where. A PostgreSQL target's id sequences are
moved past the copied ids, so the next pupil or group added there gets a new id.

The target must hold no school: a server database as IT made it (empty, or with the
schema and no rows), or a file that does not exist yet.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Connection, Integer, func, insert, select, text
from sqlalchemy.orm import Session

from ..models import AcademicYear, Base
from ..storage import Database, open_database
from ..storage.server import is_server_address
from .costing import cost_map


class CopyError(ValueError):
    """The copy could not be made or did not match; ``str()`` is a message for the user."""


@dataclass(frozen=True)
class CopyOutcome:
    """What was copied: rows per table, and each year's planned cost and cost to date."""

    target: str
    counts: dict[str, int]
    totals: dict[str, tuple[Decimal, Decimal]]

    def lines(self) -> list[str]:
        """The figures compared, one line each, for the command to print."""
        found = [f"{table}: {n}" for table, n in self.counts.items() if n]
        found += [
            f"{label}: planned £{planned:,.2f}, to date £{to_date:,.2f}"
            for label, (planned, to_date) in self.totals.items()
        ]
        return found


def table_counts(conn: Connection) -> dict[str, int]:
    """Rows in every table of the school, in dependency order."""
    return {
        table.name: int(conn.scalar(select(func.count()).select_from(table)) or 0)
        for table in Base.metadata.sorted_tables
    }


def cost_totals(conn: Connection, as_of: dt.date) -> dict[str, tuple[Decimal, Decimal]]:
    """Each academic year's whole-school planned cost and cost to date on ``as_of``."""
    with Session(bind=conn) as session:
        years = session.scalars(select(AcademicYear).order_by(AcademicYear.start_date)).all()
        totals = {}
        for year in years:
            total = cost_map(session, year, as_of=as_of).total
            totals[year.label] = (total.planned, total.to_date)
    return totals


def _open_target(target: Path | str) -> Database:
    """The target database, refused unless it holds no school."""
    if not is_server_address(target):
        path = Path(target).expanduser()
        if path.is_dir() or (path.exists() and path.stat().st_size > 0):
            raise CopyError(
                f"{path} already exists: a school is copied only into a new file. "
                "Nothing was changed."
            )
        return open_database(path, create=True, daily_copy=False)
    db = open_database(target, create=True)
    with db.engine.connect() as conn:
        filled = [name for name, n in table_counts(conn).items() if n]
    if filled:
        db.close()
        raise CopyError(
            f"The database at {db.location} is not empty ({filled[0]} holds rows): a school "
            "is copied only into an empty database. Nothing was changed."
        )
    return db


def copy_rows(source: Connection, target: Connection) -> None:
    """Every row of every table from ``source`` into ``target``, parents before children."""
    for table in Base.metadata.sorted_tables:
        rows = [dict(row) for row in source.execute(select(table)).mappings()]
        if rows:
            target.execute(insert(table), rows)


def reset_sequences(target: Connection) -> None:
    """Start each PostgreSQL id sequence after the highest id copied."""
    for table in Base.metadata.sorted_tables:
        key = list(table.primary_key.columns)
        if len(key) != 1 or not isinstance(key[0].type, Integer):
            continue
        column = key[0].name
        sequence = target.scalar(
            text("SELECT pg_get_serial_sequence(:table, :column)"),
            {"table": table.name, "column": column},
        )
        if sequence is None:
            continue
        target.execute(
            text(
                f'SELECT setval(:sequence, COALESCE(MAX("{column}"), 1), MAX("{column}") '  # noqa: S608 - names from our own schema
                f'IS NOT NULL) FROM "{table.name}"'
            ),
            {"sequence": sequence},
        )


def _differences(before: dict[str, object], after: dict[str, object], what: str) -> list[str]:
    return [
        f"{what} {key}: {before.get(key)} in the source, {after.get(key)} in the copy"
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    ]


def copy_school(
    source: Database, target: Path | str, *, as_of: dt.date | None = None
) -> CopyOutcome:
    """Copy the school in ``source`` into the new or empty database ``target``.

    Raises ``CopyError`` when the target holds anything, or when the copy's counts or
    cost totals differ from the source's (the copy is then rolled back).
    """
    as_of = as_of or dt.date.today()
    destination = _open_target(target)
    made_file = destination.path
    try:
        with source.engine.connect() as src:
            counts = table_counts(src)
            totals = cost_totals(src, as_of)
            with destination.engine.connect() as dst, dst.begin():
                copy_rows(src, dst)
                if dst.dialect.name == "postgresql":
                    reset_sequences(dst)
                problems = _differences(dict(counts), dict(table_counts(dst)), "rows in")
                problems += _differences(dict(totals), dict(cost_totals(dst, as_of)), "costs of")
                if problems:
                    raise CopyError(
                        "The copy did not match the school it came from ("
                        + "; ".join(problems[:3])
                        + "), so it was not kept."
                    )
    except BaseException:
        destination.close()
        if made_file is not None:  # no half-made school is left behind
            for suffix in ("", "-wal", "-shm"):
                made_file.with_name(made_file.name + suffix).unlink(missing_ok=True)
        raise
    destination.close()
    return CopyOutcome(destination.location, counts, totals)
