"""``provmap report …``, ``provmap export …`` and the other data commands."""

from __future__ import annotations

import importlib
from typing import Any

from .commands import MODULES, Parsers


def add_report_commands(sub: Any) -> None:
    """Register the report, export and import sub-commands on ``sub``."""
    report = sub.add_parser("report", help="write a PDF report")
    export = sub.add_parser("export", help="write a spreadsheet, or the school as JSON")
    parsers = Parsers(
        top=sub,
        report=report.add_subparsers(dest="report", required=True, metavar="REPORT"),
        export=export.add_subparsers(dest="export", required=True, metavar="EXPORT"),
    )
    for name in MODULES:
        try:
            module = importlib.import_module(f"provmap_desktop.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"provmap_desktop.commands.{name}":
                raise
            continue
        module.register(parsers)
