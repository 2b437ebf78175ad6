"""Documents kept in the database: a 2 MB PDF attached, backed up, restored, opened and erased."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import select

from provmap_desktop.domain import documents
from provmap_desktop.domain.change import DomainError
from provmap_desktop.models import AuditEntry, DocumentContent, Pupil, PupilDocument
from provmap_desktop.services.data_protection import (
    erase_pupil,
    vacuum,
    write_subject_access_json,
)
from provmap_desktop.services.documents import ViewingCopies, read_for_attaching
from provmap_desktop.storage import open_database
from provmap_desktop.storage.backup import backup_database, restore_database

from ..domain._pupil_file import School, school_fixture

__all__ = ["school_fixture"]

#: A marker no other part of the file holds, so a search of the raw bytes finds only it.
MARKER = b"ZQX-EP-REPORT-MARKER-7741"
DAY = dt.date(2026, 11, 20)


def two_megabyte_pdf(path: Path) -> bytes:
    """A PDF of 2 MB: a real header and trailer around text carrying the marker."""
    body = (MARKER + b" Educational psychologist's findings. ") * (2 * 1024 * 1024 // 64)
    data = b"%PDF-1.4\n% test document\n" + body[: 2 * 1024 * 1024 - 40] + b"\n%%EOF\n"
    path.write_bytes(data)
    return data


def _attach(school: School, data: bytes) -> int:
    change = documents.attach(
        school.session,
        school.ids["Ava"],
        "EP report",
        "EP report.pdf",
        data,
        added_by="Mrs Cole",
        added_on=DAY,
    )
    school.session.commit()
    return int(change.row_id)


@pytest.mark.sqlite_only("backs up and restores the SQLite file (a server is backed up by pg_dump)")
def test_a_2mb_pdf_survives_backup_and_restore_and_opens_as_a_private_copy(
    school: School, tmp_path: Path
) -> None:
    data = two_megabyte_pdf(tmp_path / "ep.pdf")
    document_id = _attach(school, read_for_attaching(tmp_path / "ep.pdf"))
    path = Path(school.db.path)
    backup = backup_database(path, tmp_path / "copies" / "backup.provmap")
    # The pupil's document is then removed from the live file...
    documents.remove(school.session, document_id)
    school.session.commit()
    school.session.close()
    school.db.close()
    # ...and the backup brings it back.
    restore_database(backup, path)
    db = open_database(path)
    copies = ViewingCopies()
    try:
        with db.session_factory() as session:
            (document,) = session.scalars(select(PupilDocument)).all()
            assert (document.title, document.size_bytes, document.added_by) == (
                "EP report",
                len(data),
                "Mrs Cole",
            )
            opened = copies.copy_of(session, document.id)
        assert opened.read_bytes() == data
        assert opened.name == "EP report.pdf"
        assert stat.S_IMODE(opened.stat().st_mode) == 0o600
        assert stat.S_IMODE(copies.folder.stat().st_mode) == 0o700
        copies.remove_all()
        assert not opened.exists()
    finally:
        copies.remove_all()
        db.close()


def test_a_file_over_20_mb_is_refused_before_it_is_read(tmp_path: Path) -> None:
    big = tmp_path / "scan.pdf"
    with big.open("wb") as handle:
        handle.truncate(20 * 1024 * 1024 + 1)  # sparse: 20 MB and one byte
    with pytest.raises(DomainError, match=r"at most 20 MB"):
        read_for_attaching(big)
    with pytest.raises(DomainError, match="not a kind of file"):
        read_for_attaching(tmp_path / "virus.exe")


def test_removing_a_document_undoes_with_its_bytes(school: School) -> None:
    document_id = _attach(school, b"%PDF-1.4 small")
    removed = documents.remove(school.session, document_id)
    school.session.commit()
    with school.fresh() as s:
        assert s.scalars(select(DocumentContent)).all() == []
    removed.undo(school.session)
    school.session.commit()
    with school.fresh() as s:
        assert documents.content_of(s, document_id) == b"%PDF-1.4 small"


def test_the_audit_log_never_holds_the_bytes(school: School) -> None:
    _attach(school, b"%PDF-1.4 " + MARKER)
    with school.fresh() as s:
        logged = " ".join(
            (e.before_json or "") + (e.after_json or "") for e in s.scalars(select(AuditEntry))
        )
    assert MARKER.decode() not in logged
    assert "bytes)" in logged


def test_subject_access_writes_the_documents_beside_the_json(
    school: School, tmp_path: Path
) -> None:
    data = b"%PDF-1.4 " + MARKER
    _attach(school, data)
    pupil = school.session.get(Pupil, school.ids["Ava"])
    assert pupil is not None
    out = tmp_path / "sar" / "Ava.json"
    out.parent.mkdir()
    write_subject_access_json(school.session, pupil, out)
    export = json.loads(out.read_text(encoding="utf-8"))
    (listed,) = export["documents"]
    assert listed["title"] == "EP report"
    assert listed["added_on"] == "2026-11-20"
    assert (out.parent / listed["file"]).read_bytes() == data
    assert listed["file"] == "Ava documents/01 EP report.pdf"


@pytest.mark.sqlite_only("reads the bytes of the SQLite file and its log after erasure")
def test_erasing_the_pupil_leaves_no_trace_of_the_document_in_the_file(
    school: School, tmp_path: Path
) -> None:
    data = two_megabyte_pdf(tmp_path / "ep.pdf")
    _attach(school, data)
    path = Path(school.db.path)
    raw = path.read_bytes() + _wal(path)
    assert MARKER in raw  # the search below can find it when it is there

    erase_pupil(school.session, school.ids["Ava"])
    assert vacuum(school.session)
    school.session.close()
    school.db.close()
    assert MARKER not in path.read_bytes() + _wal(path)
    with open_database(path).session_factory() as s:
        assert s.scalars(select(PupilDocument)).all() == []


def _wal(path: Path) -> bytes:
    wal = path.with_name(path.name + "-wal")
    return wal.read_bytes() if wal.exists() else b""


def test_the_subject_access_pdf_lists_the_documents(school: School, tmp_path: Path) -> None:
    from pypdf import PdfReader

    from provmap_desktop.reports.sar_pdf import write_sar_pdf

    _attach(school, b"%PDF-1.4 small")
    pupil = school.session.get(Pupil, school.ids["Ava"])
    assert pupil is not None
    out = tmp_path / "sar.pdf"
    write_sar_pdf(school.session, out, pupil, today=DAY)
    text = " ".join(page.extract_text() for page in PdfReader(out).pages)
    assert "Documents (each given as a file beside the JSON)" in text
    assert "EP report.pdf" in text
    assert "Mrs Cole" in text


def test_viewing_folders_of_runs_that_ended_without_closing_are_removed(tmp_path: Path) -> None:
    import subprocess
    import sys

    from provmap_desktop.services.documents import VIEWING_PREFIX, remove_left_behind

    ended = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    dead_pid = int(ended.stdout)
    crashed = tmp_path / f"{VIEWING_PREFIX}{dead_pid}-abc"
    (crashed / "x1").mkdir(parents=True)
    (crashed / "x1" / "EP report.pdf").write_bytes(b"%PDF-1.4 private")
    running = tmp_path / f"{VIEWING_PREFIX}{os.getpid()}-def"
    running.mkdir()
    not_ours = tmp_path / "provmap-viewer-notes"
    not_ours.mkdir()

    assert remove_left_behind(tmp_path) == [crashed]
    assert not crashed.exists()
    assert running.is_dir()
    assert not_ours.is_dir()
