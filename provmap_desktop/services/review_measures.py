"""Reading the measures of an APDR cycle as numbers, and progress between two of them.

Measures are stored as the text typed; ``parse_measure`` reads them as numbers.

- **Reading age / spelling age** are read as whole months: ``"7y 4m"``, ``"7y4m"``,
  ``"7 years 4 months"``, ``"7:4"``, ``"7:04"`` and ``"7.04"`` (years, then months, as
  reading tests print them) are all 88; ``"7y"`` is 84; a bare number (``"88"`` or
  ``"88m"``) is already months. Progress is in months.
- **Standardised score**, **count** and **rating** (1-5) are plain numbers; progress is
  the difference in points.
- Each measure type knows its direction (``MeasureType.lower_is_better``): ages, scores
  and ratings rise with progress; a **count** (of incidents, of refusals) falls, so a
  fall of four reads "4 fewer" and counts as progress towards its target.
- **Free text** has no number and so no progress.
- A **target value** is either the outcome aimed for, in the same form (``"8y 0m"``),
  or a change with its sign (``"+6m"``, ``"+6"``, ``"+5 points"``; ``"-3"`` for a
  count that should fall by three).
"""

from __future__ import annotations

import re

from ..models.vocab import MeasureType, TargetMet

MEASURE_LABELS: dict[str, str] = {
    MeasureType.READING_AGE.value: "Reading age",
    MeasureType.SPELLING_AGE.value: "Spelling age",
    MeasureType.STANDARDISED_SCORE.value: "Standardised score",
    MeasureType.COUNT.value: "Count (fewer is better)",
    MeasureType.RATING.value: "Rating (1-5)",
    MeasureType.FREE_TEXT.value: "Free text",
}


_AGE_TYPES = (MeasureType.READING_AGE.value, MeasureType.SPELLING_AGE.value)
_AGE = re.compile(
    r"^\s*(?:(\d+)\s*(?:y|yr|yrs|years?)\s*,?\s*)?(?:(\d+)\s*(?:m|mo|mths?|months?))?\s*$"
)
_YEARS_MONTHS = re.compile(r"^\s*(\d+)\s*[:.]\s*(\d{1,2})\s*$")
_NUMBER = re.compile(r"^\s*([+-]?\d+(?:\.\d+)?)\s*(?:points?|pts?|m|months?)?\s*$")


def parse_measure(measure_type: str, text: str) -> float | None:
    """The measure as a number (months for an age), or None if it is not one."""
    if measure_type == MeasureType.FREE_TEXT.value or not (text or "").strip():
        return None
    text = text.strip().lower()
    if measure_type in _AGE_TYPES:
        if match := _YEARS_MONTHS.match(text):
            years, months = int(match[1]), int(match[2])
            return float(years * 12 + months) if months < 12 else None
        if text.replace(".", "", 1).isdigit():
            return float(text)
        match = _AGE.match(text)
        if match and (match[1] or match[2]):
            return float(int(match[1] or 0) * 12 + int(match[2] or 0))
        return None
    match = _NUMBER.match(text)
    return float(match[1]) if match else None


def is_numeric(measure_type: str) -> bool:
    return measure_type != MeasureType.FREE_TEXT.value


def progress(measure_type: str, baseline: str, outcome: str) -> float | None:
    """Outcome minus baseline in the measure's unit, or None when either is not a number."""
    before, after = parse_measure(measure_type, baseline), parse_measure(measure_type, outcome)
    if before is None or after is None:
        return None
    return after - before


def lower_is_better(measure_type: str) -> bool:
    """True for a measure that falls as a pupil makes progress (a count of incidents)."""
    try:
        return MeasureType(measure_type).lower_is_better
    except ValueError:
        return False


def unit(measure_type: str) -> str:
    return "months" if measure_type in _AGE_TYPES else "points"


def _plain(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def progress_text(measure_type: str, value: float | None) -> str:
    """'+4 months', '-2 points', '4 fewer' for a count that fell, or '–' for no number."""
    if value is None:
        return "–"
    if lower_is_better(measure_type):
        if value == 0:
            return "no change"
        return f"{_plain(abs(value))} {'fewer' if value < 0 else 'more'}"
    shown = f"{value:+.1f}".replace(".0", "") if value != int(value) else f"{int(value):+d}"
    word = unit(measure_type)
    if abs(value) == 1:
        word = word[:-1]
    return f"{shown} {word}"


def target_gain(measure_type: str, baseline: str, target_value: str) -> float | None:
    """The change the target asks for: a signed change ('+6m', '-3') as it is, an
    aimed-for value less the baseline."""
    text = (target_value or "").strip()
    if not text:
        return None
    if text[0] in "+-":
        change = parse_measure(measure_type, text[1:])
        return None if change is None else (change if text[0] == "+" else -change)
    return progress(measure_type, baseline, text)


def suggest_target_met(
    measure_type: str, baseline: str, outcome: str, target_value: str
) -> str | None:
    """Met when progress reaches the target, partly when some progress, else not met.

    Progress runs the measure's way: up for an age or a score, down for a count.
    None when the measure or the target is not numeric: then people judge it.
    """
    gained = progress(measure_type, baseline, outcome)
    wanted = target_gain(measure_type, baseline, target_value)
    if gained is None or wanted is None:
        return None
    if lower_is_better(measure_type):
        gained, wanted = -gained, -wanted
    if gained >= wanted:
        return TargetMet.MET.value
    return TargetMet.PARTLY.value if gained > 0 else TargetMet.NOT_MET.value
