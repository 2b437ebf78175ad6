"""The Pupils screen: a filtered, sortable list of pupils and the pupil pane beside it.

Filters and the search box narrow the list at once ("Showing 45 of 210 pupils").
Adding a pupil, recording that a pupil has left (archive) and bringing them back
(restore) are saved at once and can be undone. Choosing a pupil tells every screen
(``ctx.pupil_selected``) and opens their record in the pane.
"""

from __future__ import annotations

import datetime as dt
from itertools import pairwise

from PySide6.QtCore import QItemSelection, Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from ...domain import custom_fields
from ...domain import pupils as domain_pupils
from ...domain.change import Changed, Kind
from ...models import CustomField, Pupil, SchoolClass, YearGroup
from ...services.pupils import PupilFilter, custom_values, find_pupils
from ...ui.context import AppContext
from ...ui.edits import DomainEdit, EditRefused, perform
from ...ui.printing import Printable
from ...ui.speech import ValueLabel
from . import list_model as cols
from .actions import PupilActions
from .dialogs import AddPupilDialog, ArchiveDialog
from .due_lists import (
    DueListDialog,
    actions_due_dialog,
    annual_review_steps_dialog,
    plans_due_dialog,
)
from .filters import INTAKE, PupilFilters
from .list_model import PupilListModel
from .list_table import PupilTable
from .pane import PupilPane
from .widgets import KIND

#: The lists the status strip opens, by the key of its link.
DUE_LISTS = {
    "plans-due": plans_due_dialog,
    "actions-due": actions_due_dialog,
    "annual-reviews-due": annual_review_steps_dialog,
}


