"""Custom pupil fields and documents, driven as a SENCO would and checked in the file.

Define a field in Settings and rename it in its cell, fill it in on a pupil's profile,
undo, filter and sort the Pupils list by it, import a CSV into it through the import
dialog; remove a field holding values (asked first); attach a 2 MB PDF on the
Documents tab, open it (the system viewer's call is the only thing replaced), and
find a file over 20 MB refused.
"""

from __future__ import annotations

import stat
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox
from sqlalchemy import select

from provmap_desktop.domain import custom_fields
from provmap_desktop.models import CustomField, Pupil, PupilDocument
from provmap_desktop.storage import Database
from provmap_desktop.views.import_dialog import ImportPupilsDialog
from provmap_desktop.views.pupils import documents_tab
from provmap_desktop.views.pupils import list_model as cols

from ..services.test_documents import MARKER, two_megabyte_pdf


def _field_values(db: Database, name: str) -> dict[int, str]:
    with db.session_factory() as s:
        field = s.scalars(select(CustomField).where(CustomField.name == name)).first()
        if field is None:
            return {}
        rows = s.execute(select(Pupil.id, Pupil.upn).order_by(Pupil.id)).all()
        values = {pid: custom_fields.values_of(s, pid).get(field.id) for pid, _upn in rows}
        return {pid: v for pid, v in values.items() if v is not None}


def _type_into(qtbot, view, index, text: str) -> None:  # type: ignore[no-untyped-def]
    view.setFocus()
    view.setCurrentIndex(index)
    qtbot.keyClick(view, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    assert editor is not view, "F2 opened no editor"
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    QApplication.processEvents()


def _first_pupils(db: Database, count: int) -> list[int]:
    with db.session_factory() as s:
        return list(
            s.scalars(
                select(Pupil.id).where(Pupil.archived.is_(False)).order_by(Pupil.id).limit(count)
            )
        )


def test_define_a_field_fill_it_on_the_profile_undo_filter_and_sort(
    demo_window, demo_db, qtbot
) -> None:
    demo_window.show_screen("settings")
    box = demo_window.screens["settings"].custom_fields_box
    qtbot.mouseClick(box.add_button, Qt.MouseButton.LeftButton)
    QApplication.processEvents()
    row = box.model.rowCount() - 1
    _type_into(qtbot, box.table, box.model.index(row, 0), "Keyworker")
    assert "Keyworker" in [f.name for f in box.model.rows]  # type: ignore[attr-defined]

    first, second = _first_pupils(demo_db, 2)
    screen = demo_window.screens["pupils"]
    demo_window.show_screen("pupils")
    screen.select_pupil(first)
    screen.pane.tabs.setCurrentWidget(screen.pane.profile_tab)
    group = screen.pane.profile_tab.custom_fields
    assert group.isVisible()
    with demo_db.session_factory() as s:
        field_id = s.scalars(select(CustomField.id).where(CustomField.name == "Keyworker")).one()
    line = group.boxes[field_id]
    line.setFocus()
    qtbot.keyClicks(line, "Mr Hill")
    qtbot.keyClick(line, Qt.Key.Key_Tab)
    assert _field_values(demo_db, "Keyworker") == {first: "Mr Hill"}
    demo_window.ctx.undo_stack.undo()
    assert _field_values(demo_db, "Keyworker") == {}
    demo_window.ctx.undo_stack.redo()
    assert _field_values(demo_db, "Keyworker") == {first: "Mr Hill"}
    screen.select_pupil(second)
    line = screen.pane.profile_tab.custom_fields.boxes[field_id]
    line.setFocus()
    qtbot.keyClicks(line, "Ms Adeyemi")
    qtbot.keyClick(line, Qt.Key.Key_Tab)

    # The field joins the list as a column, sorts it, and its words filter it.
    screen.custom_field.setCurrentIndex(screen.custom_field.findText("Keyworker"))
    model = screen.model
    assert model.headerData(cols.CUSTOM, Qt.Orientation.Horizontal) == "Keyworker"
    screen.table.sortByColumn(cols.CUSTOM, Qt.SortOrder.AscendingOrder)
    shown = [model.data(model.index(r, cols.CUSTOM)) for r in range(3)]
    assert shown == ["Mr Hill", "Ms Adeyemi", ""]  # "Mr" before "Ms"; blanks last
    qtbot.keyClicks(screen.custom_text, "hill")
    assert [model.pupil_id(r) for r in range(model.rowCount())] == [first]
    assert screen.count.text().startswith("Showing 1 of")


def test_removing_a_field_that_holds_values_asks_first_and_undoes(
    demo_window, demo_db, qtbot, monkeypatch
) -> None:
    demo_window.show_screen("settings")
    box = demo_window.screens["settings"].custom_fields_box
    names = [f.name for f in box.model.rows]  # type: ignore[attr-defined]
    row = names.index("Medical alert")  # the demo school's field, with values
    held_before = _field_values(demo_db, "Medical alert")
    assert held_before
    asked: list[str] = []

    def answer(reply: QMessageBox.StandardButton):  # type: ignore[no-untyped-def]
        def question(_parent, _title, text, *_args):  # type: ignore[no-untyped-def]
            asked.append(text)
            return reply

        return question

    box.table.setCurrentIndex(box.model.index(row, 0))
    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.No))
    qtbot.mouseClick(box.remove_button, Qt.MouseButton.LeftButton)
    assert f"{len(held_before)} pupils have values in “Medical alert”" in asked[0]
    assert _field_values(demo_db, "Medical alert") == held_before

    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Yes))
    qtbot.mouseClick(box.remove_button, Qt.MouseButton.LeftButton)
    with demo_db.session_factory() as s:
        assert "Medical alert" not in s.scalars(select(CustomField.name)).all()
    demo_window.ctx.undo_stack.undo()
    assert _field_values(demo_db, "Medical alert") == held_before


