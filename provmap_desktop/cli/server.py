"""``provmap --db URL grant-roles``: the SENCO's and the staff's roles on a server."""

from __future__ import annotations

import argparse
from typing import Any

from .errors import EXIT_OK, CliError


def register(top: Any) -> None:
    """Add ``grant-roles`` to the top-level commands."""
    grant = top.add_parser(
        "grant-roles",
        help="on a database server, create the provmap_senco and provmap_staff roles and "
        "grant their rights (safe to run again)",
    )
    grant.set_defaults(handler=cmd_grant_roles)


def cmd_grant_roles(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from ..storage.roles import SENCO_ROLE, STAFF_ROLE, RolesError, grant_roles
    from ..storage.server import connect_engine, is_server_address, server_url

    if not is_server_address(args.db):
        raise CliError(
            "Roles belong to a database server: a school's file has no logins, and whoever "
            "opens it may do everything. Give the server's URL with --db. Nothing was changed."
        )
    # The address is checked and its password (from .pgpass or typed once at the
    # prompt) found the way every other command does: a plain postgresql:// address
    # goes to the psycopg driver.
    engine = connect_engine(server_url(str(args.db)), None)
    try:
        with engine.begin() as conn:
            done = grant_roles(conn)
    except RolesError as exc:
        raise CliError(str(exc)) from None
    except SQLAlchemyError as exc:
        raise CliError(
            f"The roles could not be granted: {getattr(exc, 'orig', exc)}. Run this as the "
            "database's owner. Nothing was changed."
        ) from None
    finally:
        engine.dispose()
    for line in done:
        print(line[0].upper() + line[1:] + ".")
    print(
        f"Make each person's login a member of one: GRANT {SENCO_ROLE} TO <login>; "
        f"or GRANT {STAFF_ROLE} TO <login>;"
    )
    return EXIT_OK
