"""SQLAlchemy entities for the whole domain. No Qt, no I/O beyond the ORM."""

from __future__ import annotations

from .audit import AuditEntry
from .base import Base, Money
from .plans import (
    LearningPlan,
    Meeting,
    MeetingAction,
    PlanOutcome,
    PlanProvision,
    PlanTarget,
    TargetResult,
)
from .provision import GroupMembership, GroupSlot, Provision, ProvisionGroup, provision_year_groups
from .pupils import Ehcp, EhcpOutcome, EhcpProvisionItem, Pupil, PupilProfile
from .reviews import DeliverySession, Review, SessionAttendance
from .school import (
    AcademicYear,
    FundingBudget,
    FundingStream,
    SchoolClass,
    SchoolSettings,
    Staff,
    StaffRole,
    Term,
    YearGroup,
)

__all__ = [
    "AcademicYear",
    "AuditEntry",
    "Base",
    "DeliverySession",
    "Ehcp",
    "EhcpOutcome",
    "EhcpProvisionItem",
    "FundingBudget",
    "FundingStream",
    "GroupMembership",
    "GroupSlot",
    "LearningPlan",
    "Meeting",
    "MeetingAction",
    "Money",
    "PlanOutcome",
    "PlanProvision",
    "PlanTarget",
    "Provision",
    "ProvisionGroup",
    "Pupil",
    "PupilProfile",
    "Review",
    "SchoolClass",
    "SchoolSettings",
    "SessionAttendance",
    "Staff",
    "StaffRole",
    "TargetResult",
    "Term",
    "YearGroup",
    "provision_year_groups",
]
