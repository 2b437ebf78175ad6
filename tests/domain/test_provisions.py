"""The provision catalogue through the domain: add, change a field, suitability, retire.

Each test works on a real database file and reads the result back in a second
session after a commit; a refused value leaves the provision as it was.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from provmap_desktop.domain import provisions
from provmap_desktop.domain.change import DomainError, Kind
from provmap_desktop.models import Provision

from ._map_file import MapFile, map_file_fixture  # noqa: F401


def stored(map_file: MapFile, provision_id: int) -> dict[str, object] | None:
    """The provision's columns and suitable year groups as the file holds them."""
    map_file.session.commit()
    with map_file.fresh() as other:
        provision = other.get(Provision, provision_id)
        if provision is None:
            return None
        values = {c: getattr(provision, c) for c in ("id", "name", *provisions.PROVISION_COLUMNS)}
        values["suitable"] = [y.name for y in provision.suitable_year_groups]
        return values


def count(map_file: MapFile) -> int:
    return map_file.session.scalar(select(func.count(Provision.id))) or 0


def test_a_provision_is_added_with_plain_values_and_undo_and_redo_keep_its_id(map_file):
    session, school = map_file.session, map_file.school
    made = provisions.add(
        session,
        "  Lego   club ",
        area="SEMH",
        wave=3,
        group_size=3,
        resources_cost=Decimal("12.5"),
        delivered_by_role_id=school.staff["Mrs Ahmed"].role_id,
        suitable_year_group_ids=[school.year_groups["Year 3"].id, school.year_groups["Year 1"].id],
    )
    assert made.changed.kinds == {Kind.PROVISIONS}
    saved = stored(map_file, made.provision_id)
    assert saved is not None
    assert (saved["name"], saved["area"], saved["wave"], saved["group_size"]) == (
        "Lego club", "SEMH", 3, 3,
    )  # fmt: skip
    assert saved["resources_cost"] == Decimal("12.50")
    assert saved["suitable"] == ["Year 1", "Year 3"]
    made.undo(session)
    assert stored(map_file, made.provision_id) is None
    made.redo(session)
    assert stored(map_file, made.provision_id) == saved


@pytest.mark.parametrize(
    ("name", "values", "message"),
    [
        ("talk boost", {}, "already has a provision called talk boost"),
        ("   ", {}, "needs a name"),
        ("Chess", {"area": "XX"}, "XX is not an area of need"),
        ("Chess", {"wave": 4}, "The wave is 1, 2 or 3"),
        ("Chess", {"group_size": 0}, "group size must be a whole number of 1 or more"),
        ("Chess", {"resources_cost": Decimal("-1")}, "cannot be negative"),
        ("Chess", {"resources_cost": 1.5}, "not a float"),
        ("Chess", {"resources_cost": Decimal("NaN")}, "must be an amount of money"),
        ("Chess", {"colour": "red"}, "no field called colour"),
    ],
)
def test_a_refused_new_provision_adds_nothing(map_file, name, values, message):
    before = count(map_file)
    with pytest.raises(DomainError, match=message):
        provisions.add(map_file.session, name, **values)
    map_file.session.rollback()
    assert count(map_file) == before


def test_each_field_is_set_through_its_rule_and_undone(map_file):
    session = map_file.session
    talk = map_file.school.provisions["talk"].id
    before = stored(map_file, talk)
    changes = [
        provisions.update(session, talk, "weeks", 6),
        provisions.update(session, talk, "external_cost_per_session", Decimal("7")),
        provisions.update(session, talk, "entry_criteria", "Speech and language referral"),
        provisions.update(session, talk, "name", "Talk Boost KS1"),
    ]
    after = stored(map_file, talk)
    assert after["weeks"] == 6
    assert after["external_cost_per_session"] == Decimal("7.00")
    assert after["entry_criteria"] == "Speech and language referral"
    assert after["name"] == "Talk Boost KS1"
    for change in reversed(changes):
        change.undo(session)
    assert stored(map_file, talk) == before
    for change in changes:
        change.redo(session)
    assert stored(map_file, talk) == after


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "Precision teaching", "already has a provision called Precision teaching"),
        ("session_minutes", -5, "Minutes a session must be a whole number of 0 or more"),
        ("funding_stream_id", 9999, "funding stream no longer exists"),
        ("id", 99, "Id cannot be changed here"),
    ],
)
def test_a_refused_field_leaves_the_provision_as_it_was(map_file, field, value, message):
    talk = map_file.school.provisions["talk"].id
    before = stored(map_file, talk)
    with pytest.raises(DomainError, match=message):
        provisions.update(map_file.session, talk, field, value)
    assert stored(map_file, talk) == before


def test_a_name_may_change_only_its_letter_case(map_file):
    talk = map_file.school.provisions["talk"].id
    provisions.update(map_file.session, talk, "name", "TALK BOOST")
    assert stored(map_file, talk)["name"] == "TALK BOOST"


def test_retire_and_restore(map_file):
    session = map_file.session
    talk = map_file.school.provisions["talk"].id
    retired = provisions.retire(session, talk)
    assert stored(map_file, talk)["retired"] is True
    retired.undo(session)
    assert stored(map_file, talk)["retired"] is False
    retired.redo(session)
    provisions.restore(session, talk)
    assert stored(map_file, talk)["retired"] is False


def test_suitable_year_groups_are_marked_and_unmarked(map_file):
    session, school = map_file.session, map_file.school
    pt = school.provisions["pt"].id
    assert stored(map_file, pt)["suitable"] == ["Year 1", "Year 2", "Year 3"]
    off = provisions.set_suitable(session, pt, school.year_groups["Year 2"].id, False)
    assert stored(map_file, pt)["suitable"] == ["Year 1", "Year 3"]
    on = provisions.set_suitable(session, pt, school.year_groups["Reception"].id, True)
    assert stored(map_file, pt)["suitable"] == ["Reception", "Year 1", "Year 3"]
    assert provisions.set_suitable(session, pt, school.year_groups["Year 1"].id, True).is_noop
    on.undo(session)
    off.undo(session)
    assert stored(map_file, pt)["suitable"] == ["Year 1", "Year 2", "Year 3"]
    with pytest.raises(DomainError, match="year group no longer exists"):
        provisions.set_suitable(session, pt, 9999, True)


def test_an_unused_name_skips_those_taken(map_file):
    session = map_file.session
    assert provisions.unused_name(session) == "New provision 1"
    provisions.add(session, "new provision 1")
    assert provisions.unused_name(session) == "New provision 2"
