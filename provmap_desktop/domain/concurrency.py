"""Two people on one database: an edit or an undo made on stale data is refused.

Every row the app edits counts its saved versions (``models.Versioned``). SQLAlchemy
checks the version it read on each ``UPDATE`` and ``DELETE`` and raises
``StaleDataError`` when someone else saved the row since; ``refusal`` turns that into
a ``StaleEdit`` with a plain message. An undo is checked before it runs: the versions
an edit left (``versions_left``, read straight after its commit) must still be the
ones in the database (``check_versions``), or someone else has changed the rows since
and the undo would overwrite their work.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ..models import ROW_VERSION
from .change import Change, DomainError, RowKey

#: What a table's row is called in a message ("Someone else changed this pupil ...").
NOUNS: Mapping[str, str] = {
    "school_settings": "setting",
    "academic_years": "academic year",
    "terms": "term",
    "year_groups": "year group",
    "classes": "class",
    "staff_roles": "staff role",
    "staff": "member of staff",
    "funding_streams": "funding stream",
    "funding_budgets": "budget",
    "provisions": "provision",
    "provision_groups": "group",
    "group_slots": "group",
    "group_memberships": "group",
    "pupils": "pupil",
    "pupil_years": "pupil",
    "pupil_profiles": "pupil",
    "ehcps": "EHC plan",
    "ehcp_outcomes": "EHC plan",
    "ehcp_provision_items": "EHC plan",
    "reviews": "review",
    "delivery_sessions": "session",
    "session_attendance": "session",
    "planned_needs": "planned need",
    "trainings": "training",
    "staff_trainings": "member of staff",
    "learning_plans": "support plan",
    "plan_outcomes": "support plan",
    "plan_targets": "support plan",
    "plan_provisions": "support plan",
    "meetings": "meeting",
    "meeting_actions": "meeting",
}

_TABLE_IN_MESSAGE = re.compile(r"on table '([^']+)'")


class StaleEdit(DomainError):
    """Someone else saved the row since this copy of the app read it."""

    def __init__(self, table: str, *, action: str = "") -> None:
        self.table = table
        noun = NOUNS.get(table, "record")
        if action:
            text = (
                f"Someone else changed this {noun} since your edit, so it was not {action}; "
                "the screen has been reloaded."
            )
        else:
            text = (
                f"Someone else changed this {noun} since you opened it; "
                "the screen has been reloaded."
            )
        super().__init__(text)


def refusal(exc: StaleDataError, *, action: str = "") -> StaleEdit:
    """The plain refusal for SQLAlchemy's report that a saved row matched no version."""
    found = _TABLE_IN_MESSAGE.search(str(exc))
    return StaleEdit(found.group(1) if found else "", action=action)


def _version_column(model: type) -> Any:
    return getattr(model, ROW_VERSION, None)


def stored_version(session: Session, model: type, key: Any) -> int | None:
    """The version of the row as the database holds it now; None when it is gone."""
    column = _version_column(model)
    if column is None:
        return None
    primary: Any = inspect(model).primary_key[0]
    version = session.execute(select(column).where(primary == key)).scalar_one_or_none()
    return None if version is None else int(version)


def versions_left(session: Session, change: Change) -> dict[RowKey, int | None]:
    """The versions of the rows ``change`` touched, as saved (call after the commit)."""
    return {
        (model, key): stored_version(session, model, key)
        for model, key in dict.fromkeys(change.touched())
        if _version_column(model) is not None
    }


def check_versions(
    session: Session, versions: Mapping[RowKey, int | None], *, action: str = "undone"
) -> None:
    """Raise ``StaleEdit`` unless every row is still at the version recorded."""
    for (model, key), version in versions.items():
        if stored_version(session, model, key) != version:
            table = getattr(model, "__tablename__", "")
            raise StaleEdit(table, action=action)
