"""Shared pieces of the pupil pane: bound fields, the base tab, the profile and SEN tabs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from ...domain.change import Kind
from ...models import Pupil, SchoolClass, YearGroup
from ...models.pupils import PROFILE_FIELDS
from ...models.vocab import NEED_TYPES, SenStatus
from ...services.formatting import format_date
from .dialogs import GENDERS_ALL, choice_combo, read_date
from .list_model import FLAG_NAMES

if TYPE_CHECKING:
    from .pane import PupilPane


KIND = Kind.PUPILS


#: Profile boxes reached straight from the keyboard (Alt+W on the Pupils screen).
ACCESS_KEYS = {"important_to_me": "&What is important to me"}


def plain(label: str) -> str:
    return label.replace("&", "")


class CommitTextEdit(QPlainTextEdit):
    """A multi-line box that says when the user has finished with it (focus left)."""

    committed = Signal()

    def __init__(self, name: str, height: int = 64) -> None:
        super().__init__()
        self.setAccessibleName(name)
        self.setTabChangesFocus(True)  # Tab moves on, as in every other field
        self.setFixedHeight(height)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.committed.emit()


# -- reading and writing widget values -------------------------------------------------


def widget_value(widget: QWidget) -> Any:
    if isinstance(widget, QLineEdit):
        return widget.text()
    if isinstance(widget, QComboBox):
        return widget.currentData()
    if isinstance(widget, QCheckBox):
        return widget.isChecked()
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText()
    raise TypeError(widget)


def show_value(widget: QWidget, value: Any) -> None:
    if isinstance(widget, QLineEdit):
        widget.setText(format_date(value) if isinstance(value, dt.date) else str(value or ""))
        widget.setCursorPosition(0)
    elif isinstance(widget, QComboBox):
        widget.setCurrentIndex(max(widget.findData(value), 0))
    elif isinstance(widget, QCheckBox):
        widget.setChecked(bool(value))
    elif isinstance(widget, QPlainTextEdit) and widget.toPlainText() != (value or ""):
        # Setting the same text would move the cursor to the start while typing.
        widget.setPlainText(value or "")


def when_finished(widget: QWidget, slot: Callable[[], None]) -> None:
    """Call ``slot`` when the user (never the program) has finished changing ``widget``."""
    if isinstance(widget, QLineEdit):
        widget.editingFinished.connect(slot)
    elif isinstance(widget, QComboBox):
        widget.activated.connect(lambda _i: slot())
    elif isinstance(widget, QCheckBox):
        widget.clicked.connect(lambda _on: slot())
    elif isinstance(widget, CommitTextEdit):
        widget.committed.connect(slot)


@dataclass
class Binding:
    """One field of the pupil (or of their profile or plan) shown in one widget."""

    target: str  # "pupil", "profile" or "ehcp"
    field: str
    label: str
    widget: QWidget
    parse: Callable[[Any], Any] = lambda raw: raw


class BoundTab(QScrollArea):
    """A tab of fields that scrolls down, never sideways, and saves each field it holds."""

    def __init__(self, pane: PupilPane) -> None:
        super().__init__()
        self.pane = pane
        self.bindings: list[Binding] = []
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.body = QWidget()
        self.setWidget(self.body)

    def bind(self, binding: Binding) -> QWidget:
        if not binding.widget.accessibleName():
            binding.widget.setAccessibleName(plain(binding.label))
        self.bindings.append(binding)
        when_finished(binding.widget, lambda: self.pane.save(binding))
        return binding.widget

    def load(self, pupil: Pupil) -> None:
        for binding in self.bindings:
            row = self.pane.target_row(binding.target, pupil)
            show_value(binding.widget, getattr(row, binding.field) if row is not None else None)


class ProfileTab(BoundTab):
    """Basic details and the one-page profile."""

    def __init__(self, pane: PupilPane) -> None:
        super().__init__(pane)
        details = QGroupBox("Details")
        left, right = QFormLayout(), QFormLayout()
        for form, rows in (
            (
                left,
                [
                    ("F&orename", self._line("forename", "Forename")),
                    ("S&urname", self._line("surname", "Surname")),
                    ("&Preferred name", self._line("preferred_name", "Preferred name")),
                    ("UP&N", self._line("upn", "UPN")),
                ],
            ),
            (
                right,
                [
                    ("Date of &birth", self._line("date_of_birth", "Date of birth", self._date)),
                    ("Gen&der", self._combo("gender", "Gender", GENDERS_ALL)),
                    ("Year &group", self._combo("year_group_id", "Year group", [])),
                    ("Cla&ss", self._combo("class_id", "Class", [])),
                ],
            ),
        ):
            for label, widget in rows:
                form.addRow(label, widget)
        flags = QHBoxLayout()
        for field, short, words in FLAG_NAMES:
            box = QCheckBox(short)
            box.setToolTip(words.capitalize())
            self.bind(Binding("pupil", field, f"{short} ({words})", box))
            flags.addWidget(box)
        flags.addStretch(1)
        grid = QVBoxLayout(details)
        columns = QHBoxLayout()
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        grid.addLayout(columns)
        grid.addLayout(flags)

        profile = QGroupBox("One-page profile")
        form = QFormLayout(profile)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        self.text_edits: dict[str, CommitTextEdit] = {}
        for field, label in PROFILE_FIELDS:
            edit = CommitTextEdit(plain(label))
            self.text_edits[field] = edit
            # The box most often typed into before a parent meeting has its own key.
            caption = QLabel(ACCESS_KEYS.get(field, label))
            caption.setBuddy(edit)
            form.addRow(caption, self.bind(Binding("profile", field, plain(label), edit)))
        self.updated = QLabel()
        form.addRow(self.updated)
        from .custom_fields_group import CustomFieldsGroup

        self.custom_fields = CustomFieldsGroup(pane)
        layout = QVBoxLayout(self.body)
        layout.addWidget(details)
        layout.addWidget(profile)
        layout.addWidget(self.custom_fields)

    def _line(self, field: str, label: str, parse: Callable[[Any], Any] | None = None) -> QWidget:
        binding = Binding("pupil", field, label, QLineEdit())
        if parse is not None:
            binding.parse = parse
        if field == "date_of_birth":
            binding.widget.setPlaceholderText("dd/mm/yyyy")  # type: ignore[attr-defined]
        return self.bind(binding)

    def _combo(self, field: str, label: str, choices: Any) -> QWidget:
        return self.bind(Binding("pupil", field, label, choice_combo(label, choices)))

    @staticmethod
    def _date(text: str) -> dt.date | None:
        return read_date(text, "Date of birth")

    def load(self, pupil: Pupil) -> None:
        session = self.pane.ctx.session
        years = session.scalars(select(YearGroup).order_by(YearGroup.sort_order))
        classes = session.scalars(select(SchoolClass).order_by(SchoolClass.name))
        for binding in self.bindings:
            if binding.field in ("year_group_id", "class_id"):
                combo = binding.widget
                assert isinstance(combo, QComboBox)
                combo.clear()
                combo.addItem("(none)", None)
                rows = years if binding.field == "year_group_id" else classes
                for row in rows:
                    combo.addItem(row.name, row.id)
        super().load(pupil)
        stamp = pupil.profile.updated_on if pupil.profile else None
        self.updated.setText(f"Profile last updated {format_date(stamp)}" if stamp else "")
        self.custom_fields.load(pupil)


class SenTab(BoundTab):
    """SEN status, primary and secondary need, start date and notes."""

    def __init__(self, pane: PupilPane) -> None:
        super().__init__(pane)
        needs = [(None, "(none)")] + [
            (code, f"{code}: {label}") for code, label in NEED_TYPES.items()
        ]
        statuses = [(s.value, f"{s.value}: {s.label}") for s in SenStatus]
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        outer = QVBoxLayout(self.body)
        outer.addLayout(form)
        outer.addStretch(1)  # keep the fields together at the top
        self.status = choice_combo("SEN status", statuses)
        form.addRow(
            "SEN &status", self.bind(Binding("pupil", "sen_status", "SEN status", self.status))
        )
        primary = choice_combo("Primary need", needs)
        form.addRow(
            "&Primary need", self.bind(Binding("pupil", "primary_need", "primary need", primary))
        )
        secondary = choice_combo("Secondary need", needs)
        binding = Binding("pupil", "secondary_need", "secondary need", secondary)
        form.addRow("Secon&dary need", self.bind(binding))
        start = QLineEdit()
        start.setPlaceholderText("dd/mm/yyyy")
        binding = Binding(
            "pupil",
            "sen_start_date",
            "SEN start date",
            start,
            lambda t: read_date(t, "SEN start date"),
        )
        form.addRow("SEN start da&te", self.bind(binding))
        notes = CommitTextEdit("SEN notes", 140)
        form.addRow("N&otes", self.bind(Binding("pupil", "sen_notes", "SEN notes", notes)))
        for combo in (primary, secondary):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(20)
