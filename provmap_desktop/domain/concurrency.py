"""Two people on one database: an edit or an undo made on stale data is refused.

Every row the app edits counts its saved versions (``models.Versioned``). SQLAlchemy
checks the version it read on each ``UPDATE`` and ``DELETE`` and raises
``StaleDataError`` when someone else saved the row since; ``refusal`` turns that into
a ``StaleEdit`` with a plain message. An undo is checked before it runs: the versions
this session last saved (``WrittenVersions``, kept from every flush that was
committed) must still be the ones in the database, or someone else has changed the rows
since and the undo would overwrite their work. Comparing with the session's own last
write, not with what the edit itself left, lets one's own later edits (and their
undos) come between an edit and its undo.

Every ``Change`` whose undo writes rows names them (``Change.touched``), rows it
inserted included: ``tests/domain/test_every_change_names_its_rows.py`` fails for one
that does not. Rows inserted by a flush are recorded at the version they were given;
rows written by a bulk statement, which no flush reports, are recorded through
``note_written``; rows a flush deletes (orphans of a parent's list among them) as gone.

Rows that belong to one owner and carry no version of their own, or are replaced
rather than changed (a group's weekdays, a provision's links to year groups and
trainings), are checked through their owner: a change to them saves a new version of
the owner (``owner_changed``), and the change names the owner in ``touched``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import Any

from sqlalchemy import bindparam, event, inspect, select
from sqlalchemy.orm import Session, UOWTransaction
from sqlalchemy.orm.exc import StaleDataError

from ..models import ROW_VERSION
from .change import Change, DomainError, RowKey

#: What a table's row is called in a message ("Someone else changed this pupil ...").
NOUNS: Mapping[str, str] = {
    "school_settings": "setting",
    "academic_years": "academic year",
    "terms": "term",
    "year_groups": "year group",
    "classes": "class",
    "staff_roles": "staff role",
    "staff": "member of staff",
    "funding_streams": "funding stream",
    "funding_budgets": "budget",
    "provisions": "provision",
    "provision_groups": "group",
    "group_slots": "group",
    "group_memberships": "group",
    "pupils": "pupil",
    "pupil_years": "pupil",
    "pupil_profiles": "pupil",
    "ehcps": "EHC plan",
    "ehcp_outcomes": "EHC plan",
    "ehcp_provision_items": "EHC plan",
    "reviews": "review",
    "delivery_sessions": "session",
    "session_attendance": "session",
    "planned_needs": "planned need",
    "trainings": "training",
    "staff_trainings": "member of staff",
    "learning_plans": "support plan",
    "plan_outcomes": "support plan",
    "plan_targets": "support plan",
    "plan_provisions": "support plan",
    "meetings": "meeting",
    "meeting_actions": "meeting",
}

_TABLE_IN_MESSAGE = re.compile(r"on table '([^']+)'")


class StaleEdit(DomainError):
    """Someone else saved the row since this copy of the app read it."""

    def __init__(self, table: str, *, action: str = "") -> None:
        self.table = table
        noun = NOUNS.get(table, "record")
        if action:
            text = (
                f"Someone else changed this {noun} since your edit, so it was not {action}; "
                "the screen has been reloaded."
            )
        else:
            text = (
                f"Someone else changed this {noun} since you opened it; "
                "the screen has been reloaded."
            )
        super().__init__(text)


def refusal(exc: StaleDataError, *, action: str = "") -> StaleEdit:
    """The plain refusal for SQLAlchemy's report that a saved row matched no version."""
    found = _TABLE_IN_MESSAGE.search(str(exc))
    return StaleEdit(found.group(1) if found else "", action=action)


def _version_column(model: type) -> Any:
    return getattr(model, ROW_VERSION, None)


@cache
def _version_query(model: type) -> Any:
    """``SELECT row_version ... WHERE id = :key`` for ``model``, built once."""
    column = _version_column(model)
    if column is None:
        return None
    primary: Any = inspect(model).primary_key[0]
    return select(column).where(primary == bindparam("key"))


