"""Real full disks and read-only file systems: one plain line each, nothing changed.

These mount a small tmpfs, which needs the right to mount; where that is not
allowed the tests are skipped rather than faked.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from provmap_desktop.storage import StorageError, open_database
from provmap_desktop.storage.backup import backup_database

from .conftest import add_small_school, sha256


def _mount(point: Path, options: str) -> bool:
    point.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(point)],
        capture_output=True,
        check=False,
    )
    return done.returncode == 0


def _umount(point: Path) -> None:
    subprocess.run(["umount", "-l", str(point)], capture_output=True, check=False)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    if not sys.platform.startswith("linux") or shutil.which("mount") is None:
        pytest.skip("needs Linux and mount")
    point = Path("/tmp") / f"provmap-disk-{uuid.uuid4().hex[:8]}"
    if not _mount(point, "size=3m"):
        pytest.skip("not allowed to mount a small disk here")
    try:
        yield point
    finally:
        _umount(point)
        shutil.rmtree(point, ignore_errors=True)


def _fill(disk: Path) -> None:
    # Unbuffered: a part-written buffer would otherwise fail again when the file closes,
    # depending on how much room the school's file happened to leave.
    with (disk / "filler.bin").open("wb", buffering=0) as handle:
        try:
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
        except OSError:
            pass


def _cli(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from provmap_desktop.cli import main; sys.exit(main(sys.argv[1:]))",
            *argv,
        ],
        capture_output=True,
        text=True,
        check=False,
    )


def assert_one_plain_line(done: subprocess.CompletedProcess[str], *words: str) -> None:
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert "Exception ignored" not in done.stderr
    assert done.stderr.startswith("provmap: "), done.stderr
    assert done.stderr.count("\n") == 1, done.stderr
    for word in words:
        assert word in done.stderr, done.stderr


def test_a_full_disk_at_open_says_so_and_is_not_called_damaged(small_disk: Path) -> None:
    path = small_disk / "school.provmap"
    add_small_school(path)
    shutil.rmtree(small_disk / "Backups", ignore_errors=True)  # today: no copy yet
    _fill(small_disk)
    before = sha256(path)
    with pytest.raises(StorageError, match="not enough space") as caught:
        open_database(path).close()
    assert "damaged" not in str(caught.value)
    assert sha256(path) == before


def test_a_full_disk_during_an_export_and_a_backup_is_one_line(
    small_disk: Path, school_file: Path
) -> None:
    _fill(small_disk)
    for argv in (
        ["export", "map", "--out", str(small_disk / "map.xlsx")],
        ["report", "map", "--out", str(small_disk / "map.pdf")],
        ["backup", str(small_disk / "copy.provmap")],
    ):
        done = _cli("--db", str(school_file), *argv)
        assert_one_plain_line(done, "space")
    assert sorted(p.name for p in small_disk.iterdir()) == ["filler.bin"]  # no temporaries


def test_a_restore_onto_a_full_disk_changes_nothing(small_disk: Path, tmp_path: Path) -> None:
    path = small_disk / "school.provmap"
    add_small_school(path)
    backup = backup_database(path, tmp_path / "backup.provmap")
    _fill(small_disk)
    before = sha256(path)
    done = _cli("--db", str(path), "restore", str(backup))
    assert_one_plain_line(done, "space", "Nothing was changed")
    assert sha256(path) == before


def test_a_read_only_file_system_is_named_as_such(small_disk: Path) -> None:
    path = small_disk / "school.provmap"
    add_small_school(path)
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    with pytest.raises(StorageError, match="read-only") as caught:
        open_database(path).close()
    message = str(caught.value)
    assert "Restore" not in message
    assert "damaged" not in message
    done = _cli("--db", str(path), "demo", "--force")
    assert_one_plain_line(done, "read-only")


def test_a_full_disk_during_an_import_is_one_line_and_imports_nothing(
    small_disk: Path, tmp_path: Path
) -> None:
    from provmap_desktop.rules.upn import make_upn

    path = small_disk / "school.provmap"
    add_small_school(path)
    rows = "".join(
        f"{make_upn('801', '2000', 18, n)},Pupil{n},Test,04/05/2018,F,Year 3,N\n"
        for n in range(1, 400)
    )
    csv = tmp_path / "pupils.csv"
    csv.write_text("UPN,Legal Surname,Legal Forename,DOB,Gender,Year,SEN Status\n" + rows)
    _fill(small_disk)
    before = sha256(path)
    done = _cli("--db", str(path), "import-pupils", str(csv))
    assert_one_plain_line(done, "space")
    assert sha256(path) == before
