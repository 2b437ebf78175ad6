"""Every kind of edit that can be undone says which rows it touched.

An undo is checked against the versions this session last saved of the rows the edit
names (``Change.touched``); an edit that names none is undone over whatever someone
else has saved since, once the screen has reloaded. So a new ``Change`` with its own
``undo`` must say its rows, or be listed here with the reason it need not.
"""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import provmap_desktop
from provmap_desktop.domain.change import Change, NoChange, Reversible, RowsAdded, RowsRemoved
from provmap_desktop.domain.pupils import Erased
from provmap_desktop.models import Provision

#: Changes whose undo writes nothing another person could have changed first.
NEED_NOT_SAY = {
    NoChange: "the edit changed nothing; its undo does nothing",
    Erased: "an erasure's undo is refused outright",
}


def _every_subclass(cls: type) -> set[type]:
    found: set[type] = set()
    for sub in cls.__subclasses__():
        found |= {sub, *_every_subclass(sub)}
    return found


def _every_change() -> set[type]:
    """Every ``Change`` the app defines, after importing every module that may define one."""
    for package in ("domain", "services"):
        path = provmap_desktop.__path__[0] + "/" + package
        for module in pkgutil.walk_packages([path], f"provmap_desktop.{package}."):
            importlib.import_module(module.name)
    return {c for c in _every_subclass(Change) if c.__module__.startswith("provmap_desktop.")}


def _forgetful(classes: set[type]) -> list[str]:
    """The classes that take an edit back in their own way without saying its rows."""
    return sorted(
        cls.__qualname__
        for cls in classes
        if "undo" in vars(cls) and "touched" not in vars(cls) and cls not in NEED_NOT_SAY
    )


def test_every_change_with_its_own_undo_says_which_rows_it_touched() -> None:
    assert _forgetful(_every_change()) == []


def test_the_walk_finds_the_edits_of_the_map() -> None:
    # A walk that found nothing would pass the test above for no reason.
    names = {cls.__qualname__ for cls in _every_change()}
    assert {"Allocation", "Moved", "RecordChange", "CycleChange", "ChildRowsAdded"} <= names
    assert {RowsAdded, RowsRemoved} <= _every_change()


def test_a_change_that_forgets_its_rows_is_caught() -> None:
    class Forgetful(Change):
        def undo(self, session: object) -> None:  # type: ignore[override]
            """Undoes something without saying what."""

    class Careful(Forgetful):
        def touched(self) -> list[tuple[type, object]]:
            return []

        def undo(self, session: object) -> None:  # type: ignore[override]
            """Undoes its own rows, and says so."""

    found = _every_subclass(Change)
    assert {Forgetful, Careful} <= found
    assert _forgetful({Forgetful, Careful, NoChange}) == [Forgetful.__qualname__]


def test_the_reasons_given_are_still_true() -> None:
    for cls in NEED_NOT_SAY:
        assert "touched" not in vars(cls), f"{cls.__qualname__} now says its rows"


def test_a_reversible_edit_cannot_be_made_without_naming_its_rows() -> None:
    # ``Reversible`` says its rows through ``rows_with``, given per edit: a default of
    # "none" let the weekday and link edits name nothing, which the walk above could
    # not see (the class itself has its ``touched``).
    def nothing(_session: object) -> None:
        """Neither undoes nor redoes anything."""

    with pytest.raises(TypeError, match="rows_with"):
        Reversible(nothing, nothing)  # type: ignore[call-arg, arg-type]
    named = Reversible(nothing, nothing, rows_with=lambda: [(Provision, 7)])  # type: ignore[arg-type]
    assert list(named.touched()) == [(Provision, 7)]
