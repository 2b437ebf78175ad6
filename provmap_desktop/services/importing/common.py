"""What every pupil import shares: the fields, the value rules, the preview and the apply.

A reader (CSV or CTF) turns a file into ``SourceRow``s keyed by its own column names;
``build_preview`` checks every row against the school's data without writing anything;
``apply_import`` writes a clean preview in one transaction or not at all.

Inside a row, a field whose column is missing (``None``) is left alone on update, while
a blank cell in a mapped column means "blank" (for example no SEN need).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...models import Pupil, SchoolClass, YearGroup
from ...models.vocab import NEED_TYPES
from ..formatting import parse_date
from ..upn import UpnError, clean_upn

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
REQUIRED_FIELDS: tuple[str, ...] = ("upn", "surname", "forename")


class ImportFileError(Exception):
    """A file that cannot be read as pupils at all; ``str()`` says why. Nothing is written."""


class ImportRefusedError(Exception):
    """``apply_import`` was asked to write a preview that is not clean."""


class RowAction(StrEnum):
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


@dataclass
class ImportPreview:
    source: str
    unit: str  # "Row" for spreadsheets, "Pupil" for CTF records
    mapping: dict[str, str | None]
    rows: list[RowResult]
    #: Problems with the file as a whole (for example no UPN column).
    problems: list[str] = field(default_factory=list)
    #: Classes the import will create: name -> year group id.
    new_classes: dict[str, int | None] = field(default_factory=dict)

    def count(self, action: RowAction) -> int:
        return sum(1 for r in self.rows if r.action is action)

    @property
    def rejected(self) -> list[RowResult]:
        return [r for r in self.rows if r.action is RowAction.REJECTED]

    @property
    def is_clean(self) -> bool:
        """True when the preview can be applied: no file problem and no rejected row."""
        return not self.problems and not self.rejected


@dataclass(frozen=True)
class ImportResult:
    added: int
    updated: int
    unchanged: int
    classes_created: tuple[str, ...]


# --- value rules ---------------------------------------------------------------------


def squash(text: str) -> str:
    """Lower case with everything but letters and digits removed: 'Year-Group' -> 'yeargroup'."""
    return re.sub(r"[^0-9a-z]", "", text.casefold())


_SEN_WORDS: dict[str, str] = {
    **dict.fromkeys(["n", "no", "none", "nosen", "nospecialeducationalneed"], "N"),
    **dict.fromkeys(["nospecialeducationalneeds", "notsen"], "N"),
    **dict.fromkeys(["k", "sensupport", "support", "schoolsupport"], "K"),
    # School Action and School Action Plus came before SEN support (2014).
    **dict.fromkeys(["a", "p", "schoolaction", "schoolactionplus"], "K"),
    **dict.fromkeys(["e", "ehcp", "ehc", "ehcplan", "educationhealthandcareplan"], "E"),
    # A statement of SEN became an EHC plan.
    **dict.fromkeys(["s", "statement", "statemented", "statementofsen"], "E"),
}
_NEED_WORDS: dict[str, str] = {
    **{squash(code): code for code in NEED_TYPES},
    **{squash(label): code for code, label in NEED_TYPES.items()},
    "asc": "ASD",
    "autism": "ASD",
    "autisticspectrumcondition": "ASD",
}
_GENDER_WORDS: dict[str, str] = {
    **dict.fromkeys(["m", "male", "boy"], "M"),
    **dict.fromkeys(["f", "female", "girl"], "F"),
    **dict.fromkeys(["x", "other", "nonbinary", "indeterminate"], "X"),
    **dict.fromkeys(["", "u", "unknown", "notknown", "notrecorded"], ""),
}
# NC year: Nursery is -1 and Reception 0, as YearGroup.sort_order holds them.
_YEAR_WORDS: dict[str, int] = {
    **dict.fromkeys(["r", "rec", "reception", "f2", "fs2", "yr"], 0),
    **dict.fromkeys(["n", "n1", "n2", "nursery", "f1", "fs1"], -1),
}


def nc_year(text: str) -> int | None:
    """'4', 'Year 4', 'Y4', 'NC Year 4' -> 4; 'R', 'Rec', 'Reception' -> 0; 'N' -> -1."""
    key = squash(text)
    if key in _YEAR_WORDS:
        return _YEAR_WORDS[key]
    match = re.fullmatch(r"(?:ncyear|year|yr|y)?(\w+)", key)
    if not match:
        return None
    rest = match.group(1)
    if rest.isdigit():
        return int(rest)
    return _YEAR_WORDS.get(rest)


def sen_status_code(text: str) -> str | None:
    return _SEN_WORDS.get(squash(text)) if text.strip() else "N"


def need_code(text: str) -> str | None:
    return _NEED_WORDS.get(squash(text))


class _Checker:
    """Turns one row's raw text into checked values, collecting every reason to reject."""

    def __init__(self, session: Session) -> None:
        groups = session.scalars(select(YearGroup)).all()
        self.by_order = {g.sort_order: g for g in groups}
        self.by_id = {g.id: g for g in groups}
        self.by_name = {squash(g.name): g for g in groups}
        self.classes = {squash(c.name): c for c in session.scalars(select(SchoolClass))}

    def year_group(self, text: str) -> YearGroup | None:
        if squash(text) in self.by_name:
            return self.by_name[squash(text)]
        number = nc_year(text)
        return self.by_order.get(number) if number is not None else None

    def check(self, raw: dict[str, str], reasons: list[str]) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for name in ("surname", "forename", "preferred_name"):
            if name in raw:
                values[name] = raw[name]
                if not raw[name] and name in REQUIRED_FIELDS:
                    reasons.append(f"{FIELD_LABELS[name]} is missing.")
        if "upn" in raw:
            try:
                values["upn"] = clean_upn(raw["upn"])
            except UpnError as exc:
                reasons.append(str(exc))
        for name in ("date_of_birth", "sen_start_date"):
            if name in raw:
                values[name] = self._date(name, raw[name], reasons)
        if "gender" in raw:
            gender = _GENDER_WORDS.get(squash(raw["gender"]))
            if gender is None:
                reasons.append(f"Gender '{raw['gender']}' is not one of M, F or X.")
            values["gender"] = gender
        if "year_group" in raw:
            group = self.year_group(raw["year_group"]) if raw["year_group"] else None
            if group is None:
                reasons.append(
                    "Year group is missing."
                    if not raw["year_group"]
                    else f"Year group '{raw['year_group']}' is not one of the school's year "
                    "groups (add it in Settings first)."
                )
            values["year_group"] = group.id if group else None
        if "class_name" in raw:
            values["class_name"] = raw["class_name"]
        if "sen_status" in raw:
            values["sen_status"] = sen_status_code(raw["sen_status"])
            if values["sen_status"] is None:
                reasons.append(
                    f"SEN status '{raw['sen_status']}' is not known "
                    "(use N, K or E, or No SEN / SEN support / EHC plan)."
                )
        for name in ("primary_need", "secondary_need"):
            if name in raw:
                values[name] = need_code(raw[name]) if raw[name] else None
                if raw[name] and values[name] is None:
                    reasons.append(
                        f"{FIELD_LABELS[name]} '{raw[name]}' is not a census need code "
                        f"({', '.join(NEED_TYPES)})."
                    )
        if values.get("preferred_name") and values["preferred_name"] == values.get("forename"):
            # Many MIS exports repeat the legal forename; only a different name is kept.
            values["preferred_name"] = ""
        return values

    @staticmethod
    def _date(name: str, text: str, reasons: list[str]) -> dt.date | None:
        if not text:
            return None
        try:
            # Spreadsheets often add a midnight time to a date of birth.
            return parse_date(re.sub(r"[ T]00:00(:00)?$", "", text))
        except ValueError:
            reasons.append(f"{FIELD_LABELS[name]} '{text}' is neither dd/mm/yyyy nor yyyy-mm-dd.")
            return None


