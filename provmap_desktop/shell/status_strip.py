"""The main window's status strip and banner: what needs attention, and where the file is.

The strip links each thing that needs attention to the screen that shows it; the
banner above the screens warns when the database sits somewhere risky.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QLabel, QMainWindow

from .. import APP_NAME
from ..models import SchoolSettings
from ..services import attention
from ..storage import Database
from ..storage.places import place_warning
from ..ui.context import AppContext
from ..ui.link_strip import LinkStrip
from ..ui.speech import ValueLabel
from .screen_tabs import ScreenMap


def risky_place_banner(database: Database) -> QLabel:
    """A plain warning when the file sits on a network, synced or removable drive."""
    warning = place_warning(database.path) if database.path is not None else None
    banner = QLabel(f"⚠ Risky place for the database. {warning}" if warning else "")
    banner.setWordWrap(True)
    banner.setAccessibleName("Warning about where the database is kept")
    banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    # Dark text on pale amber: 4.5:1 or better, and the words carry the meaning.
    banner.setStyleSheet(
        "QLabel { background: #fff4ce; color: #3b2f00; padding: 6px;"
        " border-bottom: 1px solid #8a6d00; }"
    )
    banner.setVisible(warning is not None)
    return banner


class PathLabel(ValueLabel):
    """The database file at the right of the status strip.

    The whole path is shown while it takes at most a quarter of the strip; on a narrower
    window the folder gives way ("Database: …/school.provmap"), so the attention links
    beside it keep their room. The tooltip and the screen reader have the whole path.
    """

    #: The share of the status bar the whole path may take.
    SHARE = 4

    def __init__(self) -> None:
        super().__init__()
        self._whole = ""
        self._short = ""

    def set_path(self, path: Path | None, location: str = "") -> None:
        """Show the file at ``path``, or a server database's ``location`` (its address)."""
        self._whole = f"Database: {path if path is not None else location}"
        self._short = f"Database: …{os.sep}{path.name}" if path is not None else self._whole
        self.setToolTip(str(path) if path is not None else location)
        parent = self.parentWidget()
        self.fit(parent.width() if parent is not None else 0)

    def fit(self, strip_width: int) -> None:
        """Show the whole path if it fits in its share of ``strip_width``, else the short form."""
        whole_fits = self.fontMetrics().horizontalAdvance(self._whole) <= strip_width // self.SHARE
        text = self._whole if whole_fits else self._short
        if text != self.text():
            self.setText(text)
        # No accessible name: a screen reader reads the words shown, then the whole path.
        self.setAccessibleDescription(self._whole)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Refit when the status bar it sits in changes width."""
        parent = self.parentWidget()
        if event.type() == QEvent.Type.Resize and parent is not None and watched is parent:
            self.fit(parent.width())
        return False


class StatusStrip(QMainWindow):
    """The main window's status strip: the things needing attention and the file in use."""

    ctx: AppContext | None
    database: Database
    today: dt.date
    attention_items: list[attention.Attention]
    screens: ScreenMap

    def _build_status_strip(self, open_link: Callable[[str], None]) -> None:
        """Put the attention links and the file name in the status bar.

        ``open_link`` is called with a link's target when one is followed.
        """
        self.db_label = PathLabel()
        self.attention_label = LinkStrip()
        self.attention_label.setAccessibleName("Things that need attention")
        self.attention_label.linkActivated.connect(open_link)
        # The checks cost the school's figures; run them once edits have settled.
        self.attention_timer = QTimer(self)
        self.attention_timer.setSingleShot(True)
        self.attention_timer.setInterval(600)
        self.attention_timer.timeout.connect(self.refresh_attention)
        #: At start the checks wait for the window's first paint, so the screen is on
        #: view before the school's figures are worked out for the strip.
        self._painted = False
        self._checks_waiting = False
        self.statusBar().addWidget(self.attention_label, 1)
        self.statusBar().addPermanentWidget(self.db_label)
        self.statusBar().installEventFilter(self.db_label)

    def _refresh_status(self) -> None:
        """The school's name in the title, the file in the strip, and the checks soon."""
        assert self.ctx is not None
        school = self.ctx.session.get(SchoolSettings, 1)
        name = school.name if school else "No school yet"
        self.setWindowTitle(f"{name} – {APP_NAME}")
        self.db_label.set_path(self.database.path, self.database.location)
        if self._painted:
            self.attention_timer.start()
        else:
            self._checks_waiting = True

    def event(self, event: QEvent) -> bool:
        """The first paint of the window lets the waiting checks start their count."""
        if event.type() == QEvent.Type.Paint and not self._painted:
            self._painted = True
            if self._checks_waiting:
                self._checks_waiting = False
                self.attention_timer.start()
        return super().event(event)

    def refresh_attention(self) -> None:
        """Reviews due, Section F gaps, groups below amber, pupils over the threshold."""
        if self.ctx is None:
            return
        # Only what this login can open: a member of staff is not shown reviews or costs.
        items = [
            item
            for item in attention.attention_items(self.ctx.session, self.today)
            if item.screen in self.screens
        ]
        self.attention_items = items
        self.attention_label.setText(attention.attention_html(items))
