"""Showing a form read-only to a login that may look but not change (staff on a server).

Text, dates and numbers stay as they are, readable, selectable and reached by Tab;
they simply take no typing. Choices (drop-downs, tick boxes) are greyed out, and tables
open no editor. The reason is each control's tooltip, and a note above says it once.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QTextEdit,
    QWidget,
)


def make_read_only(root: QWidget, why: str) -> None:
    """Let every control under ``root`` show its value but take no edit; ``why`` says why.

    The buttons of a dialog's button box (Close) are left alone.
    """
    for line in root.findChildren(QLineEdit):
        line.setReadOnly(True)
    for spin in root.findChildren(QAbstractSpinBox):  # dates and times among them
        spin.setReadOnly(True)
        spin.setToolTip(why)
    for text in root.findChildren(QTextEdit):
        text.setReadOnly(True)
    for plain in root.findChildren(QPlainTextEdit):
        plain.setReadOnly(True)
    for choice in (
        *root.findChildren(QComboBox),
        *root.findChildren(QCheckBox),
        *root.findChildren(QRadioButton),
    ):
        choice.setEnabled(False)
        choice.setToolTip(why)
    for view in root.findChildren(QAbstractItemView):
        if isinstance(view.parent(), QComboBox):
            continue  # a drop-down's own list
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setDragEnabled(False)
        view.setAcceptDrops(False)
    for box in root.findChildren(QDialogButtonBox):
        box.setEnabled(True)
