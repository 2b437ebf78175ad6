"""Applying a clean pupil import: one transaction, after a copy of the file is kept."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...domain import custom_fields, ehcp, school
from ...domain import pupils as pupils_domain
from ...models import Pupil, SchoolClass
from ...storage.autobackup import copy_before
from .common import (
    ImportPreview,
    ImportRefusedError,
    ImportResult,
    RowAction,
    custom_field_id,
)
from .values import squash


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
        classes = _classes(session, preview.new_classes)
        created = [name for name in preview.new_classes if name in classes.created]
        pupils = dict(session.execute(select(Pupil.upn, Pupil.id)).all())
        added = updated = 0
        for result in preview.rows:
            if result.action is RowAction.UNCHANGED:
                continue
            custom = {
                field_id: value
                for key, value in result.values.items()
                if (field_id := custom_field_id(key)) is not None
            }
            values = _domain_values(
                {k: v for k, v in result.values.items() if custom_field_id(k) is None},
                classes.ids,
            )
            pupil_id = pupils.get(result.upn)
            if pupil_id is None:
                pupil_id = _add(session, result.upn, values)
                added += 1
            else:
                updated += 1
            for name in _LATER_FIELDS:
                if name in values:
                    pupils_domain.update(session, pupil_id, name, values.pop(name))
            for name, value in values.items():
                pupils_domain.update(session, pupil_id, name, value)
            for field_id, value in custom.items():
                custom_fields.set_value(session, pupil_id, field_id, value)
            if result.intake:
                _plan_comes_with(session, pupil_id)
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


#: Set after the others, in this order: a secondary need is checked against the primary.
_LATER_FIELDS = ("primary_need", "secondary_need")
#: The fields ``pupils_domain.add`` takes; the rest are set by ``update`` after.
_ADD_FIELDS = ("forename", "surname", "date_of_birth", "gender", "year_group_id", "class_id")


@dataclass
class _Classes:
    """The school's classes by squashed name, and the names this import created."""

    ids: dict[str, int]
    created: set[str]


def _classes(session: Session, new_classes: dict[str, int | None]) -> _Classes:
    """Every class by squashed name, adding the import's new classes through the domain."""
    ids = {squash(c.name): c.id for c in session.scalars(select(SchoolClass))}
    created: set[str] = set()
    for name, year_group_id in new_classes.items():
        if squash(name) not in ids:
            change = school.add_class(session, name, year_group_id)
            ids[squash(name)] = change.rows[0].id
            created.add(name)
    return _Classes(ids, created)


def _domain_values(values: dict[str, Any], class_ids: dict[str, int]) -> dict[str, Any]:
    """The row's checked values named as the pupil's fields (a class by its id)."""
    named: dict[str, Any] = {}
    for name, value in values.items():
        if name == "year_group":
            named["year_group_id"] = value
        elif name == "class_name":
            named["class_id"] = class_ids[squash(value)] if value else None
        else:
            named[name] = value
    return named


def _plan_comes_with(session: Session, pupil_id: int) -> None:
    """An intake pupil with an EHC plan arrives with the plan recorded (to fill in)."""
    pupil = session.get(Pupil, pupil_id)
    if pupil is not None and pupil.sen_status == "E" and pupil.ehcp is None:
        ehcp.add_plan(session, pupil_id)


def _add(session: Session, upn: str, values: dict[str, Any]) -> int:
    """Add a new pupil with the values ``add`` takes; they are removed from ``values``."""
    basics = {name: values.pop(name) for name in _ADD_FIELDS if name in values}
    basics.setdefault("forename", "")
    basics.setdefault("surname", "")
    return pupils_domain.add(session, upn=upn, **basics).pupil_id
