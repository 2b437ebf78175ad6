"""File → Start a new academic year…, driven with keys and clicks on the demo school."""

from __future__ import annotations

import contextlib
import re

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QWizard
from sqlalchemy import select

from provmap_desktop.domain import groups
from provmap_desktop.models import AcademicYear, ProvisionGroup, SchoolClass
from provmap_desktop.storage.autobackup import list_copies
from provmap_desktop.ui.edits import DomainEdit, EditRefused, perform
from provmap_desktop.views.rollover_wizard import CONFIRM, DONE, GROUPS, PUPILS

from .modal import click, menu_action, on_next_modal


def _groups_of(db, label: str) -> list[str]:  # type: ignore[no-untyped-def]
    with db.session_factory() as s:
        return sorted(
            s.scalars(
                select(ProvisionGroup.name).join(AcademicYear).where(AcademicYear.label == label)
            )
        )


def test_the_wizard_starts_the_new_year_with_the_choices_made(demo_window, demo_db, qtbot):
    window = demo_window
    menu_action(window, "&File", "Start a new academic &year…").trigger()
    wizard = window.rollover_wizard
    qtbot.waitUntil(wizard.isVisible)
    wizard.activateWindow()
    qtbot.waitUntil(wizard.isActiveWindow)
    assert wizard.windowTitle() == "Start 2027/28"

    # Options: classes move up with their pupils, then Next.
    radio = wizard.move_classes
    # On the button and its words (the row is wider than they are).
    qtbot.mouseClick(radio, Qt.MouseButton.LeftButton, pos=QPoint(8, radio.height() // 2))
    assert wizard.move_classes.isChecked()
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    assert wizard.currentId() == PUPILS
    assert wizard.intake_list.count() == 3
    assert wizard.leaving_list.count() == 32
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)

    # Groups: untick the first group (EHC plan provision, ticked to begin with) by Space.
    assert wizard.currentId() == GROUPS
    first = wizard.group_list.item(0)
    assert first.text().startswith("1:1 PE support – Year 1")
    assert first.checkState() == Qt.CheckState.Checked
    wizard.group_list.setFocus()
    wizard.group_list.setCurrentRow(0)
    qtbot.keyClick(wizard.group_list, Qt.Key.Key_Space)
    assert first.checkState() == Qt.CheckState.Unchecked
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)

    assert wizard.currentId() == CONFIRM
    summary = wizard.summary.toPlainText()
    assert "Groups carrying on: 13." in summary
    assert "Classes: move up with their pupils." in summary
    assert _groups_of(demo_db, "2027/28") == []  # nothing made before the button
    commit = wizard.button(QWizard.WizardButton.CommitButton)
    assert commit.text() == "&Start 2027/28"
    qtbot.mouseClick(commit, Qt.MouseButton.LeftButton)
    assert wizard.currentId() == DONE
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)

    carried = _groups_of(demo_db, "2027/28")
    assert len(carried) == 13
    assert "1:1 PE support – Year 2" not in carried
    assert "Physiotherapy programme – Year 2" in carried  # renamed for its new year group
    with demo_db.session_factory() as s:
        years = {y.label: y.closed_on for y in s.scalars(select(AcademicYear))}
        classes = {c.name: c.year_group.name for c in s.scalars(select(SchoolClass))}
    assert years["2026/27"] is not None
    assert years["2027/28"] is None
    assert classes["Robins (Reception)"] == "Year 1"  # moved up with its pupils
    assert classes["Herons (Year 6)"] == "Reception"  # emptied, ready for the intake
    assert [c.reason for c in list_copies(demo_db.path)].count("before-year-end") == 1

    # The window now shows the new year; last year is there, read-only.
    bar = window.period_bar
    assert bar.year_combo.currentText() == "2027/28"
    assert bar.closed_note.isHidden()
    bar.year_combo.setCurrentIndex(bar.year_combo.findText("2026/27 (closed)"))
    assert not bar.closed_note.isHidden(), (bar.isVisible(), bar.closed_ids)
    assert window.ctx.academic_year_id == years_id(demo_db, "2026/27")
    old_group = old_group_id(demo_db)
    ctx = window.ctx
    with pytest.raises(EditRefused, match="2026/27 is closed: the school has moved on"):
        perform(ctx, DomainEdit(ctx, "rename", lambda s: groups.update(s, old_group, "name", "X")))
    assert _groups_of(demo_db, "2026/27").count("X") == 0


def years_id(db, label: str) -> int:  # type: ignore[no-untyped-def]
    with db.session_factory() as s:
        return s.scalar(select(AcademicYear.id).where(AcademicYear.label == label))


def old_group_id(db) -> int:  # type: ignore[no-untyped-def]
    with db.session_factory() as s:
        return s.scalar(
            select(ProvisionGroup.id).join(AcademicYear).where(AcademicYear.label == "2026/27")
        )


