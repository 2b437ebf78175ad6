"""Checking one row of a pupil import: every reason to refuse it, and its clean values.

``RowChecker`` knows the school's year groups and classes; ``check`` turns a row's raw
text into checked values, ``match_class`` settles which class the row means, and
rows one year below the school's year groups are noted as next year's intake.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...models import AcademicYear, SchoolClass, YearGroup
from ...models.vocab import NEED_TYPES
from ...rules.upn import UpnError, clean_upn, upn_warning
from ..calendar import academic_year_for
from .common import FIELD_LABELS, NAME_LENGTH, OLDEST_AGE_YEARS, REQUIRED_FIELDS, RowResult
from .values import (
    class_base,
    gender_code,
    nc_year,
    need_code,
    parse_mis_date,
    sen_status_code,
    squash,
)


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


class RowChecker:
    """Turns one row's raw text into checked values, collecting every reason to reject."""

    def __init__(
        self,
        session: Session,
        *,
        today: dt.date,
        offer_intake: bool = False,
        as_intake: bool = False,
        intake_starts: dt.date | None = None,
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
            self.class_bases.setdefault(class_base(school_class.name), []).append(school_class)
        #: The whole file is next year's intake, joining on this day in the year group
        #: each row names (a CSV of new starters, or a transfer file chosen so).
        self.whole_intake = intake_starts is not None
        self.offer_intake = offer_intake or self.whole_intake
        self.as_intake = as_intake or self.whole_intake
        self.intake_starts = intake_starts or (
            next_year_start(session, today) if offer_intake else None
        )
        #: Rows taken (or offered) as next year's intake, and the year group they join.
        self.intake_rows: list[RowResult] = []
        self.intake_group: YearGroup | None = None

    def year_group(self, text: str) -> YearGroup | None:
        """The school's year group a cell names, by its name or its NC year."""
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
        """The row's checked values by field; every reason to refuse goes on ``result``."""
        reasons = result.reasons
        values: dict[str, Any] = {}
        _check_names(raw, values, reasons)
        if "upn" in raw:
            _check_upn(raw["upn"], values, result)
        if "date_of_birth" in raw:
            values["date_of_birth"] = self._birth_date(raw["date_of_birth"], reasons)
        if "sen_start_date" in raw:
            values["sen_start_date"] = self._date("sen_start_date", raw["sen_start_date"], reasons)
        if "gender" in raw:
            gender = gender_code(raw["gender"])
            if gender is None:
                reasons.append(f"Gender '{raw['gender']}' is not one of M, F or X.")
            values["gender"] = gender
        if "year_group" in raw:
            self._year_group(raw["year_group"], values, result)
        if "class_name" in raw:
            values["class_name"] = raw["class_name"]
        _check_sen(raw, values, reasons)
        _tidy_preferred_name(values)
        return values

    def _year_group(self, text: str, values: dict[str, Any], result: RowResult) -> None:
        """Take the row's year group, or note it as next year's intake, or give a reason."""
        group = self.year_group(text) if text else None
        if group is None and text and self.offer_intake:
            following = self._next_year_group(text)
            if following is not None:
                self.intake_rows.append(result)
                self.intake_group = self.intake_group or following
                if self.as_intake and self.intake_starts is not None:
                    self._take_as_intake(following, values, result)
                    group = following
                else:
                    result.reasons.append(
                        f"Year group '{text}' is not one of the school's year groups; this "
                        f"looks like next year's intake into {following.name} "
                        "(import it as intake)."
                    )
                    values["year_group"] = None
                    return
        elif group is not None and self.whole_intake:
            self.intake_rows.append(result)
            self.intake_group = self.intake_group or group
            self._take_as_intake(group, values, result)
        if group is None:
            result.reasons.append(
                "Year group is missing."
                if not text
                else f"Year group '{text}' is not one of the school's year "
                "groups (add it in Settings first)."
            )
        values["year_group"] = group.id if group else None

    def _take_as_intake(self, group: YearGroup, values: dict[str, Any], result: RowResult) -> None:
        """The row joins ``group`` on the first day of next year."""
        assert self.intake_starts is not None
        values["on_roll_date"] = self.intake_starts
        result.intake = True
        result.notes.append(
            f"Next year's intake: joins {group.name} on {self.intake_starts:%d/%m/%Y}."
        )

    def _birth_date(self, text: str, reasons: list[str]) -> dt.date | None:
        """The date of birth, refused if it is in the future or implausibly long ago."""
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
        """The date a cell holds, or None with a reason when it is not a date."""
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
        candidates = self.class_bases.get(class_base(name), [])
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
        """True when the row names a class the school does not have yet."""
        name = result.values.get("class_name")
        return (
            isinstance(name, str)
            and bool(name)
            and squash(name) not in self.classes
            and class_base(name) not in self.class_bases
        )


def _check_names(raw: dict[str, str], values: dict[str, Any], reasons: list[str]) -> None:
    """Take the names given; a required one missing or any one too long is a reason."""
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


def _check_upn(text: str, values: dict[str, Any], result: RowResult) -> None:
    """Take the UPN cleaned; a bad one is a reason, a doubtful one a note."""
    try:
        values["upn"] = clean_upn(text)
    except UpnError as exc:
        result.reasons.append(str(exc))
    else:
        warning = upn_warning(values["upn"])
        if warning:
            result.notes.append(warning)


def _check_sen(raw: dict[str, str], values: dict[str, Any], reasons: list[str]) -> None:
    """Take the SEN status and needs as codes; text that is none of them is a reason."""
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


def _tidy_preferred_name(values: dict[str, Any]) -> None:
    """Keep a preferred name only where it differs from the forename, surname taken off."""
    preferred = values.get("preferred_name")
    surname = values.get("surname")
    if preferred and surname and preferred.casefold().endswith(" " + surname.casefold()):
        # Some exports put the whole preferred name in the column: "Emma Carter".
        values["preferred_name"] = preferred[: -len(surname)].strip()
    if values.get("preferred_name") and values["preferred_name"] == values.get("forename"):
        # Many MIS exports repeat the legal forename; only a different name is kept.
        values["preferred_name"] = ""
