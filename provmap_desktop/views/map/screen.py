"""The provision map screen: pupil tray, the grid (or its flipped form), and the cell panel."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QSplitter, QStackedWidget, QToolTip, QVBoxLayout, QWidget

from ...domain.change import Changed, Kind
from ...models import ProvisionGroup
from ...services.map_building import build_map, reload_groups
from ...services.provision_map import MapFilters, MapSnapshot
from ...ui.context import AppContext
from ...ui.printing import Printable
from ...ui.speech import ValueLabel
from .cell_costs import cell_costs, group_rates
from .cell_panel import CellPanel
from .chips import Chip
from .controller import NEW_GROUP, GroupChooser, MapEditor, choices_of
from .filter_bar import MapFilterBar, map_legend
from .flipped import FlippedModel, FlippedView
from .grid_model import MapGridModel
from .grid_view import MapView
from .tray import PupilTray

__all__ = ["NEW_GROUP", "GroupChooser", "MapScreen"]


class MapScreen(QWidget):
    """The map: the tray of pupils, the grid of provisions by year group, the cell panel.

    Drops, keys and buttons that change allocations go to ``editor`` (a ``MapEditor``);
    this class builds the widgets and repaints what an edit touched.
    """

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.filters = MapFilters()
        #: Maps built since the data last changed, by period and filters: switching a
        #: filter back and forth reads the database once for each choice.
        self._built: dict[tuple[Any, ...], MapSnapshot] = {}
        self.editor = MapEditor(self)
        self.group_chooser: GroupChooser = self.editor.choose_group_from_menu
        self.feedback = ValueLabel(announces=True)
        self.feedback.setWordWrap(True)
        self.feedback.setAccessibleName("Map messages")

        self.tray = PupilTray(ctx)
        self.tray.pupil_chosen.connect(ctx.pupil_selected.emit)
        self.tray.end_requested.connect(self.end_allocations)
        self._build_grid()
        self.panel = CellPanel(ctx)
        self.panel.end_requested.connect(self.end_allocations)
        self.panel.move_requested.connect(self.editor.move_from_keyboard)
        self.panel.open_group_requested.connect(self.open_group)
        self.panel.split_requested.connect(self.split_group)
        self._build_filter_bar()
        self._lay_out()
        self._add_actions()
        self._apply_permissions()

        ctx.period_changed.connect(self.reload)
        ctx.data_changed.connect(self._on_data_changed)

    def _build_grid(self) -> None:
        """The grid of provisions by year group, and its flipped form, in one stack."""
        # Filled by ``reload()`` once the period is known (the shell calls it when it
        # builds the screen), so the school's map is built once at start, not twice.
        self.model = MapGridModel(
            self._build_snapshot, today=lambda: self.ctx.today, load_now=False
        )
        self.model.drop_requested.connect(self.editor.on_drop)
        self.view = MapView()
        self.view.setModel(self.model)
        self.view.apply_spans()
        self.view.section_toggled.connect(self._toggle_section)
        self.view.open_requested.connect(self.open_cell)
        self.view.delete_requested.connect(self.editor.end_selected_chips)
        self.view.chip_clicked.connect(self._chip_clicked)
        self.view.new_group_dropped.connect(self.editor.drop_on_new_group)
        self.view.selectionModel().currentChanged.connect(self._cell_changed)
        self.flipped_model = FlippedModel()
        self.flipped_view = FlippedView()
        self.flipped_view.setModel(self.flipped_model)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.flipped_view)

    def _lay_out(self) -> None:
        """The tray, the filters and grid, and the cell panel side by side."""
        splitter = QSplitter()
        splitter.addWidget(self.tray)
        centre = QWidget()
        centre_layout = QVBoxLayout(centre)
        centre_layout.setContentsMargins(0, 0, 0, 0)
        centre_layout.addWidget(self.filter_bar)
        centre_layout.addWidget(map_legend())
        centre_layout.addWidget(self.feedback)
        centre_layout.addWidget(self.stack, 1)
        splitter.addWidget(centre)
        splitter.addWidget(self.panel)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 4)
        splitter.setStretchFactor(2, 1)
        # The cell panel starts wide enough, at 1366, for a pupil's name and both dates.
        splitter.setSizes([190, 1000, 260])
        layout = self.main_layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        # The map takes every spare line: a note above it is only as tall as its words.
        layout.addWidget(splitter, 1)

    def _build_filter_bar(self) -> None:
        """The filter bar, with its widgets also named on the screen for tests and keys."""
        bar = self.filter_bar = MapFilterBar(self.ctx.session, self.model.hide_empty)
        self.area_filter, self.wave_filter, self.sen_filter = bar.combos()[:3]
        self.class_filter, self.staff_filter = bar.combos()[3:]
        self.cost_toggle = bar.cost_toggle
        self.flip_toggle = bar.flip_toggle
        self.hide_empty_toggle = bar.hide_empty_toggle
        bar.filters_changed.connect(self._filters_changed)
        bar.cost_toggle.toggled.connect(self._cost_view_changed)
        bar.flip_toggle.toggled.connect(self._flip_changed)
        bar.hide_empty_toggle.toggled.connect(self._hide_empty_changed)
        bar.allocate_button.clicked.connect(self.allocate_from_keyboard)
        bar.print_button.clicked.connect(self.print_map)

    # -- the edits, made by the editor ------------------------------------------------

    def effective_date(self) -> Any:
        """Today if inside the period shown, else its first day (future) or last (past)."""
        return self.editor.effective_date()

    def allocate(self, *args: Any, **kwargs: Any) -> Any:
        """Allocate pupils to a cell (see ``MapEditor.allocate``)."""
        return self.editor.allocate(*args, **kwargs)

    def move_chips(self, *args: Any, **kwargs: Any) -> Any:
        """Move allocations to a cell (see ``MapEditor.move_chips``)."""
        return self.editor.move_chips(*args, **kwargs)

    def end_allocations(self, membership_ids: list[int], quiet: bool = False) -> bool:
        """End allocations on the day the map shows."""
        return self.editor.end_allocations(membership_ids, quiet)

    def split_group(self, group_id: int) -> Any:
        """Split group… from the cell panel (see ``MapEditor.split_group``)."""
        return self.editor.split_group(group_id)

    def allocate_from_keyboard(self) -> None:
        """Ctrl+L or Allocate…: allocate the tray's selected pupils by name."""
        self.editor.allocate_from_keyboard()

    def cell_of(self, provision_id: int, year_group_id: int) -> QModelIndex | None:
        """The grid's cell for a provision and year group, when it is shown."""
        row = self.model.row_of_provision(provision_id)
        column = self.model.column_of_year_group(year_group_id)
        return self.model.index(row, column) if row is not None and column is not None else None

    # -- building -------------------------------------------------------------------

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

    def _apply_permissions(self) -> None:
        """A login that may not change the map sees it read-only, and is told why."""
        why = self.ctx.permissions.why_not_edit
        self.read_only_note = ValueLabel(why)
        self.read_only_note.setWordWrap(True)
        self.read_only_note.setAccessibleName("Why the map cannot be changed")
        self.read_only_note.setVisible(bool(why))
        self.main_layout.insertWidget(0, self.read_only_note)
        if not why:
            return
        self.model.takes_drops = False
        self.tray.list.setDragEnabled(False)
        self.panel.tree.setDragEnabled(False)
        for control in (
            self.filter_bar.allocate_button,
            self.panel.end_button,
            self.panel.move_button,
            self.panel.split_button,
        ):
            control.setEnabled(False)
            control.setToolTip(why)
        for action in self.actions():
            if action.text().startswith("Allocate"):
                action.setEnabled(False)

    def zoom(self, step: int) -> None:
        """Ctrl++ / Ctrl+- / Ctrl+0: the map's text bigger, smaller or back to normal."""
        self.view.zoom(step)
        self.flipped_view.setFont(self.view.font())

    def _build_snapshot(self) -> MapSnapshot | None:
        if self.ctx.academic_year_id is None:
            return None
        key = (self.ctx.academic_year_id, self.ctx.term_name, self.filters)
        built = self._built.get(key)
        if built is not None:
            return built
        try:
            built = build_map(
                self.ctx.session,
                self.ctx.academic_year_id,
                self.ctx.term_name,
                filters=self.filters,
            )
        except ValueError:
            return None
        if len(self._built) >= 4:
            self._built.clear()
        self._built[key] = built
        return built

    def forget_built(self) -> None:
        """The data changed: every map kept is out of date (the shown one is brought up
        to date in place, or built again)."""
        self._built.clear()

    def reload(self, *, tray: bool = True) -> None:
        self.model.reload()
        if tray:  # which pupils the year's map can take depends on the year
            self.tray.refresh()
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
        self.forget_built()
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

    def _filters_changed(self, filters: MapFilters) -> None:
        self.filters = filters
        self.reload(tray=False)  # the tray has filters of its own

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
        from ...services.memo import year_costs

        key = (snapshot.academic_year_id, snapshot.term_name)
        cached = getattr(self, "_costed", None)
        fresh = cached is not None and cached[0] == key
        if fresh and not getattr(self, "_costs_stale", False):
            costed, rates = cached[1], cached[2]  # type: ignore[index]
        else:
            # Costs depend on the period and the data, not on the filters: keep them
            # until the next edit so a filter change does not cost the school again.
            if snapshot.term_name is None:  # the whole year: shared with the checks
                costed = year_costs(self.ctx.session, snapshot.academic_year_id, self.ctx.today)
            else:
                costed = cost_map(
                    self.ctx.session,
                    snapshot.academic_year_id,
                    snapshot.term_name,
                    as_of=self.ctx.today,
                )
            keep_rates = fresh and not getattr(self, "_rates_stale", True)
            rates = (
                cached[2]  # type: ignore[index]
                if keep_rates
                else group_rates(self.ctx.session, snapshot, self.ctx.today)
            )
            self._costed = (key, costed, rates)
            self._costs_stale = False
            if not keep_rates:
                self._rates_stale = False
        self.model.cell_costs, self.model.cost_per_pupil = cell_costs(snapshot, costed)
        self.model.group_rates = rates
        self.model.refresh_all_cells()

    def _flip_changed(self, on: bool) -> None:
        self.stack.setCurrentIndex(1 if on else 0)
        self._refresh_flipped()

    def _refresh_flipped(self) -> None:
        if self.flip_toggle.isChecked():
            self.flipped_model.load(self.ctx.session, self.model.snapshot, self.ctx.today)

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
            chosen = self.group_chooser(choices_of(groups), index, False)
            if chosen not in (None, NEW_GROUP):
                self.open_group(chosen)  # type: ignore[arg-type]

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
