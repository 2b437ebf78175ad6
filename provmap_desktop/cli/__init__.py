"""The ``provmap`` command, for the school's IT technician and for scripts.

Every sub-command calls services and storage, never widgets. ``main`` parses and
dispatches (``cli.main``); each area's sub-commands live in their own module
(``database``, ``map``, ``pupils``, ``costs``, ``reviews``, ``school``, ``map_import``)
and ``errors`` holds ``CliError`` and the exit codes.
"""

from __future__ import annotations

from .errors import EXIT_FAILED, EXIT_OK, CliError
from .main import build_parser, main, run

__all__ = ["EXIT_FAILED", "EXIT_OK", "CliError", "build_parser", "main", "run"]
