"""Places where a database is at risk: network shares, cloud-synced folders, USB sticks.

ProvMap opens a file wherever it is (refusing would strand the school's data), but it
says plainly why such a place is risky and what to do instead.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from pathlib import Path, PurePath

#: Folder names that sync tools create, compared without case.
SYNCED_FOLDERS = {
    "onedrive": "OneDrive",
    "dropbox": "Dropbox",
    "google drive": "Google Drive",
    "googledrive": "Google Drive",
    "my drive": "Google Drive",
    "icloud drive": "iCloud Drive",
    "iclouddrive": "iCloud Drive",
    "mobile documents": "iCloud Drive",
    "box": "Box",
    "box sync": "Box",
}
#: Folder names that start this way: "OneDrive - Oakfield Academy Trust", "Dropbox (Trust)".
SYNCED_PREFIXES = {
    "onedrive - ": "OneDrive",
    "onedrive-": "OneDrive",
    "dropbox (": "Dropbox",
    "googledrive-": "Google Drive",
}
NETWORK_FILE_SYSTEMS = {"nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "afs", "9p"}

ADVICE = (
    "Keep the database on this laptop (ProvMap's own folder) and use File → Back up… to "
    "put a copy on the stick or the drive."
)


def synced_folder(path: PurePath) -> str | None:
    """The sync service whose folder holds ``path``, if any."""
    for part in path.parts[:-1]:
        name = part.lower()
        if name in SYNCED_FOLDERS:
            return SYNCED_FOLDERS[name]
        for prefix, service in SYNCED_PREFIXES.items():
            if name.startswith(prefix):
                return service
    return None


def read_mounts(table: Path = Path("/proc/mounts")) -> list[tuple[str, str, str]]:
    """``(device, mount point, file system type)`` for each mount."""
    try:
        lines = table.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    mounts = []
    for line in lines:
        fields = line.split()
        if len(fields) >= 3:
            point = fields[1].replace("\\040", " ")
            mounts.append((fields[0], point, fields[2]))
    return mounts


def _mount_of(path: PurePath, mounts: Iterable[tuple[str, str, str]]) -> tuple[str, str, str]:
    text = str(path)
    for device, point, kind in sorted(mounts, key=lambda m: len(m[1]), reverse=True):
        if text == point or text.startswith(point.rstrip("/") + "/"):
            return device, point, kind
    return "", "/", ""


def _removable(device: str) -> bool:
    name = Path(device).name
    if not device.startswith("/dev/") or not name:
        return False
    disk = name.rstrip("0123456789")
    if disk.startswith(("nvme", "mmcblk")) and "p" in name:
        disk = name[: name.rindex("p")]
    flag = Path("/sys/block") / disk / "removable"
    try:
        return flag.read_text().strip() == "1"
    except OSError:
        return False


def _windows_drive_risk(path: PurePath) -> str | None:
    if str(path).startswith("\\\\"):
        return "network"
    if sys.platform != "win32":
        return None
    import ctypes

    drive_type = ctypes.windll.kernel32.GetDriveTypeW(path.anchor)  # type: ignore[attr-defined]
    return {2: "removable", 4: "network"}.get(drive_type)


def place_warning(path: Path, mounts: Iterable[tuple[str, str, str]] | None = None) -> str | None:
    """Why the folder holding ``path`` is a risky place for the database, or ``None``."""
    full = Path(path).absolute()
    service = synced_folder(full)
    if service:
        return (
            f"This database is in a {service} folder. Sync tools can copy a half-written "
            f"file and damage it, or keep two versions apart. {ADVICE}"
        )
    kind = _windows_drive_risk(full)
    if kind is None and os.name == "posix":
        device, point, fs_type = _mount_of(full, read_mounts() if mounts is None else mounts)
        if fs_type in NETWORK_FILE_SYSTEMS or fs_type.startswith("fuse."):
            kind = "network"
        elif point.startswith(("/media/", "/run/media/")) or _removable(device):
            kind = "removable"
    if kind == "network":
        return (
            "This database is on a network drive. A dropped connection can damage it, and "
            f"SQLite's locking is not reliable there. {ADVICE}"
        )
    if kind == "removable":
        return (
            "This database is on a removable drive. Pulling the drive out while ProvMap is "
            f"open can damage it. {ADVICE}"
        )
    return None
