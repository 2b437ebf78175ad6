"""One-page profiles: the pupil's own words about strengths, needs and support.

A profile belongs to one pupil and is made on its first edit. Each write takes the
session first, changes it without committing and returns a ``Change``; a section that
does not exist, or a pupil who is gone, raises ``DomainError`` and nothing changes.

    profiles.update(session, pupil_id, "strengths", "Drawing", today)
    session.commit()
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from ..models import Pupil, PupilProfile
from ..models.pupils import PROFILE_FIELDS
from .change import Change, Changed, DomainError, FieldChange, Kind, NoChange, RowsAdded, Steps

PUPILS = Changed.of(Kind.PUPILS)
PROFILE_FIELD_NAMES = frozenset(name for name, _label in PROFILE_FIELDS)


def update(session: Session, pupil_id: int, field_name: str, text: str, today: dt.date) -> Change:
    """Set one section of the pupil's one-page profile and stamp it as updated ``today``.

    The profile is made on its first edit (undo removes it again). Only the sections
    in ``PROFILE_FIELDS`` may be set.
    """
    if field_name not in PROFILE_FIELD_NAMES:
        raise DomainError(f"The one-page profile has no section {field_name!r}.")
    if session.get(Pupil, pupil_id) is None:
        raise DomainError("That pupil is no longer in the database.")
    text = str(text or "")
    profile = session.get(PupilProfile, pupil_id)
    if profile is None:
        blank = dict.fromkeys(PROFILE_FIELD_NAMES, "")
        profile = PupilProfile(pupil_id=pupil_id, **(blank | {field_name: text}))
        profile.updated_on = today
        session.add(profile)
        session.flush()
        return RowsAdded([profile], PUPILS)
    if getattr(profile, field_name) == text:
        return NoChange()  # the same words again: nothing to stamp
    steps = []
    for name, new in ((field_name, text), ("updated_on", today)):
        old = getattr(profile, name)
        if old != new:
            setattr(profile, name, new)
            steps.append(FieldChange(PupilProfile, pupil_id, name, old, new, PUPILS))
    return Steps(steps)
