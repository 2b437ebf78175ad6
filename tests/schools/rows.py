"""The one layer every fixture school writes its rows through.

Each function takes the session first, adds one thing (a year, a pupil, a group, an
allocation...), flushes so the row has its id, and returns it. Nothing here commits:
the named schools commit once they are whole.

Where ``provmap_desktop.domain`` has the write (the school's settings, staff roles and
staff, funding streams and budgets, pupils), the row goes in through it, so a fixture
school obeys the same rules as the app. The rest are added as rows until their domain
writes exist; keeping every write in this module means only this module changes then.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from provmap_desktop.domain import funding, pupils, school, staff
from provmap_desktop.domain.change import Change, RowsAdded
from provmap_desktop.models import (
    AcademicYear,
    DeliverySession,
    FundingStream,
    GroupMembership,
    GroupSlot,
    Provision,
    ProvisionGroup,
    Pupil,
    PupilProfile,
    Review,
    SchoolClass,
    SchoolSettings,
    Staff,
    StaffRole,
    Term,
    YearGroup,
)
from provmap_desktop.rules.upn import make_upn

D = dt.date
#: A term: name, first day, last day, and optionally the half-term's first and last days.
TermDates = tuple[str, dt.date, dt.date] | tuple[str, dt.date, dt.date, dt.date, dt.date]
Slots = Sequence[tuple[int, dt.time | None]]


def add_settings(session: Session, name: str, **fields: object) -> SchoolSettings:
    """The school's one settings row (name, LA number, thresholds...)."""
    basics = {key: str(fields.pop(key, "")) for key in ("la_number", "urn")}
    school.add_school(session, name, str(fields.pop("phase", "primary")), **basics)
    return update_settings(session, **fields)


def update_settings(session: Session, **fields: object) -> SchoolSettings:
    """Change some of the school's settings (thresholds, teaching weeks...)."""
    for field, value in fields.items():
        school.update_school(session, field, value)
    return session.scalars(select(SchoolSettings)).one()


def _added(change: Change) -> Any:
    """The one row a domain write added."""
    assert isinstance(change, RowsAdded), change
    (row,) = change.rows
    return row


def add_year(
    session: Session, label: str, start: dt.date, end: dt.date, terms: Iterable[TermDates]
) -> AcademicYear:
    """An academic year with its terms: through ``domain.school`` for a year of
    1 September to 31 August (as the app makes them), else as rows."""
    dates = [(name, first, last, *(half or (None, None))) for name, first, last, *half in terms]
    if (start.month, start.day, end.month, end.day) == (9, 1, 8, 31) and end.year == start.year + 1:
        year: AcademicYear = school.add_academic_year(session, start.year, dates).rows[0]
        assert year.label == label, (year.label, label)
        return year
    year = AcademicYear(label=label, start_date=start, end_date=end)
    for name, first, last, ht_start, ht_end in dates:
        year.terms.append(
            Term(
                name=name,
                start_date=first,
                end_date=last,
                half_term_start=ht_start,
                half_term_end=ht_end,
            )
        )
    session.add(year)
    session.flush()
    return year


def three_terms(first: int) -> list[TermDates]:
    """Autumn 07/09, Spring 04/01, Summer 12/04 of the year that starts in ``first``."""
    return [
        ("Autumn", D(first, 9, 7), D(first, 12, 18)),
        ("Spring", D(first + 1, 1, 4), D(first + 1, 3, 26)),
        ("Summer", D(first + 1, 4, 12), D(first + 1, 7, 16)),
    ]


def add_year_group(session: Session, name: str, order: int) -> YearGroup:
    """A year group, sorted by ``order`` (Reception is 0)."""
    return _added(school.add_year_group(session, name, order))  # type: ignore[no-any-return]


def add_class(session: Session, name: str, year_group: YearGroup | None) -> SchoolClass:
    """A registration class in a year group."""
    school_class = SchoolClass(name=name, year_group=year_group)
    session.add(school_class)
    session.flush()
    return school_class


def add_role(
    session: Session, name: str = "Teaching assistant", rate: str = "18.00", external: bool = False
) -> StaffRole:
    """A staff role at an hourly rate in pounds (a string, so it stays exact)."""
    return _added(staff.add_role(session, name, Decimal(rate), external))  # type: ignore[no-any-return]


def add_staff(session: Session, name: str, role: StaffRole, override: str | None = None) -> Staff:
    """A member of staff in a role, with an hourly rate of their own if ``override``."""
    member: Staff = _added(staff.add_staff(session, name, role.id))
    if override is not None:
        staff.update_staff(session, member.id, "hourly_cost_override", Decimal(override))
    return member


