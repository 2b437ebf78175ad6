"""The provision map screen (the grid of provisions × year groups)."""

from __future__ import annotations

from .screen import MapScreen

__all__ = ["MapScreen"]
