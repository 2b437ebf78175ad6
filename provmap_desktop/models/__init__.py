"""SQLAlchemy entities for the whole domain. No Qt, no I/O beyond the ORM."""

from __future__ import annotations

from .annual_reviews import EhcpAnnualReview
from .audit import AuditEntry
from .base import ROW_VERSION, Base, Money, Versioned
from .extras import CustomField, CustomFieldValue, DocumentContent, FieldKind, PupilDocument
from .planning import NeedGrade, PlannedNeed, StaffTraining, Training, provision_trainings
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
from .pupils import Ehcp, EhcpOutcome, EhcpProvisionItem, Pupil, PupilProfile, PupilYear
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
    "ROW_VERSION",
    "AcademicYear",
    "AuditEntry",
    "Base",
    "CustomField",
    "CustomFieldValue",
    "DeliverySession",
    "DocumentContent",
    "Ehcp",
    "EhcpAnnualReview",
    "EhcpOutcome",
    "EhcpProvisionItem",
    "FieldKind",
    "FundingBudget",
    "FundingStream",
    "GroupMembership",
    "GroupSlot",
    "LearningPlan",
    "Meeting",
    "MeetingAction",
    "Money",
    "NeedGrade",
    "PlanOutcome",
    "PlanProvision",
    "PlanTarget",
    "PlannedNeed",
    "Provision",
    "ProvisionGroup",
    "Pupil",
    "PupilDocument",
    "PupilProfile",
    "PupilYear",
    "Review",
    "SchoolClass",
    "SchoolSettings",
    "SessionAttendance",
    "Staff",
    "StaffRole",
    "StaffTraining",
    "TargetResult",
    "Term",
    "Training",
    "Versioned",
    "YearGroup",
    "provision_trainings",
    "provision_year_groups",
]
