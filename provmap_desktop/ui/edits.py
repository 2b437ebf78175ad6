"""Undo commands shared by every screen.

Each edit is a small ``QUndoCommand`` around a domain write (``DomainEdit``): the first
run calls the write, which returns a ``Change``; undo and redo replay that change. Each
step commits, so it is saved at once, and the Edit menu can name it ("Undo change
school name"). Screens never write rows themselves.

Edits go through ``perform(ctx, command)``, which applies the command *before* putting
it on the undo stack: a change the database refuses raises ``EditRefused`` with a
plain message and never reaches the stack.

Two people may work on one database. An edit made on a row someone else has saved
since is refused (``StaleEdit``) and every screen reloads; so is an undo or redo of an
edit whose rows someone else has changed since: the command then leaves the undo
history, which no longer matches what is saved.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QUndoCommand
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from ..domain.change import Change, Changed
from ..domain.concurrency import StaleEdit, refusal
from ..domain.saving import NotPermitted
from ..storage.roles import is_permission_refusal
from .context import AppContext


class EditRefused(Exception):
    """The database would not take an edit; ``str()`` says why in plain words."""


def explain(exc: Exception) -> str:
    text = str(getattr(exc, "orig", exc))
    if "CHECK constraint failed" in text:
        return "the value is outside what is allowed (for example an end date before a start)."
    if "UNIQUE constraint failed" in text:
        return "another row already has that value."
    if "FOREIGN KEY constraint failed" in text:
        return "other records still depend on it."
    if "disk is full" in text or "disk I/O error" in text:
        return "the disk is full or cannot be written. Free some space and try again."
    if "database is locked" in text:
        return "the database is busy. Try again in a moment."
    return text


class SavedCommand(QUndoCommand):
    """Base for every edit: subclasses implement ``apply`` and ``revert`` (no commit)."""

    #: What the edit touches, so screens refresh; by default every screen reloads.
    changed: Changed = Changed.all()

    def __init__(self, ctx: AppContext, label: str) -> None:
        super().__init__(label)
        self.ctx = ctx
        self._skip_next_redo = False

    def apply(self) -> None:
        raise NotImplementedError

    def is_noop(self) -> bool:
        """True when applying changed nothing, so there is nothing to undo."""
        return False

    def revert(self) -> None:
        raise NotImplementedError

    def redo(self) -> None:
        if self._skip_next_redo:
            self._skip_next_redo = False
            return
        self._replay(self.apply, "redone")

    def undo(self) -> None:
        self._replay(self.revert, "undone")

    def _replay(self, action: Callable[[], None], done: str) -> None:
        """Undo or redo from the stack: a refusal is said, never raised into Qt."""
        try:
            self._run(action)
        except StaleDataError as exc:
            self.ctx.refuse_stale(str(refusal(exc, action=done)))
        except StaleEdit as exc:
            self.ctx.refuse_stale(str(exc))

    def _run(self, action: Callable[[], None]) -> None:
        try:
            action()
            self.ctx.commit(self.changed)
        except Exception:
            self.ctx.session.rollback()
            raise


def perform(ctx: AppContext, command: SavedCommand) -> None:
    """Apply ``command`` now and, if the database accepts it, put it on the undo stack."""
    try:
        command._run(command.apply)
    except (StaleDataError, StaleEdit) as exc:
        # Someone else saved the row since it was read: their work stays, every
        # screen reloads what is saved now.
        stale = refusal(exc) if isinstance(exc, StaleDataError) else exc
        ctx.reload_everything()
        raise EditRefused(str(stale)) from exc
    except DBAPIError as exc:
        if is_permission_refusal(exc):
            # The server refused the login this write: nothing of it was saved.
            ctx.reload_everything()
            raise EditRefused(str(NotPermitted())) from exc
        if not isinstance(exc, IntegrityError | OperationalError):
            raise
        # The session was rolled back: what is on screen is reloaded from the file,
        # so nothing shown is unsaved.
        raise EditRefused(f"That change was not saved: {explain(exc)}") from exc
    except ValueError as exc:
        # A rule of the record itself (a UPN's check letter, a name too long).
        raise EditRefused(f"That change was not saved: {exc}") from exc
    if command.is_noop():
        return
    command._skip_next_redo = True
    ctx.undo_stack.push(command)


class DomainEdit(SavedCommand):
    """An edit made by a domain write: the first run calls it, undo and redo replay it.

    ``write`` takes the session and returns the ``Change`` the domain layer made; the
    change names what it touched, so every screen refreshes what it shows.
    """

    def __init__(self, ctx: AppContext, label: str, write: Callable[[Any], Change]) -> None:
        super().__init__(ctx, label)
        self._write: Callable[[Any], Change] | None = write
        self.change: Change | None = None

    def apply(self) -> None:
        if self.change is None:
            assert self._write is not None
            self.change = self._write(self.ctx.session)
            self._write = None
            self.changed = self.change.changed
        else:
            self.ctx.written.check(self.ctx.session, self.change, action="redone")
            self.change.redo(self.ctx.session)

    def revert(self) -> None:
        if self.change is not None:
            self.ctx.written.check(self.ctx.session, self.change, action="undone")
            self.change.undo(self.ctx.session)

    def is_noop(self) -> bool:
        return self.change is not None and self.change.is_noop
