"""Alembic migrations shipped in the package: empty file to head, down and up, upgrades.

The upgrade test adds a test-only revision ``9001`` after the real head in a copy of
the migrations folder and points the app at that copy: a file written at the real
head is then genuinely older than the app's head, and ``open_database`` takes the
real path an older file takes (copy aside, then migrate). What is simulated is only
the existence of a later release. A file at ``0001`` upgraded to the real head keeps
its rows (``test_a_schema_1_file_keeps_its_data_through_the_real_upgrades``).
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine

from provmap_desktop.models import Base
from provmap_desktop.storage import NewerSchemaError, migrate, open_database
from provmap_desktop.storage.autobackup import list_copies, take_copy
from provmap_desktop.storage.database import inspect_file, make_engine

from .conftest import add_small_school, all_rows, integrity


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    eng = make_engine(tmp_path / "empty.provmap")
    yield eng
    eng.dispose()


def _differences(engine: Engine) -> list[object]:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))


def _tables(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
        )
        return {r[0] for r in rows}


def test_the_migrations_dir_ships_every_file_alembic_reads() -> None:
    folder = migrate.migrations_dir()
    assert (folder / "env.py").is_file()
    assert (folder / "script.py.mako").is_file()
    assert (folder / "versions" / "0001_initial_schema.py").is_file()
    assert (folder / "versions" / "0003_planning.py").is_file()
    assert migrate.known_revisions() == set(migrate.SCHEMA_NUMBERS)
    assert migrate.HEAD_REVISION in migrate.known_revisions()


def test_empty_file_to_head_builds_exactly_the_model(engine: Engine) -> None:
    with engine.begin() as conn:
        migrate.upgrade_to_head(conn)
    assert _differences(engine) == []
    assert _tables(engine) == set(Base.metadata.tables) | {"alembic_version"}


def test_downgrade_to_base_and_upgrade_again(engine: Engine) -> None:
    with engine.begin() as conn:
        migrate.upgrade_to_head(conn)
    with engine.begin() as conn:
        command.downgrade(migrate.alembic_config(conn), "base")
    assert _tables(engine) == {"alembic_version"}
    with engine.begin() as conn:
        command.upgrade(migrate.alembic_config(conn), "head")
    assert _differences(engine) == []


def test_a_copy_before_migration_is_a_complete_consistent_copy(school_file: Path) -> None:
    copy = take_copy(school_file, "before-migration")
    assert copy.parent == school_file.parent / "Backups"
    assert copy.name.startswith("school.")
    assert copy.name.endswith(".before-migration.provmap")
    assert integrity(copy) == ["ok"]
    assert all_rows(copy) == all_rows(school_file)


def test_a_file_at_head_needs_no_upgrade(school_file: Path) -> None:
    info = inspect_file(school_file)
    assert info.revision == migrate.HEAD_REVISION
    assert not info.needs_upgrade


# --- a simulated second release ---------------------------------------------------------

REAL_HEAD = migrate.HEAD_REVISION
FUTURE = "9001"
FUTURE_NUMBER = migrate.SCHEMA_VERSION + 1
REVISION_FUTURE = f'''"""Test-only later schema: a table and a column the real head lacks."""

import sqlalchemy as sa
from alembic import op

revision = "{FUTURE}"
down_revision = "{migrate.HEAD_REVISION}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("future_notes", sa.Column("id", sa.Integer(), primary_key=True))
    with op.batch_alter_table("pupils") as batch_op:
        batch_op.add_column(sa.Column("future_flag", sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("pupils") as batch_op:
        batch_op.drop_column("future_flag")
    op.drop_table("future_notes")
'''


@pytest.fixture
def release_two(school_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Make the app believe its head is a test-only revision after the real head.

    ``school_file`` was written by the real app first, so it is at the real head.
    """
    folder = tmp_path / "migrations"
    shutil.copytree(migrate.migrations_dir(), folder, ignore=shutil.ignore_patterns("__pycache__"))
    (folder / "versions" / "9001_test_only.py").write_text(REVISION_FUTURE)
    numbers = {**migrate.SCHEMA_NUMBERS, FUTURE: FUTURE_NUMBER}
    monkeypatch.setattr(migrate, "migrations_dir", lambda: folder)
    monkeypatch.setattr(migrate, "HEAD_REVISION", FUTURE)
    monkeypatch.setattr(migrate, "SCHEMA_NUMBERS", numbers)
    monkeypatch.setattr(migrate, "SCHEMA_VERSION", FUTURE_NUMBER)
    return folder


