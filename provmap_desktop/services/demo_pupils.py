"""The demo school's pupils: about 30 a year group, the SEN register and its profiles.

Part of ``services.demo``. Every pupil is added and changed through ``domain.pupils``;
the random draws are made in a fixed order, so the same seed gives the same pupils.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from sqlalchemy.orm import Session

from ..domain import profiles
from ..domain import pupils as pupil_writes
from ..models import Pupil, SchoolClass
from ..models.vocab import NEED_TYPES
from ..rules.upn import make_upn
from .demo_school import ESTABLISHMENT, LA_NUMBER, random_day
from .school_setup import academic_year_start_for

PUPILS_PER_YEAR = {0: 30, 1: 30, 2: 29, 3: 30, 4: 31, 5: 30, 6: 30}
# SEN register by year group (identification rises with age): 45 in all.
SEN_PER_YEAR = {0: 3, 1: 5, 2: 6, 3: 7, 4: 8, 5: 8, 6: 8}
# Primary needs, roughly as common as in English primary schools; Maya's SPLD is extra.
NEED_POOL = (
    ["SLCN"] * 11 + ["SEMH"] * 9 + ["SPLD"] * 5 + ["MLD"] * 6 + ["ASD"] * 6
    + ["HI", "VI", "PD", "PD", "OTH", "OTH", "NSA"]
)  # fmt: skip
EHCP_NEEDS = ("ASD", "SLCN", "SEMH", "PD", "MLD", "ASD")
SECONDARY_NEEDS = {
    "ASD": ("SLCN", "SEMH"),
    "SLCN": ("SEMH", "MLD"),
    "SEMH": ("SLCN",),
    "SPLD": ("SEMH",),
    "MLD": ("SLCN", "SPLD"),
    "PD": ("SLCN",),
    "HI": ("SLCN",),
}
AGENCIES = {
    "SLCN": "Speech and language therapy service",
    "ASD": "Speech and language therapy service; community paediatrician",
    "SEMH": "School nursing; CAMHS (referral made)",
    "SPLD": "SpLD outreach service",
    "MLD": "Educational psychology service",
    "PD": "Physiotherapy; occupational therapy",
    "HI": "Sensory support service (hearing)",
    "VI": "Sensory support service (vision)",
}
PREFERRED = {
    "Oliver": "Ollie", "Samuel": "Sam", "Joshua": "Josh", "Thomas": "Tom", "William": "Will",
    "Edward": "Ted", "Abigail": "Abi", "Jessica": "Jess", "Matilda": "Tilly", "Florence": "Flo",
}  # fmt: skip
MAYA_PROFILE = {
    "like_and_admire": "Thoughtful and articulate; full of ideas in class discussion.",
    "important_to_me": "Being listened to; my art club; my cat, Pepper.",
    "how_to_support": (
        "Cream paper and Arial 14pt on worksheets; let me answer orally where I can; "
        "pre-teach the key words before a lesson."
    ),
    "strengths": "Good spoken vocabulary and understanding; creative.",
    "needs": "Reading and spelling: phonological processing, working memory, naming speed.",
    "strategies": "Visual timetable and lesson preview; coloured overlay; word mat.",
    "pupil_voice": "Reading makes me tired but I like it when I can tell you my answer.",
    "parent_views": "Mum says Maya avoids reading at home and gets frustrated with homework.",
    "external_agencies": AGENCIES["SPLD"],
}


def _set(session: Session, pupil: Pupil, **values: Any) -> None:
    """Set several fields of ``pupil``, in order, through ``domain.pupils.update``."""
    for field_name, value in values.items():
        pupil_writes.update(session, pupil.id, field_name, value)


def _one_pupil(
    session: Session,
    rng: random.Random,
    text: dict[str, Any],
    today: dt.date,
    serial: int,
    intake: int,
    school_class: SchoolClass,
    taken: set[tuple[str, str]],
) -> Pupil:
    """Draw one pupil's details (in a fixed order) and add them."""
    gender = "F" if rng.random() < 0.5 else "M"
    names = text["female_forenames"] if gender == "F" else text["male_forenames"]
    forename, surname = rng.choice(names), rng.choice(text["surnames"])
    while (forename, surname) in taken:
        forename, surname = rng.choice(names), rng.choice(text["surnames"])
    taken.add((forename, surname))
    started = dt.date(intake, 9, 4)
    if rng.random() < 0.1:  # joined mid-way through their schooling
        started = random_day(rng, started, today - dt.timedelta(days=45))
    fsm = rng.random() < 0.24
    preferred = PREFERRED.get(forename, "") if rng.random() < 0.5 else ""
    born = random_day(rng, dt.date(intake - 5, 9, 1), dt.date(intake - 4, 8, 31))
    eal = rng.random() < 0.21
    premium = fsm or rng.random() < 0.06
    made = pupil_writes.add(
        session,
        forename=forename,
        surname=surname,
        upn=make_upn(LA_NUMBER, ESTABLISHMENT, intake, serial),
        date_of_birth=born,
        gender=gender,
        year_group_id=school_class.year_group_id,
        class_id=school_class.id,
        on_roll_date=min(started, today),
    )
    pupil: Pupil = made.rows[0]
    _set(session, pupil, preferred_name=preferred, eal=eal, fsm=fsm, pupil_premium=premium)
    return pupil


