"""The provision catalogue: every write to a provision, with its rules.

Each function takes the session first, checks what it is given, changes the session
without committing and returns a ``Change`` that undoes and redoes it. A refused value
raises ``DomainError`` in plain words and leaves the provision as it was.

    made = provisions.add(session, "Lego therapy", area="SEMH", wave=2)
    provisions.update(session, made.provision_id, "group_size", 4)
    provisions.retire(session, made.provision_id)
    session.commit()
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import FundingStream, Provision, StaffRole, YearGroup
from ..models.vocab import AreaOfNeed
from .change import (
    Change,
    Changed,
    DomainError,
    FieldRule,
    Kind,
    NoChange,
    Reversible,
    RowKey,
    set_field,
    unused_name_in,
)
from .concurrency import owner_changed

PROVISIONS = Changed.of(Kind.PROVISIONS)
#: Every column a new provision may be given, besides its name.
PROVISION_COLUMNS = (
    "description",
    "area",
    "wave",
    "delivered_by_role_id",
    "external_agency",
    "session_minutes",
    "sessions_per_week",
    "weeks",
    "group_size",
    "resources_cost",
    "external_cost_per_session",
    "entry_criteria",
    "exit_criteria",
    "funding_stream_id",
    "retired",
)


def _provision(session: Session, provision_id: int) -> Provision:
    """The provision ``provision_id``, or ``DomainError`` when it is gone."""
    provision = session.get(Provision, provision_id)
    if provision is None:
        raise DomainError("That provision is no longer in the catalogue.")
    return provision


# -- the rules of each field ----------------------------------------------------------


def _checked_name(session: Session, provision: Provision | None, value: Any) -> str:
    """A name with its spaces tidied, not empty and not another provision's."""
    name = " ".join(str(value or "").split())
    if not name:
        raise DomainError("A provision needs a name.")
    if len(name) > 120:
        raise DomainError("A provision's name can be at most 120 characters.")
    own = provision.id if provision is not None else None
    for other_id, other in session.execute(select(Provision.id, Provision.name)):
        if other_id != own and other.casefold() == name.casefold():
            raise DomainError(f"The catalogue already has a provision called {name}.")
    return name


def _checked_area(_session: Session, _provision: Any, value: Any) -> str:
    """One of the four areas of need, by its code."""
    try:
        return AreaOfNeed(value).value
    except ValueError:
        raise DomainError(f"{value} is not an area of need.") from None


def _checked_wave(_session: Session, _provision: Any, value: Any) -> int:
    """Wave 1, 2 or 3."""
    if value not in (1, 2, 3) or isinstance(value, bool):
        raise DomainError("The wave is 1, 2 or 3.")
    return int(value)


