"""Every screen and dialog can be walked with Tab and Shift+Tab; no Alt+letter clashes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget, QWizard
from sqlalchemy import select

from provmap_desktop.models import Ehcp, EhcpAnnualReview, GroupMembership, LearningPlan, Pupil
from provmap_desktop.shell.backup_dialogs import BackupDialog, BackupsDialog
from provmap_desktop.shell.first_start import FirstStartDialog, NewSchoolWizard
from provmap_desktop.shell.screens import SCREENS
from provmap_desktop.storage import Database
from provmap_desktop.views.cancel_dialog import CancelDialog
from provmap_desktop.views.import_dialog import ImportPupilsDialog
from provmap_desktop.views.map.allocate_dialog import AllocateDialog
from provmap_desktop.views.map.group_dialog import GroupDialog
from provmap_desktop.views.map_import_dialog import MapImportDialog
from provmap_desktop.views.pupils.actions import ProfileBatchDialog
from provmap_desktop.views.pupils.annual_review import AnnualReviewsDialog
from provmap_desktop.views.pupils.dialogs import AddPupilDialog, ArchiveDialog
from provmap_desktop.views.pupils.due_lists import (
    actions_due_dialog,
    annual_review_steps_dialog,
    plans_due_dialog,
)
from provmap_desktop.views.pupils.erasing import EraseDialog
from provmap_desktop.views.pupils.plan_review import PlanReviewDialog
from provmap_desktop.views.review_wizard import ReviewWizard
from provmap_desktop.views.rollover_wizard import RolloverWizard

from ..schools.templates import open_school
from .keywalk import controls, mnemonic_clashes, walk

TODAY = dt.date(2026, 11, 23)


@pytest.fixture(scope="module")
def demo_window(qapp, tmp_path_factory):  # type: ignore[no-untyped-def]
    """One main window over the demo school for the whole module: the walks only move focus."""
    from PySide6.QtCore import QSettings

    from provmap_desktop.shell.main_window import MainWindow

    folder = tmp_path_factory.mktemp("walk")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    db = open_school("demo", folder / "demo.provmap")
    window = MainWindow(db, today=TODAY)
    window.show()
    yield window
    window.close()
    window.deleteLater()
    qapp.processEvents()


#: Each screen; on Pupils each tab of the pupil pane (a pupil with an EHC plan), and the
#: Plan and Meetings tabs again for a pupil who has a SEN support plan and meetings
#: ("pupils:plan"); on Planning each of its tabs.
PLAN_TAB, MEETINGS_TAB = 4, 5
VIEWS = (
    [(spec.key, None) for spec in SCREENS]
    + [("pupils", tab) for tab in range(1, 8)]
    + [("pupils:plan", PLAN_TAB), ("pupils:plan", MEETINGS_TAB)]
    + [("planning", tab) for tab in range(1, 4)]
)


def show(window, key: str, tab: int | None) -> None:  # type: ignore[no-untyped-def]
    """Open a screen as a user would find it, with a pupil chosen where that shows more."""
    screen_key, _, who = key.partition(":")
    window.show_screen(screen_key)
    screen = window.screens[screen_key]
    if screen_key == "pupils":
        with window.database.session_factory() as s:
            if who == "plan":
                pupil_id = _current_plan(s).pupil_id
            else:
                pupil_id = s.scalars(select(Ehcp.pupil_id).order_by(Ehcp.id)).first()
        screen.select_pupil(pupil_id)
        screen.pane.tabs.setCurrentIndex(tab or 0)
        if who == "plan":
            title = screen.pane.tabs.tabText(tab)
            assert title == ("Plan" if tab == PLAN_TAB else "Meetings"), title
    elif screen_key == "planning":
        screen.tabs.setCurrentIndex(tab or 0)


@pytest.mark.parametrize(("key", "tab"), VIEWS)
def test_tab_and_shift_tab_reach_every_control_of_each_screen(demo_window, qtbot, key, tab):
    show(demo_window, key, tab)
    qtbot.wait(10)
    problems = walk(qtbot, demo_window).problems()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(("key", "tab"), VIEWS)
def test_no_access_key_is_used_twice_on_a_screen(demo_window, qtbot, key, tab):
    show(demo_window, key, tab)
    clashes = mnemonic_clashes(demo_window)
    assert not clashes, "\n".join(f"Alt+{k.upper()}: {v}" for k, v in clashes.items())


def _group_members(db: Database) -> tuple[int, list[int]]:
    """A current group of the demo school with several pupils, and its allocations."""
    with db.session_factory() as s:
        rows = s.execute(
            select(GroupMembership.group_id, GroupMembership.id)
            .where(GroupMembership.leave_date.is_(None))
            .order_by(GroupMembership.group_id, GroupMembership.id)
        ).all()
    by_group: dict[int, list[int]] = {}
    for group_id, membership_id in rows:
        by_group.setdefault(group_id, []).append(membership_id)
    group_id = next(g for g, members in by_group.items() if len(members) >= 2)
    return group_id, by_group[group_id]


def _first_pupils(db: Database, count: int) -> list[int]:
    with db.session_factory() as s:
        return list(s.scalars(select(Pupil.id).order_by(Pupil.id).limit(count)))


def _dialogs(window, tmp_path: Path) -> dict[str, Callable[[], QWidget]]:  # type: ignore[no-untyped-def]
    ctx = window.ctx
    db = window.database
    pupils = _first_pupils(db, 3)
    group_id, members = _group_members(db)
    year_groups = [(None, "Year group")]
    return {
        "allocate": lambda: AllocateDialog(ctx, pupils, window),
        "group": lambda: GroupDialog(ctx, group_id, window),
        "add pupil": lambda: AddPupilDialog(ctx.session, year_groups, [(None, "Class")], window),
        "archive": lambda: ArchiveDialog("Freya James", TODAY, None, window),
        "cancel session": lambda: CancelDialog("Precision Teaching", window),
        "import pupils": lambda: ImportPupilsDialog(ctx, window),
        "import a map": lambda: MapImportDialog(ctx, window),
        "profiles": lambda: ProfileBatchDialog(ctx, ctx.session.get(Pupil, pupils[0]), window),
        "erase": lambda: EraseDialog(ctx.session.get(Pupil, pupils[0]), window),
        "back up": lambda: BackupDialog(tmp_path / "copy.provmap", window),
        "backups": lambda: BackupsDialog(db.path, window),
        "first start": lambda: FirstStartDialog(window),
        "review one": lambda: ReviewWizard(ctx, members[:1], window),
        "review group": lambda: ReviewWizard(ctx, members, window),
        "new school": lambda: NewSchoolWizard(window, today=TODAY),
        "new year": lambda: _walked_only(RolloverWizard(ctx, "2027/28", window)),
        "review plan": lambda: PlanReviewDialog(ctx, _current_plan(ctx.session), window),
        "plans due": lambda: plans_due_dialog(ctx, lambda _p: None, window),
        "actions due": lambda: actions_due_dialog(ctx, lambda _p: None, window),
        "annual review steps due": lambda: annual_review_steps_dialog(ctx, lambda _p: None, window),
        "annual reviews": lambda: AnnualReviewsDialog(ctx, _plan_in_review(ctx.session), window),
    }


def _walked_only(wizard: RolloverWizard) -> RolloverWizard:
    """The rollover wizard whose last button moves on without starting the year: the
    walk visits every page, and the module's school stays as it is for the next test."""
    wizard._start = lambda: True  # type: ignore[method-assign]
    return wizard


