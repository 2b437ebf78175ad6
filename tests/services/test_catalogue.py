"""The starter catalogue: content spread, loading, and loading twice."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from provmap_desktop.models import FundingStream, Provision, StaffRole, YearGroup
from provmap_desktop.resources_path import resource_path
from provmap_desktop.services.catalogue import load_starter_catalogue, starter_entries
from provmap_desktop.services.school_setup import STANDARD_ROLES, create_school


def test_resource_path_finds_bundled_files() -> None:
    assert resource_path("starter_catalogue.json").is_file()
    assert resource_path("demo_names.json").is_file()


def test_entries_cover_every_area_and_wave() -> None:
    entries = starter_entries()
    assert len(entries) >= 30
    names = [e.name for e in entries]
    assert len(names) == len(set(names))
    by_area = Counter(e.area for e in entries)
    assert set(by_area) == {"CI", "CL", "SEMH", "SP"}
    assert all(count >= 5 for count in by_area.values())
    assert {e.wave for e in entries} == {1, 2, 3}
    for area in by_area:
        assert {e.wave for e in entries if e.area == area} >= {2, 3}


def test_entries_name_known_roles_and_streams() -> None:
    roles = {name for name, _cost, _external in STANDARD_ROLES}
    streams = {"Notional SEN budget", "Pupil premium", "High-needs top-up", "Other"}
    for entry in starter_entries():
        assert entry.delivered_by in roles or entry.delivered_by == "", entry.name
        assert entry.funding_stream in streams, entry.name
        assert isinstance(entry.resources_cost, Decimal)
        assert entry.description
        assert entry.entry_criteria
        assert entry.exit_criteria


def test_precision_teaching_matches_the_worked_example() -> None:
    entry = next(e for e in starter_entries() if e.name == "Precision Teaching")
    assert (entry.area, entry.wave, entry.delivered_by) == ("CL", 2, "Teaching assistant")
    assert (entry.session_minutes, entry.sessions_per_week, entry.weeks, entry.group_size) == (
        10,
        3,
        12,
        4,
    )


def test_load_ties_roles_streams_and_year_groups(session: Session) -> None:
    create_school(
        session,
        name="Test",
        phase="primary",
        year_group_names=["Reception", "Year 1", "Year 2", "Year 3"],
        start_year=2026,
    )
    salt = session.scalar(select(Provision).where(Provision.name == "Speech and language therapy"))
    assert salt is not None
    assert salt.area == "CI"
    assert salt.wave == 3
    assert salt.delivered_by_role is not None
    assert salt.delivered_by_role.external
    phonics = session.scalar(select(Provision).where(Provision.name == "Phonics catch-up"))
    assert phonics is not None
    # Listed for Reception to Year 4; this school only has up to Year 3.
    assert [y.name for y in phonics.suitable_year_groups] == [
        "Reception",
        "Year 1",
        "Year 2",
        "Year 3",
    ]
    assert phonics.funding_stream is not None
    assert phonics.funding_stream.name == "Notional SEN budget"
    lego = session.scalar(select(Provision).where(Provision.name == "Lego-based therapy"))
    assert lego is not None
    assert lego.suitable_year_groups == []
    assert lego.resources_cost == Decimal("60.00")


def test_loading_again_adds_nothing_and_keeps_edits(session: Session) -> None:
    session.add_all(
        [
            StaffRole(name="Teaching assistant", hourly_cost=Decimal("18.00")),
            FundingStream(name="Notional SEN budget"),
            YearGroup(name="Year 4", sort_order=4),
            Provision(name="precision teaching", area="CL", wave=2, session_minutes=15),
        ]
    )
    session.flush()
    added = load_starter_catalogue(session)
    assert "Precision Teaching" not in {p.name for p in added}
    total = session.scalar(select(func.count(Provision.id)))
    assert total == len(added) + 1
    assert load_starter_catalogue(session) == []
    assert session.scalar(select(func.count(Provision.id))) == total
    mine = session.scalar(select(Provision).where(Provision.name == "precision teaching"))
    assert mine is not None
    assert mine.session_minutes == 15
    # Roles the school lacks are left blank rather than invented.
    salt = session.scalar(select(Provision).where(Provision.name == "Speech and language therapy"))
    assert salt is not None
    assert salt.delivered_by_role is None
