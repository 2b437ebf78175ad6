"""Escaping text for ReportLab's paragraph mark-up.

Our own three replacements rather than ``xml.sax.saxutils``, which imports
``urllib.request`` (and with it ``http``, ``email`` and ``ssl``) when loaded: a
report would pay for a web client it never uses.
"""

from __future__ import annotations


def escape(text: str) -> str:
    """``text`` with ``&``, ``<`` and ``>`` written as entities, as mark-up needs."""
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
