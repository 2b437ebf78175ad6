"""Dialogs of the Pupils screen: adding a pupil, and recording that a pupil has left.

Both are opened with ``open()`` (window-modal, not blocking), check what was typed
before they close (a new pupil by the pupil rules of ``domain.pupils``), and say what
is wrong in a line inside the dialog, so nothing is saved until the values are right.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from ...domain import pupils as domain_pupils
from ...services.formatting import format_date, parse_date
from ...ui.speech import ValueLabel

GENDERS: tuple[tuple[str, str], ...] = (("", "Not recorded"), ("F", "Female"), ("M", "Male"))
GENDERS_ALL: tuple[tuple[str, str], ...] = (*GENDERS, ("X", "Other"))


@dataclass(frozen=True)
class NewPupil:
    """The checked values of a pupil to add."""

    upn: str
    forename: str
    surname: str
    date_of_birth: dt.date | None
    gender: str
    year_group_id: int | None
    class_id: int | None


def read_date(text: str, what: str) -> dt.date | None:
    """An optional date typed as dd/mm/yyyy: ``None`` when blank, ``ValueError`` if wrong."""
    if not text.strip():
        return None
    try:
        return parse_date(text)
    except ValueError:
        raise ValueError(
            f"{what}: '{text.strip()}' is not a date; type it as dd/mm/yyyy."
        ) from None


def choice_combo(name: str, choices: Sequence[tuple[object, str]]) -> QComboBox:
    combo = QComboBox()
    combo.setAccessibleName(name)
    for value, label in choices:
        combo.addItem(label, value)
    return combo


class AddPupilDialog(QDialog):
    """Asks for a new pupil's UPN, names, date of birth, gender, year group and class."""

    def __init__(
        self,
        session: Session,
        year_groups: Sequence[tuple[int | None, str]],
        classes: Sequence[tuple[int | None, str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.result_value: NewPupil | None = None
        self.setWindowTitle("Add a pupil")
        self.upn = self._line("&UPN", "13 characters, e.g. B801200005001")
        self.forename = self._line("&Forename", "Legal forename (required)")
        self.surname = self._line("&Surname", "Legal surname (required)")
        self.date_of_birth = self._line("&Date of birth", "dd/mm/yyyy")
        self.gender = choice_combo("Gender", GENDERS_ALL)
        self.year_group = choice_combo("Year group", [(None, "(none)"), *year_groups])
        self.school_class = choice_combo("Class", [(None, "(none)"), *classes])
        self.message = ValueLabel(announces=True)
        self.message.setWordWrap(True)
        self.message.setAccessibleName("What needs correcting")

        form = QFormLayout()
        for label, widget in (
            ("&UPN", self.upn),
            ("&Forename", self.forename),
            ("&Surname", self.surname),
            ("&Date of birth", self.date_of_birth),
            ("&Gender", self.gender),
            ("&Year group", self.year_group),
            ("&Class", self.school_class),
        ):
            form.addRow(label, widget)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("&Add pupil")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def _line(self, label: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setAccessibleName(label.replace("&", ""))
        edit.setPlaceholderText(placeholder)
        return edit

    def checked_values(self) -> NewPupil:
        """The values typed, checked by the pupil rules; ``ValueError`` saying what is wrong."""
        values = domain_pupils.check_new(
            self.session,
            upn=self.upn.text(),
            forename=self.forename.text(),
            surname=self.surname.text(),
            date_of_birth=read_date(self.date_of_birth.text(), "Date of birth"),
            gender=self.gender.currentData(),
            year_group_id=self.year_group.currentData(),
            class_id=self.school_class.currentData(),
        )
        return NewPupil(**{name: values[name] for name in NewPupil.__dataclass_fields__})

    def accept(self) -> None:
        try:
            self.result_value = self.checked_values()
        except ValueError as exc:
            self.message.setText(str(exc))
            return
        super().accept()


class ArchiveDialog(QDialog):
    """Confirms that a pupil has left and asks the leaving date."""

    def __init__(
        self,
        pupil_name: str,
        today: dt.date,
        on_roll_date: dt.date | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.on_roll_date = on_roll_date
        self.leaving: dt.date | None = None
        self.setWindowTitle(f"{pupil_name} has left")
        intro = QLabel(
            f"Archive {pupil_name}? Their records are kept but hidden from day-to-day "
            "lists; choose “Archived” in the list to find and restore them. "
            "Edit ▸ Undo also brings them back."
        )
        intro.setWordWrap(True)
        self.date_edit = QLineEdit(format_date(today))
        self.date_edit.setAccessibleName("Leaving date")
        self.date_edit.setPlaceholderText("dd/mm/yyyy")
        self.message = ValueLabel(announces=True)
        self.message.setWordWrap(True)
        self.message.setAccessibleName("What needs correcting")
        form = QFormLayout()
        form.addRow("&Leaving date", self.date_edit)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Archive")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def accept(self) -> None:
        try:
            leaving = read_date(self.date_edit.text(), "Leaving date")
        except ValueError as exc:
            self.message.setText(str(exc))
            return
        if leaving is None:
            self.message.setText("Type the date the pupil left, as dd/mm/yyyy.")
            return
        if self.on_roll_date is not None and leaving < self.on_roll_date:
            self.message.setText(
                f"The leaving date is before the pupil joined ({format_date(self.on_roll_date)})."
            )
            return
        self.leaving = leaving
        super().accept()