# --- preview -------------------------------------------------------------------------


def _raw_values(row: SourceRow, mapping: dict[str, str | None]) -> dict[str, str]:
    raw: dict[str, str] = {}
    for name, column in mapping.items():
        if column is None or name not in FIELDS:
            continue
        value = row.values.get(column)
        if value is not None:
            raw[name] = value.strip()
    return raw


def _current(pupil: Pupil, name: str) -> Any:
    if name == "year_group":
        return pupil.year_group_id
    if name == "class_name":
        return pupil.school_class.name if pupil.school_class else ""
    return getattr(pupil, name)


def build_preview(
    session: Session,
    rows: list[SourceRow],
    mapping: dict[str, str | None],
    *,
    source: str = "",
    unit: str = "Row",
) -> ImportPreview:
    """Check every row and say what importing it would do; writes nothing.

    Each rejected row lists every reason, so the user can fix the file in one pass.
    """
    preview = ImportPreview(source=source, unit=unit, mapping=dict(mapping), rows=[])
    for name in REQUIRED_FIELDS:
        if not mapping.get(name):
            preview.problems.append(f"No column is chosen for {FIELD_LABELS[name]}.")
    checker = _Checker(session)
    existing = {p.upn: p for p in session.scalars(select(Pupil))}
    seen: dict[str, list[RowResult]] = {}
    for row in rows:
        raw = _raw_values(row, mapping)
        result = RowResult(number=row.number, action=RowAction.ADD, upn=raw.get("upn", ""))
        result.name = f"{raw.get('surname', '')}, {raw.get('forename', '')}".strip(", ")
        result.values = checker.check(raw, result.reasons)
        upn = result.values.get("upn")
        if upn:
            result.upn = upn
            seen.setdefault(upn, []).append(result)
        _check_class(checker, result)
        pupil = existing.get(upn) if upn else None
        if pupil is not None:
            result.changes = {
                name: (_current(pupil, name), value)
                for name, value in result.values.items()
                if _current(pupil, name) != value
            }
            result.action = RowAction.UPDATE if result.changes else RowAction.UNCHANGED
            if pupil.archived:
                result.notes.append("This pupil is archived and stays archived.")
        preview.rows.append(result)
    for upn, results in seen.items():
        if len(results) > 1:
            for result in results:
                others = ", ".join(str(r.number) for r in results if r is not result)
                result.reasons.append(
                    f"UPN {upn} appears more than once in the file "
                    f"({unit.lower()}s {result.number} and {others})."
                )
    for result in preview.rows:
        if result.reasons:
            result.action = RowAction.REJECTED
        elif _is_new_class(checker, result):
            # The first clean row naming a new class decides its year group.
            name = result.values["class_name"]
            year_group_id = preview.new_classes.setdefault(name, result.values.get("year_group"))
            where = checker.by_id.get(year_group_id) if year_group_id is not None else None
            result.notes.append(
                f"Class {name} is new and will be created"
                + (f" in {where.name}." if where else ".")
            )
    return preview


