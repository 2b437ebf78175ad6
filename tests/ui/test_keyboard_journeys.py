"""The SENCO's journeys (UX.md) done with the keyboard alone, keys as a user presses them.

Journeys 1 (the Monday strip) and 3 (the register) are walked in ``test_keyboard_walk``
and ``test_week_friction``; the keys of every journey are written down in
docs/keyboard-journeys.md.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrintDialog
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit, QTabBar, QWidget
from sqlalchemy import func, select

from provmap_desktop.models import (
    AcademicYear,
    ProvisionGroup,
    Pupil,
    PupilProfile,
    Review,
    Staff,
)
from provmap_desktop.ui.folders import remember
from provmap_desktop.views.import_dialog import ImportPupilsDialog
from provmap_desktop.views.rollover_wizard import CONFIRM, DONE, GROUPS, PUPILS

from .modal import on_next_modal

TODAY = dt.date(2026, 11, 23)
DATA = Path(__file__).parent.parent / "data"

ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier


def _focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    return widget


def _key(qtbot, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:  # type: ignore[no-untyped-def]
    """Press a key where the focus is, as a keyboard user does."""
    qtbot.keyClick(_focused(), key, modifier)


def _tab_until(qtbot, found, limit: int = 120) -> QWidget:  # type: ignore[no-untyped-def]
    """Press Tab until ``found(widget)`` holds for the focused widget."""
    for _ in range(limit):
        if found(_focused()):
            return _focused()
        _key(qtbot, Qt.Key.Key_Tab)
    raise AssertionError("Tab never reached the control wanted")


def _find_pupil(window, qtbot, letters: str) -> None:  # type: ignore[no-untyped-def]
    """Ctrl+F, three letters, Enter: the first pupil found is shown."""
    window.show_screen("map")
    window.screens["map"].view.setFocus()
    _key(qtbot, Qt.Key.Key_F, CTRL)
    assert _focused() is window.period_bar.search
    qtbot.keyClicks(_focused(), letters)
    _key(qtbot, Qt.Key.Key_Return)
    assert window.current_screen() is window.screens["pupils"]


def test_journey_4_profile_for_a_parent_meeting(demo_window, demo_db, qtbot):
    """Ctrl+F, "Fre", Enter; Alt+W into "What is important to me", type, Tab; Ctrl+P."""
    _find_pupil(demo_window, qtbot, "Fre")
    screen = demo_window.screens["pupils"]
    pupil = screen.pane.pupil()
    assert pupil is not None
    assert "Fre" in pupil.display_name
    _key(qtbot, Qt.Key.Key_W, ALT)
    edit = screen.pane.profile_tab.text_edits["important_to_me"]
    assert _focused() is edit
    _key(qtbot, Qt.Key.Key_End, CTRL)
    qtbot.keyClicks(edit, " Football at break.")
    _key(qtbot, Qt.Key.Key_Tab)  # leaving the box saves it
    with demo_db.session_factory() as s:
        saved = s.get(PupilProfile, pupil.id)
        assert saved is not None
        assert saved.important_to_me.endswith("Football at break.")

    asked: list[str] = []

    def printer(dialog: QWidget) -> None:
        assert isinstance(dialog, QPrintDialog)
        asked.append(dialog.windowTitle())
        dialog.reject()

    on_next_modal(printer)
    _key(qtbot, Qt.Key.Key_P, CTRL)
    assert asked == [f"Print profile of {pupil.display_name}"]


def test_journey_9_the_graduated_approach_for_one_child(demo_window, qtbot):
    """Ctrl+F, name, Enter; Tab to the record's tabs, Right arrow to "Provision"."""
    _find_pupil(demo_window, qtbot, "Jasleen")
    pane = demo_window.screens["pupils"].pane
    bar = _tab_until(qtbot, lambda w: isinstance(w, QTabBar) and w.parentWidget() is pane.tabs)
    while pane.tabs.tabText(pane.tabs.currentIndex()) != "Provision":
        qtbot.keyClick(bar, Qt.Key.Key_Right)
    tab = pane.provision_tab
    assert pane.tabs.currentWidget() is tab
    tables = [t for t in tab.findChildren(QWidget) if hasattr(t, "model") and callable(t.model)]
    assert any(t.model() is not None and t.model().rowCount() > 0 for t in tables)


