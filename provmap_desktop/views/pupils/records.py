"""The pupil pane's record tabs: provision over time, and the history of plans and changes."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, joinedload

from ...models import (
    AuditEntry,
    GroupMembership,
    Provision,
    ProvisionGroup,
    Pupil,
    SchoolClass,
    Staff,
    TargetResult,
    YearGroup,
)
from ...models.vocab import AREA_LABELS, AreaOfNeed
from ...services.cost_records import CostedMap
from ...services.costing import cost_map
from ...services.formatting import format_date, format_money
from ...services.plans import plan_versions
from ...ui.speech import ValueLabel
from .widgets import PROFILE_FIELDS, plain

if TYPE_CHECKING:
    from .pane import PupilPane


def read_only_table(name: str, headers: list[str]) -> QTableWidget:
    """A table that wraps its text to the pane's width instead of scrolling sideways."""
    table = QTableWidget(0, len(headers))
    table.setAccessibleName(name)
    table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move inside
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


def set_row(table: QTableWidget, row: int, cells: list[str], row_id: int) -> list[QTableWidgetItem]:
    """Put ``cells`` in ``row``, each carrying ``row_id`` and read aloud ("blank" if empty)."""
    items = []
    for column, text in enumerate(cells):
        item = QTableWidgetItem(text)
        item.setData(Qt.ItemDataRole.UserRole, row_id)
        item.setData(Qt.ItemDataRole.AccessibleTextRole, text or "blank")
        table.setItem(row, column, item)
        items.append(item)
    return items


def keep_chosen(
    table: QTableWidget, ids: list[int], chosen: int | None, fallback: int | None
) -> int | None:
    """Select the row of ``chosen`` if it is still listed, else of ``fallback``; return
    the id now chosen (``None`` for an empty list)."""
    table.resizeRowsToContents()
    if chosen not in ids:
        chosen = fallback
    if chosen is not None:
        table.selectRow(ids.index(chosen))
    return chosen


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
        self.total = ValueLabel()
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
    "learning_plans": "SEN support plan",
    "plan_outcomes": "plan outcome",
    "plan_targets": "plan target",
    "plan_provisions": "provision linked to the plan",
    "meetings": "meeting",
    "meeting_actions": "meeting action",
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


def group_words(session: Session, group_id: Any) -> str:
    """A group as the SENCO knows it: "Precision Teaching – Year 3, Group B", or by its
    place among the year group's groups of that provision: "… – Year 3 group 2"."""
    group = session.get(ProvisionGroup, group_id) if group_id is not None else None
    if group is None:
        return "a group since removed"
    where = group.year_group.name if group.year_group else "whole school"
    if group.name.startswith(group.provision.name):
        return group.name
    if group.name:
        return f"{group.provision.name} – {where}, {group.name}"
    alike = session.scalars(
        select(ProvisionGroup.id)
        .where(
            ProvisionGroup.provision_id == group.provision_id,
            ProvisionGroup.year_group_id == group.year_group_id,
            ProvisionGroup.academic_year_id == group.academic_year_id,
            ProvisionGroup.name == "",
        )
        .order_by(ProvisionGroup.start_date, ProvisionGroup.id)
    ).all()
    number = f" group {alike.index(group.id) + 1}" if len(alike) > 1 else ""
    return f"{group.provision.name} – {where}{number}"


def _allocation_noun(
    session: Session, entry: AuditEntry, before: dict[str, Any], after: dict[str, Any]
) -> str:
    """ "Allocation to Precision Teaching – Year 3 group 1", from the entry or the row."""
    group_id = before.get("group_id", after.get("group_id"))
    if group_id is None and entry.row_id is not None:
        membership = session.get(GroupMembership, entry.row_id)
        group_id = membership.group_id if membership is not None else None
    if group_id is None:
        return "Allocation"
    return f"Allocation to {group_words(session, group_id)}"


