"""The pupil pane beside the Pupils list: profile, SEN, provision, EHC plan and history.

Every field is saved when the user leaves it (Enter, Tab or a click elsewhere) as one
undoable command, after a check that says in plain words what is wrong. Tabs are
filled when they are shown, so a costly tab (the provision map with its costs) is
only worked out when someone looks at it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, joinedload

from ..models import (
    AuditEntry,
    Base,
    Ehcp,
    EhcpOutcome,
    EhcpProvisionItem,
    GroupMembership,
    Provision,
    ProvisionGroup,
    Pupil,
    PupilProfile,
    SchoolClass,
    YearGroup,
)
from ..models.vocab import AREA_LABELS, NEED_TYPES, AreaOfNeed, SenStatus
from ..services.costing import CostedMap, cost_map
from ..services.formatting import format_date, format_money
from ..services.pupils import section_f_gaps, suggest_membership
from ..ui.commands import (
    CallbackCommand,
    EditRefused,
    SavedCommand,
    SetFieldCommand,
    add_row,
    perform,
)
from ..ui.context import AppContext
from .pupil_dialogs import GENDERS_ALL, check_upn, choice_combo, read_date
from .pupil_list_model import FLAG_NAMES

KIND = "pupils"

PROFILE_FIELDS: tuple[tuple[str, str], ...] = (
    ("like_and_admire", "What people &like and admire about me"),
    ("important_to_me", "What is &important to me"),
    ("how_to_support", "How &best to support me"),
    ("strengths", "S&trengths"),
    ("needs", "&Needs"),
    ("strategies", "Strategies that &work"),
    ("pupil_voice", "Pupil &voice"),
    ("parent_views", "Parent/carer vie&ws"),
    ("external_agencies", "External a&gencies involved"),
)


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


class ProfileFieldCommand(SavedCommand):
    """Set one field of the one-page profile, creating the profile on the first edit."""

    kinds = (KIND,)

    def __init__(self, ctx: AppContext, pupil_id: int, field: str, value: str, label: str):
        super().__init__(ctx, label)
        self.pupil_id, self.field, self.value = pupil_id, field, value
        row = ctx.session.get(PupilProfile, pupil_id)
        self.created = row is None
        self.old_value = "" if row is None else getattr(row, field)
        self.old_updated = None if row is None else row.updated_on

    def apply(self) -> None:
        row = self.ctx.session.get(PupilProfile, self.pupil_id)
        if row is None:
            row = PupilProfile(pupil_id=self.pupil_id, **{f: "" for f, _ in PROFILE_FIELDS})
            self.ctx.session.add(row)
        setattr(row, self.field, self.value)
        row.updated_on = self.ctx.today

    def revert(self) -> None:
        row = self.ctx.session.get(PupilProfile, self.pupil_id)
        if row is None:
            return
        if self.created:
            self.ctx.session.delete(row)
            return
        setattr(row, self.field, self.old_value)
        row.updated_on = self.old_updated


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
        session = pane.ctx.session
        details = QGroupBox("Details")
        left, right = QFormLayout(), QFormLayout()
        for form, rows in (
            (
                left,
                [
                    ("Fore&name", self._line("forename", "Forename", self._required("Forename"))),
                    ("S&urname", self._line("surname", "Surname", self._required("Surname"))),
                    ("&Preferred name", self._line("preferred_name", "Preferred name")),
                    ("UP&N", self._line("upn", "UPN", lambda t: check_upn(session, t, pane.id))),
                ],
            ),
            (
                right,
                [
                    ("&Date of birth", self._line("date_of_birth", "Date of birth", self._date)),
                    ("&Gender", self._combo("gender", "Gender", GENDERS_ALL)),
                    ("&Year group", self._combo("year_group_id", "Year group", [])),
                    ("&Class", self._combo("class_id", "Class", [])),
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
            caption = QLabel(label)
            caption.setBuddy(edit)
            form.addRow(caption, self.bind(Binding("profile", field, plain(label), edit)))
        self.updated = QLabel()
        form.addRow(self.updated)
        layout = QVBoxLayout(self.body)
        layout.addWidget(details)
        layout.addWidget(profile)

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
    def _required(what: str) -> Callable[[str], str]:
        def parse(text: str) -> str:
            if not text.strip():
                raise ValueError(f"{what} cannot be blank.")
            return text.strip()

        return parse

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
            "P&rimary need", self.bind(Binding("pupil", "primary_need", "primary need", primary))
        )
        secondary = choice_combo("Secondary need", needs)
        binding = Binding("pupil", "secondary_need", "secondary need", secondary, self._secondary)
        form.addRow("Se&condary need", self.bind(binding))
        start = QLineEdit()
        start.setPlaceholderText("dd/mm/yyyy")
        binding = Binding(
            "pupil",
            "sen_start_date",
            "SEN start date",
            start,
            lambda t: read_date(t, "SEN start date"),
        )
        form.addRow("SEN start &date", self.bind(binding))
        notes = CommitTextEdit("SEN notes", 140)
        form.addRow("N&otes", self.bind(Binding("pupil", "sen_notes", "SEN notes", notes)))
        for combo in (primary, secondary):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(20)

    def _secondary(self, code: str | None) -> str | None:
        pupil = self.pane.pupil()
        if code is not None and pupil is not None and code == pupil.primary_need:
            raise ValueError("The secondary need should differ from the primary need.")
        return code


class PupilPane(QWidget):
    """Shows one pupil; ``show_pupil(None)`` empties it."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.id: int | None = None
        self.title = QLabel("Choose a pupil from the list to see their profile.")
        self.title.setWordWrap(True)
        self.title.setAccessibleName("Pupil shown")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Pupil pane message")
        self.message.hide()
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Pupil record")
        self.profile_tab = ProfileTab(self)
        self.sen_tab = SenTab(self)
        self.provision_tab = ProvisionTab(self)
        self.ehcp_tab = EhcpTab(self)
        self.history_tab = HistoryTab(self)
        for tab, title in (
            (self.profile_tab, "Pro&file"),
            (self.sen_tab, "S&EN"),
            (self.provision_tab, "Pro&vision"),
            (self.ehcp_tab, "EHC &plan"),
            (self.history_tab, "Hi&story"),
        ):
            self.tabs.addTab(tab, title)
        self._stale: set[QWidget] = set()
        self.tabs.currentChanged.connect(lambda _i: self._load_current())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.message)
        layout.addWidget(self.tabs, 1)
        ctx.data_changed.connect(lambda _kinds: self.refresh())
        self.show_pupil(None)

    def pupil(self) -> Pupil | None:
        return None if self.id is None else self.ctx.session.get(Pupil, self.id)

    def target_row(self, target: str, pupil: Pupil) -> Base | None:
        if target == "profile":
            return pupil.profile
        if target == "ehcp":
            return pupil.ehcp
        return pupil

    def show_pupil(self, pupil_id: int | None) -> None:
        if pupil_id != self.id:
            self.message.hide()
        self.id = pupil_id
        self.refresh()

    def refresh(self) -> None:
        """Show the current pupil afresh: the visible tab now, the others when shown."""
        pupil = self.pupil()
        if pupil is not None:
            self.ctx.session.refresh(pupil, ["profile", "ehcp"])
        self.tabs.setEnabled(pupil is not None)
        if pupil is None:
            self.id = None
            self.title.setText("Choose a pupil from the list to see their profile.")
            return
        facts = [pupil.upn]
        if pupil.year_group:
            facts.append(pupil.year_group.name)
        if pupil.school_class:
            facts.append(pupil.school_class.name)
        facts.append(SenStatus(pupil.sen_status).label)
        if pupil.archived:
            facts.append(f"left {format_date(pupil.leaving_date)} (archived)")
        self.title.setText(
            f"<b>{pupil.forename} {pupil.surname}</b>"
            + (f" ({pupil.preferred_name})" if pupil.preferred_name else "")
            + f"<br>{' · '.join(facts)}"
        )
        self._stale = {self.tabs.widget(i) for i in range(self.tabs.count())}
        self._load_current()

    def _load_current(self) -> None:
        tab = self.tabs.currentWidget()
        pupil = self.pupil()
        if pupil is None or tab not in self._stale:
            return
        self._stale.discard(tab)
        tab.load(pupil)  # type: ignore[attr-defined]

    # -- saving ---------------------------------------------------------------------

    def save(self, binding: Binding) -> None:
        pupil = self.pupil()
        if pupil is None:
            return
        row = self.target_row(binding.target, pupil)
        try:
            value = binding.parse(widget_value(binding.widget))
        except ValueError as exc:
            self.show_message(str(exc))
            show_value(binding.widget, getattr(row, binding.field) if row is not None else None)
            return
        current = getattr(row, binding.field) if row is not None else ""
        if value == current:
            return
        label = f"change {binding.label.lower()} of {pupil.display_name}"
        command: SavedCommand
        if binding.target == "profile":
            command = ProfileFieldCommand(self.ctx, pupil.id, binding.field, value, label)
        else:
            assert row is not None
            entity = type(row)
            key = row.id  # type: ignore[attr-defined]
            command = SetFieldCommand(self.ctx, entity, key, binding.field, value, label, KIND)
        self.perform(command)

    def perform(self, command: SavedCommand) -> bool:
        try:
            perform(self.ctx, command)
        except EditRefused as exc:
            self.show_message(str(exc))
            self.refresh()
            return False
        self.message.hide()
        return True

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()


