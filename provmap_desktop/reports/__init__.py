"""ReportLab documents. No Qt: every report can be made from a test or the command line.

``page`` holds the page every report is printed on (page templates, header and
footer, "Page x of y"), ``base`` the shared styles, tables and atomic writing, and
``headings`` keeps headings with what follows; each report module builds a story
on top of them.
"""

from __future__ import annotations

from .base import make_table, para, write_pdf
from .page import ReportDocument, ReportInfo

__all__ = ["ReportDocument", "ReportInfo", "make_table", "para", "write_pdf"]
