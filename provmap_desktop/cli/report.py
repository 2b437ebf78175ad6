"""The ``provmap report …`` and ``provmap export …`` groups the area modules fill in."""

from __future__ import annotations

from typing import Any

from .options import Parsers


def add_groups(top: Any) -> Parsers:
    """Add the ``report`` (PDF) and ``export`` (spreadsheet, JSON) groups to ``top``."""
    report = top.add_parser("report", help="write a PDF report")
    export = top.add_parser("export", help="write a spreadsheet, or the school as JSON")
    return Parsers(
        top=top,
        report=report.add_subparsers(dest="report", required=True, metavar="REPORT"),
        export=export.add_subparsers(dest="export", required=True, metavar="EXPORT"),
    )
