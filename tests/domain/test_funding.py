"""Funding streams and budgets: written, undone and redone in the file."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from provmap_desktop.domain import DomainError
from provmap_desktop.domain.funding import (
    add_missing_budgets,
    add_stream,
    set_budget,
    update_stream,
)
from provmap_desktop.models import AcademicYear, FundingBudget, FundingStream
from provmap_desktop.storage import Database

from ._school_db import fresh, make_school, read


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = make_school(tmp_path / "school.provmap")
    yield database
    database.close()


def _ids(db: Database) -> tuple[int, int]:
    with fresh(db) as s:
        stream = s.scalars(
            select(FundingStream.id).where(FundingStream.name == "Pupil premium")
        ).one()
        year = s.scalars(select(AcademicYear.id)).one()
        return stream, year


def _budgets(db: Database) -> dict[int, Decimal]:
    with fresh(db) as s:
        return dict(
            s.execute(select(FundingBudget.funding_stream_id, FundingBudget.amount)).all()  # type: ignore[arg-type]
        )


def test_set_budget_makes_the_row_then_changes_it_and_undoes(db: Database) -> None:
    stream, year = _ids(db)
    with fresh(db) as s:
        made = set_budget(s, stream, year, Decimal("42500"))
        s.commit()
        assert _budgets(db) == {stream: Decimal("42500.00")}
        changed = set_budget(s, stream, year, "41,000.10")
        s.commit()
        assert _budgets(db) == {stream: Decimal("41000.10")}
        changed.undo(s)
        s.commit()
        assert _budgets(db) == {stream: Decimal("42500.00")}
        made.undo(s)
        s.commit()
        assert _budgets(db) == {}
        made.redo(s)
        s.commit()
    assert _budgets(db) == {stream: Decimal("42500.00")}


def test_a_negative_or_fractional_budget_is_refused(db: Database) -> None:
    stream, year = _ids(db)
    with fresh(db) as s:
        set_budget(s, stream, year, 100)
        s.commit()
        with pytest.raises(DomainError, match="cannot be negative"):
            set_budget(s, stream, year, Decimal("-1"))
        with pytest.raises(DomainError, match="to the penny"):
            set_budget(s, stream, year, Decimal("0.001"))
        s.commit()
    assert _budgets(db) == {stream: Decimal("100.00")}


def test_missing_budgets_are_made_at_zero_once(db: Database) -> None:
    stream, year = _ids(db)
    with fresh(db) as s:
        set_budget(s, stream, year, 900)
        change = add_missing_budgets(s, year)
        s.commit()
        budgets = _budgets(db)
        assert len(budgets) == 4
        assert budgets[stream] == Decimal("900.00")
        assert sorted(budgets.values())[:3] == [Decimal(0)] * 3
        assert add_missing_budgets(s, year).is_noop
        change.undo(s)
        s.commit()
    assert _budgets(db) == {stream: Decimal("900.00")}


def test_streams_are_added_renamed_and_keep_a_known_kind(db: Database) -> None:
    with fresh(db) as s:
        added = add_stream(s)
        s.commit()
        stream_id = s.scalars(
            select(FundingStream.id).where(FundingStream.name == "New funding stream 1")
        ).one()
        update_stream(s, stream_id, "kind", "pupil_premium")
        s.commit()
        assert read(db, FundingStream, stream_id, "kind") == "pupil_premium"
        with pytest.raises(DomainError, match="is not a kind of funding"):
            update_stream(s, stream_id, "kind", "lottery")
        with pytest.raises(DomainError, match="already a funding stream called Other"):
            update_stream(s, stream_id, "name", "Other")
        s.commit()
        assert read(db, FundingStream, stream_id, "name") == "New funding stream 1"
        added.undo(s)
        s.commit()
    assert read(db, FundingStream, stream_id, "name") is None
