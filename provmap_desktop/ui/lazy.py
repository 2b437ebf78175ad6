"""Screens that reload only when seen: an edit elsewhere marks them stale instead."""

from __future__ import annotations

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QWidget


class ReloadWhenShown(QWidget):
    """A screen whose ``reload()`` runs at once if visible, else the next time it is shown."""

    _stale = False

    def reload(self) -> None:
        raise NotImplementedError

    def _on_data_changed(self, _kinds: object) -> None:
        # A hidden screen waits until it is shown: every edit elsewhere stays quick.
        if self.isVisible():
            self.reload()
        else:
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        if self._stale:
            self._stale = False
            self.reload()
        super().showEvent(event)
