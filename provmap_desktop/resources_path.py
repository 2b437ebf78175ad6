"""Where the bundled data files (starter catalogue, demo school names) live on disk.

The top-level ``resources/`` folder of the source tree is installed as the package
``provmap_desktop.resources``. The same files are reached three ways, tried in order:

1. a frozen build: ``sys._MEIPASS/provmap_desktop/resources`` (see ``build.spec``);
2. the installed package, through ``importlib.resources``;
3. the source tree, ``<repo>/resources``, for a checkout that has not been installed
   (an editable install does not map the renamed folder as a package).
"""

from __future__ import annotations

import importlib.resources
import sys
from pathlib import Path

RESOURCE_PACKAGE = "provmap_desktop.resources"


def _candidates(name: str) -> list[Path]:
    found: list[Path] = []
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        found.append(Path(frozen_root) / "provmap_desktop" / "resources" / name)
    try:
        traversable = importlib.resources.files(RESOURCE_PACKAGE) / name
    except ModuleNotFoundError:
        traversable = None
    # Only a real folder on disk is of use to callers that want a Path (not a zip).
    if isinstance(traversable, Path):
        found.append(traversable)
    found.append(Path(__file__).resolve().parents[1] / "resources" / name)
    return found


def resource_path(name: str) -> Path:
    """The path of the bundled resource ``name`` (e.g. ``"starter_catalogue.json"``).

    Raises ``FileNotFoundError`` naming every place looked in when none holds it.
    """
    candidates = _candidates(name)
    for path in candidates:
        if path.exists():
            return path
    places = ", ".join(str(p) for p in candidates)
    raise FileNotFoundError(f"The bundled file {name} is missing (looked in {places}).")
