"""Importing pupils from the school's MIS: CSV exports and Common Transfer Files.

The flow is always read → preview → apply. ``import_file`` runs it for the CLI; a
screen calls the steps itself so the user can correct the column mapping between them.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from .common import (
    FIELD_LABELS,
    FIELDS,
    REQUIRED_FIELDS,
    ImportFileError,
    ImportPreview,
    ImportRefusedError,
    ImportResult,
    RowAction,
    RowResult,
    SourceRow,
    apply_import,
    build_preview,
)
from .csv_import import CsvTable, decode_csv, guess_mapping, parse_csv, read_csv
from .ctf_import import CTF_MAPPING, parse_ctf, read_ctf

__all__ = [
    "CTF_MAPPING",
    "FIELDS",
    "FIELD_LABELS",
    "REQUIRED_FIELDS",
    "CsvTable",
    "ImportFileError",
    "ImportPreview",
    "ImportRefusedError",
    "ImportResult",
    "RowAction",
    "RowResult",
    "SourceRow",
    "apply_import",
    "build_preview",
    "decode_csv",
    "format_report",
    "guess_mapping",
    "import_file",
    "is_ctf",
    "parse_csv",
    "parse_ctf",
    "preview_file",
    "read_csv",
    "read_ctf",
]


def is_ctf(path: Path) -> bool:
    return path.suffix.lower() == ".xml"


def preview_file(
    session: Session, path: Path, mapping: dict[str, str | None] | None = None
) -> ImportPreview:
    """Read ``path`` (``.xml`` as a CTF, anything else as CSV) and preview it.

    For a CSV, ``mapping`` overrides the guessed columns; a CTF's fields are fixed.
    Raises ``ImportFileError`` if the file cannot be read at all.
    """
    if is_ctf(path):
        rows = read_ctf(path)
        return build_preview(session, rows, CTF_MAPPING, source=path.name, unit="Pupil")
    table = read_csv(path)
    chosen = mapping if mapping is not None else guess_mapping(table.headers)
    return build_preview(session, table.rows, chosen, source=path.name, unit="Row")


def import_file(
    session: Session,
    path: Path,
    *,
    dry_run: bool,
    mapping: dict[str, str | None] | None = None,
) -> tuple[ImportPreview, ImportResult | None]:
    """Preview ``path`` and, unless ``dry_run`` or anything was rejected, apply it.

    The result is ``None`` when nothing was written; the preview says why
    (``preview.is_clean``). Raises ``ImportFileError`` for an unreadable file.
    """
    preview = preview_file(session, Path(path), mapping)
    if dry_run or not preview.is_clean:
        return preview, None
    return preview, apply_import(session, preview)


def format_report(preview: ImportPreview) -> str:
    """A plain-text report: counts, then every rejected row with each of its reasons."""
    lines = [f"{preview.source or 'Import'}: {len(preview.rows)} pupil record(s) read."]
    lines += [f"  {problem}" for problem in preview.problems]
    lines.append(
        "  "
        + " · ".join(
            f"{label}: {preview.count(action)}"
            for label, action in (
                ("To add", RowAction.ADD),
                ("To update", RowAction.UPDATE),
                ("Unchanged", RowAction.UNCHANGED),
                ("Rejected", RowAction.REJECTED),
            )
        )
    )
    if preview.new_classes:
        lines.append("  New classes: " + ", ".join(sorted(preview.new_classes)))
    if preview.is_clean:
        return "\n".join(lines)
    lines.append("Nothing will be written until these are fixed:")
    for result in preview.rejected:
        who = " ".join(part for part in (result.upn, result.name) if part)
        lines.append(f"  {preview.unit} {result.number}" + (f" ({who})" if who else "") + ":")
        lines += [f"    - {reason}" for reason in result.reasons]
    return "\n".join(lines)
