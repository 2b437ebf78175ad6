"""The Planning screen's tabs: needs, the gap analysis, cost, and staff and training.

Each tab shows a part of ``services.planning.Plan``; the tables are read-only except
the needs planned by hand and each person's contracted hours, which save at once and
can be undone.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from ..domain import planning as planning_writes
from ..domain.change import Kind
from ..models import PlannedNeed, SchoolClass, Staff, YearGroup
from ..models.planning import NeedGrade
from ..models.vocab import AREA_LABELS, NEED_TYPES
from ..services.planning import Plan
from ..services.planning import text as plan_text
from ..services.planning.deployment import Deployment, format_minutes
from ..ui.context import AppContext
from ..ui.entity_table import Column, EntityTableModel, install_delegates
from .costs_panels import SummaryTableModel, table_view


def sections_html(sections: list[plan_text.Section]) -> str:
    """Sections as headings, a line on what each means, and bulleted lines."""
    parts = []
    for section in sections:
        lines = section.lines or ["None found."]
        items = "".join(f"<li>{escape(line)}</li>" for line in lines)
        parts.append(
            f"<h3>{escape(section.heading)} ({len(section.lines)})</h3>"
            f"<p><i>{escape(section.about)}</i></p><ul>{items}</ul>"
        )
    return "".join(parts)


def text_view(name: str) -> QTextBrowser:
    """A read-only text pane reached by Tab, read by screen readers."""
    view = QTextBrowser()
    view.setAccessibleName(name)
    view.setOpenLinks(False)
    view.setTabChangesFocus(True)
    return view


def edit_table(model: EntityTableModel, name: str, on_refused: Callable[[str], Any]) -> QTableView:
    """An editable table: Tab leaves it, arrows move, F2 or typing edits."""
    view = QTableView()
    view.setModel(model)
    view.setAccessibleName(name)
    view.setTabKeyNavigation(False)
    view.verticalHeader().setVisible(False)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    model.edit_refused.connect(on_refused)
    install_delegates(view, model)
    return view


class NeedsTab(QWidget):
    """Projected needs by year group, and the needs planned by hand (editable)."""

    def __init__(self, ctx: AppContext, year_label: Callable[[], str], refused: Any) -> None:
        super().__init__()
        self.ctx = ctx
        self.year_label = year_label
        self.model = SummaryTableModel(plan_text.NEEDS_HEADERS, numeric=range(1, 8))
        self.table = table_view(self.model, "Projected needs by year group")
        self.table.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents
        )
        self.pupils_label = QLabel()
        self.pupils_label.setWordWrap(True)
        self.planned_model = EntityTableModel(
            ctx, PlannedNeed, self._columns(), self._planned, Kind.PLANNING, "planned need",
            update=planning_writes.update_planned_need,
        )  # fmt: skip
        self.planned_table = edit_table(self.planned_model, "Needs planned by hand", refused)
        self.add_button = QPushButton("Add planned &need")
        self.add_button.setAccessibleName("Add planned need")
        self.remove_button = QPushButton("Remove planned need")
        self.remove_button.setAccessibleName("Remove the chosen planned need")
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(QLabel("Needs planned by hand (type in the table to change one):"))
        lower_layout.addWidget(self.planned_table, 1)
        lower_layout.addLayout(buttons)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(lower)
        for part in (self.table, self.planned_table):
            part.setMinimumHeight(60)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pupils_label)
        layout.addWidget(split, 1)

    def _columns(self) -> list[Column]:
        session = self.ctx.session

        def year_groups() -> list[tuple[Any, str]]:
            query = select(YearGroup.id, YearGroup.name).order_by(YearGroup.sort_order)
            return [(i, n) for i, n in session.execute(query)]

        def classes() -> list[tuple[Any, str]]:
            query = select(SchoolClass.id, SchoolClass.name).order_by(SchoolClass.name)
            return [(None, "Whole year group"), *((i, n) for i, n in session.execute(query))]

        areas = [(a.value, label) for a, label in AREA_LABELS.items()]
        types = [(None, "Any"), *NEED_TYPES.items()]
        grades = [(g.value, g.label) for g in NeedGrade]
        return [
            Column("year_group_id", "Year group", "choice", choices=year_groups),
            Column("class_id", "Class", "choice", choices=classes),
            Column("area", "Area of need", "choice", choices=lambda: areas),
            Column("need_type", "Need type", "choice", choices=lambda: types),
            Column("pupils", "Pupils", "int"),
            Column("grade", "Grade", "choice", choices=lambda: grades),
            Column("note", "Note"),
        ]

    def _planned(self) -> list[PlannedNeed]:
        query = (
            select(PlannedNeed)
            .join(YearGroup)
            .where(PlannedNeed.academic_year_label == self.year_label())
            .order_by(YearGroup.sort_order, PlannedNeed.id)
        )
        return list(self.ctx.session.scalars(query))

    def show_plan(self, plan: Plan) -> None:
        """Fill the tables from ``plan``."""
        self.model.set_rows(plan_text.needs_rows(plan))
        who = (
            "this year's pupils moved up a year group, less leavers, plus intake"
            if plan.scope.is_next
            else "the pupils on roll now"
        )
        self.pupils_label.setText(
            f"{len(plan.scope.pupils)} pupils expected in {plan.label}: {who}. "
            "C&I, C&L, SEMH, S&P: pupils with a need in each area."
        )
        self.planned_model.reload()

    def chosen_need_id(self) -> int | None:
        """The planned need whose row is current, if any."""
        index = self.planned_table.currentIndex()
        if not index.isValid() or index.row() >= len(self.planned_model.rows):
            return None
        return int(self.planned_model.rows[index.row()].id)  # type: ignore[attr-defined]


class CostTab(QWidget):
    """The plan's cost by funding stream against the budgets."""

    def __init__(self) -> None:
        super().__init__()
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.model = SummaryTableModel(plan_text.COST_HEADERS, numeric=(1, 2))
        self.table = table_view(self.model, "Cost against budget")
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.table, 1)

    def show_plan(self, plan: Plan) -> None:
        self.note.setText(plan_text.cost_note(plan))
        self.model.set_rows(plan_text.cost_rows(plan))


