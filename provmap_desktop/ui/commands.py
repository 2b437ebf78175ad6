"""Undo commands shared by every screen.

Each edit is a small ``QUndoCommand``: ``redo()`` applies it through the session and
commits, ``undo()`` reverses it and commits, so every step is saved at once and the
Edit menu can name it ("Undo change school name").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QUndoCommand

from ..models import Base
from .context import AppContext


class SetFieldCommand(QUndoCommand):
    """Set one column of one row; merges nothing, so each edit is its own step."""

    def __init__(
        self,
        ctx: AppContext,
        entity: type[Base],
        key: Any,
        field: str,
        value: Any,
        label: str,
        kind: str,
    ) -> None:
        super().__init__(label)
        self.ctx = ctx
        self.entity = entity
        self.key = key
        self.field = field
        self.new_value = value
        row = ctx.session.get(entity, key)
        if row is None:
            raise LookupError(f"{entity.__name__} {key} no longer exists")
        self.old_value = getattr(row, field)
        self.kind = kind

    def _apply(self, value: Any) -> None:
        row = self.ctx.session.get(self.entity, self.key)
        if row is None:
            return
        setattr(row, self.field, value)
        self.ctx.commit(self.kind)

    def redo(self) -> None:
        self._apply(self.new_value)

    def undo(self) -> None:
        self._apply(self.old_value)


class CallbackCommand(QUndoCommand):
    """An edit given as a pair of functions; both run inside the shared session.

    Each function does its work without committing; the command commits after it
    and announces ``kinds`` so other screens refresh.
    """

    def __init__(
        self,
        ctx: AppContext,
        label: str,
        do: Callable[[], None],
        undo: Callable[[], None],
        *kinds: str,
    ) -> None:
        super().__init__(label)
        self.ctx = ctx
        self._do = do
        self._undo = undo
        self.kinds = kinds

    def redo(self) -> None:
        self._run(self._do)

    def undo(self) -> None:
        self._run(self._undo)

    def _run(self, action: Callable[[], None]) -> None:
        try:
            action()
        except Exception:
            self.ctx.session.rollback()
            raise
        self.ctx.commit(*self.kinds)