#: Fields holding another record's id, and how to name that record.
NAMED_BY: dict[str, Callable[[Session, Any], str]] = {
    "group_id": group_words,
    "year_group_id": lambda s, i: _name_of(s, YearGroup, i),
    "class_id": lambda s, i: _name_of(s, SchoolClass, i),
    "provision_id": lambda s, i: _name_of(s, Provision, i),
    "staff_id": lambda s, i: _name_of(s, Staff, i),
}


def _name_of(session: Session, entity: Any, key: Any) -> str:
    if key is None:
        return "(blank)"
    row = session.get(entity, key)
    return str(row.name) if row is not None else "(since removed)"


def describe_change(entry: AuditEntry, session: Session | None = None) -> str:
    """What an audit entry changed, in words: "Needs: (blank) → reading".

    With a ``session``, ids are named: an allocation's move reads "moved from
    Precision Teaching – Year 3 group 1 to Precision Teaching – Year 3 group 2".
    """
    noun = TABLE_NOUNS.get(entry.table_name, entry.table_name.replace("_", " "))
    noun = noun[:1].upper() + noun[1:]  # "EHC plan", not "Ehc plan"
    before = json.loads(entry.before_json or "{}")
    after = json.loads(entry.after_json or "{}")
    if session is not None and entry.table_name == "group_memberships":
        noun = _allocation_noun(session, entry, before, after)
        if entry.action == "insert":
            return f"{noun}: joined from {readable(after.get('join_date'))}"
        if entry.action == "delete":
            return f"{noun}: removed"
    if entry.action != "update":
        return noun + (f": {entry.summary}" if entry.summary else "")
    parts = []
    for field, new in after.items():
        if field == "updated_on":
            continue
        old = before.get(field)
        if session is not None and field == "group_id":
            parts.append(f"moved from {group_words(session, old)} to {group_words(session, new)}")
            continue
        if session is not None and field in NAMED_BY:
            old, new = NAMED_BY[field](session, old), NAMED_BY[field](session, new)
        name = FIELD_NAMES.get(field, field.replace("_", " ").capitalize())
        parts.append(f"{name}: {readable(old)} → {readable(new)}")
    return f"{noun}: " + "; ".join(parts)


class HistoryTab(QWidget):
    """The SEN support plan's versions in order, then the audit log, newest first."""

    LIMIT = 500

    def __init__(self, pane: PupilPane) -> None:
        super().__init__()
        self.pane = pane
        self.versions = read_only_table("Plan versions", ["Plan", "From", "Reviewed", "Targets"])
        self.versions.setMaximumHeight(110)
        self.table = read_only_table("History of changes", ["When", "Action", "What changed"])
        header = self.table.horizontalHeader()
        for column in (0, 1):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.empty = QLabel("No changes have been recorded for this pupil yet.")
        self.empty.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.versions)
        layout.addWidget(self.empty)
        layout.addWidget(self.table, 1)

    def _load_versions(self, pupil: Pupil) -> None:
        """Each version of the plan, first first: its dates and how its targets went."""
        rows = []
        for plan in plan_versions(self.pane.ctx.session, pupil.id):
            results = Counter(t.result for t in plan.targets)
            met = ", ".join(
                f"{results[r.value]} {r.label.lower()}" for r in TargetResult if results[r.value]
            )
            rows.append(
                [
                    f"Plan {plan.version}",
                    format_date(plan.started_on),
                    format_date(plan.reviewed_on) if plan.reviewed_on else "current",
                    f"{len(plan.targets)}" + (f": {met}" if met else ""),
                ]
            )
        fill_table(self.versions, rows)
        self.versions.setVisible(bool(rows))

    def load(self, pupil: Pupil) -> None:
        self._load_versions(pupil)
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
                describe_change(entry, session),
            ]
            for entry in entries
        ]
        fill_table(self.table, rows)
        self.empty.setVisible(not rows)


# -- EHC plan -------------------------------------------------------------------------
