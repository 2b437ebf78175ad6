"""The map turned round: provisions as rows, pupils as columns, with delivery rates."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget
from sqlalchemy.orm import Session

from ...services.delivery import DeliveryRates, delivery_rates, rag
from ...services.flipped_map import FlippedMap, flipped_map
from ...services.provision_map import MapSnapshot

Index = QModelIndex | QPersistentModelIndex


class FlippedModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self.flipped: FlippedMap | None = None
        self.rates: DeliveryRates | None = None
        self.session: Session | None = None

    def load(self, session: Session, snapshot: MapSnapshot | None, today: dt.date) -> None:
        self.beginResetModel()
        self.session = session
        self.flipped = flipped_map(snapshot) if snapshot is not None else None
        self.rates = (
            delivery_rates(session, snapshot.academic_year_id, min(today, snapshot.period_end))
            if snapshot is not None
            else None
        )
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() or self.flipped is None else len(self.flipped.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() or self.flipped is None else len(self.flipped.pupils)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if self.flipped is None or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.AccessibleTextRole,
        ):
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.flipped.pupils[section].display_name.replace(" ", "\n", 1)
        row = self.flipped.rows[section]
        return f"{row.name} (W{row.wave})"

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if self.flipped is None or not index.isValid():
            return None
        row = self.flipped.rows[index.row()]
        pupil = self.flipped.pupils[index.column()]
        cell = self.flipped.cell(row.provision_id, pupil.id)
        if cell is None:
            if role == Qt.ItemDataRole.AccessibleTextRole:
                return f"{pupil.display_name}: not in {row.name}"
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            text = "✓"
            rate = (
                self.rates.by_pupil_provision.get((pupil.id, row.provision_id))
                if self.rates
                else None
            )
            if rate is not None and rate.planned:
                word, symbol = rag(rate, self.session)
                text = f"✓ {rate.percent_text} {symbol} {word}"
            if role == Qt.ItemDataRole.AccessibleTextRole:
                return f"{pupil.display_name} in {row.name}: {text.replace('✓', 'allocated')}"
            return text
        if role == Qt.ItemDataRole.ToolTipRole:
            parts = [
                f"{g.staff_name or 'Group'} {g.slot_text} from {m.join_date:%d/%m/%Y}"
                for g, m in cell.allocations
            ]
            return "\n".join(parts)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None


class FlippedView(QTableView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Flipped map: provisions by pupils")
        self.setTabKeyNavigation(False)  # Tab leaves the table; arrows move inside
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.horizontalHeader().setDefaultSectionSize(96)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.verticalHeader().setMaximumWidth(280)