def add_provision(session: Session, name: str, **fields: object) -> Provision:
    """A catalogue entry; ``fields`` are the provision's columns (area, wave, minutes...)."""
    provision = Provision(name=name, **fields)
    session.add(provision)
    session.flush()
    return provision


def add_group(
    session: Session,
    provision: Provision,
    year: AcademicYear,
    year_group: YearGroup | None,
    dates: tuple[dt.date, dt.date],
    *,
    staff: Staff | None = None,
    slots: Slots = (),
    name: str = "",
    **fields: object,
) -> ProvisionGroup:
    """A group running ``provision`` between two dates, with its weekly slots."""
    group = ProvisionGroup(
        provision=provision,
        academic_year=year,
        year_group=year_group,
        start_date=dates[0],
        end_date=dates[1],
        staff=staff,
        name=name,
        slots=[GroupSlot(weekday=day, start_time=time) for day, time in slots],
        **fields,
    )
    session.add(group)
    session.flush()
    return group


def new_upn(session: Session, year: int = 20) -> str:
    """A valid UPN that no pupil of this school has yet."""
    serial = (session.scalar(select(func.count(Pupil.id))) or 0) + 1
    while True:
        upn = make_upn("801", "2000", year, serial)
        if session.scalar(select(Pupil.id).where(Pupil.upn == upn)) is None:
            return upn
        serial += 1


def add_pupil(
    session: Session,
    forename: str,
    surname: str,
    year_group: YearGroup | None = None,
    *,
    sen: str = "K",
    primary: str | None = None,
    secondary: str | None = None,
    school_class: SchoolClass | None = None,
    archived: bool = False,
    upn: str | None = None,
    **fields: object,
) -> Pupil:
    """A pupil; on SEN support (``K``) unless ``sen`` says otherwise. ``fields`` are other
    fields ``domain.pupils.update`` may set (needs, flags...), and ``date_of_birth``."""
    added = pupils.add(
        session,
        forename=forename,
        surname=surname,
        upn=upn or new_upn(session),
        date_of_birth=fields.pop("date_of_birth", None),  # type: ignore[arg-type]
        year_group_id=year_group.id if year_group else None,
        class_id=school_class.id if school_class else None,
        sen_status=sen,
    )
    for field, value in {"primary_need": primary, "secondary_need": secondary, **fields}.items():
        if value is not None:
            pupils.update(session, added.pupil_id, field, value)
    pupil: Pupil = added.rows[0]
    if archived:  # as if archived long ago: ``pupils.archive`` would set a leaving date too
        pupil.archived = True
        session.flush()
    return pupil


def allocate(
    session: Session,
    group: ProvisionGroup,
    pupil: Pupil,
    join_date: dt.date | None = None,
    leave_date: dt.date | None = None,
) -> GroupMembership:
    """Put a pupil in a group, from the group's start unless ``join_date`` says later."""
    membership = GroupMembership(
        group=group, pupil=pupil, join_date=join_date or group.start_date, leave_date=leave_date
    )
    session.add(membership)
    session.flush()
    return membership


def add_profile(session: Session, pupil: Pupil, **fields: object) -> PupilProfile:
    """The pupil's one-page profile."""
    profile = PupilProfile(pupil=pupil, **fields)
    session.add(profile)
    session.flush()
    return profile


def add_review(
    session: Session, pupil: Pupil, membership: GroupMembership, **fields: object
) -> Review:
    """An assess-plan-do-review cycle for a pupil's place in a group."""
    review = Review(pupil=pupil, membership=membership, **fields)
    session.add(review)
    session.flush()
    return review


def add_stream(
    session: Session, name: str, year: AcademicYear, budget: str, kind: str = "other"
) -> FundingStream:
    """A funding stream with its budget in pounds for ``year``."""
    stream: FundingStream = _added(funding.add_stream(session, name, kind))
    funding.set_budget(session, stream.id, year.id, Decimal(budget))
    return stream


def record_delivered(
    session: Session, group: ProvisionGroup, day: dt.date, staff: Staff, at: dt.datetime
) -> DeliverySession:
    """A session of ``group`` marked delivered by ``staff`` on ``day``."""
    delivered = DeliverySession(
        group=group, session_date=day, status="delivered", staff_id=staff.id, recorded_at=at
    )
    session.add(delivered)
    session.flush()
    return delivered
