"""The menu commands a login is offered, as the database server says it may act.

A school's file, or the SENCO's login on a server, is offered every command. A member
of staff's login (``provmap_staff``) may read the map and record delivery and
attendance only: the commands that change the map (importing a map, starting a new
academic year, adding a pupil) and those that open a screen it is not shown are
disabled, each with a tooltip and a status tip that say why. The screens themselves
are limited by ``screen_tabs`` and ``screens.screens_allowed``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction

from ..ui.context import AppContext
from .screen_tabs import not_for_this_login

if TYPE_CHECKING:
    from .main_window import MainWindow


def offer(action: QAction, why_not: str) -> None:
    """Enable ``action``, or disable it with ``why_not`` as its tooltip and status tip."""
    action.setEnabled(not why_not)
    action.setToolTip(why_not or action.text().replace("&", "").rstrip("…"))
    action.setStatusTip(why_not)


def offer_by_role(window: MainWindow, ctx: AppContext) -> None:
    """Offer the window's menu commands as ``ctx``'s login may use them."""
    why_not_edit = ctx.permissions.why_not_edit
    screens = window.screens
    # A command that opens a screen not shown says so; one that writes, why it may not.
    reasons = {id(action): why_not_edit for action in window.map_writing_actions}
    for key, action in window.screen_actions:
        if key not in screens:
            reasons[id(action)] = not_for_this_login(key)
    for action in (*window.map_writing_actions, *(a for _key, a in window.screen_actions)):
        offer(action, reasons.get(id(action), ""))
    # The pupil search box finds pupils in the map's tray where Pupils is not shown.
    search = window.period_bar.search
    if "pupils" not in screens:
        search.setToolTip("Pupils are found in the map's tray as you type a name or UPN")
