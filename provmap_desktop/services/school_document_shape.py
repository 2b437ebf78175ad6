"""The shape of the whole-school JSON document: where each table sits, how values look.

``PARTS`` lists the document's parts in order; a record that belongs to another sits
inside it (see ``school_document`` for the rules). ``to_json`` and ``from_json`` turn
one column's value into the document's form and back, and ``walk`` finds every
record of a (schema-checked) document with its owner's id filled in.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, Column, Date, DateTime, Integer, LargeBinary, Time

from ..models import ROW_VERSION, Base, Money, provision_trainings, provision_year_groups

FORMAT = "provmap-school"
VERSION = 1

TABLES = Base.metadata.tables


def stored_columns(table: str) -> list[Column[Any]]:
    """The columns of ``table`` a document holds: not the count of saved versions, which
    belongs to one database (a copied school starts again at version 1)."""
    return [c for c in TABLES[table].columns if c.name != ROW_VERSION]


# -- where each table sits in the document ---------------------------------------------


@dataclass(frozen=True)
class Part:
    """A table and its place: a list (or one object) under ``key`` of its owner."""

    key: str
    table: str
    owner_column: str | None = None  # the column naming the owning record, left out
    children: tuple[Part, ...] = ()
    single: bool = False  # one object or null, not a list
    noun: str = ""  # for messages: "pupil", "year group"

    @property
    def columns(self) -> list[Column[Any]]:
        """The table's columns the document writes, the owner's column left out."""
        return [c for c in stored_columns(self.table) if c.name != self.owner_column]


_EHCP = Part(
    "ehcp",
    "ehcps",
    "pupil_id",
    single=True,
    noun="EHC plan",
    children=(
        Part("outcomes", "ehcp_outcomes", "ehcp_id", noun="EHCP outcome"),
        Part("provision_items", "ehcp_provision_items", "ehcp_id", noun="EHCP provision item"),
    ),
)

#: The document's lists, in the order they appear (and are written to the database).
PARTS: tuple[Part, ...] = (
    Part(
        "academic_years",
        "academic_years",
        noun="academic year",
        children=(Part("terms", "terms", "academic_year_id", noun="term"),),
    ),
    Part("year_groups", "year_groups", noun="year group"),
    Part("classes", "classes", noun="class"),
    Part("staff_roles", "staff_roles", noun="staff role"),
    Part("staff", "staff", noun="member of staff"),
    Part(
        "funding_streams",
        "funding_streams",
        noun="funding stream",
        children=(Part("budgets", "funding_budgets", "funding_stream_id", noun="budget"),),
    ),
    Part("provisions", "provisions", noun="provision"),
    Part(
        "pupils",
        "pupils",
        noun="pupil",
        children=(
            Part("profile", "pupil_profiles", "pupil_id", single=True, noun="profile"),
            _EHCP,
            Part("past_years", "pupil_years", "pupil_id", noun="past year"),
        ),
    ),
    Part(
        "groups",
        "provision_groups",
        noun="group",
        children=(
            Part("slots", "group_slots", "group_id", noun="slot"),
            Part("memberships", "group_memberships", "group_id", noun="membership"),
        ),
    ),
    Part(
        "delivery_sessions",
        "delivery_sessions",
        noun="delivery session",
        children=(Part("attendance", "session_attendance", "session_id", noun="attendance"),),
    ),
    Part("reviews", "reviews", noun="review"),
    Part("trainings", "trainings", noun="training"),
    Part("staff_trainings", "staff_trainings", noun="staff training"),
    Part("planned_needs", "planned_needs", noun="planned need"),
    Part(
        "learning_plans",
        "learning_plans",
        noun="SEN support plan",
        children=(
            Part("outcomes", "plan_outcomes", "plan_id", noun="plan outcome"),
            Part("targets", "plan_targets", "plan_id", noun="plan target"),
            Part("provisions", "plan_provisions", "plan_id", noun="provision linked to a plan"),
        ),
    ),
    Part(
        "meetings",
        "meetings",
        noun="meeting",
        children=(Part("actions", "meeting_actions", "meeting_id", noun="meeting action"),),
    ),
    Part(
        "custom_fields",
        "custom_fields",
        noun="custom field",
        children=(Part("values", "custom_field_values", "field_id", noun="custom field value"),),
    ),
    Part(
        "documents",
        "pupil_documents",
        noun="document",
        children=(
            Part("content", "document_contents", "document_id", single=True, noun="document file"),
        ),
    ),
    Part("ehcp_annual_reviews", "ehcp_annual_reviews", noun="EHC plan annual review"),
    Part("audit", "audit_log", noun="audit entry"),
)
#: Lists and fields added after version 1 was first written: a document may leave them
#: out (read as empty, or null).
LATER_PARTS = frozenset(
    {
        "trainings",
        "staff_trainings",
        "planned_needs",
        "learning_plans",
        "meetings",
        "custom_fields",
        "documents",
        "ehcp_annual_reviews",
    }
)

SETTINGS_TABLE = "school_settings"
YEAR_GROUP_IDS = "year_group_ids"
TRAINING_IDS = "training_ids"
#: Audit columns holding JSON text, shown in the document as objects.
JSON_COLUMNS = {"before_json": "before", "after_json": "after"}


def _all_parts(parts: Sequence[Part] = PARTS) -> Iterator[Part]:
    """Every part and, after each, its children's parts, depth first."""
    for part in parts:
        yield part
        yield from _all_parts(part.children)


