"""The Help menu's windows: how costs are worked out, and about ProvMap."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QMessageBox,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from .. import APP_NAME, __version__


def costing_help(parent: QWidget) -> QDialog:
    """The cost formulas, read from the cost engine itself so they never drift."""
    from ..services import costing

    dialog = QDialog(parent)
    dialog.setWindowTitle("How costs are worked out")
    text = QTextBrowser(dialog)
    text.setAccessibleName("How costs are worked out")
    text.setMarkdown((costing.__doc__ or "").replace(" x ", " × "))
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dialog)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addWidget(text)
    layout.addWidget(buttons)
    dialog.resize(720, 560)
    return dialog


def show_about(parent: QWidget) -> None:
    """The program's name and version, and that nothing leaves this computer."""
    QMessageBox.about(
        parent,
        f"About {APP_NAME}",
        f"<b>{APP_NAME}</b> {__version__}<br>A live, costed provision map for SENCOs."
        "<br><br>Everything stays in the database file on this computer; "
        "ProvMap never uses the network.",
    )
