"""Password-protected backups: a round trip, a wrong password, a changed byte."""

from __future__ import annotations

from pathlib import Path

import pytest

from provmap_desktop.cli import EXIT_FAILED, EXIT_OK, main
from provmap_desktop.storage import StorageError
from provmap_desktop.storage.backup import (
    PasswordNeededError,
    backup_database,
    restore_database,
)
from provmap_desktop.storage.sealed import WrongPasswordError, is_sealed

from .conftest import add_small_school, all_rows, sha256

PASSWORD = "correct horse battery"


@pytest.fixture
def laptop(tmp_path: Path) -> Path:
    path = tmp_path / "laptop" / "school.provmap"
    add_small_school(path)
    return path


def test_a_protected_backup_restores_whole_and_holds_no_readable_pupil_data(
    school_file: Path, laptop: Path, tmp_path: Path
) -> None:
    stick = backup_database(school_file, tmp_path / "usb" / "school.sealed", password=PASSWORD)
    raw = stick.read_bytes()
    plain = backup_database(school_file, tmp_path / "plain.provmap").read_bytes()
    assert is_sealed(stick)
    upn = all_rows(school_file)["pupils"][0][1]
    for readable in (b"SQLite format 3", b"Fixture Primary", b"Surname1", upn.encode()):
        assert readable in plain  # the same words are readable in an unprotected copy
        assert readable not in raw
    assert list(stick.parent.iterdir()) == [stick]  # no plain temporary left on the stick

    restore_database(stick, laptop, password=PASSWORD)
    assert all_rows(laptop) == all_rows(school_file)


def test_a_wrong_password_changes_nothing(school_file: Path, laptop: Path, tmp_path: Path) -> None:
    stick = backup_database(school_file, tmp_path / "school.sealed", password=PASSWORD)
    before = sha256(laptop)
    with pytest.raises(WrongPasswordError, match="password is wrong"):
        restore_database(stick, laptop, password="not the password at all")
    assert sha256(laptop) == before
    assert not (laptop.parent / "Backups").exists() or not any(
        "before-restore" in p.name for p in (laptop.parent / "Backups").iterdir()
    )


def test_one_changed_byte_is_refused_and_changes_nothing(
    school_file: Path, laptop: Path, tmp_path: Path
) -> None:
    stick = backup_database(school_file, tmp_path / "school.sealed", password=PASSWORD)
    data = bytearray(stick.read_bytes())
    data[len(data) // 2] ^= 0x01
    stick.write_bytes(bytes(data))
    before = sha256(laptop)
    with pytest.raises(WrongPasswordError, match="changed or damaged"):
        restore_database(stick, laptop, password=PASSWORD)
    assert sha256(laptop) == before


def test_a_protected_backup_asks_for_its_password(
    school_file: Path, laptop: Path, tmp_path: Path
) -> None:
    stick = backup_database(school_file, tmp_path / "school.sealed", password=PASSWORD)
    with pytest.raises(PasswordNeededError):
        restore_database(stick, laptop)


def test_a_short_password_is_refused_before_anything_is_written(
    school_file: Path, tmp_path: Path
) -> None:
    with pytest.raises(StorageError, match="at least 10 characters"):
        backup_database(school_file, tmp_path / "school.sealed", password="short")
    assert not (tmp_path / "school.sealed").exists()


def test_the_command_line_round_trip_reads_the_password_from_a_file(
    school_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = tmp_path / "pw.txt"
    secret.write_text(PASSWORD + "\n", encoding="utf-8")
    out = tmp_path / "usb" / "school.sealed"
    assert (
        main(["--db", str(school_file), "backup", str(out), "--password-file", str(secret)])
        == EXIT_OK
    )
    fresh = tmp_path / "new" / "school.provmap"
    assert main(["--db", str(fresh), "restore", str(out)]) == EXIT_FAILED
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "--password-file" in err
    assert (
        main(["--db", str(fresh), "restore", str(out), "--password-file", str(secret)]) == EXIT_OK
    )
    assert all_rows(fresh) == all_rows(school_file)
