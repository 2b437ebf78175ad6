"""A fingerprint of everything a school's file holds, to tell whether it has changed.

Used where a whole-file step is undone by swapping a copy back in (the start of a new
academic year): that is only right while the data is exactly as the step left it. An
edit made and undone again leaves the same fingerprint; the audit log, which records
both, is left out, and so is each row's ``row_version``, which counts the edit and its
undo as two saves.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import text
from sqlalchemy.orm import Session

#: Tables that record what happened rather than what the school holds.
NOT_COUNTED = frozenset({"audit_log"})
#: Columns that count saves rather than hold the school's data.
NOT_HASHED = frozenset({"row_version"})


def content_fingerprint(session: Session) -> str:
    """A hash of every row of every table (but ``NOT_COUNTED``), table by table, in row
    order, as the session sees them."""
    digest = hashlib.blake2b(digest_size=20)
    names = session.scalars(
        text(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ).all()
    for name in names:
        if name in NOT_COUNTED:
            continue
        digest.update(f"\x00{name}\x00".encode())
        query = f'SELECT * FROM "{name}" ORDER BY rowid'  # noqa: S608 - names from the file's own schema
        for row in session.execute(text(query)).mappings():
            kept = tuple(value for key, value in row.items() if key not in NOT_HASHED)
            digest.update(repr(kept).encode())
    return digest.hexdigest()
