"""The whole school as one JSON document (``"format": "provmap-school", "version": 1``).

``export_school`` turns every table into one document; ``import_school`` writes such a
document into an empty database, after ``check_document`` has found nothing wrong with
it. The document is described by ``provmap_desktop/schemas/provmap-school-1.schema.json``
and ``docs/school-json.md``.

How tables become the document:

- each record is an object whose keys are the table's column names, in column order;
- a record that belongs to another (a term to its year, a budget to its stream, a slot
  or membership to its group, attendance to its session, the profile and EHC plan to
  their pupil, outcomes and Section F items to their plan) sits inside it, and the
  column naming its owner is left out;
- a provision lists its suitable year groups as ``year_group_ids``;
- an audit entry's old and new values are JSON objects (``before``, ``after``);
- money is a decimal string in pounds with two places, dates ``yyyy-mm-dd``, times of
  day ``hh:mm:ss`` and moments ``yyyy-mm-ddThh:mm:ss``; ids are kept as they are, so
  a document imported and exported again is identical.

Records are listed in id order, so the same school always gives the same document.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Integer,
    Table,
    Time,
    UniqueConstraint,
    func,
    insert,
    select,
)
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ..models import Base, Money, provision_year_groups
from ..storage.audit import AUDIT_OFF
from ..storage.safe_files import atomic_write

FORMAT = "provmap-school"
VERSION = 1

_TABLES = Base.metadata.tables


class SchoolDocumentError(ValueError):
    """A document that cannot be imported; ``problems`` says where and why."""

    def __init__(self, message: str, problems: Sequence[Problem] = ()) -> None:
        super().__init__(message)
        self.problems = list(problems)


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a document, at a JSON path such as ``$.pupils[3].upn``."""

    sort_key: tuple[tuple[int, int | str], ...] = field(repr=False)
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def _problem(parts: Sequence[int | str], message: str) -> Problem:
    path = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts)
    key = tuple((0, p) if isinstance(p, int) else (1, p) for p in parts)
    return Problem(key, path, message)


# -- where each table sits in the document ---------------------------------------------


@dataclass(frozen=True)
class _Part:
    """A table and its place: a list (or one object) under ``key`` of its owner."""

    key: str
    table: str
    owner_column: str | None = None  # the column naming the owning record, left out
    children: tuple[_Part, ...] = ()
    single: bool = False  # one object or null, not a list
    noun: str = ""  # for messages: "pupil", "year group"

    @property
    def columns(self) -> list[Column[Any]]:
        return [c for c in _TABLES[self.table].columns if c.name != self.owner_column]


_EHCP = _Part(
    "ehcp",
    "ehcps",
    "pupil_id",
    single=True,
    noun="EHC plan",
    children=(
        _Part("outcomes", "ehcp_outcomes", "ehcp_id", noun="EHCP outcome"),
        _Part("provision_items", "ehcp_provision_items", "ehcp_id", noun="EHCP provision item"),
    ),
)

#: The document's lists, in the order they appear (and are written to the database).
_PARTS: tuple[_Part, ...] = (
    _Part(
        "academic_years",
        "academic_years",
        noun="academic year",
        children=(_Part("terms", "terms", "academic_year_id", noun="term"),),
    ),
    _Part("year_groups", "year_groups", noun="year group"),
    _Part("classes", "classes", noun="class"),
    _Part("staff_roles", "staff_roles", noun="staff role"),
    _Part("staff", "staff", noun="member of staff"),
    _Part(
        "funding_streams",
        "funding_streams",
        noun="funding stream",
        children=(_Part("budgets", "funding_budgets", "funding_stream_id", noun="budget"),),
    ),
    _Part("provisions", "provisions", noun="provision"),
    _Part(
        "pupils",
        "pupils",
        noun="pupil",
        children=(
            _Part("profile", "pupil_profiles", "pupil_id", single=True, noun="profile"),
            _EHCP,
        ),
    ),
    _Part(
        "groups",
        "provision_groups",
        noun="group",
        children=(
            _Part("slots", "group_slots", "group_id", noun="slot"),
            _Part("memberships", "group_memberships", "group_id", noun="membership"),
        ),
    ),
    _Part(
        "delivery_sessions",
        "delivery_sessions",
        noun="delivery session",
        children=(_Part("attendance", "session_attendance", "session_id", noun="attendance"),),
    ),
    _Part("reviews", "reviews", noun="review"),
    _Part("audit", "audit_log", noun="audit entry"),
)