def test_journey_2_group_details_by_keyboard(demo_window, demo_db, qtbot):
    """On the map, arrows to a cell and Enter open its group; Alt+S and the arrows choose
    the staff, Alt+T reaches the end date; Escape closes. Every change is saved."""
    screen = demo_window.screens["map"]
    view = screen.view
    model = screen.model
    index = next(
        model.index(r, c)
        for r in range(model.rowCount())
        for c in range(model.columnCount())
        if len(model.cell_groups(model.index(r, c))) == 1
    )
    (group,) = model.cell_groups(index)
    view.setFocus()
    view.setCurrentIndex(index)
    seen: dict[str, object] = {}

    def details(dialog: QWidget) -> None:
        try:
            _in_details(dialog)
        finally:
            dialog.reject()  # a failed step must not leave the dialog waiting

    def _in_details(dialog: QWidget) -> None:
        dialog.activateWindow()  # as the window system does for a new dialog
        qtbot.waitUntil(dialog.isActiveWindow)
        qtbot.keyClick(dialog, Qt.Key.Key_S, ALT)
        combo = _focused()
        seen["staff box"] = combo is dialog.staff_combo
        before = combo.currentIndex()
        qtbot.keyClick(combo, Qt.Key.Key_Down)
        seen["moved"] = combo.currentIndex() != before
        qtbot.keyClick(dialog, Qt.Key.Key_T, ALT)
        seen["to"] = _focused() is dialog.end_edit or dialog.end_edit.isAncestorOf(_focused())
        qtbot.keyClick(_focused(), Qt.Key.Key_Escape)

    on_next_modal(details)
    _key(qtbot, Qt.Key.Key_Return)
    assert seen["staff box"] is True
    assert seen["moved"] is True
    assert seen["to"] is True
    with demo_db.session_factory() as s:
        staff_id = s.get(ProvisionGroup, group.id).staff_id
        assert s.get(Staff, staff_id).name != group.staff_name


def test_journey_5_a_group_review_from_the_due_list(demo_window, qtbot):
    """Reviews: the first review due is already chosen; Alt+G opens the wizard for its
    whole group."""
    demo_window.show_screen("reviews")
    screen = demo_window.screens["reviews"]
    screen.due.setFocus()
    review = screen.selected_review()
    assert review is not None
    _key(qtbot, Qt.Key.Key_G, ALT)
    # A button's access key presses it the way a click does, a moment later.
    qtbot.waitUntil(lambda: screen.wizard is not None, timeout=3000)
    wizard = screen.wizard
    assert wizard is not None, screen.message.text()
    assert wizard.isVisible()
    assert review.pupil.display_name in {d.name for d in wizard.drafts}
    wizard.reject()


def test_journey_6_costed_map_for_governors(demo_window, qtbot, tmp_path: Path):
    """Costs; "Save costed map as PDF…" (Alt+P, or Tab to it and Space); the file dialog
    takes the name; Enter."""
    demo_window.show_screen("costs")
    screen = demo_window.screens["costs"]
    screen.setFocus()
    target = tmp_path / "governors.pdf"

    def save(dialog: QWidget) -> None:
        assert isinstance(dialog, QFileDialog)
        dialog.selectFile(str(target))
        dialog.accept()

    # Alt+P is the button's access key (unique in the window: test_keyboard_walk). An
    # access key goes through the window system's idea of the active window, which an
    # offscreen run can lose between tests; the keyboard user's other way in, focus on
    # the button and Space, is what is pressed here.
    assert "&PDF" in screen.pdf_button.text()
    on_next_modal(save)
    screen.pdf_button.setFocus()
    qtbot.keyClick(screen.pdf_button, Qt.Key.Key_Space)
    qtbot.waitUntil(target.exists, timeout=10_000)
    assert target.read_bytes().startswith(b"%PDF")


