"""Pupils: every write to a pupil's record.

Each function takes the session first, checks what it is given, changes the session
without committing and returns a ``Change`` that undoes and redoes it. A refused value
raises ``DomainError`` with a sentence a SENCO can act on, and nothing is changed.
Each field's rule is in ``pupil_fields``; the one-page profile's write is in ``profiles``.

    change = pupils.add(session, forename="Eve", surname="Evans", upn="X801200016001")
    pupils.update(session, change.pupil_id, "fsm", True)
    session.commit()
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy import update as sql_update
from sqlalchemy.orm import Session

from ..models import (
    CustomFieldValue,
    DocumentContent,
    EhcpAnnualReview,
    EhcpProvisionItem,
    GroupMembership,
    LearningPlan,
    Meeting,
    MeetingAction,
    PlanOutcome,
    PlanProvision,
    PlanTarget,
    Pupil,
    PupilDocument,
    Review,
    SchoolSettings,
    SessionAttendance,
)
from ..models.vocab import SenStatus
from ..rules.pupil_rules import checked_name
from .change import (
    Change,
    Changed,
    DomainError,
    FieldChange,
    Kind,
    RowsAdded,
    Steps,
    set_field,
)
from .pupil_fields import RULES, checked_upn, plainly

PUPILS = Changed.of(Kind.PUPILS)
#: The start of ``sen_notes`` for a pupil added without a real UPN; the SENCO completes
#: the record (real UPN, surname, date of birth) and removes the note.
TO_COMPLETE = "To complete:"
_UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"  # the letters a UPN may use (no I, O or S)


def _pupil(session: Session, pupil_id: int) -> Pupil:
    """The pupil ``pupil_id``, or ``DomainError`` when they are gone."""
    pupil = session.get(Pupil, pupil_id)
    if pupil is None:
        raise DomainError("That pupil is no longer in the database.")
    return pupil


# -- adding ---------------------------------------------------------------------------


@dataclass
class PupilAdded(RowsAdded):
    """A pupil added: undo removes them, redo brings them back with the same id."""

    @property
    def pupil_id(self) -> int:
        """The new pupil's id."""
        return int(self.rows[0].id)


def temporary_upn(session: Session, year: int) -> str:
    """A temporary UPN not yet used, in the DfE form for one.

    A temporary UPN is a permanent one's check letter, LA number (3 digits), DfE
    establishment number (4) and year of issue (2), then a 2-digit serial and a letter
    instead of a 3-digit serial. The LA and establishment numbers are those most of the
    school's pupils' UPNs carry (the school's own, for pupils who started there), else
    the LA number in the school's settings with 0000. Raises ``DomainError`` when
    neither is known.
    """
    from stdnum.gb import upn as _upn  # only when a number is made: reports never load it

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
            raise DomainError(
                "A temporary UPN needs the school's LA number: enter it in Settings first."
            )
        prefix = f"{la}0000"
    for serial in range(100):
        for letter in _UPN_LETTERS:
            body = f"{prefix}{year % 100:02d}{serial:02d}{letter}"
            number = f"{_upn.calc_check_digit(body)}{body}"
            if not _upn.is_valid(number):
                raise DomainError(f"{prefix[:3]} is not a known LA number: correct it in Settings.")
            if number not in upns:
                return number
    raise DomainError("Every temporary UPN for this year is in use.")


def check_new(
    session: Session,
    *,
    forename: str,
    surname: str,
    upn: str | None = None,
    date_of_birth: dt.date | None = None,
    gender: str = "",
    year_group_id: int | None = None,
    class_id: int | None = None,
    sen_status: str = SenStatus.NONE.value,
    on_roll_date: dt.date | None = None,
    one_name_enough: bool = False,
) -> dict[str, Any]:
    """The values of a pupil to add, checked and tidied, ready for ``Pupil(**values)``.

    Raises ``DomainError`` for the first value that is wrong. No ``upn`` means a
    temporary one for the year of ``on_roll_date`` (else this year). Both names are
    needed unless ``one_name_enough`` (a pupil to complete later). Changes nothing.
    """
    forename = plainly(lambda: checked_name("forename", forename))
    surname = plainly(lambda: checked_name("surname", surname))
    if upn is None:
        upn = temporary_upn(session, (on_roll_date or dt.date.today()).year)
    else:
        upn = checked_upn(session, upn)
    if not (forename or surname) or not (one_name_enough or (forename and surname)):
        raise DomainError("Both the forename and the surname are needed.")
    values: dict[str, Any] = {"upn": upn, "forename": forename, "surname": surname}
    for name, value in (
        ("date_of_birth", date_of_birth),
        ("gender", gender),
        ("year_group_id", year_group_id),
        ("class_id", class_id),
        ("sen_status", sen_status),
    ):
        values[name] = RULES[name](session, None, value)
    values["on_roll_date"] = RULES["on_roll_date"](session, None, on_roll_date)
    return values


def add(
    session: Session,
    *,
    forename: str,
    surname: str,
    upn: str | None = None,
    date_of_birth: dt.date | None = None,
    gender: str = "",
    year_group_id: int | None = None,
    class_id: int | None = None,
    sen_status: str = SenStatus.NONE.value,
    on_roll_date: dt.date | None = None,
    sen_notes: str = "",
) -> PupilAdded:
    """Add a pupil from plain values (see ``check_new``); ``change.pupil_id`` is their id."""
    values = check_new(
        session,
        forename=forename,
        surname=surname,
        upn=upn,
        date_of_birth=date_of_birth,
        gender=gender,
        year_group_id=year_group_id,
        class_id=class_id,
        sen_status=sen_status,
        on_roll_date=on_roll_date,
    )
    return _insert(session, values, sen_notes)