def stored_version(session: Session, model: type, key: Any) -> int | None:
    """The version of the row as the database holds it now; None when it is gone."""
    query = _version_query(model)
    if query is None:
        return None
    version = session.execute(query, {"key": key}).scalar_one_or_none()
    return None if version is None else int(version)


def check_versions(
    session: Session, versions: Mapping[RowKey, int | None], *, action: str = "undone"
) -> None:
    """Raise ``StaleEdit`` unless every row is still at the version recorded."""
    for (model, key), version in versions.items():
        if stored_version(session, model, key) != version:
            table = getattr(model, "__tablename__", "")
            raise StaleEdit(table, action=action)


#: Where a session keeps its ``WrittenVersions`` (in ``Session.info``).
_WRITTEN = "provmap_written_versions"


def owner_changed(row: Any) -> None:
    """Save a new version of ``row`` because rows it owns have changed.

    A group's weekday rows are deleted and made again, so their ids change (on SQLite
    a new row may even take a deleted one's id, at version 1); a provision's link rows
    carry no version at all. Neither can tell that someone else changed them, so the
    owner counts for them: its version moves on with every change to them. An edit
    of them on a stale copy of the owner is then refused like an edit of the owner,
    and an undo that names the owner is refused once anyone has changed them since.
    """
    # Setting the version by hand: SQLAlchemy still checks the one it read in the
    # UPDATE's WHERE, and writes this one instead of counting on by itself.
    setattr(row, ROW_VERSION, getattr(row, ROW_VERSION) + 1)


def note_written(session: Session, versions: Mapping[RowKey, int | None]) -> None:
    """Record rows a bulk statement wrote, which no flush reports (None: deleted).

    Kept like a flush's rows: saved with the commit, dropped by a rollback. Nothing is
    kept for a session no one checks undos on (the command line, the demo build).
    """
    written = session.info.get(_WRITTEN)
    if isinstance(written, WrittenVersions):
        written._pending.update(versions)


class WrittenVersions:
    """The version each row had when this session last saved it (committed flushes)."""

    def __init__(self, session: Session) -> None:
        self.versions: dict[RowKey, int | None] = {}
        self._pending: dict[RowKey, int | None] = {}
        session.info[_WRITTEN] = self
        event.listen(session, "after_flush", self._flushed)
        event.listen(session, "persistent_to_deleted", self._deleted)
        event.listen(session, "after_commit", self._committed)
        event.listen(session, "after_soft_rollback", self._rolled_back)

    def _flushed(self, session: Session, _context: UOWTransaction) -> None:
        for row in (*session.new, *session.dirty):
            version = getattr(row, ROW_VERSION, None)
            # A row inserted in this flush has no identity yet (it is given one after
            # this event), but its primary key is already filled in.
            identity = inspect(row).mapper.primary_key_from_instance(row)
            if isinstance(version, int) and len(identity) == 1 and identity[0] is not None:
                self._pending[(type(row), identity[0])] = version

    def _deleted(self, _session: Session, row: object) -> None:
        # Called for each row a flush deleted, after ``_flushed``. ``session.deleted``
        # would miss the rows deleted as orphans (a slot taken out of its group's
        # list): the flush finds those itself, and lists them among the dirty rows.
        identity = inspect(row).identity
        if identity is not None and len(identity) == 1:
            self._pending[(type(row), identity[0])] = None

    def _committed(self, _session: Session) -> None:
        self.versions.update(self._pending)
        self._pending.clear()

    def _rolled_back(self, _session: Session, _previous: object) -> None:
        self._pending.clear()

    def check(self, session: Session, change: Change, *, action: str = "undone") -> None:
        """Raise ``StaleEdit`` if someone else saved a row ``change`` touched since this
        session last saved it."""
        recorded = {key: self.versions[key] for key in change.touched() if key in self.versions}
        check_versions(session, recorded, action=action)
