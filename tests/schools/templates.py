"""Each fixture school is built once per test run into a template file, then copied.

Creating a database file runs every migration (about a second) and the demo school
takes a few seconds more to build, so building them afresh for each test made up
much of the suite's time. Here each school is built on first use into a template in
the run's temporary folder, checkpointed and closed (so the file alone is the whole
database), and every test gets its own copy of that file: a test that writes changes
its copy only.

The templates folder is set once per run by the session fixture in
``tests/conftest.py``; when the run is split across worker processes they share it, and
each school is built by one of them only.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.orm import Session

from provmap_desktop.storage import Database, open_database
from provmap_desktop.storage.database import make_engine, verify_pragmas
from provmap_desktop.storage.lock import DatabaseLock
from provmap_desktop.storage.safe_files import private_folder

from .costed import add_group_school, make_costed_school
from .exemplar import make_exemplar_school
from .map_school import build_school
from .pupils import make_pupil_school
from .small import add_calendar_school, add_fixture_primary, add_whole_year_costs
from .trust import add_brook_lane

#: The day the widget tests and the demo school are set on.
TODAY = dt.date(2026, 11, 23)
#: A Wednesday in the spring term of 2026/27: the demo school as the service tests see it.
SPRING_DAY = dt.date(2027, 2, 3)


def _demo(session: Session) -> None:
    from provmap_desktop.services.demo import build_demo_school

    build_demo_school(session, today=TODAY)


def _demo_in_spring(session: Session) -> None:
    from provmap_desktop.services.demo import build_demo_school

    build_demo_school(session, today=SPRING_DAY)


def _oak_lane(session: Session) -> None:
    from provmap_desktop.services.school_setup import create_school

    create_school(
        session,
        name="Oak Lane Primary",
        phase="primary",
        year_group_names=[],
        start_year=2026,
        with_catalogue=False,
    )


def _committed(build: Callable[[Session], object]) -> Callable[[Session], None]:
    def build_and_commit(session: Session) -> None:
        build(session)
        session.commit()

    return build_and_commit


#: Each school by name: a function that fills an empty database through a session.
SCHOOLS: dict[str, Callable[[Session], None]] = {
    "empty": lambda _session: None,
    "calendar": add_calendar_school,
    "whole_year_costs": add_whole_year_costs,
    "fixture_primary": add_fixture_primary,
    "demo": _demo,
    "demo_spring": _demo_in_spring,
    "pupils": _committed(make_pupil_school),
    "costed": _committed(make_costed_school),
    "map": _committed(build_school),
    "exemplar": make_exemplar_school,
    "oak_lane": _oak_lane,
    "group": add_group_school,
    "brook_lane": add_brook_lane,
}

#: How long a worker waits for a school another worker is building (the demo takes
#: a few seconds on a quiet machine, much longer on a loaded one).
BUILD_WAIT_S = 600

_folder: list[Path] = []
_built: dict[str, Path] = {}
#: The engine ``open_school`` and ``load_into`` give the current test: "sqlite" or
#: "postgresql" (set by the ``db_engine`` fixture in ``tests/conftest.py``).
_engine: list[str] = ["sqlite"]


def use_engine(kind: str) -> None:
    """Give the following tests' schools on ``kind`` ("sqlite" or "postgresql")."""
    _engine[:] = [kind]


def use_folder(folder: Path) -> None:
    """Keep this run's templates in ``folder`` (called once by the session fixture)."""
    _folder[:] = [folder]
    _built.clear()


def template(name: str) -> Path:
    """The template file of school ``name``, built on first use.

    Worker processes of one run share the folder: the first worker to need a school
    claims it and builds it, and a worker that needs it meanwhile waits for the
    finished file instead of building its own copy.
    """
    if name in _built:
        return _built[name]
    if not _folder:
        raise RuntimeError("No templates folder: tests/conftest.py sets one for each run.")
    path = _folder[0] / f"{name}.provmap"
    claim = _folder[0] / f"{name}.claim"
    give_up = time.monotonic() + BUILD_WAIT_S
    while not path.exists():
        try:
            os.close(os.open(claim, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            if time.monotonic() > give_up:
                raise RuntimeError(f"{claim} was never finished: did its worker stop?") from None
            time.sleep(0.05)  # another worker is building it
            continue
        try:
            _build(name, path)
        finally:
            claim.unlink()  # a failed build lets the next worker try (and fail) in its turn
    _built[name] = path
    return path


def _build(name: str, path: Path) -> None:
    """Build school ``name`` in a folder of its own, then move the closed file to ``path``."""
    work = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=path.parent))
    built = work / path.name
    db = open_database(built, create=True)
    try:
        with db.session_factory() as session:
            SCHOOLS[name](session)
            session.commit()
        with db.engine.connect() as conn:
            raw = conn.connection.dbapi_connection
            assert raw is not None
            raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()
    for side in ("-wal", "-shm"):
        leftover = built.with_name(built.name + side)
        assert not leftover.exists() or leftover.stat().st_size == 0, f"{leftover} not empty"
    os.replace(built, path)  # whole or not there: a waiting worker never sees half a file


def copy_school(name: str, target: Path) -> Path:
    """A fresh, closed copy of school ``name`` at ``target`` (which must not exist yet)."""
    if target.exists():
        raise FileExistsError(f"{target} exists; a school is copied only to a new file")
    private_folder(target.parent)
    shutil.copy(template(name), target)  # keeps the template's owner-only mode
    return target


def open_school(name: str, target: Path) -> Database:
    """A copy of school ``name`` at ``target``, opened as the app opens it.

    This is what ``open_database`` does for a file already at the current schema,
    less the first-open-of-the-day copy into ``Backups``: a freshly built school
    has none, and the tests that count copies expect none. A test on PostgreSQL gets
    the same school in a server database instead (``target`` is then not made).
    """
    if _engine[0] == "postgresql":
        from . import pg_templates

        return pg_templates.open_school(name)
    copy_school(name, target)
    lock = DatabaseLock(target)
    if not lock.acquire():
        raise RuntimeError(f"{target} is locked")
    engine = make_engine(target)
    verify_pragmas(engine)
    return Database(target, engine, lock)  # the database audits its own sessions


def load_into(session: Session, name: str) -> None:
    """Replace the session's (empty, in-memory) database with a copy of school ``name``."""
    if session.get_bind().dialect.name == "postgresql":
        from . import pg_templates

        pg_templates.load_into(session, name)
        return
    source = sqlite3.connect(template(name))
    try:
        raw = session.connection().connection.dbapi_connection
        assert raw is not None
        source.backup(raw)
    finally:
        source.close()
    session.commit()
