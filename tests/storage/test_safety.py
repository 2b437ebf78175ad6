"""Safe with the school's data: restores that cannot corrupt, copies never overwritten,
automatic copies kept and pruned, owner-only files, one lock per real file."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import stat
from pathlib import Path

import pytest

from provmap_desktop.cli import EXIT_OK, main
from provmap_desktop.storage import AlreadyOpenError, open_database
from provmap_desktop.storage.autobackup import (
    AutomaticCopy,
    copies_to_keep,
    list_copies,
    take_copy,
)
from provmap_desktop.storage.backup import backup_database, restore_database

from .conftest import add_small_school, all_rows, integrity, side_files


def _rename_school(path: Path, name: str) -> None:
    conn = sqlite3.connect(path)
    try:
        conn.execute("UPDATE school_settings SET name = ?", (name,))
        conn.commit()
    finally:
        conn.close()


def _leave_stale_side_files(path: Path) -> None:
    """What a crash leaves: un-checkpointed ``-wal``/``-shm`` beside a deleted main file."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA wal_autocheckpoint=0")
    for n in range(200):
        conn.execute("UPDATE school_settings SET name = ?", (f"Crashed {n} " + "x" * 500,))
        conn.commit()
    kept = {s: path.with_name(path.name + s).read_bytes() for s in ("-wal", "-shm")}
    conn.close()
    path.unlink()
    for suffix, data in kept.items():
        path.with_name(path.name + suffix).write_bytes(data)


def test_restore_moves_stale_side_files_aside_and_gives_a_sound_file(
    school_file: Path, tmp_path: Path
) -> None:
    _rename_school(school_file, "Backed-up Primary")
    backup = backup_database(school_file, tmp_path / "usb" / "backup.provmap")
    target = tmp_path / "laptop" / "school.provmap"
    add_small_school(target)
    _leave_stale_side_files(target)
    stale_wal = target.with_name("school.provmap-wal").read_bytes()

    kept = restore_database(backup, target)

    assert integrity(target) == ["ok"]
    assert all_rows(target) == all_rows(backup)
    db = open_database(target)  # the app opening it must not replay anything either
    try:
        assert db.integrity_problems() == []
    finally:
        db.close()
    assert kept is not None
    assert kept.parent == target.parent / "Backups"
    assert kept.read_bytes() == stale_wal  # moved aside, never deleted


def test_two_restores_in_the_same_second_keep_both_previous_databases(
    school_file: Path, tmp_path: Path
) -> None:
    backup = backup_database(school_file, tmp_path / "backup.provmap")
    target = tmp_path / "laptop" / "school.provmap"
    add_small_school(target)
    _rename_school(target, "Original Primary")
    original = all_rows(target)

    first = restore_database(backup, target)
    _rename_school(target, "Second Primary")
    second = restore_database(backup, target)

    assert first is not None
    assert second is not None
    assert first != second
    assert all_rows(first) == original
    assert all_rows(second)["school_settings"][0][1] == "Second Primary"