def _columns(path: Path, table: str) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}
    finally:
        conn.close()


def test_an_older_file_is_copied_aside_then_upgraded(school_file: Path, release_two: Path) -> None:
    path = school_file
    rows_before = all_rows(path)
    assert release_two.is_dir()

    info = inspect_file(path)
    assert info.revision == REAL_HEAD
    assert info.needs_upgrade

    db = open_database(path)
    try:
        assert db.schema_version() == FUTURE_NUMBER
        assert db.integrity_problems() == []
    finally:
        db.close()

    copies = [c.path for c in list_copies(path) if c.reason == "before-migration"]
    assert len(copies) == 1
    assert all_rows(copies[0]) == rows_before  # the copy is the file as it was

    upgraded = all_rows(path)
    assert upgraded["alembic_version"] == [(FUTURE,)]
    assert "future_notes" in upgraded
    assert "future_flag" in _columns(path, "pupils")
    assert len(upgraded["pupils"]) == len(rows_before["pupils"])
    assert not inspect_file(path).needs_upgrade


def test_a_file_at_head_is_not_copied_aside(school_file: Path) -> None:
    open_database(school_file).close()
    assert [c.reason for c in list_copies(school_file)] == ["daily"]


def test_the_simulated_release_is_newer_than_the_real_app(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the fixture, a file at the later revision is one the real app must refuse."""
    path = tmp_path / "school.provmap"
    add_small_school(path)
    with monkeypatch.context() as patch:
        folder = tmp_path / "migrations"
        shutil.copytree(migrate.migrations_dir(), folder)
        (folder / "versions" / "9001_test_only.py").write_text(REVISION_FUTURE)
        patch.setattr(migrate, "migrations_dir", lambda: folder)
        engine = create_engine(f"sqlite:///{path}")
        with engine.begin() as conn:
            command.upgrade(migrate.alembic_config(conn), "head")
        engine.dispose()
    with pytest.raises(NewerSchemaError):
        open_database(path)


def test_a_schema_1_file_keeps_its_data_through_the_real_upgrades(school_file: Path) -> None:
    """A file written by the first release (taken back to 0001) opens upgraded, rows kept."""
    engine = create_engine(f"sqlite:///{school_file}")
    with engine.begin() as conn:
        command.downgrade(migrate.alembic_config(conn), "0001")
    engine.dispose()
    at_0001 = all_rows(school_file)
    assert at_0001["alembic_version"] == [("0001",)]
    assert "pupil_years" not in at_0001

    open_database(school_file).close()

    upgraded = all_rows(school_file)
    assert upgraded["alembic_version"] == [(migrate.HEAD_REVISION,)]
    assert upgraded["pupil_years"] == []
    assert "closed_on" in _columns(school_file, "academic_years")
    # Schema 5 adds each row's version last: every row kept starts at version 1.
    for table in ("pupils", "provision_groups", "group_memberships", "ehcps", "terms"):
        assert [row[:-1] for row in upgraded[table]] == at_0001[table]
        assert {row[-1] for row in upgraded[table]} <= {1}
    assert {row[-1] for row in upgraded["pupils"]} == {1}
    # Every year is open after the upgrade: schema 2's column (before the version) is empty.
    assert [row[-2] for row in upgraded["academic_years"]] == [None] * len(
        at_0001["academic_years"]
    )
