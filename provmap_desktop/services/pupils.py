"""Pupils: finding them, archiving leavers, Section F gaps, and data-protection requests.

Archive and restore change the session without committing, so a screen can wrap them in
an undo command; the subject access export only reads; erase commits, because it cannot
be undone and must not be left half-done.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, func, inspect, or_, select, update
from sqlalchemy.orm import Session, contains_eager, joinedload

from ..models import (
    AuditEntry,
    Base,
    DeliverySession,
    Ehcp,
    EhcpProvisionItem,
    GroupMembership,
    Provision,
    ProvisionGroup,
    Pupil,
    Review,
    SessionAttendance,
    YearGroup,
)
from ..storage.audit import AUDIT_OFF
from ..storage.safe_files import atomic_write

ERASED = "(erased)"


@dataclass
class PupilFilter:
    """What the pupil list shows. Empty collections and ``None`` flags mean "any"."""

    text: str = ""  # words matched against names; or the start of a UPN
    year_group_ids: set[int] = field(default_factory=set)
    class_ids: set[int] = field(default_factory=set)
    sen_statuses: set[str] = field(default_factory=set)
    need_codes: set[str] = field(default_factory=set)  # primary or secondary need
    eal: bool | None = None
    pupil_premium: bool | None = None
    fsm: bool | None = None
    cla: bool | None = None
    include_archived: bool = False
    archived_only: bool = False


def _like(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def find_pupils(session: Session, pupil_filter: PupilFilter | None = None) -> list[Pupil]:
    """The pupils that pass ``pupil_filter``, by year group, then surname and forename.

    One query: year group and class come with each pupil. Each word of ``text`` must
    appear in the forename, preferred name or surname; a word that starts a UPN matches
    that pupil too. Archived pupils are left out unless asked for.
    """
    f = pupil_filter or PupilFilter()
    query = (
        select(Pupil)
        .outerjoin(YearGroup, Pupil.year_group_id == YearGroup.id)
        .options(contains_eager(Pupil.year_group), joinedload(Pupil.school_class))
    )
    if f.archived_only:
        query = query.where(Pupil.archived.is_(True))
    elif not f.include_archived:
        query = query.where(Pupil.archived.is_(False))
    for word in f.text.split():
        pattern = _like(word)
        query = query.where(
            or_(
                Pupil.forename.ilike(pattern, escape="\\"),
                Pupil.preferred_name.ilike(pattern, escape="\\"),
                Pupil.surname.ilike(pattern, escape="\\"),
                Pupil.upn.startswith(word.upper(), autoescape=True),
            )
        )
    if f.year_group_ids:
        query = query.where(Pupil.year_group_id.in_(f.year_group_ids))
    if f.class_ids:
        query = query.where(Pupil.class_id.in_(f.class_ids))
    if f.sen_statuses:
        query = query.where(Pupil.sen_status.in_(f.sen_statuses))
    if f.need_codes:
        query = query.where(
            or_(Pupil.primary_need.in_(f.need_codes), Pupil.secondary_need.in_(f.need_codes))
        )
    for column, wanted in (
        (Pupil.eal, f.eal),
        (Pupil.pupil_premium, f.pupil_premium),
        (Pupil.fsm, f.fsm),
        (Pupil.cla, f.cla),
    ):
        if wanted is not None:
            query = query.where(column.is_(wanted))
    # Pupils with no year group sort after every year group.
    query = query.order_by(
        YearGroup.sort_order.is_(None),
        YearGroup.sort_order,
        func.lower(Pupil.surname),
        func.lower(Pupil.forename),
        Pupil.id,
    )
    return list(session.scalars(query).unique())


def archive_pupil(session: Session, pupil: Pupil, leaving_date: dt.date) -> None:
    """Mark a pupil as having left on ``leaving_date`` (kept, hidden day to day). No commit.

    Raises ``ValueError`` if the leaving date is before the date they joined.
    """
    if pupil.on_roll_date and leaving_date < pupil.on_roll_date:
        raise ValueError(
            f"The leaving date must not be before the date {pupil.display_name} joined."
        )
    pupil.archived = True
    pupil.leaving_date = leaving_date


def restore_pupil(session: Session, pupil: Pupil) -> None:
    """Bring an archived pupil back on roll (clears the leaving date). No commit."""
    pupil.archived = False
    pupil.leaving_date = None


# --- pupils still to complete -------------------------------------------------------

#: The start of ``sen_notes`` for a pupil added without a real UPN; the SENCO completes
#: the record (real UPN, surname, date of birth) and removes the note.
TO_COMPLETE = "To complete:"
# The letters a UPN may use (no I, O or S).
_UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


def temporary_upn(session: Session, year: int) -> str:
    """A temporary UPN not yet used, in the DfE form for one.

    A temporary UPN is a permanent one's check letter, LA number (3 digits), DfE
    establishment number (4) and year of issue (2), then a 2-digit serial and a letter
    instead of a 3-digit serial. The LA and establishment numbers are those most of the
    school's pupils' UPNs carry (the school's own, for pupils who started there), else
    the LA number in the school's settings with 0000. Raises ``ValueError`` when neither
    is known.
    """
    from stdnum.gb import upn as _upn

    from ..models import SchoolSettings

    upns = set(session.scalars(select(Pupil.upn)))
    prefixes: dict[str, int] = {}
    for number in upns:
        if _upn.is_valid(number):
            prefixes[number[1:8]] = prefixes.get(number[1:8], 0) + 1
    if prefixes:
        prefix = max(sorted(prefixes), key=lambda p: prefixes[p])
    else:
        settings = session.get(SchoolSettings, 1)
        la = (settings.la_number if settings else "").strip()
        if not (len(la) == 3 and la.isdigit()):
            raise ValueError(
                "A temporary UPN needs the school's LA number: enter it in Settings first."
            )
        prefix = f"{la}0000"
    for serial in range(100):
        for letter in _UPN_LETTERS:
            body = f"{prefix}{year % 100:02d}{serial:02d}{letter}"
            number = f"{_upn.calc_check_digit(body)}{body}"
            if not _upn.is_valid(number):
                raise ValueError(f"{prefix[:3]} is not a known LA number: correct it in Settings.")
            if number not in upns:
                return number
    raise ValueError("Every temporary UPN for this year is in use.")


def add_pupil_to_complete(
    session: Session,
    *,
    forename: str,
    surname: str,
    year_group_id: int | None,
    why: str,
    today: dt.date,
) -> Pupil:
    """Add a pupil known only by name, with a temporary UPN, marked for completion.

    ``sen_notes`` starts with ``TO_COMPLETE`` and says why. Flushed, not committed.
    """
    pupil = Pupil(
        upn=temporary_upn(session, today.year),
        forename=forename,
        surname=surname,
        year_group_id=year_group_id,
        on_roll_date=today,
        sen_notes=f"{TO_COMPLETE} {why} Enter the real UPN, surname and date of birth.",
    )
    session.add(pupil)
    session.flush()
    return pupil


# --- Section F -----------------------------------------------------------------------


@dataclass(frozen=True)
class SectionFGap:
    """A Section F item that no current allocation meets, and why, in plain words."""

    item: EhcpProvisionItem
    pupil: Pupil
    reason: str


def _gap_reason(
    item: EhcpProvisionItem, membership: GroupMembership | None, pupil: Pupil, today: dt.date
) -> str | None:
    if item.membership_id is None:
        return "Not linked to any allocation."
    if membership is None or membership.pupil_id != pupil.id:
        return "Linked to an allocation that is not this pupil's."
    if membership.join_date > today:
        return f"The linked allocation starts on {membership.join_date:%d/%m/%Y}."
    if membership.leave_date is not None and membership.leave_date < today:
        return f"The linked allocation ended on {membership.leave_date:%d/%m/%Y}."
    return None


def section_f_gaps(
    session: Session, today: dt.date, pupil: Pupil | None = None
) -> list[SectionFGap]:
    """Section F items with no linked allocation current on ``today``.

    For one pupil, or (``pupil=None``) for every on-roll pupil with an EHCP, ordered by
    surname then the plan's own item order.
    """
    query = (
        select(EhcpProvisionItem, Pupil, GroupMembership)
        .join(Ehcp, EhcpProvisionItem.ehcp_id == Ehcp.id)
        .join(Pupil, Ehcp.pupil_id == Pupil.id)
        .outerjoin(GroupMembership, EhcpProvisionItem.membership_id == GroupMembership.id)
        .order_by(func.lower(Pupil.surname), Pupil.id, EhcpProvisionItem.sort_order)
    )
    if pupil is not None:
        query = query.where(Pupil.id == pupil.id)
    else:
        query = query.where(Pupil.archived.is_(False))
    gaps = []
    for item, owner, membership in session.execute(query):
        reason = _gap_reason(item, membership, owner, today)
        if reason:
            gaps.append(SectionFGap(item=item, pupil=owner, reason=reason))
    return gaps


def suggest_membership(
    session: Session, item: EhcpProvisionItem, today: dt.date | None = None
) -> GroupMembership | None:
    """The pupil's allocation current on ``today`` in a group of the item's provision.

    The most recently joined one if several; ``None`` if the item names no provision.
    """
    if item.provision_id is None:
        return None
    day = today or dt.date.today()
    return session.scalars(
        select(GroupMembership)
        .join(ProvisionGroup, GroupMembership.group_id == ProvisionGroup.id)
        .join(Ehcp, Ehcp.pupil_id == GroupMembership.pupil_id)
        .where(
            Ehcp.id == item.ehcp_id,
            ProvisionGroup.provision_id == item.provision_id,
            GroupMembership.join_date <= day,
            or_(GroupMembership.leave_date.is_(None), GroupMembership.leave_date >= day),
        )
        .order_by(GroupMembership.join_date.desc(), GroupMembership.id.desc())
        .limit(1)
    ).first()


# --- subject access ------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _columns(obj: Base | None) -> dict[str, Any] | None:
    if obj is None:
        return None
    return {a.key: _plain(getattr(obj, a.key)) for a in inspect(obj).mapper.column_attrs}


def _json_or_text(text: str | None) -> Any:
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
    conditions = [AuditEntry.pupil_id == pupil.id]
    for table, ids in _ehcp_part_ids(session, pupil).items():
        if ids:
            conditions.append((AuditEntry.table_name == table) & AuditEntry.row_id.in_(ids))
    return select(AuditEntry).where(or_(*conditions)).order_by(AuditEntry.at, AuditEntry.id)


def _provision_name(session: Session, provision_id: int | None) -> str | None:
    provision = session.get(Provision, provision_id) if provision_id is not None else None
    return provision.name if provision else None


def subject_access_export(session: Session, pupil: Pupil) -> dict[str, Any]:
    """Everything held about ``pupil`` as plain JSON-ready data (dates in ISO form)."""
    ehcp = pupil.ehcp
    memberships = session.scalars(
        select(GroupMembership)
        .where(GroupMembership.pupil_id == pupil.id)
        .options(joinedload(GroupMembership.group).joinedload(ProvisionGroup.provision))
        .order_by(GroupMembership.join_date)
    ).all()
    attendance = session.execute(
        select(SessionAttendance, DeliverySession)
        .join(DeliverySession, SessionAttendance.session_id == DeliverySession.id)
        .where(SessionAttendance.pupil_id == pupil.id)
        .order_by(DeliverySession.session_date)
    ).all()
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
        "ehcp": None
        if ehcp is None
        else {
            **(_columns(ehcp) or {}),
            "outcomes": [o.text for o in ehcp.outcomes],
            "provision_items": [
                {**(_columns(i) or {}), "provision": _provision_name(session, i.provision_id)}
                for i in ehcp.provision_items
            ],
        },
        "memberships": [
            {
                "id": m.id,
                "provision": m.group.provision.name,
                "group": m.group.name,
                "join_date": _plain(m.join_date),
                "leave_date": _plain(m.leave_date),
                "staff": m.group.staff.name if m.group.staff else None,
            }
            for m in memberships
        ],
        "reviews": [_columns(r) for r in reviews],
        "attendance": [
            {
                "session_date": _plain(s.session_date),
                "group_id": s.group_id,
                "session_status": s.status,
                "present": a.present,
                "absence_reason": a.absence_reason,
            }
            for a, s in attendance
        ],
        "audit": [
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
        ],
    }


def write_subject_access_json(session: Session, pupil: Pupil, path: Path) -> None:
    """Write the export to ``path`` whole or not at all (temp file, then rename)."""
    text = json.dumps(subject_access_export(session, pupil), indent=2, ensure_ascii=False)
    with atomic_write(Path(path)) as temp:
        temp.write_text(text, encoding="utf-8")


# --- erasure -------------------------------------------------------------------------


def _mentions(entry: AuditEntry, upn: str, names: list[tuple[str, str]]) -> bool:
    # Case-blind, like the LIKE query that found the candidates.
    text = " ".join(t for t in (entry.summary, entry.before_json, entry.after_json) if t)
    text = text.casefold()
    if upn.casefold() in text:
        return True
    return any(
        fore and sur and fore.casefold() in text and sur.casefold() in text for fore, sur in names
    )


def _name_forms(text: str) -> set[str]:
    # The audit log stores JSON with non-ASCII letters escaped ("Zo\u00eb").
    return {text, json.dumps(text)[1:-1]} if text else set()


def erase_pupil(session: Session, pupil: Pupil) -> None:
    """Delete the pupil and every row about them, blank their audit entries, commit.

    Audit entries about them (by pupil id, by their EHCP rows, or naming their UPN or
    both forename and surname) keep their date and action but lose their content.
    One "pupil erased" entry with no personal data records that it happened. Run
    ``vacuum`` afterwards so the deleted text does not linger in free pages.
    """
    pupil_id = pupil.id
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
                    column.contains(form, autoescape=True)
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
    was_off = session.info.get(AUDIT_OFF, False)
    session.info[AUDIT_OFF] = True
    try:
        # Overwrite deleted text with zeros in the file itself, not just unlink it.
        session.connection().exec_driver_sql("PRAGMA secure_delete = ON")
        session.execute(delete(SessionAttendance).where(SessionAttendance.pupil_id == pupil_id))
        session.execute(delete(Review).where(Review.pupil_id == pupil_id))
        session.execute(
            update(EhcpProvisionItem)
            .where(
                EhcpProvisionItem.membership_id.in_(
                    select(GroupMembership.id).where(GroupMembership.pupil_id == pupil_id)
                )
            )
            .values(membership_id=None)
        )
        session.execute(delete(GroupMembership).where(GroupMembership.pupil_id == pupil_id))
        session.delete(pupil)
        session.flush()
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


def vacuum(session: Session) -> bool:
    """Rebuild the database file so no deleted text is left in its free pages.

    Runs VACUUM on its own autocommit connection, then empties the write-ahead log. The
    session must have nothing unsaved; any read transaction it holds is ended first,
    because SQLite cannot vacuum while a transaction is open. Returns ``False`` when
    another connection (a report reading the file) kept the log from being emptied, so
    old pages may remain in it until that connection closes.
    """
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("Save or discard the pending changes before compacting the file.")
    if session.in_transaction():
        session.rollback()
    engine = session.get_bind()
    assert isinstance(engine, Engine), "vacuum needs a session bound to an engine"
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM")
        if conn.exec_driver_sql("PRAGMA journal_mode").scalar() != "wal":
            return True
        busy, _frames, _done = conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
        return busy == 0
