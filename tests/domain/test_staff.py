"""Staff roles and staff: add, change and remove, each undone and redone in the file."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from provmap_desktop.domain import DomainError
from provmap_desktop.domain.staff import (
    add_role,
    add_staff,
    remove_role,
    remove_staff,
    update_role,
    update_staff,
)
from provmap_desktop.models import Staff, StaffRole
from provmap_desktop.storage import Database

from ._school_db import fresh, make_school, read


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = make_school(tmp_path / "school.provmap")
    yield database
    database.close()


def _role_id(db: Database, name: str) -> int:
    with fresh(db) as s:
        return s.scalars(select(StaffRole.id).where(StaffRole.name == name)).one()


def _count(db: Database, entity: type) -> int:
    with fresh(db) as s:
        return int(s.scalar(select(func.count()).select_from(entity)) or 0)


def test_add_role_takes_the_next_free_name_and_undoes(db: Database) -> None:
    roles = _count(db, StaffRole)
    with fresh(db) as s:
        first = add_role(s)
        second = add_role(s)
        s.commit()
        assert _role_id(db, "New role 1")
        assert _role_id(db, "New role 2")
        second.undo(s)
        first.undo(s)
        s.commit()
        assert _count(db, StaffRole) == roles
        first.redo(s)
        s.commit()
    assert _count(db, StaffRole) == roles + 1
    assert read(db, StaffRole, _role_id(db, "New role 1"), "hourly_cost") == Decimal("0.00")


def test_role_rate_is_money_and_a_bad_one_leaves_it(db: Database) -> None:
    ta = _role_id(db, "Teaching assistant")
    with fresh(db) as s:
        change = update_role(s, ta, "hourly_cost", Decimal("19.25"))
        s.commit()
        assert read(db, StaffRole, ta, "hourly_cost") == Decimal("19.25")
        with pytest.raises(DomainError, match="cannot be negative"):
            update_role(s, ta, "hourly_cost", Decimal("-4"))
        s.commit()
        assert read(db, StaffRole, ta, "hourly_cost") == Decimal("19.25")
        change.undo(s)
        s.commit()
    assert read(db, StaffRole, ta, "hourly_cost") == Decimal("18.00")


def test_role_names_are_required_and_unique(db: Database) -> None:
    ta = _role_id(db, "Teaching assistant")
    with fresh(db) as s:
        with pytest.raises(DomainError, match="There is already a role called HLTA"):
            update_role(s, ta, "name", "HLTA")
        with pytest.raises(DomainError, match="cannot be empty"):
            update_role(s, ta, "name", "  ")
        with pytest.raises(DomainError, match="There is already a role called HLTA"):
            add_role(s, "HLTA")
        s.commit()
    assert read(db, StaffRole, ta, "name") == "Teaching assistant"


def test_add_staff_member_change_role_and_remove(db: Database) -> None:
    hlta = _role_id(db, "HLTA")
    with fresh(db) as s:
        added = add_staff(s, "Mrs Ahmed")
        s.commit()
        (member_id,) = s.scalars(select(Staff.id)).all()
        update_staff(s, member_id, "role_id", hlta)
        update_staff(s, member_id, "hourly_cost_override", "")
        override = update_staff(s, member_id, "hourly_cost_override", Decimal("22.50"))
        s.commit()
        assert read(db, Staff, member_id, "role_id") == hlta
        assert read(db, Staff, member_id, "hourly_cost_override") == Decimal("22.50")
        override.undo(s)
        s.commit()
        assert read(db, Staff, member_id, "hourly_cost_override") is None
        with pytest.raises(DomainError, match="Choose one of the school"):
            update_staff(s, member_id, "role_id", 9999)
        removed = remove_staff(s, member_id)
        s.commit()
        assert _count(db, Staff) == 0
        removed.undo(s)
        s.commit()
        assert read(db, Staff, member_id, "name") == "Mrs Ahmed"
        added.undo(s)
        s.commit()
    assert _count(db, Staff) == 0


def test_no_staff_without_a_role(tmp_path: Path) -> None:
    db = make_school(tmp_path / "empty.provmap")
    try:
        with fresh(db) as s:
            for role in s.scalars(select(StaffRole)):
                s.delete(role)
            s.commit()
            with pytest.raises(DomainError, match="Add a staff role first"):
                add_staff(s)
    finally:
        db.close()


def test_a_role_in_use_cannot_be_removed(db: Database) -> None:
    ta = _role_id(db, "Teaching assistant")
    with fresh(db) as s:
        add_staff(s, "Mr Cole", ta)
        s.commit()
        with pytest.raises(DomainError, match="still the role of 1 member"):
            remove_role(s, ta)
        s.commit()
    assert read(db, StaffRole, ta, "name") == "Teaching assistant"


def test_an_unused_role_is_removed_and_comes_back(db: Database) -> None:
    senco = _role_id(db, "SENCO")
    with fresh(db) as s:
        change = remove_role(s, senco)
        s.commit()
        assert read(db, StaffRole, senco, "name") is None
        change.undo(s)
        s.commit()
    assert read(db, StaffRole, senco, "hourly_cost") == Decimal("50.00")
