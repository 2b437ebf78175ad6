"""The audit trail: every insert, update and delete made through the ORM is logged.

Hooks on a database's own session factory (``install_audit(factory)``, done by
``storage.database.Database``) write an ``AuditEntry`` per changed row with the old and
new values as JSON, so no screen or service has to remember to. Only sessions made by
that factory are audited: a session on any other engine is left alone.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session, UOWTransaction, sessionmaker

from ..models import AuditEntry, Base, Pupil

#: Set ``session.info[AUDIT_OFF] = True`` for bulk loads (demo school, benchmark data)
#: where a log of each generated row would only double the file.
AUDIT_OFF = "audit_off"


def _jsonable(value: Any) -> Any:
    """A value JSON can hold: dates as ISO text, amounts as exact decimal text.

    A file's bytes are logged only as their size: the log must not hold a second copy
    of a document (which erasure would then have to find as well).
    """
    if isinstance(value, bytes | bytearray | memoryview):
        return f"({len(value)} bytes)"
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _column_values(obj: Base) -> dict[str, Any]:
    """Every column of the row, ready for JSON."""
    mapper = inspect(obj).mapper
    return {col.key: _jsonable(getattr(obj, col.key)) for col in mapper.column_attrs}


def _pupil_of(obj: Base) -> int | None:
    """The pupil a row is about, if any, so a pupil's history can be found and erased."""
    if isinstance(obj, Pupil):
        return obj.id
    pupil_id = getattr(obj, "pupil_id", None)
    return pupil_id if isinstance(pupil_id, int) else None


def _describe(obj: Base) -> str:
    """A short human name for the row: its display name, name, label or text."""
    for attr in ("display_name", "name", "label", "text"):
        value = getattr(obj, attr, None)
        if isinstance(value, str) and value:
            return value[:80]
    return ""


def _changed_values(obj: Base) -> tuple[dict[str, Any], dict[str, Any]]:
    """The changed columns' values before and after, for an update."""
    state = inspect(obj)
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for attr in state.mapper.column_attrs:
        history = state.attrs[attr.key].history
        if history.has_changes():
            before[attr.key] = _jsonable(history.deleted[0]) if history.deleted else None
            after[attr.key] = _jsonable(history.added[0]) if history.added else None
    return before, after


def _log_changes(session: Session, _flush_context: UOWTransaction, _instances: Any) -> None:
    """Before a flush: log updates and deletes; keep new rows until they have ids."""
    if session.info.get(AUDIT_OFF):
        return
    now = dt.datetime.now()
    entries: list[AuditEntry] = []
    for obj in session.dirty:
        if isinstance(obj, AuditEntry) or not session.is_modified(obj):
            continue
        before, after = _changed_values(obj)
        if before == after:
            continue
        entries.append(_entry("update", obj, now, before, after))
    for obj in session.deleted:
        if not isinstance(obj, AuditEntry):
            entries.append(_entry("delete", obj, now, _column_values(obj), None))
    pending = [o for o in session.new if not isinstance(o, AuditEntry)]
    if pending:
        # New rows have no id until flushed: record them after the flush assigns one.
        session.info.setdefault("audit_pending", []).extend(pending)
    session.add_all(entries)


_INSERT = insert(AuditEntry)


def _log_inserts(session: Session, _flush_context: UOWTransaction) -> None:
    """After a flush: log the new rows, now that they have ids."""
    pending = session.info.pop("audit_pending", [])
    if not pending:
        return
    now = dt.datetime.now()
    entries = [_entry("insert", obj, now, None, _column_values(obj)) for obj in pending]
    # Written straight away on the flush's own connection, in the same transaction:
    # adding them as objects would cost the commit a second flush.
    rows = [
        {c.key: getattr(entry, c.key) for c in AuditEntry.__table__.columns if c.key != "id"}
        for entry in entries
    ]
    session.connection().execute(_INSERT, rows)


def _entry(
    action: str,
    obj: Base,
    now: dt.datetime,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> AuditEntry:
    """One audit row for ``obj``."""
    identity = inspect(obj).identity
    row_id = identity[0] if identity and isinstance(identity[0], int) else None
    return AuditEntry(
        at=now,
        action=action,
        table_name=obj.__tablename__,
        row_id=row_id if row_id is not None else getattr(obj, "id", None),
        pupil_id=_pupil_of(obj),
        summary=_describe(obj),
        before_json=json.dumps(before) if before is not None else None,
        after_json=json.dumps(after) if after is not None else None,
    )


#: Set on a session factory once its sessions are audited.
_INSTALLED = "provmap_audit_installed"


def install_audit(factory: sessionmaker[Session]) -> None:
    """Audit every session ``factory`` makes (installing twice changes nothing).

    The factory itself is marked. Asking SQLAlchemy whether the listener is already
    there is not enough: its registry is keyed by object ids, and a new factory given
    the id of one already freed was taken as installed, so its sessions went unaudited.
    """
    if factory.__dict__.get(_INSTALLED):
        return
    event.listen(factory, "before_flush", _log_changes)
    event.listen(factory, "after_flush_postexec", _log_inserts)
    factory.__dict__[_INSTALLED] = True
