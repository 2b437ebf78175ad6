"""A pupil import fills the school's custom fields from columns named after them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from provmap_desktop.domain import custom_fields
from provmap_desktop.models import FieldKind, Pupil, YearGroup
from provmap_desktop.services.importing import RowAction, custom_key, import_file, preview_file

TODAY = dt.date(2026, 12, 2)
# An MIS export with three extra columns the SENCO keeps as custom fields; Brown's
# date is written the way SIMS writes dates, with a time of day.
CSV = (
    "UPN,Surname,Forename,Year,Medical Alert,Hearing test,Communication passport\n"
    "X801200016001,Ahmed,Ava,Year 4,Yes,03/02/2026,In place\n"
    "L801200016002,Brown,Benjamin,Year 4,no,14/03/2026 00:00:00,\n"
)


@pytest.fixture
def fields(session: Session) -> dict[str, int]:
    session.add(YearGroup(name="Year 4", sort_order=4))
    ids = {
        "alert": custom_fields.add_field(session, "Medical alert", FieldKind.YES_NO).row_id,
        "hearing": custom_fields.add_field(session, "Hearing test", FieldKind.DATE).row_id,
        "passport": custom_fields.add_field(
            session, "Communication passport", FieldKind.CHOICE, "In place\nBeing written"
        ).row_id,
    }
    session.commit()
    return ids


def _values(session: Session, upn: str) -> dict[int, str]:
    pupil = session.scalars(select(Pupil).where(Pupil.upn == upn)).one()
    return custom_fields.values_of(session, pupil.id)


def test_columns_named_after_custom_fields_are_guessed_and_imported(
    session: Session, fields: dict[str, int], tmp_path: Path
) -> None:
    path = tmp_path / "pupils.csv"
    path.write_text(CSV, encoding="utf-8")
    preview = preview_file(session, path, today=TODAY)
    assert preview.mapping[custom_key(fields["alert"])] == "Medical Alert"
    assert preview.mapping[custom_key(fields["hearing"])] == "Hearing test"
    assert preview.is_clean, [r.reasons for r in preview.rows]

    _preview, result = import_file(session, path, dry_run=False, today=TODAY)
    assert result is not None
    assert result.added == 2
    assert _values(session, "X801200016001") == {
        fields["alert"]: "yes",
        fields["hearing"]: "2026-02-03",  # 3 February 2026
        fields["passport"]: "In place",
    }
    # A blank cell leaves no value.
    assert _values(session, "L801200016002") == {
        fields["alert"]: "no",
        fields["hearing"]: "2026-03-14",
    }


def test_a_value_that_does_not_fit_its_field_rejects_the_row(
    session: Session, fields: dict[str, int], tmp_path: Path
) -> None:
    path = tmp_path / "pupils.csv"
    path.write_text(CSV.replace("In place", "Lost"), encoding="utf-8")
    preview = preview_file(session, path, today=TODAY)
    (rejected,) = preview.rejected
    assert rejected.number == 2
    assert "“Communication passport” is one of In place, Being written" in " ".join(
        rejected.reasons
    )
    assert import_file(session, path, dry_run=False, today=TODAY)[1] is None
    assert session.scalars(select(Pupil)).all() == []


def test_importing_again_with_a_changed_value_updates_only_that_field(
    session: Session, fields: dict[str, int], tmp_path: Path
) -> None:
    path = tmp_path / "pupils.csv"
    path.write_text(CSV, encoding="utf-8")
    import_file(session, path, dry_run=False, today=TODAY)
    path.write_text(CSV.replace("Yes,03/02/2026", "No,03/02/2026"), encoding="utf-8")
    preview = preview_file(session, path, today=TODAY)
    ava = next(r for r in preview.rows if r.upn == "X801200016001")
    assert ava.action is RowAction.UPDATE
    assert ava.changes == {custom_key(fields["alert"]): ("yes", "no")}
    assert ava.label(custom_key(fields["alert"])) == "Medical alert"
    assert next(r for r in preview.rows if r.upn != ava.upn).action is RowAction.UNCHANGED