def _is_new_class(checker: _Checker, result: RowResult) -> bool:
    name = result.values.get("class_name")
    return isinstance(name, str) and bool(name) and squash(name) not in checker.classes


def _check_class(checker: _Checker, result: RowResult) -> None:
    """Use the school's spelling of a known class; refuse a name too long to store."""
    name = result.values.get("class_name")
    if not name:
        return
    if squash(name) in checker.classes:
        result.values["class_name"] = checker.classes[squash(name)].name
    elif len(name) > 40:
        result.reasons.append(f"Class name '{name}' is longer than 40 characters.")


# --- apply ---------------------------------------------------------------------------


def apply_import(session: Session, preview: ImportPreview) -> ImportResult:
    """Write a clean preview in one transaction and commit; on any error roll back.

    Pupils are matched by UPN: matched pupils get only the mapped fields, new UPNs are
    added, pupils missing from the file are not touched. Raises ``ImportRefusedError``
    (before writing anything) if the preview has a rejected row or a file problem.
    """
    if not preview.is_clean:
        raise ImportRefusedError(
            f"{len(preview.rejected)} {preview.unit.lower()}(s) were rejected; "
            "fix the file and import it again. Nothing was written."
        )
    try:
        classes = {squash(c.name): c for c in session.scalars(select(SchoolClass))}
        created: list[str] = []
        for name, year_group_id in preview.new_classes.items():
            if squash(name) not in classes:
                classes[squash(name)] = SchoolClass(name=name, year_group_id=year_group_id)
                session.add(classes[squash(name)])
                created.append(name)
        session.flush()
        pupils = {p.upn: p for p in session.scalars(select(Pupil))}
        added = updated = 0
        for result in preview.rows:
            if result.action is RowAction.UNCHANGED:
                continue
            pupil = pupils.get(result.upn)
            if pupil is None:
                pupil = Pupil(upn=result.upn, preferred_name="", sen_status="N", gender="")
                session.add(pupil)
                added += 1
            else:
                updated += 1
            _set_values(pupil, result.values, classes)
        session.commit()
    except Exception:
        session.rollback()
        raise
    return ImportResult(
        added=added,
        updated=updated,
        unchanged=preview.count(RowAction.UNCHANGED),
        classes_created=tuple(created),
    )


def _set_values(pupil: Pupil, values: dict[str, Any], classes: dict[str, SchoolClass]) -> None:
    for name, value in values.items():
        if name == "year_group":
            pupil.year_group_id = value
        elif name == "class_name":
            pupil.school_class = classes[squash(value)] if value else None
        else:
            setattr(pupil, name, value)