_SETTINGS_TABLE = "school_settings"
_YEAR_GROUP_IDS = "year_group_ids"
#: Audit columns holding JSON text, shown in the document as objects.
_JSON_COLUMNS = {"before_json": "before", "after_json": "after"}

# Columns whose later date must not come before the earlier one (the tables' CHECKs).
_DATE_ORDER: dict[str, tuple[tuple[str, str], ...]] = {
    "academic_years": (("start_date", "end_date"),),
    "terms": (("start_date", "end_date"), ("half_term_start", "half_term_end")),
    "provision_groups": (("start_date", "end_date"),),
    "group_memberships": (("join_date", "leave_date"),),
    "pupils": (("on_roll_date", "leaving_date"),),
    "ehcps": (("issued_date", "next_review_date"),),
    "reviews": (("baseline_date", "review_date"),),
}


def _all_parts(parts: Sequence[_Part] = _PARTS) -> Iterator[_Part]:
    for part in parts:
        yield part
        yield from _all_parts(part.children)


_NOUNS = {part.table: part.noun for part in _all_parts()}
_OWNERS = {part.table: part.owner_column for part in _all_parts()}


def _json_key(column: Column[Any]) -> str:
    return _JSON_COLUMNS.get(column.name, column.name)


# -- values ------------------------------------------------------------------------


def _to_json(column: Column[Any], value: Any) -> Any:
    if value is None:
        return None
    if column.name in _JSON_COLUMNS:
        return json.loads(value)
    kind = column.type
    if isinstance(kind, Money):
        return f"{Decimal(value):.2f}"
    if isinstance(value, dt.date | dt.time):  # a datetime is a date too
        return value.isoformat()
    if isinstance(kind, Boolean):
        return bool(value)
    if isinstance(kind, Integer):
        return int(value)
    return value


def _from_json(column: Column[Any], value: Any) -> Any:
    if value is None:
        return None
    if column.name in _JSON_COLUMNS:
        return json.dumps(value)
    kind = column.type
    if isinstance(kind, Money):
        return Decimal(value)
    if isinstance(kind, DateTime):
        return dt.datetime.fromisoformat(value)
    if isinstance(kind, Date):
        return dt.date.fromisoformat(value)
    if isinstance(kind, Time):
        return dt.time.fromisoformat(value)
    if isinstance(kind, Integer) and not isinstance(kind, Boolean):
        return int(value)
    return value


# -- export ------------------------------------------------------------------------


def _records(session: Session, part: _Part) -> list[tuple[Any, dict[str, Any]]]:
    """Every row of ``part`` as ``(owner id, record)``, in id order, children attached."""
    table: Table = _TABLES[part.table]
    key_column = table.c.id if "id" in table.c else table.primary_key.columns.values()[0]
    rows = session.execute(select(table).order_by(key_column)).mappings().all()
    children = {child.key: _children_by_owner(session, child) for child in part.children}
    year_groups = _suitable_year_groups(session) if part.table == "provisions" else None
    found: list[tuple[Any, dict[str, Any]]] = []
    for row in rows:
        record = {_json_key(c): _to_json(c, row[c.name]) for c in part.columns}
        if year_groups is not None:
            record[_YEAR_GROUP_IDS] = year_groups.get(row["id"], [])
        for child in part.children:
            owned = children[child.key].get(row["id"], [])
            record[child.key] = (owned[0] if owned else None) if child.single else owned
        owner = row[part.owner_column] if part.owner_column else None
        found.append((owner, record))
    return found


def _children_by_owner(session: Session, part: _Part) -> dict[Any, list[dict[str, Any]]]:
    grouped: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for owner, record in _records(session, part):
        grouped[owner].append(record)
    return grouped


def _suitable_year_groups(session: Session) -> dict[int, list[int]]:
    links = provision_year_groups.c
    grouped: dict[int, list[int]] = defaultdict(list)
    for provision_id, year_group_id in session.execute(
        select(links.provision_id, links.year_group_id).order_by(
            links.provision_id, links.year_group_id
        )
    ):
        grouped[provision_id].append(year_group_id)
    return grouped


def export_school(session: Session) -> dict[str, Any]:
    """The whole school in the database as a ``provmap-school`` version 1 document.

    Raises ``ValueError`` when the database holds no school.
    """
    settings_table = _TABLES[_SETTINGS_TABLE]
    settings = session.execute(select(settings_table)).mappings().first()
    if settings is None:
        raise ValueError("This database holds no school to export.")
    document: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "school": {
            c.name: _to_json(c, settings[c.name]) for c in settings_table.columns if c.name != "id"
        },
    }
    for part in _PARTS:
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