def _whole(least: int, words: str) -> FieldRule:
    """The rule for a whole number of ``least`` or more."""

    def rule(_session: Session, _provision: Any, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            raise DomainError(f"{words} must be a whole number of {least} or more.")
        return value

    return rule


def _money(words: str) -> FieldRule:
    """The rule for an amount of money: a Decimal, never negative, to the penny."""

    def rule(_session: Session, _provision: Any, value: Any) -> Decimal:
        if isinstance(value, float):
            raise DomainError(f"{words} must be an amount of money, not a float.")
        try:
            amount = Decimal(str(value if value is not None else "0"))
        except InvalidOperation:
            raise DomainError(f"{words} must be an amount of money.") from None
        if not amount.is_finite():
            raise DomainError(f"{words} must be an amount of money.")
        if amount < 0:
            raise DomainError(f"{words} cannot be negative.")
        return amount.quantize(Decimal("0.01"))

    return rule


def _text(limit: int | None) -> FieldRule:
    """The rule for free text, at most ``limit`` characters when there is a limit."""

    def rule(_session: Session, _provision: Any, value: Any) -> str:
        text = str(value or "")
        if limit is not None and len(text) > limit:
            raise DomainError(f"That can be at most {limit} characters.")
        return text

    return rule


def _row_of(model: type, words: str) -> FieldRule:
    """The rule for a link to a ``model`` row: one that exists, or None."""

    def rule(session: Session, _provision: Any, value: Any) -> int | None:
        if value is None:
            return None
        if session.get(model, value) is None:
            raise DomainError(f"That {words} no longer exists.")
        return int(value)

    return rule


def _flag(_session: Session, _provision: Any, value: Any) -> bool:
    """Yes or no."""
    return bool(value)


#: The fields of a provision the catalogue may change, each with its rule.
PROVISION_RULES: dict[str, FieldRule] = {
    "name": _checked_name,
    "description": _text(None),
    "area": _checked_area,
    "wave": _checked_wave,
    "delivered_by_role_id": _row_of(StaffRole, "staff role"),
    "external_agency": _text(80),
    "session_minutes": _whole(0, "Minutes a session"),
    "sessions_per_week": _whole(0, "Sessions a week"),
    "weeks": _whole(0, "Weeks"),
    "group_size": _whole(1, "The group size"),
    "resources_cost": _money("The resources cost"),
    "external_cost_per_session": _money("The external cost a session"),
    "entry_criteria": _text(None),
    "exit_criteria": _text(None),
    "funding_stream_id": _row_of(FundingStream, "funding stream"),
    "retired": _flag,
}


# -- writes -----------------------------------------------------------------------------


@dataclass
class ProvisionAdded(Change):
    """A new provision: undo takes it out of the catalogue, redo puts it back, same id."""

    values: dict[str, Any]
    year_group_ids: list[int] = field(default_factory=list)
    changed: Changed = PROVISIONS

    @property
    def provision_id(self) -> int:
        return int(self.values["id"])

    def touched(self) -> Sequence[RowKey]:
        return [(Provision, self.provision_id)]

    def undo(self, session: Session) -> None:
        provision = session.get(Provision, self.provision_id)
        if provision is not None:
            session.delete(provision)
        session.flush()

    def redo(self, session: Session) -> None:
        provision = Provision(**self.values)
        provision.suitable_year_groups = _year_groups(session, self.year_group_ids)
        session.add(provision)
        session.flush()


def _year_groups(session: Session, ids: Sequence[int]) -> list[YearGroup]:
    """The year groups with these ids, in school order; all must exist."""
    found = list(session.scalars(select(YearGroup).where(YearGroup.id.in_(list(ids)))))
    if len(found) != len(set(ids)):
        raise DomainError("One of those year groups no longer exists.")
    return sorted(found, key=lambda y: y.sort_order)


def add(
    session: Session,
    name: str,
    *,
    area: str = AreaOfNeed.COGNITION.value,
    suitable_year_group_ids: Sequence[int] = (),
    **values: Any,
) -> ProvisionAdded:
    """Add a provision to the catalogue; ``values`` are its other fields by column name.

    The name must be new (in any letter case); each value is checked by the rule of
    its field, and a field the catalogue does not hold is refused.
    """
    unknown = sorted(set(values) - set(PROVISION_COLUMNS))
    if unknown:
        raise DomainError(f"A provision has no field called {unknown[0]}.")
    checked = {
        "name": _checked_name(session, None, name),
        "area": _checked_area(session, None, area),
    }
    for column, value in values.items():
        checked[column] = PROVISION_RULES[column](session, None, value)
    provision = Provision(**checked)
    provision.suitable_year_groups = _year_groups(session, suitable_year_group_ids)
    session.add(provision)
    session.flush()
    stored = {c: getattr(provision, c) for c in ("id", "name", *PROVISION_COLUMNS)}
    return ProvisionAdded(stored, [y.id for y in provision.suitable_year_groups])


def update(session: Session, provision_id: int, field_name: str, value: Any) -> Change:
    """Set one field of a provision through its rule; a field without one is refused."""
    return set_field(
        session, Provision, provision_id, field_name, value, PROVISION_RULES, PROVISIONS
    )


def retire(session: Session, provision_id: int) -> Change:
    """Retire a provision: no new allocations, but its groups and history stay."""
    return update(session, provision_id, "retired", True)


def restore(session: Session, provision_id: int) -> Change:
    """Bring a retired provision back into use."""
    return update(session, provision_id, "retired", False)


def set_suitable(session: Session, provision_id: int, year_group_id: int, suitable: bool) -> Change:
    """Mark a provision as suitable (or not) for a year group; none marked means all."""
    provision = _provision(session, provision_id)
    year = session.get(YearGroup, year_group_id)
    if year is None:
        raise DomainError("That year group no longer exists.")
    was = year in provision.suitable_year_groups
    if was == suitable:
        return NoChange()

    def put(on: bool) -> None:
        target = _provision(session, provision_id)
        year_group = session.get(YearGroup, year_group_id)
        listed = year_group in target.suitable_year_groups
        owner_changed(target)  # the link row has no version: the provision counts for it
        if on and not listed:
            target.suitable_year_groups.append(year_group)  # type: ignore[arg-type]
        elif not on and listed:
            target.suitable_year_groups.remove(year_group)  # type: ignore[arg-type]
        session.flush()

    put(suitable)
    return Reversible(
        lambda _s: put(was),
        lambda _s: put(suitable),
        PROVISIONS,
        rows_with=lambda: [(Provision, provision_id)],
    )


def unused_name(session: Session, stem: str = "New provision") -> str:
    """``"<stem> 1"``, or the next number not yet taken by a provision."""
    return unused_name_in(session, Provision.name, stem)
