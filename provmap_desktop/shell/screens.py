"""The screens the shell shows, in order, and how each is built.

Each screen is named by a small factory that imports its module when the screen is
first opened: start-up builds only the screen that is shown, and every import is an
ordinary one that tools and readers can follow.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QWidget

from ..storage.roles import Permissions
from ..ui.context import AppContext


def _map(ctx: AppContext) -> QWidget:
    from ..views.map import MapScreen

    return MapScreen(ctx)


def _pupils(ctx: AppContext) -> QWidget:
    from ..views.pupils import PupilsScreen

    return PupilsScreen(ctx)


def _provisions(ctx: AppContext) -> QWidget:
    from ..views.provisions import ProvisionsScreen

    return ProvisionsScreen(ctx)


def _register(ctx: AppContext) -> QWidget:
    from ..views.register import RegisterScreen

    return RegisterScreen(ctx)


def _reviews(ctx: AppContext) -> QWidget:
    from ..views.reviews import ReviewsScreen

    return ReviewsScreen(ctx)


def _costs(ctx: AppContext) -> QWidget:
    from ..views.costs import CostsScreen

    return CostsScreen(ctx)


def _planning(ctx: AppContext) -> QWidget:
    from ..views.planning import PlanningScreen

    return PlanningScreen(ctx)


def _reports(ctx: AppContext) -> QWidget:
    from ..views.reports import ReportsScreen

    return ReportsScreen(ctx)


def _settings(ctx: AppContext) -> QWidget:
    from ..views.settings import SettingsScreen

    return SettingsScreen(ctx)


@dataclass(frozen=True)
class ScreenSpec:
    key: str
    title: str
    build: Callable[[AppContext], QWidget]
    #: The screen fills itself when the period is chosen, not when it is built: built
    #: later (when first opened), it is loaded at once for the period already chosen.
    load_on_build: bool = False
    #: Open to a login that may read the map and record delivery but not change the
    #: map (``provmap_staff`` on a server); every other screen only edits, or shows what
    #: such a login has no need to see, and is hidden from it.
    for_staff: bool = False


SCREENS: tuple[ScreenSpec, ...] = (
    ScreenSpec("map", "Provision map", _map, load_on_build=True, for_staff=True),
    ScreenSpec("pupils", "Pupils", _pupils),
    ScreenSpec("provisions", "Provisions", _provisions),
    ScreenSpec("register", "Register", _register, for_staff=True),
    ScreenSpec("reviews", "Reviews", _reviews),
    ScreenSpec("costs", "Costs", _costs),
    ScreenSpec("planning", "Planning", _planning),
    ScreenSpec("reports", "Reports", _reports),
    ScreenSpec("settings", "Settings", _settings),
)


def screens_allowed(permissions: Permissions) -> frozenset[str]:
    """The keys of the screens a login with ``permissions`` is shown.

    A login that may change the map sees every screen. One that may not sees the map
    (read-only) and, if it may record delivery, the register: nothing else.
    """
    if permissions.may_edit_map:
        return frozenset(spec.key for spec in SCREENS)
    allowed = {spec.key for spec in SCREENS if spec.for_staff}
    if not permissions.may_record_delivery:
        allowed.discard("register")
    return frozenset(allowed)


def build_screen(spec: ScreenSpec, ctx: AppContext) -> QWidget:
    """Build ``spec``'s screen and, if it fills itself for a period, fill it now."""
    widget = spec.build(ctx)
    reload = getattr(widget, "reload", None)
    if spec.load_on_build and ctx.academic_year_id is not None and callable(reload):
        reload()
    return widget
