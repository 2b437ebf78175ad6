"""ProvMap Desktop: a live, costed provision map for a school's SENCO."""

from __future__ import annotations

__version__ = "0.1.0"
APP_NAME = "ProvMap Desktop"
