"""The preview of a pupil import: what importing each row would do, without writing.

``build_preview`` checks every row against the school's data, finds UPNs given twice,
notes next year's intake and the classes the import would create, and rejects any
row with a reason, listing every reason so the file can be fixed in one pass.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...domain import custom_fields
from ...domain.change import DomainError
from ...models import CustomField, CustomFieldValue, FieldKind, Pupil
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
    custom_field_id,
)
from .values import class_base, parse_mis_date


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


def _current(pupil: Pupil, name: str, custom: dict[tuple[int, int], str]) -> Any:
    """A pupil's value now, in the form a checked row holds it."""
    field_id = custom_field_id(name)
    if field_id is not None:
        return custom.get((field_id, pupil.id), "")
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
    fields = _custom_fields(session, mapping)
    custom = {
        (v.field_id, v.pupil_id): v.value
        for v in session.scalars(
            select(CustomFieldValue).where(CustomFieldValue.field_id.in_(list(fields)))
        )
    }
    preview.rows = [_row_result(row, mapping, checker, existing, fields, custom) for row in rows]
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


def _custom_fields(session: Session, mapping: dict[str, str | None]) -> dict[int, CustomField]:
    """The custom fields the mapping gives a column, by id."""
    wanted = [
        field_id
        for key, column in mapping.items()
        if column and (field_id := custom_field_id(key)) is not None
    ]
    if not wanted:
        return {}
    return {f.id: f for f in session.scalars(select(CustomField).where(CustomField.id.in_(wanted)))}


def _check_custom(
    row: SourceRow,
    mapping: dict[str, str | None],
    fields: dict[int, CustomField],
    result: RowResult,
) -> None:
    """Read the row's custom field cells into ``result.values``, or give reasons."""
    for key, column in mapping.items():
        field_id = custom_field_id(key)
        if column is None or field_id not in fields:
            continue
        text = row.values.get(column)
        if text is None:
            continue
        field = fields[field_id]
        result.labels[key] = field.name
        value: Any = text
        if field.kind == FieldKind.DATE and text.strip():
            # "08 October 2014", "14/03/2016 00:00:00": the ways an MIS writes a date.
            with contextlib.suppress(ValueError):
                value = parse_mis_date(text)
        try:
            result.values[key] = custom_fields.stored_value(field, value)
        except DomainError as exc:
            result.reasons.append(str(exc))


def _row_result(
    row: SourceRow,
    mapping: dict[str, str | None],
    checker: RowChecker,
    existing: dict[str, Pupil],
    fields: dict[int, CustomField],
    custom: dict[tuple[int, int], str],
) -> RowResult:
    """One row checked, and compared with the pupil of the same UPN if there is one."""
    raw = _raw_values(row, mapping)
    result = RowResult(number=row.number, action=RowAction.ADD, upn=raw.get("upn", ""))
    result.name = f"{raw.get('surname', '')}, {raw.get('forename', '')}".strip(", ")
    result.values = checker.check(raw, result)
    _check_custom(row, mapping, fields, result)
    upn = result.values.get("upn")
    if upn:
        result.upn = upn
    checker.match_class(result)
    pupil = existing.get(upn) if upn else None
    if pupil is not None:
        result.changes = {
            name: (_current(pupil, name, custom), value)
            for name, value in result.values.items()
            if _current(pupil, name, custom) != value
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
