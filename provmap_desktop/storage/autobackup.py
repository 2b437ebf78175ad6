"""Automatic copies of the school database, kept in one ``Backups`` folder and pruned.

A copy is taken before anything that could lose data if it went wrong (a restore, an
import, a migration, replacing the file with the demo school, erasing, year-end
changes) and once a day, on the first open of the day. Copies are complete SQLite
files made with the online backup API, named ``<school>.<time>.<reason>.provmap``.

Pruning keeps the newest daily copy of each of the last 7 days, 4 weeks and 12
months that have one, plus the last 10 copies taken before a risky action.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from .errors import StorageError
from .file_check import BUSY_TIMEOUT_MS, _remove_side_files_we_made, _side_files
from .safe_files import atomic_write, fsync_file, make_private, private_folder, unused_name

BACKUPS_FOLDER = "Backups"
DAILY = "daily"
REASONS = {
    DAILY: "Daily copy",
    "before-restore": "Before a restore",
    "before-import": "Before an import",
    "before-migration": "Before an upgrade",
    "before-demo": "Before replacing with the demo school",
    "before-erase": "Before erasing a pupil",
    "before-year-end": "Before year-end changes",
}
KEEP_DAYS, KEEP_WEEKS, KEEP_MONTHS, KEEP_RISKY = 7, 4, 12, 10

_NAME = re.compile(r"^(?P<stem>.+)\.(?P<stamp>\d{8}-\d{6}-\d{6})(?:-\d+)?\.(?P<reason>[a-z-]+)\.")


@dataclass(frozen=True)
class AutomaticCopy:
    path: Path
    taken_at: dt.datetime
    reason: str
    size: int

    @property
    def reason_text(self) -> str:
        return REASONS.get(self.reason, self.reason.replace("-", " ").capitalize())

    @property
    def is_daily(self) -> bool:
        return self.reason == DAILY


def backups_folder(database: Path) -> Path:
    return Path(database).parent / BACKUPS_FOLDER


def copy_database_file(source: Path, target: Path) -> None:
    """A consistent, self-contained, checked copy of ``source`` written to ``target``."""
    side_files_before = _side_files(source)
    src = sqlite3.connect(
        f"{source.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000
    )
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")
            problems = [r[0] for r in dst.execute("PRAGMA integrity_check")]
            if problems != ["ok"]:
                raise StorageError(f"The copy did not check out ({problems[0]}).")
        finally:
            dst.close()
    finally:
        src.close()
        _remove_side_files_we_made(source, side_files_before)
    make_private(target)
    fsync_file(target)


def take_copy(database: Path, reason: str) -> Path:
    """Copy ``database`` into its ``Backups`` folder under a new name; return that name."""
    database = Path(database)
    folder = private_folder(backups_folder(database))
    target = unused_name(folder, database.stem, reason, database.suffix or ".provmap")
    try:
        with atomic_write(target) as temp:
            copy_database_file(database, temp)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    prune(database)
    return target


def reserve_copy_name(database: Path, reason: str) -> Path:
    """A new, claimed name in the ``Backups`` folder, for a file moved there whole."""
    database = Path(database)
    folder = private_folder(backups_folder(database))
    return unused_name(folder, database.stem, reason, database.suffix or ".provmap")


def list_copies(database: Path) -> list[AutomaticCopy]:
    """The automatic copies of ``database``, newest first."""
    database = Path(database)
    folder = backups_folder(database)
    if not folder.is_dir():
        return []
    found: list[AutomaticCopy] = []
    for path in folder.iterdir():
        match = _NAME.match(path.name)
        if not match or match["stem"] != database.stem or not path.name.endswith(database.suffix):
            continue
        size = path.stat().st_size
        if size == 0:
            continue  # a name claimed by a copy still being written
        taken = dt.datetime.strptime(match["stamp"], "%Y%m%d-%H%M%S-%f")
        found.append(AutomaticCopy(path, taken, match["reason"], size))
    found.sort(key=lambda c: c.taken_at, reverse=True)
    return found


def copies_to_keep(copies: list[AutomaticCopy]) -> set[Path]:
    """Which of ``copies`` (newest first) the pruning rule keeps."""
    keep: set[Path] = set()
    risky = [c for c in copies if not c.is_daily]
    keep.update(c.path for c in risky[:KEEP_RISKY])
    daily = [c for c in copies if c.is_daily]
    for limit, period in (
        (KEEP_DAYS, lambda d: d.date()),
        (KEEP_WEEKS, lambda d: d.isocalendar()[:2]),
        (KEEP_MONTHS, lambda d: (d.year, d.month)),
    ):
        seen: list[object] = []
        for copy in daily:
            key = period(copy.taken_at)
            if key in seen:
                continue
            if len(seen) == limit:
                break
            seen.append(key)
            keep.add(copy.path)
    return keep


def prune(database: Path) -> list[Path]:
    """Delete the automatic copies the rule does not keep; return what was deleted."""
    copies = list_copies(database)
    keep = copies_to_keep(copies)
    removed: list[Path] = []
    for copy in copies:
        if copy.path in keep:
            continue
        for side in (copy.path, *_side_files(copy.path)):
            side.unlink(missing_ok=True)
        removed.append(copy.path)
    return removed


def daily_copy_due(database: Path, today: dt.date | None = None) -> bool:
    today = today or dt.date.today()
    return not any(c.is_daily and c.taken_at.date() == today for c in list_copies(database))


def take_daily_copy(database: Path) -> Path | None:
    """The day's copy, on the first open of the day; ``None`` when one exists already."""
    if not daily_copy_due(database):
        return None
    return take_copy(database, DAILY)


