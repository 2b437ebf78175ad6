"""The preview of a pupil import: what importing each row would do, without writing.

``build_preview`` checks every row against the school's data, finds UPNs given twice,
notes next year's intake and the classes the import would create, and rejects any
row with a reason, listing every reason so the file can be fixed in one pass.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...models import Pupil
from .checking import RowChecker
from .common import (
    FIELD_LABELS,
    FIELDS,
    REQUIRED_FIELDS,
    ImportPreview,
    IntakeOffer,
    RowAction,
    RowResult,
    SourceRow,
)
from .values import class_base


def _raw_values(row: SourceRow, mapping: dict[str, str | None]) -> dict[str, str]:
    """The row's trimmed text by pupil field, for the mapped columns the row has."""
    raw: dict[str, str] = {}
    for name, column in mapping.items():
        if column is None or name not in FIELDS:
            continue
        value = row.values.get(column)
        if value is not None:
            raw[name] = value.strip()
    return raw


def _current(pupil: Pupil, name: str) -> Any:
    """A pupil's value now, in the form a checked row holds it."""
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
    intake_starts: dt.date | None = None,
) -> ImportPreview:
    """Check every row and say what importing it would do; writes nothing.

    Each rejected row lists every reason, so the user can fix the file in one pass.
    With ``offer_intake`` (a transfer file), pupils one year below the school's year
    groups are next year's intake: ``preview.intake`` says so, and with ``as_intake``
    they are taken into the year group above, joining on the first day of next year.
    ``today`` (default: the real date) is when birth dates are checked against. With
    ``intake_starts``, every pupil is next year's intake: they join the year group the
    file names (or the one above, for a transfer file's year below) on that day.
    """
    preview = ImportPreview(source=source, unit=unit, mapping=dict(mapping), rows=[])
    for name in REQUIRED_FIELDS:
        if not mapping.get(name):
            preview.problems.append(f"No column is chosen for {FIELD_LABELS[name]}.")
    checker = RowChecker(
        session,
        today=today or dt.date.today(),
        offer_intake=offer_intake,
        as_intake=as_intake,
        intake_starts=intake_starts,
    )
    existing = {p.upn: p for p in session.scalars(select(Pupil))}
    preview.rows = [_row_result(row, mapping, checker, existing) for row in rows]
    _refuse_repeated_upns(preview.rows, unit)
    if checker.intake_rows and checker.intake_group and checker.intake_starts:
        preview.intake = IntakeOffer(
            count=len(checker.intake_rows),
            year_group=checker.intake_group.name,
            starts=checker.intake_starts,
            accepted=checker.as_intake,
        )
    _settle_rows(preview, checker)
    return preview


def _row_result(
    row: SourceRow,
    mapping: dict[str, str | None],
    checker: RowChecker,
    existing: dict[str, Pupil],
) -> RowResult:
    """One row checked, and compared with the pupil of the same UPN if there is one."""
    raw = _raw_values(row, mapping)
    result = RowResult(number=row.number, action=RowAction.ADD, upn=raw.get("upn", ""))
    result.name = f"{raw.get('surname', '')}, {raw.get('forename', '')}".strip(", ")
    result.values = checker.check(raw, result)
    upn = result.values.get("upn")
    if upn:
        result.upn = upn
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
    return result


def _refuse_repeated_upns(results: list[RowResult], unit: str) -> None:
    """Give every row whose checked UPN another row also has a reason naming the others."""
    seen: dict[str, list[RowResult]] = {}
    for result in results:
        upn = result.values.get("upn")
        if upn:
            seen.setdefault(upn, []).append(result)
    for upn, repeated in seen.items():
        if len(repeated) > 1:
            for result in repeated:
                others = ", ".join(str(r.number) for r in repeated if r is not result)
                result.reasons.append(
                    f"UPN {upn} appears more than once in the file "
                    f"({unit.lower()}s {result.number} and {others})."
                )


def _settle_rows(preview: ImportPreview, checker: RowChecker) -> None:
    """Reject every row with a reason; note the new classes the clean rows would create."""
    new_by_base: dict[str, str] = {}
    for result in preview.rows:
        if result.reasons:
            result.action = RowAction.REJECTED
        elif checker.is_new_class(result):
            # The first clean row naming a new class decides its name and year group.
            name = new_by_base.setdefault(
                class_base(result.values["class_name"]), result.values["class_name"]
            )
            result.values["class_name"] = name
            year_group_id = preview.new_classes.setdefault(name, result.values.get("year_group"))
            where = checker.by_id.get(year_group_id) if year_group_id is not None else None
            result.notes.append(
                f"Class {name} is new and will be created"
                + (f" in {where.name}." if where else ".")
            )
