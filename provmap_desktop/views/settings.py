"""Settings: the school's details, its term dates, staff roles and rates, staff, funding
and the custom pupil fields."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain import funding, staff
from ..domain import school as school_rules
from ..domain.change import Change, Changed, Kind
from ..models import FundingBudget, FundingStream, SchoolSettings, Staff, StaffRole, Term
from ..models.vocab import FundingKind
from ..services.formatting import format_money, parse_money
from ..ui.context import AppContext
from ..ui.edits import DomainEdit, EditRefused, perform
from ..ui.entity_table import Column, EntityTableModel, install_delegates
from ..ui.speech import ValueLabel
from .custom_fields_box import CustomFieldsBox

KIND = Kind.SETTINGS


def _hours(minutes: Any) -> str:
    """Minutes a week as h:mm ("12:30"), blank when not set."""
    return "" if minutes is None else f"{minutes // 60}:{minutes % 60:02d}"


class SettingsScreen(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.message = ValueLabel(announces=True)
        self.message.setAccessibleName("Settings message")
        self.message.setWordWrap(True)
        self.fields: dict[str, QLineEdit | QSpinBox] = {}

        content = QWidget()
        layout = QVBoxLayout(content)
        layout.addWidget(self._school_box())
        layout.addWidget(self._terms_box())
        layout.addWidget(self._roles_box())
        layout.addWidget(self._staff_box())
        layout.addWidget(self._funding_box())
        self.custom_fields_box = CustomFieldsBox(ctx, self.show_message)
        layout.addWidget(self.custom_fields_box)
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.addWidget(self.message)
        outer.addWidget(scroll, 1)
        ctx.data_changed.connect(self._on_data_changed)
        ctx.period_changed.connect(self.terms_model.reload)
        ctx.period_changed.connect(self.budgets_model.reload)
        self._load_school()

    # -- school details -------------------------------------------------------------

    def _school_box(self) -> QGroupBox:
        box = QGroupBox("School")
        form = QFormLayout(box)
        specs: list[tuple[str, str, str]] = [
            ("name", "School &name", "text"),
            ("urn", "&URN", "text"),
            ("la_number", "&LA number", "text"),
            ("phase", "&Phase", "text"),
            ("teaching_weeks_per_year", "Teaching &weeks per year", "int"),
            ("sen_threshold", "Per-pupil SEN cost &threshold (£)", "money"),
            ("near_threshold_margin", "‘Near the threshold’ ma&rgin (£)", "money"),
            ("rag_green", "Delivery &green from (%)", "int"),
            ("rag_amber", "Delivery am&ber from (%)", "int"),
        ]
        for field, label, kind in specs:
            widget: QLineEdit | QSpinBox
            if kind == "int":
                widget = QSpinBox()
                widget.setRange(1, 100 if field.startswith("rag") else 52)
                widget.editingFinished.connect(lambda f=field: self._save_field(f))
            else:
                widget = QLineEdit()
                widget.editingFinished.connect(lambda f=field: self._save_field(f))
            widget.setAccessibleName(label.replace("&", ""))
            self.fields[field] = widget
            form.addRow(label, widget)
        return box

    def _load_school(self) -> None:
        school = self.ctx.session.get(SchoolSettings, 1)
        if school is None:
            return
        for field, widget in self.fields.items():
            value = getattr(school, field)
            if isinstance(widget, QSpinBox):
                widget.setValue(int(value))
            elif isinstance(value, Decimal):
                widget.setText(format_money(value).replace("£", ""))
            else:
                widget.setText(str(value))

    def _save_field(self, field: str) -> None:
        school = self.ctx.session.get(SchoolSettings, 1)
        widget = self.fields[field]
        if school is None:
            return
        value: Any
        try:
            if isinstance(widget, QSpinBox):
                value = widget.value()
            elif isinstance(getattr(school, field), Decimal):
                value = parse_money(widget.text())
            else:
                value = widget.text().strip()
        except ValueError as exc:
            self.show_message(str(exc))
            self._load_school()
            return
        if value == getattr(school, field):
            return
        label = f"change {field.replace('_', ' ')}"
        self._perform(label, lambda session: school_rules.update_school(session, field, value))

    # -- tables ---------------------------------------------------------------------

    def _table(self, model: EntityTableModel, name: str) -> QTableView:
        view = QTableView()
        view.setModel(model)
        view.setAccessibleName(name)
        view.setTabKeyNavigation(False)  # Tab leaves; arrows move, F2 edits
        view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        view.verticalHeader().setVisible(False)
        view.setMinimumHeight(160)
        model.edit_refused.connect(self.show_message)
        install_delegates(view, model)
        return view

    def _terms_box(self) -> QGroupBox:
        box = QGroupBox("Term dates for the chosen academic year")
        columns = [
            Column("name", "Term", editable=False),
            Column("start_date", "Starts", "date"),
            Column("end_date", "Ends", "date"),
            Column("half_term_start", "Half-term from", "date"),
            Column("half_term_end", "Half-term to", "date"),
        ]
        self.terms_model = EntityTableModel(
            self.ctx, Term, columns, self._terms, KIND, "term", update=school_rules.update_term
        )
        layout = QVBoxLayout(box)
        layout.addWidget(self._table(self.terms_model, "Term dates"))
        return box

    def _terms(self) -> list[Term]:
        if self.ctx.academic_year_id is None:
            return []
        query = select(Term).where(Term.academic_year_id == self.ctx.academic_year_id)
        return list(self.ctx.session.scalars(query.order_by(Term.start_date)))

    def _table_box(
        self,
        box: QGroupBox,
        model: EntityTableModel,
        name: str,
        button_text: str,
        on_add: Any,
        *extra: QTableView,
    ) -> QGroupBox:
        add = QPushButton(button_text)
        add.clicked.connect(on_add)
        layout = QVBoxLayout(box)
        layout.addWidget(self._table(model, name))
        for view in extra:
            layout.addWidget(view)
        row = QHBoxLayout()
        row.addWidget(add)
        row.addStretch(1)
        layout.addLayout(row)
        return box

    def _roles_box(self) -> QGroupBox:
        box = QGroupBox("Staff roles and hourly costs (salary plus on-costs)")
        columns = [
            Column("name", "Role"),
            Column("hourly_cost", "Hourly cost", "money"),
            Column("external", "External agency", "bool"),
        ]
        self.roles_model = EntityTableModel(
            self.ctx,
            StaffRole,
            columns,
            lambda: list(self.ctx.session.scalars(select(StaffRole).order_by(StaffRole.name))),
            KIND,
            "role",
            update=staff.update_role,
        )
        return self._table_box(box, self.roles_model, "Staff roles", "Add r&ole", self._add_role)

    def _staff_box(self) -> QGroupBox:
        box = QGroupBox("Staff (a rate here overrides the role's rate)")

        def roles() -> list[tuple[Any, str]]:
            query = select(StaffRole).order_by(StaffRole.name)
            return [(r.id, r.name) for r in self.ctx.session.scalars(query)]

        columns = [
            Column("name", "Name"),
            Column("role_id", "Role", "choice", choices=roles),
            Column("hourly_cost_override", "Own hourly cost", "money"),
            Column("active", "Active", "bool"),
            Column("intervention_minutes", "Intervention hours a week (h:mm)", display=_hours),
        ]
        self.staff_model = EntityTableModel(
            self.ctx,
            Staff,
            columns,
            lambda: list(self.ctx.session.scalars(select(Staff).order_by(Staff.name))),
            KIND,
            "staff member",
            update=staff.update_staff,
        )
        return self._table_box(box, self.staff_model, "Staff", "Add &staff member", self._add_staff)

    def _add_role(self) -> None:
        self._perform("add staff role", lambda session: staff.add_role(session))

    def _add_staff(self) -> None:
        self._perform("add staff member", lambda session: staff.add_staff(session))

    def _funding_box(self) -> QGroupBox:
        box = QGroupBox("Funding streams, and their budgets for the chosen academic year")
        kinds = [
            (FundingKind.NOTIONAL_SEN.value, "Notional SEN budget"),
            (FundingKind.PUPIL_PREMIUM.value, "Pupil premium"),
            (FundingKind.HIGH_NEEDS.value, "High-needs top-up"),
            (FundingKind.OTHER.value, "Other"),
        ]
        self.streams_model = EntityTableModel(
            self.ctx,
            FundingStream,
            [
                Column("name", "Funding stream"),
                Column("kind", "Kind", "choice", choices=lambda: kinds),
            ],
            lambda: list(
                self.ctx.session.scalars(select(FundingStream).order_by(FundingStream.name))
            ),
            KIND,
            "funding stream",
            update=funding.update_stream,
        )
        self.budgets_model = EntityTableModel(
            self.ctx,
            FundingBudget,
            [
                Column(
                    "funding_stream_id", "Funding stream", editable=False, display=self._stream_name
                ),
                Column("amount", "Budget this year", "money"),
            ],
            self._budgets,
            KIND,
            "budget",
            update=funding.update_budget,
        )
        return self._table_box(
            box,
            self.streams_model,
            "Funding streams",
            "Add fun&ding stream",
            self._add_stream,
            self._table(self.budgets_model, "Budgets for the chosen year"),
        )

    def _stream_name(self, stream_id: Any) -> str:
        stream = self.ctx.session.get(FundingStream, stream_id)
        return stream.name if stream else ""

    def _budgets(self) -> list[FundingBudget]:
        """Budgets for the chosen year: one per stream, made at zero when first shown."""
        year_id = self.ctx.academic_year_id
        if year_id is None:
            return []
        session = self.ctx.session
        if not funding.add_missing_budgets(session, year_id).is_noop:
            # Saved at once, not an edit to undo. Nothing else needs telling: this
            # table is being loaded now, and zero was already what the year's budget meant.
            self.ctx.commit(Changed())
        query = (
            select(FundingBudget)
            .join(FundingStream)
            .where(FundingBudget.academic_year_id == year_id)
            .order_by(FundingStream.name)
        )
        return list(session.scalars(query))

    def _add_stream(self) -> None:
        self._perform("add funding stream", lambda session: funding.add_stream(session))

    # -- shared ---------------------------------------------------------------------

    def _perform(self, label: str, write: Callable[[Session], Change]) -> None:
        try:
            perform(self.ctx, DomainEdit(self.ctx, label, write))
        except EditRefused as exc:
            self.show_message(str(exc))
            self._load_school()

    def show_message(self, text: str) -> None:
        self.message.setText(text)

    def _on_data_changed(self, changed: Changed) -> None:
        if changed.touches(KIND):
            self._load_school()