# -- read-only tabs -------------------------------------------------------------------


def read_only_table(name: str, headers: list[str]) -> QTableWidget:
    """A table that wraps its text to the pane's width instead of scrolling sideways."""
    table = QTableWidget(0, len(headers))
    table.setAccessibleName(name)
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.setWordWrap(True)
    table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    return table


def fill_table(table: QTableWidget, rows: list[list[str]]) -> None:
    table.setRowCount(len(rows))
    for number, cells in enumerate(rows):
        for column, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, text or "blank")
            table.setItem(number, column, item)
    table.resizeRowsToContents()


def membership_label(membership: GroupMembership) -> str:
    group = membership.group
    name = group.provision.name + (f" – {group.name}" if group.name else "")
    until = format_date(membership.leave_date or group.end_date)
    return f"{name} ({format_date(membership.join_date)} to {until})"


def pupil_memberships(session: Session, pupil_id: int) -> list[GroupMembership]:
    """Every allocation of the pupil, in every year, oldest first."""
    query = (
        select(GroupMembership)
        .join(ProvisionGroup)
        .where(GroupMembership.pupil_id == pupil_id)
        .options(
            joinedload(GroupMembership.group).joinedload(ProvisionGroup.provision),
            joinedload(GroupMembership.group).joinedload(ProvisionGroup.staff),
            joinedload(GroupMembership.group).joinedload(ProvisionGroup.academic_year),
        )
        .order_by(GroupMembership.join_date, ProvisionGroup.start_date)
    )
    return list(session.scalars(query).unique())