def _insert(session: Session, values: dict[str, Any], sen_notes: str) -> PupilAdded:
    """Add a pupil row with checked ``values`` and their notes; the change removes it."""
    pupil = Pupil(**values, sen_notes=str(sen_notes or ""))
    session.add(pupil)
    session.flush()
    return PupilAdded([pupil], PUPILS)


def add_to_complete(
    session: Session,
    *,
    forename: str,
    surname: str,
    year_group_id: int | None,
    why: str,
    today: dt.date,
) -> PupilAdded:
    """Add a pupil known only by name (one is enough), with a temporary UPN, to complete.

    ``sen_notes`` starts with ``TO_COMPLETE`` and says why.
    """
    values = check_new(
        session,
        forename=forename,
        surname=surname,
        year_group_id=year_group_id,
        on_roll_date=today,
        one_name_enough=True,
    )
    notes = f"{TO_COMPLETE} {why} Enter the real UPN, surname and date of birth."
    return _insert(session, values, notes)


# -- changing, leaving, coming back ---------------------------------------------------


def update(session: Session, pupil_id: int, field_name: str, value: Any) -> Change:
    """Set one field of the pupil through its rule in ``RULES``; other fields are refused."""
    return set_field(session, Pupil, pupil_id, field_name, value, RULES, PUPILS)


def _set_both(pupil: Pupil, archived: bool, leaving: dt.date | None) -> Change:
    """Set whether the pupil is archived and their leaving date, as one change."""
    steps = []
    for name, new in (("archived", archived), ("leaving_date", leaving)):
        old = getattr(pupil, name)
        if old != new:
            setattr(pupil, name, new)
            steps.append(FieldChange(Pupil, pupil.id, name, old, new, PUPILS))
    return Steps(steps)


def archive(session: Session, pupil_id: int, leaving_date: dt.date) -> Change:
    """Record that the pupil left on ``leaving_date``: kept, but hidden day to day."""
    pupil = _pupil(session, pupil_id)
    if not isinstance(leaving_date, dt.date):
        raise DomainError("Give the date the pupil left.")
    if pupil.on_roll_date and leaving_date < pupil.on_roll_date:
        raise DomainError(
            f"The leaving date must not be before the date {pupil.display_name} joined."
        )
    return _set_both(pupil, True, leaving_date)


def mark_leaving(session: Session, pupil_id: int, leaving_date: dt.date | None) -> Change:
    """Record the day a pupil on roll will leave (None: not leaving); they stay on roll
    until then, and the year-end rollover archives them when it is before the new year."""
    pupil = _pupil(session, pupil_id)
    if leaving_date is not None and pupil.on_roll_date and leaving_date < pupil.on_roll_date:
        raise DomainError(
            f"The leaving date must not be before the date {pupil.display_name} joined."
        )
    return _set_both(pupil, pupil.archived, leaving_date)


def restore(session: Session, pupil_id: int) -> Change:
    """Bring an archived pupil back on roll, clearing their leaving date."""
    return _set_both(_pupil(session, pupil_id), False, None)


@dataclass
class Erased(Change):
    """An erasure: it cannot be taken back, so undo and redo refuse."""

    changed: Changed = field(
        default_factory=lambda: Changed.of(Kind.PUPILS, Kind.GROUPS, Kind.DELIVERY, Kind.REVIEWS)
    )

    def undo(self, _session: Session) -> None:
        raise DomainError("An erasure cannot be undone.")

    def redo(self, _session: Session) -> None:
        raise DomainError("An erasure cannot be made again.")


def erase(session: Session, pupil_id: int) -> Erased:
    """Delete the pupil and every row about them, for good.

    Their attendance, reviews, plans, meetings, custom field values, documents,
    allocations, profile and EHC plan (with its annual reviews) go; a
    Section F item of another plan that named one of their allocations is unlinked. The record of
    changes still holds them: ``services.data_protection.erase_pupil`` blanks it too,
    and is what a screen calls.
    """
    pupil = _pupil(session, pupil_id)
    session.execute(delete(SessionAttendance).where(SessionAttendance.pupil_id == pupil_id))
    session.execute(delete(Review).where(Review.pupil_id == pupil_id))
    # Plans, meetings, custom field values and documents (the bytes first), children
    # first: every row of them carries the pupil's id.
    for model in (
        MeetingAction,
        Meeting,
        PlanTarget,
        PlanOutcome,
        PlanProvision,
        LearningPlan,
        CustomFieldValue,
        DocumentContent,
        PupilDocument,
        EhcpAnnualReview,
    ):
        session.execute(delete(model).where(model.pupil_id == pupil_id))
    theirs = select(GroupMembership.id).where(GroupMembership.pupil_id == pupil_id)
    session.execute(
        sql_update(EhcpProvisionItem)
        .where(EhcpProvisionItem.membership_id.in_(theirs))
        .values(membership_id=None)
    )
    session.execute(delete(GroupMembership).where(GroupMembership.pupil_id == pupil_id))
    session.delete(pupil)
    session.flush()
    return Erased()
