"""Applying a clean pupil import: one transaction, after a copy of the file is kept."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...models import Pupil, SchoolClass
from ...storage.autobackup import copy_before
from .common import ImportPreview, ImportRefusedError, ImportResult, RowAction
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
    """Give the pupil the row's checked values; a class is looked up by its name."""
    for name, value in values.items():
        if name == "year_group":
            pupil.year_group_id = value
        elif name == "class_name":
            pupil.school_class = classes[squash(value)] if value else None
        else:
            setattr(pupil, name, value)
