"""The pupil pane beside the Pupils list: profile, SEN, provision, EHC plan, SEN support
plan, meetings, history and documents.

Every field is saved when the user leaves it (Enter, Tab or a click elsewhere) as one
undoable command, after a check that says in plain words what is wrong. Tabs are
filled when they are shown, so a costly tab (the provision map with its costs) is
only worked out when someone looks at it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from ...domain import ehcp, profiles
from ...domain import pupils as domain_pupils
from ...domain.change import Change
from ...models import Base, Ehcp, Pupil
from ...models.vocab import SenStatus
from ...services.formatting import format_date
from ...ui.context import AppContext
from ...ui.edits import DomainEdit, EditRefused, SavedCommand, perform
from ...ui.speech import ValueLabel
from .documents_tab import DocumentsTab
from .ehcp import EhcpTab
from .meetings_tab import MeetingsTab
from .plan_tab import PlanTab
from .records import HistoryTab, ProvisionTab
from .widgets import Binding, ProfileTab, SenTab, show_value, widget_value


class PupilPane(QWidget):
    """Shows one pupil; ``show_pupil(None)`` empties it."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.id: int | None = None
        self.title = ValueLabel("Choose a pupil from the list to see their profile.")
        self.title.setWordWrap(True)
        self.title.setAccessibleName("Pupil shown")
        self.message = ValueLabel(announces=True)
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Pupil pane message")
        self.message.hide()
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Pupil record")
        self.profile_tab = ProfileTab(self)
        self.sen_tab = SenTab(self)
        self.provision_tab = ProvisionTab(self)
        self.ehcp_tab = EhcpTab(self)
        self.plan_tab = PlanTab(self)
        self.meetings_tab = MeetingsTab(self)
        self.history_tab = HistoryTab(self)
        self.documents_tab = DocumentsTab(self)
        for tab, title in (
            (self.profile_tab, "Profile"),
            (self.sen_tab, "SEN"),
            (self.provision_tab, "Provision"),
            (self.ehcp_tab, "EHC plan"),
            (self.plan_tab, "Plan"),
            (self.meetings_tab, "Meetings"),
            (self.history_tab, "History"),
            (self.documents_tab, "Documents"),
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
        self._stale = {
            w for i in range(self.tabs.count()) if (w := self.tabs.widget(i)) is not None
        }
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
        self.perform(DomainEdit(self.ctx, label, self._write(binding, pupil.id, row, value)))

    def _write(
        self, binding: Binding, pupil_id: int, row: Base | None, value: Any
    ) -> Callable[[Session], Change]:
        """The domain write that saves ``value`` in the field ``binding`` shows."""
        field, today = binding.field, self.ctx.today
        if binding.target == "profile":
            return lambda s: profiles.update(s, pupil_id, field, value, today)
        if binding.target == "ehcp":
            assert isinstance(row, Ehcp)
            plan_id = row.id
            return lambda s: ehcp.update_plan(s, plan_id, field, value)
        return lambda s: domain_pupils.update(s, pupil_id, field, value)

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
