"""The Reports screen writes each document for the chosen period and pupil."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from provmap_desktop.models import Pupil

from ..schools.templates import open_school

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def reports(qtbot, tmp_path):  # type: ignore[no-untyped-def]
    from provmap_desktop.shell.main_window import MainWindow

    db = open_school("demo", tmp_path / "demo.provmap")
    window = MainWindow(db, today=TODAY)
    qtbot.addWidget(window)
    window.show_screen("reports")
    yield window.screens["reports"], window
    window.close()


def text_of(path: Path) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(path).pages)


def test_school_documents_for_the_chosen_term(reports, tmp_path):
    screen, _window = reports
    assert "Autumn term 2026/27" in screen.period.text()
    saved = screen.save("x.pdf", screen._map_pdf, tmp_path / "map.pdf")
    assert saved is not None
    assert "Autumn term 2026/27" in text_of(saved)
    costed = screen.save("x.pdf", screen._costed_pdf, tmp_path / "costed.pdf")
    assert costed is not None
    assert "£" in text_of(costed)
    sheet = screen.save("x.xlsx", screen._costed_xlsx, tmp_path / "costed.xlsx")
    assert sheet is not None
    assert load_workbook(sheet).sheetnames
    impact = screen.save("x.pdf", screen._impact_pdf, tmp_path / "impact.pdf")
    assert impact is not None
    assert "Page 1 of" in text_of(impact)
    assert f"Saved {impact}" == screen.message.text()


def test_pupil_documents_need_a_chosen_pupil(reports, tmp_path):
    screen, window = reports
    assert not any(b.isEnabled() for b in screen.pupil_buttons)
    with window.database.session_factory() as s:
        maya = s.scalars(select(Pupil).where(Pupil.forename == "Maya")).first()
    window.ctx.pupil_selected.emit(maya.id)
    assert all(b.isEnabled() for b in screen.pupil_buttons)
    assert "Maya" in screen.pupil_label.text()
    pack = screen.save("x.pdf", screen._evidence, tmp_path / "evidence.pdf")
    assert pack is not None
    text = text_of(pack)
    assert "Evidence pack" in text
    assert "Maya" in text
    assert "complete APDR cycle" in text
    costed = screen.save("x.pdf", screen._pupil_costed, tmp_path / "pupil.pdf")
    assert costed is not None
    assert "threshold" in text_of(costed)


def test_sen_register_profiles_come_in_surname_order(reports, tmp_path):
    screen, window = reports
    saved = screen.save("x.pdf", screen._register_profiles, tmp_path / "register.pdf")
    assert saved is not None
    with window.database.session_factory() as s:
        register = s.scalars(
            select(Pupil).where(Pupil.sen_status.in_(("K", "E")), Pupil.archived.is_(False))
        ).all()
        # Next year's intake (joining on 01/09/2027) is not on this year's register yet.
        last_day = dt.date(2027, 8, 31)
        starters = {p.display_name for p in register if (p.on_roll_date or last_day) > last_day}
        register = [p for p in register if p.display_name not in starters]
        names = [(p.surname.casefold(), p.forename.casefold(), p.display_name) for p in register]
        years = {p.year_group_id for p in register}
    assert starters == {"Isla Grant", "Noah Pearce"}
    assert len(years) > 1  # the demo register spans year groups, so the order shows
    expected = [name for *_key, name in sorted(names)]
    pages = [p.extract_text() for p in PdfReader(saved).pages]
    assert not [name for name in starters if any(name in text for text in pages)]
    first_page = [next(i for i, text in enumerate(pages) if name in text) for name in expected]
    assert first_page == sorted(first_page)


def test_the_governors_costed_summary_names_no_pupil(reports, tmp_path, qtbot, monkeypatch):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QFileDialog

    screen, window = reports
    button = screen.governors_button
    assert button.isEnabled()
    target = tmp_path / "governors.pdf"
    # The save dialog answers with the target, as a user choosing it would.
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert target.exists()
    pages = PdfReader(target).pages
    assert len(pages) == 1
    text = pages[0].extract_text()
    assert "governors" in text
    assert "£" in text
    with window.database.session_factory() as s:
        names = {p.surname for p in s.scalars(select(Pupil))}
    assert not names & set(text.split())
