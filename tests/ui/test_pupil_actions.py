"""The Pupils screen's actions: print profiles, provision map, subject access, erase."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from sqlalchemy import select

from provmap_desktop.domain.change import Changed, Kind
from provmap_desktop.models import Pupil, PupilProfile, SchoolClass, YearGroup
from provmap_desktop.rules.upn import make_upn
from provmap_desktop.storage import Database
from provmap_desktop.views.pupils.actions import ProfileBatchDialog
from provmap_desktop.views.pupils.erasing import EraseDialog

SURNAME = "Quillfeather"


def upn(serial: int) -> str:
    return make_upn("801", "2000", 18, serial)


@pytest.fixture
def screen(window, school_db: Database):  # type: ignore[no-untyped-def]
    with school_db.session_factory() as s:
        years = {y.name: y for y in s.scalars(select(YearGroup))}
        three = SchoolClass(name="3B", year_group=years["Year 3"])
        ada = Pupil(
            upn=upn(1),
            forename="Ada",
            surname=SURNAME,
            year_group=years["Year 3"],
            school_class=three,
            sen_status="K",
        )
        s.add(PupilProfile(pupil=ada, important_to_me="Feeding the class hamster."))
        s.add(
            Pupil(
                upn=upn(2),
                forename="Bo",
                surname="Baker",
                year_group=years["Year 3"],
                school_class=three,
                sen_status="N",
            )
        )
        s.add(Pupil(upn=upn(3), forename="Cy", surname="Cole", year_group=years["Year 5"]))
        s.commit()
    window.ctx.data_changed.emit(Changed.of(Kind.PUPILS))
    window.show_screen("pupils")
    return window.screens["pupils"]


def pupil_id(db: Database, surname: str) -> int | None:
    with db.session_factory() as s:
        return s.scalar(select(Pupil.id).where(Pupil.surname == surname))


def save_as(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(path), "PDF"))
    )


def pdf_text(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


def test_actions_for_one_pupil_wait_for_a_pupil(screen) -> None:  # type: ignore[no-untyped-def]
    actions = screen.pupil_actions
    assert not actions.erase_button.isEnabled()
    assert not actions.map_button.isEnabled()
    assert actions.profile_button.isEnabled()
    assert actions.import_button.isEnabled()


def test_print_a_class_of_profiles_through_the_dialog(
    qtbot, screen, school_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    screen.select_pupil(pupil_id(school_db, SURNAME))
    dialog = screen.pupil_actions.open_print_profiles()
    assert isinstance(dialog, ProfileBatchDialog)
    assert dialog.choice.currentText() == "Ada Quillfeather only"
    assert dialog.count.text() == "1 profile, each starting on a new page."
    dialog.choice.setCurrentIndex(dialog.choice.findText("Ada Quillfeather's class"))
    assert dialog.count.text() == "2 profiles, each starting on a new page."
    out = tmp_path / "class.pdf"
    save_as(monkeypatch, out)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    pages = pdf_text(out)
    assert len(pages) == 2
    assert "Bo Baker" in pages[0]
    assert "Ada Quillfeather" in pages[1]
    assert "Feeding the class hamster." in pages[1]


def test_the_sen_register_batch(screen, school_db: Database) -> None:  # type: ignore[no-untyped-def]
    dialog = screen.pupil_actions.open_print_profiles()
    dialog.choice.setCurrentIndex(dialog.choice.findText("The SEN register", Qt.MatchStartsWith))
    assert [p.surname for p in dialog.chosen_pupils()] == [SURNAME]
    dialog.choice.setCurrentIndex(dialog.choice.findText("Year 5"))
    assert [p.surname for p in dialog.chosen_pupils()] == ["Cole"]
    dialog.choice.setCurrentIndex(dialog.choice.findText("Year 6"))
    assert not dialog.ok_button.isEnabled()


def test_provision_map_and_subject_access_files(
    qtbot, screen, school_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    screen.select_pupil(pupil_id(school_db, SURNAME))
    out = tmp_path / "map.pdf"
    save_as(monkeypatch, out)
    qtbot.mouseClick(screen.pupil_actions.map_button, Qt.MouseButton.LeftButton)
    assert "Individual provision map: Ada Quillfeather" in pdf_text(out)[0]

    sar = tmp_path / "sar"  # the .pdf is added; the .json goes beside it
    save_as(monkeypatch, sar)
    qtbot.mouseClick(screen.pupil_actions.sar_button, Qt.MouseButton.LeftButton)
    text = "\n".join(pdf_text(tmp_path / "sar.pdf"))
    assert "Ada Quillfeather" in text
    assert "Feeding the class hamster." in text
    data = json.loads((tmp_path / "sar.json").read_text(encoding="utf-8"))
    assert data["pupil"]["surname"] == SURNAME
    assert data["profile"]["important_to_me"] == "Feeding the class hamster."


def test_erase_needs_the_surname_and_leaves_no_trace(
    qtbot, window, screen, school_db: Database
) -> None:
    ada = pupil_id(school_db, SURNAME)
    assert ada is not None
    screen.select_pupil(ada)
    # An undoable step first: the erase must clear it, since it names Ada's row.
    screen.open_archive_dialog().accept()
    assert window.ctx.undo_stack.count() == 1
    dialog = screen.pupil_actions.open_erase()
    assert isinstance(dialog, EraseDialog)
    assert "Erase Ada Quillfeather" in dialog.windowTitle()
    assert not dialog.erase_button.isEnabled()
    qtbot.keyClicks(dialog.typed, "Quill")
    assert not dialog.erase_button.isEnabled()
    dialog.accept()  # Enter with the wrong name does nothing
    assert pupil_id(school_db, SURNAME) == ada
    dialog.typed.clear()
    qtbot.keyClicks(dialog.typed, "quillfeather ")
    assert dialog.erase_button.isEnabled()
    qtbot.mouseClick(dialog.erase_button, Qt.MouseButton.LeftButton)

    assert pupil_id(school_db, SURNAME) is None
    assert pupil_id(school_db, "Baker") is not None
    assert window.ctx.undo_stack.count() == 0
    assert screen.pane.id is None
    assert not screen.pupil_actions.erase_button.isEnabled()
    raw = b"".join(
        p.read_bytes()
        for p in school_db.path.parent.iterdir()
        if p.name.startswith(school_db.path.name)
    )
    assert SURNAME.encode() not in raw
    assert upn(1).encode() not in raw


def test_cancelling_the_erase_keeps_the_pupil(screen, school_db: Database) -> None:  # type: ignore[no-untyped-def]
    ada = pupil_id(school_db, SURNAME)
    screen.select_pupil(ada)
    dialog = screen.pupil_actions.open_erase()
    dialog.reject()
    assert pupil_id(school_db, SURNAME) == ada
    assert screen.pupil_actions.erase_button.isEnabled()


def _erase_through_the_dialog(qtbot, screen, ada: int) -> None:  # type: ignore[no-untyped-def]
    screen.select_pupil(ada)
    dialog = screen.pupil_actions.open_erase()
    qtbot.keyClicks(dialog.typed, SURNAME)
    qtbot.mouseClick(dialog.erase_button, Qt.MouseButton.LeftButton)


def test_erasure_names_the_copies_that_still_hold_the_pupil_and_deletes_them(
    qtbot, window, screen, school_db: Database, tmp_path: Path
) -> None:
    from PySide6.QtWidgets import QMessageBox

    from provmap_desktop.storage.autobackup import take_copy
    from provmap_desktop.storage.backup import backup_database

    from .modal import on_next_modal

    ada = pupil_id(school_db, SURNAME)
    automatic = take_copy(school_db.path, "before-import")
    stick = backup_database(school_db.path, tmp_path / "usb" / "backup.provmap")
    listed: list[str] = []

    def delete(box) -> None:  # type: ignore[no-untyped-def]
        assert isinstance(box, QMessageBox)
        listed.append(box.informativeText())
        button = next(b for b in box.buttons() if b.text() == "&Delete these copies")
        button.click()

    on_next_modal(delete)
    _erase_through_the_dialog(qtbot, screen, ada)

    assert str(automatic) in listed[0]
    assert str(stick) in listed[0]
    assert not automatic.exists()
    assert not stick.exists()
    message = window.statusBar().currentMessage()
    assert "2 backup copies were deleted" in message
    assert "Nothing about them is left" not in screen.pupil_actions.last_erasure


def test_erasure_does_not_claim_the_log_is_clean_while_a_reader_holds_it(
    short_busy_timeout: int, qtbot, window, screen, school_db: Database
) -> None:
    import sqlite3

    ada = pupil_id(school_db, SURNAME)
    reader = sqlite3.connect(school_db.path)  # a report reading the file meanwhile
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM pupils").fetchone()
        _erase_through_the_dialog(qtbot, screen, ada)
    finally:
        reader.close()
    words = screen.pupil_actions.last_erasure
    assert "Another program is reading the database" in words
    assert "Nothing about them is left" not in words
