"""The whole school as one JSON document (``"format": "provmap-school", "version": 1``).

``export_school`` turns every table into one document; ``import_school`` writes such a
document into an empty database, after ``check_document`` (in
``school_document_check``) has found nothing wrong with it; ``school_document_shape``
holds where each table sits and how values are written. The document is described by
``provmap_desktop/schemas/provmap-school-1.schema.json`` and ``docs/school-json.md``.

How tables become the document:

- each record is an object whose keys are the table's column names, in column order;
- a record that belongs to another (a term to its year, a budget to its stream, a slot
  or membership to its group, attendance to its session, the profile and EHC plan to
  their pupil, outcomes and Section F items to their plan) sits inside it, and the
  column naming its owner is left out;
- a provision lists its suitable year groups as ``year_group_ids`` and the trainings
  it needs as ``training_ids``;
- the trainings, who has which (``staff_trainings``), the needs planned by hand
  (``planned_needs``), ``training_ids`` and a member of staff's
  ``intervention_minutes`` came after the first documents were written: a document
  may leave them out;
- an audit entry's old and new values are JSON objects (``before``, ``after``);
- money is a decimal string in pounds with two places, dates ``yyyy-mm-dd``, times of
  day ``hh:mm:ss`` and moments ``yyyy-mm-ddThh:mm:ss``; ids are kept as they are, so
  a document imported and exported again is identical.

Records are listed in id order, so the same school always gives the same document.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Table, func, insert, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ..models import Base, provision_trainings, provision_year_groups
from ..storage.audit import AUDIT_OFF
from ..storage.safe_files import atomic_write
from .school_document_check import Problem, check_document
from .school_document_shape import (
    FORMAT,
    PARTS,
    SETTINGS_TABLE,
    TABLES,
    TRAINING_IDS,
    VERSION,
    YEAR_GROUP_IDS,
    Part,
    from_json,
    json_key,
    stored_columns,
    to_json,
    walk,
)


class SchoolDocumentError(ValueError):
    """A document that cannot be imported; ``problems`` says where and why."""

    def __init__(self, message: str, problems: Sequence[Problem] = ()) -> None:
        super().__init__(message)
        self.problems = list(problems)


# -- export ------------------------------------------------------------------------


def _records(session: Session, part: Part) -> list[tuple[Any, dict[str, Any]]]:
    """Every row of ``part`` as ``(owner id, record)``, in id order, children attached."""
    table: Table = TABLES[part.table]
    key_column = table.c.id if "id" in table.c else table.primary_key.columns.values()[0]
    rows = session.execute(select(table).order_by(key_column)).mappings().all()
    children = {child.key: _children_by_owner(session, child) for child in part.children}
    year_groups = _links(session, provision_year_groups) if part.table == "provisions" else None
    trainings = _links(session, provision_trainings) if part.table == "provisions" else None
    found: list[tuple[Any, dict[str, Any]]] = []
    for row in rows:
        record = {json_key(c): to_json(c, row[c.name]) for c in part.columns}
        if year_groups is not None and trainings is not None:
            record[YEAR_GROUP_IDS] = year_groups.get(row["id"], [])
            record[TRAINING_IDS] = trainings.get(row["id"], [])
        for child in part.children:
            owned = children[child.key].get(row["id"], [])
            record[child.key] = (owned[0] if owned else None) if child.single else owned
        owner = row[part.owner_column] if part.owner_column else None
        found.append((owner, record))
    return found


def _children_by_owner(session: Session, part: Part) -> dict[Any, list[dict[str, Any]]]:
    """The records of a child part, grouped by the id of the record owning them."""
    grouped: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for owner, record in _records(session, part):
        grouped[owner].append(record)
    return grouped


def _links(session: Session, table: Table) -> dict[int, list[int]]:
    """Each provision's linked ids (suitable year groups, trainings needed), in id order."""
    provision_id, other_id = table.c.values()
    grouped: dict[int, list[int]] = defaultdict(list)
    for provision, other in session.execute(
        select(provision_id, other_id).order_by(provision_id, other_id)
    ):
        grouped[provision].append(other)
    return grouped


