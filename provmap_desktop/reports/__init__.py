"""ReportLab documents. No Qt: every report can be made from a test or the command line.

``base`` holds the one shared document base (page templates, header and footer,
"Page x of y", styles, tables, atomic writing); each report module builds a story
on top of it.
"""

from __future__ import annotations

from .base import ReportDocument, ReportInfo, make_table, para, write_pdf

__all__ = ["ReportDocument", "ReportInfo", "make_table", "para", "write_pdf"]
