"""Staff roles (with the school's hourly cost of each) and the members of staff.

A role's name is required and unique; its hourly cost is money to the penny, never
negative. A member of staff has a name, a role, an optional own hourly cost that
overrides the role's, and is active or not. A role or person still named by other
records (staff, provisions, groups, delivery records) cannot be removed.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import DeliverySession, Provision, ProvisionGroup, Staff, StaffRole
from .change import (
    Change,
    DomainError,
    FieldRule,
    RowsAdded,
    RowsRemoved,
    set_field,
    unused_name_in,
)
from .planning import STAFF_HOURS_RULES
from .school import SETTINGS, money, text, yes_no


def _unique_role_name(session: Session, role: StaffRole, value: Any) -> str:
    """A role's name: required, at most 60 characters, no other role's."""
    name = text("role's name", 60, required=True)(session, role, value)
    clash = session.scalar(
        select(StaffRole.id).where(StaffRole.name == name, StaffRole.id != role.id)
    )
    if clash is not None:
        raise DomainError(f"There is already a role called {name}.")
    return name


ROLE_RULES: dict[str, FieldRule] = {
    "name": _unique_role_name,
    "hourly_cost": money("hourly cost"),
    "external": yes_no,
}


def _role_exists(session: Session, _staff: Staff, value: Any) -> int:
    """A member of staff's role: one of the school's roles."""
    if session.get(StaffRole, value) is None:
        raise DomainError("Choose one of the school's staff roles.")
    return int(value)


STAFF_RULES: dict[str, FieldRule] = {
    "name": text("name", 100, required=True),
    "role_id": _role_exists,
    "hourly_cost_override": money("own hourly cost", optional=True),
    "active": yes_no,
    "intervention_minutes": STAFF_HOURS_RULES["intervention_minutes"],
}


def add_role(
    session: Session,
    name: str | None = None,
    hourly_cost: Decimal | int = 0,
    external: bool = False,
) -> Change:
    """Add a staff role; with no name it is called "New role 1" (or the next free number)."""
    role = StaffRole(name="", hourly_cost=Decimal(0), external=False)
    chosen = name if name is not None else unused_name_in(session, StaffRole.name, "New role")
    role.name = _unique_role_name(session, role, chosen)
    role.hourly_cost = ROLE_RULES["hourly_cost"](session, role, hourly_cost)
    role.external = yes_no(session, role, external)
    session.add(role)
    session.flush()
    return RowsAdded([role], SETTINGS)


def update_role(session: Session, role_id: int, field: str, value: Any) -> Change:
    """Set one field of a staff role (name, hourly cost, external agency) by its rule."""
    return set_field(session, StaffRole, role_id, field, value, ROLE_RULES, SETTINGS)


def remove_role(session: Session, role_id: int) -> Change:
    """Remove a staff role that no member of staff or provision uses."""
    role = session.get(StaffRole, role_id)
    if role is None:
        raise DomainError("That role no longer exists.")
    staff = session.scalar(select(func.count()).where(Staff.role_id == role_id))
    provisions = session.scalar(
        select(func.count()).where(Provision.delivered_by_role_id == role_id)
    )
    if staff or provisions:
        raise DomainError(
            f"{role.name} is still the role of {staff} member(s) of staff and "
            f"{provisions} provision(s): change those first."
        )
    session.delete(role)
    session.flush()
    return RowsRemoved([role], SETTINGS)


def add_staff(
    session: Session, name: str = "New member of staff", role_id: int | None = None
) -> Change:
    """Add a member of staff in ``role_id`` (by default the school's first role)."""
    if role_id is None:
        role_id = session.scalar(select(StaffRole.id).order_by(StaffRole.id).limit(1))
        if role_id is None:
            raise DomainError("Add a staff role first.")
    member = Staff(name="", active=True)
    member.name = STAFF_RULES["name"](session, member, name)
    member.role_id = _role_exists(session, member, role_id)
    session.add(member)
    session.flush()
    return RowsAdded([member], SETTINGS)


def update_staff(session: Session, staff_id: int, field: str, value: Any) -> Change:
    """Set one field of a member of staff (name, role, own hourly cost, active, or
    contracted minutes a week for intervention work, typed as hours)."""
    return set_field(session, Staff, staff_id, field, value, STAFF_RULES, SETTINGS)


def remove_staff(session: Session, staff_id: int) -> Change:
    """Remove a member of staff no group or delivery record names (else mark inactive)."""
    member = session.get(Staff, staff_id)
    if member is None:
        raise DomainError("That member of staff no longer exists.")
    groups = session.scalar(select(func.count()).where(ProvisionGroup.staff_id == staff_id))
    records = session.scalar(select(func.count()).where(DeliverySession.staff_id == staff_id))
    if groups or records:
        raise DomainError(
            f"{member.name} is named on {groups} group(s) and {records} delivery record(s): "
            "mark them inactive instead."
        )
    session.delete(member)
    session.flush()
    return RowsRemoved([member], SETTINGS)
