"""Custom pupil fields: defining them (Settings) and setting a pupil's value of one.

Each function takes the session first, changes it without committing and returns a
``Change``; refusals are ``DomainError`` in plain words.

    field = custom_fields.add_field(session, "Medical alert", FieldKind.YES_NO)
    custom_fields.set_value(session, pupil_id, field.row_id, True)
    custom_fields.rename_field(session, field.row_id, "Medical needs")
    custom_fields.remove_field(session, field.row_id)  # undo brings back every value

Values are stored as text (``CustomFieldValue.value``): a date as yyyy-mm-dd, yes/no as
``yes``/``no``, a choice as its words. ``typed_value`` reads one back as Python
(``date``, ``bool`` or ``str``) and ``shown_value`` as a SENCO reads it (dd/mm/yyyy,
Yes/No). Setting a blank value removes the pupil's row for that field.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import CustomField, CustomFieldValue, FieldKind, Pupil
from ..services.formatting import parse_date
from .change import (
    Change,
    Changed,
    ChildRowsAdded,
    ChildRowsRemoved,
    DomainError,
    FieldChange,
    Kind,
    NoChange,
    Steps,
)

#: A field's definition changes the Settings screen, the pupil list and the profile.
DEFINITIONS = Changed.of(Kind.SETTINGS, Kind.PUPILS)
VALUES = Changed.of(Kind.PUPILS)
#: The longest name a field may have.
MAX_NAME = 60
YES, NO = "yes", "no"


def _field(session: Session, field_id: int) -> CustomField:
    field = session.get(CustomField, field_id)
    if field is None:
        raise DomainError("That custom field is no longer in the database.")
    return field


def _kind(value: Any) -> FieldKind:
    try:
        return FieldKind(value)
    except ValueError:
        kinds = ", ".join(k.label.lower() for k in FieldKind)
        raise DomainError(f"A custom field holds one of: {kinds}.") from None


def _checked_name(session: Session, text: Any, field_id: int | None) -> str:
    name = " ".join(str(text or "").split())
    if not name:
        raise DomainError("A custom field needs a name.")
    if len(name) > MAX_NAME:
        raise DomainError(f"A field name can have at most {MAX_NAME} characters.")
    for other_id, other in session.execute(select(CustomField.id, CustomField.name)):
        if other_id != field_id and other.casefold() == name.casefold():
            raise DomainError(f"There is already a custom field called “{other}”.")
    return name


def _checked_choices(kind: FieldKind, text: Any) -> str:
    lines = [" ".join(line.split()) for line in str(text or "").splitlines()]
    lines = list(dict.fromkeys(line for line in lines if line))
    if kind is FieldKind.CHOICE and not lines:
        raise DomainError("A field that is one of a list needs its choices, one a line.")
    return "\n".join(lines)


def fields_in_order(session: Session) -> list[CustomField]:
    """Every custom field, in the order Settings lists them."""
    return list(
        session.scalars(select(CustomField).order_by(CustomField.sort_order, CustomField.id))
    )


def add_field(
    session: Session, name: str, kind: FieldKind | str = FieldKind.TEXT, choices: str = ""
) -> ChildRowsAdded:
    """Define a field every pupil then has (blank until filled in)."""
    checked_kind = _kind(kind)
    last = session.scalar(select(func.max(CustomField.sort_order))) or 0
    field = CustomField(
        name=_checked_name(session, name, None),
        kind=checked_kind.value,
        choices=_checked_choices(checked_kind, choices),
        sort_order=last + 1,
    )
    session.add(field)
    session.flush()
    return ChildRowsAdded([field], DEFINITIONS)


def rename_field(session: Session, field_id: int, name: str) -> Change:
    """Give a field a new name; its values stay as they are."""
    return update_field(session, field_id, "name", name)


def update_field(session: Session, field_id: int, field_name: str, value: Any) -> Change:
    """Set a field's name, kind or choices.

    The kind changes only while no pupil has a value (the values would mean something
    else); a choice some pupil holds cannot be taken off the list.
    """
    field = _field(session, field_id)
    new: Any
    if field_name == "name":
        new = _checked_name(session, value, field.id)
    elif field_name == "kind":
        new = _kind(value).value
        if new != field.kind and values_held(session, field.id):
            raise DomainError(
                f"Pupils have values in “{field.name}”: its kind cannot change. "
                "Add a new field instead."
            )
        if new == FieldKind.CHOICE and not field.choice_list:
            raise DomainError("Enter the choices first, one a line, then make it one of a list.")
    elif field_name == "choices":
        new = _checked_choices(FieldKind(field.kind), value)
        if field.kind == FieldKind.CHOICE:
            kept = set(new.splitlines())
            held = set(
                session.scalars(
                    select(CustomFieldValue.value).where(CustomFieldValue.field_id == field.id)
                )
            )
            if missing := sorted(held - kept):
                raise DomainError(
                    f"Some pupils have “{missing[0]}” in “{field.name}”: keep it in the list."
                )
    else:
        raise DomainError(f"{field_name.replace('_', ' ').capitalize()} cannot be changed here.")
    old = getattr(field, field_name)
    if old == new:
        return NoChange()
    setattr(field, field_name, new)
    return FieldChange(CustomField, field.id, field_name, old, new, DEFINITIONS)


def values_held(session: Session, field_id: int) -> int:
    """How many pupils have a value in the field (removing it would lose them)."""
    return (
        session.scalar(
            select(func.count(CustomFieldValue.id)).where(CustomFieldValue.field_id == field_id)
        )
        or 0
    )


def remove_field(session: Session, field_id: int) -> Change:
    """Remove a field and every pupil's value of it; undo brings them all back.

    A screen asks first when ``values_held`` is not nought.
    """
    field = _field(session, field_id)
    values = list(
        session.scalars(select(CustomFieldValue).where(CustomFieldValue.field_id == field.id))
    )
    change = ChildRowsRemoved([field, *values], DEFINITIONS)
    change.redo(session)
    return change


# -- values ---------------------------------------------------------------------------


def stored_value(field: CustomField, value: Any) -> str:
    """``value`` as the field stores it ("" for none); ``DomainError`` when it does not fit.

    Text may be given for any kind: a date as dd/mm/yyyy or yyyy-mm-dd (an import reads
    the other ways an MIS writes dates first), yes/no as yes, no, y, n, true, false, 1
    or 0, a choice in any case.
    """
    kind = FieldKind(field.kind)
    if value is None:
        return ""
    if kind is FieldKind.YES_NO:
        if isinstance(value, bool):
            return YES if value else NO
        text = str(value).strip().casefold()
        if not text:
            return ""
        if text in ("yes", "y", "true", "1"):
            return YES
        if text in ("no", "n", "false", "0"):
            return NO
        raise DomainError(f"“{field.name}” is yes or no, not “{value}”.")
    if kind is FieldKind.DATE:
        if isinstance(value, dt.date):
            return value.isoformat()
        text = str(value).strip()
        if not text:
            return ""
        return _read_date(field, text).isoformat()
    text = str(value).strip() if kind is not FieldKind.LONG_TEXT else str(value).strip("\n ")
    if kind is FieldKind.TEXT:
        text = " ".join(text.split())
        if len(text) > 200:
            raise DomainError(f"“{field.name}” holds at most 200 characters.")
    if kind is FieldKind.CHOICE and text:
        match = next((c for c in field.choice_list if c.casefold() == text.casefold()), None)
        if match is None:
            choices = ", ".join(field.choice_list)
            raise DomainError(f"“{field.name}” is one of {choices}; “{text}” is not on the list.")
        text = match
    return text


def _read_date(field: CustomField, text: str) -> dt.date:
    try:
        return parse_date(text)
    except ValueError:
        raise DomainError(f"“{field.name}” is a date (dd/mm/yyyy), not “{text}”.") from None


def typed_value(field: CustomField, stored: str | None) -> Any:
    """A stored value as Python: a date, True/False, or text (None when blank)."""
    if not stored:
        return None
    if field.kind == FieldKind.DATE:
        return dt.date.fromisoformat(stored)
    if field.kind == FieldKind.YES_NO:
        return stored == YES
    return stored


def shown_value(field: CustomField, stored: str | None) -> str:
    """A stored value as a SENCO reads it: dd/mm/yyyy for a date, Yes or No."""
    value = typed_value(field, stored)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    return str(value)


def values_of(session: Session, pupil_id: int) -> dict[int, str]:
    """The pupil's stored values by field id (fields with no value are left out)."""
    return dict(
        session.execute(
            select(CustomFieldValue.field_id, CustomFieldValue.value).where(
                CustomFieldValue.pupil_id == pupil_id
            )
        ).all()
    )


def set_value(session: Session, pupil_id: int, field_id: int, value: Any) -> Change:
    """Set the pupil's value of a field; a blank value clears it."""
    field = _field(session, field_id)
    if session.get(Pupil, pupil_id) is None:
        raise DomainError("That pupil is no longer in the database.")
    new = stored_value(field, value)
    row = session.scalars(
        select(CustomFieldValue).where(
            CustomFieldValue.field_id == field_id, CustomFieldValue.pupil_id == pupil_id
        )
    ).first()
    if row is None:
        if not new:
            return NoChange()
        row = CustomFieldValue(field_id=field_id, pupil_id=pupil_id, value=new)
        session.add(row)
        session.flush()
        return ChildRowsAdded([row], VALUES)
    if not new:
        removed = ChildRowsRemoved([row], VALUES)
        removed.redo(session)
        return removed
    if row.value == new:
        return NoChange()
    old, row.value = row.value, new
    return FieldChange(CustomFieldValue, row.id, "value", old, new, VALUES)


def set_values(session: Session, pupil_id: int, values: dict[int, Any]) -> Change:
    """Set several of the pupil's fields as one edit (an import row)."""
    return Steps([set_value(session, pupil_id, field_id, v) for field_id, v in values.items()])
