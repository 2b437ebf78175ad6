"""The Costs screen over a small school whose costs are worked out by hand.

The groups below run the whole academic year 01/09/2026-31/08/2027, which is the
school's 38 teaching weeks exactly, so no pro rata is involved:

- Precision Teaching (Cognition and learning, wave 2) for Year 4, Mrs Ahmed (TA, £18.00
  an hour), 3 x 10 minutes a week: £3.00 x 3 x 38 = £342.00, £85.50 each for Ava, Ben,
  Cal and Dan.
- 1:1 TA support (SEMH, wave 3) for Eve in Year 5, Mrs Ahmed, 5 x 2 hours a week:
  £36.00 x 5 x 38 = £6,840.00, over the £6,000.00 threshold by £840.00.
- Speech therapy 1:1 (Communication and interaction, wave 3) for Finn in Year 5, an
  agency at £150.00 a session once a week: £5,700.00, £300.00 under the threshold and
  so near it with the default £500.00 margin.

Whole year: £12,882.00 for 6 pupils, against a Notional SEN budget of £12,000.00.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from sqlalchemy import select

from provmap_desktop.domain.change import Changed, Kind
from provmap_desktop.models import (
    AcademicYear,
    GroupMembership,
    Pupil,
)
from provmap_desktop.storage import Database

from ..schools.templates import open_school
from .conftest import TODAY


@pytest.fixture
def school_db(tmp_path: Path) -> Iterator[Database]:
    """The widget tests' school with the groups above (``add_whole_year_costs``)."""
    db = open_school("whole_year_costs", tmp_path / "school.provmap")
    yield db
    db.close()


@pytest.fixture
def costs(qtbot, school_db):  # type: ignore[no-untyped-def]
    """The Costs screen on its own context, costing the whole of 2026/27."""
    from provmap_desktop.ui.context import AppContext
    from provmap_desktop.views.costs import CostsScreen

    ctx = AppContext(school_db)
    ctx.today = TODAY
    screen = CostsScreen(ctx)
    qtbot.addWidget(screen)
    screen.show()
    year_id = ctx.session.scalars(select(AcademicYear.id)).one()
    ctx.set_period(year_id, None)
    yield screen
    ctx.close()


def column(model, n: int) -> list[str]:  # type: ignore[no-untyped-def]
    return model.column_texts(n)


def test_headline_and_tables_show_the_hand_worked_totals(costs) -> None:  # type: ignore[no-untyped-def]
    assert "£12,882.00" in costs.planned_label.text()
    assert "6" in costs.pupils_label.text()
    assert "2026/27" in costs.period_label.text()
    totals = costs.totals_tab
    provisions = {row[0]: row for row in totals.provision_model.rows}
    assert provisions["Precision Teaching"][5] == "£85.50"  # cost per pupil
    assert provisions["Precision Teaching"][6] == "£342.00"
    assert provisions["1:1 TA support"][6] == "£6,840.00"
    assert dict(zip(column(totals.area_model, 0), column(totals.area_model, 1), strict=True)) == {
        "Cognition and learning": "£342.00",
        "Social, emotional and mental health": "£6,840.00",
        "Communication and interaction": "£5,700.00",
    }
    assert column(totals.wave_model, 1) == ["£342.00", "£12,540.00"]
    assert column(totals.year_group_model, 0) == ["Year 4", "Year 5"]
    assert column(totals.staff_model, 0) == ["Mrs Ahmed", "No one named"]
    assert totals.provision_model.data(
        totals.provision_model.index(0, 7), Qt.ItemDataRole.TextAlignmentRole
    ) & int(Qt.AlignmentFlag.AlignRight)


def test_threshold_list_says_over_and_under_and_follows_the_margin(costs, qtbot) -> None:  # type: ignore[no-untyped-def]
    rows = costs.threshold_tab.threshold_model.rows
    assert rows == [
        ["Eve Evans", "Year 5", "£6,840.00", "over by £840.00", "At or above"],
        ["Finn Ford", "Year 5", "£5,700.00", "£300.00 under", "Near"],
    ]
    costs.threshold_tab.margin_spin.setValue(200)
    assert [row[0] for row in costs.threshold_tab.threshold_model.rows] == ["Eve Evans"]
    assert "within £200.00" in costs.threshold_tab.threshold_note.text()


