"""The main window on a school database kept on a PostgreSQL server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QInputDialog

from provmap_desktop.models import Provision
from provmap_desktop.storage import Database, open_database
from provmap_desktop.storage.server import SERVER_BACKUP_MESSAGE

from .conftest import TODAY, close_window_first


@pytest.fixture
def server_db(pg_demo: str) -> Iterator[Database]:
    db = open_database(pg_demo, create=False)
    yield db
    db.close()


@pytest.fixture
def server_window(qtbot, server_db: Database):  # type: ignore[no-untyped-def]
    """The main window on the demo school's server database, closed before it is dropped."""
    from provmap_desktop.shell.main_window import MainWindow

    win = MainWindow(server_db, today=TODAY)
    win.show()
    yield win
    close_window_first(win)


def _provision(db: Database, name: str) -> Provision | None:
    with db.session_factory() as s:
        return s.query(Provision).filter_by(name=name).one_or_none()


def test_the_window_shows_the_school_on_the_server(server_window, pg_demo: str) -> None:  # type: ignore[no-untyped-def]
    assert server_window.windowTitle().startswith("Oakfield Primary School")
    assert server_window.db_label.text() == f"Database: {server_window.database.location}"
    assert server_window.database.location.startswith("postgresql://")
    assert "/test_demo_" in server_window.database.location
    # No warning about a risky place for a file: there is no file.
    assert server_window.place_banner.isHidden()


def test_backup_commands_are_disabled_with_the_reason(server_window) -> None:  # type: ignore[no-untyped-def]
    names = [a.text() for a in server_window.file_copy_actions]
    assert names == ["&Back up…", "&Restore…", "&Automatic backups…"]
    for action in server_window.file_copy_actions:
        assert not action.isEnabled()
        assert action.toolTip() == SERVER_BACKUP_MESSAGE
        assert action.statusTip() == SERVER_BACKUP_MESSAGE


def test_an_edit_on_the_server_is_saved_at_once_and_undone(server_window, server_db) -> None:  # type: ignore[no-untyped-def]
    server_window.show_screen("provisions")
    screen = server_window.screens["provisions"]
    screen.add_provision()
    assert _provision(server_db, "New provision 1") is not None
    model = screen.model
    row = next(i for i, p in enumerate(model.rows) if p.name == "New provision 1")
    assert model.setData(model.index(row, 0), "Lego therapy (server)")
    assert _provision(server_db, "Lego therapy (server)") is not None

    server_window.undo_action.trigger()
    assert _provision(server_db, "Lego therapy (server)") is None
    assert _provision(server_db, "New provision 1") is not None
    server_window.undo_action.trigger()
    assert _provision(server_db, "New provision 1") is None


def test_the_app_opens_a_server_address_given_to_db(pg_demo: str, qtbot) -> None:  # type: ignore[no-untyped-def]
    from provmap_desktop.app import choose_database, parse_args

    database = choose_database(parse_args(["--db", pg_demo]), TODAY)
    assert database is not None
    try:
        assert database.is_server
        assert not database.is_empty()
    finally:
        database.close()


def test_the_password_dialog_hides_what_is_typed(qtbot, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from provmap_desktop import app

    seen = {}

    def fake_get_text(_parent, _title, label, echo):  # type: ignore[no-untyped-def]
        seen.update(label=label, echo=echo)
        return "s3cret-words", True

    monkeypatch.setattr(QInputDialog, "getText", staticmethod(fake_get_text))
    assert app.ask_server_password("postgresql://senco@db/school") == "s3cret-words"
    from PySide6.QtWidgets import QLineEdit

    assert seen["echo"] == QLineEdit.EchoMode.Password
    assert "postgresql://senco@db/school" in seen["label"]
