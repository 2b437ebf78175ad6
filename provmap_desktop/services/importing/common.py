"""What every pupil import shares: the fields, the records of a preview, the errors.

A reader (CSV or CTF) turns a file into ``SourceRow``s keyed by its own column names;
``preview.build_preview`` checks every row against the school's data (with
``checking`` and the value rules in ``values``) without writing anything;
``apply.apply_import`` writes a clean preview in one transaction or not at all.

Inside a row, a field whose column is missing (``None``) is left alone on update, while
a blank cell in a mapped column means "blank" (for example no SEN need).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

#: The pupil fields an import can fill, in the order a mapping step shows them.
FIELD_LABELS: dict[str, str] = {
    "upn": "UPN",
    "surname": "Surname",
    "forename": "Forename",
    "preferred_name": "Preferred forename",
    "date_of_birth": "Date of birth",
    "gender": "Gender",
    "year_group": "Year group",
    "class_name": "Class",
    "sen_status": "SEN status",
    "primary_need": "Primary need",
    "secondary_need": "Secondary need",
    "sen_start_date": "SEN start date",
}
FIELDS: tuple[str, ...] = tuple(FIELD_LABELS)
#: A mapping key for one of the school's custom pupil fields: ``custom:<field id>``.
CUSTOM_PREFIX = "custom:"


def custom_key(field_id: int) -> str:
    """The mapping key of custom field ``field_id``."""
    return f"{CUSTOM_PREFIX}{field_id}"


def custom_field_id(key: str) -> int | None:
    """The custom field a mapping key names, or None for a pupil field."""
    if key.startswith(CUSTOM_PREFIX) and key[len(CUSTOM_PREFIX) :].isdigit():
        return int(key[len(CUSTOM_PREFIX) :])
    return None


REQUIRED_FIELDS: tuple[str, ...] = ("upn", "surname", "forename")
#: The longest name the database holds (``Pupil.surname`` and the forenames).
NAME_LENGTH = 100
#: A date of birth further back than this many years is a typing or export error.
OLDEST_AGE_YEARS = 25


class ImportFileError(Exception):
    """A file that cannot be read as pupils at all; ``str()`` says why. Nothing is written."""


class ImportRefusedError(Exception):
    """``apply_import`` was asked to write a preview that is not clean."""


class RowAction(StrEnum):
    """What importing a row would do to the school's pupils."""

    ADD = "add"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    REJECTED = "rejected"


@dataclass(frozen=True)
class SourceRow:
    """One record of the file: ``number`` as the user finds it (spreadsheet row, or the
    pupil's position in a CTF), ``values`` keyed by the file's own column names."""

    number: int
    values: dict[str, str | None]


@dataclass
class RowResult:
    """One row checked: what it would do, its values, and every reason or note."""

    number: int
    action: RowAction
    upn: str = ""
    name: str = ""
    reasons: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: Checked values by field (``year_group`` holds a ``YearGroup`` id).
    values: dict[str, Any] = field(default_factory=dict)
    #: For updates: field -> (value now, value after import).
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    #: Taken as next year's intake (joins on the first day of next year).
    intake: bool = False
    #: The names of the custom fields among ``values`` (by mapping key), for messages.
    labels: dict[str, str] = field(default_factory=dict)

    def label(self, name: str) -> str:
        """What a field of the row is called: a pupil field's label or a custom name."""
        return FIELD_LABELS.get(name) or self.labels.get(name, name)


@dataclass
class IntakeOffer:
    """Pupils of a transfer file one year below the school's year groups (Year 6 leavers
    sent to a secondary, nursery children to Reception): next year's intake.

    ``accepted`` says whether the preview takes them as intake (they join ``year_group``
    on ``starts``); if not, those pupils are rejected and the screen can ask.
    """

    count: int
    year_group: str
    starts: dt.date
    accepted: bool


@dataclass
class ImportPreview:
    """What importing a file would do, row by row, with any problem of the file itself."""

    source: str
    unit: str  # "Row" for spreadsheets, "Pupil" for CTF records
    mapping: dict[str, str | None]
    rows: list[RowResult]
    #: Problems with the file as a whole (for example no UPN column).
    problems: list[str] = field(default_factory=list)
    #: Classes the import will create: name -> year group id.
    new_classes: dict[str, int | None] = field(default_factory=dict)
    #: Set when a transfer file holds next year's intake (see ``IntakeOffer``).
    intake: IntakeOffer | None = None

    def count(self, action: RowAction) -> int:
        """How many rows would have this action."""
        return sum(1 for r in self.rows if r.action is action)

    @property
    def rejected(self) -> list[RowResult]:
        """The rows that cannot be imported."""
        return [r for r in self.rows if r.action is RowAction.REJECTED]

    @property
    def is_clean(self) -> bool:
        """True when the preview can be applied: no file problem and no rejected row."""
        return not self.problems and not self.rejected


@dataclass(frozen=True)
class ImportResult:
    """What an applied import did: pupils added, updated and unchanged, classes made."""

    added: int
    updated: int
    unchanged: int
    classes_created: tuple[str, ...]
