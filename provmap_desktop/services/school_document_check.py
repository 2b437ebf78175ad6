"""Checking a whole-school JSON document before anything of it is written.

``check_document`` looks at the format and version, then the JSON Schema, then what
a schema cannot say: that ids are unique, every id a record points at exists, names
are not used twice and dates run the right way. Each ``Problem`` carries the JSON
path of what is wrong.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Column, DateTime, Table, Time, UniqueConstraint

from ..models import provision_trainings, provision_year_groups
from .school_document_shape import (
    FORMAT,
    NOUNS,
    OWNERS,
    TABLES,
    VERSION,
    Row,
    from_json,
    json_key,
    walk,
)


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a document, at a JSON path such as ``$.pupils[3].upn``."""

    sort_key: tuple[tuple[int, int | str], ...] = field(repr=False)
    path: str
    message: str

    def __str__(self) -> str:
        """The path and the message, as shown to the user."""
        return f"{self.path}: {self.message}"


def _problem(parts: Sequence[int | str], message: str) -> Problem:
    """A problem at the path of these keys and indexes, sorting in document order."""
    path = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts)
    key = tuple((0, p) if isinstance(p, int) else (1, p) for p in parts)
    return Problem(key, path, message)


# Columns whose later date must not come before the earlier one (the tables' CHECKs).
_DATE_ORDER: dict[str, tuple[tuple[str, str], ...]] = {
    "academic_years": (("start_date", "end_date"),),
    "terms": (("start_date", "end_date"), ("half_term_start", "half_term_end")),
    "provision_groups": (("start_date", "end_date"),),
    "group_memberships": (("join_date", "leave_date"),),
    "pupils": (("on_roll_date", "leaving_date"),),
    "ehcps": (("issued_date", "next_review_date"),),
    "reviews": (("baseline_date", "review_date"),),
    "ehcp_annual_reviews": (("meeting_on", "report_sent_on"),),
}


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
    """The JSON Schema validator for the school format, made once."""
    import jsonschema

    from ..schemas import load_schema

    schema = load_schema()
    validator_class = jsonschema.Draft202012Validator
    return validator_class(
        _inline_references(schema, schema.get("$defs", {})),
        format_checker=validator_class.FORMAT_CHECKER,
    )


def _schema_problems(document: dict[str, Any]) -> list[Problem]:
    """What the JSON Schema finds wrong with the document."""
    return [_problem(list(e.absolute_path), e.message) for e in _validator().iter_errors(document)]


def _link_problems(rows: list[Row]) -> list[Problem]:
    """Ids unique, links that lead somewhere, unique names, and dates in order."""
    problems: list[Problem] = []
    ids: dict[str, set[Any]] = defaultdict(set)
    for row in rows:
        if "id" not in row.values:
            continue
        if row.values["id"] in ids[row.table]:
            noun = NOUNS[row.table]
            problems.append(
                _problem([*row.parts, "id"], f"another {noun} has the id {row.values['id']}")
            )
        ids[row.table].add(row.values["id"])

    seen: dict[tuple[str, tuple[str, ...]], set[tuple[Any, ...]]] = defaultdict(set)
    for row in rows:
        if row.table == provision_year_groups.name:
            target = row.values["year_group_id"]
            if target not in ids["year_groups"]:
                problems.append(_problem(row.parts, f"there is no year group with id {target}"))
            continue
        if row.table == provision_trainings.name:
            target = row.values["training_id"]
            if target not in ids["trainings"]:
                problems.append(_problem(row.parts, f"there is no training with id {target}"))
            continue
        problems += _reference_problems(row, ids)
        problems += _duplicate_problems(row, seen)
        problems += _date_order_problems(row)
    return problems


def _reference_problems(row: Row, ids: dict[str, set[Any]]) -> list[Problem]:
    """The row's links to records the document does not hold (its owner aside)."""
    problems: list[Problem] = []
    for column in TABLES[row.table].columns:
        value = row.values.get(column.name)
        for foreign in column.foreign_keys:
            target_table = foreign.column.table.name
            if column.name == OWNERS.get(row.table) or value is None:
                continue
            if value not in ids[target_table]:
                noun = NOUNS[target_table]
                problems.append(
                    _problem([*row.parts, column.name], f"there is no {noun} with id {value}")
                )
    return problems


def _duplicate_problems(
    row: Row, seen: dict[tuple[str, tuple[str, ...]], set[tuple[Any, ...]]]
) -> list[Problem]:
    """Values the table keeps unique that an earlier row already has; notes this row's."""
    problems: list[Problem] = []
    table = TABLES[row.table]
    for columns in _unique_column_sets(table):
        if columns == (OWNERS.get(row.table),):
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
    return problems


def _date_order_problems(row: Row) -> list[Problem]:
    """Later dates of the row that come before the earlier ones they follow."""
    problems: list[Problem] = []
    for earlier, later in _DATE_ORDER.get(row.table, ()):
        first, second = row.values.get(earlier), row.values.get(later)
        if first is not None and second is not None and second < first:
            problems.append(_problem([*row.parts, later], f"{second} is before {earlier} {first}"))
    return problems


def _comparable(column: Column[Any], value: Any) -> Any:
    """A value as the database will compare it: "09:15" and "09:15:00" are one time."""
    if value is None or not isinstance(column.type, Time | DateTime):
        return value
    try:
        return from_json(column, value)
    except ValueError:
        return value  # reported as not a real time


def _owned_noun(table: str, columns: tuple[str, ...]) -> str:
    """ "term of this academic year" where the owner is part of the unique key."""
    noun = NOUNS[table]
    owner = OWNERS.get(table)
    if owner and owner in columns:
        foreign = next(iter(TABLES[table].c[owner].foreign_keys))
        return f"{noun} of this {NOUNS[foreign.column.table.name]}"
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


def _value_problems(rows: list[Row]) -> list[Problem]:
    """Moments and times that match the schema's pattern but are not real ones."""
    problems: list[Problem] = []
    for row in rows:
        for column in TABLES[row.table].columns:
            value = row.values.get(column.name)
            if value is None or not isinstance(column.type, DateTime | Time):
                continue
            try:
                from_json(column, value)
            except ValueError:
                kind = "date and time" if isinstance(column.type, DateTime) else "time of day"
                problems.append(
                    _problem([*row.parts, json_key(column)], f"{value!r} is not a real {kind}")
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
        rows = walk(document)
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
