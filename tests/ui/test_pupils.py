"""The Pupils screen, driven through its widgets, checked in the database file."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QPlainTextEdit
from sqlalchemy import select

from provmap_desktop.models import (
    AcademicYear,
    Ehcp,
    EhcpOutcome,
    EhcpProvisionItem,
    GroupMembership,
    Provision,
    ProvisionGroup,
    Pupil,
    PupilProfile,
    SchoolClass,
    Staff,
    YearGroup,
)
from provmap_desktop.rules.upn import make_upn
from provmap_desktop.views.pupils import list_model as cols
from provmap_desktop.views.pupils.list_model import PupilListModel

GOOD_UPN = "B801200005001"
BAD_UPN = "A801200005001"


def upn(serial: int) -> str:
    return make_upn("801", "2000", 26, serial)


def add_pupils(db) -> None:  # type: ignore[no-untyped-def]
    """Four pupils in Years 3 and 4, one with an EHC plan and a group to meet it."""
    with db.session_factory() as s:
        years = {y.name: y for y in s.scalars(select(YearGroup))}
        three = SchoolClass(name="3B", year_group=years["Year 3"])
        four = SchoolClass(name="4M", year_group=years["Year 4"])

        def pupil(n, fore, sur, year, cls, status, need=None, **flags):  # type: ignore[no-untyped-def]
            return Pupil(
                upn=upn(n),
                forename=fore,
                surname=sur,
                year_group=years[year],
                school_class=cls,
                sen_status=status,
                primary_need=need,
                **flags,
            )

        ava = pupil(1, "Ava", "Archer", "Year 3", three, "K", "SPLD", eal=True)
        ben = pupil(2, "Ben", "Brown", "Year 3", three, "E", "ASD", fsm=True)
        cal = pupil(3, "Cal", "Clark", "Year 4", four, "N")
        dee = pupil(4, "Dee", "Dunn", "Year 4", four, "K", "SEMH", pupil_premium=True, cla=True)
        s.add_all([ava, ben, cal, dee])
        s.add(PupilProfile(pupil=ava, strengths="Loves drawing"))
        staff = s.scalars(select(Staff)).one()
        pt = Provision(
            name="Precision Teaching",
            area="CL",
            wave=2,
            delivered_by_role_id=staff.role_id,
            session_minutes=10,
            sessions_per_week=3,
            group_size=4,
        )
        salt = Provision(name="Speech and language therapy", area="CI", wave=3)
        year = s.scalars(select(AcademicYear)).one()
        group = ProvisionGroup(
            provision=pt,
            academic_year=year,
            year_group=years["Year 3"],
            name="PT Y3",
            staff=staff,
            start_date=dt.date(2026, 9, 3),
            end_date=dt.date(2026, 12, 18),
        )
        s.add_all([pt, salt, group])
        joined = dt.date(2026, 9, 3)
        s.add(GroupMembership(group=group, pupil=ava, join_date=joined))
        ben_in = GroupMembership(group=group, pupil=ben, join_date=joined)
        s.add(ben_in)
        s.flush()
        plan = Ehcp(pupil=ben, issued_date=dt.date(2026, 3, 1))
        plan.outcomes = [EhcpOutcome(text="Ben will read 50 common words", sort_order=1)]
        plan.provision_items = [
            EhcpProvisionItem(
                text="30 minutes a week of precision teaching",
                minutes_per_week=30,
                provision_id=pt.id,
                membership_id=ben_in.id,
                sort_order=1,
            ),
            EhcpProvisionItem(
                text="30 minutes a week of speech and language therapy",
                minutes_per_week=30,
                provision_id=salt.id,
                sort_order=2,
            ),
        ]
        s.add(plan)
        s.commit()


@pytest.fixture
def pupils_window(qtbot, school_db):  # type: ignore[no-untyped-def]
    from provmap_desktop.shell.main_window import MainWindow

    from .conftest import TODAY

    add_pupils(school_db)
    win = MainWindow(school_db, today=TODAY)
    qtbot.addWidget(win)
    win.show()
    win.show_screen("pupils")
    return win


def screen_of(window):  # type: ignore[no-untyped-def]
    return window.screens["pupils"]


def shown_names(screen) -> list[str]:  # type: ignore[no-untyped-def]
    model = screen.model
    return [model.index(row, cols.NAME).data() for row in range(model.rowCount())]


def pupil_id(db, surname: str) -> int:  # type: ignore[no-untyped-def]
    with db.session_factory() as s:
        return s.scalars(select(Pupil.id).where(Pupil.surname == surname)).one()


def read(db, entity, key):  # type: ignore[no-untyped-def]
    with db.session_factory() as s:
        return s.get(entity, key)


def activate(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


# -- the list -------------------------------------------------------------------------


def test_search_box_and_year_group_filter_narrow_the_list(pupils_window, qtbot):
    screen = screen_of(pupils_window)
    assert screen.count.text() == "Showing 4 of 4 pupils"

    qtbot.keyClicks(screen.search, "ar")  # Archer, Clark
    assert sorted(shown_names(screen)) == ["Archer, Ava", "Clark, Cal"]
    assert screen.count.text() == "Showing 2 of 4 pupils"

    screen.search.clear()
    qtbot.keyClicks(screen.search, upn(4)[:13])
    assert shown_names(screen) == ["Dunn, Dee"]

    screen.search.clear()
    screen.year_group.setCurrentIndex(screen.year_group.findText("Year 4"))
    assert sorted(shown_names(screen)) == ["Clark, Cal", "Dunn, Dee"]
    assert screen.count.text() == "Showing 2 of 4 pupils"

    screen.flags["cla"].click()
    assert shown_names(screen) == ["Dunn, Dee"]
    screen.flags["cla"].click()
    screen.year_group.setCurrentIndex(0)
    screen.need.setCurrentIndex(screen.need.findData("ASD"))
    assert shown_names(screen) == ["Brown, Ben"]
    screen.need.setCurrentIndex(0)
    screen.sen_status.setCurrentIndex(screen.sen_status.findData("K"))
    assert sorted(shown_names(screen)) == ["Archer, Ava", "Dunn, Dee"]


def test_list_model_sorts_by_year_order_and_speaks_codes_in_words(school_db):
    add_pupils(school_db)
    with school_db.session_factory() as s:
        pupils = list(s.scalars(select(Pupil)))
        years = {y.id: (y.name, y.sort_order) for y in s.scalars(select(YearGroup))}
        classes = {c.id: c.name for c in s.scalars(select(SchoolClass))}
        model = PupilListModel()
        model.set_pupils(pupils, years, classes)
    model.sort(cols.YEAR, Qt.SortOrder.DescendingOrder)
    assert [model.index(r, cols.YEAR).data() for r in range(4)][:2] == ["Year 4", "Year 4"]
    model.sort(cols.NAME, Qt.SortOrder.DescendingOrder)
    assert model.index(0, cols.NAME).data() == "Dunn, Dee"
    model.sort(cols.SEN_STATUS, Qt.SortOrder.AscendingOrder)
    assert model.index(0, cols.NAME).data() == "Brown, Ben"  # E first
    row = model.row_of(pupil_id(school_db, "Dunn"))
    assert model.index(row, cols.FLAGS).data() == "PP CLA"
    spoken = model.index(row, cols.FLAGS).data(Qt.ItemDataRole.AccessibleTextRole)
    assert spoken == "pupil premium, looked-after child"
    need = model.index(row, cols.PRIMARY_NEED).data(Qt.ItemDataRole.AccessibleTextRole)
    assert need == "Social, emotional and mental health"


def test_global_search_opens_the_first_match(pupils_window, qtbot):
    window = pupils_window
    window.show_screen("map")
    picked: list[int] = []
    window.ctx.pupil_selected.connect(picked.append)
    qtbot.keyClicks(window.period_bar.search, "dun")
    qtbot.keyClick(window.period_bar.search, Qt.Key.Key_Return)
    screen = screen_of(window)
    assert window.current_screen() is screen
    dee = pupil_id(window.database, "Dunn")
    assert screen.pane.id == dee
    assert picked == [dee]
    assert "Dee Dunn" in screen.pane.title.text()


# -- adding, archiving ----------------------------------------------------------------


def test_add_pupil_refuses_a_bad_upn_then_adds_a_good_one(pupils_window, qtbot, school_db):
    screen = screen_of(pupils_window)
    dialog = screen.open_add_dialog()
    qtbot.keyClicks(dialog.upn, BAD_UPN)
    qtbot.keyClicks(dialog.forename, "Eve")
    qtbot.keyClicks(dialog.surname, "Evans")
    qtbot.keyClicks(dialog.date_of_birth, "14/02/2018")
    dialog.year_group.setCurrentIndex(dialog.year_group.findText("Year 3"))
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert "wrong check letter" in dialog.message.text()
    assert "start with B" in dialog.message.text()
    assert dialog.isVisible()
    with school_db.session_factory() as s:
        assert s.scalars(select(Pupil).where(Pupil.surname == "Evans")).first() is None

    dialog.upn.clear()
    qtbot.keyClicks(dialog.upn, GOOD_UPN.lower())
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    with school_db.session_factory() as s:
        eve = s.scalars(select(Pupil).where(Pupil.upn == GOOD_UPN)).one()
        assert (eve.forename, eve.date_of_birth) == ("Eve", dt.date(2018, 2, 14))
        assert eve.year_group.name == "Year 3"
    assert screen.pane.id == eve.id
    assert screen.count.text() == "Showing 5 of 5 pupils"

    pupils_window.undo_action.trigger()
    assert read(school_db, Pupil, eve.id) is None


def test_add_pupil_needs_both_names_and_a_unique_upn(pupils_window, qtbot):
    dialog = screen_of(pupils_window).open_add_dialog()
    qtbot.keyClicks(dialog.upn, upn(1))
    qtbot.keyClicks(dialog.forename, "Ava")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert "already belongs to Ava Archer" in dialog.message.text()
    dialog.upn.setText(GOOD_UPN)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert "forename and the surname" in dialog.message.text()


def test_archive_hides_the_pupil_and_restore_brings_them_back(pupils_window, school_db):
    screen = screen_of(pupils_window)
    cal = pupil_id(school_db, "Clark")
    screen.select_pupil(cal)
    dialog = screen.open_archive_dialog()
    dialog.date_edit.setText("20/11/2026")
    dialog.accept()
    saved = read(school_db, Pupil, cal)
    assert saved.archived
    assert saved.leaving_date == dt.date(2026, 11, 20)
    assert "Clark, Cal" not in shown_names(screen)
    assert screen.count.text() == "Showing 3 of 3 pupils"

    screen.roll.setCurrentIndex(screen.roll.findText("Archived (left)"))
    assert shown_names(screen) == ["Clark, Cal (left)"]
    screen.table.selectRow(0)
    assert screen.restore_button.isEnabled()
    screen.restore_button.click()
    assert not read(school_db, Pupil, cal).archived
    assert read(school_db, Pupil, cal).leaving_date is None

    pupils_window.undo_action.trigger()  # the restore
    assert read(school_db, Pupil, cal).archived
    pupils_window.undo_action.trigger()  # the archive
    assert not read(school_db, Pupil, cal).archived


def test_archive_dialog_refuses_a_date_it_cannot_read(pupils_window, school_db):
    screen = screen_of(pupils_window)
    screen.select_pupil(pupil_id(school_db, "Clark"))
    dialog = screen.open_archive_dialog()
    dialog.date_edit.setText("31/02/2026")
    dialog.accept()
    assert "dd/mm/yyyy" in dialog.message.text()
    assert not read(school_db, Pupil, pupil_id(school_db, "Clark")).archived


# -- the pane -------------------------------------------------------------------------


def test_profile_field_saved_on_leaving_it_and_undone(pupils_window, qtbot, school_db):
    screen = screen_of(pupils_window)
    activate(pupils_window, qtbot)
    dee = pupil_id(school_db, "Dunn")
    screen.select_pupil(dee)
    edit = screen.pane.profile_tab.text_edits["important_to_me"]
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus)
    qtbot.keyClicks(edit, "My dog Biscuit")
    assert read(school_db, PupilProfile, dee) is None  # nothing saved while typing
    qtbot.keyClick(edit, Qt.Key.Key_Tab)  # leave the box
    assert read(school_db, PupilProfile, dee).important_to_me == "My dog Biscuit"
    assert read(school_db, PupilProfile, dee).updated_on == pupils_window.today

    pupils_window.undo_action.trigger()
    assert read(school_db, PupilProfile, dee) is None
    assert edit.toPlainText() == ""
    pupils_window.redo_action.trigger()
    assert read(school_db, PupilProfile, dee).important_to_me == "My dog Biscuit"
    assert edit.toPlainText() == "My dog Biscuit"


def test_detail_edits_are_checked_before_saving(pupils_window, qtbot, school_db):
    screen = screen_of(pupils_window)
    ava = pupil_id(school_db, "Archer")
    screen.select_pupil(ava)
    tab = screen.pane.profile_tab
    fields = {b.field: b.widget for b in tab.bindings}

    fields["upn"].setText(BAD_UPN)
    fields["upn"].editingFinished.emit()
    assert "wrong check letter" in screen.pane.message.text()
    assert read(school_db, Pupil, ava).upn == upn(1)
    assert fields["upn"].text() == upn(1)

    fields["surname"].setText("  ")
    fields["surname"].editingFinished.emit()
    assert "Surname cannot be blank" in screen.pane.message.text()

    fields["date_of_birth"].setText("2017-13-01")
    fields["date_of_birth"].editingFinished.emit()
    assert "dd/mm/yyyy" in screen.pane.message.text()
    fields["date_of_birth"].setText("05/06/2017")
    fields["date_of_birth"].editingFinished.emit()
    assert read(school_db, Pupil, ava).date_of_birth == dt.date(2017, 6, 5)

    fields["fsm"].click()
    assert read(school_db, Pupil, ava).fsm
    pupils_window.undo_action.trigger()
    assert not read(school_db, Pupil, ava).fsm
    assert not fields["fsm"].isChecked()


def test_section_f_item_with_no_current_allocation_is_flagged_in_words(
    pupils_window, qtbot, school_db
):
    screen = screen_of(pupils_window)
    screen.select_pupil(pupil_id(school_db, "Brown"))
    pane = screen.pane
    pane.tabs.setCurrentWidget(pane.ehcp_tab)
    items = pane.ehcp_tab.items
    assert items.rowCount() == 2
    assert items.item(0, 2).text().startswith("✓ Matched: Precision Teaching")
    flagged = items.item(1, 2)
    assert flagged.text() == "⚠ Not matched: Not linked to any allocation."
    assert not flagged.icon().isNull()  # an icon as well as the words
    assert pane.ehcp_tab.outcomes.item(0).text() == "Ben will read 50 common words"

    items.selectRow(1)
    assert pane.ehcp_tab.item_status.text().startswith("⚠ Not matched")
    pane.ehcp_tab.link_button.click()  # no current speech and language group
    assert "no current allocation" in pane.message.text()


def test_link_to_current_allocation_uses_the_pupils_group(pupils_window, school_db):
    screen = screen_of(pupils_window)
    ben = pupil_id(school_db, "Brown")
    screen.select_pupil(ben)
    tab = screen.pane.ehcp_tab
    screen.pane.tabs.setCurrentWidget(tab)
    tab.items.selectRow(1)
    pt = tab.item_provision.findText("Precision Teaching")
    tab.item_provision.setCurrentIndex(pt)
    tab.item_provision.activated.emit(pt)
    tab.link_button.click()
    with school_db.session_factory() as s:
        item = s.scalars(select(EhcpProvisionItem).order_by(EhcpProvisionItem.sort_order)).all()[1]
        membership = s.get(GroupMembership, item.membership_id)
        assert membership.pupil_id == ben
    assert tab.items.item(1, 2).text().startswith("✓ Matched")


def test_removing_a_section_f_item_is_undone_with_its_id_and_link(pupils_window, school_db):
    screen = screen_of(pupils_window)
    screen.select_pupil(pupil_id(school_db, "Brown"))
    tab = screen.pane.ehcp_tab
    screen.pane.tabs.setCurrentWidget(tab)
    with school_db.session_factory() as s:
        first = s.scalars(select(EhcpProvisionItem).order_by(EhcpProvisionItem.sort_order)).first()
        item_id, linked = first.id, first.membership_id
    tab.items.selectRow(0)
    tab.remove_item_button.click()
    assert read(school_db, EhcpProvisionItem, item_id) is None
    assert tab.items.rowCount() == 1

    pupils_window.undo_action.trigger()
    back = read(school_db, EhcpProvisionItem, item_id)
    assert back is not None
    assert back.membership_id == linked
    assert tab.items.rowCount() == 2
    assert tab.items.item(0, 2).text().startswith("✓ Matched")


def test_a_plan_review_before_its_issue_date_is_refused_in_words(pupils_window, school_db):
    screen = screen_of(pupils_window)
    ben = pupil_id(school_db, "Brown")
    screen.select_pupil(ben)
    tab = screen.pane.ehcp_tab
    screen.pane.tabs.setCurrentWidget(tab)
    review = next(b.widget for b in tab.bindings if b.field == "next_review_date")
    review.setText("01/02/2026")
    review.editingFinished.emit()
    assert "before the plan was issued (01/03/2026)" in screen.pane.message.text()
    with school_db.session_factory() as s:
        assert s.scalars(select(Ehcp).where(Ehcp.pupil_id == ben)).one().next_review_date is None
    assert review.text() == ""


def test_add_ehc_plan_when_status_is_e(pupils_window, school_db):
    screen = screen_of(pupils_window)
    cal = pupil_id(school_db, "Clark")
    screen.select_pupil(cal)
    pane = screen.pane
    status = pane.sen_tab.status
    pane.tabs.setCurrentWidget(pane.sen_tab)
    position = status.findData("E")
    status.setCurrentIndex(position)
    status.activated.emit(position)
    assert read(school_db, Pupil, cal).sen_status == "E"
    pane.tabs.setCurrentWidget(pane.ehcp_tab)
    assert pane.ehcp_tab.add_plan_button.isVisibleTo(pane)
    pane.ehcp_tab.add_plan_button.click()
    with school_db.session_factory() as s:
        assert s.scalars(select(Ehcp).where(Ehcp.pupil_id == cal)).one() is not None
    assert pane.ehcp_tab.plan_box.isVisibleTo(pane)
    pane.ehcp_tab.add_outcome()
    with school_db.session_factory() as s:
        plan = s.scalars(select(Ehcp).where(Ehcp.pupil_id == cal)).one()
        assert [o.text for o in plan.outcomes] == ["New outcome"]


def test_provision_tab_lists_allocations_with_the_pupils_share_of_cost(pupils_window, school_db):
    screen = screen_of(pupils_window)
    ava = pupil_id(school_db, "Archer")
    screen.select_pupil(ava)
    tab = screen.pane.provision_tab
    screen.pane.tabs.setCurrentWidget(tab)
    assert tab.table.rowCount() == 1
    assert tab.table.item(0, 0).text() == "2026/27"
    assert tab.table.item(0, 1).text().startswith("Precision Teaching")
    assert "Mrs Ahmed" in tab.table.item(0, 2).text()
    assert tab.table.item(0, 3).text() == "03/09/2026 to\n18/12/2026"
    assert tab.table.item(0, 4).text() == "3 × 10 min a week"
    # Worked by hand: the group runs Thursday 03/09 to Friday 18/12/2026 around the
    # half-term week 26/10-30/10, so 2 + 14 x 5 = 72 teaching days = 14.4 teaching
    # weeks. Mrs Ahmed at £18.00 an hour: £18.00 x 10 / 60 = £3.00 a session;
    # £3.00 x 3 a week x 14.4 weeks = £129.60 for the group, shared by Ava and Ben,
    # both there throughout: £64.80 each.
    assert tab.table.item(0, 5).text() == "£64.80"


def test_history_tab_lists_an_edit_just_made(pupils_window, qtbot, school_db):
    screen = screen_of(pupils_window)
    cal = pupil_id(school_db, "Clark")
    screen.select_pupil(cal)
    forename = next(b.widget for b in screen.pane.profile_tab.bindings if b.field == "forename")
    forename.setText("Callum")
    forename.editingFinished.emit()
    assert read(school_db, Pupil, cal).forename == "Callum"
    pane = screen.pane
    pane.tabs.setCurrentWidget(pane.history_tab)
    table = pane.history_tab.table
    assert table.rowCount() >= 2  # the insert and the edit
    assert table.item(0, 1).text() == "Changed"
    assert table.item(0, 2).text() == "Details: Forename: Cal → Callum"
    stamp = dt.datetime.strptime(table.item(0, 0).text(), "%d/%m/%Y %H:%M")
    assert stamp.date() == dt.date.today()
    assert "Clark, Callum" in shown_names(screen)


def test_every_input_on_the_screen_has_an_accessible_name(pupils_window, school_db):
    screen = screen_of(pupils_window)
    screen.select_pupil(pupil_id(school_db, "Brown"))
    inputs = [
        w for kind in (QLineEdit, QPlainTextEdit, QComboBox) for w in screen.findChildren(kind)
    ]
    assert len(inputs) > 30
    assert [w for w in inputs if not w.accessibleName()] == []
    boxes = screen.findChildren(QCheckBox)
    assert boxes
    assert all(box.accessibleName() or box.text() for box in boxes)


def test_tab_goes_from_the_filters_to_the_list(pupils_window):
    screen = screen_of(pupils_window)
    order = []
    widget = screen.search
    for _ in range(14):
        order.append(widget)
        widget = widget.nextInFocusChain()
        while not widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
            widget = widget.nextInFocusChain()
    expected = [screen.search, screen.roll, screen.year_group, screen.school_class]
    expected += [screen.sen_status, screen.need, screen.custom_field, screen.custom_text]
    expected += [*screen.flags.values(), screen.table]
    expected += [screen.add_button]
    assert order[: len(expected)] == expected


def test_sorting_by_a_header_keeps_the_chosen_pupil_chosen(pupils_window, school_db):
    screen = screen_of(pupils_window)
    cal = pupil_id(school_db, "Clark")
    screen.select_pupil(cal)
    screen.table.sortByColumn(cols.NAME, Qt.SortOrder.DescendingOrder)
    assert shown_names(screen) == ["Dunn, Dee", "Clark, Cal", "Brown, Ben", "Archer, Ava"]
    selected = screen.table.selectionModel().selectedRows()
    assert [screen.model.pupil_id(index.row()) for index in selected] == [cal]
    screen.search.setText("e")  # Dee, Ben, Archer: the new list keeps the order chosen
    assert shown_names(screen) == ["Dunn, Dee", "Brown, Ben", "Archer, Ava"]


def test_a_name_too_long_or_an_impossible_birth_date_is_refused_wherever_typed(
    pupils_window, qtbot, school_db
):
    screen = screen_of(pupils_window)
    ava = pupil_id(school_db, "Archer")
    screen.select_pupil(ava)
    fields = {b.field: b.widget for b in screen.pane.profile_tab.bindings}

    fields["surname"].setText("A" * 101)
    fields["surname"].editingFinished.emit()
    assert "at most 100" in screen.pane.message.text()
    assert read(school_db, Pupil, ava).surname == "Archer"

    tomorrow = dt.date.today() + dt.timedelta(days=1)
    fields["date_of_birth"].setText(f"{tomorrow:%d/%m/%Y}")
    fields["date_of_birth"].editingFinished.emit()
    assert "in the future" in screen.pane.message.text()
    fields["date_of_birth"].setText("01/01/1990")
    fields["date_of_birth"].editingFinished.emit()
    assert "more than 25 years ago" in screen.pane.message.text()
    assert read(school_db, Pupil, ava).date_of_birth != dt.date(1990, 1, 1)

    dialog = screen.open_add_dialog()
    qtbot.keyClicks(dialog.upn, GOOD_UPN)
    qtbot.keyClicks(dialog.forename, "Eve")
    qtbot.keyClicks(dialog.surname, "E" * 101)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert "at most 100" in dialog.message.text()
    assert dialog.isVisible()
    dialog.surname.setText("Evans")
    qtbot.keyClicks(dialog.date_of_birth, "01/01/1990")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert "more than 25 years ago" in dialog.message.text()
    assert dialog.isVisible()
    with school_db.session_factory() as s:
        assert s.scalars(select(Pupil).where(Pupil.upn == GOOD_UPN)).first() is None


def test_the_pupil_record_itself_refuses_a_long_name_and_a_future_birth_date():
    from provmap_desktop.rules.pupil_rules import PupilRuleError

    with pytest.raises(PupilRuleError, match="at most 100"):
        Pupil(upn=GOOD_UPN, forename="F" * 101, surname="Evans")
    with pytest.raises(PupilRuleError, match="in the future"):
        Pupil(upn=GOOD_UPN, forename="Eve", surname="Evans", date_of_birth=dt.date(2999, 1, 1))