class StaffTab(QWidget):
    """Each person's planned time by day against their contracted hours (editable),
    the timetable clashes, and the training the plan needs."""

    def __init__(self, ctx: AppContext, refused: Any) -> None:
        super().__init__()
        self.ctx = ctx
        self.people: dict[int, Deployment] = {}
        self.model = EntityTableModel(
            ctx, Staff, self._columns(), self._staff, Kind.SETTINGS, "member of staff",
            update=lambda s, key, _f, value: planning_writes.set_intervention_hours(s, key, value),
        )  # fmt: skip
        self.table = edit_table(self.model, "Staff deployment", refused)
        self.notes = text_view("Timetable clashes and training needed")
        self.training_row = TrainingRow()
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.notes)
        for part in (self.table, self.notes):
            part.setMinimumHeight(60)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel("Contracted hours for intervention work a week: type them as 12:30 or 12.5.")
        )
        layout.addWidget(split, 1)
        layout.addWidget(self.training_row)

    def _staff(self) -> list[Staff]:
        query = select(Staff).where(Staff.active.is_(True)).order_by(Staff.name)
        return list(self.ctx.session.scalars(query))

    def _figure(self, index: int) -> Callable[[Any], str]:
        def show(staff_id: Any) -> str:
            person = self.people.get(int(staff_id))
            if person is None:
                return "" if index < 7 else "no groups planned"
            return plan_text.staff_row(person)[index + 2]

        return show

    def _columns(self) -> list[Column]:
        def hours(minutes: Any) -> str:
            if minutes is None:
                return ""
            return f"{minutes // 60}:{minutes % 60:02d}"

        figures = [
            Column("id", header, editable=False, display=self._figure(n))
            for n, header in enumerate(plan_text.STAFF_HEADERS[2:])
        ]
        return [
            Column("name", "Member of staff", editable=False),
            Column("intervention_minutes", "Contracted (h:mm)", display=hours),
            *figures,
        ]

    def show_plan(self, plan: Plan) -> None:
        self.people = {p.staff_id: p for p in plan.deployment}
        self.model.reload()
        self.notes.setHtml(sections_html(plan_text.staff_sections(plan)))

    def planned_text(self, staff_id: int) -> str:
        """One person's planned time, for tests and speech."""
        person = self.people.get(staff_id)
        return format_minutes(person.planned) if person else ""


class TrainingRow(QWidget):
    """Record that someone has a training, or that a provision needs one."""

    def __init__(self) -> None:
        super().__init__()
        self.staff_combo = QComboBox()
        self.staff_combo.setAccessibleName("Member of staff trained")
        self.training_combo = QComboBox()
        self.training_combo.setEditable(True)
        self.training_combo.setMinimumWidth(180)
        self.training_combo.setAccessibleName("Training (choose or type a new one)")
        self.record_button = QPushButton("Record &training")
        self.record_button.setAccessibleName("Record that this member of staff has this training")
        self.provision_combo = QComboBox()
        self.provision_combo.setAccessibleName("Provision")
        self.needs_button = QPushButton("Provision needs this training")
        self.needs_button.setAccessibleName("Record that this provision needs this training")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (
            QLabel("Training:"), self.training_combo, self.staff_combo, self.record_button,
            self.provision_combo, self.needs_button,
        ):  # fmt: skip
            layout.addWidget(widget)
        layout.addStretch(1)

    def fill(
        self, staff: list[tuple[int, str]], trainings: list[str], provisions: list[tuple[int, str]]
    ) -> None:
        """The choices, keeping what is chosen where it is still there."""
        for combo, items in ((self.staff_combo, staff), (self.provision_combo, provisions)):
            chosen = combo.currentData()
            combo.clear()
            for key, name in items:
                combo.addItem(name, key)
            combo.setCurrentIndex(max(combo.findData(chosen), 0))
        typed = self.training_combo.currentText()
        self.training_combo.clear()
        self.training_combo.addItems(trainings)
        self.training_combo.setCurrentText(typed)