def add_pupils(
    session: Session,
    rng: random.Random,
    text: dict[str, Any],
    today: dt.date,
    classes: dict[int, SchoolClass],
) -> dict[int, list[Pupil]]:
    """About 30 pupils per year group, with flags at roughly national rates; by NC year."""
    current_start = academic_year_start_for(today)
    taken: set[tuple[str, str]] = set()
    by_year: dict[int, list[Pupil]] = {}
    for nc, count in PUPILS_PER_YEAR.items():
        intake = current_start - nc  # the September they started Reception
        by_year[nc] = [
            _one_pupil(session, rng, text, today, serial, intake, classes[nc], taken)
            for serial in range(1, count + 1)
        ]
    # Two looked-after children; both attract pupil premium plus.
    for nc, index in ((2, 7), (5, 11)):
        _set(session, by_year[nc][index], cla=True, pupil_premium=True)
    return by_year


def add_sen_register(
    session: Session,
    rng: random.Random,
    text: dict[str, Any],
    today: dt.date,
    pupils: dict[int, list[Pupil]],
) -> Pupil:
    """Put about 45 pupils on the register (boys about twice as often); return Maya."""
    pool = list(NEED_POOL)
    rng.shuffle(pool)
    register: list[Pupil] = []
    for nc, count in SEN_PER_YEAR.items():
        # Weighted sampling without replacement (key = u ** (1 / weight)).
        keyed = sorted(
            pupils[nc], key=lambda p: rng.random() ** (1 / (2.0 if p.gender == "M" else 1.0))
        )
        register += keyed[-count:]
    maya = register[sum(SEN_PER_YEAR[n] for n in range(5))]  # the first chosen in Year 5
    _set(session, maya, forename="Maya", preferred_name="", gender="F")
    for pupil in register:
        if pupil is maya:
            need = "SPLD"
        else:
            # Specific learning difficulties are rarely identified before Year 2.
            early = pupil.year_group is not None and pupil.year_group.sort_order < 2
            need = next(n for n in pool if not (early and n == "SPLD"))
            pool.remove(need)
        _set(session, pupil, sen_status="K", primary_need=need)
        if need in SECONDARY_NEEDS and rng.random() < 0.35:
            _set(session, pupil, secondary_need=rng.choice(SECONDARY_NEEDS[need]))
        earliest = max(pupil.on_roll_date or today, today - dt.timedelta(days=900))
        _set(
            session,
            pupil,
            sen_start_date=random_day(rng, earliest, today - dt.timedelta(days=30)),
            sen_notes=f"On the register for {NEED_TYPES[need].lower()}.",
        )
        _write_profile(session, pupil, *_profile(rng, text, pupil, today))
    _set(
        session,
        maya,
        sen_start_date=dt.date(academic_year_start_for(today) - 1, 11, 20),
        sen_notes="Dyslexia screening last year: phonological processing, memory, naming.",
    )
    _choose_ehcp_pupils(session, rng, register, maya)
    return maya


def _choose_ehcp_pupils(
    session: Session, rng: random.Random, register: list[Pupil], maya: Pupil
) -> None:
    """Give six pupils (Year 1 up, each need in ``EHCP_NEEDS``) a plan, spread over years."""
    candidates = [
        p for p in register if p is not maya and p.year_group and p.year_group.sort_order >= 1
    ]
    rng.shuffle(candidates)
    years_taken: set[int] = set()
    for need in EHCP_NEEDS:
        open_ = [p for p in candidates if p.sen_status == "K"]
        with_need = [p for p in open_ if p.primary_need == need]
        fresh = [p for p in with_need if p.year_group.sort_order not in years_taken]  # type: ignore[union-attr]
        chosen = (fresh or with_need or open_)[0]
        _set(session, chosen, sen_status="E")
        years_taken.add(chosen.year_group.sort_order)  # type: ignore[union-attr]


def _profile(
    rng: random.Random, text: dict[str, Any], pupil: Pupil, today: dt.date
) -> tuple[dict[str, str], dt.date]:
    """The pupil's one-page profile (its sections) and the day it was last updated."""
    phrases = text["profile_phrases"]
    needs = NEED_TYPES[pupil.primary_need or "NSA"]
    if pupil.secondary_need:
        needs += f"; also {NEED_TYPES[pupil.secondary_need].lower()}"
    if pupil.forename == "Maya":
        return MAYA_PROFILE, today - dt.timedelta(days=20)
    sections = {
        "like_and_admire": rng.choice(phrases["like_and_admire"]),
        "important_to_me": rng.choice(phrases["important_to_me"]),
        "how_to_support": " ".join(rng.sample(phrases["how_to_support"], 2)),
        "strengths": rng.choice(phrases["like_and_admire"]),
        "needs": needs,
        "strategies": rng.choice(phrases["strategies"]),
        "pupil_voice": rng.choice(phrases["pupil_voice"]),
        "parent_views": rng.choice(phrases["parent_views"]),
        "external_agencies": AGENCIES.get(pupil.primary_need or "", ""),
    }
    return sections, today - dt.timedelta(days=rng.randint(10, 150))


def _write_profile(
    session: Session, pupil: Pupil, sections: dict[str, str], updated_on: dt.date
) -> None:
    """Write each section of the profile as it was last updated on ``updated_on``."""
    for field_name, words in sections.items():
        profiles.update(session, pupil.id, field_name, words, updated_on)
