"""The architecture, checked: layers import one way, and only the domain writes rows.

Screens (``views``), the widget kit (``ui``) and the shell never add, delete or set
attributes on database rows themselves: every write goes through ``provmap_desktop.domain``
so its rules hold whichever screen, command or import makes the change.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "provmap_desktop"
WIDGET_LAYERS = ("views", "ui", "shell")
SESSION_WRITES = {"add", "add_all", "delete", "merge", "bulk_save_objects"}
SQL_WRITES = {"insert", "update", "delete"}
OLD_EDITS = {"SetFieldCommand", "CallbackCommand", "add_row", "add_row_command", "make_transient"}


def _widget_modules() -> list[Path]:
    return sorted(p for layer in WIDGET_LAYERS for p in (PACKAGE / layer).rglob("*.py"))


def _receiver(node: ast.expr) -> str:
    """The dotted text of ``node`` (``self.ctx.session``), or "" when not a plain name."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = _receiver(node.value)
        return f"{inner}.{node.attr}" if inner else ""
    return ""


def _statement(node: ast.expr) -> str:
    """The SQL builder a statement starts from: ``update(X).where(...)`` -> "update"."""
    while isinstance(node, ast.Call):
        if isinstance(node.func, ast.Name):
            return node.func.id
        if not isinstance(node.func, ast.Attribute):
            return ""
        node = node.func.value
    return ""


def _mapped_names() -> set[str]:
    """Every column and relationship name of every model: what a row assignment sets."""
    from provmap_desktop.models import Base

    names: set[str] = set()
    for mapper in Base.registry.mappers:
        names.update(attr.key for attr in mapper.attrs)
    return names


MAPPED = _mapped_names()


def row_writes(source: str) -> list[str]:
    """Each place in ``source`` that writes a row directly, as "line: what"."""
    found = []
    for node in ast.walk(ast.parse(source)):
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        for target in targets:
            if (
                isinstance(target, ast.Attribute)
                and target.attr in MAPPED
                and _receiver(target.value) not in ("self", "cls", "")
                and not _receiver(target.value).startswith("self.")
            ):
                found.append(f"{node.lineno}: sets {_receiver(target.value)}.{target.attr}")
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id == "setattr":
                found.append(f"{node.lineno}: setattr")
            if isinstance(func, ast.Name) and func.id in OLD_EDITS:
                found.append(f"{node.lineno}: {func.id}")
            if (
                isinstance(func, ast.Attribute)
                and func.attr in SESSION_WRITES
                and _receiver(func.value).split(".")[-1] == "session"
            ):
                found.append(f"{node.lineno}: session.{func.attr}")
            if isinstance(func, ast.Attribute) and func.attr == "execute" and node.args:
                statement = _statement(node.args[0])
                if statement in SQL_WRITES:
                    found.append(f"{node.lineno}: execute({statement})")
        if isinstance(node, ast.ImportFrom):
            names = {alias.name for alias in node.names}
            found.extend(f"{node.lineno}: imports {n}" for n in sorted(names & OLD_EDITS))
    return sorted(found, key=lambda entry: int(entry.split(":")[0]))


def test_the_check_finds_each_kind_of_direct_write() -> None:
    source = (
        "def f(self, row, session):\n"
        "    self.ctx.session.add(row)\n"
        "    session.delete(row)\n"
        "    setattr(row, 'name', 'x')\n"
        "    perform(ctx, SetFieldCommand(ctx, Pupil, 1, 'upn', 'A', 'l', k))\n"
        "    session.execute(update(Pupil).values(upn='A'))\n"
        "    pupil.leaving_date = None\n"
    )
    assert row_writes(source) == [
        "2: session.add",
        "3: session.delete",
        "4: setattr",
        "5: SetFieldCommand",
        "6: execute(update)",
        "7: sets pupil.leaving_date",
    ]
    reads = "def g(layout, w):\n    layout.addWidget(w)\n    items.add(3)\n"
    reads += "    session.execute(select(Pupil))\n    self.name = 'x'\n    ctx.today = d\n"
    assert row_writes(reads) == []


@pytest.mark.parametrize("path", _widget_modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_screen_writes_rows_itself(path: Path) -> None:
    assert row_writes(path.read_text(encoding="utf-8")) == []


def test_layers_point_one_way() -> None:
    """The import contracts in pyproject.toml hold (shell/cli above views above ui ...)."""
    from importlinter.cli import lint_imports

    config = str(PACKAGE.parent / "pyproject.toml")
    assert lint_imports(config_filename=config, no_cache=True) == 0
