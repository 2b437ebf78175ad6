"""Data-protection requests about one pupil: a subject access export, and erasure.

The subject access export only reads. Erasure commits, because it cannot be undone and
must not be left half-done: the rows go through the pupil domain's ``erase``, and the
record of changes is blanked here in the same transaction. ``vacuum`` then rebuilds
the file so no deleted text lingers in its free pages.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, inspect, or_, select, update
from sqlalchemy.orm import Session, joinedload

from ..domain import custom_fields
from ..domain.change import Changed, DomainError
from ..domain.documents import documents_of
from ..domain.pupils import erase
from ..models import (
    ROW_VERSION,
    AuditEntry,
    Base,
    DeliverySession,
    Ehcp,
    GroupMembership,
    Provision,
    ProvisionGroup,
    Pupil,
    Review,
    SessionAttendance,
)
from ..storage.audit import AUDIT_OFF
from ..storage.safe_files import atomic_write
from .documents import export_documents
from .plans import meetings_of, plan_versions

ERASED = "(erased)"


# --- subject access ------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """A value as JSON holds it: dates and times in ISO form, money as text."""
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _columns(obj: Base | None) -> dict[str, Any] | None:
    """Every stored column of ``obj`` as plain values, or None for no row."""
    if obj is None:
        return None
    attrs = inspect(obj).mapper.column_attrs
    return {a.key: _plain(getattr(obj, a.key)) for a in attrs if a.key != ROW_VERSION}


def _json_or_text(text: str | None) -> Any:
    """Stored JSON read back as data; text that is not JSON as it is."""
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


_EHCP_PARTS = ("ehcp_outcomes", "ehcp_provision_items")


def _ehcp_part_ids(session: Session, pupil: Pupil) -> dict[str, set[int]]:
    """Ids of the pupil's EHCP outcomes and Section F items, now and in the audit log.

    Those tables carry no ``pupil_id``, so their audit entries are found through the
    plan: every plan the pupil has had (the log keeps deleted ones) and every row whose
    logged values name one of those plans, including rows since deleted.
    """
    plan_ids = set(
        session.scalars(
            select(AuditEntry.row_id).where(
                AuditEntry.table_name == Ehcp.__tablename__,
                AuditEntry.pupil_id == pupil.id,
                AuditEntry.row_id.is_not(None),
            )
        )
    )
    ids: dict[str, set[int]] = {table: set() for table in _EHCP_PARTS}
    if pupil.ehcp is not None:
        plan_ids.add(pupil.ehcp.id)
        ids["ehcp_outcomes"] = {o.id for o in pupil.ehcp.outcomes}
        ids["ehcp_provision_items"] = {i.id for i in pupil.ehcp.provision_items}
    if not plan_ids:
        return ids
    mentions = [f'"ehcp_id": {plan_id}' for plan_id in plan_ids]
    logged = session.execute(
        select(
            AuditEntry.table_name, AuditEntry.row_id, AuditEntry.before_json, AuditEntry.after_json
        )
        .where(AuditEntry.table_name.in_(_EHCP_PARTS))
        .where(
            or_(
                *(
                    column.contains(text)
                    for text in mentions
                    for column in (AuditEntry.before_json, AuditEntry.after_json)
                )
            )
        )
    )
    for table, row_id, before, after in logged:
        # '"ehcp_id": 1' also matches 12: read the JSON to be sure.
        values = [_json_or_text(before), _json_or_text(after)]
        if row_id is not None and any(
            isinstance(v, dict) and v.get("ehcp_id") in plan_ids for v in values
        ):
            ids[table].add(row_id)
    return ids


def _audit_query(session: Session, pupil: Pupil) -> Any:
    """The query for audit entries about the pupil's own rows and their EHCP parts."""
    conditions = [AuditEntry.pupil_id == pupil.id]
    for table, ids in _ehcp_part_ids(session, pupil).items():
        if ids:
            conditions.append((AuditEntry.table_name == table) & AuditEntry.row_id.in_(ids))
    return select(AuditEntry).where(or_(*conditions)).order_by(AuditEntry.at, AuditEntry.id)


def _provision_name(session: Session, provision_id: int | None) -> str | None:
    """The name of provision ``provision_id``, or None when there is none."""
    provision = session.get(Provision, provision_id) if provision_id is not None else None
    return provision.name if provision else None


