"""Schema versions and Alembic, run in-process from the migrations shipped in the package.

Schema history (``PRAGMA user_version`` holds the number; Alembic's table holds the
revision id):

* schema 1 (revision ``0001``): the first release: the whole domain model.

A file whose schema number is above ``SCHEMA_VERSION``, or whose Alembic revision this
copy of the app does not know, was written by a newer ProvMap and is refused.
"""

from __future__ import annotations

import sys
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

SCHEMA_VERSION = 1
#: Alembic revision id -> schema number shown to users.
SCHEMA_NUMBERS: dict[str, int] = {"0001": 1}
HEAD_REVISION = "0001"


def migrations_dir() -> Path:
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        bundled = Path(frozen) / "provmap_desktop" / "storage" / "migrations"
        if bundled.is_dir():
            return bundled
    return Path(__file__).resolve().parent / "migrations"


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def known_revisions() -> set[str]:
    script = ScriptDirectory.from_config(alembic_config())
    return {rev.revision for rev in script.walk_revisions()}


def upgrade_to_head(connection: Connection) -> None:
    command.upgrade(alembic_config(connection), "head")
