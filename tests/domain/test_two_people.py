"""Two people on one database: a stale edit or a stale undo is refused, nothing lost.

Each test runs on a SQLite file and on a PostgreSQL database (the ``people`` and
``database_url`` fixtures of ``_two_people.py``). The school is ``whole_year_costs``
(tests/schools/small.py): Eve is one of its pupils.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from provmap_desktop.domain import provisions, pupils
from provmap_desktop.domain.concurrency import StaleEdit, WrittenVersions, refusal
from provmap_desktop.models import Provision, Pupil

STALE_PUPIL = "Someone else changed this pupil since you opened it; the screen has been reloaded."
STALE_UNDO = (
    "Someone else changed this pupil since your edit, so it was not undone; "
    "the screen has been reloaded."
)


def _eve(session: Session) -> Pupil:
    return session.scalars(select(Pupil).where(Pupil.forename == "Eve")).one()


def _saved_notes(engine: Engine) -> str:
    with Session(engine) as fresh:
        return _eve(fresh).sen_notes


def test_an_edit_on_stale_data_is_refused_and_the_first_edit_kept(people) -> None:
    senco, assistant, check = people
    eve_id = _eve(senco).id
    on_screen = _eve(assistant)  # both have Eve on screen (the screens hold her row)
    assert on_screen.row_version == 1

    pupils.update(senco, eve_id, "sen_notes", "Seen by the EP on 12/11/2026")
    senco.commit()
    pupils.update(assistant, eve_id, "sen_notes", "Needs a quiet space")
    with pytest.raises(StaleDataError) as raised:
        assistant.commit()
    assistant.rollback()

    assert str(refusal(raised.value)) == STALE_PUPIL
    assert _saved_notes(check) == "Seen by the EP on 12/11/2026"

    # Reloaded, the assistant's edit goes through on top of the SENCO's.
    assistant.expire_all()
    pupils.update(assistant, eve_id, "sen_notes", "Seen by the EP; needs a quiet space")
    assistant.commit()
    assert _saved_notes(check) == "Seen by the EP; needs a quiet space"
    assert _eve(assistant).row_version == 3


def test_an_undo_after_someone_else_changed_the_row_is_refused(people) -> None:
    senco, assistant, check = people
    written = WrittenVersions(senco)
    eve_id = _eve(senco).id
    change = pupils.update(senco, eve_id, "sen_notes", "Seen by the EP")
    senco.commit()
    assert written.versions == {(Pupil, eve_id): 2}

    pupils.update(assistant, eve_id, "sen_notes", "Needs a quiet space")
    assistant.commit()

    # Even after the SENCO's screen reloaded (so the ORM's own check would pass),
    # the versions the edit left say someone else has changed Eve since.
    senco.expire_all()
    with pytest.raises(StaleEdit) as raised:
        written.check(senco, change)
    assert str(raised.value) == STALE_UNDO
    assert _saved_notes(check) == "Needs a quiet space"


def test_ones_own_later_edits_do_not_block_an_undo(people) -> None:
    senco, _assistant, check = people
    written = WrittenVersions(senco)
    eve_id = _eve(senco).id
    first = pupils.update(senco, eve_id, "sen_notes", "Seen by the EP")
    senco.commit()
    second = pupils.update(senco, eve_id, "sen_notes", "Seen by the EP; quiet space")
    senco.commit()
    for change in (second, first):  # undone last first, as the undo stack does
        written.check(senco, change)
        change.undo(senco)
        senco.commit()
    assert _saved_notes(check) == ""
    assert written.versions == {(Pupil, eve_id): 5}


def test_an_undo_on_a_screen_not_yet_reloaded_is_refused_by_the_database(people) -> None:
    senco, assistant, check = people
    on_screen = _eve(senco)
    eve_id = on_screen.id
    change = pupils.update(senco, eve_id, "sen_notes", "Seen by the EP")
    senco.commit()
    pupils.update(assistant, eve_id, "sen_notes", "Needs a quiet space")
    assistant.commit()

    assert on_screen.row_version == 2  # the SENCO's screen still holds her edit
    change.undo(senco)  # skipping the check: the UPDATE itself names version 2
    with pytest.raises(StaleDataError):
        senco.commit()
    senco.rollback()
    assert _saved_notes(check) == "Needs a quiet space"


def test_an_undo_nobody_else_touched_goes_through(people) -> None:
    senco, assistant, check = people
    written = WrittenVersions(senco)
    eve_id = _eve(senco).id
    before = _eve(senco).sen_notes
    provision_id = assistant.scalars(select(Provision.id).order_by(Provision.id)).first()
    change = pupils.update(senco, eve_id, "sen_notes", "Seen by the EP")
    senco.commit()
    # The assistant changes something else: Eve's undo is not affected.
    provisions.update(assistant, provision_id, "description", "Short daily sessions")
    assistant.commit()

    written.check(senco, change)
    change.undo(senco)
    senco.commit()
    assert _saved_notes(check) == before


EDIT_IN_ANOTHER_PROCESS = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from sqlalchemy import create_engine, select
    from sqlalchemy.orm import Session
    from provmap_desktop.domain import pupils
    from provmap_desktop.models import Pupil
    from provmap_desktop.storage.database import make_engine

    url, text = sys.argv[1], sys.argv[2]
    if url.startswith("sqlite:///"):
        engine = make_engine(Path(url.removeprefix("sqlite:///")))
    else:
        engine = create_engine(url)
    with Session(engine) as session:
        eve = session.scalars(select(Pupil).where(Pupil.forename == "Eve")).one()
        pupils.update(session, eve.id, "sen_notes", text)
        session.commit()
        print(eve.row_version)
    """
)


def test_two_processes_a_stale_edit_is_refused_and_nothing_is_lost(
    database_url: str, people
) -> None:
    senco, _assistant, check = people
    on_screen = _eve(senco)  # on the SENCO's screen, at version 1
    eve_id = on_screen.id

    done = subprocess.run(
        [sys.executable, "-c", EDIT_IN_ANOTHER_PROCESS, database_url, "From the TA's laptop"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "2"

    pupils.update(senco, eve_id, "sen_notes", "From the SENCO's laptop")
    with pytest.raises(StaleDataError) as raised:
        senco.commit()
    senco.rollback()
    assert str(refusal(raised.value)) == STALE_PUPIL
    assert _saved_notes(check) == "From the TA's laptop"
    # Rolled back, the SENCO's session reads Eve afresh: the TA's words, version 2.
    assert (on_screen.sen_notes, on_screen.row_version) == ("From the TA's laptop", 2)
