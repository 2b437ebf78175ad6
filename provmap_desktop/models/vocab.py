"""The domain's fixed vocabularies: codes stored in the database and their labels."""

from __future__ import annotations

from enum import StrEnum


class SenStatus(StrEnum):
    NONE = "N"
    SEN_SUPPORT = "K"
    EHCP = "E"

    @property
    def label(self) -> str:
        return {"N": "No SEN", "K": "SEN support", "E": "EHC plan"}[self.value]


class AreaOfNeed(StrEnum):
    COMMUNICATION = "CI"
    COGNITION = "CL"
    SEMH = "SEMH"
    SENSORY = "SP"

    @property
    def label(self) -> str:
        return AREA_LABELS[self]


AREA_LABELS: dict[AreaOfNeed, str] = {
    AreaOfNeed.COMMUNICATION: "Communication and interaction",
    AreaOfNeed.COGNITION: "Cognition and learning",
    AreaOfNeed.SEMH: "Social, emotional and mental health",
    AreaOfNeed.SENSORY: "Sensory and/or physical",
}

NEED_TYPES: dict[str, str] = {
    "SPLD": "Specific learning difficulty",
    "MLD": "Moderate learning difficulty",
    "SLD": "Severe learning difficulty",
    "PMLD": "Profound and multiple learning difficulty",
    "SEMH": "Social, emotional and mental health",
    "SLCN": "Speech, language and communication needs",
    "HI": "Hearing impairment",
    "VI": "Vision impairment",
    "MSI": "Multi-sensory impairment",
    "PD": "Physical disability",
    "ASD": "Autistic spectrum disorder",
    "OTH": "Other difficulty/disability",
    "NSA": "SEN support but no specialist assessment of type of need",
}

NEED_TO_AREA: dict[str, AreaOfNeed] = {
    "SLCN": AreaOfNeed.COMMUNICATION,
    "ASD": AreaOfNeed.COMMUNICATION,
    "SPLD": AreaOfNeed.COGNITION,
    "MLD": AreaOfNeed.COGNITION,
    "SLD": AreaOfNeed.COGNITION,
    "PMLD": AreaOfNeed.COGNITION,
    "SEMH": AreaOfNeed.SEMH,
    "HI": AreaOfNeed.SENSORY,
    "VI": AreaOfNeed.SENSORY,
    "MSI": AreaOfNeed.SENSORY,
    "PD": AreaOfNeed.SENSORY,
}

WAVE_LABELS: dict[int, str] = {
    1: "Wave 1: Quality First Teaching",
    2: "Wave 2: targeted",
    3: "Wave 3: specialist / individual",
}

TERM_NAMES: tuple[str, ...] = ("Autumn", "Spring", "Summer")

YEAR_GROUP_NAMES: tuple[str, ...] = (
    "Nursery",
    "Reception",
    *(f"Year {n}" for n in range(1, 14)),
)


class FundingKind(StrEnum):
    NOTIONAL_SEN = "notional_sen"
    PUPIL_PREMIUM = "pupil_premium"
    HIGH_NEEDS = "high_needs"
    OTHER = "other"


class MeasureType(StrEnum):
    READING_AGE = "reading_age"
    SPELLING_AGE = "spelling_age"
    STANDARDISED_SCORE = "standardised_score"
    COUNT = "count"
    RATING = "rating"
    FREE_TEXT = "free_text"

    @property
    def lower_is_better(self) -> bool:
        """A count (of incidents, of refusals) falls as a pupil makes progress; every
        other measure (ages, scores, ratings) rises."""
        return self is MeasureType.COUNT


class TargetMet(StrEnum):
    MET = "met"
    PARTLY = "partly"
    NOT_MET = "not_met"


class Decision(StrEnum):
    CONTINUE = "continue"
    MODIFY = "modify"
    ESCALATE = "escalate"
    EXIT = "exit"


class SessionStatus(StrEnum):
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


class CancelReason(StrEnum):
    STAFF_ABSENT = "staff_absent"
    PUPIL_ABSENT = "pupil_absent"
    TRIP_OR_EVENT = "trip_or_event"
    OTHER = "other"


def sql_in(values: object) -> str:
    """Render a CHECK-constraint ``IN (...)`` list from an enum or iterable of codes."""
    codes = [str(v) for v in values]  # type: ignore[attr-defined]
    return "(" + ", ".join(f"'{c}'" for c in codes) + ")"