def export_school(session: Session) -> dict[str, Any]:
    """The whole school in the database as a ``provmap-school`` version 1 document.

    Raises ``ValueError`` when the database holds no school.
    """
    settings_table = TABLES[SETTINGS_TABLE]
    settings = session.execute(select(settings_table)).mappings().first()
    if settings is None:
        raise ValueError("This database holds no school to export.")
    document: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "school": {
            c.name: to_json(c, settings[c.name])
            for c in stored_columns(SETTINGS_TABLE)
            if c.name != "id"
        },
    }
    for part in PARTS:
        document[part.key] = [record for _owner, record in _records(session, part)]
    return document


def write_json(document: dict[str, Any], out: Path) -> Path:
    """Write ``document`` to ``out`` as indented UTF-8 JSON, all at once; return the path."""
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    with atomic_write(Path(out)) as temp:
        temp.write_text(text, encoding="utf-8")
    return Path(out)


def write_school_json(session: Session, out: Path) -> Path:
    """Write the school's document to ``out`` (see ``write_json``); return the path."""
    return write_json(export_school(session), out)


# -- import ------------------------------------------------------------------------


def _tables_holding_rows(session: Session) -> list[str]:
    """The names of the tables that hold any row, in dependency order."""
    return [
        table.name
        for table in Base.metadata.sorted_tables
        if session.scalar(select(func.count()).select_from(table))
    ]


def import_school(session: Session, document: Any, *, already_checked: bool = False) -> None:
    """Write ``document`` into the empty database of ``session``; flushed, not committed.

    Raises ``SchoolDocumentError`` (with every problem and its JSON path) before
    writing anything if the document is not a good version 1 school document, and if
    the database holds any rows at all. ``already_checked`` skips ``check_document``
    for a caller that has just run it on this same document and found nothing. The
    import adds nothing to the audit log: the document's own entries are written as
    they are.
    """
    problems = [] if already_checked else check_document(document)
    if problems:
        count = len(problems)
        raise SchoolDocumentError(
            f"The document has {count} problem{'s' if count != 1 else ''}.", problems
        )
    holding = _tables_holding_rows(session)
    if holding:
        raise SchoolDocumentError(
            "The database is not empty (it holds "
            + ", ".join(t.replace("_", " ") for t in holding[:3])
            + (" and more" if len(holding) > 3 else "")
            + "): import a school only into a new file."
        )
    _insert_document(session, document)


def _insert_document(session: Session, document: dict[str, Any]) -> None:
    """Insert the checked document's settings and rows, table by table, audit log off."""
    rows_by_table: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in walk(document):
        table = TABLES[row.table]
        rows_by_table[row.table].append(
            {c.name: from_json(c, row.values[c.name]) for c in stored_columns(table.name)}
        )
    settings_table = TABLES[SETTINGS_TABLE]
    settings = {
        c.name: from_json(c, document["school"][c.name])
        for c in stored_columns(SETTINGS_TABLE)
        if c.name != "id"
    }
    previous = session.info.get(AUDIT_OFF)
    session.info[AUDIT_OFF] = True
    try:
        session.execute(insert(settings_table), [{"id": 1, **settings}])
        for table in Base.metadata.sorted_tables:
            rows = rows_by_table.get(table.name)
            if rows:
                session.execute(insert(table), rows)
        session.flush()
    except (SQLAlchemyError, OverflowError) as exc:
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        raise SchoolDocumentError(
            f"The database refused the document: {reason}. Nothing was written."
        ) from exc
    finally:
        session.info[AUDIT_OFF] = previous


def read_school_json(path: Path) -> Any:
    """The parsed JSON of ``path``; ``SchoolDocumentError`` if it is not JSON text."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise SchoolDocumentError(f"{path.name} is not a UTF-8 text file.") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise SchoolDocumentError(
            f"{path.name} is not a JSON file: {exc.msg} at line {exc.lineno}, column {exc.colno}."
        ) from None


def record_counts(document: dict[str, Any]) -> dict[str, int]:
    """How many records of each table the (checked) document holds."""
    counts: dict[str, int] = defaultdict(int)
    for row in walk(document):
        counts[row.table] += 1
    return dict(counts)
