"""The provision catalogue: every provision the school can run, with its defaults.

The table edits the numbers in place; the panel beside it holds the longer text
(description, entry and exit criteria) and the suitable year groups. Every change is
saved at once and can be undone. Retiring a provision hides it from new allocations
but keeps its history.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QItemSelection, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..domain import provisions
from ..domain.change import Changed, Kind
from ..models import FundingStream, Provision, StaffRole, YearGroup
from ..models.vocab import AREA_LABELS, AreaOfNeed
from ..ui.context import AppContext
from ..ui.edits import DomainEdit, EditRefused, perform
from ..ui.entity_table import Column, EntityTableModel, install_delegates
from ..ui.fitted_rows import FittedRowsTable
from ..ui.speech import ValueLabel

KIND = Kind.PROVISIONS
#: The name is always shown; beside it, the area, wave and timings, or (with "Show
#: costs and funding") who delivers it, the costs, the funding and whether retired.
ALWAYS = {0}
COSTS = {3, 4, 9, 10, 11, 12}
#: Starting widths; the name column stretches into what is left.
COLUMN_WIDTHS = {1: 160, 2: 48, 3: 125, 4: 110, 5: 66, 6: 70, 7: 58, 8: 80}
COLUMN_WIDTHS.update({9: 85, 10: 120, 11: 120, 12: 62})
LONG_FIELDS = (
    ("description", "Description"),
    ("entry_criteria", "Entry criteria"),
    ("exit_criteria", "Exit criteria"),
)


class ProvisionsScreen(QWidget):
    """The catalogue table, edited in place, beside the chosen provision's details."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        """Build the filter bar and table beside the details panel."""
        super().__init__(parent)
        self.ctx = ctx
        self.current_id: int | None = None
        self.message = ValueLabel(announces=True)
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Provisions message")
        self.show_retired = QCheckBox("Show &retired")
        self._build_table()
        top = self._top_bar()
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addLayout(top)
        left_layout.addWidget(self.table, 1)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self._detail_panel())
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(splitter, 1)
        ctx.data_changed.connect(self._on_data_changed)
        self._show_detail(None)

    def _build_table(self) -> None:
        """Make the catalogue's model, its name filter and the sortable table showing it."""
        self.model = EntityTableModel(
            self.ctx, Provision, self._columns(), self._load, KIND, "provision", provisions.update
        )
        self.show_retired.toggled.connect(lambda _on: self.model.reload())
        self.model.edit_refused.connect(self.message.setText)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(0)
        self.table = FittedRowsTable()
        self.table.setModel(self.proxy)
        self.table.setAccessibleName("Provision catalogue")
        self.table.setTabKeyNavigation(False)  # Tab leaves; arrows move, F2 edits
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # The names take what the other columns leave, so the table fits across a
        # 1366 laptop at 125 % without scrolling sideways.
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(40)
        # A long name ("Structured cumulative literacy programme"), role or funding stream
        # goes onto a second line instead of being cut to "Structured cumul…": at 125 %
        # the names' column may be only 130 pixels wide. Rows take the height they need
        # (``FittedRowsTable`` wraps the text and fits the rows to it).
        for column, width in COLUMN_WIDTHS.items():
            self.table.setColumnWidth(column, width)
        self.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
        self.show_costs = QCheckBox("Show co&sts and funding")
        self.show_costs.setToolTip(
            "Show who delivers each provision, its costs, its funding and whether it "
            "is retired, in place of its area, wave and timings"
        )
        self.show_costs.toggled.connect(self._show_columns)
        self._show_columns(False)
        install_delegates(self.table, self.model)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)

    def _show_columns(self, costs: bool) -> None:
        """The area, wave and timings (the usual view) or the costs, beside the names.

        All thirteen at once need about 1,400 pixels: more than a school laptop has.
        """
        for column in range(self.model.columnCount()):
            shown = column in ALWAYS or (column in COSTS) == costs
            self.table.setColumnHidden(column, not shown)

    def _top_bar(self) -> QHBoxLayout:
        """Make the name filter, the Show retired box and the Add provision button."""
        self.search = QLineEdit()
        self.search.setPlaceholderText("Filter provisions by name")
        self.search.setAccessibleName("Filter provisions by name")
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        add = QPushButton("&Add provision")
        add.clicked.connect(self.add_provision)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.show_costs)
        top.addWidget(self.show_retired)
        top.addWidget(add)
        return top

    # -- table ----------------------------------------------------------------------

    def _columns(self) -> list[Column]:
        """The catalogue's columns and how each is edited."""
        session = self.ctx.session

        def roles() -> list[tuple[Any, str]]:
            """The staff roles to choose from, and none."""
            query = select(StaffRole).order_by(StaffRole.name)
            return [(None, "(none)")] + [(r.id, r.name) for r in session.scalars(query)]

        def streams() -> list[tuple[Any, str]]:
            """The funding streams to choose from, and none."""
            query = select(FundingStream).order_by(FundingStream.name)
            return [(None, "(none)")] + [(f.id, f.name) for f in session.scalars(query)]

        return [
            Column("name", "Provision"),
            Column("area", "Area of need", "choice", choices=lambda: list(AREA_LABELS.items())),
            Column("wave", "Wave", "choice", choices=lambda: [(1, "1"), (2, "2"), (3, "3")]),
            Column("delivered_by_role_id", "Delivered by", "choice", choices=roles),
            Column("external_agency", "Agency"),
            Column("session_minutes", "Minutes", "int"),
            Column("sessions_per_week", "Per week", "int"),
            Column("weeks", "Weeks", "int"),
            Column("group_size", "Group size", "int"),
            Column("resources_cost", "Resources", "money"),
            Column("external_cost_per_session", "External / session", "money"),
            Column("funding_stream_id", "Funding", "choice", choices=streams),
            Column("retired", "Retired", "bool"),
        ]

    def _load(self) -> list[Provision]:
        """The provisions to list, by area, wave and name; retired ones only if asked."""
        query = (
            select(Provision)
            .options(selectinload(Provision.suitable_year_groups))
            .order_by(Provision.area, Provision.wave, Provision.name)
        )
        if not self.show_retired.isChecked():
            query = query.where(Provision.retired.is_(False))
        return list(self.ctx.session.scalars(query))

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        """Show the details of the provision chosen in the table."""
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            self._show_detail(None)
            return
        source = self.proxy.mapToSource(rows[0])
        self._show_detail(self.model.rows[source.row()])  # type: ignore[arg-type]

    # -- detail panel ---------------------------------------------------------------

    def _detail_panel(self) -> QWidget:
        """Make the details panel: the longer texts and the suitable year groups."""
        panel = QGroupBox("Details")
        form = QFormLayout(panel)
        self.title = QLabel()
        self.title.setWordWrap(True)
        form.addRow(self.title)
        self.long_edits: dict[str, QPlainTextEdit] = {}
        for field, label in LONG_FIELDS:
            edit = QPlainTextEdit()
            edit.setAccessibleName(label)
            edit.setTabChangesFocus(True)
            edit.setMaximumHeight(90)
            self.long_edits[field] = edit
            form.addRow(label, edit)
            edit.installEventFilter(self)
        self.year_boxes: dict[int, QCheckBox] = {}
        years_box = QGroupBox("Suitable year groups (none ticked: all)")
        self.years_grid = QGridLayout(years_box)
        form.addRow(years_box)
        return panel

    def eventFilter(self, watched: Any, event: Any) -> bool:
        """Save a longer text when its box loses the focus."""
        from PySide6.QtCore import QEvent

        if event.type() == QEvent.Type.FocusOut:
            for field, edit in self.long_edits.items():
                if edit is watched:
                    self._save_text(field)
        return super().eventFilter(watched, event)

    def _rebuild_year_boxes(self) -> None:
        """Make a box for each of the school's year groups, three to a row."""
        while self.years_grid.count():
            item = self.years_grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.year_boxes = {}
        years = self.ctx.session.scalars(select(YearGroup).order_by(YearGroup.sort_order))
        for number, year in enumerate(years):
            box = QCheckBox(year.name)
            box.setAccessibleName(f"Suitable for {year.name}")
            box.toggled.connect(lambda on, y=year.id: self._toggle_year(y, on))
            self.year_boxes[year.id] = box
            self.years_grid.addWidget(box, number // 3, number % 3)

    def _show_detail(self, provision: Provision | None) -> None:
        """Show the provision's texts and year groups, or empty, disabled fields."""
        self.current_id = provision.id if provision else None
        enabled = provision is not None
        for edit in self.long_edits.values():
            edit.setEnabled(enabled)
        if not self.year_boxes:
            self._rebuild_year_boxes()
        if provision is None:
            self.title.setText("Choose a provision to see its details.")
            for edit in self.long_edits.values():
                edit.setPlainText("")
            for box in self.year_boxes.values():
                box.blockSignals(True)
                box.setChecked(False)
                box.setEnabled(False)
                box.blockSignals(False)
            return
        area = AREA_LABELS.get(AreaOfNeed(provision.area), provision.area)
        self.title.setText(f"<b>{provision.name}</b><br>{area} · wave {provision.wave}")
        for field, edit in self.long_edits.items():
            edit.setPlainText(getattr(provision, field))
        suitable = {y.id for y in provision.suitable_year_groups}
        for year_id, box in self.year_boxes.items():
            box.blockSignals(True)
            box.setEnabled(True)
            box.setChecked(year_id in suitable)
            box.blockSignals(False)

    def _current(self) -> Provision | None:
        """The provision whose details are shown, if any."""
        if self.current_id is None:
            return None
        return self.ctx.session.get(Provision, self.current_id)

    def _save_text(self, field: str) -> None:
        """Save one of the longer texts when it differs from the saved one."""
        provision = self._current()
        if provision is None:
            return
        text = self.long_edits[field].toPlainText()
        if text == getattr(provision, field):
            return
        label = f"change {field.replace('_', ' ')} of {provision.name}"
        key = provision.id
        self._perform(
            DomainEdit(
                self.ctx, label, lambda session: provisions.update(session, key, field, text)
            )
        )

    def _toggle_year(self, year_id: int, on: bool) -> None:
        """Mark the provision suitable, or not, for one year group."""
        provision = self._current()
        year = self.ctx.session.get(YearGroup, year_id)
        if provision is None or year is None:
            return
        verb = "mark" if on else "unmark"
        label = f"{verb} {provision.name} as suitable for {year.name}"
        key = provision.id
        self._perform(
            DomainEdit(
                self.ctx,
                label,
                lambda session: provisions.set_suitable(session, key, year_id, on),
            )
        )

    # -- actions --------------------------------------------------------------------

    def add_provision(self) -> None:
        """Add a provision with an unused name and choose it."""
        name = provisions.unused_name(self.ctx.session, "New provision")
        edit = DomainEdit(self.ctx, "add provision", lambda session: provisions.add(session, name))
        self._perform(edit)
        if isinstance(edit.change, provisions.ProvisionAdded):
            self.select_provision(edit.change.provision_id)

    def select_provision(self, provision_id: int) -> None:
        """Choose the row of `provision_id` and scroll to it."""
        for row, provision in enumerate(self.model.rows):
            if provision.id == provision_id:  # type: ignore[attr-defined]
                index = self.proxy.mapFromSource(self.model.index(row, 0))
                self.table.selectRow(index.row())
                self.table.scrollTo(index)
                return

    def _perform(self, command: DomainEdit) -> None:
        """Run an edit, showing its refusal, if any."""
        try:
            perform(self.ctx, command)
        except EditRefused as exc:
            self.message.setText(str(exc))

    def _on_data_changed(self, changed: Changed) -> None:
        """Show the chosen provision again when provisions or settings change."""
        if changed.touches(KIND, Kind.SETTINGS):
            current = self.current_id
            if current is not None:
                self.select_provision(current)
                self._show_detail(self._current())