def subject_access_export(session: Session, pupil: Pupil) -> dict[str, Any]:
    """Everything held about ``pupil`` as plain JSON-ready data (dates in ISO form)."""
    reviews = session.scalars(
        select(Review).where(Review.pupil_id == pupil.id).order_by(Review.id)
    ).all()
    return {
        "exported_on": dt.date.today().isoformat(),
        "pupil": {
            **(_columns(pupil) or {}),
            "year_group": pupil.year_group.name if pupil.year_group else None,
            "class": pupil.school_class.name if pupil.school_class else None,
        },
        "profile": _columns(pupil.profile),
        "ehcp": _ehcp_export(session, pupil.ehcp),
        "memberships": _memberships_export(session, pupil),
        "reviews": [_columns(r) for r in reviews],
        "plans": _plans_export(session, pupil),
        "meetings": _meetings_export(session, pupil),
        "custom_fields": _custom_fields_export(session, pupil),
        "documents": [_columns(d) for d in documents_of(session, pupil.id)],
        "attendance": _attendance_export(session, pupil),
        "audit": _audit_export(session, pupil),
    }


def _ehcp_export(session: Session, ehcp: Ehcp | None) -> dict[str, Any] | None:
    """The pupil's EHC plan with its outcomes and Section F items, or None without one."""
    if ehcp is None:
        return None
    return {
        **(_columns(ehcp) or {}),
        "outcomes": [o.text for o in ehcp.outcomes],
        "annual_reviews": [_columns(r) for r in ehcp.annual_reviews],
        "provision_items": [
            {**(_columns(i) or {}), "provision": _provision_name(session, i.provision_id)}
            for i in ehcp.provision_items
        ],
    }


def _plans_export(session: Session, pupil: Pupil) -> list[dict[str, Any]]:
    """Every version of the pupil's SEN support plan, first first, with all its rows."""
    return [
        {
            **(_columns(plan) or {}),
            "outcomes": [_columns(o) for o in plan.outcomes],
            "targets": [_columns(t) for t in plan.targets],
            "provisions": [
                {**(_columns(p) or {}), "provision": _provision_name(session, p.provision_id)}
                for p in plan.provisions
            ],
        }
        for plan in plan_versions(session, pupil.id)
    ]


def _meetings_export(session: Session, pupil: Pupil) -> list[dict[str, Any]]:
    """Every meeting logged about the pupil, with the actions agreed."""
    return [
        {**(_columns(m) or {}), "actions": [_columns(a) for a in m.actions]}
        for m in sorted(meetings_of(session, pupil.id), key=lambda m: (m.held_on, m.id))
    ]


def _custom_fields_export(session: Session, pupil: Pupil) -> list[dict[str, Any]]:
    """The pupil's value of each custom field the school keeps (blank ones too)."""
    values = custom_fields.values_of(session, pupil.id)
    return [
        {
            "field": field.name,
            "kind": field.kind,
            "value": custom_fields.shown_value(field, values.get(field.id)),
        }
        for field in custom_fields.fields_in_order(session)
    ]


def _memberships_export(session: Session, pupil: Pupil) -> list[dict[str, Any]]:
    """Every group the pupil has belonged to, earliest first, with its provision and staff."""
    memberships = session.scalars(
        select(GroupMembership)
        .where(GroupMembership.pupil_id == pupil.id)
        .options(joinedload(GroupMembership.group).joinedload(ProvisionGroup.provision))
        .order_by(GroupMembership.join_date)
    ).all()
    return [
        {
            "id": m.id,
            "provision": m.group.provision.name,
            "group": m.group.name,
            "join_date": _plain(m.join_date),
            "leave_date": _plain(m.leave_date),
            "staff": m.group.staff.name if m.group.staff else None,
        }
        for m in memberships
    ]


def _attendance_export(session: Session, pupil: Pupil) -> list[dict[str, Any]]:
    """The pupil's attendance at each delivered session, in date order."""
    attendance = session.execute(
        select(SessionAttendance, DeliverySession)
        .join(DeliverySession, SessionAttendance.session_id == DeliverySession.id)
        .where(SessionAttendance.pupil_id == pupil.id)
        .order_by(DeliverySession.session_date)
    ).all()
    return [
        {
            "session_date": _plain(s.session_date),
            "group_id": s.group_id,
            "session_status": s.status,
            "present": a.present,
            "absence_reason": a.absence_reason,
        }
        for a, s in attendance
    ]


def _audit_export(session: Session, pupil: Pupil) -> list[dict[str, Any]]:
    """The record of changes to the pupil's rows, oldest first, with before and after."""
    return [
        {
            "at": _plain(e.at),
            "action": e.action,
            "table": e.table_name,
            "row_id": e.row_id,
            "summary": e.summary,
            "before": _json_or_text(e.before_json),
            "after": _json_or_text(e.after_json),
        }
        for e in session.scalars(_audit_query(session, pupil))
    ]


def documents_folder(json_path: Path) -> Path:
    """Where a subject access export's documents go: a folder beside its JSON."""
    return json_path.with_name(f"{json_path.stem} documents")