class ProvisionTab(QWidget):
    """The pupil's individual provision map, with their share of each group's cost."""

    HEADERS = ["Year", "Provision", "Group and staff", "Dates", "Frequency", "Share of cost"]

    def __init__(self, pane: PupilPane) -> None:
        super().__init__()
        self.pane = pane
        self._costed: dict[int, CostedMap] = {}
        pane.ctx.data_changed.connect(lambda _kinds: self._costed.clear())
        self.table = read_only_table("Provision over time", self.HEADERS)
        self.table.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents
        )
        self.total = QLabel()
        self.total.setWordWrap(True)
        self.total.setAccessibleName("Planned cost of this pupil's provision")
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.total)

    def _cost_of_year(self, year_id: int) -> CostedMap:
        if year_id not in self._costed:
            self._costed[year_id] = cost_map(
                self.pane.ctx.session, year_id, as_of=self.pane.ctx.today
            )
        return self._costed[year_id]

    def load(self, pupil: Pupil) -> None:
        rows: list[list[str]] = []
        totals: dict[str, Decimal] = {}
        costed_groups: set[int] = set()
        for membership in pupil_memberships(self.pane.ctx.session, pupil.id):
            group = membership.group
            provision = group.provision
            year = group.academic_year
            share = self._cost_of_year(year.id).by_group.get(group.id)
            totals_share = share.pupil_shares.get(pupil.id) if share else None
            # A group's share covers all the pupil's days in it: show it once per group.
            amount = ""
            if totals_share is not None and group.id not in costed_groups:
                costed_groups.add(group.id)
                amount = format_money(totals_share.planned)
                totals[year.label] = totals.get(year.label, Decimal(0)) + totals_share.planned
            area = AREA_LABELS.get(AreaOfNeed(provision.area), provision.area)
            staff = group.staff.name if group.staff else "no one named"
            until = membership.leave_date or group.end_date
            rows.append(
                [
                    year.label,
                    f"{provision.name}\n{area} · wave {provision.wave}",
                    f"{group.name or 'Group'}\n{staff}",
                    f"{format_date(membership.join_date)} to\n{format_date(until)}",
                    f"{group.effective_sessions_per_week} × "
                    f"{group.effective_session_minutes} min a week",
                    amount,
                ]
            )
        fill_table(self.table, rows)
        if not rows:
            self.total.setText("No provision recorded for this pupil yet.")
            return
        self.total.setText(
            "Planned cost: "
            + "; ".join(f"{label}: {format_money(amount)}" for label, amount in totals.items())
        )


