"""The map's filter bar: area, wave, SEN status, class and staff, and the view toggles.

``MapFilterBar`` holds the widgets and says when the filters change; the screen
decides what the toggles and buttons do.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QPushButton, QVBoxLayout, QWidget
from sqlalchemy import select
from sqlalchemy.orm import Session

from ...models import SchoolClass, Staff
from ...models.vocab import AREA_LABELS, SenStatus
from ...services.provision_map import MapFilters
from ...ui.colours import AREA_COLOURS
from ...ui.speech import ValueLabel


def _combo(name: str, first: str) -> QComboBox:
    combo = QComboBox()
    combo.setAccessibleName(name)
    combo.setToolTip(name)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(9)
    combo.addItem(first, None)
    return combo


def map_legend() -> ValueLabel:
    """The key under the filters: area colours with their names, and the delivery symbols.

    The rows and headings also say the area in words; colour is never the only cue.
    """
    parts = [
        f'<span style="color:{AREA_COLOURS[code.value]}">■</span>&nbsp;{label}'
        for code, label in AREA_LABELS.items()
    ]
    # A symbol never ends a line apart from its words: no break between them.
    bands = "●&nbsp;Green ▲&nbsp;Amber ■&nbsp;Red&nbsp;delivery"
    legend = ValueLabel("Key: " + " &nbsp; ".join(parts) + f" &nbsp; · &nbsp; {bands}")
    legend.setAccessibleName("Key to the map's colours and delivery symbols")
    legend.setWordWrap(True)
    return legend


class MapFilterBar(QWidget):
    """Two rows: the five filters, then the cost, flip and hide toggles and two buttons."""

    #: The filters chosen now, as a ``MapFilters``.
    filters_changed = Signal(object)

    def __init__(self, session: Session, hide_empty: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.area_filter = _combo("Area of need filter", "All areas")
        for code, label in AREA_LABELS.items():
            self.area_filter.addItem(label, code.value)
        self.wave_filter = _combo("Wave filter", "All waves")
        for wave in (1, 2, 3):
            self.wave_filter.addItem(f"Wave {wave}", wave)
        self.sen_filter = _combo("SEN status filter for the map", "Any SEN status")
        for status in SenStatus:
            self.sen_filter.addItem(status.label, status.value)
        self.class_filter = _combo("Class filter for the map", "All classes")
        for klass in session.scalars(select(SchoolClass).order_by(SchoolClass.name)):
            self.class_filter.addItem(klass.name, klass.id)
        self.staff_filter = _combo("Member of staff filter", "All staff")
        for member in session.scalars(select(Staff).order_by(Staff.name)):
            self.staff_filter.addItem(member.name, member.id)
        bar = QHBoxLayout()
        for combo in self.combos():
            bar.addWidget(combo)
            combo.currentIndexChanged.connect(lambda _i: self.filters_changed.emit(self.filters()))
        bar.addStretch(1)
        self.cost_toggle = QCheckBox("&Costs")
        self.cost_toggle.setAccessibleName("Show costs on the map")
        self.flip_toggle = QCheckBox("F&lip: provisions × pupils")
        self.flip_toggle.setAccessibleName("Flip the map to provisions by pupils")
        self.hide_empty_toggle = QCheckBox("Hide &unused provisions")
        self.hide_empty_toggle.setAccessibleName("Hide provisions with no groups this period")
        self.hide_empty_toggle.setToolTip(
            "Untick to see every provision in the catalogue, to drop pupils onto one"
        )
        self.hide_empty_toggle.setChecked(hide_empty)
        self.allocate_button = QPushButton("&Allocate…")
        self.allocate_button.setToolTip("Allocate the pupils selected in the tray (Ctrl+L)")
        self.print_button = QPushButton("Save as P&DF…")
        self.print_button.setToolTip(
            "Save the map as a PDF (A4 or A3); File → Print… (Ctrl+P) prints it"
        )
        actions = QHBoxLayout()
        for toggle in (self.cost_toggle, self.flip_toggle, self.hide_empty_toggle):
            actions.addWidget(toggle)
        actions.addStretch(1)
        actions.addWidget(self.allocate_button)
        actions.addWidget(self.print_button)
        rows = QVBoxLayout(self)
        rows.setContentsMargins(0, 0, 0, 0)
        rows.addLayout(bar)
        rows.addLayout(actions)

    def combos(self) -> tuple[QComboBox, ...]:
        """The five filters, in the order they are shown."""
        return (
            self.area_filter,
            self.wave_filter,
            self.sen_filter,
            self.class_filter,
            self.staff_filter,
        )

    def filters(self) -> MapFilters:
        """What the five filters choose now (an empty set: everything)."""

        def chosen(combo: QComboBox) -> frozenset[Any]:
            value = combo.currentData()
            return frozenset() if value is None else frozenset({value})

        return MapFilters(
            areas=chosen(self.area_filter),
            waves=chosen(self.wave_filter),
            sen_statuses=chosen(self.sen_filter),
            class_ids=chosen(self.class_filter),
            staff_ids=chosen(self.staff_filter),
        )
