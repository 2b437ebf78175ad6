"""Sub-commands of ``provmap`` grouped by area; each module offers ``register(parsers)``.

``parsers`` holds the ``report`` and ``export`` sub-parser groups and the top-level
one, so a module can add ``provmap report X``, ``provmap export X`` or ``provmap X``.
Handlers receive the parsed arguments (``args.db`` is the database path) and return
an exit code; a user's mistake is raised as ``CliError`` or ``StorageError``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Parsers:
    top: Any
    report: Any
    export: Any


#: Modules of this package that register sub-commands, in help order.
MODULES = ("map", "pupils", "costs", "reviews", "school")