TABLE_NOUNS = {
    "pupils": "details",
    "pupil_profiles": "one-page profile",
    "ehcps": "EHC plan",
    "ehcp_outcomes": "Section E outcome",
    "ehcp_provision_items": "Section F item",
    "group_memberships": "allocation",
    "reviews": "review",
    "session_attendance": "attendance",
}
ACTIONS = {"insert": "Added", "update": "Changed", "delete": "Removed"}
FIELD_NAMES = {field: plain(label) for field, label in PROFILE_FIELDS} | {
    "upn": "UPN",
    "sen_status": "SEN status",
    "eal": "EAL",
    "fsm": "FSM",
    "cla": "CLA",
    "year_group_id": "Year group",
    "class_id": "Class",
    "membership_id": "Linked allocation",
    "provision_id": "Linked provision",
    "issued_date": "Issued",
    "next_review_date": "Next annual review",
}


def readable(value: Any) -> str:
    if value is None or value == "":
        return "(blank)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    try:
        return format_date(dt.date.fromisoformat(text))
    except ValueError:
        pass
    return text if len(text) <= 60 else text[:57] + "…"


def describe_change(entry: AuditEntry) -> str:
    """What an audit entry changed, in words: "Needs: (blank) → reading"."""
    noun = TABLE_NOUNS.get(entry.table_name, entry.table_name.replace("_", " "))
    noun = noun[:1].upper() + noun[1:]  # "EHC plan", not "Ehc plan"
    if entry.action != "update":
        return noun + (f": {entry.summary}" if entry.summary else "")
    before = json.loads(entry.before_json or "{}")
    after = json.loads(entry.after_json or "{}")
    parts = []
    for field, new in after.items():
        if field == "updated_on":
            continue
        name = FIELD_NAMES.get(field, field.replace("_", " ").capitalize())
        parts.append(f"{name}: {readable(before.get(field))} → {readable(new)}")
    return f"{noun}: " + "; ".join(parts)


