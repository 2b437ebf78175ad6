"""Entry script for the frozen ``provmap`` command (PyInstaller needs a script file)."""

from __future__ import annotations

import sys

from provmap_desktop.cli import run

if __name__ == "__main__":
    sys.exit(run())