# -- checking ----------------------------------------------------------------------


def _inline_references(node: Any, definitions: dict[str, Any]) -> Any:
    """``node`` with every ``{"$ref": "#/$defs/x"}`` replaced by the definition itself.

    The schema has no recursion, so this ends; validating against the inlined copy
    gives the same answers about three times faster than following references.
    """
    if isinstance(node, list):
        return [_inline_references(item, definitions) for item in node]
    if not isinstance(node, dict):
        return node
    inlined: dict[str, Any] = {}
    reference = node.get("$ref")
    if isinstance(reference, str) and reference.startswith("#/$defs/"):
        inlined.update(_inline_references(definitions[reference.split("/")[-1]], definitions))
    for key, value in node.items():
        if key != "$ref" and key != "$defs":
            inlined[key] = _inline_references(value, definitions)
    return inlined


@functools.cache
def _validator() -> Any:
    import jsonschema

    from ..schemas import load_schema

    schema = load_schema()
    validator_class = jsonschema.Draft202012Validator
    return validator_class(
        _inline_references(schema, schema.get("$defs", {})),
        format_checker=validator_class.FORMAT_CHECKER,
    )


def _schema_problems(document: dict[str, Any]) -> list[Problem]:
    return [_problem(list(e.absolute_path), e.message) for e in _validator().iter_errors(document)]


@dataclass
class _Row:
    """One record found in the document: its table, place and column values."""

    table: str
    parts: list[int | str]
    values: dict[str, Any]


def _walk(document: dict[str, Any]) -> list[_Row]:
    """Every record of the document (schema-checked) with its owner's id filled in."""
    found: list[_Row] = []

    def visit(part: _Part, value: Any, parts: list[int | str], owner: Any) -> None:
        if part.single:
            items = [] if value is None else [(parts, value)]
        else:
            items = [([*parts, index], item) for index, item in enumerate(value)]
        for where, record in items:
            values = {c.name: record[_json_key(c)] for c in part.columns}
            if part.owner_column:
                values[part.owner_column] = owner
            found.append(_Row(part.table, where, values))
            if part.table == "provisions":
                for index, year_group_id in enumerate(record[_YEAR_GROUP_IDS]):
                    found.append(
                        _Row(
                            provision_year_groups.name,
                            [*where, _YEAR_GROUP_IDS, index],
                            {"provision_id": record["id"], "year_group_id": year_group_id},
                        )
                    )
            for child in part.children:
                visit(child, record[child.key], [*where, child.key], record["id"])

    for part in _PARTS:
        visit(part, document[part.key], [part.key], None)
    return found


def _link_problems(rows: list[_Row]) -> list[Problem]:
    """Ids unique, links that lead somewhere, unique names, and dates in order."""
    problems: list[Problem] = []
    ids: dict[str, set[Any]] = defaultdict(set)
    for row in rows:
        if "id" not in row.values:
            continue
        if row.values["id"] in ids[row.table]:
            noun = _NOUNS[row.table]
            problems.append(
                _problem([*row.parts, "id"], f"another {noun} has the id {row.values['id']}")
            )
        ids[row.table].add(row.values["id"])

    seen: dict[tuple[str, tuple[str, ...]], set[tuple[Any, ...]]] = defaultdict(set)
    for row in rows:
        table = _TABLES[row.table]
        if row.table == provision_year_groups.name:
            where: list[int | str] = row.parts
            target = row.values["year_group_id"]
            if target not in ids["year_groups"]:
                problems.append(_problem(where, f"there is no year group with id {target}"))
            continue
        for column in table.columns:
            value = row.values.get(column.name)
            for foreign in column.foreign_keys:
                target_table = foreign.column.table.name
                if column.name == _OWNERS.get(row.table) or value is None:
                    continue
                if value not in ids[target_table]:
                    noun = _NOUNS[target_table]
                    problems.append(
                        _problem([*row.parts, column.name], f"there is no {noun} with id {value}")
                    )
        for columns in _unique_column_sets(table):
            if columns == (_OWNERS.get(row.table),):
                continue  # one per owner: the nesting itself sees to that
            key = tuple(_comparable(table.c[c], row.values.get(c)) for c in columns)
            if any(v is None for v in key):
                continue
            bucket = seen[(row.table, columns)]
            if key in bucket:
                shown = columns[-1]
                problems.append(
                    _problem(
                        [*row.parts, shown],
                        f"another {_owned_noun(row.table, columns)} has the {shown} "
                        f"{row.values[shown]!r}",
                    )
                )
            bucket.add(key)
        for earlier, later in _DATE_ORDER.get(row.table, ()):
            first, second = row.values.get(earlier), row.values.get(later)
            if first is not None and second is not None and second < first:
                problems.append(
                    _problem([*row.parts, later], f"{second} is before {earlier} {first}")
                )
    return problems


