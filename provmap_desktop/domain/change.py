"""What an edit changed, in two forms.

``Changed`` says which kinds of data an edit touched, so screens refresh only what they
show (a typed value: a misspelt kind is an error, not a missed refresh).

``Change`` is what every domain write returns: enough to take the edit back
(``undo``) and to make it again (``redo``) in the same session, without committing.
The GUI's undo stack and the tests use the same objects; nothing here knows of Qt.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session, make_transient


class Kind(enum.Enum):
    """A kind of data screens show; an edit names every kind it touched."""

    PUPILS = "pupils"
    GROUPS = "groups"
    PROVISIONS = "provisions"
    SETTINGS = "settings"
    DELIVERY = "delivery"
    REVIEWS = "reviews"
    PLANNING = "planning"


@dataclass(frozen=True)
class Changed:
    """The kinds of data an edit touched, and which provision groups (for the map)."""

    kinds: frozenset[Kind] = frozenset()
    group_ids: frozenset[int] = frozenset()
    #: Everything may have changed (a restore, an import): every screen reloads.
    everything: bool = False

    @classmethod
    def of(cls, *kinds: Kind, group_ids: Iterable[int] = ()) -> Changed:
        return cls(frozenset(kinds), frozenset(group_ids))

    @classmethod
    def all(cls) -> Changed:
        return cls(everything=True)

    def touches(self, *kinds: Kind) -> bool:
        """True when any of ``kinds`` changed (always, after a change to everything)."""
        return self.everything or any(kind in self.kinds for kind in kinds)

    def __or__(self, other: Changed) -> Changed:
        return Changed(
            self.kinds | other.kinds,
            self.group_ids | other.group_ids,
            self.everything or other.everything,
        )


#: A row by its model and primary key (what undo checks has not changed since).
RowKey = tuple[type, Any]


def row_keys(rows: Iterable[Any]) -> list[RowKey]:
    """The model and primary key of each row that has been saved (has an identity)."""
    keys: list[RowKey] = []
    for row in rows:
        identity = inspect(row).identity
        if identity is not None:
            keys.append((type(row), identity[0] if len(identity) == 1 else identity))
    return keys


class DomainError(ValueError):
    """A rule of the school's data refused an edit; ``str()`` says why in plain words."""


class Change:
    """An edit already made in the session: ``undo`` takes it back, ``redo`` makes it again.

    Neither commits; the caller does. ``changed`` names what screens must refresh.
    """

    changed: Changed = Changed()

    def undo(self, session: Session) -> None:
        raise NotImplementedError

    def redo(self, session: Session) -> None:
        raise NotImplementedError

    def touched(self) -> Sequence[RowKey]:
        """The rows this edit leaves changed, which an undo must find as it left them.

        Empty when the edit does not say (an undo is then checked only by the versions
        the session holds).
        """
        return ()

    @property
    def is_noop(self) -> bool:
        """True when the edit changed nothing, so there is nothing to undo."""
        return False


@dataclass
class NoChange(Change):
    """The edit asked for what was already there."""

    changed: Changed = dataclasses.field(default_factory=Changed)

    def undo(self, session: Session) -> None:
        pass

    def redo(self, session: Session) -> None:
        pass

    @property
    def is_noop(self) -> bool:
        return True


@dataclass
class FieldChange(Change):
    """One column of one row set from ``old`` to ``new``."""

    model: type
    key: Any
    field: str
    old: Any
    new: Any
    changed: Changed = dataclasses.field(default_factory=Changed)

    def touched(self) -> Sequence[RowKey]:
        return ((self.model, self.key),)

    def _set(self, session: Session, value: Any) -> None:
        row = session.get(self.model, self.key)
        if row is None:
            raise DomainError("That record no longer exists.")
        setattr(row, self.field, value)

    def undo(self, session: Session) -> None:
        self._set(session, self.old)

    def redo(self, session: Session) -> None:
        self._set(session, self.new)


#: A field's rule: given the session, the row and the value asked for, return the value
#: to store, or raise ``DomainError`` (or ``ValueError``) saying why not.
FieldRule = Callable[[Session, Any, Any], Any]


def keep(_session: Session, _row: Any, value: Any) -> Any:
    """The rule for a field with nothing to check beyond the database's own."""
    return value


def set_field(
    session: Session,
    model: type,
    key: Any,
    field_name: str,
    value: Any,
    rules: Mapping[str, FieldRule],
    changed: Changed,
) -> Change:
    """Set ``field_name`` of the ``model`` row ``key`` to ``value`` through its rule.

    Only fields named in ``rules`` may be set: any other is refused, so no screen can
    write a column its aggregate does not offer.
    """
    rule = rules.get(field_name)
    if rule is None:
        raise DomainError(f"{field_name.replace('_', ' ').capitalize()} cannot be changed here.")
    row = session.get(model, key)
    if row is None:
        raise DomainError("That record no longer exists.")
    value = rule(session, row, value)
    old = getattr(row, field_name)
    if old == value:
        return NoChange()
    setattr(row, field_name, value)
    return FieldChange(model, key, field_name, old, value, changed)


def unused_name_in(session: Session, column: Any, stem: str) -> str:
    """``"<stem> 1"``, or the next number not yet taken in ``column`` (any case)."""
    taken = {name.casefold() for name in session.scalars(select(column))}
    number = 1
    while f"{stem} {number}".casefold() in taken:
        number += 1
    return f"{stem} {number}"


