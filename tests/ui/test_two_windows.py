"""Two main windows on one database file (two people at once): a stale edit or undo
is refused in plain words, nothing is overwritten, and the screen shows what is saved.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from provmap_desktop.models import Pupil
from provmap_desktop.storage import Database
from provmap_desktop.storage.database import make_engine
from provmap_desktop.storage.lock import DatabaseLock

from .conftest import TODAY
from .test_pupils import add_pupils, pupil_id, read

STALE_EDIT = "Someone else changed this pupil since you opened it; the screen has been reloaded."
STALE_UNDO = (
    "Someone else changed this pupil since your edit, so it was not undone; "
    "the screen has been reloaded."
)


@pytest.fixture
def second_db(school_db: Database) -> Iterator[Database]:
    """The same file opened a second time, as a second copy of the app would."""
    db = Database(school_db.path, make_engine(school_db.path), DatabaseLock(school_db.path))
    yield db
    db.engine.dispose()


def _window(qtbot, db: Database):  # type: ignore[no-untyped-def]
    from provmap_desktop.shell.main_window import MainWindow

    win = MainWindow(db, today=TODAY)
    qtbot.addWidget(win)
    win.show()
    win.show_screen("pupils")
    return win


def _forename_box(window):  # type: ignore[no-untyped-def]
    pane = window.screens["pupils"].pane
    return next(b.widget for b in pane.profile_tab.bindings if b.field == "forename")


def _type_forename(window, text: str) -> None:  # type: ignore[no-untyped-def]
    box = _forename_box(window)
    box.setText(text)
    box.editingFinished.emit()


@pytest.fixture
def two_windows(qtbot, school_db: Database, second_db: Database):  # type: ignore[no-untyped-def]
    """The SENCO's window and the TA's, both showing Cal Clark on the Pupils screen."""
    add_pupils(school_db)
    senco, assistant = _window(qtbot, school_db), _window(qtbot, second_db)
    cal = pupil_id(school_db, "Clark")
    for window in (senco, assistant):
        window.screens["pupils"].select_pupil(cal)
        assert _forename_box(window).text() == "Cal"
    return senco, assistant, cal


def test_an_edit_on_stale_data_is_refused_and_the_screen_reloads(two_windows, school_db):
    senco, assistant, cal = two_windows
    _type_forename(senco, "Callum")
    assert read(school_db, Pupil, cal).forename == "Callum"

    _type_forename(assistant, "Calvin")  # the TA's screen still said "Cal"

    pane = assistant.screens["pupils"].pane
    assert pane.message.isVisibleTo(assistant)
    assert pane.message.text() == STALE_EDIT
    assert read(school_db, Pupil, cal).forename == "Callum"  # the SENCO's edit kept
    assert _forename_box(assistant).text() == "Callum"  # reloaded from the file
    assert not assistant.undo_action.isEnabled()  # the refused edit is not on the stack

    # Now up to date, the TA's next edit is saved.
    _type_forename(assistant, "Calvin")
    assert read(school_db, Pupil, cal).forename == "Calvin"
    assert not pane.message.isVisibleTo(assistant)


def test_an_undo_after_someone_else_changed_the_row_is_refused(qtbot, two_windows, school_db):
    senco, assistant, cal = two_windows
    _type_forename(senco, "Callum")
    assistant.reload_data()  # F5: the TA sees the SENCO's edit
    assert _forename_box(assistant).text() == "Callum"
    _type_forename(assistant, "Calvin")
    assert read(school_db, Pupil, cal).forename == "Calvin"

    senco.undo_action.trigger()  # would put "Cal" back over the TA's "Calvin"

    assert senco.statusBar().currentMessage() == STALE_UNDO
    assert read(school_db, Pupil, cal).forename == "Calvin"
    assert _forename_box(senco).text() == "Calvin"  # the SENCO's screen reloaded
    # The undo history no longer matches the file, so it is cleared.
    qtbot.waitUntil(
        lambda: not senco.ctx.undo_stack.canUndo() and senco.ctx.undo_stack.count() == 0
    )
    assert not senco.undo_action.isEnabled()


def test_an_undo_nobody_else_touched_still_works(two_windows, school_db):
    senco, assistant, cal = two_windows
    _type_forename(senco, "Callum")
    dee = pupil_id(school_db, "Dunn")
    assistant.screens["pupils"].select_pupil(dee)
    _type_forename(assistant, "Deanna")  # another pupil: no clash

    senco.undo_action.trigger()
    assert read(school_db, Pupil, cal).forename == "Cal"
    assert read(school_db, Pupil, dee).forename == "Deanna"
    assert _forename_box(senco).text() == "Cal"
