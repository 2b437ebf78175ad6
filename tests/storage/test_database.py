"""Opening the school file: pragmas, constraints, refusals, a second copy, a killed writer."""

from __future__ import annotations

import datetime as dt
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError

from provmap_desktop.models import AcademicYear, Base, Pupil, Staff, StaffRole
from provmap_desktop.rules.upn import make_upn
from provmap_desktop.storage import (
    AlreadyOpenError,
    CorruptDatabaseError,
    Database,
    NewerSchemaError,
    NotProvMapError,
    StorageError,
    open_database,
)
from provmap_desktop.storage.database import APPLICATION_ID, BUSY_TIMEOUT_MS, verify_pragmas
from provmap_desktop.storage.migrate import HEAD_REVISION, SCHEMA_VERSION

from .conftest import integrity, sha256, side_files
from .writer_process import FILLER, filler_name, role_name

WRITER = Path(__file__).with_name("writer_process.py")


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "new.provmap")
    yield database
    database.close()


def _raw(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path)


# --- a new file -------------------------------------------------------------------------


def test_new_file_is_created_at_head_with_the_provmap_stamp(db: Database) -> None:
    conn = _raw(db.path)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert set(Base.metadata.tables) <= tables
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [
            (HEAD_REVISION,)
        ]
        assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    finally:
        conn.close()
    assert db.schema_version() == SCHEMA_VERSION
    assert db.integrity_problems() == []


def test_every_connection_has_wal_full_sync_foreign_keys_and_a_busy_timeout(db: Database) -> None:
    found = verify_pragmas(db.engine)
    assert found["journal_mode"] == "wal"
    assert found["synchronous"] == 2  # FULL
    assert found["foreign_keys"] == 1
    assert found["busy_timeout"] == BUSY_TIMEOUT_MS
    # The same holds on the connection a session actually uses.
    with db.session_factory() as s:
        raw = s.connection().connection.dbapi_connection
        assert raw is not None
        assert raw.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert raw.execute("PRAGMA synchronous").fetchone()[0] == 2


def test_a_missing_foreign_key_is_refused(db: Database) -> None:
    with db.session_factory() as s:
        s.add(Staff(name="Nobody's role", role_id=999))
        with pytest.raises(IntegrityError, match="FOREIGN KEY"):
            s.commit()


def _add_role(db: Database, name: str, cost: str) -> None:
    with db.session_factory() as s:
        s.add(StaffRole(name=name, hourly_cost=Decimal(cost)))
        s.commit()


def test_a_negative_cost_is_refused(db: Database) -> None:
    with pytest.raises(IntegrityError, match="CHECK"):
        _add_role(db, "Teaching assistant", "-1.00")


def test_an_end_date_before_the_start_is_refused(db: Database) -> None:
    with db.session_factory() as s:
        s.add(
            AcademicYear(
                label="2026/27", start_date=dt.date(2027, 7, 21), end_date=dt.date(2026, 9, 1)
            )
        )
        with pytest.raises(IntegrityError, match="CHECK"):
            s.commit()


def _pupil(serial: int, **extra: object) -> Pupil:
    fields: dict[str, object] = {
        "upn": make_upn("202", "2001", 2019, serial),
        "surname": "Smith",
        "forename": "Sam",
    }
    fields.update(extra)
    return Pupil(**fields)


def test_an_unknown_sen_status_is_refused(db: Database) -> None:
    with db.session_factory() as s:
        s.add(_pupil(1, sen_status="Q"))
        with pytest.raises(IntegrityError, match="CHECK"):
            s.commit()


def test_a_duplicate_upn_is_refused(db: Database) -> None:
    with db.session_factory() as s:
        s.add(_pupil(1))
        s.commit()
        s.add(_pupil(1, forename="Other"))
        with pytest.raises(IntegrityError, match="UNIQUE"):
            s.commit()


# --- files that must be refused ---------------------------------------------------------


def _refused(path: Path, error: type[StorageError]) -> str:
    """Open ``path``, expect ``error``; prove the file and its neighbours are untouched."""
    before = sha256(path)
    with pytest.raises(error) as caught:
        open_database(path)
    message = str(caught.value)
    assert "\n" not in message
    assert path.name in message
    assert "Nothing was changed" in message
    assert sha256(path) == before
    assert side_files(path) == []
    return message


def test_a_text_file_is_not_a_provmap_database(tmp_path: Path) -> None:
    path = tmp_path / "notes.provmap"
    path.write_text("Dear parents, the school trip is on Friday.\n" * 50)
    assert "not an SQLite file" in _refused(path, NotProvMapError)


