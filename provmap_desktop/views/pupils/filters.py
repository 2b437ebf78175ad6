"""The filters above the pupil list: search, roll, year, class, SEN status, need, a
custom field and flags.

Each filter narrows the list at once; the screen that inherits them fills the list.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QWidget,
)
from sqlalchemy import func, select

from ...models import CustomField, Pupil, SchoolClass, YearGroup
from ...models.vocab import NEED_TYPES, SenStatus
from ...services.pupils import PupilFilter, joined_by, last_day_of_year
from ...ui.context import AppContext
from ...ui.speech import ValueLabel
from .dialogs import choice_combo
from .list_model import FLAG_NAMES

ON_ROLL, INTAKE, ARCHIVED, EVERYONE = "on_roll", "intake", "archived", "all"
ROLL_CHOICES = (
    (ON_ROLL, "On roll"),
    (INTAKE, "Next year's intake"),
    (ARCHIVED, "Archived (left)"),
    (EVERYONE, "All pupils"),
)


class PupilFilters(QWidget):
    """A widget with the pupil filters; a subclass shows the pupils they describe."""

    ctx: AppContext

    def reload(self) -> None:
        """Show the pupils the filters describe; the screen using the filters does this."""
        raise NotImplementedError

    def _build_filters(self) -> None:
        """Make the search box and the roll, year, class, SEN status and need choices."""
        self.search = QLineEdit()
        self.search.setPlaceholderText("Name or UPN")
        self.search.setAccessibleName("Search pupils by name or UPN")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda _t: self.reload())
        self.roll = choice_combo("On roll or archived", ROLL_CHOICES)
        self.year_group = choice_combo("Year group filter", [])
        self.school_class = choice_combo("Class filter", [])
        statuses = [(s.value, f"{s.value}: {s.label}") for s in SenStatus]
        self.sen_status = choice_combo("SEN status filter", [(None, "Any SEN status"), *statuses])
        needs = [(code, f"{code}: {label}") for code, label in NEED_TYPES.items()]
        self.need = choice_combo("Need type filter", [(None, "Any need"), *needs])
        self.need.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.need.setMinimumContentsLength(12)
        # A custom field: its column joins the list (to sort by), and typed words filter it.
        self.custom_field = choice_combo("Custom field to show and filter", [])
        self.custom_text = QLineEdit()
        self.custom_text.setPlaceholderText("value holds…")
        self.custom_text.setAccessibleName("Custom field value to filter by")
        self.custom_text.setClearButtonEnabled(True)
        self.custom_text.textChanged.connect(lambda _t: self.reload())
        self._fill_place_filters()
        for combo in (
            self.roll,
            self.year_group,
            self.school_class,
            self.sen_status,
            self.need,
            self.custom_field,
        ):
            combo.currentIndexChanged.connect(lambda _i: self.reload())

    def _flag_row(self) -> QHBoxLayout:
        """Make the "Only:" boxes for each pupil flag, then the count of pupils shown."""
        self.flags: dict[str, QCheckBox] = {}
        flag_row = QHBoxLayout()
        flag_row.addWidget(QLabel("Only:"))
        for field, short, words in FLAG_NAMES:
            box = QCheckBox(short)
            box.setAccessibleName(f"Only pupils with {words}")
            box.setToolTip(f"Only pupils with {words}")
            box.toggled.connect(lambda _on: self.reload())
            self.flags[field] = box
            flag_row.addWidget(box)
        flag_row.addStretch(1)
        self.count = ValueLabel()
        self.count.setAccessibleName("Number of pupils shown")
        flag_row.addWidget(self.count)
        return flag_row

    def _filter_grid(self) -> QGridLayout:
        """Set the search box and the choices out in three labelled rows."""
        grid = QGridLayout()
        grid.addWidget(self._label("Sear&ch", self.search), 0, 0)
        grid.addWidget(self.search, 0, 1, 1, 3)
        grid.addWidget(self.roll, 0, 4)
        grid.addWidget(self._label("Year", self.year_group), 1, 0)
        grid.addWidget(self.year_group, 1, 1)
        grid.addWidget(self._label("Class", self.school_class), 1, 2)
        grid.addWidget(self.school_class, 1, 3, 1, 2)
        # SEN status beside the need, not the class, so the list side fits a small screen.
        grid.addWidget(self._label("Need", self.need), 2, 0)
        grid.addWidget(self.need, 2, 1, 1, 2)
        grid.addWidget(self.sen_status, 2, 3, 1, 2)
        grid.addWidget(self._label("Field", self.custom_field), 3, 0)
        grid.addWidget(self.custom_field, 3, 1, 1, 2)
        grid.addWidget(self.custom_text, 3, 3, 1, 2)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        return grid

    @staticmethod
    def _label(text: str, buddy: QWidget) -> QLabel:
        """A label whose mnemonic moves the focus to `buddy`."""
        label = QLabel(text)
        label.setBuddy(buddy)
        return label

    def _fill_place_filters(self) -> None:
        """Offer the school's year groups and classes, keeping the ones chosen."""
        session = self.ctx.session
        years = session.execute(select(YearGroup.id, YearGroup.name).order_by(YearGroup.sort_order))
        classes = session.execute(
            select(SchoolClass.id, SchoolClass.name).order_by(SchoolClass.name)
        )
        fields = session.execute(
            select(CustomField.id, CustomField.name).order_by(
                CustomField.sort_order, CustomField.id
            )
        )
        for combo, rows, everyone in (
            (self.year_group, list(years), "All year groups"),
            (self.school_class, list(classes), "All classes"),
            (self.custom_field, list(fields), "No custom field"),
        ):
            chosen = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(everyone, None)
            for row_id, name in rows:
                combo.addItem(name, row_id)
            combo.setCurrentIndex(max(combo.findData(chosen), 0))
            combo.blockSignals(False)

    def current_filter(self) -> PupilFilter:
        """The filter the widgets describe."""
        roll = self.roll.currentData()
        chosen = {
            "year_group_ids": self.year_group.currentData(),
            "class_ids": self.school_class.currentData(),
            "sen_statuses": self.sen_status.currentData(),
            "need_codes": self.need.currentData(),
        }
        sets = {key: {value} if value is not None else set() for key, value in chosen.items()}
        flags = {field: True if box.isChecked() else None for field, box in self.flags.items()}
        return PupilFilter(
            text=self.search.text(),
            year_group_ids=sets["year_group_ids"],
            class_ids=sets["class_ids"],
            sen_statuses=sets["sen_statuses"],
            need_codes=sets["need_codes"],
            eal=flags.get("eal"),
            pupil_premium=flags.get("pupil_premium"),
            fsm=flags.get("fsm"),
            cla=flags.get("cla"),
            include_archived=roll == EVERYONE,
            archived_only=roll == ARCHIVED,
            custom_field_id=self.custom_field.currentData(),
            custom_text=self.custom_text.text(),
            # On roll: joined by the end of this year; the intake is in its own list.
            roll_day=None if roll in (EVERYONE, ARCHIVED) else self._last_day(),
            intake_only=roll == INTAKE,
        )

    def _last_day(self) -> dt.date:
        return last_day_of_year(self.ctx.session, self.ctx.today)

    def _count_text(self, shown: int, pupil_filter: PupilFilter) -> str:
        """The words under the filters: how many pupils are shown of how many there are."""
        query = select(func.count(Pupil.id))
        if pupil_filter.archived_only:
            query = query.where(Pupil.archived.is_(True))
        elif not pupil_filter.include_archived:
            query = query.where(Pupil.archived.is_(False))
        if pupil_filter.roll_day is not None:
            joined = joined_by(pupil_filter.roll_day)
            query = query.where(~joined if pupil_filter.intake_only else joined)
        total = self.ctx.session.scalar(query) or 0
        noun = "pupil" if total == 1 else "pupils"
        return f"Showing {shown} of {total} {noun}"

    def _clear_filters(self) -> None:
        """Set every choice back to its first ("all") entry and untick every flag, quietly."""
        for combo in (
            self.year_group,
            self.school_class,
            self.sen_status,
            self.need,
            self.roll,
            self.custom_field,
        ):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.custom_text.blockSignals(True)
        self.custom_text.clear()
        self.custom_text.blockSignals(False)
        for box in self.flags.values():
            box.blockSignals(True)
            box.setChecked(False)
            box.blockSignals(False)
