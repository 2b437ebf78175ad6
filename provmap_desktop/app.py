"""Start-up: find or create the school database, then show the main window."""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication, QDialog, QMainWindow, QMessageBox

from . import APP_NAME, __version__
from .storage import AlreadyOpenError, StorageError
from .storage.server import database_argument, is_server_address
from .ui.first_paint import after_first_paint

if TYPE_CHECKING:
    from .storage import Database

#: Objects allocated before the cyclic garbage collector first looks at them, while the
#: app starts. Start-up loads SQLAlchemy, the models and the first screen: objects that
#: live as long as the app. At Python's default (700) the collector walked them over and
#: over, about a tenth of the start's CPU time; Python's defaults return once the window
#: is on screen.
START_GC_THRESHOLD = 100_000


def demo_database_path() -> Path:
    from .storage import default_database_path

    return default_database_path().with_name("demo-school.provmap")


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="provmap-desktop", description=APP_NAME)
    parser.add_argument(
        "--db",
        type=database_argument,
        help="open this school database file, or a PostgreSQL server's database "
        "(postgresql://server/school; the password from .pgpass or asked for)",
    )
    parser.add_argument(
        "--demo", action="store_true", help="open the built-in demo school (made on first use)"
    )
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    return parser.parse_args(list(argv))


def ensure_demo(path: Path | str, today: dt.date) -> Database:
    """Open the demo school at ``path``, building it first if the file is new."""
    from .services.demo import build_demo_school
    from .storage import open_database

    database = open_database(path, ask_password=ask_server_password)
    if database.is_empty():
        with database.session_factory() as session:
            build_demo_school(session, today=today)
    return database


def ask_server_password(address: str) -> str | None:
    """The password for ``address``, typed in a dialog with the characters hidden."""
    from PySide6.QtWidgets import QInputDialog, QLineEdit

    password, given = QInputDialog.getText(
        None,
        f"{APP_NAME}: server password",
        f"Password for {address}:",
        QLineEdit.EchoMode.Password,
    )
    return password if given and password else None


def _create_school(path: Path | str, choice) -> Database:  # type: ignore[no-untyped-def]
    from .services.school_setup import create_school, default_term_dates
    from .storage import open_database

    database = open_database(path, ask_password=ask_server_password)
    with database.session_factory() as session:
        terms = default_term_dates(choice.start_year, choice.autumn_start)
        create_school(
            session,
            name=choice.name,
            phase=choice.phase.split()[0],
            year_group_names=choice.year_groups,
            start_year=choice.start_year,
            term_dates=terms,
        )
        session.commit()
    from .shell.setup_checklist import mark_new_school

    mark_new_school(database.location)  # every screen is empty: show the first steps
    return database


#: Said to a login that may not set a school up when the server's database has none.
NO_SCHOOL_YET = (
    "This database has no school in it yet, and your login may not set one up: "
    "ask the SENCO to open it with their login first. Nothing was changed."
)


def choose_database(args: argparse.Namespace, today: dt.date) -> Database | None:
    """The database to show, or ``None`` when the user closes the first-start dialog.

    A school file that cannot be opened (damaged, read-only, on a full disk) does not
    end the app: the first-start dialog says why and offers a restore from a backup.
    """
    from .storage import default_database_path, open_database

    if args.demo:
        return ensure_demo(args.db or demo_database_path(), today)
    if is_server_address(args.db):
        return _choose_on_server(args.db, today)
    path: Path = args.db or default_database_path()
    problem: str | None = None
    if path.is_dir() or (path.exists() and path.stat().st_size > 0):
        try:
            # The day's copy waits until the window is on screen (see ``main``).
            return open_database(path, daily_copy=False)
        except AlreadyOpenError:
            raise
        except StorageError as exc:
            problem = str(exc)
    from .shell.first_start import FirstStartDialog

    while True:
        dialog = FirstStartDialog(problem=problem)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        try:
            database = _act_on_choice(dialog, args, path, today)
        except StorageError as exc:
            problem = str(exc)
            continue
        if database is not None:
            return database


