"""What a new school still has to do after the first-start set-up, read from its data.

The set-up leaves a school with year groups, term dates worked out from the autumn
start, the standard staff roles and rates and the starter catalogue, but no pupils,
no staff and no groups, so every screen is empty. The checklist the window shows
then is worked out here, each step ticked when the data says it is done:

- pupils imported: the school has a pupil;
- staff and rates added: the school has a member of staff who is still working there
  (the roles' hourly rates came with the set-up and are checked on the same screen);
- term dates checked: a term's dates were changed since the set-up (or the SENCO said
  they are right, which the window remembers);
- provisions chosen: a provision of the catalogue was changed or retired, or a group
  of one was started.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import AuditEntry, ProvisionGroup, Pupil, Staff


@dataclass(frozen=True)
class SetupStep:
    """One step of the checklist: what to do, whether it is done, where to do it."""

    key: str  # "pupils" | "staff" | "terms" | "provisions"
    text: str
    done: bool
    #: What the data says, for the sighted and the screen reader alike.
    detail: str


def _count(session: Session, query: object) -> int:
    return int(session.scalar(query) or 0)  # type: ignore[call-overload]


def _changed(session: Session, table: str) -> bool:
    """Whether the audit log has a change to a row of ``table``: the set-up only inserts."""
    query = select(func.count(AuditEntry.id)).where(
        AuditEntry.table_name == table, AuditEntry.action.in_(("update", "delete"))
    )
    return _count(session, query) > 0


def setup_steps(session: Session, *, terms_confirmed: bool = False) -> list[SetupStep]:
    """The four steps after the set-up, in the order a SENCO does them."""
    pupils = _count(session, select(func.count(Pupil.id)))
    staff = _count(session, select(func.count(Staff.id)).where(Staff.active.is_(True)))
    groups = _count(session, select(func.count(ProvisionGroup.id)))
    terms_changed = _changed(session, "terms")
    provisions_changed = _changed(session, "provisions")
    terms_done = terms_changed or terms_confirmed
    chosen = provisions_changed or groups > 0
    return [
        SetupStep(
            "pupils",
            "Import your pupils from the MIS",
            pupils > 0,
            f"{pupils} pupil{'' if pupils == 1 else 's'}" if pupils else "no pupils yet",
        ),
        SetupStep(
            "staff",
            "Add your staff and check the hourly rates",
            staff > 0,
            f"{staff} member{'' if staff == 1 else 's'} of staff" if staff else "no staff yet",
        ),
        SetupStep(
            "terms",
            "Check the term dates",
            terms_done,
            ("changed" if terms_changed else "checked") if terms_done else "not checked yet",
        ),
        SetupStep(
            "provisions",
            "Choose the provisions you run",
            chosen,
            "chosen" if chosen else "the starter catalogue, unchanged",
        ),
    ]