def test_demo_force_replaces_the_school_and_keeps_a_copy_of_it(
    school_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = all_rows(school_file)
    code = main(["--db", str(school_file), "demo", "--force", "--today", "01/10/2026"])
    out, err = capsys.readouterr()
    assert (code, err) == (EXIT_OK, "")
    assert "Traceback" not in out
    names = [row[1] for row in all_rows(school_file)["school_settings"]]
    assert names == ["Oakfield Primary School"]  # the demo, not Fixture Primary
    copies = [c for c in list_copies(school_file) if c.reason == "before-demo"]
    assert len(copies) == 1
    assert all_rows(copies[0].path) == before
    assert "copy of the previous database" in out
    assert main(["--db", str(school_file), "check"]) == EXIT_OK


def test_the_first_open_of_the_day_takes_one_daily_copy(school_file: Path) -> None:
    shutil.rmtree(school_file.parent / "Backups", ignore_errors=True)
    open_database(school_file).close()
    open_database(school_file).close()
    daily = [c for c in list_copies(school_file) if c.reason == "daily"]
    assert len(daily) == 1
    assert daily[0].taken_at.date() == dt.date.today()
    assert all_rows(daily[0].path) == all_rows(school_file)


def _copy(when: dt.datetime, reason: str = "daily") -> AutomaticCopy:
    return AutomaticCopy(Path(f"{when:%Y%m%d-%H%M}.{reason}"), when, reason, 1)


def test_pruning_keeps_7_days_4_weeks_12_months_and_10_risky_copies() -> None:
    # One daily copy at 09:00 every day from 1 Jan 2026 to Wed 2 Dec 2026 (336 copies),
    # and 15 risky copies on the first 15 days of November. Worked by hand:
    # - days: 26/11 .. 02/12 (7 copies)
    # - weeks (ISO, newest copy in each): Wed 02/12 (week 49), Sun 29/11 (48),
    #   Sun 22/11 (47), Sun 15/11 (46); 02/12 and 29/11 are already kept by days
    # - months: 02/12, 30/11, 31/10, 30/09, ... 31/01 (12 months: Dec back to Jan)
    # - risky: the newest 10, 06/11 .. 15/11
    start = dt.datetime(2026, 1, 1, 9, 0)
    daily = [_copy(start + dt.timedelta(days=n)) for n in range(336)]
    risky = [_copy(dt.datetime(2026, 11, d, 12, 0), "before-import") for d in range(1, 16)]
    copies = sorted(daily + risky, key=lambda c: c.taken_at, reverse=True)

    kept = {c.taken_at for c in copies if c.path in copies_to_keep(copies)}

    days = {dt.datetime(2026, 12, 2, 9) - dt.timedelta(days=n) for n in range(7)}
    weeks = {dt.datetime(2026, 11, 22, 9), dt.datetime(2026, 11, 15, 9)}
    month_ends = [dt.date(2026, m + 1, 1) - dt.timedelta(days=1) for m in range(1, 11)]
    months = {dt.datetime(d.year, d.month, d.day, 9) for d in month_ends}
    months |= {dt.datetime(2026, 11, 30, 9)}
    risky_kept = {dt.datetime(2026, 11, d, 12) for d in range(6, 16)}
    assert kept == days | weeks | months | risky_kept
    assert len(kept) == 7 + 2 + 10 + 10  # 31/01 .. 31/10 and 30/11 are the months


def test_take_copy_prunes_the_folder(school_file: Path) -> None:
    for _ in range(12):
        take_copy(school_file, "before-import")
    risky = [c for c in list_copies(school_file) if c.reason == "before-import"]
    assert len(risky) == 10


@pytest.mark.skipif(os.name != "posix", reason="owner-only modes are POSIX")
def test_database_side_files_lock_and_copies_are_owner_only(tmp_path: Path) -> None:
    old_umask = os.umask(0o022)
    try:
        path = tmp_path / "data" / "school.provmap"
        db = open_database(path)
        try:
            with db.engine.begin() as conn:
                conn.exec_driver_sql("CREATE TABLE t (x)")
            for file in (path, path.with_name(path.name + "-wal"), db.lock.path):
                assert stat.S_IMODE(file.stat().st_mode) == 0o600, file
        finally:
            db.close()
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
        copy = take_copy(path, "before-import")
        assert stat.S_IMODE(copy.stat().st_mode) == 0o600
        assert stat.S_IMODE(copy.parent.stat().st_mode) == 0o700
        out = backup_database(path, tmp_path / "usb" / "copy.provmap")
        assert stat.S_IMODE(out.stat().st_mode) == 0o600
        restore_database(out, path)
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    finally:
        os.umask(old_umask)


@pytest.mark.skipif(os.name != "posix", reason="symbolic links need privileges on Windows")
def test_a_second_name_for_the_same_file_is_refused(school_file: Path, tmp_path: Path) -> None:
    link = tmp_path / "elsewhere" / "alias.provmap"
    link.parent.mkdir()
    link.symlink_to(school_file)
    db = open_database(school_file)
    try:
        with pytest.raises(AlreadyOpenError):
            open_database(link)
    finally:
        db.close()
    assert side_files(school_file) == []


def test_a_file_that_cannot_switch_to_wal_is_one_plain_line(
    short_busy_timeout: int, school_file: Path, tmp_path: Path
) -> None:
    from provmap_desktop.storage import StorageError

    copy = backup_database(school_file, tmp_path / "copy" / "school.provmap")  # DELETE mode
    holder = sqlite3.connect(copy)
    try:
        holder.execute("BEGIN")
        holder.execute("SELECT count(*) FROM pupils").fetchone()
        with pytest.raises(StorageError) as caught:
            open_database(copy)
    finally:
        holder.close()
    message = str(caught.value)
    assert "in use by another program" in message
    assert "\n" not in message
    assert "sqlalche" not in message
    assert "OperationalError" not in message
