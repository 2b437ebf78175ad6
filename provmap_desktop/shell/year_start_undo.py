"""Edit → Undo start of 2027/28: the year-end rollover on the undo stack.

The rollover changes the whole school at once (every pupil's year group, leavers
archived, groups copied, last year closed), so it is undone the way it was guarded: the
automatic copy taken just before it ("before-year-end") is swapped back in, exactly as
it was. Redo swaps the rolled-over file back in (the swap kept it in the Backups
folder). Either is done only while the school's data is exactly as the rollover (or its
undo) left it, checked by ``storage.fingerprint``: edits made since and undone again
leave it as it was. Otherwise a plain message says so, nothing changes, and the step
leaves the stack; the copy stays in File → Automatic backups….

A swap reopens the file, which builds the window's context and undo stack afresh, so
each swap puts a new ``YearStartEdit`` on the new stack: done (Undo offers it) after the
rollover or a redo, undone (Redo offers it) after an undo.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QTimer
from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import QMessageBox, QStatusBar, QWidget

from ..storage import Database, StorageError, open_database
from ..storage.backup import restore_database
from ..storage.fingerprint import content_fingerprint
from ..ui.context import AppContext


class _Window(Protocol):
    """What the swap needs of the main window."""

    ctx: AppContext | None
    database: Database

    def load_database(self, database: Database) -> None: ...

    def statusBar(self) -> QStatusBar: ...


class YearStartEdit(QUndoCommand):
    """The start of ``to_label``; ``other`` is the file holding the other side of it."""

    def __init__(self, window: _Window, to_label: str, other: Path) -> None:
        super().__init__(f"start of {to_label}")
        self.window = window
        self.to_label = to_label
        self.other = other
        assert window.ctx is not None
        self.expected = content_fingerprint(window.ctx.session)
        # Placing the step on a stack runs redo (or undo): the swap is already made.
        self._placing = True

    def redo(self) -> None:
        self._switch(undoing=False)

    def undo(self) -> None:
        self._switch(undoing=True)

    def _switch(self, *, undoing: bool) -> None:
        if self._placing:
            self._placing = False
            return
        ctx = self.window.ctx
        window, label, other = self.window, self.to_label, self.other
        if ctx is None or content_fingerprint(ctx.session) != self.expected:
            self.setObsolete(True)  # the stack lets it go; nothing is swapped
            QTimer.singleShot(0, lambda: _refuse(window, label, undoing=undoing))
            return
        # After the stack has finished with this step: the swap replaces the stack.
        QTimer.singleShot(0, lambda: swap_year_start(window, label, other, undoing=undoing))


def _refuse(window: _Window, to_label: str, *, undoing: bool) -> None:
    """Say, in plain words, why the start of the year was not undone (or redone)."""
    what = "undone" if undoing else "made again"
    where = (
        "To go back, restore the copy taken before it: File → Automatic backups…, "
        "the one taken before the year end."
        if undoing
        else "Start the new year again from the File menu."
    )
    QMessageBox.information(
        window if isinstance(window, QWidget) else None,
        f"Start of {to_label}",
        f"The start of {to_label} cannot be {what} now: the school's records have "
        f"changed since. Nothing was changed. {where}",
    )


def offer_undo(window: _Window, to_label: str, before: Path) -> None:
    """After the rollover: put "Undo start of ``to_label``" on the window's stack."""
    assert window.ctx is not None
    window.ctx.undo_stack.push(YearStartEdit(window, to_label, before))


def swap_year_start(window: _Window, to_label: str, copy: Path, *, undoing: bool) -> None:
    """Put ``copy`` in place of the open file, show it, and offer the way back."""
    target = window.database.path
    if target is None:  # a server database keeps no copy to swap in (none is offered)
        return
    assert window.ctx is not None
    window.ctx.close()
    window.database.close()
    try:
        aside = restore_database(copy, target)
    except StorageError as exc:
        aside = None
        problem = str(exc)
    database = open_database(target)
    window.ctx = None
    window.load_database(database)
    status = window.statusBar()
    if aside is None:
        status.showMessage(f"The file was not swapped: {problem}", 10000)
        return
    edit = YearStartEdit(window, to_label, aside)
    assert window.ctx is not None
    stack = window.ctx.undo_stack
    stack.push(edit)
    if undoing:
        edit._placing = True
        stack.undo()  # placed as undone: Edit → Redo offers it
        said = f"Undid the start of {to_label}: the school is as it was before it."
    else:
        said = f"Redid the start of {to_label}."
    status.showMessage(said, 10000)
