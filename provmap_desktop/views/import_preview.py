"""The preview of a pupil import: one line per record of the file, and a summary in words.

Each line says what importing its record would do, or every reason it cannot be
imported; a rejected line is marked with a warning icon and the word, not colour alone.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QIcon
from PySide6.QtWidgets import QHeaderView, QStyle, QTableWidget, QTableWidgetItem

from ..services.importing import (
    ImportPreview,
    RowAction,
    RowResult,
    intake_words,
    new_classes_words,
)

ACTION_WORDS: dict[RowAction, str] = {
    RowAction.ADD: "Add",
    RowAction.UPDATE: "Update",
    RowAction.UNCHANGED: "Unchanged",
    RowAction.REJECTED: "Rejected",
}
ROW, UPN, NAME, ACTION, DETAILS = range(5)
HEADERS = ("Row", "UPN", "Name", "Action", "Details")


def row_details(result: RowResult) -> str:
    """What will happen to a row, or why it cannot be imported, in plain words."""
    if result.action is RowAction.REJECTED:
        return " ".join(result.reasons)
    parts = []
    if result.action is RowAction.UPDATE:
        changed = ", ".join(result.label(name) for name in result.changes)
        parts.append(f"Changes: {changed}.")
    parts += result.notes
    return " ".join(parts)


def preview_summary(preview: ImportPreview) -> str:
    """What the import would do, counted by action, and whether it can go ahead."""
    counts = " · ".join(f"{ACTION_WORDS[action]}: {preview.count(action)}" for action in RowAction)
    lines = [f"{preview.source}: {len(preview.rows)} {preview.unit.lower()}s. {counts}."]
    lines += preview.problems
    if preview.intake is not None:
        lines.append(intake_words(preview.intake))
    if preview.new_classes:
        lines.append(new_classes_words(list(preview.new_classes)) + ".")
    if preview.is_clean:
        lines.append("Every row is clean. Nothing is written until you press Import.")
    else:
        lines.append(
            "Nothing can be imported until the rejected rows are fixed in the file "
            "(or the columns corrected). Nothing has been written."
        )
    return "\n".join(lines)


class PreviewTable(QTableWidget):
    """The preview's table: a read-only line per record, rejected lines marked."""

    def __init__(self) -> None:
        super().__init__(0, len(HEADERS))
        self.setHorizontalHeaderLabels(HEADERS)
        self.setAccessibleName("Import preview")
        self.setTabKeyNavigation(False)
        self.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.verticalHeader().setVisible(False)
        self.setWordWrap(True)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(DETAILS, QHeaderView.ResizeMode.Stretch)
        self._results: list[RowResult] = []

    def show_rows(self, results: list[RowResult]) -> None:
        """One line per result: its number, UPN, name, action and details."""
        self._results = list(results)
        warning = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        self.setSortingEnabled(False)
        self.setRowCount(len(results))
        for row, result in enumerate(results):
            cells = (
                str(result.number),
                result.upn,
                result.name,
                ACTION_WORDS[result.action],
                row_details(result),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == DETAILS:
                    item.setToolTip(text)
                self.setItem(row, column, item)
            if result.action is RowAction.REJECTED:
                self._mark_rejected(row, QIcon(warning))
        self.resizeRowsToContents()

    def _mark_rejected(self, row: int, icon: QIcon) -> None:
        """Tint a rejected line and put the warning icon beside its action."""
        # An icon and the word, not colour alone.
        for column in range(len(HEADERS)):
            cell = self.item(row, column)
            assert cell is not None  # every cell of the row was just set
            cell.setBackground(QColor("#fde2e1"))
            if column == ACTION:
                cell.setIcon(icon)

    def show_only_rejected(self, only: bool) -> None:
        """Hide every line but the rejected ones (``only``), or show them all."""
        for row, result in enumerate(self._results):
            self.setRowHidden(row, only and result.action is not RowAction.REJECTED)
