"""Which groups can carry on into the new year, and which carry on by default.

A group can carry on when it runs in the year's last term and still has a pupil who
stays at the school (not leaving, not archived) and was in it to its end. It carries
on by default when it meets a staying pupil's EHC plan: a Section F item linked to
the pupil's place in the group, or to the group's provision.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..models import AcademicYear, Ehcp, EhcpProvisionItem, ProvisionGroup, YearGroup
from ..services.projection import Projection, next_year_groups


@dataclass(frozen=True)
class GroupChoice:
    """A group that may carry on, with what carrying it on means."""

    group_id: int
    name: str
    provision_name: str
    year_group_name: str
    next_year_group_id: int | None
    next_year_group_name: str
    staff_name: str
    end_date: dt.date
    pupils: tuple[str, ...]
    membership_ids: tuple[int, ...]
    ehcp_pupils: tuple[str, ...]

    @property
    def carry_by_default(self) -> bool:
        return bool(self.ehcp_pupils)

    @property
    def title(self) -> str:
        if self.name and self.provision_name.casefold() in self.name.casefold():
            return self.name
        return f"{self.provision_name}: {self.name}" if self.name else self.provision_name

    def describe(self) -> str:
        """One line: the group, its year groups now and next, who carries on, why."""
        text = self.title
        if self.year_group_name or self.next_year_group_name:
            text += f" ({self.year_group_name or 'no year group'} -> "
            text += f"{self.next_year_group_name or 'no year group'})"
        count = len(self.pupils)
        text += f", {count} {'pupil' if count == 1 else 'pupils'}: {', '.join(self.pupils)}"
        if self.ehcp_pupils:
            text += f"; EHC plan provision for {', '.join(self.ehcp_pupils)}"
        if self.staff_name:
            text += f"; led by {self.staff_name}"
        return text


def last_term_start(year: AcademicYear) -> dt.date:
    """The first day of the year's last term (60 days before its end without terms)."""
    if year.terms:
        return year.terms[-1].start_date
    return year.end_date - dt.timedelta(days=60)


def _ehcp_links(session: Session) -> tuple[set[int], set[tuple[int, int]]]:
    """Membership ids named by Section F items, and (pupil, provision) pairs named."""
    memberships: set[int] = set()
    provisions: set[tuple[int, int]] = set()
    rows = session.execute(
        select(EhcpProvisionItem.membership_id, EhcpProvisionItem.provision_id, Ehcp.pupil_id).join(
            Ehcp, EhcpProvisionItem.ehcp_id == Ehcp.id
        )
    )
    for membership_id, provision_id, pupil_id in rows:
        if membership_id is not None:
            memberships.add(membership_id)
        if provision_id is not None:
            provisions.add((pupil_id, provision_id))
    return memberships, provisions


def group_choices(
    session: Session, year: AcademicYear, projection: Projection
) -> list[GroupChoice]:
    """The groups that may carry on (module rule), by provision then name."""
    staying = {p.pupil_id: p for p in projection.moving_up}
    following = next_year_groups(session)
    names = {p.year_group_id: p.year_group_name for p in projection.pupils}
    names.update(dict(session.execute(select(YearGroup.id, YearGroup.name)).all()))
    by_membership, by_provision = _ehcp_links(session)
    groups = session.scalars(
        select(ProvisionGroup)
        .where(
            ProvisionGroup.academic_year_id == year.id,
            ProvisionGroup.end_date >= last_term_start(year),
        )
        .options(selectinload(ProvisionGroup.memberships), selectinload(ProvisionGroup.provision))
    )
    choices = []
    for group in groups:
        members = [
            m
            for m in group.memberships
            if m.pupil_id in staying and (m.leave_date is None or m.leave_date >= group.end_date)
        ]
        if not members:
            continue
        members.sort(key=lambda m: staying[m.pupil_id].sort_key)
        ehcp = [
            staying[m.pupil_id].name
            for m in members
            if m.id in by_membership or (m.pupil_id, group.provision_id) in by_provision
        ]
        after = following.get(group.year_group_id) if group.year_group_id is not None else None
        choices.append(
            GroupChoice(
                group_id=group.id,
                name=group.name,
                provision_name=group.provision.name,
                year_group_name=names.get(group.year_group_id, "") if group.year_group_id else "",
                next_year_group_id=after,
                next_year_group_name=names.get(after, "") if after is not None else "",
                staff_name=group.staff.name if group.staff else "",
                end_date=group.end_date,
                pupils=tuple(staying[m.pupil_id].name for m in members),
                membership_ids=tuple(m.id for m in members),
                ehcp_pupils=tuple(ehcp),
            )
        )
    choices.sort(key=lambda c: (c.provision_name.casefold(), c.name.casefold(), c.group_id))
    return choices
