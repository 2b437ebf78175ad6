"""Two main windows on one file: the SENCO's undo of an allocation made on the map is
refused once the TA has changed that allocation, and goes through when nobody has.

The school is ``whole_year_costs`` (tests/schools/small.py): Finn has speech therapy
in Year 5 for the whole of 2026/27; Eve (Year 5) does not. Both windows are reloaded
(F5) before the undo, so only the versions the SENCO's copy saved can tell it that
the TA has changed the row since.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from provmap_desktop.domain import memberships
from provmap_desktop.models import GroupMembership, Provision, Pupil, YearGroup
from provmap_desktop.storage import Database
from provmap_desktop.storage.database import make_engine
from provmap_desktop.storage.lock import DatabaseLock
from provmap_desktop.ui.edits import DomainEdit, perform
from provmap_desktop.views.map.edits import AllocationRequest, allocate_edit

from ..schools.templates import TODAY, open_school

STALE_UNDO = (
    "Someone else changed this group since your edit, so it was not undone; "
    "the screen has been reloaded."
)
JOINS = dt.date(2026, 11, 23)
TA_ENDS = dt.date(2026, 12, 18)


@pytest.fixture
def two_dbs(tmp_path: Path) -> Iterator[tuple[Database, Database]]:
    first = open_school("whole_year_costs", tmp_path / "school.provmap")
    second = Database(first.path, make_engine(first.path), DatabaseLock(first.path))
    yield first, second
    second.engine.dispose()
    first.close()


def _window(qtbot, db: Database):  # type: ignore[no-untyped-def]
    from provmap_desktop.shell.main_window import MainWindow

    win = MainWindow(db, today=TODAY)
    qtbot.addWidget(win)
    win.show()
    win.show_screen("map")
    return win


def _id(db: Database, model, **where) -> int:  # type: ignore[no-untyped-def]
    with Session(db.engine) as session:
        query = select(model.id).filter_by(**where)
        return int(session.scalars(query).one())


def _eves_speech(db: Database) -> list[tuple[dt.date, dt.date | None]]:
    eve = _id(db, Pupil, forename="Eve")
    with Session(db.engine) as session:
        rows = session.scalars(select(GroupMembership).where(GroupMembership.pupil_id == eve)).all()
        speech = _id(db, Provision, name="Speech therapy")
        return [(m.join_date, m.leave_date) for m in rows if m.group.provision_id == speech]


def _allocate_eve(window, db: Database) -> None:  # type: ignore[no-untyped-def]
    request = AllocationRequest(
        _id(db, Provision, name="Speech therapy"),
        _id(db, YearGroup, name="Year 5"),
        (JOINS, JOINS),
        (_id(db, Pupil, forename="Eve"),),
        JOINS,
    )
    perform(window.ctx, allocate_edit(window.ctx, request, "Allocate Eve"))


def _ta_ends_eves_speech(window, db: Database) -> None:  # type: ignore[no-untyped-def]
    eve, speech = _id(db, Pupil, forename="Eve"), _id(db, Provision, name="Speech therapy")
    with Session(db.engine) as session:
        made = next(
            m.id
            for m in session.scalars(select(GroupMembership).filter_by(pupil_id=eve))
            if m.group.provision_id == speech
        )
    perform(
        window.ctx,
        DomainEdit(
            window.ctx,
            "End Eve's allocation",
            lambda s: memberships.update(s, made, "leave_date", TA_ENDS),
        ),
    )


def test_undo_of_an_allocation_the_ta_has_ended_is_refused(qtbot, two_dbs) -> None:  # type: ignore[no-untyped-def]
    first, second = two_dbs
    senco, assistant = _window(qtbot, first), _window(qtbot, second)
    _allocate_eve(senco, first)
    assert _eves_speech(first) == [(JOINS, None)]
    assistant.reload_data()
    _ta_ends_eves_speech(assistant, second)
    senco.reload_data()

    senco.undo_action.trigger()  # would delete the allocation the TA has just ended

    assert senco.statusBar().currentMessage() == STALE_UNDO
    assert _eves_speech(first) == [(JOINS, TA_ENDS)]
    qtbot.waitUntil(lambda: senco.ctx.undo_stack.count() == 0)


def test_undo_of_an_allocation_nobody_else_touched_takes_it_out(qtbot, two_dbs) -> None:  # type: ignore[no-untyped-def]
    first, second = two_dbs
    senco = _window(qtbot, first)
    _allocate_eve(senco, first)
    assert _eves_speech(first) == [(JOINS, None)]
    senco.reload_data()

    senco.undo_action.trigger()

    assert _eves_speech(second) == []
    assert senco.statusBar().currentMessage() == "Undid Allocate Eve."
