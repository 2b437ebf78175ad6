"""Training: what a provision needs its staff trained in, and what each person has.

A training has a unique name ("Precision Teaching", "ELKLAN"). A provision can name
the trainings it needs; a member of staff has each training at most once, with the
day they were trained if known.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Provision, Staff, StaffTraining, Training
from .change import (
    Change,
    DomainError,
    FieldRule,
    NoChange,
    Reversible,
    RowsAdded,
    RowsRemoved,
    set_field,
)
from .concurrency import owner_changed
from .planning import PLANNING
from .school import text


def _training_name(session: Session, training: Training | None, value: Any) -> str:
    name = text("training's name", 80, required=True)(session, training, value)
    own_id = training.id if training is not None else None
    clash = session.scalar(select(Training.id).where(Training.name == name, Training.id != own_id))
    if clash is not None:
        raise DomainError(f"There is already a training called {name}.")
    return name


TRAINING_RULES: dict[str, FieldRule] = {"name": _training_name}


def add_training(session: Session, name: str) -> Change:
    """Add a training to the school's list."""
    training = Training(name=_training_name(session, None, name))
    session.add(training)
    session.flush()
    return RowsAdded([training], PLANNING)


def update_training(session: Session, training_id: int, field: str, value: Any) -> Change:
    """Rename a training."""
    return set_field(session, Training, training_id, field, value, TRAINING_RULES, PLANNING)


def training_named(session: Session, name: str) -> Training | None:
    """The training of that name (any letter case), or None."""
    wanted = name.strip().casefold()
    return next((t for t in session.scalars(select(Training)) if t.name.casefold() == wanted), None)


def _get(session: Session, model: type, key: int, what: str) -> Any:
    row = session.get(model, key)
    if row is None:
        raise DomainError(f"That {what} no longer exists.")
    return row


def set_provision_needs(
    session: Session, provision_id: int, training_id: int, needed: bool = True
) -> Change:
    """Say whether a provision needs its staff trained in ``training_id``."""
    provision: Provision = _get(session, Provision, provision_id, "provision")
    training: Training = _get(session, Training, training_id, "training")
    if (training in provision.trainings_needed) == needed:
        return NoChange()

    def put(state: bool) -> None:
        row = session.get(Provision, provision_id)
        wanted = session.get(Training, training_id)
        if row is None or wanted is None:
            raise DomainError("That provision or training no longer exists.")
        owner_changed(row)  # the link row has no version: the provision counts for it
        if state and wanted not in row.trainings_needed:
            row.trainings_needed.append(wanted)
        if not state and wanted in row.trainings_needed:
            row.trainings_needed.remove(wanted)
        session.flush()

    put(needed)
    return Reversible(
        lambda _s: put(not needed),
        lambda _s: put(needed),
        PLANNING,
        rows_with=lambda: [(Provision, provision_id)],
    )


def _trained_on(_session: Session, _row: Any, value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if not isinstance(value, dt.date):
        raise DomainError("The day trained must be a date, e.g. 14/09/2026.")
    return value


STAFF_TRAINING_RULES: dict[str, FieldRule] = {"trained_on": _trained_on}


def add_staff_training(
    session: Session, staff_id: int, training_id: int, trained_on: dt.date | None = None
) -> Change:
    """Record that a member of staff is trained in ``training_id`` (on ``trained_on``)."""
    member: Staff = _get(session, Staff, staff_id, "member of staff")
    training: Training = _get(session, Training, training_id, "training")
    have = session.scalar(
        select(StaffTraining.id).where(
            StaffTraining.staff_id == staff_id, StaffTraining.training_id == training_id
        )
    )
    if have is not None:
        raise DomainError(f"{member.name} already has {training.name}.")
    row = StaffTraining(
        staff_id=staff_id,
        training_id=training_id,
        trained_on=_trained_on(session, None, trained_on),
    )
    session.add(row)
    session.flush()
    return RowsAdded([row], PLANNING)


def update_staff_training(session: Session, row_id: int, field: str, value: Any) -> Change:
    """Set the day a member of staff was trained."""
    return set_field(session, StaffTraining, row_id, field, value, STAFF_TRAINING_RULES, PLANNING)


def remove_staff_training(session: Session, row_id: int) -> Change:
    """Take a training off a member of staff's record."""
    row = _get(session, StaffTraining, row_id, "training record")
    session.delete(row)
    session.flush()
    return RowsRemoved([row], PLANNING)