def test_journey_7_evidence_pack_for_an_ehc_needs_assessment(demo_window, demo_db, qtbot, tmp_path):
    """Ctrl+F, name, Enter; F10, Right, Right to the Pupil menu, E (Evidence pack); the
    file dialog offers "Evidence pack – <name>.pdf" in the folder used last; Enter."""
    from pypdf import PdfReader

    remember(tmp_path / "last time.pdf")  # the folder used last
    _find_pupil(demo_window, qtbot, "Maya")
    pupil = demo_window.screens["pupils"].pane.pupil()
    assert pupil is not None
    offered: list[str] = []

    def save(dialog: QWidget) -> None:
        try:
            assert isinstance(dialog, QFileDialog), dialog
            offered.extend(dialog.selectedFiles())
            # The file name box has the keyboard; Enter saves under the name offered.
            name_box = dialog.findChild(QLineEdit, "fileNameEdit")
            assert name_box is not None
            name_box.setFocus()
            qtbot.keyClick(name_box, Qt.Key.Key_Return)
        finally:
            if dialog.isVisible():  # a failed step must not leave the dialog waiting
                dialog.reject()

    on_next_modal(save)
    _key(qtbot, Qt.Key.Key_F10)
    menus = []
    for _ in range(3):
        qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None)
        menus.append(QApplication.activePopupWidget().title())
        if menus[-1] == "Pupil":
            break
        qtbot.keyClick(QApplication.activePopupWidget(), Qt.Key.Key_Right)
    assert menus == ["&File", "&Edit", "Pupil"]
    qtbot.keyClick(QApplication.activePopupWidget(), Qt.Key.Key_E)  # &Evidence pack (PDF)…
    target = tmp_path / f"Evidence pack – {pupil.display_name}.pdf"
    qtbot.waitUntil(target.exists, timeout=10_000)
    assert offered == [str(target)]

    with demo_db.session_factory() as s:
        reviews = list(s.scalars(select(Review).where(Review.pupil_id == pupil.id)))
    complete = sum(1 for r in reviews if r.completed_on is not None)
    assert complete >= 2  # the journey's point: cycles to show the local authority
    text = "\n".join(page.extract_text() for page in PdfReader(target).pages)
    assert f"Evidence pack: {pupil.display_name}" in text
    assert f"{complete} complete APDR cycles" in text
    assert f"Cycle {len(reviews)} (" in text
    assert "£6,000.00" in text


