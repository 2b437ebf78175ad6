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

from ...models import AcademicYear, Pupil, SchoolClass, YearGroup
from ...models.vocab import NEED_TYPES
from ...storage.autobackup import copy_before
from ..calendar import academic_year_for
from ..upn import UpnError, clean_upn, upn_warning

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
#: The longest name the database holds (``Pupil.surname`` and the forenames).
NAME_LENGTH = 100
#: A date of birth further back than this many years is a typing or export error.
OLDEST_AGE_YEARS = 25


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
    """'4', 'Year 4', 'Y4', 'Year Y6', 'NC Year 4' -> 4; 'R', 'Rec', 'Reception' -> 0;
    'N1', 'N2', 'Nursery' -> -1."""
    key = squash(text)
    # "Year Y6" and "NC Year 6" carry more than one prefix; take them off one at a time.
    for _ in range(3):
        if key in _YEAR_WORDS:
            return _YEAR_WORDS[key]
        if key.isdigit():
            return int(key)
        match = re.fullmatch(r"(?:ncyear|year|nc|yr|y)(\w+)", key)
        if not match:
            return None
        key = match.group(1)
    return None


def sen_status_code(text: str) -> str | None:
    """'K', 'SEN Support', 'K - SEN Support', 'EHCP' -> 'K' or 'E'; blank -> 'N'."""
    if not text.strip():
        return "N"
    code = _SEN_WORDS.get(squash(text))
    if code is not None:
        return code
    # SIMS and Arbor write the census code, a dash and its meaning: "K - SEN Support".
    match = re.fullmatch(r"\s*([A-Za-z])\s*[-–:]\s*(.+)", text)
    if match:
        code = _SEN_WORDS.get(match.group(1).casefold())
        meaning = _SEN_WORDS.get(squash(match.group(2)))
        if code is not None and meaning in (None, code):
            return code
    return None


def need_code(text: str) -> str | None:
    return _NEED_WORDS.get(squash(text))


_MONTHS: dict[str, int] = {}
for _number, _name in enumerate(
    (
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ),
    start=1,
):
    _MONTHS[_name] = _MONTHS[_name[:3]] = _number
_MONTHS["sept"] = 9