def test_another_programs_sqlite_file_is_not_a_provmap_database(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = _raw(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE bookmarks (url TEXT)")
    conn.execute("INSERT INTO bookmarks VALUES ('https://example.org')")
    conn.commit()
    conn.close()
    assert "another program" in _refused(path, NotProvMapError)


def test_a_corrupt_file_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "damaged.provmap"
    open_database(path).close()
    data = bytearray(path.read_bytes())
    page = 4096
    # Keep page 1 (header, application_id) intact; scribble over pages in the middle.
    for offset in range(5 * page, min(len(data), 40 * page)):
        data[offset] = (offset * 7 + 3) % 256
    path.write_bytes(bytes(data))
    message = _refused(path, CorruptDatabaseError)
    assert "backup" in message


def test_a_file_from_a_newer_schema_number_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "newer.provmap"
    open_database(path).close()
    conn = _raw(path)
    conn.execute("PRAGMA user_version=99")
    conn.close()
    message = _refused(path, NewerSchemaError)
    assert "newer version" in message
    assert "99" in message


def test_a_file_at_an_unknown_alembic_revision_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "newer.provmap"
    open_database(path).close()
    conn = _raw(path)
    conn.execute("UPDATE alembic_version SET version_num = 'ffff_from_the_future'")
    conn.commit()
    conn.close()
    assert "newer version" in _refused(path, NewerSchemaError)


# --- a second copy of the app -----------------------------------------------------------


def _start(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WRITER), *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _line(proc: subprocess.Popen[str]) -> str:
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line:
        proc.wait()
        assert proc.stderr is not None
        pytest.fail(f"writer stopped early: {proc.stderr.read()}")
    return line.strip()


def _kill(proc: subprocess.Popen[str]) -> None:
    proc.kill()  # SIGKILL: no clean-up code runs in the child
    proc.wait()
    for stream in (proc.stdin, proc.stdout, proc.stderr):
        if stream is not None:
            stream.close()


def test_a_second_copy_is_refused_and_a_killed_copy_leaves_no_stale_lock(tmp_path: Path) -> None:
    path = tmp_path / "school.provmap"
    open_database(path).close()
    holder = _start("hold", str(path))
    try:
        assert _line(holder) == "ready"
        with pytest.raises(AlreadyOpenError) as caught:
            open_database(path)
        assert "already open in another copy" in str(caught.value)
        assert "\n" not in str(caught.value)
    finally:
        _kill(holder)
    assert holder.returncode != 0
    db = open_database(path)
    try:
        assert db.lock.held
        assert db.integrity_problems() == []
    finally:
        db.close()


def test_the_same_file_cannot_be_opened_twice_in_one_process(db: Database) -> None:
    with pytest.raises(AlreadyOpenError):
        open_database(db.path)


# --- a writer killed mid-transaction ----------------------------------------------------


def _roles(path: Path) -> list[str]:
    conn = _raw(path)
    try:
        return [r[0] for r in conn.execute("SELECT name FROM staff_roles ORDER BY name")]
    finally:
        conn.close()


def _expected_names(numbers: range) -> list[str]:
    names = [role_name(n) for n in numbers]
    names += [filler_name(n, k) for n in numbers for k in range(FILLER)]
    return sorted(names)


def test_a_writer_killed_with_a_transaction_open_loses_only_that_transaction(
    tmp_path: Path,
) -> None:
    path = tmp_path / "school.provmap"
    open_database(path).close()
    writer = _start("write", str(path), "--hold-after", "200")
    try:
        printed = [_line(writer) for _ in range(200)]
        # Transaction 201 is flushed (with a page cache small enough to spill into the
        # WAL file) but never committed.
        assert _line(writer) == "pending 201"
    finally:
        _kill(writer)
    assert printed == [str(n) for n in range(1, 201)]

    assert integrity(path) == ["ok"]
    assert _roles(path) == _expected_names(range(1, 201))
    db = open_database(path)  # and the app starts normally on it
    try:
        assert db.integrity_problems() == []
    finally:
        db.close()


def test_a_writer_killed_at_any_moment_keeps_every_commit_it_reported(tmp_path: Path) -> None:
    path = tmp_path / "school.provmap"
    open_database(path).close()
    writer = _start("write", str(path))
    try:
        printed = [int(_line(writer)) for _ in range(200)]
    finally:
        _kill(writer)
    last = printed[-1]
    assert printed == list(range(1, last + 1))

    assert integrity(path) == ["ok"]
    names = _roles(path)
    # The kill may land after a commit returned but before its number was printed,
    # so the file holds every reported commit and at most one more, each whole.
    committed = sum(1 for name in names if name.startswith("role "))
    assert committed in (last, last + 1)
    assert names == _expected_names(range(1, committed + 1))