def write_subject_access_json(session: Session, pupil: Pupil, path: Path) -> None:
    """Write the export to ``path`` whole or not at all (temp file, then rename).

    The pupil's documents are written as files into ``documents_folder(path)``; the
    JSON lists each with the name of its file there.
    """
    path = Path(path)
    export = subject_access_export(session, pupil)
    if export["documents"]:
        export["documents"] = export_documents(session, pupil.id, documents_folder(path))
    text = json.dumps(export, indent=2, ensure_ascii=False)
    with atomic_write(Path(path)) as temp:
        temp.write_text(text, encoding="utf-8")


# --- erasure -------------------------------------------------------------------------


def _mentions(entry: AuditEntry, upn: str, names: list[tuple[str, str]]) -> bool:
    """True when the entry's words name the pupil by UPN or by forename and surname."""
    # Case-blind, like the LIKE query that found the candidates.
    text = " ".join(t for t in (entry.summary, entry.before_json, entry.after_json) if t)
    text = text.casefold()
    if upn.casefold() in text:
        return True
    return any(
        fore and sur and fore.casefold() in text and sur.casefold() in text for fore, sur in names
    )


def _name_forms(text: str) -> set[str]:
    """A name as typed and as the audit log's JSON stores it."""
    # The audit log stores JSON with non-ASCII letters escaped ("Zo\u00eb").
    return {text, json.dumps(text)[1:-1]} if text else set()


def _audit_ids_about(session: Session, pupil: Pupil) -> set[int]:
    """Ids of the audit entries about ``pupil``: by pupil id, by their EHCP rows, or
    naming their UPN or both their forename and surname."""
    upn = pupil.upn
    names = [
        (fore, sur)
        for first in {pupil.forename, pupil.preferred_name} - {""}
        for fore in _name_forms(first)
        for sur in _name_forms(pupil.surname)
    ]
    audit_ids = set(session.scalars(_audit_query(session, pupil).with_only_columns(AuditEntry.id)))
    surname_forms = _name_forms(pupil.surname) | {upn}
    for entry in session.scalars(
        select(AuditEntry).where(
            or_(
                *(
                    # Any case: SQLite's LIKE ignores case in ASCII, PostgreSQL's does not.
                    column.icontains(form, autoescape=True)
                    for form in surname_forms
                    for column in (
                        AuditEntry.summary,
                        AuditEntry.before_json,
                        AuditEntry.after_json,
                    )
                )
            )
        )
    ):
        if _mentions(entry, upn, names):
            audit_ids.add(entry.id)
    return audit_ids


def erase_pupil(session: Session, pupil_id: int) -> Changed:
    """Delete the pupil and every row about them, blank their audit entries, commit.

    The rows go through the pupil domain's ``erase``. Audit entries about them keep
    their date and action but lose their content. One "pupil erased" entry with no
    personal data records that it happened. Returns what changed, for the screens.
    Run ``vacuum`` afterwards so the deleted text does not linger in free pages.
    """
    pupil = session.get(Pupil, pupil_id)
    if pupil is None:
        raise DomainError("That pupil is no longer in the database.")
    audit_ids = _audit_ids_about(session, pupil)
    was_off = session.info.get(AUDIT_OFF, False)
    session.info[AUDIT_OFF] = True
    try:
        if session.get_bind().dialect.name == "sqlite":
            # Overwrite deleted text with zeros in the file itself, not just unlink it.
            session.connection().exec_driver_sql("PRAGMA secure_delete = ON")
        change = erase(session, pupil_id)
        if audit_ids:
            session.execute(
                update(AuditEntry)
                .where(AuditEntry.id.in_(audit_ids))
                .values(summary=ERASED, before_json=None, after_json=None, pupil_id=None)
            )
        session.add(
            AuditEntry(
                at=dt.datetime.now(),
                action="erase",
                table_name=Pupil.__tablename__,
                row_id=None,
                pupil_id=None,
                summary="pupil erased",
            )
        )
        session.commit()
    except Exception:
        session.rollback()
        raise
    finally:
        session.info[AUDIT_OFF] = was_off
    session.expire_all()
    return change.changed


def vacuum(session: Session) -> bool:
    """Rebuild the database file so no deleted text is left in its free pages.

    Runs VACUUM on its own autocommit connection, then empties the write-ahead log. The
    session must have nothing unsaved; any read transaction it holds is ended first,
    because SQLite cannot vacuum while a transaction is open. Returns ``False`` when
    another connection (a report reading the file) kept the log from being emptied, so
    old pages may remain in it until that connection closes.

    On a PostgreSQL server the same word asks the server to reclaim the deleted rows'
    space (plain ``VACUUM``, which the server's autovacuum would also do in time).
    """
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("Save or discard the pending changes before compacting the file.")
    if session.in_transaction():
        session.rollback()
    engine = session.get_bind()
    assert isinstance(engine, Engine), "vacuum needs a session bound to an engine"
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM")
        if engine.dialect.name != "sqlite":
            return True
        if conn.exec_driver_sql("PRAGMA journal_mode").scalar() != "wal":
            return True
        busy, _frames, _done = conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
        return busy == 0
