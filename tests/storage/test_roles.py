"""Roles from PostgreSQL itself, through the real grants on the test server.

``provmap --db URL grant-roles`` makes provmap_senco and provmap_staff; a login in
provmap_staff records delivery and attendance and cannot change the map (the domain's
save refuses with the plain message, nothing half-written); the app asks the server
what the login may do.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from provmap_desktop.cli import EXIT_FAILED, EXIT_OK, main
from provmap_desktop.domain import delivery, memberships, provisions
from provmap_desktop.domain.saving import NotPermitted, save, saving
from provmap_desktop.models import (
    AuditEntry,
    DeliverySession,
    GroupMembership,
    Provision,
    ProvisionGroup,
    SessionAttendance,
)
from provmap_desktop.storage.audit import install_audit
from provmap_desktop.storage.roles import STAFF_REASON, permissions

from ..pg_schools import admin_engine, school_on_server
from ..schools.templates import copy_school

#: A Monday of "PT group A" (Mon/Wed/Fri, 07/09 to 04/12/2026) in the group school.
MONDAY = dt.date(2026, 11, 9)
TODAY = dt.date(2026, 11, 23)
REFUSED = f"That change was not saved: {STAFF_REASON}"


@pytest.fixture
def school_url(pg_server_url: str) -> str:
    """The group school on the server, its roles granted (twice: it is idempotent)."""
    url = school_on_server(pg_server_url, "group", f"roles_{uuid.uuid4().hex[:10]}")
    assert main(["--db", url, "grant-roles"]) == EXIT_OK
    assert main(["--db", url, "grant-roles"]) == EXIT_OK
    return url


def _login(school_url: str, role: str) -> str:
    """A new login in ``role``; the school's URL as that login."""
    name = f"{role.removeprefix('provmap_')}_{uuid.uuid4().hex[:8]}"
    admin = admin_engine(school_url)
    with admin.connect() as conn:
        conn.execute(text(f"CREATE ROLE {name} LOGIN IN ROLE {role}"))
    admin.dispose()
    return make_url(school_url).set(username=name).render_as_string(hide_password=False)


@pytest.fixture
def staff_engine(school_url: str) -> Iterator[Engine]:
    engine = create_engine(_login(school_url, "provmap_staff"))
    yield engine
    engine.dispose()


def _group(session: Session) -> ProvisionGroup:
    return session.scalars(select(ProvisionGroup).where(ProvisionGroup.name == "PT group A")).one()


def test_staff_record_delivery_and_attendance(staff_engine: Engine) -> None:
    factory = sessionmaker(staff_engine)
    install_audit(factory)  # as the app's sessions are: each edit adds to the audit log
    with factory() as session:
        group = _group(session)
        first, second, *_others = sorted(m.pupil_id for m in group.memberships)
        delivery.mark_delivered(session, group.id, MONDAY, absent_pupil_ids=[second], today=TODAY)
        save(session)
        delivery.set_attendance(session, group.id, MONDAY, second, True, today=TODAY)
        save(session)
    with Session(staff_engine) as fresh:
        record = fresh.scalars(select(DeliverySession)).one()
        assert (record.session_date, record.status) == (MONDAY, "delivered")
        present = dict(
            fresh.execute(select(SessionAttendance.pupil_id, SessionAttendance.present)).all()
        )
        # Marked absent, then present after all: both there.
        assert (present[first], present[second]) == (True, True)
        # The audit trail recorded the staff member's edits too.
        assert fresh.scalar(
            select(AuditEntry.id).where(AuditEntry.table_name == "delivery_sessions")
        )


def test_staff_cannot_change_the_map(staff_engine: Engine, school_url: str) -> None:
    with Session(staff_engine) as session:
        provision_id = session.scalars(select(Provision.id)).first()
        provisions.update(session, provision_id, "name", "Renamed by a TA")
        with pytest.raises(NotPermitted) as refused:
            save(session)
        assert str(refused.value) == REFUSED

        # Ending an allocation flushes part way: refused there, the same way.
        membership_id = session.scalars(select(GroupMembership.id)).first()
        with pytest.raises(NotPermitted) as refused, saving(session):
            memberships.end(session, [membership_id], MONDAY)
        assert str(refused.value) == REFUSED

    owner = create_engine(school_url)
    with Session(owner) as check:
        assert check.get(Provision, provision_id).name == "Precision Teaching"
        assert check.get(GroupMembership, membership_id).leave_date is None
    owner.dispose()


def test_the_app_asks_the_server_what_each_login_may_do(school_url: str, staff_engine) -> None:
    with staff_engine.connect() as conn:
        staff = permissions(conn)
    assert (staff.may_edit_map, staff.may_record_delivery) == (False, True)
    assert staff.why_not_edit == STAFF_REASON
    senco_engine = create_engine(_login(school_url, "provmap_senco"))
    with senco_engine.connect() as conn:
        senco = permissions(conn)
    senco_engine.dispose()
    assert (senco.may_edit_map, senco.may_record_delivery, senco.why_not_edit) == (True, True, "")


def test_the_senco_login_may_change_the_map(school_url: str) -> None:
    engine = create_engine(_login(school_url, "provmap_senco"))
    with Session(engine) as session:
        provision_id = session.scalars(select(Provision.id)).first()
        provisions.update(session, provision_id, "name", "Precision Teaching (daily)")
        save(session)
    with Session(engine) as fresh:
        assert fresh.get(Provision, provision_id).name == "Precision Teaching (daily)"
    engine.dispose()


def test_grant_roles_on_a_file_is_a_plain_message(tmp_path, capsys) -> None:
    path = copy_school("group", tmp_path / "school.provmap")
    assert main(["--db", str(path), "grant-roles"]) == EXIT_FAILED
    assert "Roles belong to a database server" in capsys.readouterr().err
