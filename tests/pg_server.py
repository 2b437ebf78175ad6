"""A real PostgreSQL server for the tests, started once per test process.

The server comes from the ``pgserver`` package (PostgreSQL's own binaries in a wheel),
so README's test command needs nothing installed by hand. Each test process (each
xdist worker) starts its own server in a private temporary folder, listening only on a
Unix socket, and stops it when the process ends.

The folder is made outside pytest's own temporary tree: run as root, the server runs
as its own user and needs to pass through every folder above its data, and pytest
keeps ``pytest-of-USER`` closed to others (and closes it again whenever another run
starts). The server does not wait for the disk (``fsync`` and the rest off): its data
lives only as long as the run, and a crash loses nothing a test needs.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

try:
    import fcntl
except ImportError:  # Windows: no system user is added there, so no lock is needed
    fcntl = None  # type: ignore[assignment]

#: Settings for a throwaway server: no waiting for the disk on commit or checkpoint.
_NO_DISK_WAITS = ("fsync", "synchronous_commit", "full_page_writes")


def _start(pgserver: Any, data: Path) -> Any:
    """Start the server, one test process at a time, trying a second time if it fails.

    Run as root, ``pgserver`` first adds a system user to run PostgreSQL as; two workers
    starting together on a fresh machine would both try to add it, and one would fail.
    A lock file shared by the processes of the run puts the starts one after the other.
    A server slow to start on a busy machine (``pg_ctl`` waits 10 s) gets a second try.
    """
    with open(Path(tempfile.gettempdir()) / "provmap-pg-start.lock", "a") as lock:
        if fcntl is not None:
            fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            return pgserver.get_server(data, cleanup_mode="stop")
        except (subprocess.SubprocessError, OSError):
            shutil.rmtree(data, ignore_errors=True)
            return pgserver.get_server(data, cleanup_mode="stop")
        finally:
            if fcntl is not None:
                fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    """The SQLAlchemy URL of the superuser's ``postgres`` database on a fresh server."""
    import pgserver
    from sqlalchemy import create_engine, text

    memory = Path("/dev/shm")
    folder = Path(tempfile.mkdtemp(prefix="provmap-pg-", dir=memory if memory.is_dir() else None))
    folder.chmod(0o755)
    server = _start(pgserver, folder / "pgdata")
    try:
        url = server.get_uri().replace("postgresql://", "postgresql+psycopg://", 1)
        engine = create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            for name in _NO_DISK_WAITS:
                conn.execute(text(f"ALTER SYSTEM SET {name} = off"))
            conn.execute(text("SELECT pg_reload_conf()"))
        engine.dispose()
        yield url
    finally:
        server.cleanup()
        shutil.rmtree(folder, ignore_errors=True)