class HistoryTab(QWidget):
    """The audit log for this pupil, newest first."""

    LIMIT = 500

    def __init__(self, pane: PupilPane) -> None:
        super().__init__()
        self.pane = pane
        self.table = read_only_table("History of changes", ["When", "Action", "What changed"])
        header = self.table.horizontalHeader()
        for column in (0, 1):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.empty = QLabel("No changes have been recorded for this pupil yet.")
        self.empty.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty)
        layout.addWidget(self.table, 1)

    def load(self, pupil: Pupil) -> None:
        session = self.pane.ctx.session
        mine = AuditEntry.pupil_id == pupil.id
        if pupil.ehcp is not None:
            # Section E and F rows carry no pupil id of their own: find them by their plan.
            plan_tables = AuditEntry.table_name.in_(("ehcp_outcomes", "ehcp_provision_items"))
            of_plan = func.coalesce(
                func.json_extract(AuditEntry.after_json, "$.ehcp_id"),
                func.json_extract(AuditEntry.before_json, "$.ehcp_id"),
            )
            mine = or_(mine, and_(plan_tables, of_plan == pupil.ehcp.id))
        entries = session.scalars(
            select(AuditEntry)
            .where(mine)
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
            .limit(self.LIMIT)
        )
        rows = [
            [
                entry.at.strftime("%d/%m/%Y %H:%M"),
                ACTIONS.get(entry.action, entry.action),
                describe_change(entry),
            ]
            for entry in entries
        ]
        fill_table(self.table, rows)
        self.empty.setVisible(not rows)


# -- EHC plan -------------------------------------------------------------------------

MATCHED = "✓ Matched"
NOT_MATCHED = "⚠ Not matched"