def parse_mis_date(text: str) -> dt.date:
    """A date as MIS exports write it; ``ValueError`` if it is none of these.

    dd/mm/yyyy (or d/m/yyyy), yyyy-mm-dd, "08 October 2014", "8 Oct 2014", each with or
    without a time of day after it ("14/03/2016 00:00:00", "2016-03-14T00:00:00"): the
    day is what counts.
    """
    value = re.sub(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$", "", text.strip())
    match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", value)
    if match:
        day, month, year = (int(part) for part in match.groups())
        return dt.date(year, month, day)
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", value)
    if match:
        year, month, day = (int(part) for part in match.groups())
        return dt.date(year, month, day)
    match = re.fullmatch(r"(\d{1,2})[ -]([A-Za-z]+)\.?[ -](\d{4})", value)
    if match and match.group(2).casefold() in _MONTHS:
        month = _MONTHS[match.group(2).casefold()]
        return dt.date(int(match.group(3)), month, int(match.group(1)))
    raise ValueError(f"'{text}' is not a date")


def _class_base(name: str) -> str:
    """A class name without a bracketed year group: 'Robins (Reception)' -> 'robins'."""
    return squash(re.sub(r"\s*\([^)]*\)\s*$", "", name))


def next_year_start(session: Session, today: dt.date) -> dt.date:
    """The first day of next academic year: the day after the year holding ``today`` ends
    (or the start of the next year set up), else 1 September after ``today``."""
    later = session.scalar(
        select(AcademicYear.start_date)
        .where(AcademicYear.start_date > today)
        .order_by(AcademicYear.start_date)
        .limit(1)
    )
    if later is not None:
        return later
    current = academic_year_for(session, today)
    if current is not None:
        return current.end_date + dt.timedelta(days=1)
    return dt.date(today.year if today.month < 9 else today.year + 1, 9, 1)


class _Checker:
    """Turns one row's raw text into checked values, collecting every reason to reject."""

    def __init__(
        self,
        session: Session,
        *,
        today: dt.date,
        offer_intake: bool = False,
        as_intake: bool = False,
    ) -> None:
        groups = session.scalars(select(YearGroup)).all()
        self.today = today
        self.by_order = {g.sort_order: g for g in groups}
        self.by_id = {g.id: g for g in groups}
        self.by_name = {squash(g.name): g for g in groups}
        classes = list(session.scalars(select(SchoolClass)))
        self.classes = {squash(c.name): c for c in classes}
        self.class_bases: dict[str, list[SchoolClass]] = {}
        for school_class in classes:
            self.class_bases.setdefault(_class_base(school_class.name), []).append(school_class)
        self.offer_intake = offer_intake
        self.as_intake = as_intake
        self.intake_starts = next_year_start(session, today) if offer_intake else None
        #: Rows taken (or offered) as next year's intake, and the year group they join.
        self.intake_rows: list[RowResult] = []
        self.intake_group: YearGroup | None = None

    def year_group(self, text: str) -> YearGroup | None:
        if squash(text) in self.by_name:
            return self.by_name[squash(text)]
        number = nc_year(text)
        return self.by_order.get(number) if number is not None else None

    def _next_year_group(self, text: str) -> YearGroup | None:
        """The school's year group one above ``text`` when the school lacks ``text``."""
        number = nc_year(text)
        if number is None or number in self.by_order:
            return None
        return self.by_order.get(number + 1)

    def check(self, raw: dict[str, str], result: RowResult) -> dict[str, Any]:
        reasons = result.reasons
        values: dict[str, Any] = {}
        for name in ("surname", "forename", "preferred_name"):
            if name in raw:
                values[name] = raw[name]
                if not raw[name] and name in REQUIRED_FIELDS:
                    reasons.append(f"{FIELD_LABELS[name]} is missing.")
                elif len(raw[name]) > NAME_LENGTH:
                    reasons.append(
                        f"{FIELD_LABELS[name]} is longer than {NAME_LENGTH} characters "
                        f"({len(raw[name])}); shorten it in the MIS."
                    )
        if "upn" in raw:
            try:
                values["upn"] = clean_upn(raw["upn"])
            except UpnError as exc:
                reasons.append(str(exc))
            else:
                warning = upn_warning(values["upn"])
                if warning:
                    result.notes.append(warning)
        if "date_of_birth" in raw:
            values["date_of_birth"] = self._birth_date(raw["date_of_birth"], reasons)
        if "sen_start_date" in raw:
            values["sen_start_date"] = self._date("sen_start_date", raw["sen_start_date"], reasons)
        if "gender" in raw:
            gender = _GENDER_WORDS.get(squash(raw["gender"]))
            if gender is None:
                reasons.append(f"Gender '{raw['gender']}' is not one of M, F or X.")
            values["gender"] = gender
        if "year_group" in raw:
            self._year_group(raw["year_group"], values, result)
        if "class_name" in raw:
            values["class_name"] = raw["class_name"]
        if "sen_status" in raw:
            values["sen_status"] = sen_status_code(raw["sen_status"])
            if values["sen_status"] is None:
                reasons.append(
                    f"SEN status '{raw['sen_status']}' is not known "
                    "(use N, K or E, or No SEN / SEN support / EHC plan)."
                )
            elif values["sen_status"] == "N":
                # A pupil not on the SEN register has no date they went on it.
                values["sen_start_date"] = None
        for name in ("primary_need", "secondary_need"):
            if name in raw:
                values[name] = need_code(raw[name]) if raw[name] else None
                if raw[name] and values[name] is None:
                    reasons.append(
                        f"{FIELD_LABELS[name]} '{raw[name]}' is not a census need code "
                        f"({', '.join(NEED_TYPES)})."
                    )
        preferred = values.get("preferred_name")
        surname = values.get("surname")
        if preferred and surname and preferred.casefold().endswith(" " + surname.casefold()):
            # Some exports put the whole preferred name in the column: "Emma Carter".
            values["preferred_name"] = preferred[: -len(surname)].strip()
        if values.get("preferred_name") and values["preferred_name"] == values.get("forename"):
            # Many MIS exports repeat the legal forename; only a different name is kept.
            values["preferred_name"] = ""
        return values

    def _year_group(self, text: str, values: dict[str, Any], result: RowResult) -> None:
        group = self.year_group(text) if text else None
        if group is None and text and self.offer_intake:
            following = self._next_year_group(text)
            if following is not None:
                self.intake_rows.append(result)
                self.intake_group = self.intake_group or following
                if self.as_intake and self.intake_starts is not None:
                    values["on_roll_date"] = self.intake_starts
                    result.notes.append(
                        f"Next year's intake: joins {following.name} on "
                        f"{self.intake_starts:%d/%m/%Y}."
                    )
                    group = following
                else:
                    result.reasons.append(
                        f"Year group '{text}' is not one of the school's year groups; this "
                        f"looks like next year's intake into {following.name} "
                        "(import it as intake)."
                    )
                    values["year_group"] = None
                    return
        if group is None:
            result.reasons.append(
                "Year group is missing."
                if not text
                else f"Year group '{text}' is not one of the school's year "
                "groups (add it in Settings first)."
            )
        values["year_group"] = group.id if group else None

    def _birth_date(self, text: str, reasons: list[str]) -> dt.date | None:
        born = self._date("date_of_birth", text, reasons)
        if born is None:
            return None
        if born > self.today:
            reasons.append(f"Date of birth {born:%d/%m/%Y} is in the future.")
        else:
            try:
                oldest = self.today.replace(year=self.today.year - OLDEST_AGE_YEARS)
            except ValueError:  # 29 February
                oldest = self.today.replace(year=self.today.year - OLDEST_AGE_YEARS, day=28)
            if born < oldest:
                reasons.append(
                    f"Date of birth {born:%d/%m/%Y} is more than {OLDEST_AGE_YEARS} years ago."
                )
        return born

    @staticmethod
    def _date(name: str, text: str, reasons: list[str]) -> dt.date | None:
        if not text:
            return None
        try:
            return parse_mis_date(text)
        except ValueError:
            reasons.append(f"{FIELD_LABELS[name]} '{text}' is neither dd/mm/yyyy nor yyyy-mm-dd.")
            return None

    def match_class(self, result: RowResult) -> None:
        """Use the school's spelling of a known class; refuse a name too long to store.

        'Robins' in the file and 'Robins (Reception)' in the school are one class: a
        bracketed year is ignored. If that leaves several classes, the one in the row's
        year group is meant; if none of them is, the row cannot say which.
        """
        name = result.values.get("class_name")
        if not name:
            return
        if squash(name) in self.classes:
            result.values["class_name"] = self.classes[squash(name)].name
            return
        candidates = self.class_bases.get(_class_base(name), [])
        if len(candidates) > 1:
            year_group_id = result.values.get("year_group")
            candidates = [c for c in candidates if c.year_group_id == year_group_id] or candidates
        if len(candidates) == 1:
            result.values["class_name"] = candidates[0].name
        elif candidates:
            names = ", ".join(sorted(c.name for c in candidates))
            result.reasons.append(
                f"Class '{name}' matches more than one class ({names}); "
                "name the class in full in the file."
            )
        elif len(name) > 40:
            result.reasons.append(f"Class name '{name}' is longer than 40 characters.")

    def is_new_class(self, result: RowResult) -> bool:
        name = result.values.get("class_name")
        return (
            isinstance(name, str)
            and bool(name)
            and squash(name) not in self.classes
            and _class_base(name) not in self.class_bases
        )


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
    offer_intake: bool = False,
    as_intake: bool = False,
    today: dt.date | None = None,
) -> ImportPreview:
    """Check every row and say what importing it would do; writes nothing.

    Each rejected row lists every reason, so the user can fix the file in one pass.
    With ``offer_intake`` (a transfer file), pupils one year below the school's year
    groups are next year's intake: ``preview.intake`` says so, and with ``as_intake``
    they are taken into the year group above, joining on the first day of next year.
    ``today`` (default: the real date) is when birth dates are checked against.
    """
    preview = ImportPreview(source=source, unit=unit, mapping=dict(mapping), rows=[])
    for name in REQUIRED_FIELDS:
        if not mapping.get(name):
            preview.problems.append(f"No column is chosen for {FIELD_LABELS[name]}.")
    checker = _Checker(
        session,
        today=today or dt.date.today(),
        offer_intake=offer_intake,
        as_intake=as_intake,
    )
    existing = {p.upn: p for p in session.scalars(select(Pupil))}
    seen: dict[str, list[RowResult]] = {}
    for row in rows:
        raw = _raw_values(row, mapping)
        result = RowResult(number=row.number, action=RowAction.ADD, upn=raw.get("upn", ""))
        result.name = f"{raw.get('surname', '')}, {raw.get('forename', '')}".strip(", ")
        result.values = checker.check(raw, result)
        upn = result.values.get("upn")
        if upn:
            result.upn = upn
            seen.setdefault(upn, []).append(result)
        checker.match_class(result)
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
    if checker.intake_rows and checker.intake_group and checker.intake_starts:
        preview.intake = IntakeOffer(
            count=len(checker.intake_rows),
            year_group=checker.intake_group.name,
            starts=checker.intake_starts,
            accepted=as_intake,
        )
    new_by_base: dict[str, str] = {}
    for result in preview.rows:
        if result.reasons:
            result.action = RowAction.REJECTED
        elif checker.is_new_class(result):
            # The first clean row naming a new class decides its name and year group.
            name = new_by_base.setdefault(
                _class_base(result.values["class_name"]), result.values["class_name"]
            )
            result.values["class_name"] = name
            year_group_id = preview.new_classes.setdefault(name, result.values.get("year_group"))
            where = checker.by_id.get(year_group_id) if year_group_id is not None else None
            result.notes.append(
                f"Class {name} is new and will be created"
                + (f" in {where.name}." if where else ".")
            )
    return preview


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
    copy_before(session, "before-import")
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