def test_import_a_csv_into_a_custom_field_through_the_dialog(
    demo_window, demo_db, qtbot, tmp_path: Path
) -> None:
    with demo_db.session_factory() as s:
        pupil = s.scalars(select(Pupil).where(Pupil.archived.is_(False)).order_by(Pupil.id)).first()
        assert pupil is not None
        upn, surname, forename, pupil_id = pupil.upn, pupil.surname, pupil.forename, pupil.id
    path = tmp_path / "passports.csv"
    path.write_text(
        f"UPN,Surname,Forename,Passport status\n{upn},{surname},{forename},not needed\n",
        encoding="utf-8",
    )
    dialog = ImportPupilsDialog(demo_window.ctx, demo_window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.path_edit, str(path))
    qtbot.keyClick(dialog.path_edit, Qt.Key.Key_Return)
    with demo_db.session_factory() as s:
        field_id = s.scalars(
            select(CustomField.id).where(CustomField.name == "Communication passport")
        ).one()
    combo = dialog.combos[f"custom:{field_id}"]
    assert combo.currentData() is None  # the header is not the field's name: not guessed
    combo.setCurrentIndex(combo.findText("Passport status"))
    qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    assert dialog.preview is not None
    assert dialog.preview.is_clean, dialog.counts.text()
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert _field_values(demo_db, "Communication passport")[pupil_id] == "Not needed"


def test_attach_a_2mb_pdf_open_it_privately_and_remove_it(
    demo_window, demo_db, qtbot, tmp_path: Path, monkeypatch
) -> None:
    data = two_megabyte_pdf(tmp_path / "SaLT assessment.pdf")
    (pupil_id,) = _first_pupils(demo_db, 1)
    screen = demo_window.screens["pupils"]
    demo_window.show_screen("pupils")
    screen.select_pupil(pupil_id)
    tab = screen.pane.documents_tab
    screen.pane.tabs.setCurrentWidget(tab)
    assert tab.empty.isVisible()

    chosen = {"file": str(tmp_path / "SaLT assessment.pdf")}
    monkeypatch.setattr(
        documents_tab.QFileDialog,
        "getOpenFileName",
        lambda *_a, **_k: (chosen["file"], ""),
    )

    def fill_in(dialog) -> int:  # type: ignore[no-untyped-def]
        dialog.title_edit.setText("Speech and language assessment")
        dialog.added_by.setText("Mrs Cole")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(documents_tab.AttachDialog, "exec", fill_in)
    qtbot.mouseClick(tab.attach_button, Qt.MouseButton.LeftButton)
    assert tab.table.rowCount() == 1
    assert [tab.table.item(0, c).text() for c in range(4)] == [
        "23/11/2026",
        "Speech and language assessment",
        "Mrs Cole",
        "2.0 MB",
    ]
    with demo_db.session_factory() as s:
        (document,) = s.scalars(select(PupilDocument).where(PupilDocument.pupil_id == pupil_id))
        assert document.size_bytes == len(data)

    opened: list[QUrl] = []
    monkeypatch.setattr(
        documents_tab.QDesktopServices, "openUrl", lambda url: opened.append(url) or True
    )
    tab.table.setCurrentCell(0, 1)
    qtbot.mouseClick(tab.open_button, Qt.MouseButton.LeftButton)
    (url,) = opened
    copy = Path(url.toLocalFile())
    assert copy.read_bytes() == data
    assert MARKER in copy.read_bytes()
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert copy.parent != tmp_path
    assert copy.name == "SaLT assessment.pdf"
    QApplication.instance().aboutToQuit.emit()  # as when ProvMap closes
    assert not copy.exists()

    qtbot.mouseClick(tab.remove_button, Qt.MouseButton.LeftButton)
    with demo_db.session_factory() as s:
        assert (
            s.scalars(select(PupilDocument).where(PupilDocument.pupil_id == pupil_id)).all() == []
        )
    demo_window.ctx.undo_stack.undo()
    assert tab.table.rowCount() == 1

    # A scan over 20 MB is refused with what to do, and nothing is added.
    big = tmp_path / "scan.pdf"
    with big.open("wb") as handle:
        handle.truncate(21 * 1024 * 1024)
    chosen["file"] = str(big)
    qtbot.mouseClick(tab.attach_button, Qt.MouseButton.LeftButton)
    assert "at most 20 MB" in screen.pane.message.text()
    assert tab.table.rowCount() == 1
