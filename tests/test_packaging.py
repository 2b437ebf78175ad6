"""What an installed copy carries: every package and the bundled data files.

A wheel built from the source tree must hold the top-level ``resources/`` folder (as
``provmap_desktop.resources``) and the Alembic revisions, or the installed app cannot
build the demo school, set up a school or open a database.
"""

from __future__ import annotations

from pathlib import Path

from setuptools.config.pyprojecttoml import read_configuration

ROOT = Path(__file__).resolve().parents[1]


def _declared() -> dict:
    return read_configuration(ROOT / "pyproject.toml")["tool"]["setuptools"]


def test_every_package_in_the_source_tree_is_declared_for_install() -> None:
    on_disk = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "provmap_desktop").rglob("__init__.py")
        if "__pycache__" not in init.parts
    }
    declared = set(_declared()["packages"])
    assert on_disk - declared == set(), "packages missing from pyproject.toml"
    assert "provmap_desktop.resources" in declared


def test_the_resources_folder_is_installed_as_the_resources_package() -> None:
    config = _declared()
    assert config["package-dir"]["provmap_desktop.resources"] == "resources"
    patterns = config["package-data"]["provmap_desktop.resources"]
    bundled = sorted(p.name for p in (ROOT / "resources").iterdir() if p.suffix == ".json")
    assert bundled == ["demo_names.json", "starter_catalogue.json"]
    assert "*.json" in patterns


def test_migration_revisions_ship_as_package_data() -> None:
    patterns = _declared()["package-data"]["provmap_desktop.storage"]
    assert "migrations/versions/*.py" in patterns
    revisions = list((ROOT / "provmap_desktop/storage/migrations/versions").glob("0*.py"))
    assert revisions, "no Alembic revisions found"


def test_the_school_document_schema_ships_as_package_data() -> None:
    config = _declared()
    assert "*.json" in config["package-data"]["provmap_desktop.schemas"]
    assert (ROOT / "provmap_desktop/schemas/provmap-school-1.schema.json").is_file()
    spec = (ROOT / "build.spec").read_text(encoding="utf-8")
    assert "provmap-school-1.schema.json" in spec or '"schemas"' in spec
