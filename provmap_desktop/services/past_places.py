"""Where each pupil was in a given academic year, for reading a past year as it was.

``Pupil.year_group_id`` and ``class_id`` are today's. When a year closes at the
rollover, a ``PupilYear`` row keeps each pupil's year group and class of that year
(and whether they left at its end). Queries of a year outer-join those rows
(``with_places``) and read ``YEAR_GROUP_THEN`` and ``CLASS_THEN``: the recorded place
in a closed year, today's place otherwise. ``ON_ROLL_THEN`` keeps pupils archived since
(the year's leavers) on that year's map.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import Select, and_, case, or_

from ..models import Pupil, PupilYear

_Query = TypeVar("_Query", bound=Select[Any])

_RECORDED = PupilYear.pupil_id.is_not(None)
YEAR_GROUP_THEN = case((_RECORDED, PupilYear.year_group_id), else_=Pupil.year_group_id)
CLASS_THEN = case((_RECORDED, PupilYear.class_id), else_=Pupil.class_id)
ON_ROLL_THEN = or_(Pupil.archived.is_(False), _RECORDED)


def with_places(query: _Query, year_id: int) -> _Query:
    """``query`` (already joined to ``Pupil``) with the pupils' places in ``year_id``."""
    return query.outerjoin(
        PupilYear, and_(PupilYear.pupil_id == Pupil.id, PupilYear.academic_year_id == year_id)
    )
