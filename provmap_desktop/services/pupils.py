"""Pupils: finding them, and the Section F items no current allocation meets.

Writes to pupils (adding, editing, archiving, erasing) are in ``domain.pupils``;
subject access exports and erasure in ``services.data_protection``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session, contains_eager, joinedload

from ..domain import pupils as domain_pupils
from ..domain.pupils import TO_COMPLETE
from ..models import (
    CustomField,
    CustomFieldValue,
    Ehcp,
    EhcpProvisionItem,
    FieldKind,
    GroupMembership,
    ProvisionGroup,
    Pupil,
    YearGroup,
)
from .formatting import parse_date

__all__ = [
    "TO_COMPLETE",
    "PupilFilter",
    "SectionFGap",
    "add_pupil_to_complete",
    "find_pupils",
    "joined_by",
    "last_day_of_year",
    "section_f_gaps",
    "suggest_membership",
]


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
    #: A custom field to filter on, and the words its value must hold ("" for any value).
    custom_field_id: int | None = None
    custom_text: str = ""
    #: Pupils joining after this day (next year's intake, recorded ahead) are left out;
    #: with ``intake_only`` they are the only ones shown. ``None``: joining dates ignored.
    roll_day: dt.date | None = None
    intake_only: bool = False


def joined_by(day: dt.date) -> ColumnElement[bool]:
    """Pupils who have joined the school by ``day`` (or whose joining date is not known)."""
    return or_(Pupil.on_roll_date.is_(None), Pupil.on_roll_date <= day)


def last_day_of_year(session: Session, today: dt.date) -> dt.date:
    """The last day of the year the school is working in (``today`` if later, or if no
    year is set up). A pupil joining after it is next year's intake: on no map, register,
    list or count of this year, only in the plan for next year."""
    from .calendar import current_or_latest_year

    year = current_or_latest_year(session, today)
    return max(year.end_date, today) if year is not None else today


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
    if f.roll_day is not None:
        joined = joined_by(f.roll_day)
        query = query.where(~joined if f.intake_only else joined)
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
    if f.custom_field_id is not None and f.custom_text.strip():
        query = query.where(_custom_value_holds(session, f.custom_field_id, f.custom_text))
    # Pupils with no year group sort after every year group.
    query = query.order_by(
        YearGroup.sort_order.is_(None),
        YearGroup.sort_order,
        func.lower(Pupil.surname),
        func.lower(Pupil.forename),
        Pupil.id,
    )
    return list(session.scalars(query).unique())


def _custom_value_holds(session: Session, field_id: int, text: str) -> Any:
    """A condition: the pupil's value of the custom field holds ``text`` (any case).

    A date field is matched on the day when ``text`` is a whole date (dd/mm/yyyy), and
    on the stored yyyy-mm-dd form otherwise (so "2026" finds every date that year).
    """
    wanted = text.strip()
    field = session.get(CustomField, field_id)
    condition: Any = CustomFieldValue.value.ilike(_like(wanted), escape="\\")
    if field is not None and field.kind == FieldKind.DATE:
        with contextlib.suppress(ValueError):
            condition = CustomFieldValue.value == parse_date(wanted).isoformat()
    elif field is not None and field.kind in (FieldKind.YES_NO, FieldKind.CHOICE):
        condition = func.lower(CustomFieldValue.value) == wanted.casefold()
    return (
        select(CustomFieldValue.id)
        .where(
            CustomFieldValue.pupil_id == Pupil.id,
            CustomFieldValue.field_id == field_id,
            condition,
        )
        .exists()
    )


def custom_values(session: Session, field_id: int) -> dict[int, str]:
    """Every pupil's stored value of a custom field, by pupil id."""
    return dict(
        session.execute(
            select(CustomFieldValue.pupil_id, CustomFieldValue.value).where(
                CustomFieldValue.field_id == field_id
            )
        ).all()
    )


# --- pupils still to complete -------------------------------------------------------


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

    The pupil domain's ``add_to_complete`` makes the row (flushed, not committed);
    this returns the pupil itself for an import that goes on to allocate them.
    """
    change = domain_pupils.add_to_complete(
        session,
        forename=forename,
        surname=surname,
        year_group_id=year_group_id,
        why=why,
        today=today,
    )
    return change.rows[0]


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

    For one pupil, or (``pupil=None``) for every on-roll pupil with an EHCP (next year's
    intake is not on roll yet), ordered by surname then the plan's own item order.
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
    else:  # next year's intake is planned for next year, not counted in this one
        query = query.where(Pupil.archived.is_(False), joined_by(last_day_of_year(session, today)))
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
