"""Allocate… from the keyboard: pick the provision and year group for the chosen pupils."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)
from sqlalchemy import select

from ...models import Provision, Pupil, YearGroup
from ...models.vocab import AREA_LABELS, AreaOfNeed
from ...ui.context import AppContext


class AllocateDialog(QDialog):
    def __init__(
        self,
        ctx: AppContext,
        pupil_ids: list[int],
        parent: QWidget | None = None,
        *,
        title: str = "Allocate pupils to a provision",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        session = ctx.session
        pupils = [p for p in (session.get(Pupil, i) for i in pupil_ids) if p is not None]
        names = ", ".join(p.display_name for p in pupils[:6])
        if len(pupils) > 6:
            names += f" and {len(pupils) - 6} more"
        self.search = QLineEdit()
        self.search.setPlaceholderText("Type to narrow the list")
        self.search.setAccessibleName("Filter provisions")
        self.provision = QComboBox()
        self.provision.setAccessibleName("Provision")
        self._provisions = list(
            session.scalars(
                select(Provision)
                .where(Provision.retired.is_(False))
                .order_by(Provision.area, Provision.wave, Provision.name)
            )
        )
        self.year_group = QComboBox()
        self.year_group.setAccessibleName("Year group")
        for year in session.scalars(select(YearGroup).order_by(YearGroup.sort_order)):
            self.year_group.addItem(year.name, year.id)
        first_year = pupils[0].year_group_id if pupils else None
        position = self.year_group.findData(first_year)
        self.year_group.setCurrentIndex(max(position, 0))
        self.search.textChanged.connect(self._fill)
        self._fill("")

        form = QFormLayout(self)
        pupils_label = QLabel(names)
        pupils_label.setWordWrap(True)
        form.addRow("Pupils", pupils_label)
        form.addRow("&Find", self.search)
        form.addRow("&Provision", self.provision)
        form.addRow("&Year group", self.year_group)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(
            "Allocate" if title.startswith("Allocate") else "Move"
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _fill(self, text: str) -> None:
        words = text.casefold().split()
        self.provision.clear()
        for provision in self._provisions:
            if all(w in provision.name.casefold() for w in words):
                area = AREA_LABELS.get(AreaOfNeed(provision.area), provision.area)
                self.provision.addItem(
                    f"{provision.name} (W{provision.wave}, {area})", provision.id
                )

    def choice(self) -> tuple[int, int]:
        return self.provision.currentData(), self.year_group.currentData()

    def select(self, provision_id: int, year_group_id: int) -> None:
        self.provision.setCurrentIndex(max(self.provision.findData(provision_id), 0))
        self.year_group.setCurrentIndex(max(self.year_group.findData(year_group_id), 0))