def test_budget_warns_in_words_when_planned_spend_is_over(costs) -> None:  # type: ignore[no-untyped-def]
    assert costs.budget_tab.budget_model.rows == [
        ["Notional SEN", "£12,000.00", "£12,882.00", "£0.00", "-£882.00", "⚠ Over budget"]
    ]
    assert costs.budget_tab.budget_note.text().startswith("⚠")


def test_each_chart_can_be_read_as_a_table(costs, qtbot) -> None:  # type: ignore[no-untyped-def]
    costs.tabs.setCurrentIndex(3)
    chart = costs.charts_tab.wave_chart
    assert not chart.showing_table
    qtbot.mouseClick(chart.toggle, Qt.MouseButton.LeftButton)
    assert chart.showing_table
    assert chart.toggle.text() == "Show as chart"
    assert chart.model.rows == [["Wave 2", "£342.00"], ["Wave 3", "£12,540.00"]]
    assert chart.chart.series()[0].barSets()[0].at(0) == 12540.0  # drawn bottom up: Wave 3 first
    assert costs.charts_tab.planned_chart.model.headers == ["Heading", "Planned", "To date"]


def test_a_year_group_shows_only_its_costs(costs) -> None:  # type: ignore[no-untyped-def]
    costs.year_group_combo.setCurrentText("Year 4")
    assert "£342.00" in costs.planned_label.text()
    assert [row[0] for row in costs.totals_tab.provision_model.rows] == ["Precision Teaching"]
    assert costs.threshold_tab.threshold_model.rows == []


def test_the_screen_follows_edits_made_elsewhere(costs, school_db) -> None:  # type: ignore[no-untyped-def]
    session = costs.ctx.session
    finn = session.scalars(select(Pupil).where(Pupil.forename == "Finn")).one()
    for membership in session.scalars(
        select(GroupMembership).where(GroupMembership.pupil_id == finn.id)
    ):
        session.delete(membership)
    costs.ctx.commit(Changed.of(Kind.GROUPS))
    # Finn's group still runs, unallocated: its cost stays in the total, not in his.
    assert "£12,882.00" in costs.planned_label.text()
    assert "5" in costs.pupils_label.text()
    assert "Finn Ford" not in [row[0] for row in costs.threshold_tab.threshold_model.rows]


def test_save_buttons_write_the_spreadsheet_and_pdfs(costs, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert costs.save_spreadsheet(tmp_path / "costs.xlsx")
    totals = list(load_workbook(tmp_path / "costs.xlsx")["Totals"].iter_rows(values_only=True))
    assert totals[1][:3] == ("Whole map", "Whole school", 12882)
    assert "Saved" in costs.message.text()

    assert costs.save_pdf(tmp_path / "costs.pdf")
    assert (tmp_path / "costs.pdf").read_bytes().startswith(b"%PDF")

    assert not costs.pupil_button.isEnabled()
    eve = costs.ctx.session.scalars(select(Pupil).where(Pupil.forename == "Eve")).one()
    costs.ctx.pupil_selected.emit(eve.id)
    assert costs.pupil_button.isEnabled()
    assert "Eve Evans" in costs.pupil_button.text()
    assert costs.save_pupil_pdf(tmp_path / "eve.pdf")
    assert (tmp_path / "eve.pdf").read_bytes().startswith(b"%PDF")


def test_the_governors_choice_writes_one_page_without_names(costs, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from pypdf import PdfReader

    assert not costs.governors_box.isChecked()  # the full map stays the default
    qtbot.mouseClick(costs.governors_box, Qt.MouseButton.LeftButton)
    assert costs.governors_box.isChecked()
    assert costs.save_pdf(tmp_path / "governors.pdf")
    pages = PdfReader(tmp_path / "governors.pdf").pages
    assert len(pages) == 1
    text = pages[0].extract_text()
    assert "governors" in text
    for name in ("Ava", "Adams", "Eve", "Evans", "Finn", "Ford"):
        assert name not in text