def _comparable(column: Column[Any], value: Any) -> Any:
    """A value as the database will compare it: "09:15" and "09:15:00" are one time."""
    if value is None or not isinstance(column.type, Time | DateTime):
        return value
    try:
        return _from_json(column, value)
    except ValueError:
        return value  # reported as not a real time


def _owned_noun(table: str, columns: tuple[str, ...]) -> str:
    """ "term of this academic year" where the owner is part of the unique key."""
    noun = _NOUNS[table]
    owner = _OWNERS.get(table)
    if owner and owner in columns:
        foreign = next(iter(_TABLES[table].c[owner].foreign_keys))
        return f"{noun} of this {_NOUNS[foreign.column.table.name]}"
    return noun


def _unique_column_sets(table: Table) -> list[tuple[str, ...]]:
    """The column sets the table keeps unique, the primary key aside (checked as ids)."""
    sets: list[tuple[str, ...]] = [(c.name,) for c in table.columns if c.unique]
    sets += [
        tuple(c.name for c in constraint.columns)
        for constraint in table.constraints
        if isinstance(constraint, UniqueConstraint)
    ]
    return list(dict.fromkeys(sets))  # a unique column is also listed as a constraint


def _value_problems(rows: list[_Row]) -> list[Problem]:
    """Moments and times that match the schema's pattern but are not real ones."""
    problems: list[Problem] = []
    for row in rows:
        for column in _TABLES[row.table].columns:
            value = row.values.get(column.name)
            if value is None or not isinstance(column.type, DateTime | Time):
                continue
            try:
                _from_json(column, value)
            except ValueError:
                kind = "date and time" if isinstance(column.type, DateTime) else "time of day"
                problems.append(
                    _problem([*row.parts, _json_key(column)], f"{value!r} is not a real {kind}")
                )
    return problems


def check_document(document: Any) -> list[Problem]:
    """Everything wrong with ``document``, each with its JSON path; empty when it is good.

    The format and version are looked at first (a document of another version is not
    checked further), then the JSON Schema, then what a schema cannot say: that ids
    are unique, every id a record points at exists, names are not used twice and
    dates run the right way.
    """
    if not isinstance(document, dict):
        kind = "a list" if isinstance(document, list) else f"a {type(document).__name__}"
        return [_problem([], f"a ProvMap school document is a JSON object, not {kind}.")]
    if document.get("format") != FORMAT:
        return [
            _problem(
                ["format"],
                f"this is not a ProvMap school document (format {document.get('format')!r}).",
            )
        ]
    version = document.get("version")
    if isinstance(version, int) and not isinstance(version, bool) and version != VERSION:
        return [
            _problem(
                ["version"],
                f"this is version {version} of the school format; this copy of ProvMap "
                f"reads version {VERSION}. Update ProvMap to read it.",
            )
        ]
    problems = _schema_problems(document)
    if not problems:
        rows = _walk(document)
        problems = _value_problems(rows) + _link_problems(rows)
        settings = document["school"]
        if settings["rag_amber"] > settings["rag_green"]:
            problems.append(
                _problem(
                    ["school", "rag_amber"],
                    f"{settings['rag_amber']} is above rag_green {settings['rag_green']}",
                )
            )
    return sorted(problems)


# -- import ------------------------------------------------------------------------


def _tables_holding_rows(session: Session) -> list[str]:
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
    rows_by_table: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in _walk(document):
        table = _TABLES[row.table]
        rows_by_table[row.table].append(
            {c.name: _from_json(c, row.values[c.name]) for c in table.columns}
        )
    settings_table = _TABLES[_SETTINGS_TABLE]
    settings = {
        c.name: _from_json(c, document["school"][c.name])
        for c in settings_table.columns
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
        reason = getattr(exc, "orig", None) or exc
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
    for row in _walk(document):
        counts[row.table] += 1
    return dict(counts)