NOUNS = {part.table: part.noun for part in _all_parts()}
OWNERS = {part.table: part.owner_column for part in _all_parts()}


def json_key(column: Column[Any]) -> str:
    """The key of a column in the document: the audit's JSON columns are renamed."""
    return JSON_COLUMNS.get(column.name, column.name)


# -- values ------------------------------------------------------------------------


def to_json(column: Column[Any], value: Any) -> Any:
    """A database value as the document writes it."""
    if value is None:
        return None
    if column.name in JSON_COLUMNS:
        return json.loads(value)
    kind = column.type
    if isinstance(kind, LargeBinary):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(kind, Money):
        return f"{Decimal(value):.2f}"
    if isinstance(value, dt.date | dt.time):  # a datetime is a date too
        return value.isoformat()
    if isinstance(kind, Boolean):
        return bool(value)
    if isinstance(kind, Integer):
        return int(value)
    return value


def from_json(column: Column[Any], value: Any) -> Any:
    """A document value as the database stores it."""
    if value is None:
        return None
    if column.name in JSON_COLUMNS:
        return json.dumps(value)
    kind = column.type
    if isinstance(kind, LargeBinary):
        return base64.b64decode(value)
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


@dataclass
class Row:
    """One record found in the document: its table, place and column values."""

    table: str
    parts: list[int | str]
    values: dict[str, Any]


def walk(document: dict[str, Any]) -> list[Row]:
    """Every record of the document (schema-checked) with its owner's id filled in."""
    found: list[Row] = []

    def visit(part: Part, value: Any, parts: list[int | str], owner: Any) -> None:
        """Note the part's records under parts, then their children's."""
        if part.single:
            items = [] if value is None else [(parts, value)]
        else:
            items = [([*parts, index], item) for index, item in enumerate(value)]
        for where, record in items:
            # Keys the schema leaves optional (added after the first documents) read as
            # empty; the schema check has already made sure every required key is there.
            values = {c.name: record.get(json_key(c)) for c in part.columns}
            if part.owner_column:
                values[part.owner_column] = owner
            found.append(Row(part.table, where, values))
            if part.table == "provisions":
                for index, year_group_id in enumerate(record[YEAR_GROUP_IDS]):
                    found.append(
                        Row(
                            provision_year_groups.name,
                            [*where, YEAR_GROUP_IDS, index],
                            {"provision_id": record["id"], "year_group_id": year_group_id},
                        )
                    )
                for index, training_id in enumerate(record.get(TRAINING_IDS, [])):
                    found.append(
                        Row(
                            provision_trainings.name,
                            [*where, TRAINING_IDS, index],
                            {"provision_id": record["id"], "training_id": training_id},
                        )
                    )
            for child in part.children:
                empty: list[Any] | None = None if child.single else []
                visit(child, record.get(child.key, empty), [*where, child.key], record["id"])

    for part in PARTS:
        visit(part, document.get(part.key, []), [part.key], None)
    return found
