"""The words schools write in their maps: headings, frequencies, areas, waves, money.

Each reader takes a cell's text and returns the value, or ``None`` when the text does
not say it in a way ProvMap understands (the caller reports that cell; nothing is
guessed).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from ...models.vocab import AreaOfNeed
from ..importing.values import nc_year, squash

#: Optional columns, recognised by their squashed heading.
OPTIONAL_HEADINGS: dict[str, tuple[str, ...]] = {
    "area": ("area", "areaofneed", "need", "areaneed", "senarea", "primaryarea", "category"),
    "wave": ("wave", "tier", "level", "wavelevel"),
    "frequency": (
        "frequency",
        "freq",
        "howoften",
        "sessions",
        "timing",
        "time",
        "frequencyandduration",
        "duration",
    ),
    "staff": ("staff", "staffing", "deliveredby", "who", "adult", "ledby", "staffmember"),
    "cost": ("cost", "costs", "annualcost", "totalcost", "cost£", "costgbp", "price"),
    "weeks": ("weeks", "noofweeks", "numberofweeks", "lengthweeks", "lengthinweeks"),
}
PROVISION_HEADINGS = (
    "provision",
    "provisions",
    "intervention",
    "interventions",
    "support",
    "programme",
    "provisionintervention",
    "typeofprovision",
    "nameofprovision",
)
NAME_HEADINGS = (
    "name",
    "names",
    "pupil",
    "pupilname",
    "pupils",
    "child",
    "childname",
    "student",
    "studentname",
    "fullname",
)
FORENAME_HEADINGS = ("forename", "firstname", "legalforename", "givenname", "preferredname")
SURNAME_HEADINGS = ("surname", "lastname", "familyname", "legalsurname")
YEAR_HEADINGS = ("year", "yeargroup", "yr", "ncyear", "yeargroups", "class", "classes", "form")
GROUP_HEADINGS = ("group", "groupname", "set")


def optional_column(heading: str) -> str | None:
    """'Area of need' -> 'area', 'Frequency' -> 'frequency'; None for anything else."""
    key = squash(heading)
    for name, words in OPTIONAL_HEADINGS.items():
        if key in words:
            return name
    return None


def year_heading(text: str, year_groups: dict[int, int]) -> int | None:
    """The id of the year group a heading names ("Rec", "Y1", "Year 1", "Yr 1")."""
    if not text or len(text) > 20:
        return None
    number = nc_year(text)
    return year_groups.get(number) if number is not None else None


def plain(text: str) -> str:
    """Case, accents and punctuation ignored: 'Élodie  O'Neil' -> 'elodie oneil'."""
    decomposed = unicodedata.normalize("NFKD", text)
    letters = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    letters = re.sub(r"['’`]", "", letters.casefold())
    return " ".join(re.sub(r"[^0-9a-z]+", " ", letters).split())


def provision_key(name: str) -> str:
    """The form a provision name is compared in: case and punctuation ignored."""
    return plain(name).replace(" ", "")


@dataclass(frozen=True)
class Frequency:
    sessions_per_week: int
    session_minutes: int


_SESSIONS = re.compile(r"(\d+)\s*(?:x|×|times|sessions?)(?![a-z])")
_MINUTES = re.compile(r"(\d+(?:\.\d+)?)\s*(mins?|minutes?|m|hours?|hrs?|h)(?![a-z])")
_WORD_SESSIONS = {"daily": 5, "everyday": 5, "twice": 2, "once": 1, "weekly": 1}


_BRACKETED = re.compile(r"\s*[(\[]([^)\]]*)[)\]]\s*$")


def split_name_frequency(name: str) -> tuple[str, Frequency | None]:
    """'Precision Teaching (3 x 10 min)' -> ('Precision Teaching', 3 sessions of 10 min).

    Maps often write the frequency in brackets after the provision's name; the name
    alone is what matches the catalogue. Brackets that hold no frequency stay.
    """
    found = _BRACKETED.search(name)
    if found is None:
        return name, None
    parsed = frequency(found.group(1))
    if parsed is None:
        return name, None
    return name[: found.start()].strip() or name, parsed


