"""``provmap report …``, ``provmap export …`` and ``provmap import-pupils``."""

from __future__ import annotations

import argparse
from typing import Any


def add_report_commands(sub: Any) -> None:
    """Register the report, export and import sub-commands on ``sub``."""
    report = sub.add_parser("report", help="write a PDF report")
    kinds = report.add_subparsers(dest="report", required=True, metavar="REPORT")
    _ = kinds
    _ = argparse
