"""Where file dialogs open: the folder last used for a file, else the home folder."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

KEY = "last_folder"


def last_folder() -> Path:
    """The folder a file was last saved to or opened from, if it is still there."""
    saved = QSettings().value(KEY, "")
    folder = Path(str(saved)) if saved else None
    return folder if folder is not None and folder.is_dir() else Path.home()


def start_in(name: str = "") -> str:
    """The path to offer in a file dialog: ``name`` in the last folder used."""
    return str(last_folder() / name) if name else str(last_folder())


def remember(chosen: str | Path) -> None:
    """Note the folder of a file the user chose, for the next file dialog."""
    if chosen:
        QSettings().setValue(KEY, str(Path(chosen).parent))
