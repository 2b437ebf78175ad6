"""EHC plan annual reviews driven from the keyboard, checked in the database file.

The demo school (as of 23/11/2026) has two reviews in progress: Jack Taylor's meeting
is booked for 14/12/2026 with views sought, so the reports are due by 30/11/2026
(two weeks before); Ethan James's meeting was on 05/11/2026, so its report was due by
19/11/2026 and is overdue. The strip counts those two steps and opens the list.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from provmap_desktop.models import Ehcp, EhcpAnnualReview, Pupil
from provmap_desktop.storage import Database


def _type_over(qtbot, widget, text: str) -> None:  # type: ignore[no-untyped-def]
    """Focus ``widget``, type over what it shows and press Tab to leave (and save) it."""
    window = widget.window()
    if not window.isActiveWindow():
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
    widget.setFocus()
    widget.selectAll()
    qtbot.keyClicks(widget, text)
    qtbot.keyClick(widget, Qt.Key.Key_Tab)


def _open_review(db: Database, surname: str) -> EhcpAnnualReview:
    with db.session_factory() as s:
        return s.scalars(
            select(EhcpAnnualReview)
            .join(Pupil, EhcpAnnualReview.pupil_id == Pupil.id)
            .where(Pupil.surname == surname, EhcpAnnualReview.report_sent_on.is_(None))
        ).one()


def _strip(window) -> dict[str, str]:  # type: ignore[no-untyped-def]
    window.refresh_attention()
    return {i.link: i.text for i in window.attention_items}


def test_steps_due_in_the_strip_open_the_review_and_record_it_by_keyboard(
    demo_window, demo_db, qtbot
) -> None:
    assert _strip(demo_window)["pupils#annual-reviews-due"] == (
        "2 EHC annual review steps due (1 overdue)"
    )
    demo_window.attention_label.linkActivated.emit("pupils#annual-reviews-due")
    screen = demo_window.screens["pupils"]
    listed = screen.due_dialog
    assert listed is not None
    rows = [
        [listed.table.item(r, c).text() for c in range(4)] for r in range(listed.table.rowCount())
    ]
    assert rows == [
        ["Ethan James", "Review report sent to the local authority and everyone invited",
         "19/11/2026 (overdue)", "in progress"],
        ["Jack Taylor", "Advice and reports sent to everyone invited", "30/11/2026",
         "in progress"],
    ]  # fmt: skip
    listed.table.selectRow(1)
    listed.open_button.setFocus()
    qtbot.keyClick(listed.open_button, Qt.Key.Key_Space)
    pane = screen.pane
    assert pane.pupil().surname == "Taylor"
    tab = pane.ehcp_tab
    assert pane.tabs.currentWidget() is tab
    assert tab.reviews_state.text() == "Annual review due by 14/12/2026: in progress."
    listed.close()

    tab.reviews_button.setFocus()
    qtbot.keyClick(tab.reviews_button, Qt.Key.Key_Space)
    dialog = tab.reviews_dialog
    assert dialog is not None
    assert dialog.isVisible()
    assert dialog.summary.text() == "Annual review due by 14/12/2026: in progress."
    assert dialog.states["reports_sent_on"].text() == "Due by 30/11/2026"
    assert dialog.states["views_sought_on"].text() == "Done 19/11/2026"
    # Meeting 14/12/2026: the report is due within two weeks, by 28/12/2026.
    assert dialog.states["report_sent_on"].text() == "Due by 28/12/2026"

    _type_over(qtbot, dialog.dates["reports_sent_on"], "23/11/2026")
    _type_over(qtbot, dialog.texts["attendees"], "Mrs Taylor; Jack; SENCO; EP")
    review = _open_review(demo_db, "Taylor")
    assert review.reports_sent_on == dt.date(2026, 11, 23)
    assert review.attendees == "Mrs Taylor; Jack; SENCO; EP"
    assert dialog.states["reports_sent_on"].text() == "Done 23/11/2026"
    assert _strip(demo_window)["pupils#annual-reviews-due"] == (
        "1 EHC annual review step due (1 overdue)"
    )

    # Ctrl+Z in the dialog (outside a text box, which keeps Ctrl+Z for its own typing)
    # takes back the last edit, as on the main window.
    dialog.table.setFocus()
    qtbot.keyClick(dialog.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert _open_review(demo_db, "Taylor").attendees == ""
    assert dialog.texts["attendees"].toPlainText() == ""

    # A date that is no date, and a report before the meeting: said plainly, not saved.
    _type_over(qtbot, dialog.dates["meeting_on"], "31/02/2027")
    assert "not a date" in dialog.message.text()
    _type_over(qtbot, dialog.dates["report_sent_on"], "01/12/2026")
    assert "cannot be sent before the meeting (14/12/2026)" in dialog.message.text()
    review = _open_review(demo_db, "Taylor")
    assert (review.meeting_on, review.report_sent_on) == (dt.date(2026, 12, 14), None)
    assert dialog.dates["meeting_on"].text() == "14/12/2026"


def test_the_report_closes_the_review_and_the_next_is_started_with_its_meeting(
    demo_window, demo_db, qtbot
) -> None:
    screen = demo_window.screens["pupils"]
    demo_window.show_screen("pupils")
    with demo_db.session_factory() as s:
        pupil_id = s.scalar(
            select(Pupil.id).where(Pupil.surname == "James", Pupil.forename == "Ethan")
        )
    screen.select_pupil(pupil_id)
    tab = screen.pane.ehcp_tab
    screen.pane.tabs.setCurrentWidget(tab)
    dialog = tab.open_annual_reviews()
    assert dialog is not None
    assert not dialog.start_button.isEnabled()  # one review at a time
    _type_over(qtbot, dialog.dates["report_sent_on"], "23/11/2026")
    with demo_db.session_factory() as s:
        plan = s.scalars(select(Ehcp).where(Ehcp.pupil_id == pupil_id)).one()
        # Meeting 05/11/2026: the next review is due twelve months on, 05/11/2027.
        assert plan.next_review_date == dt.date(2027, 11, 5)
        assert plan.annual_reviews[-1].report_sent_on == dt.date(2026, 11, 23)
    assert dialog.summary.text() == "Annual review due by 05/11/2027: not started yet."
    assert dialog.start_button.isEnabled()

    dialog.start_button.setFocus()
    qtbot.keyClick(dialog.start_button, Qt.Key.Key_Space)
    assert QApplication.focusWidget() is dialog.dates["meeting_on"]
    qtbot.keyClicks(dialog.dates["meeting_on"], "28/10/2027")
    qtbot.keyClick(dialog.dates["meeting_on"], Qt.Key.Key_Tab)
    with demo_db.session_factory() as s:
        reviews = s.scalars(
            select(EhcpAnnualReview).where(EhcpAnnualReview.pupil_id == pupil_id)
        ).all()
        assert reviews[-1].meeting_on == dt.date(2027, 10, 28)
        assert reviews[-1].report_sent_on is None
    # Meeting 28/10/2027: views and reports by 14/10/2027, the report by 11/11/2027.
    assert dialog.states["views_sought_on"].text() == "Due by 14/10/2027"
    assert dialog.states["report_sent_on"].text() == "Due by 11/11/2027"
    assert "pupils#annual-reviews-due" in _strip(demo_window)  # Jack's reports still due
    dialog.close()