def test_a_second_rollover_is_refused_in_plain_words(demo_window, qtbot, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from provmap_desktop.domain import rollover

    window = demo_window
    rollover.run(window.ctx.session, "2027/28", today=window.today, database_path=None)
    window.load_database(window.database)
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text: said.append(text))
    menu_action(window, "&File", "Start a new academic &year…").trigger()
    # The school is in 2027/28 now, so the wizard offers 2028/29 ...
    wizard = window.rollover_wizard
    assert wizard.windowTitle() == "Start 2028/29"
    wizard.reject()
    # ... and a second rollover into 2027/28 is refused.
    with pytest.raises(Exception, match="already moved on from 2026/27 into 2027/28"):
        rollover.preview(window.ctx.session, "2027/28")


def _dump(path) -> list[str]:  # type: ignore[no-untyped-def]
    """Every table's rows as SQL, read from the file by a connection of its own."""
    import sqlite3

    with contextlib.closing(sqlite3.connect(path)) as connection:
        return list(connection.iterdump())


def _without_versions(lines: list[str]) -> list[str]:
    """The dump without the audit log, and without each row's save count (``row_version``,
    every versioned table's last column)."""
    unversioned = ('INSERT INTO "alembic_version"',)
    return [
        line if line.startswith(unversioned) else re.sub(r",\d+\);$", ");", line)
        for line in lines
        if "audit_log" not in line
    ]


def _start_next_year(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    """File → Start a new academic year…, Next to the end, Start, Finish."""
    menu_action(window, "&File", "Start a new academic &year…").trigger()
    wizard = window.rollover_wizard
    qtbot.waitUntil(wizard.isVisible)
    for _page in (PUPILS, GROUPS, CONFIRM):
        qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.CommitButton), Qt.MouseButton.LeftButton)
    assert wizard.currentId() == DONE
    assert "Edit → Undo start of 2027/28" in wizard.page(DONE).findChild(QLabel).text()
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)


def _labels(path) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(line for line in _dump(path) if 'INSERT INTO "academic_years"' in line)


def test_undo_puts_the_school_back_exactly_and_redo_starts_the_year_again(
    demo_window, demo_db, qtbot
):
    window, path = demo_window, demo_db.path
    before = _dump(path)
    _start_next_year(window, qtbot)
    after = _dump(path)
    assert any("2027/28" in line for line in _labels(path))
    assert window.undo_action.text() == "&Undo start of 2027/28"

    # An edit made after it, and undone, leaves the way back open.
    ctx = window.ctx
    group_id = new_group_id(path)
    perform(ctx, DomainEdit(ctx, "rename", lambda s: groups.update(s, group_id, "name", "Y")))
    assert window.undo_action.text() == "&Undo rename"
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.undo_action.text() == "&Undo start of 2027/28"

    first = window.database
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.database is not first)
    assert _dump(path) == before  # the school exactly as it was, audit log and all
    assert window.period_bar.year_combo.currentText() == "2026/27"
    assert window.redo_action.text() == "&Redo start of 2027/28"
    assert not window.undo_action.isEnabled()

    second = window.database
    menu_action(window, "&Edit", "&Redo start of 2027/28").trigger()  # as chosen from the menu
    qtbot.waitUntil(lambda: window.database is not second)
    # The same rows; only the renamed group's save count is up by its rename and undo.
    assert _without_versions(_dump(path)) == _without_versions(after)
    assert window.period_bar.year_combo.currentText() == "2027/28"
    assert window.undo_action.text() == "&Undo start of 2027/28"


def test_a_change_not_undone_keeps_the_new_year_and_says_why(demo_window, demo_db, qtbot):
    window, path = demo_window, demo_db.path
    _start_next_year(window, qtbot)
    # Written straight to the file, as no screen does: nothing on the stack undoes it.
    groups.update(window.ctx.session, new_group_id(path), "name", "Kept")
    window.ctx.session.commit()
    said: list[str] = []

    def answer(box) -> None:  # type: ignore[no-untyped-def]
        said.append(box.text())
        click(qtbot, box, QMessageBox.StandardButton.Ok)

    on_next_modal(answer)
    first = window.database
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(said))
    assert said[0].startswith(
        "The start of 2027/28 cannot be undone now: the school's records have changed since. "
        "Nothing was changed."
    )
    assert window.database is first
    assert any("2027/28" in line for line in _labels(path))
    assert "Kept" in _groups_of(demo_db, "2027/28")
    assert not window.undo_action.isEnabled()


def new_group_id(path) -> int:  # type: ignore[no-untyped-def]
    import sqlite3

    with contextlib.closing(sqlite3.connect(path)) as connection:
        (found,) = connection.execute(
            "SELECT g.id FROM provision_groups g JOIN academic_years y "
            "ON y.id = g.academic_year_id WHERE y.label = '2027/28' ORDER BY g.id LIMIT 1"
        ).fetchone()
        return int(found)
