"""The audit hooks belong to a database's own session factory, not to every session."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from provmap_desktop.models import AuditEntry, Base, StaffRole
from provmap_desktop.storage import open_database
from provmap_desktop.storage.audit import install_audit


def _audit_rows(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(AuditEntry)) or 0


def test_a_database_session_is_audited_and_a_plain_session_elsewhere_is_not(
    tmp_path: Path,
) -> None:
    db = open_database(tmp_path / "school.provmap", create=True)
    other = create_engine(f"sqlite:///{tmp_path / 'other.sqlite'}")
    Base.metadata.create_all(other)
    try:
        with db.session_factory() as session:
            session.add(StaffRole(name="Teaching assistant", hourly_cost=Decimal("18.00")))
            session.commit()
            role = session.scalars(select(StaffRole)).one()
            role.name = "Higher level teaching assistant"
            session.commit()
            entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
            assert [(e.action, e.table_name) for e in entries] == [
                ("insert", "staff_roles"),
                ("update", "staff_roles"),
            ]

        # Opened after the database, a plain session on another engine logs nothing.
        with Session(other) as plain:
            plain.add(StaffRole(name="Teacher", hourly_cost=Decimal("18.00")))
            plain.commit()
            assert _audit_rows(plain) == 0
        with sessionmaker(other)() as made_elsewhere:
            made_elsewhere.add(StaffRole(name="SENCO", hourly_cost=Decimal("18.00")))
            made_elsewhere.commit()
            assert _audit_rows(made_elsewhere) == 0
    finally:
        db.close()
        other.dispose()


def test_installing_twice_logs_each_change_once(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'school.sqlite'}")
    Base.metadata.create_all(engine)
    factory = sessionmaker(engine)
    install_audit(factory)
    install_audit(factory)
    with factory() as session:
        session.add(StaffRole(name="Teaching assistant", hourly_cost=Decimal("18.00")))
        session.commit()
        assert _audit_rows(session) == 1
    engine.dispose()


def test_every_new_database_is_audited_even_when_earlier_ones_were_freed() -> None:
    # A new session factory can be given the memory of one already freed; asking the
    # event registry "is it installed?" then said yes, and the new sessions were not
    # audited (about 1 in 20 here). Each factory must be audited whatever came before.
    import gc
    from decimal import Decimal

    from sqlalchemy import create_engine, func, select
    from sqlalchemy.orm import sessionmaker

    from provmap_desktop.models import AuditEntry, Base, StaffRole
    from provmap_desktop.storage.audit import install_audit

    # The schema is made once and copied into each new database: what is new each time
    # (engine, session factory, audit hook) is what this test is about.
    schema_engine = create_engine("sqlite://")
    Base.metadata.create_all(schema_engine)
    schema = schema_engine.raw_connection().dbapi_connection
    assert schema is not None

    # The collections below walk only what this test makes: everything alive before it
    # is frozen (``gc.freeze``), so the collector leaves it be. Late in a run, walking
    # every earlier test's objects made each collection take the better part of a
    # second. What this loop frees, and whose memory the next factory reuses, is the
    # same either way (as often, counted by ``id``).
    was_frozen = gc.get_freeze_count()
    gc.freeze()
    unaudited = []
    for number in range(100):
        engine = create_engine("sqlite://")
        with engine.connect() as conn:  # the one connection this in-memory engine keeps
            raw = conn.connection.dbapi_connection
            assert raw is not None
            schema.backup(raw)
        factory = sessionmaker(engine, expire_on_commit=False)
        install_audit(factory)
        with factory() as session:
            session.add(StaffRole(name=f"Role {number}", hourly_cost=Decimal(1)))
            session.commit()
            if not session.scalar(select(func.count()).select_from(AuditEntry)):
                unaudited.append(number)
        del factory, session
        engine.dispose()
        if number % 10 == 0:
            gc.collect()
    schema_engine.dispose()
    if not was_frozen:
        gc.unfreeze()
    assert unaudited == []