def _choose_on_server(address: str, today: dt.date) -> Database | None:
    """The school on a server; an empty database offers the demo or a new school."""
    from .shell.first_start import FirstStartDialog
    from .storage import open_database
    from .storage.roles import permissions

    database = open_database(address, ask_password=ask_server_password)
    if not database.is_empty():
        return database
    with database.engine.connect() as conn:
        why_not = permissions(conn).why_not_edit
    database.close()
    if why_not:
        # A member of staff cannot make the demo or a new school here: say so, not offer.
        QMessageBox.information(None, APP_NAME, f"{NO_SCHOOL_YET} {why_not}")
        return None
    while True:
        dialog = FirstStartDialog(problem=None)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        if dialog.choice == dialog.RESTORE:
            QMessageBox.information(
                dialog,
                "Restore",
                "A backup file is restored onto a server with 'provmap --db FILE copy-to "
                f"{address}'. Choose the demo or a new school here.",
            )
            continue
        if dialog.choice == dialog.DEMO:
            return ensure_demo(address, today)
        return _create_school(address, dialog.new_school)


def _act_on_choice(dialog, args: argparse.Namespace, path: Path, today: dt.date):  # type: ignore[no-untyped-def]
    from .shell.backup_dialogs import ask_backup_password
    from .storage import open_database
    from .storage.backup import restore_database
    from .storage.sealed import is_sealed

    if dialog.choice == dialog.DEMO:
        return ensure_demo(demo_database_path() if args.db is None else path, today)
    if dialog.choice == dialog.RESTORE and dialog.backup_path is not None:
        password = None
        if is_sealed(dialog.backup_path):
            password = ask_backup_password(dialog, dialog.backup_path)
            if password is None:
                return None
        restore_database(dialog.backup_path, path, password=password)
        return open_database(path)
    return _create_school(path, dialog.new_school)


def main(argv: Sequence[str] | None = None) -> int:
    """Start the app and run it until its window closes; the exit status."""
    thresholds = gc.get_threshold()
    gc.set_threshold(START_GC_THRESHOLD)
    try:
        return _start_and_run(argv, thresholds)
    finally:
        gc.set_threshold(*thresholds)


def _start_and_run(argv: Sequence[str] | None, thresholds: tuple[int, int, int]) -> int:
    """``main``'s work; the collector's ``thresholds`` are put back once the window is
    painted."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName("ProvMap")
    app.setApplicationVersion(__version__)
    if isinstance(app, QApplication):
        from .ui.colours import apply_readable_palette

        apply_readable_palette(app)  # before the first-start dialog as well
    today = dt.date.today()
    try:
        database = choose_database(args, today)
    except StorageError as exc:
        QMessageBox.critical(None, f"{APP_NAME} cannot open the school database", str(exc))
        return 1
    if database is None:
        return 0
    from .shell.main_window import MainWindow

    window = MainWindow(database, today=today)
    window.showMaximized()

    def on_screen() -> None:
        settle_collector(thresholds)
        # The first open of the day copies the file aside; that waits for the window,
        # so the SENCO sees her screen first and the copy is made before she can act.
        take_todays_copy(window, database)
        # Documents a run that ended without closing left for the viewer go now.
        from .services.documents import remove_left_behind

        remove_left_behind()

    after_first_paint(window, on_screen)
    return app.exec()


def settle_collector(thresholds: tuple[int, int, int]) -> None:
    """Once the window is on screen: Python's collector thresholds back, and everything
    loaded so far set aside from its full passes.

    What start-up loads (SQLAlchemy, the models and their mappers, Qt's wrappers, the
    first screen) lives until the app closes, yet each full pass of the cyclic collector
    walked all of it again and found nothing to free: on the bench school a pass took
    130-170 ms, and one fell inside an edit or a change of screen every few seconds.
    ``gc.freeze`` moves those objects out of the collector's sight; what is made later is
    collected as before.
    """
    gc.set_threshold(*thresholds)
    gc.freeze()


def take_todays_copy(window: QMainWindow, database: Database) -> Path | None:
    """The first open of the day's copy of ``database`` (None if today's exists).

    A copy that cannot be made does not stop the work: the status bar says so.
    """
    from .storage.autobackup import BACKUPS_FOLDER, take_daily_copy

    path = database.path
    if path is None:  # a server's administrator makes its backups
        return None
    if path.parent.name == BACKUPS_FOLDER:  # opening a copy makes no copy of it
        return None
    try:
        return take_daily_copy(path)
    except (OSError, sqlite3.Error, StorageError) as exc:
        window.statusBar().showMessage(
            f"Today's automatic copy of the school file could not be made: {exc}", 15000
        )
        return None


if __name__ == "__main__":
    sys.exit(main())
