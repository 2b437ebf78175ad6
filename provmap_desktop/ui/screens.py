"""The screens the shell shows, in order, and how each is built.

A screen is a ``QWidget`` built as ``Screen(ctx)``. Screens still to come show a
short note so the navigation is complete from the first release.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from .context import AppContext


@dataclass(frozen=True)
class ScreenSpec:
    key: str
    title: str
    module: str  # provmap_desktop.views.<module>
    class_name: str
    #: The screen fills itself when the period is chosen, not when it is built: built
    #: later (when first opened), it is loaded at once for the period already chosen.
    load_on_build: bool = False


SCREENS: tuple[ScreenSpec, ...] = (
    ScreenSpec("map", "Provision map", "map", "MapScreen", load_on_build=True),
    ScreenSpec("pupils", "Pupils", "pupils", "PupilsScreen"),
    ScreenSpec("provisions", "Provisions", "provisions", "ProvisionsScreen"),
    ScreenSpec("register", "Register", "register", "RegisterScreen"),
    ScreenSpec("reviews", "Reviews", "reviews", "ReviewsScreen"),
    ScreenSpec("costs", "Costs", "costs", "CostsScreen"),
    ScreenSpec("reports", "Reports", "reports", "ReportsScreen"),
    ScreenSpec("settings", "Settings", "settings", "SettingsScreen"),
)


class ComingLaterScreen(QWidget):
    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        label = QLabel(f"{title}: coming in a later version of ProvMap.")
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setAccessibleName(f"{title} screen, coming in a later version")
        layout = QVBoxLayout(self)
        layout.addWidget(label)


def build_screen(spec: ScreenSpec, ctx: AppContext) -> QWidget:
    try:
        module = importlib.import_module(f"provmap_desktop.views.{spec.module}")
    except ModuleNotFoundError as exc:
        if exc.name != f"provmap_desktop.views.{spec.module}":
            raise
        return ComingLaterScreen(spec.title)
    widget: QWidget = getattr(module, spec.class_name)(ctx)
    reload = getattr(widget, "reload", None)
    if spec.load_on_build and ctx.academic_year_id is not None and callable(reload):
        reload()
    return widget
