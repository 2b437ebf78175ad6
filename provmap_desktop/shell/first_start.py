"""First start: open the demo school, set up a new school, or restore a backup."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from ..services.school_setup import (
    PHASE_YEAR_GROUPS,
    academic_year_start_for,
    check_autumn_start,
    default_term_dates,
)
from ..ui.date_field import qdate
from ..ui.speech import ValueLabel


@dataclass
class NewSchool:
    name: str
    phase: str
    year_groups: list[str]
    start_year: int
    autumn_start: dt.date


class FirstStartDialog(QDialog):
    """Asks what to open when there is no school database yet."""

    DEMO, NEW, RESTORE = range(3)

    def __init__(self, parent: QWidget | None = None, *, problem: str | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Welcome to ProvMap")
        self.choice: int | None = None
        self.new_school: NewSchool | None = None
        self.backup_path: Path | None = None
        layout = QVBoxLayout(self)
        if problem:
            heading = "<h2>The school database could not be opened</h2>"
            question = "You can restore it from a backup, or open the demo school."
        else:
            heading = "<h2>Welcome to ProvMap</h2>"
            question = "There is no school database on this computer yet."
        intro = QLabel(f"{heading}<p>{question} What would you like to do?</p>")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.problem_label = QLabel(f"⚠ {problem}" if problem else "")
        self.problem_label.setWordWrap(True)
        self.problem_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problem_label.setVisible(bool(problem))
        layout.addWidget(self.problem_label)
        self.buttons: list[QPushButton] = []
        # Bound methods, not lambdas: a lambda holding ``self`` in a connection keeps this
        # top-level dialog alive until a later garbage collection frees it at random.
        for text, slot in (
            ("&Explore the demo school (fictional pupils)", self._choose_demo),
            ("Set up &my school…", self._choose_new),
            ("&Restore a backup…", self._choose_restore),
        ):
            button = QPushButton(text)
            self.buttons.append(button)
            button.setAccessibleName(text.replace("&", "").rstrip("…"))
            button.clicked.connect(slot)
            layout.addWidget(button)
        # Wide enough for the longest button's words with room either side (at 125 %
        # the demo button's text ran into its edges).
        widest = max(self.fontMetrics().horizontalAdvance(b.text()) for b in self.buttons)
        self.setMinimumWidth(widest + 96)
        cancel = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        cancel.rejected.connect(self.reject)
        layout.addWidget(cancel)

    def _choose_demo(self) -> None:
        self._choose(self.DEMO)

    def _choose_new(self) -> None:
        self._choose(self.NEW)

    def _choose_restore(self) -> None:
        self._choose(self.RESTORE)

    def _choose(self, choice: int) -> None:
        if choice == self.NEW:
            wizard = NewSchoolWizard(self)
            if wizard.exec() != QDialog.DialogCode.Accepted:
                return
            self.new_school = wizard.result_school()
        elif choice == self.RESTORE:
            path, _ = QFileDialog.getOpenFileName(
                self,
                "Restore from a backup",
                str(Path.home()),
                "ProvMap backups (*.provmap *.provmap-sealed *.bak);;All files (*)",
            )
            if not path:
                return
            self.backup_path = Path(path)
        self.choice = choice
        self.accept()


class NewSchoolWizard(QWizard):
    """A short wizard: the school's name, phase, year groups and first term date."""

    def __init__(self, parent: QWidget | None = None, *, today: dt.date | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Set up your school")
        today = today or dt.date.today()
        self.start_year = today.year if today.month >= 8 else today.year - 1
        page = QWizardPage()
        page.setTitle("Your school")
        page.setSubTitle("You can change all of this later in Settings.")
        form = QFormLayout(page)
        self.name_edit = QLineEdit()
        self.name_edit.setAccessibleName("School name")
        self.phase_combo = QComboBox()
        self.phase_combo.addItems(list(PHASE_YEAR_GROUPS))
        self.phase_combo.setAccessibleName("Phase")
        # The usual first weekday on or after 3 September, for the school to change.
        self.autumn_start = QDateEdit(qdate(default_term_dates(self.start_year)[0][1]))
        self.autumn_start.setDisplayFormat("dd/MM/yyyy")
        self.autumn_start.setCalendarPopup(True)
        self.autumn_start.setAccessibleName("First day of the autumn term")
        form.addRow("School &name", self.name_edit)
        form.addRow("&Phase", self.phase_combo)
        self.date_message = ValueLabel(announces=True)
        self.date_message.setWordWrap(True)
        self.date_message.setAccessibleName("Problem with the autumn term date")
        self.autumn_start.dateChanged.connect(self.date_message.clear)
        form.addRow("First day of &autumn term", self.autumn_start)
        form.addRow(self.date_message)
        page.registerField("name*", self.name_edit)
        self.addPage(page)

    def chosen_autumn_start(self) -> dt.date:
        return self.autumn_start.date().toPython()  # type: ignore[return-value]

    def validateCurrentPage(self) -> bool:
        # The same rule the school's calendar is built with, said before anything is made.
        try:
            check_autumn_start(self.chosen_autumn_start())
        except ValueError as exc:
            self.date_message.setText(f"⚠ {exc}")
            self.autumn_start.setFocus()
            return False
        self.date_message.clear()
        return super().validateCurrentPage()

    def result_school(self) -> NewSchool:
        phase = self.phase_combo.currentText()
        start = self.chosen_autumn_start()
        return NewSchool(
            name=self.name_edit.text().strip(),
            phase=phase,
            year_groups=list(PHASE_YEAR_GROUPS[phase]),
            start_year=academic_year_start_for(start),
            autumn_start=start,
        )