# -- copies that may still hold a pupil (for erasure) -------------------------------------

KNOWN_BACKUPS = "written-backups.txt"


def record_backup(database: Path, written: Path) -> None:
    """Remember a backup written with File → Back up… so erasure can name it later."""
    folder = private_folder(backups_folder(database))
    registry = folder / KNOWN_BACKUPS
    known = _known_backups(database)
    path = Path(written).absolute()
    if path not in known:
        with registry.open("a", encoding="utf-8") as handle:
            handle.write(f"{path}\n")
        make_private(registry)


def _known_backups(database: Path) -> list[Path]:
    registry = backups_folder(database) / KNOWN_BACKUPS
    try:
        lines = registry.read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    return [Path(line) for line in lines if line.strip()]


@dataclass(frozen=True)
class HeldCopy:
    """A copy of the database that holds (or, if protected, may hold) a pupil."""

    path: Path
    protected: bool  # a password-protected backup: it cannot be looked inside


def copies_holding(database: Path, upn: str) -> list[HeldCopy]:
    """Automatic copies and known backups that hold the pupil with ``upn``."""
    from .sealed import is_sealed

    candidates = [c.path for c in list_copies(database)]
    candidates += [p for p in _known_backups(database) if p.exists() and p not in candidates]
    held: list[HeldCopy] = []
    for path in candidates:
        if is_sealed(path):
            held.append(HeldCopy(path, protected=True))
        elif _holds_upn(path, upn):
            held.append(HeldCopy(path, protected=False))
    return held


def _holds_upn(path: Path, upn: str) -> bool:
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return False
    try:
        return conn.execute("SELECT 1 FROM pupils WHERE upn = ?", (upn,)).fetchone() is not None
    except sqlite3.Error:
        return False
    finally:
        conn.close()


def delete_copies(copies: list[Path]) -> None:
    """Delete copies (and any side files) the user chose to remove after an erasure."""
    for path in copies:
        for side in (path, *_side_files(path)):
            side.unlink(missing_ok=True)


def copy_before(session: Session, reason: str) -> Path | None:
    """The automatic copy before a risky action on the file ``session`` is bound to.

    Databases that are not files (an in-memory one in a test) have nothing to copy.
    """
    bind = session.get_bind()
    if bind.dialect.name != "sqlite":  # a server's administrator makes its backups
        return None
    database = bind.engine.url.database
    if not database or database == ":memory:" or not Path(database).is_file():
        return None
    return take_copy(Path(database), reason)
