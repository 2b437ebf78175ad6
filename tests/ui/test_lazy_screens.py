"""Start-up builds only the screen shown; the others are built when first opened."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from provmap_desktop.domain.change import Changed, Kind
from provmap_desktop.models import Pupil, YearGroup
from provmap_desktop.shell.screens import SCREENS

from .conftest import TODAY


def _window(qtbot, school_db, last: str):  # type: ignore[no-untyped-def]
    from provmap_desktop.shell.main_window import MainWindow

    QSettings().setValue("last_screen", last)
    win = MainWindow(school_db, today=TODAY)
    qtbot.addWidget(win)
    win.show()
    return win


def test_only_the_last_opened_screen_is_built_at_start(qtbot, school_db):  # type: ignore[no-untyped-def]
    window = _window(qtbot, school_db, "reviews")
    assert window.tabs.tabText(window.tabs.currentIndex()) == "Reviews"
    assert set(window.screens.built()) == {"reviews"}
    assert window.current_screen() is window.screens["reviews"]
    # Every tab is there to click, in order, before any other screen is built.
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == [
        s.title for s in SCREENS
    ]


def test_a_screen_is_built_when_its_tab_is_first_opened(qtbot, school_db):  # type: ignore[no-untyped-def]
    window = _window(qtbot, school_db, "map")
    assert set(window.screens.built()) == {"map"}
    index = [s.key for s in SCREENS].index("costs")
    qtbot.mouseClick(
        window.tabs.tabBar(),
        Qt.MouseButton.LeftButton,
        pos=window.tabs.tabBar().tabRect(index).center(),
    )
    assert window.tabs.currentIndex() == index
    assert set(window.screens.built()) == {"map", "costs"}
    assert window.current_screen() is window.screens["costs"]
    assert QSettings().value("last_screen") == "costs"


def test_a_pupil_chosen_before_a_screen_is_built_is_chosen_there(qtbot, school_db):  # type: ignore[no-untyped-def]
    window = _window(qtbot, school_db, "map")
    with school_db.session_factory() as s:
        year = s.scalars(select(YearGroup)).first()
        pupil = Pupil(upn="A123456789012", forename="Ava", surname="Adams", year_group_id=year.id)
        s.add(pupil)
        s.commit()
        pupil_id = pupil.id
    window.ctx.pupil_selected.emit(pupil_id)
    window.show_screen("reports")
    QApplication.processEvents()
    reports = window.screens["reports"]
    assert "Ava Adams" in reports.pupil_label.text()
    assert all(b.isEnabled() for b in reports.pupil_buttons)


def test_impact_by_provision_is_worked_out_once_per_change(qtbot, school_db, monkeypatch):  # type: ignore[no-untyped-def]
    from provmap_desktop.services import review_impact

    calls: list[int | None] = []
    real = review_impact.impact_by_provision

    def counted(session, year_id, **kw):  # type: ignore[no-untyped-def]
        calls.append(year_id)
        return real(session, year_id, **kw)

    monkeypatch.setattr(review_impact, "impact_by_provision", counted)
    window = _window(qtbot, school_db, "reviews")
    assert len(calls) == 1  # start-up with Reviews as the last screen: once
    window.show_screen("map")
    window.show_screen("reviews")
    assert len(calls) == 1  # nothing changed: the figures shown stand
    # The term changes while Reviews is hidden: impact covers the academic year, so
    # the figures stand.
    window.show_screen("map")
    ctx = window.ctx
    ctx.set_period(ctx.academic_year_id, "Spring")
    ctx.set_period(ctx.academic_year_id, "Autumn")
    window.show_screen("reviews")
    assert len(calls) == 1
    # Edits while Reviews is hidden: worked out once, when it is shown again.
    window.show_screen("map")
    ctx.data_changed.emit(Changed.of(Kind.GROUPS))
    ctx.data_changed.emit(Changed.of(Kind.PUPILS))
    assert len(calls) == 1
    window.show_screen("reviews")
    assert len(calls) == 2
    # An edit while Reviews is shown: once more.
    ctx.data_changed.emit(Changed.of(Kind.GROUPS))
    assert len(calls) == 3


def test_the_map_is_built_once_at_start(qtbot, school_db, monkeypatch):  # type: ignore[no-untyped-def]
    from provmap_desktop.views.map import screen

    calls: list[int] = []
    real = screen.build_map

    def counted(session, year_id, *args, **kw):  # type: ignore[no-untyped-def]
        calls.append(year_id)
        return real(session, year_id, *args, **kw)

    monkeypatch.setattr(screen, "build_map", counted)
    window = _window(qtbot, school_db, "map")
    assert len(calls) == 1
    assert window.screens["map"].model.rowCount() > 0


def _one_group_of_the_year(window):  # type: ignore[no-untyped-def]
    from provmap_desktop.models import ProvisionGroup

    ctx = window.ctx
    return ctx.session.scalars(
        select(ProvisionGroup).where(ProvisionGroup.academic_year_id == ctx.academic_year_id)
    ).first()


def test_after_an_edit_the_status_checks_and_reviews_cost_the_year_once(  # type: ignore[no-untyped-def]
    qtbot, demo_db, monkeypatch
):
    from provmap_desktop.domain import groups
    from provmap_desktop.services import costing
    from provmap_desktop.ui.edits import DomainEdit, perform

    window = _window(qtbot, demo_db, "reviews")
    window.show_screen("map")
    group = _one_group_of_the_year(window)
    assert group is not None
    # Every costing of the school reads its rows here, whoever asks for it.
    calls: list[object] = []
    real = costing.load_cost_rows

    def counted(session, year_id, *args, **kw):  # type: ignore[no-untyped-def]
        calls.append(year_id)
        return real(session, year_id, *args, **kw)

    monkeypatch.setattr(costing, "load_cost_rows", counted)
    ctx = window.ctx
    perform(
        ctx,
        DomainEdit(
            ctx, "Sessions a week", lambda s: groups.update(s, group.id, "sessions_per_week", 5)
        ),
    )
    window.refresh_attention()  # the status strip's checks, once the edit has settled
    costed_by_checks = len(calls)
    assert costed_by_checks >= 1
    window.show_screen("reviews")  # impact by provision uses the year's costs just worked out
    assert len(calls) == costed_by_checks
    # ... and they are the costs after the edit: the group's row moved.
    ctx.undo_stack.undo()
    window.refresh_attention()
    assert len(calls) > costed_by_checks


def test_the_status_checks_wait_for_the_window_to_be_painted(qtbot, school_db):  # type: ignore[no-untyped-def]
    from provmap_desktop.shell.main_window import MainWindow

    window = MainWindow(school_db, today=TODAY)
    qtbot.addWidget(window)
    assert not window.attention_timer.isActive()  # built, not yet on screen
    window.show()
    qtbot.waitUntil(lambda: hasattr(window, "attention_items"), timeout=10000)
    assert "href=" in window.attention_label.text() or window.attention_items == []
