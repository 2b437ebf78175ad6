"""The provision map screen: pupil tray, the grid (or its flipped form), and the cell panel."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QToolTip,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from ...domain.change import Changed, Kind
from ...models import AcademicYear, GroupMembership, ProvisionGroup, SchoolClass, Staff
from ...models.vocab import AREA_LABELS, SenStatus
from ...services.allocation import GroupChoice
from ...services.calendar import period_range
from ...services.provision_map import MapFilters, MapSnapshot, build_map, reload_groups
from ...ui.context import AppContext
from ...ui.edits import EditRefused, SavedCommand, perform
from ...ui.printing import Printable
from ...ui.speech import ValueLabel
from .cell_panel import CellPanel
from .chips import Chip
from .edits import (
    AllocateCommand,
    AllocationRequest,
    EndCommand,
    MoveCommand,
    MoveToCellCommand,
)
from .flipped import FlippedModel, FlippedView
from .grid_model import MapGridModel
from .grid_view import MapView
from .tray import PupilTray

NEW_GROUP = -1
#: Chooses among several running groups: returns a group id, NEW_GROUP, or None to cancel.
GroupChooser = Callable[[list[GroupChoice], QModelIndex, bool], int | None]


class MapScreen(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.filters = MapFilters()
        self.group_chooser: GroupChooser = self._choose_group_from_menu
        self.feedback = ValueLabel(announces=True)
        self.feedback.setWordWrap(True)
        self.feedback.setAccessibleName("Map messages")

        self.tray = PupilTray(ctx)
        self.tray.pupil_chosen.connect(ctx.pupil_selected.emit)
        self.tray.end_requested.connect(self.end_allocations)
        self.model = MapGridModel(self._build_snapshot, today=lambda: ctx.today)
        self.model.drop_requested.connect(self._on_drop)
        self.view = MapView()
        self.view.setModel(self.model)
        self.view.apply_spans()
        self.view.section_toggled.connect(self._toggle_section)
        self.view.open_requested.connect(self.open_cell)
        self.view.delete_requested.connect(self.end_selected_chips)
        self.view.chip_clicked.connect(self._chip_clicked)
        self.view.selectionModel().currentChanged.connect(self._cell_changed)
        self.flipped_model = FlippedModel()
        self.flipped_view = FlippedView()
        self.flipped_view.setModel(self.flipped_model)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.flipped_view)
        self.panel = CellPanel(ctx)
        self.panel.end_requested.connect(self.end_allocations)
        self.panel.move_requested.connect(self.move_from_keyboard)
        self.panel.open_group_requested.connect(self.open_group)
        self.panel.split_requested.connect(self.split_group)

        splitter = QSplitter()
        splitter.addWidget(self.tray)
        centre = QWidget()
        centre_layout = QVBoxLayout(centre)
        centre_layout.setContentsMargins(0, 0, 0, 0)
        centre_layout.addLayout(self._filter_bar())
        centre_layout.addWidget(self._legend())
        centre_layout.addWidget(self.feedback)
        centre_layout.addWidget(self.stack, 1)
        splitter.addWidget(centre)
        splitter.addWidget(self.panel)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 4)
        splitter.setStretchFactor(2, 1)
        splitter.setSizes([190, 1000, 170])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(splitter)
        self._add_actions()

        ctx.period_changed.connect(self.reload)
        ctx.data_changed.connect(self._on_data_changed)

    # -- building -------------------------------------------------------------------

    def _filter_bar(self) -> QVBoxLayout:
        bar = QHBoxLayout()
        self.area_filter = self._combo("Area of need filter", "All areas")
        for code, label in AREA_LABELS.items():
            self.area_filter.addItem(label, code.value)
        self.wave_filter = self._combo("Wave filter", "All waves")
        for wave in (1, 2, 3):
            self.wave_filter.addItem(f"Wave {wave}", wave)
        self.sen_filter = self._combo("SEN status filter for the map", "Any SEN status")
        for status in SenStatus:
            self.sen_filter.addItem(status.label, status.value)
        self.class_filter = self._combo("Class filter for the map", "All classes")
        self.staff_filter = self._combo("Member of staff filter", "All staff")
        self._fill_people_filters()
        for combo in (
            self.area_filter,
            self.wave_filter,
            self.sen_filter,
            self.class_filter,
            self.staff_filter,
        ):
            bar.addWidget(combo)
            combo.currentIndexChanged.connect(self._filters_changed)
        self.cost_toggle = QCheckBox("&Costs")
        self.cost_toggle.setAccessibleName("Show costs on the map")
        self.cost_toggle.toggled.connect(self._cost_view_changed)
        self.flip_toggle = QCheckBox("F&lip: provisions × pupils")
        self.flip_toggle.setAccessibleName("Flip the map to provisions by pupils")
        self.flip_toggle.toggled.connect(self._flip_changed)
        self.hide_empty_toggle = QCheckBox("Hide &unused provisions")
        self.hide_empty_toggle.setAccessibleName("Hide provisions with no groups this period")
        self.hide_empty_toggle.setToolTip(
            "Untick to see every provision in the catalogue, to drop pupils onto one"
        )
        self.hide_empty_toggle.setChecked(self.model.hide_empty)
        self.hide_empty_toggle.toggled.connect(self._hide_empty_changed)
        self.allocate_button = QPushButton("&Allocate…")
        self.allocate_button.setToolTip("Allocate the pupils selected in the tray (Ctrl+L)")
        self.allocate_button.clicked.connect(self.allocate_from_keyboard)
        self.print_button = QPushButton("Save as P&DF…")
        self.print_button.setToolTip(
            "Save the map as a PDF (A4 or A3); File → Print… (Ctrl+P) prints it"
        )
        self.print_button.clicked.connect(self.print_map)
        bar.addStretch(1)
        actions = QHBoxLayout()
        actions.addWidget(self.cost_toggle)
        actions.addWidget(self.flip_toggle)
        actions.addWidget(self.hide_empty_toggle)
        actions.addStretch(1)
        actions.addWidget(self.allocate_button)
        actions.addWidget(self.print_button)
        rows = QVBoxLayout()
        rows.addLayout(bar)
        rows.addLayout(actions)
        return rows

    def _legend(self) -> QLabel:
        """Area colours with their names; the rows and headings also say the area."""
        from .grid_model import AREA_COLOURS

        parts = [
            f'<span style="color:{AREA_COLOURS[code.value]}">■</span> {label}'
            for code, label in AREA_LABELS.items()
        ]
        legend = ValueLabel(
            "Key: " + " &nbsp; ".join(parts) + " &nbsp; · &nbsp; ● Green ▲ Amber ■ Red delivery"
        )
        legend.setAccessibleName("Key to the map's colours and delivery symbols")
        legend.setWordWrap(True)
        return legend

    def _combo(self, name: str, first: str) -> QComboBox:
        combo = QComboBox()
        combo.setAccessibleName(name)
        combo.setToolTip(name)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(9)
        combo.addItem(first, None)
        return combo

    def _fill_people_filters(self) -> None:
        session = self.ctx.session
        for klass in session.scalars(select(SchoolClass).order_by(SchoolClass.name)):
            self.class_filter.addItem(klass.name, klass.id)
        for member in session.scalars(select(Staff).order_by(Staff.name)):
            self.staff_filter.addItem(member.name, member.id)

    def _add_actions(self) -> None:
        allocate = QAction("Allocate selected pupils…", self)
        allocate.setShortcut(QKeySequence("Ctrl+L"))
        allocate.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        allocate.triggered.connect(self.allocate_from_keyboard)
        self.addAction(allocate)
        self.tray.list.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.tray.list.addAction(allocate)
        zooms = (
            ("Zoom in", (QKeySequence.StandardKey.ZoomIn, "Ctrl+="), 1),
            ("Zoom out", (QKeySequence.StandardKey.ZoomOut,), -1),
            ("Normal size", ("Ctrl+0",), 0),
        )
        for text, keys, step in zooms:
            action = QAction(text, self)
            action.setShortcuts([QKeySequence(k) for k in keys])
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(lambda _checked=False, s=step: self.zoom(s))
            self.addAction(action)

    def zoom(self, step: int) -> None:
        """Ctrl++ / Ctrl+- / Ctrl+0: the map's text bigger, smaller or back to normal."""
        self.view.zoom(step)
        self.flipped_view.setFont(self.view.font())

    def _build_snapshot(self) -> MapSnapshot | None:
        if self.ctx.academic_year_id is None:
            return None
        try:
            return build_map(
                self.ctx.session,
                self.ctx.academic_year_id,
                self.ctx.term_name,
                filters=self.filters,
            )
        except ValueError:
            return None

    def reload(self) -> None:
        self.model.reload()
        self._apply_costs()
        self.view.apply_spans()
        self._refresh_flipped()
        self.panel.show_cell(self.model, self.view.currentIndex())

    def refresh_after_edit(self) -> None:
        """Reload the period's groups and repaint only cells; keep scroll and selection."""
        snapshot = self._build_snapshot()
        if snapshot is None:
            self.reload()
            return
        self.model.replace_snapshot_cells(snapshot)
        self._apply_costs()
        self.view.fit_rows()
        self._refresh_flipped()
        self.panel.show_cell(self.model, self.view.currentIndex())

    def _on_data_changed(self, changed: Changed) -> None:
        # Marked stale, not dropped here: freeing a big school's figures takes a
        # moment, which belongs to the deferred recalculation, not to the edit.
        self._costs_stale = True
        group_ids = set(changed.group_ids)
        others = changed.everything or bool(changed.kinds - {Kind.GROUPS})
        # A group's delivery rate depends on its sessions, not on who is in it, so a
        # map edit (allocate, move, end) leaves the shown rates as they were.
        self._rates_stale = getattr(self, "_rates_stale", False) or others or not group_ids
        if group_ids and not others and self.model.snapshot is not None:
            self.refresh_groups(group_ids)
        elif changed.touches(
            Kind.GROUPS, Kind.PUPILS, Kind.PROVISIONS, Kind.SETTINGS, Kind.DELIVERY
        ):
            self.refresh_after_edit()
        if changed.touches(Kind.PUPILS):
            self.tray.refresh()

    def refresh_groups(self, group_ids: set[int]) -> None:
        """After a map edit: reload just these groups and repaint just their rows."""
        snapshot = self.model.snapshot
        assert snapshot is not None
        changed = reload_groups(self.ctx.session, snapshot, group_ids)
        self.model.refresh_provisions(changed)
        rows = [self.model.row_of_provision(p) for p in changed]
        self.view.fit_rows([r for r in rows if r is not None])
        # The cell panel, costs and the flipped layout follow in the next turn of the
        # event loop, so the grid itself shows the drop within the frame.
        QTimer.singleShot(0, lambda: self.panel.show_cell(self.model, self.view.currentIndex()))
        self._pending_costs = True
        QTimer.singleShot(0, self._apply_pending_costs)

    def _apply_pending_costs(self) -> None:
        if getattr(self, "_pending_costs", False):
            self._pending_costs = False
            self._apply_costs()
            self._refresh_flipped()

    # -- filters, cost view, flip ---------------------------------------------------

    def _filters_changed(self) -> None:
        def chosen(combo: QComboBox) -> frozenset[Any]:
            value = combo.currentData()
            return frozenset() if value is None else frozenset({value})

        self.filters = MapFilters(
            areas=chosen(self.area_filter),
            waves=chosen(self.wave_filter),
            sen_statuses=chosen(self.sen_filter),
            class_ids=chosen(self.class_filter),
            staff_ids=chosen(self.staff_filter),
        )
        self.reload()

    def _toggle_section(self, key: tuple[Any, ...]) -> None:
        self.model.toggle_section(key)
        self.view.apply_spans()

    def _hide_empty_changed(self, hide: bool) -> None:
        self.model.set_hide_empty(hide)
        self._apply_costs()
        self.view.apply_spans()
        self._refresh_flipped()

    def _cost_view_changed(self, on: bool) -> None:
        self.model.show_costs = on
        self._apply_costs()
        self.view.fit_rows()

    def _apply_costs(self) -> None:
        """Cost per pupil in the row headings always; cell costs when the cost view is on."""
        snapshot = self.model.snapshot
        if snapshot is None:
            return
        from ...services.costing import cost_map

        key = (snapshot.academic_year_id, snapshot.term_name)
        cached = getattr(self, "_costed", None)
        fresh = cached is not None and cached[0] == key
        if fresh and not getattr(self, "_costs_stale", False):
            costed, rates = cached[1], cached[2]  # type: ignore[index]
        else:
            # Costs depend on the period and the data, not on the filters: keep them
            # until the next edit so a filter change does not cost the school again.
            costed = cost_map(
                self.ctx.session,
                snapshot.academic_year_id,
                snapshot.term_name,
                as_of=self.ctx.today,
            )
            keep_rates = fresh and not getattr(self, "_rates_stale", True)
            rates = cached[2] if keep_rates else self._group_rates(snapshot)  # type: ignore[index]
            self._costed = (key, costed, rates)
            self._costs_stale = False
            if not keep_rates:
                self._rates_stale = False
        cells: dict[tuple[int, int | None], Decimal] = {}
        per_pupil: dict[int, Decimal] = {}
        for row in snapshot.rows:
            pupils = row.totals.pupils
            spent = Decimal(0)
            for year_group_id, groups in row.cells.items():
                cell_total = sum(
                    (costed.by_group[g.id].planned for g in groups if g.id in costed.by_group),
                    Decimal(0),
                )
                cells[(row.provision_id, year_group_id)] = cell_total
                spent += cell_total
            if pupils:
                per_pupil[row.provision_id] = spent / pupils
        self.model.cell_costs = cells
        self.model.cost_per_pupil = per_pupil
        self.model.group_rates = rates
        self.model.refresh_all_cells()

    def _group_rates(self, snapshot: MapSnapshot) -> dict[int, str]:
        """Each group's delivery rate to date, as a percentage, symbol and word."""
        from ...services.delivery import delivery_rates, rag

        as_of = min(self.ctx.today, snapshot.period_end)
        if as_of < snapshot.period_start:
            return {}
        rates = delivery_rates(self.ctx.session, snapshot.academic_year_id, as_of)
        shown: dict[int, str] = {}
        for group_id, rate in rates.by_group.items():
            if rate.planned:
                word, symbol = rag(rate, self.ctx.session)
                shown[group_id] = f"{rate.percent_text} {symbol} {word}"
        return shown

    def _flip_changed(self, on: bool) -> None:
        self.stack.setCurrentIndex(1 if on else 0)
        self._refresh_flipped()

    def _refresh_flipped(self) -> None:
        if self.flip_toggle.isChecked():
            self.flipped_model.load(self.ctx.session, self.model.snapshot, self.ctx.today)

    # -- allocation -----------------------------------------------------------------

    def _period(self) -> tuple[dt.date, dt.date] | None:
        year = (
            self.ctx.session.get(AcademicYear, self.ctx.academic_year_id)
            if self.ctx.academic_year_id
            else None
        )
        if year is None:
            return None
        return period_range(year, self.ctx.term_name)

    def effective_date(self) -> dt.date:
        """Today if inside the chosen period, else its first day (future) or last (past)."""
        period = self._period()
        today = self.ctx.today
        if period is None:
            return today
        start, end = period
        return min(max(today, start), end)

    def _on_drop(
        self, provision_id: int, year_group_id: Any, ids: list[int], kind: str, index: QModelIndex
    ) -> None:
        if kind == "pupils":
            self.allocate(provision_id, year_group_id, ids, index)
        else:
            self.move_chips(provision_id, year_group_id, ids, index)

    def _request(
        self, provision_id: int, year_group_id: int | None, pupil_ids: tuple[int, ...]
    ) -> AllocationRequest | None:
        period = self._period()
        if period is None or self.ctx.academic_year_id is None or year_group_id is None:
            self.show_feedback("Choose an academic year, and drop onto a year group's column.")
            return None
        return AllocationRequest(
            provision_id=provision_id,
            year_group_id=year_group_id,
            academic_year_id=self.ctx.academic_year_id,
            period_start=period[0],
            period_end=period[1],
            pupil_ids=pupil_ids,
            join_date=self.effective_date(),
        )

    def allocate(
        self,
        provision_id: int,
        year_group_id: int | None,
        pupil_ids: list[int],
        index: QModelIndex | None = None,
        group_id: int | None = None,
    ) -> AllocateCommand | None:
        request = self._request(provision_id, year_group_id, tuple(pupil_ids))
        if request is None:
            return None
        if group_id is not None:
            request = dataclasses.replace(request, group_id=group_id)
        command = AllocateCommand(self.ctx, request, self._allocate_label(pupil_ids))
        try:
            perform(self.ctx, command)
        except (EditRefused, ValueError) as exc:
            self.ctx.session.rollback()
            self.show_feedback(str(exc), index)
            return None
        result = command.result
        assert result is not None
        if result.needs_group_choice:
            # Nothing changed and nothing was put on the undo stack: ask, then go again.
            chosen = self.group_chooser(result.choices, index or QModelIndex(), False)
            if chosen is None:
                self.show_feedback("Allocation cancelled: no group chosen.", index)
                return None
            return self.allocate(provision_id, year_group_id, pupil_ids, index, chosen)
        messages = list(result.warnings)
        if result.skipped_pupil_ids:
            messages.append(f"{len(result.skipped_pupil_ids)} already in this group: skipped.")
        joined = len(result.created_memberships)
        text = f"Allocated {joined} pupil{'s' if joined != 1 else ''}."
        self.show_feedback(" ".join([text, *messages]), index, warning=bool(messages))
        return command

    def _allocate_label(self, pupil_ids: list[int]) -> str:
        if len(pupil_ids) == 1:
            pupil = self.model.snapshot.pupils.get(pupil_ids[0]) if self.model.snapshot else None
            name = pupil.display_name if pupil else self._pupil_name(pupil_ids[0])
            return f"allocate {name}"
        return f"allocate {len(pupil_ids)} pupils"

    def _pupil_name(self, pupil_id: int) -> str:
        from ...models import Pupil

        pupil = self.ctx.session.get(Pupil, pupil_id)
        return pupil.display_name if pupil else "pupil"

    def move_chips(
        self,
        provision_id: int,
        year_group_id: int | None,
        membership_ids: list[int],
        index: QModelIndex | None = None,
    ) -> SavedCommand | None:
        session = self.ctx.session
        memberships = [session.get(GroupMembership, m) for m in membership_ids]
        if not memberships or any(m is None for m in memberships):
            return None
        source_group_ids = {m.group_id for m in memberships if m is not None}
        groups = (
            self.model.snapshot.cell(provision_id, year_group_id) if self.model.snapshot else []
        )
        targets = [g for g in groups if g.id not in source_group_ids]
        same_cell = any(g.id in source_group_ids for g in groups)
        names = ", ".join(self._pupil_name(m.pupil_id) for m in memberships if m is not None)
        command: SavedCommand
        if not targets and not same_cell:
            # An empty cell: start a group there with the provision's defaults.
            request = self._request(provision_id, year_group_id, ())
            if request is None:
                return None
            command = MoveToCellCommand(self.ctx, request, membership_ids, f"move {names}")
        else:
            if len(targets) == 1 and not same_cell:
                to_group: int | None = targets[0].id
            else:
                choices = [
                    GroupChoice(
                        g.id, g.name, g.staff_name, g.start_date, g.end_date, len(g.members)
                    )
                    for g in targets
                ]
                to_group = self.group_chooser(choices, index or QModelIndex(), True)
                if to_group is None:
                    return None
            if to_group == NEW_GROUP:
                command = MoveCommand(
                    self.ctx,
                    membership_ids,
                    self.effective_date(),
                    f"move {names} to a new group",
                    new_group_from=next(iter(source_group_ids)) if same_cell else targets[0].id,
                )
            else:
                command = MoveCommand(
                    self.ctx,
                    membership_ids,
                    self.effective_date(),
                    f"move {names}",
                    to_group_id=to_group,
                )
        if self._perform(command, index):
            self.show_feedback(f"Moved {names}.", index)
            return command
        return None

    def end_allocations(self, membership_ids: list[int], quiet: bool = False) -> bool:
        if not membership_ids:
            return False
        session = self.ctx.session
        names = ", ".join(
            self._pupil_name(m.pupil_id)
            for m in (session.get(GroupMembership, i) for i in membership_ids)
            if m is not None
        )
        command = EndCommand(
            self.ctx, membership_ids, self.effective_date(), f"end allocation of {names}"
        )
        done = self._perform(command, None)
        if done and not quiet:
            self.show_feedback(
                f"Ended the allocation of {names} on {self.effective_date():%d/%m/%Y}. "
                "History is kept; Ctrl+Z undoes it."
            )
        return done

    def end_selected_chips(self) -> None:
        chips = self.panel.selected_membership_ids()
        if not chips:
            self.show_feedback("Choose a pupil in the cell panel first, then press Delete.")
            return
        self.end_allocations(chips)

    def _perform(self, command: SavedCommand, index: QModelIndex | None) -> bool:
        try:
            perform(self.ctx, command)
        except (EditRefused, ValueError) as exc:
            self.ctx.session.rollback()
            self.show_feedback(str(exc), index)
            return False
        return True

    def allocate_from_keyboard(self) -> None:
        from .allocate_dialog import AllocateDialog

        pupil_ids = self.tray.selected_pupil_ids()
        if not pupil_ids:
            self.show_feedback("Select one or more pupils in the tray first.")
            self.tray.list.setFocus()
            return
        dialog = AllocateDialog(self.ctx, pupil_ids, self)
        if dialog.exec():
            provision_id, year_group_id = dialog.choice()
            row = self.model.row_of_provision(provision_id)
            column = self.model.column_of_year_group(year_group_id)
            index = (
                self.model.index(row, column) if row is not None and column is not None else None
            )
            self.allocate(provision_id, year_group_id, pupil_ids, index)

    def move_from_keyboard(self, membership_ids: list[int]) -> None:
        """Move… from the cell panel: the same move as dragging the chips to a cell."""
        from .allocate_dialog import AllocateDialog

        session = self.ctx.session
        memberships = [session.get(GroupMembership, m) for m in membership_ids]
        pupil_ids = [m.pupil_id for m in memberships if m is not None]
        if not pupil_ids:
            return
        dialog = AllocateDialog(self.ctx, pupil_ids, self, title="Move pupils to")
        first = memberships[0]
        if first is not None:
            dialog.select(first.group.provision_id, first.group.year_group_id or 0)
        if dialog.exec():
            provision_id, year_group_id = dialog.choice()
            row = self.model.row_of_provision(provision_id)
            column = self.model.column_of_year_group(year_group_id)
            index = (
                self.model.index(row, column) if row is not None and column is not None else None
            )
            self.move_chips(provision_id, year_group_id, membership_ids, index)

    # -- cells and groups -----------------------------------------------------------

    def _cell_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.panel.show_cell(self.model, current)

    def _chip_clicked(self, chip: Chip) -> None:
        self.panel.select_membership(chip.membership_id)
        self.ctx.pupil_selected.emit(chip.pupil_id)

    def open_cell(self, index: QModelIndex) -> None:
        groups = self.model.cell_groups(index)
        if len(groups) == 1:
            self.open_group(groups[0].id)
        elif groups:
            choices = [
                GroupChoice(g.id, g.name, g.staff_name, g.start_date, g.end_date, len(g.members))
                for g in groups
            ]
            chosen = self.group_chooser(choices, index, False)
            if chosen not in (None, NEW_GROUP):
                self.open_group(chosen)  # type: ignore[arg-type]

    def split_group(self, group_id: int) -> SavedCommand | None:
        """Split group…: the pupils ticked go to a new group with this one's staff,
        slot and dates, from the day the map is showing; one undo step."""
        from .split_dialog import SplitDialog

        group = self.ctx.session.get(ProvisionGroup, group_id)
        if group is None:
            return None
        day = self.effective_date()
        current = [
            (m.id, m.pupil.display_name)
            for m in sorted(group.memberships, key=lambda m: m.pupil.display_name)
            if m.join_date <= day and (m.leave_date is None or m.leave_date >= day)
        ]
        if len(current) < 2:
            self.show_feedback("A group needs two or more pupils to split.")
            return None
        dialog = SplitDialog(group.name or group.provision.name, current, self)
        if dialog.exec() != SplitDialog.DialogCode.Accepted or not dialog.chosen():
            return None
        chosen = dialog.chosen()
        names = ", ".join(name for m, name in current if m in chosen)
        command = MoveCommand(
            self.ctx, chosen, day, f"split {names} into a new group", new_group_from=group_id
        )
        if self._perform(command, None):
            self.show_feedback(f"Split: {names} now in a new group with the same slot.")
            return command
        return None

    def open_group(self, group_id: int) -> None:
        from .group_dialog import GroupDialog

        group = self.ctx.session.get(ProvisionGroup, group_id)
        if group is None:
            return
        GroupDialog(self.ctx, group_id, self).exec()

    # -- feedback -------------------------------------------------------------------

    def show_feedback(
        self, text: str, index: QModelIndex | None = None, *, warning: bool = False
    ) -> None:
        prefix = "⚠ " if warning else ""
        self.feedback.setText(prefix + text)
        if index is not None and index.isValid() and self.view.isVisible():
            QTimer.singleShot(0, lambda: self._show_tip(index, prefix + text))

    def _show_tip(self, index: QModelIndex, text: str) -> None:
        rect = self.view.visualRect(index)
        QToolTip.showText(self.view.viewport().mapToGlobal(rect.center()), text, self.view)

    def _choose_group_from_menu(
        self, choices: list[GroupChoice], index: QModelIndex, allow_new: bool
    ) -> int | None:
        menu = QMenu(self)
        menu.setAccessibleName("Choose a group")
        for choice in choices:
            label = " · ".join(
                x
                for x in (
                    choice.name or "Group",
                    choice.staff_name,
                    f"{choice.members} pupils",
                    f"{choice.start_date:%d/%m/%Y}–{choice.end_date:%d/%m/%Y}",
                )
                if x
            )
            menu.addAction(label).setData(choice.group_id)
        if allow_new:
            menu.addSeparator()
            menu.addAction("New group").setData(NEW_GROUP)
        if not menu.actions():
            QMessageBox.information(self, "No group", "There is no other group to move to.")
            return None
        rect = self.view.visualRect(index) if index.isValid() else self.view.rect()
        picked = menu.exec(self.view.viewport().mapToGlobal(rect.center()))
        return picked.data() if picked is not None else None

    def printable(self) -> Printable | None:
        """File → Print…: the map as shown (period and filters), on landscape A4."""
        ctx = self.ctx
        year_id = ctx.academic_year_id
        if year_id is None:
            return None
        from ...reports.map_pdf import write_map_pdf

        return Printable(
            "provision map",
            lambda path: write_map_pdf(
                ctx.session,
                path,
                academic_year_id=year_id,
                term_name=ctx.term_name,
                page_size="A4",
                filters=self.filters,
            ),
        )

    def print_map(self) -> None:
        from .print_dialog import print_map

        print_map(self)
