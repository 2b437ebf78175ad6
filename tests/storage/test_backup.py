"""Backup while the app writes, restore with checks first, and no half-written files."""

from __future__ import annotations

import os
import resource
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from provmap_desktop.storage import (
    AlreadyOpenError,
    CorruptDatabaseError,
    NewerSchemaError,
    NotProvMapError,
    StorageError,
    open_database,
)
from provmap_desktop.storage.backup import backup_database, check_backup, restore_database
from provmap_desktop.storage.database import inspect_file
from provmap_desktop.storage.migrate import SCHEMA_VERSION

from .conftest import all_rows, integrity, sha256, side_files
from .writer_process import FILLER, filler_name, role_name

WRITER = Path(__file__).with_name("writer_process.py")


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


def _stop(proc: subprocess.Popen[str]) -> None:
    proc.kill()
    proc.wait()
    for stream in (proc.stdin, proc.stdout, proc.stderr):
        if stream is not None:
            stream.close()


def _role_names(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [r[0] for r in conn.execute("SELECT name FROM staff_roles ORDER BY name")]
    finally:
        conn.close()


def _listing(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


# --- backup -----------------------------------------------------------------------------


def test_a_backup_taken_during_writes_holds_every_earlier_commit_and_restores_whole(
    tmp_path: Path,
) -> None:
    live = tmp_path / "school.provmap"
    open_database(live).close()
    writer = _start("write", str(live))
    try:
        committed_before = [int(_line(writer)) for _ in range(50)][-1]
        out = backup_database(live, tmp_path / "backups" / "during-writes.provmap")
        # The writer carried on: the live file moves on past the backup.
        committed_after = [int(_line(writer)) for _ in range(50)][-1]
    finally:
        _stop(writer)
    assert committed_after > committed_before

    assert integrity(out) == ["ok"]
    assert side_files(out) == []  # a single self-contained file
    assert check_backup(out) == SCHEMA_VERSION
    names = _role_names(out)
    in_backup = sum(1 for name in names if name.startswith("role "))
    assert in_backup >= committed_before
    # A snapshot of whole transactions: each role with all of its filler rows.
    expected = [role_name(n) for n in range(1, in_backup + 1)]
    expected += [filler_name(n, k) for n in range(1, in_backup + 1) for k in range(FILLER)]
    assert names == sorted(expected)

    restored = tmp_path / "restored.provmap"
    assert restore_database(out, restored) is None  # nothing was there to keep aside
    assert all_rows(restored) == all_rows(out)


def test_backup_then_restore_into_a_new_file_gives_the_same_rows(
    school_file: Path, tmp_path: Path
) -> None:
    source_rows = all_rows(school_file)
    assert source_rows["pupils"]  # the fixture really holds data
    out = backup_database(school_file, tmp_path / "copy.provmap")
    restored = tmp_path / "elsewhere" / "restored.provmap"
    restored.parent.mkdir()
    out_hash = sha256(out)
    restore_database(out, restored)
    assert all_rows(restored) == source_rows
    assert sha256(out) == out_hash  # the backup itself is only read
    assert side_files(out) == []
    db = open_database(restored)
    try:
        assert db.integrity_problems() == []
    finally:
        db.close()


def test_backup_while_the_database_is_open_in_this_process(
    school_file: Path, tmp_path: Path
) -> None:
    db = open_database(school_file)
    try:
        out = backup_database(school_file, tmp_path / "open.provmap")
    finally:
        db.close()
    assert all_rows(out) == all_rows(school_file)


def test_backup_refuses_to_write_over_the_database_itself(school_file: Path) -> None:
    before = sha256(school_file)
    with pytest.raises(StorageError, match="different file"):
        backup_database(school_file, school_file)
    assert sha256(school_file) == before


def test_backup_of_a_missing_database_says_so_and_creates_nothing(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="no ProvMap database"):
        backup_database(tmp_path / "missing.provmap", tmp_path / "out.provmap")
    assert _listing(tmp_path) == set()


def test_backup_of_a_text_file_is_refused(tmp_path: Path) -> None:
    text = tmp_path / "notes.provmap"
    text.write_text("not a database")
    with pytest.raises(NotProvMapError):
        backup_database(text, tmp_path / "out.provmap")
    assert _listing(tmp_path) == {"notes.provmap"}


@pytest.mark.skipif(not hasattr(signal, "SIGXFSZ"), reason="file size limits are POSIX only")
def test_a_backup_that_runs_out_of_room_leaves_no_partial_file(
    school_file: Path, tmp_path: Path
) -> None:
    """The file size limit makes every write past 64 KiB fail, as a full disk would."""
    backups = tmp_path / "backups"
    backups.mkdir()
    assert school_file.stat().st_size > 64 * 1024
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    old_handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, hard))
    try:
        with pytest.raises(StorageError) as caught:
            backup_database(school_file, backups / "too-big.provmap")
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, old_handler)
    assert "Nothing was changed" in str(caught.value)
    assert "\n" not in str(caught.value)
    assert _listing(backups) == set()


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0,
    reason="permissions do not stop the superuser",
)
def test_a_backup_to_a_read_only_folder_fails_cleanly(school_file: Path, tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        with pytest.raises(StorageError, match="Nothing was changed"):
            backup_database(school_file, locked / "backup.provmap")
        assert _listing(locked) == set()
    finally:
        locked.chmod(0o755)


# --- restore ----------------------------------------------------------------------------


@pytest.fixture
def current(tmp_path: Path) -> Iterator[Path]:
    """The database in use, holding data that differs from the backup."""
    path = tmp_path / "live" / "school.provmap"
    path.parent.mkdir()
    db = open_database(path)
    db.close()
    return path


def test_restore_keeps_the_previous_database_aside(
    school_file: Path, current: Path, tmp_path: Path
) -> None:
    backup = backup_database(school_file, tmp_path / "backup.provmap")
    previous_rows = all_rows(current)
    aside = restore_database(backup, current)
    assert aside is not None
    assert aside.parent == current.parent / "Backups"
    assert aside.name.endswith(".before-restore.provmap")
    assert all_rows(aside) == previous_rows
    assert integrity(aside) == ["ok"]
    assert all_rows(current) == all_rows(school_file)
    assert side_files(current) == []


def _corrupt(path: Path) -> Path:
    data = bytearray(path.read_bytes())
    for offset in range(5 * 4096, min(len(data), 40 * 4096)):
        data[offset] = (offset * 13 + 1) % 256
    path.write_bytes(bytes(data))
    return path


def _newer(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version=99")
    conn.close()
    return path


def _foreign(path: Path) -> Path:
    path.unlink()
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE contacts (name TEXT)")
    conn.commit()
    conn.close()
    return path


@pytest.mark.parametrize(
    ("spoil", "error"),
    [
        (_corrupt, CorruptDatabaseError),
        (_newer, NewerSchemaError),
        (_foreign, NotProvMapError),
    ],
    ids=["corrupt", "newer", "another-program"],
)
def test_restore_refuses_a_bad_backup_and_changes_nothing(
    school_file: Path, current: Path, tmp_path: Path, spoil, error
) -> None:  # type: ignore[no-untyped-def]
    bad = spoil(backup_database(school_file, tmp_path / "bad.provmap"))
    bad_hash, current_hash = sha256(bad), sha256(current)
    live_listing = _listing(current.parent)
    with pytest.raises(error) as caught:
        restore_database(bad, current)
    assert "\n" not in str(caught.value)
    assert sha256(current) == current_hash
    assert sha256(bad) == bad_hash
    assert _listing(current.parent) == live_listing  # nothing kept aside, no partial file


def test_restore_refuses_while_another_copy_has_the_database_open(
    school_file: Path, current: Path, tmp_path: Path
) -> None:
    backup = backup_database(school_file, tmp_path / "backup.provmap")
    before = sha256(current)
    holder = _start("hold", str(current))
    try:
        assert _line(holder) == "ready"
        with pytest.raises(AlreadyOpenError, match="Nothing was changed"):
            restore_database(backup, current)
    finally:
        _stop(holder)
    assert sha256(current) == before


def test_check_backup_reports_the_schema_of_a_good_backup(
    school_file: Path, tmp_path: Path
) -> None:
    out = backup_database(school_file, tmp_path / "b.provmap")
    assert check_backup(out) == inspect_file(school_file).schema_version == SCHEMA_VERSION


def test_restore_of_an_empty_file_is_refused(current: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty.provmap"
    empty.touch()
    before = sha256(current)
    with pytest.raises(StorageError, match="empty"):
        restore_database(empty, current)
    assert sha256(current) == before