def frequency(text: str) -> Frequency | None:
    """'3 x 10 min', '3x weekly 10 mins', 'daily 20 min', '2 x 1 hour' -> sessions and minutes.

    A count of sessions (a number before x/times/sessions, or daily/twice/once/weekly)
    and a length (minutes or hours) are both needed.
    """
    lowered = text.casefold().replace("every day", "everyday")
    minutes = _MINUTES.search(lowered)
    if minutes is None:
        return None
    amount = Decimal(minutes.group(1))
    if minutes.group(2).startswith("h"):
        amount *= 60
    if amount != amount.to_integral_value() or amount <= 0:
        return None
    sessions: int | None = None
    count = _SESSIONS.search(lowered.replace(minutes.group(0), " "))
    if count is not None:
        sessions = int(count.group(1))
    else:
        words = re.findall(r"[a-z]+", lowered)
        found = [_WORD_SESSIONS[w] for w in words if w in _WORD_SESSIONS]
        sessions = max(found) if found else None
    if sessions is None or not 1 <= sessions <= 25:
        return None
    return Frequency(sessions, int(amount))


_AREA_WORDS: tuple[tuple[AreaOfNeed, tuple[str, ...]], ...] = (
    (AreaOfNeed.SEMH, ("semh", "emotional", "behaviour", "behavior", "social", "anger")),
    (AreaOfNeed.SEMH, ("mental", "counselling", "mentoring", "friendship", "nurture")),
    (AreaOfNeed.COMMUNICATION, ("communication", "speech", "language", "slcn", "asd", "autism")),
    (AreaOfNeed.COMMUNICATION, ("eal", "talking", "interaction", "salt")),
    (AreaOfNeed.SENSORY, ("sensory", "physical", "motor", "coordination", "hearing", "vision")),
    (AreaOfNeed.COGNITION, ("cognition", "learning", "literacy", "mathematics", "maths")),
    (AreaOfNeed.COGNITION, ("reading", "phonics", "spelling", "numeracy", "writing")),
)


def area(text: str) -> AreaOfNeed | None:
    """'Cognition and learning', 'C&L', 'SEMH', 'Sensory/physical' -> the area of need."""
    key = squash(text)
    for code in AreaOfNeed:
        if key in (squash(code.value), squash(code.label)):
            return code
    initials = {"ci": "CI", "cai": "CI", "cl": "CL", "cal": "CL", "sp": "SP", "sap": "SP"}
    if key in initials:
        return AreaOfNeed(initials[key])
    return area_from_words(text)


def area_from_words(text: str) -> AreaOfNeed | None:
    """The area a provision's or a section's words point to, if any clearly does."""
    words = set(re.findall(r"[a-z]+", text.casefold()))
    for code, keys in _AREA_WORDS:
        if words & set(keys):
            return code
    return None


def wave(text: str) -> int | None:
    """'2', 'Wave 2', 'W3', 'Tier 3' -> 2 or 3; 1 to 3 only."""
    match = re.search(r"(?:wave|tier|w)?\s*([123])\b", text.casefold())
    return int(match.group(1)) if match else None


def money(text: str) -> Decimal | None:
    """'£1,200', '450.00', '£ 75' -> pounds as a Decimal with pence; None if not money."""
    cleaned = text.replace("£", "").replace(",", "").replace(" ", "").strip()
    if cleaned.lower().endswith("gbp"):
        cleaned = cleaned[:-3]
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    if value < 0 or not value.is_finite():
        return None
    return value.quantize(Decimal("0.01"))


def weeks(text: str) -> int | None:
    match = re.fullmatch(r"(\d{1,2})\s*(?:weeks?|wks?)?", text.strip().casefold())
    if not match or not 1 <= int(match.group(1)) <= 52:
        return None
    return int(match.group(1))