class PupilsScreen(PupilFilters):
    """The filtered pupil list beside the chosen pupil's record."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        """Build the list side and the pupil pane in a splitter, and fill the list."""
        super().__init__(parent)
        self.ctx = ctx
        self.add_dialog: AddPupilDialog | None = None
        self.archive_dialog: ArchiveDialog | None = None
        self.due_dialog: DueListDialog | None = None
        self.message = ValueLabel(announces=True)
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Pupils message")
        self.message.hide()

        self.model = PupilListModel()
        self.table = PupilTable(self.model)
        self.table.setAccessibleName("Pupils")
        self.table.setTabKeyNavigation(False)  # Tab leaves the list; arrows move
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(cols.YEAR, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)

        self.pane = PupilPane(ctx)
        splitter = QSplitter()
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self._list_side())
        splitter.addWidget(self.pane)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        # Below this width the pane's fields would be cut off at the right.
        self.pane.setMinimumWidth(600)
        # The list starts a little wider than the pane: at 1366 wide every column of the
        # list then fits, class names whole, and the pane keeps more than its minimum.
        splitter.setSizes([700, 640])
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(splitter, 1)

        ctx.data_changed.connect(self._on_data_changed)
        ctx.pupil_selected.connect(self._pupil_picked_elsewhere)
        self.reload()

    # -- building -------------------------------------------------------------------

    def _list_side(self) -> QWidget:
        """Stack the filters, the list, the roll buttons and the pupil actions, in Tab order."""
        self._build_filters()
        flag_row = self._flag_row()
        grid = self._filter_grid()
        buttons = self._roll_buttons()
        side = QWidget()
        layout = QVBoxLayout(side)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(grid)
        layout.addLayout(flag_row)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        # Print, export, import and erase: their own module adds a row of buttons.
        self.pupil_actions = PupilActions(self)
        layout.addWidget(self.pupil_actions.bar)
        # Tab runs through the filters, then the list, then the actions under it.
        chain = [self.search, self.roll, self.year_group, self.school_class, self.sen_status]
        chain += [self.need, self.custom_field, self.custom_text]
        chain += [*self.flags.values(), self.table, self.add_button]
        chain += [self.archive_button, self.restore_button]
        for before, after in pairwise(chain):
            QWidget.setTabOrder(before, after)
        return side

    def _roll_buttons(self) -> QHBoxLayout:
        """Make the Add pupil, Pupil has left and Restore to roll buttons, in a row."""
        self.add_button = QPushButton("&Add pupil…")
        self.add_button.clicked.connect(self.open_add_dialog)
        self.archive_button = QPushButton("Pupil has &left…")
        self.archive_button.clicked.connect(self.open_archive_dialog)
        self.restore_button = QPushButton("&Restore to roll")
        self.restore_button.clicked.connect(self.restore_selected)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.archive_button, self.restore_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        return buttons

    # -- the list -------------------------------------------------------------------

    def reload(self) -> None:
        """Run the filter again, keeping the chosen pupil chosen if still shown."""
        session = self.ctx.session
        pupil_filter = self.current_filter()
        pupils = find_pupils(session, pupil_filter)
        years = {
            row_id: (name, order)
            for row_id, name, order in session.execute(
                select(YearGroup.id, YearGroup.name, YearGroup.sort_order)
            )
        }
        classes = dict(session.execute(select(SchoolClass.id, SchoolClass.name)).all())
        shown = self.pane.id
        self.table.selectionModel().blockSignals(True)
        self.model.set_pupils(pupils, years, classes, self._custom_column(pupil_filter))
        self.table.selectionModel().blockSignals(False)
        # The list never scrolls sideways: a custom field's column takes the UPN's
        # place (the UPN stays in the pupil pane's heading and in the search).
        self.table.setColumnHidden(cols.UPN, self.model.custom_header is not None)
        self._fit_columns()
        self.count.setText(self._count_text(len(pupils), pupil_filter))
        if shown is not None:
            self._select_row_of(shown)
        self._update_buttons()

    def _custom_column(
        self, pupil_filter: PupilFilter
    ) -> tuple[str, dict[int, tuple[str, str]]] | None:
        """The chosen custom field's name and each pupil's value (shown, sort key)."""
        field_id = pupil_filter.custom_field_id
        field = self.ctx.session.get(CustomField, field_id) if field_id is not None else None
        if field is None:
            return None
        values = custom_values(self.ctx.session, field.id)
        return field.name, {
            pupil_id: (custom_fields.shown_value(field, stored), stored)
            for pupil_id, stored in values.items()
        }

    def _fit_columns(self) -> None:
        """Each column as wide as its contents; the class column takes what is left."""
        self.table.fit_columns()

    def _select_row_of(self, pupil_id: int) -> bool:
        """Choose and show the row of `pupil_id`; False when the pupil is not listed."""
        row = self.model.row_of(pupil_id)
        if row is None:
            self.table.clearSelection()
            return False
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        return True

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        """Open the pupil chosen in the list."""
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        pupil_id = self.model.pupil_id(rows[0].row())
        if pupil_id != self.pane.id:
            self.select_pupil(pupil_id)

    def select_pupil(self, pupil_id: int) -> None:
        """Show ``pupil_id`` in the pane, choose their row if listed, and tell other screens."""
        self.pane.show_pupil(pupil_id)
        self._select_row_of(pupil_id)
        self._update_buttons()
        self.ctx.pupil_selected.emit(pupil_id)

    def _pupil_picked_elsewhere(self, pupil_id: int) -> None:
        """Follow a pupil chosen on another screen."""
        if pupil_id != self.pane.id:
            self.select_pupil(pupil_id)

    def show_target(self, target: str) -> None:
        """From the status strip: "section-f:ID" opens that pupil's EHC plan tab;
        "plans-due", "actions-due" and "annual-reviews-due" open the list of pupils with
        those due."""
        kind, _, key = target.partition(":")
        if kind == "section-f" and key.isdigit():
            self.search_for("", focus=False)
            self.select_pupil(int(key))
            self.pane.tabs.setCurrentWidget(self.pane.ehcp_tab)
        elif kind in DUE_LISTS:
            self.open_due_list(kind)

    def open_due_list(self, kind: str) -> DueListDialog:
        """Open the list of plans to review ("plans-due"), actions due ("actions-due") or
        annual review steps due ("annual-reviews-due"); Open shows the pupil's tab."""
        tabs = {
            "plans-due": self.pane.plan_tab,
            "actions-due": self.pane.meetings_tab,
            "annual-reviews-due": self.pane.ehcp_tab,
        }
        tab = tabs[kind]
        make = DUE_LISTS[kind]

        def open_pupil(pupil_id: int) -> None:
            self.search_for("", focus=False)
            self.select_pupil(pupil_id)
            self.pane.tabs.setCurrentWidget(tab)

        if self.due_dialog is not None:
            self.due_dialog.close()
        self.due_dialog = make(self.ctx, open_pupil, self)
        self.due_dialog.show()
        return self.due_dialog

    def printable(self) -> Printable | None:
        """File → Print…: the chosen pupil's one-page profile, for the parent meeting; on
        the Plan tab the plan for the family, on the Meetings tab the meeting record."""
        pupil = self.pane.pupil()
        if pupil is None:
            return None
        tab = self.pane.tabs.currentWidget()
        if tab is self.pane.plan_tab and self.pane.plan_tab.plan() is not None:
            return Printable(f"plan of {pupil.display_name}", self.pane.plan_tab.write_family_pdf)
        if tab is self.pane.meetings_tab:
            return Printable(
                f"meetings about {pupil.display_name}", self.pane.meetings_tab.write_record_pdf
            )
        from ...reports.profile_pdf import write_profile_pdf

        ctx = self.ctx
        return Printable(
            f"profile of {pupil.display_name}",
            lambda path: write_profile_pdf(ctx.session, path, [pupil], today=ctx.today),
        )

    def search_for(self, text: str, *, focus: bool = True) -> None:
        """Find pupils from the global search box: any year, class or need, on roll; or,
        when no pupil on roll matches, in next year's intake."""
        self._clear_filters()
        self.search.setText(text.strip())  # reloads
        if text.strip() and not self.model.rowCount():
            self.roll.setCurrentIndex(self.roll.findData(INTAKE))  # reloads
            if not self.model.rowCount():
                self.roll.setCurrentIndex(0)
        if self.model.rowCount() and self.model.pupil_id(0) != self.pane.id:
            self.select_pupil(self.model.pupil_id(0))
        if focus:
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def _update_buttons(self) -> None:
        """Offer archiving to a pupil on roll and restoring to one who has left."""
        pupil = self.pane.pupil()
        self.archive_button.setEnabled(pupil is not None and not pupil.archived)
        self.restore_button.setEnabled(pupil is not None and pupil.archived)

    def _on_data_changed(self, changed: Changed) -> None:
        """Refill the filters and the list when pupils or settings change."""
        if changed.touches(KIND, Kind.SETTINGS):
            self._fill_place_filters()
            self.reload()

    # -- adding, archiving, restoring -------------------------------------------------

    def open_add_dialog(self) -> AddPupilDialog:
        """Open the Add pupil dialog; the pupil is added when it is accepted."""
        session = self.ctx.session
        years = session.execute(select(YearGroup.id, YearGroup.name).order_by(YearGroup.sort_order))
        classes = session.execute(
            select(SchoolClass.id, SchoolClass.name).order_by(SchoolClass.name)
        )
        dialog = AddPupilDialog(
            session, [(r[0], r[1]) for r in years], [(r[0], r[1]) for r in classes], self
        )
        dialog.accepted.connect(lambda: self._add_pupil(dialog))
        self.add_dialog = dialog
        dialog.open()
        return dialog

    def _add_pupil(self, dialog: AddPupilDialog) -> None:
        """Add the pupil the dialog describes, on roll from today, and choose them."""
        values = dialog.result_value
        if values is None:
            return
        name = f"{values.forename} {values.surname}"
        edit = DomainEdit(
            self.ctx,
            f"add pupil {name}",
            lambda session: domain_pupils.add(
                session,
                upn=values.upn,
                forename=values.forename,
                surname=values.surname,
                date_of_birth=values.date_of_birth,
                gender=values.gender,
                year_group_id=values.year_group_id,
                class_id=values.class_id,
                on_roll_date=self.ctx.today,
            ),
        )
        if self._perform(edit) and isinstance(edit.change, domain_pupils.PupilAdded):
            self.select_pupil(edit.change.pupil_id)

    def open_archive_dialog(self) -> ArchiveDialog | None:
        """Ask for the leaving date of the chosen pupil on roll."""
        pupil = self.pane.pupil()
        if pupil is None or pupil.archived:
            return None
        dialog = ArchiveDialog(pupil.display_name, self.ctx.today, pupil.on_roll_date, self)
        dialog.accepted.connect(lambda: self._archive(pupil.id, dialog.leaving))
        self.archive_dialog = dialog
        dialog.open()
        return dialog

    def _archive(self, pupil_id: int, leaving: dt.date | None) -> None:
        """Record that the pupil left on `leaving`."""
        pupil = self.ctx.session.get(Pupil, pupil_id)
        if pupil is None or leaving is None:
            return
        label = f"archive {pupil.display_name} (left {leaving:%d/%m/%Y})"
        self._perform(
            DomainEdit(
                self.ctx, label, lambda session: domain_pupils.archive(session, pupil_id, leaving)
            )
        )

    def restore_selected(self) -> None:
        """Bring the chosen pupil who has left back onto the roll."""
        pupil = self.pane.pupil()
        if pupil is None or not pupil.archived:
            return
        pupil_id = pupil.id
        label = f"restore {pupil.display_name} to the roll"
        self._perform(
            DomainEdit(self.ctx, label, lambda session: domain_pupils.restore(session, pupil_id))
        )

    def _perform(self, command: DomainEdit) -> bool:
        """Run an edit; show its refusal, if any, and say whether it was made."""
        try:
            perform(self.ctx, command)
        except EditRefused as exc:
            self.message.setText(str(exc))
            self.message.show()
            return False
        self.message.hide()
        return True
