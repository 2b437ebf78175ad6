"""JSON Schemas of the files ProvMap reads and writes, shipped with the package.

``provmap-school-1.schema.json`` describes version 1 of the whole-school document
(``provmap export json``); ``docs/school-json.md`` explains each field.
"""

from __future__ import annotations

import importlib.resources
import json
from typing import Any

SCHOOL_SCHEMA_FILE = "provmap-school-1.schema.json"


def load_schema(name: str = SCHOOL_SCHEMA_FILE) -> dict[str, Any]:
    """The parsed JSON Schema ``name`` from this package."""
    text = (importlib.resources.files(__name__) / name).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema
