"""The state every screen shares: the open database, the undo stack, the chosen term.

Screens receive one ``AppContext``. They read and write through ``ctx.session`` and
services, push every edit onto ``ctx.undo_stack`` as a ``QUndoCommand``, and call
``ctx.changed(...)`` after committing so other screens refresh what they show.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoStack
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..domain.change import Changed
from ..domain.concurrency import WrittenVersions
from ..storage import Database
from ..storage.roles import Permissions, permissions


class AppContext(QObject):
    #: Emitted after a commit with a ``Changed``: the kinds of data (and groups) touched.
    data_changed = Signal(object)
    #: Emitted when the academic year or term chosen in the shell changes.
    period_changed = Signal()
    #: Emitted when a pupil is picked anywhere (tray, chip, list): the pupil's id.
    pupil_selected = Signal(int)
    #: Emitted to ask the shell to show a screen by its key ("map", "pupils", ...).
    navigate_requested = Signal(str)
    #: Emitted when an undo or redo was refused because someone else changed the rows
    #: since: the plain message to show.
    edit_refused = Signal(str)

    def __init__(self, database: Database, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.session: Session = database.session_factory()
        # Every row read stays in the session as it was read until the screens reload:
        # an edit is then checked against the version the screen showed, not a fresh
        # read that would hide someone else's edit (the session alone forgets rows
        # nothing else refers to).
        self._read_rows: list[object] = []
        #: What this window last saved of each row, so an undo can tell whether
        #: someone else has saved the row since.
        self.written = WrittenVersions(self.session)
        for name in ("loaded_as_persistent", "pending_to_persistent"):
            event.listen(self.session, name, self._keep_row)
        self.undo_stack = QUndoStack(self)
        self.academic_year_id: int | None = None
        self.term_name: str | None = None  # None: the whole academic year
        self.today: dt.date = dt.date.today()
        #: The last refusal of an undo or redo, until the Edit menu has seen it.
        self._refusal: str | None = None
        self._permissions: Permissions | None = None

    @property
    def permissions(self) -> Permissions:
        """What the login may do, as the database server says (a file: everything)."""
        if self._permissions is None:
            self._permissions = permissions(self.session.connection())
        return self._permissions

    def set_period(self, academic_year_id: int | None, term_name: str | None) -> None:
        if (academic_year_id, term_name) == (self.academic_year_id, self.term_name):
            return
        self.academic_year_id = academic_year_id
        self.term_name = term_name
        self.period_changed.emit()

    def commit(self, changed: Changed) -> None:
        """Commit the shared session and tell every screen what kind of data changed."""
        try:
            self.session.commit()
        except Exception:
            self.session.rollback()
            raise
        self.data_changed.emit(changed)

    def _keep_row(self, _session: Session, row: object) -> None:
        self._read_rows.append(row)

    def reload_everything(self) -> None:
        """Forget every row read so far and have every screen show what is saved now."""
        self.session.rollback()
        self.session.expire_all()
        self._read_rows.clear()
        self.data_changed.emit(Changed.all())

    def refuse_stale(self, message: str) -> None:
        """An undo or redo met rows someone else changed: reload, say so, and drop the
        undo history (its edits no longer match what is saved).

        The history is cleared once the undo stack has finished the refused step.
        """
        self.reload_everything()
        QTimer.singleShot(0, self.undo_stack.clear)
        self._refusal = message
        self.edit_refused.emit(message)

    def take_refusal(self) -> str | None:
        """The refusal of the undo or redo just tried, if it was refused (once)."""
        refusal, self._refusal = self._refusal, None
        return refusal

    def close(self) -> None:
        self.session.close()
