"""The screens in the main window's tabs, each built when its tab is first opened.

Start-up puts a light placeholder in every tab and builds only the screen it shows;
the rest are built on first use, and a pupil chosen earlier is handed to them then.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QMainWindow, QScrollArea, QTabWidget, QWidget

from ..ui.context import AppContext
from .screens import SCREENS, build_screen

_KEYS = [spec.key for spec in SCREENS]


class ScreenMap(Mapping[str, QWidget]):
    """The window's screens by key; a screen not yet built is built on first use.

    Only the screen shown at start-up is built then; the others are built when their
    tab is first opened (or when code asks for them here).
    """

    def __init__(self, build: Callable[[int], QWidget]) -> None:
        self._build = build
        self._built: dict[str, QWidget] = {}

    def __getitem__(self, key: str) -> QWidget:
        if key not in _KEYS:
            raise KeyError(key)
        if key not in self._built:
            self._built[key] = self._build(_KEYS.index(key))
        return self._built[key]

    def __iter__(self) -> Iterator[str]:
        return iter(_KEYS)

    def __len__(self) -> int:
        return len(_KEYS)

    def built(self) -> dict[str, QWidget]:
        """The screens built so far."""
        return dict(self._built)


def _scrolling(screen: QWidget) -> QScrollArea:
    """A screen in a scroll area, so the window fits a small or scaled screen.

    The screen fills the area whenever the window is big enough for it; only on a
    smaller one do scroll bars appear, and nothing is ever out of reach.
    """
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    area.setWidget(screen)
    return area


class ScreenTabs(QMainWindow):
    """The main window's tabs of screens: showing one, and building each on first use."""

    ctx: AppContext | None
    settings: QSettings
    tabs: QTabWidget
    screens: ScreenMap
    _chosen_pupil: int | None

    def _make_tabs(self) -> QTabWidget:
        """Fresh tabs, a light placeholder in each, and no screen built yet."""
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Screens")
        self.screens = ScreenMap(self._build_screen)
        self._chosen_pupil = None
        for spec in SCREENS:
            placeholder = QWidget()
            placeholder.setAccessibleName(spec.title)
            self.tabs.addTab(placeholder, spec.title)
        return self.tabs

    def show_screen(self, key: str) -> None:
        """Bring the screen ``key`` to the front (the first screen if ``key`` is unknown)."""
        index = _KEYS.index(key) if key in _KEYS else 0
        self.screens[_KEYS[index]]  # built now if this is its first showing
        self.tabs.setCurrentIndex(index)

    def current_screen(self) -> QWidget:
        """The screen on show (the tab holds it inside a scroll area)."""
        area = self.tabs.currentWidget()
        screen = area.widget() if isinstance(area, QScrollArea) else area
        assert screen is not None, "the window always shows a screen"
        return screen

    def _build_screen(self, index: int) -> QWidget:
        """Build the screen of tab ``index`` and put it in place of its placeholder."""
        assert self.ctx is not None
        spec = SCREENS[index]
        widget = build_screen(spec, self.ctx)
        widget.setAccessibleName(spec.title)
        current = self.tabs.currentIndex()
        placeholder = self.tabs.widget(index)
        blocked = self.tabs.blockSignals(True)
        try:
            self.tabs.removeTab(index)
            self.tabs.insertTab(index, _scrolling(widget), spec.title)
            self.tabs.setCurrentIndex(current)
        finally:
            self.tabs.blockSignals(blocked)
        if placeholder is not None:
            placeholder.deleteLater()
        if self._chosen_pupil is not None:
            # A pupil chosen before this screen existed is its chosen pupil too.
            for name in ("select_pupil", "_pupil_chosen"):
                chosen = getattr(widget, name, None)
                if callable(chosen):
                    chosen(self._chosen_pupil)
        return widget

    def _tab_opened(self, index: int) -> None:
        """A tab was opened: build its screen if need be, and remember it for next time."""
        if 0 <= index < len(SCREENS):
            if SCREENS[index].key not in self.screens.built():
                self.screens[SCREENS[index].key]
                self.tabs.setCurrentIndex(index)
            self._remember_screen(index)

    def _remember_pupil(self, pupil_id: int) -> None:
        """Keep the pupil chosen anywhere, for screens not built yet."""
        self._chosen_pupil = pupil_id

    def _remember_screen(self, index: int) -> None:
        """Keep the screen on show, so the next start opens on it."""
        self.settings.setValue("last_screen", SCREENS[index].key)

    def open_link(self, link: str) -> None:
        """A status-strip link: its screen, then exactly what it counts on it."""
        key, _, target = link.partition("#")
        self.show_screen(key)
        opener = getattr(self.screens.get(key), "show_target", None)
        if target and callable(opener):
            opener(target)
