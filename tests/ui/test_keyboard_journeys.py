"""The SENCO's journeys (UX.md) done with the keyboard alone, keys as a user presses them.

Journeys 1 (the Monday strip) and 3 (the register) are walked in ``test_keyboard_walk``
and ``test_week_friction``; the keys of every journey are written down in
docs/keyboard-journeys.md.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrintDialog
from PySide6.QtWidgets import QApplication, QFileDialog, QTabBar, QWidget

from provmap_desktop.models import ProvisionGroup, PupilProfile, Staff

from .modal import on_next_modal

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
