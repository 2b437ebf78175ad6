"""Who may do what, from the database server itself: the SENCO's role and the staff's.

On PostgreSQL a school's IT team gives each person a login of their own and makes it
a member of one of two roles, which ``grant_roles`` creates and grants:

* ``provmap_senco`` may do everything the app does (read and write every table);
* ``provmap_staff`` may read the whole map and record delivery and attendance: it
  writes only the delivery records (``delivery_sessions``, ``session_attendance``) and
  the audit trail every edit adds to (``audit_log``), nothing else.

No row-level security is needed: a member of staff may record any group's sessions,
and the tables they may not change are refused as a whole by the grants.

The app asks the server what the current login may do (``has_table_privilege``, see
``permissions``) and shows only that. A SQLite file has no logins: whoever opens the
file may do everything.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import Connection

SENCO_ROLE = "provmap_senco"
STAFF_ROLE = "provmap_staff"

#: The tables a member of staff writes when recording delivery and attendance.
DELIVERY_TABLES = ("delivery_sessions", "session_attendance")
#: Added to by every edit (the audit hook), so by recording delivery too.
AUDIT_TABLE = "audit_log"
#: Written by migrations alone, which the school's IT team runs as the owner.
MIGRATIONS_TABLE = "alembic_version"
#: A table the map's every edit writes: may the login change it?
MAP_TABLE = "provision_groups"

#: Says why an action is not offered, where it would have been.
STAFF_REASON = (
    "Your login may read the map and record delivery and attendance; only the SENCO's "
    "login may change the map."
)


class RolesError(ValueError):
    """Roles cannot be made here (a SQLite file, or a login that may not make them)."""


def _role_exists(conn: Connection, role: str) -> bool:
    found = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role})
    return found.first() is not None


def grant_roles(conn: Connection) -> list[str]:
    """Create the two roles if missing and grant them their rights; what was done.

    Idempotent: run again (after an upgrade added tables, say) it grants the same
    rights on every table again and creates nothing twice. Runs in the caller's
    transaction, so a refusal part way leaves nothing half-granted.
    """
    if conn.dialect.name != "postgresql":
        raise RolesError(
            "Roles belong to a database server: a school's file has no logins, and "
            "whoever opens it may do everything. Nothing was changed."
        )
    done: list[str] = []
    for role in (SENCO_ROLE, STAFF_ROLE):
        if not _role_exists(conn, role):
            conn.execute(text(f"CREATE ROLE {role} NOLOGIN"))
            done.append(f"created the role {role}")
    database = conn.execute(text("SELECT current_database()")).scalar_one()
    quoted = '"' + str(database).replace('"', '""') + '"'
    both = f"{SENCO_ROLE}, {STAFF_ROLE}"
    # Every name below is one of this module's constants, or the server's own
    # (the database and its sequences), quoted: nothing a user typed.
    statements = [
        f"GRANT CONNECT ON DATABASE {quoted} TO {both}",
        f"GRANT USAGE ON SCHEMA public TO {both}",
        f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {both}",
        # The SENCO: every table, every id sequence.
        f"GRANT INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {SENCO_ROLE}",
        f"REVOKE INSERT, UPDATE, DELETE ON {MIGRATIONS_TABLE} FROM {SENCO_ROLE}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {SENCO_ROLE}",
        # Staff: read everything; write delivery records and the audit trail only.
        f"REVOKE INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public FROM {STAFF_ROLE}",
        f"GRANT INSERT, UPDATE, DELETE ON {', '.join(DELIVERY_TABLES)} TO {STAFF_ROLE}",
        f"GRANT INSERT ON {AUDIT_TABLE} TO {STAFF_ROLE}",
        f"REVOKE USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public FROM {STAFF_ROLE}",  # noqa: S608
    ]
    for table in (*DELIVERY_TABLES, AUDIT_TABLE):
        sequence = conn.execute(
            text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table}
        ).scalar_one()
        if sequence:
            statements.append(f"GRANT USAGE, SELECT ON SEQUENCE {sequence} TO {STAFF_ROLE}")
    for statement in statements:
        conn.execute(text(statement))
    done.append(f"granted {SENCO_ROLE} every table and {STAFF_ROLE} reading and recording delivery")
    return done


@dataclass(frozen=True)
class Permissions:
    """What the current login may do, as the server says."""

    may_edit_map: bool = True
    may_record_delivery: bool = True
    #: The login's name on a server ("" for a file).
    login: str = ""

    @property
    def why_not_edit(self) -> str:
        """The tooltip of an edit action this login may not use ("" when it may)."""
        return "" if self.may_edit_map else STAFF_REASON


def permissions(conn: Connection) -> Permissions:
    """Ask the server what the current login may do; a file may do everything."""
    if conn.dialect.name != "postgresql":
        return Permissions()

    def may(table: str, privilege: str) -> bool:
        asked = text("SELECT has_table_privilege(current_user, :t, :p)")
        return bool(conn.execute(asked, {"t": table, "p": privilege}).scalar_one())

    login = str(conn.execute(text("SELECT current_user")).scalar_one())
    return Permissions(
        may_edit_map=may(MAP_TABLE, "UPDATE") and may(MAP_TABLE, "INSERT"),
        may_record_delivery=all(may(t, "INSERT") for t in DELIVERY_TABLES),
        login=login,
    )


def is_permission_refusal(exc: BaseException) -> bool:
    """True when the server refused a statement for want of a privilege (SQLSTATE 42501)."""
    orig = getattr(exc, "orig", exc)
    return getattr(orig, "sqlstate", None) == "42501" or getattr(orig, "pgcode", None) == "42501"