def add_again(session: Session, *rows: Any) -> None:
    """Add ``rows``; after an undo deleted them, bring them back with the same ids.

    Every row is made new again before any is added, so a parent whose children were
    deleted with it does not drag a deleted child back in.
    """
    for row in rows:
        state = inspect(row)
        if state.detached or state.deleted:
            make_transient(row)
    for row in rows:
        session.add(row)


def _kept_keys(change: RowsAdded | RowsRemoved) -> list[RowKey]:
    """The keys of ``change.rows``, kept from the first time all were known.

    A row made new again for a redo, or one whose re-adding was rolled back, has no
    identity for a while; its key (the same id) is still the one to check.
    """
    if len(change._keys) != len(change.rows):
        keys = row_keys(change.rows)
        if len(keys) == len(change.rows):
            change._keys = keys
        else:
            return keys
    return change._keys


@dataclass
class RowsAdded(Change):
    """New rows: undo deletes them (last first), redo brings them back with their ids."""

    rows: Sequence[Any]
    changed: Changed = dataclasses.field(default_factory=Changed)
    _keys: list[RowKey] = dataclasses.field(
        default_factory=list, repr=False, compare=False, kw_only=True
    )

    def touched(self) -> Sequence[RowKey]:
        return _kept_keys(self)

    def undo(self, session: Session) -> None:
        for row in reversed(self.rows):
            session.delete(row)
        session.flush()

    def redo(self, session: Session) -> None:
        add_again(session, *self.rows)
        session.flush()


@dataclass
class RowsRemoved(Change):
    """Rows deleted: undo brings them back with their ids (parents first), redo deletes."""

    rows: Sequence[Any]
    changed: Changed = dataclasses.field(default_factory=Changed)
    _keys: list[RowKey] = dataclasses.field(
        default_factory=list, repr=False, compare=False, kw_only=True
    )

    def touched(self) -> Sequence[RowKey]:
        return _kept_keys(self)

    def undo(self, session: Session) -> None:
        add_again(session, *self.rows)
        session.flush()

    def redo(self, session: Session) -> None:
        for row in reversed(self.rows):
            session.delete(row)
        session.flush()


#: Refreshes what holds ``rows`` (a parent's lists) after they are added or removed.
Settle = Callable[[Session, Sequence[Any]], None]


def _settle_nothing(session: Session, rows: Sequence[Any]) -> None:
    """Rows with no parent lists to refresh."""


@dataclass
class ChildRowsAdded(RowsAdded):
    """Rows added under a parent: after undo and redo ``settle`` refreshes its lists."""

    settle: Settle = _settle_nothing

    @property
    def row_id(self) -> int:
        """The id of the (first) row added."""
        return int(self.rows[0].id)

    def touched(self) -> Sequence[RowKey]:
        # ``settle`` only refreshes the parent's lists in this session: it writes nothing.
        return super().touched()

    def undo(self, session: Session) -> None:
        super().undo(session)
        self.settle(session, self.rows)

    def redo(self, session: Session) -> None:
        super().redo(session)
        self.settle(session, self.rows)


@dataclass
class ChildRowsRemoved(RowsRemoved):
    """Rows removed, parents first: undo brings them all back with their ids."""

    settle: Settle = _settle_nothing

    def touched(self) -> Sequence[RowKey]:
        # ``settle`` only refreshes the parent's lists in this session: it writes nothing.
        return super().touched()

    def undo(self, session: Session) -> None:
        # Every row first loses its old identity, so adding a parent back cannot
        # re-attach its children as rows that still exist.
        for row in self.rows:
            state = inspect(row)
            if state.detached or state.deleted:
                make_transient(row)
        super().undo(session)
        self.settle(session, self.rows)

    def redo(self, session: Session) -> None:
        super().redo(session)
        self.settle(session, self.rows)


@dataclass
class Steps(Change):
    """Several changes made as one edit: undone last first."""

    steps: Sequence[Change]

    @property
    def changed(self) -> Changed:  # type: ignore[override]
        result = Changed()
        for step in self.steps:
            result = result | step.changed
        return result

    def touched(self) -> Sequence[RowKey]:
        return [key for step in self.steps for key in step.touched()]

    def undo(self, session: Session) -> None:
        for step in reversed(self.steps):
            step.undo(session)

    def redo(self, session: Session) -> None:
        for step in self.steps:
            step.redo(session)

    @property
    def is_noop(self) -> bool:
        return all(step.is_noop for step in self.steps)


@dataclass
class Reversible(Change):
    """A change given as two functions of the session (for edits with their own record).

    ``rows_with`` names the versioned rows the last run left changed (as ``touched``).
    It must be given: rows with no version of their own (link rows, rows replaced
    rather than changed) are named by the owner that counts for them
    (``concurrency.owner_changed``).
    """

    undo_with: Callable[[Session], None]
    redo_with: Callable[[Session], None]
    changed: Changed = dataclasses.field(default_factory=Changed)
    rows_with: Callable[[], Sequence[RowKey]] = dataclasses.field(kw_only=True)

    def touched(self) -> Sequence[RowKey]:
        return self.rows_with()

    def undo(self, session: Session) -> None:
        self.undo_with(session)

    def redo(self, session: Session) -> None:
        self.redo_with(session)
