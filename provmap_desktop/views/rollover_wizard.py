"""File → Start a new academic year…: the year-end rollover, previewed page by page.

1. **Options**: the new autumn term's first day and what happens to classes.
2. **Pupils**: who moves up, who leaves and is archived, and next year's intake.
3. **Groups**: the groups that can carry on, as a tick list (EHC plan provision ticked).
4. **Confirm**: the whole preview in words (terms, classes, staff rates); the button
   starts the new year, all or nothing, after an automatic copy of the file.
5. **Done**: what happened, and where last year is now (read-only, in the year list).

Nothing changes before the Confirm page's button. Afterwards Edit → Undo offers "Undo
start of 2027/28", which swaps the copy taken first back in (``shell.year_start_undo``);
the copy is also in File → Automatic backups….
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QGridLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from ..domain import DomainError, rollover
from ..domain.rollover import RolloverDone, RolloverPreview
from ..storage import StorageError
from ..ui.context import AppContext
from ..ui.date_field import DateField, qdate
from ..ui.speech import ValueLabel

OPTIONS, PUPILS, GROUPS, CONFIRM, DONE = range(5)


def _list(name: str, rows: list[str]) -> QListWidget:
    """A read-only list a keyboard user can Tab into and scroll."""
    widget = QListWidget()
    widget.setAccessibleName(name)
    widget.addItems(rows or ["(none)"])
    return widget


def _labelled(layout: QGridLayout, column: int, text: str, widget: QWidget) -> None:
    label = QLabel(text)
    label.setBuddy(widget)
    layout.addWidget(label, 0, column)
    layout.addWidget(widget, 1, column)


class RolloverWizard(QWizard):
    """Preview the rollover into ``to_label`` and, when confirmed, make it."""

    def __init__(self, ctx: AppContext, to_label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.to_label = to_label
        self.plan: RolloverPreview = rollover.preview(ctx.session, to_label)
        self.outcome: RolloverDone | None = None
        self.setWindowTitle(f"Start {to_label}")
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.setPage(OPTIONS, self._options_page())
        self.setPage(PUPILS, QWizardPage())
        self.setPage(GROUPS, QWizardPage())
        self.setPage(CONFIRM, QWizardPage())
        self.setPage(DONE, QWizardPage())
        self.page(CONFIRM).setCommitPage(True)
        self.page(CONFIRM).setButtonText(QWizard.WizardButton.CommitButton, f"&Start {to_label}")
        self.setMinimumSize(720, 480)
        self.resize(900, 580)

    # -- pages ------------------------------------------------------------------------

    def _options_page(self) -> QWizardPage:
        page = QWizardPage()
        page.setTitle(f"Moving from {self.plan.from_label} to {self.to_label}")
        page.setSubTitle(
            "Nothing changes until you confirm on the last page. A copy of the file is taken first."
        )
        form = QFormLayout(page)
        self.autumn_start = DateField(qdate(self.plan.autumn_start))
        self.autumn_start.setCalendarPopup(True)
        self.autumn_start.setAccessibleName("First day of the new autumn term")
        self.autumn_start.setEnabled(not self.plan.terms_already_set)
        form.addRow("First day of &autumn term", self.autumn_start)
        self.keep_classes = QRadioButton("&Keep class names with their year group")
        self.move_classes = QRadioButton("Mo&ve each class up with its pupils")
        self.keep_classes.setChecked(True)
        choice = QButtonGroup(page)
        for button in (self.keep_classes, self.move_classes):
            choice.addButton(button)
        form.addRow("Classes", self.keep_classes)
        form.addRow("", self.move_classes)
        self.problem = ValueLabel(announces=True)
        self.problem.setWordWrap(True)
        self.problem.setAccessibleName("Problem with these choices")
        form.addRow(self.problem)
        return page

    def initializePage(self, page_id: int) -> None:
        builders = {
            PUPILS: self._fill_pupils,
            GROUPS: self._fill_groups,
            CONFIRM: self._fill_confirm,
            DONE: self._fill_done,
        }
        if page_id in builders:
            page = self.page(page_id)
            old = page.layout()
            if old is not None:
                QWidget().setLayout(old)  # hand the old layout and widgets away
            builders[page_id](page)
        super().initializePage(page_id)

    def _fill_pupils(self, page: QWizardPage) -> None:
        plan = self.plan
        page.setTitle("Who moves up, who leaves")
        page.setSubTitle(
            f"{len(plan.moving_up)} pupils move up a year group. Leavers are archived: "
            "kept, with last year's records, but no longer on roll."
        )
        grid = QGridLayout(page)
        moving = [
            f"{m.pupil.name}: {m.from_year_group or 'none'} to {m.pupil.year_group_name or 'none'}"
            for m in plan.moving_up
        ]
        leaving = [f"{p.name} ({p.year_group_name or 'no year group'})" for p in plan.leavers]
        intake = [f"{p.name}, joins {p.year_group_name or 'no year group'}" for p in plan.intake]
        self.moving_list = _list("Pupils moving up", moving)
        self.leaving_list = _list("Pupils leaving", leaving)
        self.intake_list = _list("Next year's intake", intake)
        _labelled(grid, 0, f"Moving &up ({len(moving)})", self.moving_list)
        _labelled(grid, 1, f"&Leaving and archived ({len(leaving)})", self.leaving_list)
        _labelled(grid, 2, f"Next year's &intake ({len(intake)})", self.intake_list)

    def _fill_groups(self, page: QWizardPage) -> None:
        page.setTitle("Which groups carry on")
        page.setSubTitle(
            "Groups running this term with pupils who stay. Ticked groups carry on into "
            f"{self.to_label} with those pupils; EHC plan provision is ticked to begin with."
        )
        layout = QVBoxLayout(page)
        self.group_list = QListWidget()
        self.group_list.setAccessibleName("Groups: ticked ones carry on")
        for choice in self.plan.groups:
            item = QListWidgetItem(choice.describe())
            item.setData(Qt.ItemDataRole.UserRole, choice.group_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            ticked = (
                choice.carry_by_default
                if self._ticked is None
                else (choice.group_id in self._ticked)
            )
            item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
            self.group_list.addItem(item)
        if not self.plan.groups:
            self.group_list.addItem("(no group runs into the summer with a pupil who stays)")
        label = QLabel("&Groups (Space ticks or unticks)")
        label.setBuddy(self.group_list)
        layout.addWidget(label)
        layout.addWidget(self.group_list)

    _ticked: set[int] | None = None

    def carried(self) -> set[int]:
        """The groups ticked to carry on (the defaults before the page is seen)."""
        if not hasattr(self, "group_list"):
            return self.plan.carried_by_default
        found = set()
        for row in range(self.group_list.count()):
            item = self.group_list.item(row)
            group_id = item.data(Qt.ItemDataRole.UserRole)
            if group_id is not None and item.checkState() == Qt.CheckState.Checked:
                found.add(int(group_id))
        return found

    def _fill_confirm(self, page: QWizardPage) -> None:
        self._ticked = self.carried()
        page.setTitle(f"Start {self.to_label}")
        page.setSubTitle(
            f"{self.plan.from_label} then becomes read-only: its map, costs, registers and "
            "reviews stay as they are, to look back on and print."
        )
        layout = QVBoxLayout(page)
        self.summary = QPlainTextEdit("\n".join(self.plan.lines(self._ticked, names=False)))
        self.summary.setReadOnly(True)
        self.summary.setTabChangesFocus(True)
        self.summary.setAccessibleName("What will happen")
        label = QLabel("Su&mmary")
        label.setBuddy(self.summary)
        self.confirm_problem = ValueLabel(announces=True)
        self.confirm_problem.setWordWrap(True)
        self.confirm_problem.setAccessibleName("Why the new year was not started")
        layout.addWidget(label)
        layout.addWidget(self.summary)
        layout.addWidget(self.confirm_problem)

    def _fill_done(self, page: QWizardPage) -> None:
        page.setTitle(f"The school is now in {self.to_label}")
        layout = QVBoxLayout(page)
        counts = self.outcome.counts if self.outcome else {}
        lines = [f"{n} {what}" for what, n in counts.items()]
        text = (
            f"Done: {', '.join(lines)}.\n\n{self.plan.from_label} is read-only. Choose it "
            "under Academic year to look back at its map, costs, registers and reviews."
        )
        if self.outcome is not None and self.outcome.backup is not None:
            text += (
                f"\n\nA copy of the file as it was is kept in {self.outcome.backup}. "
                f"Edit → Undo start of {self.to_label} puts the school back as it was, "
                "while nothing else has changed."
            )
        message = ValueLabel(text)
        message.setWordWrap(True)
        message.setAccessibleName("The new year has started")
        layout.addWidget(message)
        layout.addStretch(1)

    # -- checks and the work ----------------------------------------------------------

    def chosen_classes(self) -> str:
        return "move" if self.move_classes.isChecked() else "keep"

    def chosen_autumn_start(self) -> dt.date | None:
        if self.plan.terms_already_set:
            return None
        return self.autumn_start.date().toPython()  # type: ignore[return-value]

    def validateCurrentPage(self) -> bool:
        if self.currentId() == OPTIONS:
            return self._preview_again()
        if self.currentId() == CONFIRM:
            return self._start()
        return super().validateCurrentPage()

    def _preview_again(self) -> bool:
        try:
            self.plan = rollover.preview(
                self.ctx.session,
                self.to_label,
                autumn_start=self.chosen_autumn_start(),
                classes=self.chosen_classes(),
            )
        except DomainError as exc:
            self.problem.setText(f"⚠ {exc}")
            self.autumn_start.setFocus()
            return False
        self.problem.clear()
        return True

    def _start(self) -> bool:
        try:
            self.outcome = rollover.run(
                self.ctx.session,
                self.to_label,
                today=self.ctx.today,
                database_path=self.ctx.database.path,
                autumn_start=self.chosen_autumn_start(),
                classes=self.chosen_classes(),
                carry=self._ticked,
            )
        except (DomainError, StorageError, OSError) as exc:
            self.confirm_problem.setText(f"⚠ The new year was not started: {exc}")
            return False
        self.ctx.undo_stack.clear()
        return True
