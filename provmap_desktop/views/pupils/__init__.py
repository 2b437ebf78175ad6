"""The Pupils screen: the filtered list, the pupil pane beside it, and its dialogs.

``screen`` holds the screen, ``pane`` the pupil pane and its tabs (``widgets`` for the
profile and SEN tabs, ``ehcp`` for the EHC plan, ``records`` for provision and history),
``dialogs`` and ``actions`` the dialogs and the actions bar, ``list_model`` the list.
"""

from .screen import PupilsScreen

__all__ = ["PupilsScreen"]
