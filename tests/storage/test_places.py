"""Risky places are named with a reason and advice; ordinary folders are not."""

from __future__ import annotations

from pathlib import Path

import pytest

from provmap_desktop.cli import EXIT_OK, main
from provmap_desktop.storage.places import place_warning

from ..schools.templates import copy_school

# What /proc/mounts says on a laptop with a school share, an sshfs folder and a stick.
MOUNTS = [
    ("/dev/nvme0n1p2", "/", "ext4"),
    ("//fileserver/senco", "/mnt/senco share", "cifs"),
    ("server:/export/staff", "/srv/staff", "nfs4"),
    ("user@host:", "/home/sam/remote", "fuse.sshfs"),
    ("/dev/sdb1", "/media/sam/KINGSTON", "vfat"),
]


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/home/sam/OneDrive - Oakfield Academy Trust/SEN/school.provmap", "OneDrive folder"),
        ("/home/sam/OneDrive/school.provmap", "OneDrive folder"),
        ("/home/sam/Dropbox (Trust)/school.provmap", "Dropbox folder"),
        ("/home/sam/Google Drive/My Drive/school.provmap", "Google Drive folder"),
        ("/Users/sam/Library/Mobile Documents/com~apple~CloudDocs/s.provmap", "iCloud Drive"),
        ("/home/sam/Box/school.provmap", "Box folder"),
        ("/mnt/senco share/school.provmap", "network drive"),
        ("/srv/staff/school.provmap", "network drive"),
        ("/home/sam/remote/school.provmap", "network drive"),
        ("/media/sam/KINGSTON/school.provmap", "removable drive"),
    ],
)
def test_risky_places_are_named_with_why_and_what_to_do(path: str, words: str) -> None:
    warning = place_warning(Path(path), MOUNTS)
    assert warning is not None
    assert words in warning
    assert "File → Back up…" in warning


@pytest.mark.parametrize(
    "path",
    [
        "/home/sam/.local/share/ProvMap/school.provmap",
        "/home/sam/Documents/Boxes of books/school.provmap",  # "Boxes" is not Box
        "/mnt/senco-local/school.provmap",  # a prefix of a share's name, not inside it
    ],
)
def test_ordinary_folders_get_no_warning(path: str) -> None:
    assert place_warning(Path(path), MOUNTS) is None


def test_the_command_line_warns_on_stderr_and_still_works(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = copy_school("fixture_primary", tmp_path / "OneDrive - Oakfield" / "school.provmap")
    code = main(["--db", str(db), "check"])
    out, err = capsys.readouterr()
    assert code == EXIT_OK
    assert "integrity check: ok" in out
    assert err.startswith("provmap: warning: This database is in a OneDrive folder")
