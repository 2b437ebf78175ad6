"""``provmap fields`` and ``provmap documents`` on a real file."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from provmap_desktop.cli import EXIT_FAILED, EXIT_OK, main
from provmap_desktop.domain import custom_fields, documents
from provmap_desktop.models import Pupil
from provmap_desktop.storage import open_database

from .schools.templates import copy_school


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return copy_school("pupils", tmp_path / "school.provmap")


def run(db_path: Path, *args: str) -> int:
    return main(["--db", str(db_path), *args])


def test_define_a_field_set_a_value_and_attach_a_document(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = open_database(db_path)
    with db.session_factory() as s:
        upn = s.scalars(select(Pupil.upn).order_by(Pupil.id)).first()
    db.close()
    assert upn is not None
    choices = ("--kind", "choice", "--choices", "In place; Not needed")
    assert run(db_path, "fields", "add", "Passport", *choices) == EXIT_OK
    assert run(db_path, "fields", "set", "--pupil", upn, "passport", "not needed") == EXIT_OK
    assert run(db_path, "fields", "set", "--pupil", upn, "Passport", "Lost") == EXIT_FAILED
    assert "not on the list" in capsys.readouterr().err
    report = tmp_path / "EP report.pdf"
    report.write_bytes(b"%PDF-1.4 report")
    assert run(db_path, "documents", "attach", "--pupil", upn, str(report)) == EXIT_OK
    assert run(db_path, "documents", "list", "--pupil", upn) == EXIT_OK
    assert "EP report (EP report.pdf, 1 KB)" in capsys.readouterr().out

    db = open_database(db_path)
    try:
        with db.session_factory() as s:
            pupil = s.scalars(select(Pupil).where(Pupil.upn == upn)).one()
            (field,) = custom_fields.fields_in_order(s)
            assert custom_fields.values_of(s, pupil.id) == {field.id: "Not needed"}
            (document,) = documents.documents_of(s, pupil.id)
            assert documents.content_of(s, document.id) == b"%PDF-1.4 report"
    finally:
        db.close()