class EhcpTab(BoundTab):
    """Plan dates, Section E outcomes, and Section F items with the allocation meeting each."""

    def __init__(self, pane: PupilPane) -> None:
        super().__init__(pane)
        ctx = pane.ctx
        self.item_id: int | None = None
        layout = QVBoxLayout(self.body)

        self.no_plan = QLabel()
        self.no_plan.setWordWrap(True)
        self.add_plan_button = QPushButton("&Add EHC plan")
        self.add_plan_button.clicked.connect(self.add_plan)
        layout.addWidget(self.no_plan)
        layout.addWidget(self.add_plan_button, 0, Qt.AlignmentFlag.AlignLeft)

        self.plan_box = QWidget()
        plan_layout = QVBoxLayout(self.plan_box)
        plan_layout.setContentsMargins(0, 0, 0, 0)
        dates = QFormLayout()
        for field, label in (
            ("issued_date", "&Issued"),
            ("next_review_date", "&Next annual review"),
        ):
            edit = QLineEdit()
            edit.setPlaceholderText("dd/mm/yyyy")
            what = plain(label)
            parse = self._date_parser(what)
            dates.addRow(label, self.bind(Binding("ehcp", field, what, edit, parse)))
        dates.addRow(
            "&LA reference", self.bind(Binding("ehcp", "la_reference", "LA reference", QLineEdit()))
        )
        plan_layout.addLayout(dates)

        outcomes = QGroupBox("Section E: outcomes")
        self.outcomes = QListWidget()
        self.outcomes.setAccessibleName("Section E outcomes")
        self.outcomes.setWordWrap(True)
        self.outcomes.setAlternatingRowColors(True)  # one outcome per band
        self.outcomes.setMaximumHeight(120)
        self.outcomes.itemChanged.connect(self._outcome_edited)
        add_outcome = QPushButton("Add &outcome")
        add_outcome.clicked.connect(self.add_outcome)
        remove_outcome = QPushButton("&Remove outcome")
        remove_outcome.clicked.connect(self.remove_outcome)
        box = QVBoxLayout(outcomes)
        box.addWidget(self.outcomes)
        box.addLayout(button_row(add_outcome, remove_outcome))
        plan_layout.addWidget(outcomes)

        section_f = QGroupBox("Section F: provision")
        self.items = read_only_table(
            "Section F items", ["Provision in the plan", "Min/week", "Met by"]
        )
        self.items.setMaximumHeight(150)
        self.items.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.ResizeToContents
        )
        self.items.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.items.itemSelectionChanged.connect(self._item_chosen)
        add_item = QPushButton("Add Section &F item")
        add_item.clicked.connect(self.add_item)
        self.remove_item_button = QPushButton("Remo&ve item")
        self.remove_item_button.clicked.connect(self.remove_item)
        self.item_text = CommitTextEdit("Section F item text", 48)
        self.item_text.committed.connect(
            lambda: self._save_item("text", self.item_text.toPlainText())
        )
        self.item_minutes = QLineEdit()
        self.item_minutes.setAccessibleName("Minutes a week")
        self.item_minutes.editingFinished.connect(self._save_minutes)
        self.item_provision = choice_combo("Linked provision", [])
        self.item_provision.activated.connect(
            lambda _i: self._save_item("provision_id", self.item_provision.currentData())
        )
        self.item_membership = choice_combo("Linked allocation", [])
        self.item_membership.activated.connect(
            lambda _i: self._save_item("membership_id", self.item_membership.currentData())
        )
        self.link_button = QPushButton("Lin&k to current allocation")
        self.link_button.clicked.connect(self.link_current)
        self.item_status = QLabel()
        self.item_status.setWordWrap(True)
        self.item_status.setAccessibleName("Whether this item is met")
        detail = QFormLayout()
        detail.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        detail.addRow("Item &text", self.item_text)
        detail.addRow("&Minutes a week", self.item_minutes)
        detail.addRow("Linked &provision", self.item_provision)
        detail.addRow("Linked &allocation", self.item_membership)
        detail.addRow(self.item_status)
        for combo in (self.item_provision, self.item_membership):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(24)
        self.item_detail = QWidget()
        self.item_detail.setLayout(detail)
        box = QVBoxLayout(section_f)
        box.addWidget(self.items)
        box.addLayout(button_row(add_item, self.remove_item_button, self.link_button))
        box.addWidget(self.item_detail)
        plan_layout.addWidget(section_f)
        layout.addWidget(self.plan_box)
        layout.addStretch(1)
        self.warning_icon = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        del ctx

    @staticmethod
    def _date_parser(what: str) -> Callable[[str], dt.date | None]:
        return lambda text: read_date(text, what)

    # -- showing --------------------------------------------------------------------

    def load(self, pupil: Pupil) -> None:
        plan = pupil.ehcp
        self.plan_box.setVisible(plan is not None)
        is_e = pupil.sen_status == SenStatus.EHCP.value
        self.add_plan_button.setVisible(plan is None and is_e)
        if plan is None:
            self.no_plan.setText(
                "No EHC plan is recorded for this pupil yet."
                if is_e
                else "No EHC plan. Set the SEN status to E (EHC plan) on the SEN tab to add one."
            )
            self.no_plan.show()
            return
        self.no_plan.hide()
        super().load(pupil)
        self.outcomes.blockSignals(True)
        self.outcomes.clear()
        for outcome in plan.outcomes:
            item = QListWidgetItem(outcome.text)
            item.setData(Qt.ItemDataRole.UserRole, outcome.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
            self.outcomes.addItem(item)
        self.outcomes.blockSignals(False)
        self._load_items(pupil)

    def _load_items(self, pupil: Pupil) -> None:
        session = self.pane.ctx.session
        plan = pupil.ehcp
        assert plan is not None
        session.refresh(plan, ["provision_items"])
        gaps = {
            gap.item.id: gap.reason for gap in section_f_gaps(session, self.pane.ctx.today, pupil)
        }
        memberships = {m.id: m for m in pupil_memberships(session, pupil.id)}
        self.gaps = gaps
        self.memberships = memberships
        self.items.blockSignals(True)
        self.items.setRowCount(len(plan.provision_items))
        for row, item in enumerate(plan.provision_items):
            minutes = "" if item.minutes_per_week is None else str(item.minutes_per_week)
            if item.id in gaps:
                status = f"{NOT_MATCHED}: {gaps[item.id]}"
            else:
                status = f"{MATCHED}: {membership_label(memberships[item.membership_id])}"  # type: ignore[index]
            for column, text in enumerate((item.text, minutes, status)):
                cell = QTableWidgetItem(text)
                cell.setData(Qt.ItemDataRole.UserRole, item.id)
                cell.setData(Qt.ItemDataRole.AccessibleTextRole, text or "blank")
                if column == 2 and item.id in gaps:
                    cell.setIcon(self.warning_icon)
                self.items.setItem(row, column, cell)
        self.items.resizeRowsToContents()
        position = next(
            (r for r, i in enumerate(plan.provision_items) if i.id == self.item_id), None
        )
        if position is None:
            self.items.clearSelection()
            self.item_id = None
        else:
            self.items.selectRow(position)
        self.items.blockSignals(False)
        self._show_item()

    def _item_chosen(self) -> None:
        rows = self.items.selectionModel().selectedRows()
        self.item_id = (
            self.items.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole) if rows else None
        )
        self._show_item()

    def _item(self) -> EhcpProvisionItem | None:
        return (
            None
            if self.item_id is None
            else self.pane.ctx.session.get(EhcpProvisionItem, self.item_id)
        )

    def _show_item(self) -> None:
        item = self._item()
        self.item_detail.setEnabled(item is not None)
        self.remove_item_button.setEnabled(item is not None)
        self.link_button.setEnabled(item is not None)
        session = self.pane.ctx.session
        self.item_provision.clear()
        self.item_provision.addItem("(none)", None)
        for provision_id, name in session.execute(
            select(Provision.id, Provision.name).order_by(Provision.name)
        ):
            self.item_provision.addItem(name, provision_id)
        self.item_membership.clear()
        self.item_membership.addItem("(none)", None)
        for membership in self.memberships.values():
            self.item_membership.addItem(membership_label(membership), membership.id)
        if item is None:
            self.item_text.setPlainText("")
            self.item_minutes.clear()
            self.item_status.clear()
            return
        show_value(self.item_text, item.text)
        show_value(
            self.item_minutes, "" if item.minutes_per_week is None else str(item.minutes_per_week)
        )
        show_value(self.item_provision, item.provision_id)
        show_value(self.item_membership, item.membership_id)
        reason = self.gaps.get(item.id)
        self.item_status.setText(f"{NOT_MATCHED}: {reason}" if reason else MATCHED)

    # -- editing --------------------------------------------------------------------

    def _plan(self) -> Ehcp | None:
        pupil = self.pane.pupil()
        return pupil.ehcp if pupil else None

    def add_plan(self) -> None:
        pupil = self.pane.pupil()
        if pupil is None or pupil.ehcp is not None:
            return
        session = self.pane.ctx.session
        plan = Ehcp(pupil_id=pupil.id, la_reference="", notes="")
        self.pane.perform(
            CallbackCommand(
                self.pane.ctx,
                f"add EHC plan for {pupil.display_name}",
                lambda: add_row(session, plan),
                lambda: session.delete(plan),
                KIND,
            )
        )

    def _add_child(self, row: Base, noun: str) -> None:
        session = self.pane.ctx.session
        self.pane.perform(
            CallbackCommand(
                self.pane.ctx,
                f"add {noun}",
                lambda: add_row(session, row),
                lambda: session.delete(row),
                KIND,
            )
        )

    def _remove_child(self, row: Base, noun: str) -> None:
        session = self.pane.ctx.session
        self.pane.perform(
            CallbackCommand(
                self.pane.ctx,
                f"remove {noun}",
                lambda: session.delete(row),
                lambda: add_row(session, row),
                KIND,
            )
        )

    def add_outcome(self) -> None:
        plan = self._plan()
        if plan is None:
            return
        order = max((o.sort_order for o in plan.outcomes), default=0) + 1
        self._add_child(
            EhcpOutcome(ehcp_id=plan.id, text="New outcome", sort_order=order), "Section E outcome"
        )
        last = self.outcomes.item(self.outcomes.count() - 1)
        if last is not None:
            self.outcomes.setCurrentItem(last)
            self.outcomes.editItem(last)

    def remove_outcome(self) -> None:
        current = self.outcomes.currentItem()
        if current is None:
            return
        outcome = self.pane.ctx.session.get(EhcpOutcome, current.data(Qt.ItemDataRole.UserRole))
        if outcome is not None:
            self._remove_child(outcome, "Section E outcome")

    def _outcome_edited(self, item: QListWidgetItem) -> None:
        outcome_id = item.data(Qt.ItemDataRole.UserRole)
        outcome = self.pane.ctx.session.get(EhcpOutcome, outcome_id)
        text = item.text().strip()
        if outcome is None or text == outcome.text:
            return
        if not text:
            self.pane.show_message("An outcome needs some words; use Remove outcome to delete it.")
            self.pane.refresh()
            return
        self.pane.perform(
            SetFieldCommand(
                self.pane.ctx,
                EhcpOutcome,
                outcome_id,
                "text",
                text,
                "change Section E outcome",
                KIND,
            )
        )

    def add_item(self) -> None:
        plan = self._plan()
        if plan is None:
            return
        order = max((i.sort_order for i in plan.provision_items), default=0) + 1
        item = EhcpProvisionItem(ehcp_id=plan.id, text="New Section F item", sort_order=order)
        self._add_child(item, "Section F item")
        self.item_id = item.id
        self.pane.refresh()
        self.item_text.setFocus()

    def remove_item(self) -> None:
        item = self._item()
        if item is not None:
            self._remove_child(item, "Section F item")

    def _save_minutes(self) -> None:
        text = self.item_minutes.text().strip()
        try:
            minutes = int(text) if text else None
            if minutes is not None and minutes < 0:
                raise ValueError
        except ValueError:
            self.pane.show_message(f"Minutes a week: '{text}' is not a whole number of minutes.")
            self._show_item()
            return
        self._save_item("minutes_per_week", minutes)

    def _save_item(self, field: str, value: Any) -> None:
        item = self._item()
        if item is None or getattr(item, field) == value:
            return
        if field == "text" and not str(value).strip():
            self.pane.show_message(
                "A Section F item needs some words; use Remove item to delete it."
            )
            self._show_item()
            return
        label = f"change Section F item {FIELD_NAMES.get(field, field.replace('_', ' ')).lower()}"
        self.pane.perform(
            SetFieldCommand(self.pane.ctx, EhcpProvisionItem, item.id, field, value, label, KIND)
        )

    def link_current(self) -> None:
        """Link the chosen item to the pupil's current allocation of its provision."""
        item = self._item()
        if item is None:
            return
        if item.provision_id is None:
            self.pane.show_message(
                "Choose the linked provision first, then link it to an allocation."
            )
            return
        membership = suggest_membership(self.pane.ctx.session, item, self.pane.ctx.today)
        if membership is None:
            self.pane.show_message(
                "This pupil has no current allocation of that provision. "
                "Add them to a group on the provision map, then link it here."
            )
            return
        self._save_item("membership_id", membership.id)


def button_row(*buttons: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    for button in buttons:
        row.addWidget(button)
    row.addStretch(1)
    return row
