"""The "Import pupils" dialog: file, column mapping, preview and confirm, checked in the file."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from sqlalchemy import func, select

from provmap_desktop.domain.change import Changed, Kind
from provmap_desktop.models import Pupil, SchoolClass, YearGroup
from provmap_desktop.rules.upn import make_upn
from provmap_desktop.storage import Database
from provmap_desktop.views import import_dialog as imp
from provmap_desktop.views.import_dialog import ImportPupilsDialog

HEADERS = ["UPN", "Name (last)", "First name", "Date of birth", "Year", "Teaching group"]


def upn(serial: int) -> str:
    return make_upn("801", "2000", 17, serial)


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(HEADERS)
        writer.writerows(rows)
    return path


def stored(db: Database) -> dict[str, tuple[str, str, str | None, str | None]]:
    """UPN -> (surname, forename, year group, class) read afresh from the database file."""
    with db.session_factory() as s:
        return {
            p.upn: (
                p.surname,
                p.forename,
                p.year_group.name if p.year_group else None,
                p.school_class.name if p.school_class else None,
            )
            for p in s.scalars(select(Pupil))
        }


def open_dialog(qtbot, window, path: Path) -> ImportPupilsDialog:  # type: ignore[no-untyped-def]
    dialog = ImportPupilsDialog(window.ctx, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.path_edit, str(path))
    qtbot.keyClick(dialog.path_edit, Qt.Key.Key_Return)
    return dialog


def choose(dialog: ImportPupilsDialog, field: str, header: str) -> None:
    combo = dialog.combos[field]
    index = combo.findText(header)
    assert index >= 0, header
    combo.setCurrentIndex(index)


def click(qtbot, button) -> None:  # type: ignore[no-untyped-def]
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def table_rows(dialog: ImportPupilsDialog) -> list[tuple[str, ...]]:
    table = dialog.table
    return [
        tuple(table.item(r, c).text() for c in range(table.columnCount()))
        for r in range(table.rowCount())
        if not table.isRowHidden(r)
    ]


def test_correcting_the_mapping_then_importing_writes_every_row(
    qtbot, window, school_db: Database, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "mis.csv",
        [
            [upn(1), "Archer", "Ava", "04/05/2017", "Year 3", "3B"],
            [upn(2), "Brown", "Ben", "2017-01-30", "Year 3", "3B"],
        ],
    )
    dialog = open_dialog(qtbot, window, path)
    assert "mis.csv: 2 rows." in dialog.file_message.text()
    # Guessed from the headers: UPN, first name, date of birth and year; not the others.
    mapping = dialog.current_mapping()
    assert mapping["upn"] == "UPN"
    assert mapping["forename"] == "First name"
    assert mapping["date_of_birth"] == "Date of birth"
    assert mapping["year_group"] == "Year"
    assert mapping["surname"] is None
    assert mapping["class_name"] is None

    click(qtbot, dialog.next_button)
    assert "No column is chosen for Surname." in dialog.counts.text()
    assert not dialog.import_button.isEnabled()
    assert stored(school_db) == {}

    click(qtbot, dialog.back_button)
    choose(dialog, "surname", "Name (last)")
    choose(dialog, "class_name", "Teaching group")
    click(qtbot, dialog.next_button)
    assert table_rows(dialog) == [
        ("2", upn(1), "Archer, Ava", "Add", "Class 3B is new and will be created in Year 3."),
        ("3", upn(2), "Brown, Ben", "Add", "Class 3B is new and will be created in Year 3."),
    ]
    assert "Add: 2 · Update: 0 · Unchanged: 0 · Rejected: 0" in dialog.counts.text()
    assert stored(school_db) == {}, "nothing is written before Import"

    click(qtbot, dialog.import_button)
    assert stored(school_db) == {
        upn(1): ("Archer", "Ava", "Year 3", "3B"),
        upn(2): ("Brown", "Ben", "Year 3", "3B"),
    }
    assert "Imported: 2 pupils added, 0 updated, 0 unchanged." in dialog.outcome.text()
    assert not dialog.import_button.isEnabled(), "a second press must not import twice"
    assert dialog.close_button.text() == "Close"
    # The Pupils screen hears about it and lists the new pupils.
    assert window.screens["pupils"].model.rowCount() == 2


def test_rejected_rows_are_listed_with_reasons_and_nothing_can_be_imported(
    qtbot, window, school_db: Database, tmp_path: Path
) -> None:
    bad_letter = "A" + upn(2)[1:]
    path = write_csv(
        tmp_path / "mis.csv",
        [
            [upn(1), "Archer", "Ava", "04/05/2017", "Year 3", ""],
            [bad_letter, "Brown", "Ben", "04/05/2017", "Year 3", ""],
            [upn(3), "", "Cal", "31/31/2017", "Year 12", ""],
        ],
    )
    dialog = open_dialog(qtbot, window, path)
    choose(dialog, "surname", "Name (last)")
    click(qtbot, dialog.next_button)
    assert not dialog.import_button.isEnabled()
    assert dialog.only_rejected.isChecked()
    rows = table_rows(dialog)
    assert [(r[0], r[3]) for r in rows] == [("3", "Rejected"), ("4", "Rejected")]
    assert "wrong check letter" in rows[0][4]
    assert "Surname is missing." in rows[1][4]
    assert "Date of birth '31/31/2017' is neither dd/mm/yyyy nor yyyy-mm-dd." in rows[1][4]
    assert "Year group 'Year 12' is not one of the school's year groups" in rows[1][4]
    dialog.only_rejected.setChecked(False)
    assert len(table_rows(dialog)) == 3
    dialog.import_now()
    assert stored(school_db) == {}


def test_existing_pupils_are_updated_and_others_left_alone(
    qtbot, window, school_db: Database, tmp_path: Path
) -> None:
    with school_db.session_factory() as s:
        year3 = s.scalar(select(YearGroup).where(YearGroup.name == "Year 3"))
        s.add(Pupil(upn=upn(1), surname="Archer", forename="Ava", year_group=year3))
        s.add(Pupil(upn=upn(9), surname="Zed", forename="Zoe", year_group=year3))
        s.commit()
    window.ctx.data_changed.emit(Changed.of(Kind.PUPILS))
    path = write_csv(tmp_path / "mis.csv", [[upn(1), "Archer", "Ava", "", "Year 4", ""]])
    dialog = open_dialog(qtbot, window, path)
    choose(dialog, "surname", "Name (last)")
    click(qtbot, dialog.next_button)
    assert table_rows(dialog) == [("2", upn(1), "Archer, Ava", "Update", "Changes: Year group.")]
    click(qtbot, dialog.import_button)
    assert stored(school_db) == {
        upn(1): ("Archer", "Ava", "Year 4", None),
        upn(9): ("Zed", "Zoe", "Year 3", None),
    }


def test_an_unreadable_file_says_so_and_cannot_go_on(qtbot, window, tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    dialog = open_dialog(qtbot, window, empty)
    assert "The file is empty." in dialog.file_message.text()
    assert not dialog.next_button.isEnabled()


def test_a_long_file_shows_progress_and_still_imports_all_of_it(
    qtbot, window, school_db: Database, tmp_path: Path
) -> None:
    count = imp.PROGRESS_ABOVE + 20
    rows = [[upn(i), f"Surname{i}", "Pat", "", "Year 5", "5K"] for i in range(1, count + 1)]
    dialog = open_dialog(qtbot, window, write_csv(tmp_path / "big.csv", rows))
    choose(dialog, "surname", "Name (last)")
    choose(dialog, "class_name", "Teaching group")
    assert dialog.show_preview()
    assert dialog.preview is not None
    assert dialog.preview.is_clean
    result = dialog.import_now()
    assert result is not None
    assert result.added == count
    with school_db.session_factory() as s:
        assert s.scalar(select(func.count(Pupil.id))) == count
        assert s.scalar(select(SchoolClass.name)) == "5K"


DATA = Path(__file__).parent.parent / "data"
TODAY = dt.date(2026, 12, 2)


def test_a_transition_ctf_is_shown_as_intake_and_imported_when_the_user_says_so(
    qtbot, window, school_db: Database
) -> None:
    with school_db.session_factory() as s:
        s.add(YearGroup(name="Reception", sort_order=0))
        s.commit()
    dialog = ImportPupilsDialog(window.ctx, window)
    dialog.today = TODAY
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.path_edit, str(DATA / "ctf_nursery_transition.ctf"))
    qtbot.keyClick(dialog.path_edit, Qt.Key.Key_Return)
    assert "ctf_nursery_transition.ctf: 2 pupil records." in dialog.file_message.text()
    assert "Common Transfer File" in dialog.file_message.text()

    click(qtbot, dialog.next_button)
    # The preview says what the file is and asks; nothing can be imported until then.
    assert "looks like next year's intake, joining Reception on 01/09/2027" in (
        dialog.counts.text()
    )
    assert dialog.intake_box.isVisible()
    assert not dialog.intake_box.isChecked()
    assert not dialog.import_button.isEnabled()
    assert [r[3] for r in table_rows(dialog)] == ["Rejected", "Rejected"]

    qtbot.mouseClick(dialog.intake_box, Qt.MouseButton.LeftButton)
    assert dialog.intake_box.isChecked()
    assert "Next year's intake: 2 pupils will join Reception on 01/09/2027" in (
        dialog.counts.text()
    )
    assert table_rows(dialog) == [
        (
            "1",
            "K801300125001",
            "Lowe, Poppy",
            "Add",
            "Next year's intake: joins Reception on 01/09/2027.",
        ),
        (
            "2",
            "Z801300125002",
            "Mensah, Kofi",
            "Add",
            "Next year's intake: joins Reception on 01/09/2027.",
        ),
    ]
    click(qtbot, dialog.import_button)
    with school_db.session_factory() as s:
        pupils = {
            p.upn: (p.year_group.name if p.year_group else None, p.on_roll_date)
            for p in s.scalars(select(Pupil))
        }
    assert pupils == {
        "K801300125001": ("Reception", dt.date(2027, 9, 1)),
        "Z801300125002": ("Reception", dt.date(2027, 9, 1)),
    }


def test_the_preview_names_a_new_class_and_matches_a_bracketed_one(
    qtbot, window, school_db: Database, tmp_path: Path
) -> None:
    with school_db.session_factory() as s:
        year3 = s.scalar(select(YearGroup).where(YearGroup.name == "Year 3"))
        s.add(SchoolClass(name="Robins (Year 3)", year_group=year3))
        s.commit()
    path = write_csv(
        tmp_path / "mis.txt",
        [
            [upn(1), "Archer", "Ava", "04/05/2017", "Year 3", "Robins"],
            [upn(2), "Brown", "Ben", "8 Oct 2017", "Year 3", "Kestrels"],
        ],
    )
    dialog = open_dialog(qtbot, window, path)
    assert not dialog.intake_box.isVisible()
    choose(dialog, "surname", "Name (last)")
    choose(dialog, "class_name", "Teaching group")
    click(qtbot, dialog.next_button)
    assert "New class: Kestrels." in dialog.counts.text()
    assert not dialog.intake_box.isVisible()
    click(qtbot, dialog.import_button)
    assert stored(school_db) == {
        upn(1): ("Archer", "Ava", "Year 3", "Robins (Year 3)"),
        upn(2): ("Brown", "Ben", "Year 3", "Kestrels"),
    }


def test_a_csv_of_new_starters_is_imported_as_next_years_intake(
    qtbot, window, school_db: Database, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "starters.csv",
        [
            [upn(11), "Evans", "Eve", "04/05/2020", "Year 1", ""],
            [upn(12), "Ford", "Finn", "30/01/2021", "Year 1", ""],
        ],
    )
    dialog = open_dialog(qtbot, window, path)
    choose(dialog, "surname", "Name (last)")
    qtbot.mouseClick(dialog.intake_all, Qt.MouseButton.LeftButton, pos=QPoint(8, 8))
    assert dialog.intake_all.isChecked()
    click(qtbot, dialog.next_button)
    notes = [row[4] for row in table_rows(dialog)]
    assert notes == ["Next year's intake: joins Year 1 on 01/09/2027."] * 2
    click(qtbot, dialog.import_button)
    with school_db.session_factory() as s:
        joined = {
            p.forename: (p.on_roll_date, p.year_group.name if p.year_group else None)
            for p in s.scalars(select(Pupil))
        }
    assert joined == {
        "Eve": (dt.date(2027, 9, 1), "Year 1"),
        "Finn": (dt.date(2027, 9, 1), "Year 1"),
    }
