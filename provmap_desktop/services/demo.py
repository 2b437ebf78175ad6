"""The built-in demo school: Oakfield Primary School, a fictional school to explore.

``build_demo_school`` fills an empty database with a realistic primary school: Reception
to Year 6, one class of about 30 per year group, 210 pupils with fictional names (from
``resources/demo_names.json``, which also holds the profile phrases and EHCP outcomes),
about 45 on the SEN register with six EHC plans, staff with hourly costs, the starter
catalogue, about 35 groups this academic year and a dozen last year, delivery records
up to the day before ``today``, APDR reviews and funding budgets.

It is deterministic: one ``random.Random`` with a fixed seed, and ``today`` the only
input, so the same ``today`` always gives the same school. Everything is placed
relative to the academic year holding ``today`` (the current year) and the one before.

One pupil, Maya, follows the Year 4 worked example of the graduated approach: last year
in Year 4 she had Precision Teaching (3 x 10 minutes a week for 12 weeks in a group of
four), a mid-point review that modified it, and an end review that found four months'
reading-age progress against a six-month target and escalated to a specialist
assessment and a Wave 3 structured literacy programme, which continues this year.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections import Counter
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import (
    AcademicYear,
    Ehcp,
    EhcpOutcome,
    EhcpProvisionItem,
    FundingBudget,
    FundingStream,
    GroupMembership,
    Provision,
    Pupil,
    PupilProfile,
    SchoolClass,
    Staff,
    StaffRole,
    YearGroup,
)
from ..models.vocab import NEED_TYPES
from ..resources_path import resource_path
from ..rules.upn import make_upn
from ..storage.audit import AUDIT_OFF
from .calendar import SchoolCalendar
from .demo_activity import build_activity
from .school_setup import academic_year_start_for, create_school, ensure_academic_year

SEED = 20_260_901
SCHOOL_NAME = "Oakfield Primary School"
LA_NUMBER, ESTABLISHMENT, URN = "801", "2000", "100001"
YEAR_GROUPS = ["Reception", *(f"Year {n}" for n in range(1, 7))]
PUPILS_PER_YEAR = {0: 30, 1: 30, 2: 29, 3: 30, 4: 31, 5: 30, 6: 30}
CLASSES = {
    0: ("Robins", "Mrs Lucy Hartley"),
    1: ("Wrens", "Mr Ben Okoro"),
    2: ("Owls", "Miss Sara Quinn"),
    3: ("Kestrels", "Mrs Nadia Rahman"),
    4: ("Falcons", "Mr Jonah Price"),
    5: ("Kingfishers", "Ms Alice Fenwick"),
    6: ("Herons", "Mr Tariq Aziz"),
}
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
# (key, name, role, own hourly rate or None)
STAFF = (
    ("senco", "Mrs Harriet Cole", "SENCO", None),
    ("teacher", "Mr Daniel Osei", "Teacher", None),
    ("hlta1", "Mrs Joanne Fielding", "HLTA", "22.50"),
    ("hlta2", "Mr Samir Haddad", "HLTA", None),
    ("mentor", "Mr Leon Marsh", "Learning mentor", None),
    ("ta1", "Mrs Amina Ahmed", "Teaching assistant", "19.50"),
    ("ta2", "Miss Chloe Brennan", "Teaching assistant", None),
    ("ta3", "Mrs Sunita Bhatt", "Teaching assistant", None),
    ("ta4", "Mr Tom Riley", "Teaching assistant", None),
    ("ta5", "Mrs Grace Adeyemi", "Teaching assistant", None),
    ("ta6", "Ms Ewa Nowicka", "Teaching assistant", None),
    ("ta7", "Mrs Karen Doyle", "Teaching assistant", None),
    ("salt", "Ms Rachel Kemp (visiting SaLT)", "Speech and language therapist", None),
    ("ot", "Mr Owen Pritchard (visiting OT)", "Occupational therapist", None),
    ("spld", "Mrs Fiona Grant (SpLD outreach)", "Specialist teacher (SpLD outreach)", None),
)
HIGH_NEEDS_PER_EHCP = Decimal("7250.00")
PUPIL_PREMIUM_RATE = Decimal("1480.00")


def _load_text() -> dict[str, Any]:
    with resource_path("demo_names.json").open(encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


def build_demo_school(session: Session, *, today: dt.date) -> None:
    """Fill an empty database with Oakfield Primary School as it stands on ``today``; commit.

    Raises ``ValueError`` if the database already holds a school. The audit log is
    switched off while the school is generated and restored afterwards.
    """
    previous_audit = session.info.get(AUDIT_OFF)
    session.info[AUDIT_OFF] = True
    try:
        _build(session, today)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        if previous_audit is None:
            session.info.pop(AUDIT_OFF, None)
        else:
            session.info[AUDIT_OFF] = previous_audit


def _build(session: Session, today: dt.date) -> None:
    rng = random.Random(SEED)
    text = _load_text()
    current_start = academic_year_start_for(today)
    create_school(
        session,
        name=SCHOOL_NAME,
        phase="primary",
        year_group_names=YEAR_GROUPS,
        start_year=current_start - 1,
        la_number=LA_NUMBER,
        urn=URN,
    )
    previous = session.scalars(select(AcademicYear)).one()
    current = ensure_academic_year(session, current_start)
    year_groups = {y.sort_order: y for y in session.scalars(select(YearGroup))}
    classes = {
        nc: SchoolClass(name=f"{bird} ({year_groups[nc].name})", year_group=year_groups[nc],
                        teacher=teacher)
        for nc, (bird, teacher) in CLASSES.items()
    }  # fmt: skip
    session.add_all(classes.values())
    staff = _add_staff(session)
    pupils = _add_pupils(session, rng, text, today, current_start, year_groups, classes)
    maya = _add_sen_register(rng, text, today, pupils)
    session.flush()
    calendars = {year.id: SchoolCalendar.from_terms(year.terms) for year in (previous, current)}
    memberships = build_activity(
        session,
        rng,
        today=today,
        years=(previous, current),
        calendars=calendars,
        pupils=pupils,
        staff=staff,
        maya=maya,
    )
    _add_ehcps(session, rng, text, today, pupils, memberships)
    _add_budgets(session, pupils, (previous, current))
    session.flush()


def _add_staff(session: Session) -> dict[str, Staff]:
    roles = {r.name: r for r in session.scalars(select(StaffRole))}
    staff = {
        key: Staff(
            name=name,
            role=roles[role],
            hourly_cost_override=Decimal(rate) if rate is not None else None,
        )
        for key, name, role, rate in STAFF
    }
    session.add_all(staff.values())
    return staff


def _random_day(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    """A day in [first, last]; one draw whatever the span, so the pupils generated do not
    shift with ``today`` (only dates placed relative to it do)."""
    span = max(0, (last - first).days)
    return first + dt.timedelta(days=int(rng.random() * (span + 1)))


def _add_pupils(
    session: Session,
    rng: random.Random,
    text: dict[str, Any],
    today: dt.date,
    current_start: int,
    year_groups: dict[int, YearGroup],
    classes: dict[int, SchoolClass],
) -> dict[int, list[Pupil]]:
    """About 30 pupils per year group, with flags at roughly national rates."""
    taken: set[tuple[str, str]] = set()
    by_year: dict[int, list[Pupil]] = {}
    for nc, count in PUPILS_PER_YEAR.items():
        intake = current_start - nc  # the September they started Reception
        born_from = dt.date(intake - 5, 9, 1)
        by_year[nc] = []
        for serial in range(1, count + 1):
            gender = "F" if rng.random() < 0.5 else "M"
            names = text["female_forenames"] if gender == "F" else text["male_forenames"]
            forename, surname = rng.choice(names), rng.choice(text["surnames"])
            while (forename, surname) in taken:
                forename, surname = rng.choice(names), rng.choice(text["surnames"])
            taken.add((forename, surname))
            started = dt.date(intake, 9, 4)
            if rng.random() < 0.1:  # joined mid-way through their schooling
                started = _random_day(rng, started, today - dt.timedelta(days=45))
            fsm = rng.random() < 0.24
            pupil = Pupil(
                upn=make_upn(LA_NUMBER, ESTABLISHMENT, intake, serial),
                forename=forename,
                surname=surname,
                preferred_name=PREFERRED.get(forename, "") if rng.random() < 0.5 else "",
                date_of_birth=_random_day(rng, born_from, dt.date(intake - 4, 8, 31)),
                gender=gender,
                year_group=year_groups[nc],
                school_class=classes[nc],
                eal=rng.random() < 0.21,
                fsm=fsm,
                pupil_premium=fsm or rng.random() < 0.06,
                on_roll_date=min(started, today),
            )
            by_year[nc].append(pupil)
    # Two looked-after children; both attract pupil premium plus.
    for nc, index in ((2, 7), (5, 11)):
        by_year[nc][index].cla = True
        by_year[nc][index].pupil_premium = True
    session.add_all(p for year in by_year.values() for p in year)
    return by_year


def _add_sen_register(
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
    maya.forename, maya.preferred_name, maya.gender = "Maya", "", "F"
    for pupil in register:
        if pupil is maya:
            need = "SPLD"
        else:
            # Specific learning difficulties are rarely identified before Year 2.
            early = pupil.year_group is not None and pupil.year_group.sort_order < 2
            need = next(n for n in pool if not (early and n == "SPLD"))
            pool.remove(need)
        pupil.sen_status = "K"
        pupil.primary_need = need
        if need in SECONDARY_NEEDS and rng.random() < 0.35:
            pupil.secondary_need = rng.choice(SECONDARY_NEEDS[need])
        earliest = max(pupil.on_roll_date or today, today - dt.timedelta(days=900))
        pupil.sen_start_date = _random_day(rng, earliest, today - dt.timedelta(days=30))
        pupil.sen_notes = f"On the register for {NEED_TYPES[need].lower()}."
        pupil.profile = _profile(rng, text, pupil, today)
    maya.sen_start_date = dt.date(academic_year_start_for(today) - 1, 11, 20)
    maya.sen_notes = "Dyslexia screening last year: phonological processing, memory, naming."
    _choose_ehcp_pupils(rng, register, maya)
    return maya


def _choose_ehcp_pupils(rng: random.Random, register: list[Pupil], maya: Pupil) -> None:
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
        chosen.sen_status = "E"
        years_taken.add(chosen.year_group.sort_order)  # type: ignore[union-attr]


def _profile(
    rng: random.Random, text: dict[str, Any], pupil: Pupil, today: dt.date
) -> PupilProfile:
    phrases = text["profile_phrases"]
    needs = NEED_TYPES[pupil.primary_need or "NSA"]
    if pupil.secondary_need:
        needs += f"; also {NEED_TYPES[pupil.secondary_need].lower()}"
    if pupil.forename == "Maya":
        return PupilProfile(
            like_and_admire="Thoughtful and articulate; full of ideas in class discussion.",
            important_to_me="Being listened to; my art club; my cat, Pepper.",
            how_to_support=(
                "Cream paper and Arial 14pt on worksheets; let me answer orally where I can; "
                "pre-teach the key words before a lesson."
            ),
            strengths="Good spoken vocabulary and understanding; creative.",
            needs="Reading and spelling: phonological processing, working memory, naming speed.",
            strategies="Visual timetable and lesson preview; coloured overlay; word mat.",
            pupil_voice="Reading makes me tired but I like it when I can tell you my answer.",
            parent_views="Mum says Maya avoids reading at home and gets frustrated with homework.",
            external_agencies=AGENCIES["SPLD"],
            updated_on=today - dt.timedelta(days=20),
        )
    return PupilProfile(
        like_and_admire=rng.choice(phrases["like_and_admire"]),
        important_to_me=rng.choice(phrases["important_to_me"]),
        how_to_support=" ".join(rng.sample(phrases["how_to_support"], 2)),
        strengths=rng.choice(phrases["like_and_admire"]),
        needs=needs,
        strategies=rng.choice(phrases["strategies"]),
        pupil_voice=rng.choice(phrases["pupil_voice"]),
        parent_views=rng.choice(phrases["parent_views"]),
        external_agencies=AGENCIES.get(pupil.primary_need or "", ""),
        updated_on=today - dt.timedelta(days=rng.randint(10, 150)),
    )


def _add_ehcps(
    session: Session,
    rng: random.Random,
    text: dict[str, Any],
    today: dt.date,
    pupils: dict[int, list[Pupil]],
    memberships: dict[int, list[GroupMembership]],
) -> None:
    """An EHC plan for every pupil with status E: Section E outcomes, Section F items.

    Section F items are linked to the pupil's current 1:1 allocations where one meets
    them; the first plan also holds an occupational therapy item that no provision
    meets, so the Section F gap check has something to find.
    """
    holders = [p for year in pupils.values() for p in year if p.sen_status == "E"]
    therapy_id = session.scalar(
        select(Provision.id).where(Provision.name == "Occupational therapy programme")
    )
    for index, pupil in enumerate(holders):
        issued = today - dt.timedelta(days=rng.randint(150, 900))
        anniversary = issued
        while anniversary < today - dt.timedelta(days=20):
            anniversary = anniversary.replace(year=anniversary.year + 1)
        pupil.sen_start_date = min(pupil.sen_start_date or issued, issued - dt.timedelta(days=300))
        outcomes = text["ehcp_outcomes"].get(pupil.primary_need, text["ehcp_outcomes"]["MLD"])
        plan = Ehcp(
            pupil=pupil,
            issued_date=issued,
            next_review_date=anniversary,
            la_reference=f"EHC/{LA_NUMBER}/{4100 + index * 37}",
            outcomes=[
                EhcpOutcome(
                    text=o.format(name=pupil.preferred_name or pupil.forename), sort_order=i
                )
                for i, o in enumerate(outcomes[: 2 + index % 2])
            ],
        )
        items: list[EhcpProvisionItem] = []
        for membership in memberships.get(pupil.id, [])[:3]:
            group = membership.group
            minutes = group.effective_session_minutes * group.effective_sessions_per_week
            items.append(
                EhcpProvisionItem(
                    text=f"{_duration(minutes)} per week of {_lower_first(group.provision.name)}",
                    minutes_per_week=minutes,
                    provision_id=group.provision_id,
                    membership_id=membership.id,
                    sort_order=len(items),
                )
            )
        if index == 0:
            # Deliberately met by nothing: the Section F gap a SENCO must see.
            items.append(
                EhcpProvisionItem(
                    text="45 minutes per week of occupational therapy, with a programme for school",
                    minutes_per_week=45,
                    provision_id=therapy_id,
                    sort_order=len(items),
                )
            )
        plan.provision_items = items
        session.add(plan)


def _lower_first(name: str) -> str:
    """'Speech and language therapy' -> 'speech and language therapy'; '1:1 PE' unchanged."""
    return name[0].lower() + name[1:]


def _duration(minutes: int) -> str:
    if minutes >= 120 and minutes % 60 == 0:
        return f"{minutes // 60} hours"
    return f"{minutes} minutes"


def _add_budgets(
    session: Session, pupils: dict[int, list[Pupil]], years: tuple[AcademicYear, ...]
) -> None:
    everyone = [p for year in pupils.values() for p in year]
    counts = Counter(p.sen_status for p in everyone)
    premium = sum(1 for p in everyone if p.pupil_premium)
    amounts = {
        "Notional SEN budget": Decimal("118000.00"),
        "Pupil premium": PUPIL_PREMIUM_RATE * premium,
        "High-needs top-up": HIGH_NEEDS_PER_EHCP * counts["E"],
        "Other": Decimal("3000.00"),
    }
    for stream in session.scalars(select(FundingStream)):
        for year in years:
            session.add(
                FundingBudget(stream=stream, academic_year=year, amount=amounts[stream.name])
            )
