"""The friction of a SENCO's week, each fixed and driven as a user would."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from provmap_desktop.models import ProvisionGroup
from provmap_desktop.storage import Database

TODAY = dt.date(2026, 11, 23)


def _a_group(db: Database) -> ProvisionGroup:
    with db.session_factory() as s:
        group = s.scalars(
            select(ProvisionGroup)
            .where(ProvisionGroup.start_date < dt.date(2026, 10, 1))
            .where(ProvisionGroup.end_date > dt.date(2026, 11, 1))
            .order_by(ProvisionGroup.id)
        ).first()
        assert group is not None
        s.expunge(group)
        return group


def test_search_shows_pupils_as_you_type_and_keeps_the_typing(demo_window, qtbot):
    demo_window.show_screen("map")
    search = demo_window.period_bar.search
    search.setFocus()
    qtbot.keyClicks(search, "Freya")
    pupils = demo_window.screens["pupils"]
    qtbot.waitUntil(lambda: demo_window.current_screen() is pupils, timeout=2000)
    names = {pupils.model.index(r, 0).data() for r in range(pupils.model.rowCount())}
    assert names
    assert all("Freya" in str(n) for n in names)
    assert QApplication.focusWidget() is search  # still typing
    # The hint is shown whole.
    hint = search.fontMetrics().horizontalAdvance(search.placeholderText())
    assert search.width() >= hint + 20


def test_group_details_takes_a_typed_date_after_a_click(demo_window, demo_db, qtbot):
    from provmap_desktop.views.map.group_dialog import GroupDialog

    group = _a_group(demo_db)
    dialog = GroupDialog(demo_window.ctx, group.id, demo_window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    line = dialog.start_edit.lineEdit()
    # A click lands in the year; the whole date is typed over all the same.
    qtbot.mouseClick(line, Qt.MouseButton.LeftButton, pos=QPoint(line.width() - 20, 5))
    qtbot.wait(20)
    assert dialog.start_edit.hasFocus()
    qtbot.keyClicks(dialog.start_edit, "01/10/2026")
    qtbot.keyClick(dialog.start_edit, Qt.Key.Key_Return)
    with demo_db.session_factory() as s:
        assert s.get(ProvisionGroup, group.id).start_date == dt.date(2026, 10, 1)
    # And arriving by Tab, into the last day (Qt's own field mangled it to 11/12/00001/2026).
    dialog.end_edit.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.wait(20)
    assert dialog.end_edit.hasFocus()
    qtbot.keyClicks(dialog.end_edit, "11/12/2026")
    qtbot.keyClick(dialog.end_edit, Qt.Key.Key_Return)
    with demo_db.session_factory() as s:
        assert s.get(ProvisionGroup, group.id).end_date == dt.date(2026, 12, 11)
    dialog.close()


def test_group_details_label_sessions_size_and_cost_per_pupil(demo_window, demo_db, qtbot):
    from provmap_desktop.views.map.group_dialog import GroupDialog

    group = _a_group(demo_db)
    dialog = GroupDialog(demo_window.ctx, group.id, demo_window)
    qtbot.addWidget(dialog)
    text = dialog.facts.text()
    assert "a week" in text
    assert "minutes each" in text
    assert "group size up to" in text
    assert "cost per pupil £" in text
    dialog.close()


def _menu(window, title: str):  # type: ignore[no-untyped-def]
    for action in window.menuBar().actions():
        if action.text().replace("&", "") == title:
            return action.menu()
    raise AssertionError(f"no {title} menu")


def test_pupil_and_reports_menus_hold_every_report(demo_window, qtbot):
    pupil_menu = _menu(demo_window, "Pupil")
    texts = [a.text().replace("&", "") for a in pupil_menu.actions()]
    assert texts == ["New pupil…", "Find pupil", "Print profile…", "Evidence pack (PDF)…"]
    reports = demo_window.screens["reports"]
    from PySide6.QtWidgets import QPushButton

    buttons = {b.text() for b in reports.findChildren(QPushButton)}
    reports_menu = _menu(demo_window, "Reports")
    reports_menu.aboutToShow.emit()  # the menu lists the screen's reports as it opens
    in_menu = {a.text() for a in reports_menu.actions()}
    assert buttons
    assert buttons <= in_menu
    # New pupil… opens the Add pupil dialog on the Pupils screen.
    next(a for a in pupil_menu.actions() if a.text() == "&New pupil…").trigger()
    pupils = demo_window.screens["pupils"]
    assert demo_window.current_screen() is pupils
    assert pupils.add_dialog is not None
    assert pupils.add_dialog.isVisible()
    pupils.add_dialog.reject()


def test_save_dialogs_open_in_the_last_folder_and_name_the_pupil(
    demo_window, demo_db, qtbot, tmp_path, monkeypatch
):
    from PySide6.QtWidgets import QFileDialog

    from provmap_desktop.models import Pupil

    with demo_db.session_factory() as s:
        pupil = s.scalars(select(Pupil).where(Pupil.forename == "Freya")).first()
        assert pupil is not None
        pupil_id, name = pupil.id, pupil.display_name
    offered: list[str] = []
    folder = tmp_path / "parent meeting"
    folder.mkdir()

    def save_as(_parent, _title, start, _filters):  # type: ignore[no-untyped-def]
        offered.append(start)
        return str(folder / Path(start).name), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_as))
    demo_window.ctx.pupil_selected.emit(pupil_id)
    reports = demo_window.screens["reports"]
    reports.pupil_buttons[1].click()  # Evidence pack (PDF)…
    assert Path(offered[0]).name == f"Evidence pack – {name}.pdf"
    assert (folder / f"Evidence pack – {name}.pdf").exists()
    reports.pupil_buttons[0].click()  # One-page profile (PDF)…: same folder as last time
    assert Path(offered[1]) == folder / f"One-page profile – {name}.pdf"


def test_map_hides_provisions_with_no_groups_until_asked(demo_window, demo_db, qtbot):
    from provmap_desktop.models import Provision, Pupil, YearGroup

    screen = demo_window.screens["map"]
    demo_window.show_screen("map")
    model = screen.model

    def shown() -> set[str]:
        return {e.row.name for e in model.entries if e.row is not None}

    with demo_db.session_factory() as s:
        catalogue = set(s.scalars(select(Provision.name)))
    empty = {r.name for r in model.snapshot.rows if not r.groups()}
    assert empty, "the demo has provisions with no group this term"
    assert shown() == {r.name for r in model.snapshot.rows} - empty
    assert screen.hide_empty_toggle.isChecked()
    qtbot.mouseClick(screen.hide_empty_toggle, Qt.MouseButton.LeftButton)
    assert empty <= shown()
    assert shown() <= catalogue
    qtbot.mouseClick(screen.hide_empty_toggle, Qt.MouseButton.LeftButton)
    assert not empty & shown()
    # Allocating to a hidden provision (by Allocate…) brings its row back.
    target = sorted(empty)[0]
    with demo_db.session_factory() as s:
        provision_id = s.scalars(select(Provision.id).where(Provision.name == target)).one()
        year = s.scalars(select(YearGroup).where(YearGroup.name == "Year 3")).one()
        pupil_id = s.scalars(select(Pupil.id).where(Pupil.year_group_id == year.id)).first()
        year_id = year.id
    screen.allocate(provision_id, year_id, [pupil_id])
    qtbot.waitUntil(lambda: target in shown(), timeout=2000)


def test_history_says_where_an_allocation_moved_in_words(demo_window, demo_db, qtbot):
    from provmap_desktop.models import GroupMembership, Provision, YearGroup
    from provmap_desktop.views.map.screen import NEW_GROUP

    with demo_db.session_factory() as s:
        phonics = s.scalars(select(Provision.id).where(Provision.name == "Phonics catch-up")).one()
        year_2 = s.scalars(select(YearGroup.id).where(YearGroup.name == "Year 2")).one()
        moving = s.scalars(
            select(GroupMembership)
            .join(ProvisionGroup)
            .where(
                ProvisionGroup.provision_id == phonics,
                ProvisionGroup.year_group_id == year_2,
                GroupMembership.leave_date.is_(None),
            )
        ).first()
        assert moving is not None
        membership_id, pupil_id = moving.id, moving.pupil_id
    screen = demo_window.screens["map"]
    screen.group_chooser = lambda choices, index, allow_new: NEW_GROUP
    assert screen.move_chips(phonics, year_2, [membership_id]) is not None
    pupils = demo_window.screens["pupils"]
    demo_window.show_screen("pupils")
    pupils.select_pupil(pupil_id)
    pane = pupils.pane
    pane.tabs.setCurrentWidget(pane.history_tab)
    table = pane.history_tab.table
    said = [table.item(r, 2).text() for r in range(table.rowCount())]
    assert not [t for t in said if "id:" in t.lower()], said
    # The move ends the allocation to the first group and starts one in the new group,
    # which is named on the split ("Group B").
    assert "Allocation to Phonics catch-up – Year 2, Group B: joined from 23/11/2026" in said
    assert "Allocation to Phonics catch-up – Year 2: Leave date: (blank) → 22/11/2026" in said
    # A change of group on the allocation itself reads as a move between named groups.
    import json

    from provmap_desktop.models import AuditEntry
    from provmap_desktop.views.pupils.records import describe_change

    with demo_db.session_factory() as s:
        first, second = s.scalars(
            select(ProvisionGroup.id)
            .where(ProvisionGroup.provision_id == phonics, ProvisionGroup.year_group_id == year_2)
            .order_by(ProvisionGroup.id)
        ).all()[:2]
        entry = AuditEntry(
            action="update",
            table_name="group_memberships",
            before_json=json.dumps({"group_id": first}),
            after_json=json.dumps({"group_id": second}),
        )
        assert describe_change(entry, s) == (
            "Allocation to Phonics catch-up – Year 2: moved from Phonics catch-up – Year 2 "
            "to Phonics catch-up – Year 2, Group B"
        )


def test_status_strip_links_open_exactly_what_they_count(demo_window, demo_db, qtbot):
    from provmap_desktop.services.pupils import section_f_gaps

    demo_window.refresh_attention()
    items = {item.screen: item for item in demo_window.attention_items}
    # Pupils has several items (plans, meeting actions): the Section F one is this test's.
    (gap,) = [i for i in demo_window.attention_items if i.target.startswith("section-f")]
    assert "Section F" in gap.text
    with demo_db.session_factory() as s:
        first = section_f_gaps(s, TODAY)[0].pupil.id
    assert f'href="{gap.link}"' in demo_window.attention_label.text()
    demo_window.attention_label.linkActivated.emit(gap.link)
    pupils = demo_window.screens["pupils"]
    assert demo_window.current_screen() is pupils
    assert pupils.pane.id == first
    assert pupils.pane.tabs.currentWidget() is pupils.pane.ehcp_tab

    over = items["costs"]
    demo_window.attention_label.linkActivated.emit(over.link)
    costs = demo_window.screens["costs"]
    assert demo_window.current_screen() is costs
    assert costs.tabs.tabText(costs.tabs.currentIndex()) == "Threshold"


def test_register_week_view_every_column_readable_at_1366(demo_window, qtbot):
    demo_window.resize(1366, 768)
    demo_window.show_screen("register")
    register = demo_window.screens["register"]
    qtbot.mouseClick(register.week_mode, Qt.MouseButton.LeftButton)
    QApplication.processEvents()
    table = register.table
    assert table.rowCount() > 5
    header = table.horizontalHeader()
    metrics = header.fontMetrics()
    for column in range(table.columnCount()):
        title = table.horizontalHeaderItem(column).text()
        # The heading is never cut ("upil"): its words fit with room to spare.
        assert table.columnWidth(column) >= metrics.horizontalAdvance(title) + 12, title
    pupils = list(map(str.strip, [table.horizontalHeaderItem(c).text() for c in range(7)]))
    assert table.columnWidth(pupils.index("Pupils")) >= 160
    assert table.horizontalScrollBar().maximum() == 0  # Status is not off to the side
    for row in range(table.rowCount()):  # nothing cut: long words are on the item's tip
        for column in (2, 3, 4, 5):
            item = table.item(row, column)
            assert item.toolTip() == item.text()


def test_review_wizard_shows_the_escalate_choices_whole(demo_window, demo_db, qtbot):
    from provmap_desktop.models import GroupMembership
    from provmap_desktop.services import review_cycle as svc
    from provmap_desktop.views.review_wizard import ESCALATE_TO, ReviewWizard

    with demo_db.session_factory() as s:
        membership_id = s.scalars(select(GroupMembership.id).order_by(GroupMembership.id)).first()
    wizard = ReviewWizard(demo_window.ctx, [membership_id], demo_window)
    qtbot.addWidget(wizard)
    wizard.show()
    page = wizard.review
    escalate = page.widget(0, ESCALATE_TO)
    escalate.setEnabled(True)
    escalate.setCurrentText(svc.ESCALATE_WAVE_3)
    QApplication.processEvents()
    text_room = page.table.columnWidth(ESCALATE_TO) - 30  # less the arrow and frame
    longest = max(escalate.fontMetrics().horizontalAdvance(c) for c in svc.ESCALATE_CHOICES)
    assert text_room >= longest
    wizard.close()


def test_split_group_chooses_who_goes_and_keeps_staff_slot_and_dates(demo_window, demo_db, qtbot):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QDialogButtonBox

    from provmap_desktop.models import GroupMembership, Provision, YearGroup
    from provmap_desktop.views.map.cell_panel import GROUP_ROLE
    from provmap_desktop.views.map.split_dialog import SplitDialog

    def cell_groups(s):  # type: ignore[no-untyped-def]
        return s.scalars(
            select(ProvisionGroup)
            .join(Provision)
            .join(YearGroup, ProvisionGroup.year_group_id == YearGroup.id)
            .where(Provision.name == "Phonics catch-up", YearGroup.name == "Year 2")
            .order_by(ProvisionGroup.id)
        ).all()

    with demo_db.session_factory() as s:
        (original,) = cell_groups(s)
        before = (
            original.staff_id,
            sorted((x.weekday, x.start_time) for x in original.slots),
            original.start_date,
            original.end_date,
        )
        assert before[1], "the demo group has a timetable slot"
        provision_id, year_id = original.provision_id, original.year_group_id
    screen = demo_window.screens["map"]
    demo_window.show_screen("map")
    index = screen.model.index(
        screen.model.row_of_provision(provision_id), screen.model.column_of_year_group(year_id)
    )
    screen.view.setCurrentIndex(index)
    panel = screen.panel
    top = panel.tree.topLevelItem(0)
    assert top.data(0, GROUP_ROLE) == original.id
    panel.tree.setCurrentItem(top)
    going: list[str] = []

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, SplitDialog):
            QTimer.singleShot(20, answer)
            return
        split = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert not split.isEnabled()  # nobody ticked yet
        dialog.list.item(0).setCheckState(Qt.CheckState.Checked)
        going.append(dialog.list.item(0).text())
        qtbot.mouseClick(split, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, answer)
    qtbot.mouseClick(panel.split_button, Qt.MouseButton.LeftButton)
    with demo_db.session_factory() as s:
        groups = cell_groups(s)
        assert len(groups) == 2
        new = groups[1]
        after = (
            new.staff_id,
            sorted((x.weekday, x.start_time) for x in new.slots),
            new.start_date,
            new.end_date,
        )
        assert after == before
        members = s.scalars(select(GroupMembership).where(GroupMembership.group_id == new.id))
        assert [m.pupil.display_name for m in members] == going
    demo_window.undo_action.trigger()
    with demo_db.session_factory() as s:
        assert len(cell_groups(s)) == 1
