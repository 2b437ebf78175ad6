"""Shorter forms of what a map cell says, for a narrow column.

At 1366 × 768 (and at 125 % scaling) every year group of a school shares the map's
width, so a cell may be only a few words wide. Rather than cutting text off with "…",
each fact has forms from the full one down to the shortest that still reads: a staff
name becomes "Mr Riley" then the initials "TR" schools use, a slot breaks before its
time and then shortens its days, a pupil's name becomes "Freya J." then "FJ". The cell
takes the longest form that fits; the tooltip, the cell panel and the screen reader
always have the full text. The forms of a name or slot are worked out once and kept.
"""

from __future__ import annotations

import re
from functools import lru_cache

#: Titles a staff name may start with; "Mrs Amina Ahmed" is "Mrs Ahmed" for short.
TITLES = frozenset({"mr", "mrs", "miss", "ms", "mx", "dr", "prof", "sir", "rev"})
_TIME = re.compile(r"^(?P<days>.*?) ?(?P<time>\d{1,2}:\d{2})$")
_DAY_SHORT = {"Mon": "Mo", "Tue": "Tu", "Wed": "We", "Thu": "Th", "Fri": "Fr"}
_DAY_SHORT.update({"Sat": "Sa", "Sun": "Su"})


def _unique(forms: list[str]) -> tuple[str, ...]:
    """The forms in order, each once, none empty."""
    return tuple(dict.fromkeys(f for f in forms if f))


def initials(name: str) -> str:
    """The initials of a name, titles left out: "Mr Tom Riley" gives "TR"."""
    words = [w for w in name.split() if w.strip(".").casefold() not in TITLES]
    return "".join(w[0].upper() for w in words if w[:1].isalpha())


@lru_cache(maxsize=8192)  # a large school's names, asked on every repaint
def staff_forms(name: str) -> tuple[str, ...]:
    """The full name, then "Mr Riley", then the initials "TR"; a note in brackets
    ("Ms Rachel Kemp (visiting SaLT)") is left out of the shorter forms."""
    core = re.sub(r"\s*\([^)]*\)", "", name).strip() or name
    words = core.split()
    forms = [name, core]
    if len(words) >= 3 and words[0].strip(".").casefold() in TITLES:
        forms.append(f"{words[0]} {words[-1]}")
    if len(short := initials(core)) >= 2:
        forms.append(short)
    return _unique(forms)


@lru_cache(maxsize=8192)  # a large school's names, asked on every repaint
def pupil_forms(name: str) -> tuple[str, ...]:
    """A pupil's name, then "Freya J.", then the initials "FJ"."""
    words = name.split()
    if len(words) < 2 or not words[-1][:1].isalpha():
        return (name,)
    return _unique([name, f"{' '.join(words[:-1])} {words[-1][0]}.", initials(name)])


def _short_time(time: str) -> str:
    return time[1:] if time.startswith("0") else time


def _short_days(days: str) -> str:
    return re.sub(r"[A-Z][a-z]{2}", lambda m: _DAY_SHORT.get(m[0], m[0]), days)


@lru_cache(maxsize=8192)  # a large school's names, asked on every repaint
def slot_forms(slot: str) -> tuple[str, ...]:
    """A slot, then its days over its time ("Tue, Thu" over "09:10"), then "Tu, Th"
    over "9:10", then "Tu Th", then a day a line.

    Slots at different times ("Mon 09:00, Wed 13:15") go one a line, then shortened.
    """
    if not slot:
        return ()
    if ":" not in slot:  # days only
        return _unique([slot, _short_days(slot)])
    shared = _TIME.match(slot)
    if shared and ":" not in shared["days"]:
        days, time = shared["days"], shared["time"]
        if not days:
            return _unique([slot, _short_time(time)])
        short_days, short_time = _short_days(days), _short_time(time)
        return _unique(
            [
                slot,
                f"{days}\n{time}",
                f"{short_days}\n{short_time}",
                f"{short_days.replace(',', '')}\n{short_time}",
                f"{short_days.replace(', ', chr(10))}\n{short_time}",
            ]
        )
    each = slot.split(", ")
    short = [
        f"{_short_days(m['days'])} {_short_time(m['time'])}" if (m := _TIME.match(s)) else s
        for s in each
    ]
    return _unique([slot, "\n".join(each), "\n".join(short)])


def rate_forms(rate: str) -> tuple[str, ...]:
    """A delivery rate, then without its word ("92% ●"): the symbol still tells the
    band, so it is never told by colour alone."""
    words = rate.split()
    return _unique([rate, " ".join(words[:2])]) if len(words) > 2 else (rate,)


def over_forms() -> tuple[str, ...]:
    """The over-size warning, then its short form."""
    return ("! over size", "! over")


def column_short(name: str) -> str:
    """A year group's column heading for a narrow column: "Year 3" is "Y3",
    "Reception" is "Rec", "No year group" is "No YG", "Total" stays; other names keep their first
    letters of each word (up to three)."""
    words = name.split()
    if len(words) == 2 and words[0] == "Year":
        return f"Y{words[1]}"
    if name == "No year group":
        return "No YG"
    if len(words) == 1:
        return name if len(name) <= 5 else name[:3]
    return "".join(w[0].upper() for w in words[:3])


#: The areas of need as the SEND Code of Practice's readers write them for short.
AREA_SHORT = {
    "Communication and interaction": "C&I",
    "Cognition and learning": "C&L",
    "Social, emotional and mental health": "SEMH",
    "Sensory and/or physical": "Sensory/physical",
}


def area_short(name: str) -> str:
    """An area of need for a narrow place ("SEMH"); any other heading is kept whole."""
    return AREA_SHORT.get(name, name)
