"""Splitting a map's cell into a group label and names, and matching names to pupils.

A cell holds names separated by commas, semicolons or line breaks, optionally after a
group label ending in a colon ("Springboard 4: Ali Harper, Jamia Bennett"). A piece
that does not look like a name (too many words, digits) is kept aside to be reported.

Names are matched among the pupils of one year group, trying in order: the full name
(forename or preferred name, then surname), "Forename S.", "F. Surname", and the
forename (or preferred name) alone. The first form that finds anyone decides: one
pupil is a match, several are ambiguous; nothing is guessed. Case and accents are
ignored throughout.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from .words import plain

_SEPARATORS = re.compile(r"[,;\n]+|\s+(?:and|&)\s+")
_NAME_PIECE = re.compile(r"^[^\W\d_]+(?:[ .'’\-][^\W\d_]*\.?)*$")
MAX_NAME_WORDS = 4


@dataclass(frozen=True)
class CellText:
    """A cell split up: the group label (may be empty), the names, and unreadable pieces."""

    label: str
    names: list[str]
    unreadable: list[str]


def split_cell(text: str) -> CellText:
    label = ""
    body = text.strip()
    head, colon, rest = body.partition(":")
    if colon and "\n" not in head and "," not in head and ";" not in head:
        label, body = head.strip(), rest
    names: list[str] = []
    unreadable: list[str] = []
    for piece in _SEPARATORS.split(body):
        # "Joanna?" and "- Sam" are names with a mark of doubt or a bullet.
        piece = " ".join(piece.split()).strip(" ?!*-–•")
        if not piece:
            continue
        if len(piece.split()) <= MAX_NAME_WORDS and _NAME_PIECE.match(piece):
            names.append(piece)
        else:
            unreadable.append(piece)
    return CellText(label, names, unreadable)


@dataclass(frozen=True)
class Person:
    """A pupil as the matcher sees them."""

    pupil_id: int
    forename: str
    surname: str
    preferred: str
    label: str  # how the preview names them: "Mohammed Patel (Year 5)"


@dataclass
class Match:
    """The pupil a name is, or none; ``candidates`` are the pupils it could be (ambiguous)
    or looks like (no match: a misspelling, perhaps)."""

    pupil_id: int | None = None
    candidates: list[Person] = field(default_factory=list)
    is_ambiguous: bool = False


class NameIndex:
    """The pupils of each year group, indexed by every form a map may name them by."""

    def __init__(self, people: Iterable[tuple[int | None, Person]]) -> None:
        self._forms: dict[tuple[int | None, int, str], set[int]] = defaultdict(set)
        self._people: dict[int, Person] = {}
        self._by_year: dict[int | None, list[Person]] = defaultdict(list)
        for year_group_id, person in people:
            self._people[person.pupil_id] = person
            self._by_year[year_group_id].append(person)
            surname = plain(person.surname)
            for first in {plain(person.forename), plain(person.preferred)} - {""}:
                for level, form in enumerate(
                    (
                        f"{first} {surname}",
                        f"{first} {surname[:1]}",
                        f"{first[:1]} {surname}",
                        first,
                    )
                ):
                    self._forms[(year_group_id, level, form.strip())].add(person.pupil_id)
                # Two forenames ("Mary Jane") written with only the first.
                if " " in first:
                    short = first.split()[0]
                    self._forms[(year_group_id, 0, f"{short} {surname}")].add(person.pupil_id)
                    self._forms[(year_group_id, 3, short)].add(person.pupil_id)

    def match(self, name: str, year_group_id: int | None) -> Match:
        key = plain(name)
        for level in range(4):
            found = self._forms.get((year_group_id, level, key))
            if found:
                people = sorted((self._people[i] for i in found), key=lambda p: p.label)
                if len(people) == 1:
                    return Match(people[0].pupil_id, people)
                return Match(None, people, is_ambiguous=True)
        return Match(None, self.near(key, year_group_id))

    def near(self, key: str, year_group_id: int | None) -> list[Person]:
        """Pupils whose names look like a misspelling of ``key`` (for the preview only)."""
        people = self._by_year.get(year_group_id, [])
        choices: dict[str, list[Person]] = defaultdict(list)
        for person in people:
            for form in (
                plain(person.forename),
                plain(person.preferred),
                plain(f"{person.forename} {person.surname}"),
            ):
                if form:
                    choices[form].append(person)
        close = difflib.get_close_matches(key, list(choices), n=3, cutoff=0.85)
        seen: dict[int, Person] = {}
        for form in close:
            for person in choices[form]:
                seen.setdefault(person.pupil_id, person)
        return list(seen.values())