def _current_plan(session):  # type: ignore[no-untyped-def]
    """Maya's current SEN support plan (version 4, with targets)."""
    return session.scalars(
        select(LearningPlan).where(LearningPlan.reviewed_on.is_(None)).order_by(LearningPlan.id)
    ).first()


def _plan_in_review(session):  # type: ignore[no-untyped-def]
    """An EHC plan whose annual review is in progress (its steps and record showing)."""
    return session.scalars(
        select(EhcpAnnualReview.ehcp_id).where(EhcpAnnualReview.report_sent_on.is_(None))
    ).first()


DIALOGS = [
    "allocate",
    "group",
    "add pupil",
    "archive",
    "cancel session",
    "import pupils",
    "import a map",
    "profiles",
    "erase",
    "back up",
    "backups",
    "first start",
    "review one",
    "review group",
    "new school",
    "new year",
    "review plan",
    "plans due",
    "actions due",
    "annual review steps due",
    "annual reviews",
]


def _pages(dialog: QWidget) -> Iterator[str]:
    """Each page of a wizard in turn (a plain dialog has one)."""
    if not isinstance(dialog, QWizard):
        yield "the dialog"
        return
    seen = set()
    while dialog.currentId() not in seen:
        seen.add(dialog.currentId())
        yield dialog.currentPage().title() or str(dialog.currentId())
        dialog.next()


@pytest.mark.parametrize("name", DIALOGS)
def test_tab_walk_and_access_keys_in_every_dialog(demo_window, qtbot, tmp_path, name):
    dialog = _dialogs(demo_window, tmp_path)[name]()
    qtbot.addWidget(dialog)
    dialog.show()
    problems = []
    for page in _pages(dialog):
        qtbot.wait(10)
        problems += [f"{page}: {p}" for p in walk(qtbot, dialog).problems()]
        clashes = mnemonic_clashes(dialog)
        problems += [f"{page}: Alt+{k.upper()} {v}" for k, v in clashes.items()]
    assert not problems, "\n".join(problems)


def test_the_attention_strip_is_reached_and_followed_by_keyboard(demo_window, qtbot):
    """Monday morning by keyboard: Shift+Tab to the strip's links, Enter opens the screen."""
    window = demo_window
    window.show_screen("settings")
    window.refresh_attention()
    strip = window.attention_label
    links = strip.link_texts()
    assert len(links) >= 2
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.period_bar.year_combo.setFocus(Qt.FocusReason.TabFocusReason)
    for _ in range(len(controls(window)) + 2):
        if QApplication.focusWidget() is strip:
            break
        qtbot.keyClick(
            QApplication.focusWidget(), Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier
        )
    assert QApplication.focusWidget() is strip
    assert strip.selectedText() == links[-1]  # entered from behind: the last link
    qtbot.keyClick(strip, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert strip.selectedText() == links[-2]
    item = window.attention_items[len(links) - 2]
    qtbot.keyClick(strip, Qt.Key.Key_Return)
    assert window.current_screen() is window.screens[item.screen]
