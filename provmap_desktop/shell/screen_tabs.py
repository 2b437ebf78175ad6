"""The screens in the main window's tabs, each built when its tab is first opened.

Start-up puts a light placeholder in every tab and builds only the screen it shows;
the rest are built on first use, and a pupil chosen earlier is handed to them then.

A login that may not change the map (a member of staff on a server) is shown only the
screens it may use (``screens_allowed``): the others' tabs are hidden and the screens
are never built, so none of their edit controls can be reached.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QMainWindow, QScrollArea, QTabWidget, QWidget

from ..storage.roles import STAFF_REASON
from ..ui.context import AppContext
from ..ui.speech import announce
from .screens import SCREENS, build_screen, screens_allowed

_KEYS = [spec.key for spec in SCREENS]
_TITLES = {spec.key: spec.title for spec in SCREENS}


def not_for_this_login(key: str) -> str:
    """Why the screen ``key`` is not offered to a login that may not change the map."""
    return f"{_TITLES.get(key, key)} is for the SENCO's login. {STAFF_REASON}"


class ScreenMap(Mapping[str, QWidget]):
    """The window's screens by key; a screen not yet built is built on first use.

    Only the screen shown at start-up is built then; the others are built when their
    tab is first opened (or when code asks for them here). A screen not in ``allowed``
    is not there at all: asking for it is a ``KeyError`` (``get`` gives ``None``).
    """

    def __init__(
        self, build: Callable[[int], QWidget], allowed: frozenset[str] | None = None
    ) -> None:
        self._build = build
        self._keys = [key for key in _KEYS if allowed is None or key in allowed]
        self._built: dict[str, QWidget] = {}

    def __getitem__(self, key: str) -> QWidget:
        if key not in self._keys:
            raise KeyError(key)
        if key not in self._built:
            self._built[key] = self._build(_KEYS.index(key))
        return self._built[key]

    def __contains__(self, key: object) -> bool:
        """Whether the screen ``key`` is offered (asking does not build it)."""
        return key in self._keys

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

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
        """Fresh tabs, a light placeholder in each, and no screen built yet.

        Only the screens the login may use have a tab that shows (every screen for a
        file or the SENCO's login; the map and the register for staff).
        """
        assert self.ctx is not None
        allowed = screens_allowed(self.ctx.permissions)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Screens")
        self.screens = ScreenMap(self._build_screen, allowed)
        self._chosen_pupil = None
        for index, spec in enumerate(SCREENS):
            placeholder = QWidget()
            placeholder.setAccessibleName(spec.title)
            self.tabs.addTab(placeholder, spec.title)
            self.tabs.setTabVisible(index, spec.key in allowed)
        return self.tabs

    def show_screen(self, key: str, *, say_why: bool = True) -> None:
        """Bring the screen ``key`` to the front (the first screen if ``key`` is unknown).

        A screen this login is not offered is not shown: the map is, and (unless
        ``say_why`` is False) the status bar says why.
        """
        if key not in self.screens:
            if say_why and key in _KEYS:
                why = not_for_this_login(key)
                self.statusBar().showMessage(why, 15000)
                announce(self.statusBar(), why)
            key = next(iter(self.screens))
        index = _KEYS.index(key)
        self.screens[key]  # built now if this is its first showing
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
        if 0 <= index < len(SCREENS) and SCREENS[index].key in self.screens:
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
