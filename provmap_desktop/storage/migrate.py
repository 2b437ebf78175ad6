"""Schema versions and Alembic, run in-process from the migrations shipped in the package.

Schema history (``PRAGMA user_version`` holds the number; Alembic's table holds the
revision id):

* schema 1 (revision ``0001``): the first release: the whole domain model.
* schema 2 (revision ``0002``): closed academic years and each pupil's place in a
  past year (rollover).
* schema 3 (revision ``0003_planning``): needs planned by hand, training, and each
  member of staff's contracted hours for intervention work.
* schema 4 (revision ``0004``): SEN support plans with their versions, and meetings
  with families and their actions.
* schema 5 (revision ``0005_fields_documents``): custom pupil fields and their values,
  and documents (files) attached to pupils, their bytes held in the file itself.
* schema 6 (revision ``0006_annual_reviews``): EHC plan annual reviews: the meeting,
  the dates of the statutory steps around it, who came, views and proposed amendments.
* schema 7 (revision ``0007_row_versions``): every row the app edits counts its saved
  versions (``row_version``), so two people on one database never overwrite each
  other's edits silently.

A file whose schema number is above ``SCHEMA_VERSION``, or whose Alembic revision this
copy of the app does not know, was written by a newer ProvMap and is refused.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy.engine import Connection

# Alembic is imported inside the functions below: opening a file already at the
# current revision (the usual case) reads the revision with plain SQL and never
# needs it, which keeps every start of the app and every command quicker.

SCHEMA_VERSION = 7
#: Alembic revision id -> schema number shown to users.
SCHEMA_NUMBERS: dict[str, int] = {
    "0001": 1,
    "0002": 2,
    "0003_planning": 3,
    "0004": 4,
    "0005_fields_documents": 5,
    "0006_annual_reviews": 6,
    "0007_row_versions": 7,
}
HEAD_REVISION = "0007_row_versions"


def migrations_dir() -> Path:
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        bundled = Path(frozen) / "provmap_desktop" / "storage" / "migrations"
        if bundled.is_dir():
            return bundled
    return Path(__file__).resolve().parent / "migrations"


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    return {rev.revision for rev in script.walk_revisions()}


def is_known_revision(revision: str) -> bool:
    """Whether this copy of the app knows ``revision``; Alembic is asked only if unsure."""
    return revision in SCHEMA_NUMBERS or revision in known_revisions()


def upgrade_to_head(connection: Connection) -> None:
    from alembic import command

    command.upgrade(alembic_config(connection), "head")