def test_journey_8_september_intake_last_year_and_the_rollover(demo_window, demo_db, qtbot):
    """Ctrl+2, Alt+I: the intake file typed in, Enter, Alt+C, Space on the intake box,
    Alt+I imports. Alt+Y, Up: last year's map. Alt+F, Y: the rollover wizard, Alt+N
    through its pages, Alt+S starts the year, Enter finishes."""
    window = demo_window
    _key(qtbot, Qt.Key.Key_2, CTRL)
    pupils = window.screens["pupils"]
    assert window.current_screen() is pupils
    pupils.table.setFocus()
    _key(qtbot, Qt.Key.Key_I, ALT)
    qtbot.waitUntil(lambda: isinstance(pupils.pupil_actions.dialog, ImportPupilsDialog))
    dialog = pupils.pupil_actions.dialog
    qtbot.waitUntil(dialog.isVisible)
    dialog.today = TODAY  # the day the demo school is built for
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    assert _focused() is dialog.path_edit
    qtbot.keyClicks(dialog.path_edit, str(DATA / "ctf_nursery_transition.ctf"))
    _key(qtbot, Qt.Key.Key_Return)
    assert "2 pupil records" in dialog.file_message.text()
    # A button's access key presses it the way a click does, a moment later.
    _key(qtbot, Qt.Key.Key_C, ALT)  # Check rows >
    qtbot.waitUntil(dialog.intake_box.isVisible)
    _tab_until(qtbot, lambda w: w is dialog.intake_box)
    _key(qtbot, Qt.Key.Key_Space)
    assert dialog.intake_box.isChecked()
    _key(qtbot, Qt.Key.Key_I, ALT)  # Import
    qtbot.waitUntil(dialog.outcome.isVisible)
    with demo_db.session_factory() as s:
        intake = {
            p.forename: (p.year_group.name if p.year_group else None, p.on_roll_date)
            for p in s.scalars(select(Pupil).where(Pupil.surname.in_(["Lowe", "Mensah"])))
        }
    assert intake == {
        "Poppy": ("Reception", dt.date(2027, 9, 1)),
        "Kofi": ("Reception", dt.date(2027, 9, 1)),
    }
    _key(qtbot, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())

    # Last year's map, then back to this year.
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    _key(qtbot, Qt.Key.Key_1, CTRL)
    year_box = window.period_bar.year_combo
    _key(qtbot, Qt.Key.Key_Y, ALT)
    assert _focused() is year_box
    assert year_box.currentText() == "2026/27"
    _key(qtbot, Qt.Key.Key_Up)
    assert year_box.currentText() == "2025/26 (closed)"
    assert window.period_bar.closed_note.isVisible()  # "Read-only: this year is closed"
    with demo_db.session_factory() as s:
        shown = s.get(AcademicYear, window.ctx.academic_year_id)
        assert shown is not None
        assert shown.label == "2025/26"
    assert window.screens["map"].model.snapshot.academic_year_label == "2025/26"
    _key(qtbot, Qt.Key.Key_Down)
    assert year_box.currentText() == "2026/27"

    with demo_db.session_factory() as s:
        maya = s.scalars(
            select(Pupil).where(Pupil.forename == "Maya", Pupil.surname == "Hughes")
        ).one()
        assert maya.year_group is not None
        assert maya.year_group.name == "Year 5"
        left_before = s.scalar(select(func.count()).select_from(Pupil).where(Pupil.archived))

    # File → Start a new academic year… by its access keys.
    _key(qtbot, Qt.Key.Key_F, ALT)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None)
    qtbot.keyClick(QApplication.activePopupWidget(), Qt.Key.Key_Y)
    qtbot.waitUntil(lambda: getattr(window, "rollover_wizard", None) is not None)
    wizard = window.rollover_wizard
    qtbot.waitUntil(wizard.isVisible)
    wizard.activateWindow()
    qtbot.waitUntil(wizard.isActiveWindow)
    assert wizard.windowTitle() == "Start 2027/28"
    leavers = 0
    for page in (PUPILS, GROUPS, CONFIRM):  # from options, pupils, groups
        qtbot.keyClick(_focused(), Qt.Key.Key_N, ALT)
        qtbot.waitUntil(lambda page=page: wizard.currentId() == page)
        if page == PUPILS:
            leavers = wizard.leaving_list.count()  # the Year 6 leavers, listed by name
    qtbot.keyClick(_focused(), Qt.Key.Key_S, ALT)  # Start 2027/28
    qtbot.waitUntil(lambda: wizard.currentId() == DONE, timeout=20_000)
    qtbot.keyClick(_focused(), Qt.Key.Key_Return)  # Finish
    qtbot.waitUntil(lambda: not wizard.isVisible())

    with demo_db.session_factory() as s:
        years = {y.label: y.closed_on for y in s.scalars(select(AcademicYear))}
        poppy = s.scalars(select(Pupil).where(Pupil.surname == "Lowe")).one()
        maya = s.scalars(
            select(Pupil).where(Pupil.forename == "Maya", Pupil.surname == "Hughes")
        ).one()
        after = {
            "Poppy": (poppy.year_group.name if poppy.year_group else None, poppy.archived),
            "Maya": (maya.year_group.name if maya.year_group else None, maya.archived),
        }
        left = s.scalar(select(func.count()).select_from(Pupil).where(Pupil.archived))
    assert years["2026/27"] is not None  # last year closed: read-only, still there
    assert years["2027/28"] is None
    # Everyone moved up a year; the intake is in Reception; Year 6 has left (archived).
    assert after == {"Poppy": ("Reception", False), "Maya": ("Year 6", False)}
    assert leavers > 0
    assert left == left_before + leavers
