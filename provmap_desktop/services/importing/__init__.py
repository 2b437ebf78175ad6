"""Importing pupils from the school's MIS: CSV exports and Common Transfer Files.

The flow is always read → preview → apply. ``import_file`` runs it for the CLI; a
screen calls the steps itself so the user can correct the column mapping between them.
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .common import (
    FIELD_LABELS,
    FIELDS,
    REQUIRED_FIELDS,
    ImportFileError,
    ImportPreview,
    ImportRefusedError,
    ImportResult,
    IntakeOffer,
    RowAction,
    RowResult,
    SourceRow,
    custom_key,
)
from .csv_import import (
    CsvTable,
    decode_csv,
    guess_custom_mapping,
    guess_mapping,
    parse_csv,
    read_csv,
)
from .values import parse_mis_date

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from .apply import apply_import
    from .checking import next_year_start
    from .ctf_import import CTF_MAPPING, parse_ctf, read_ctf
    from .preview import build_preview

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
    "IntakeOffer",
    "RowAction",
    "RowResult",
    "SourceRow",
    "apply_import",
    "build_preview",
    "custom_key",
    "decode_csv",
    "format_report",
    "guess_custom_mapping",
    "guess_mapping",
    "guess_with_custom",
    "import_file",
    "intake_start",
    "intake_words",
    "is_ctf",
    "new_classes_words",
    "next_year_start",
    "parse_csv",
    "parse_ctf",
    "parse_mis_date",
    "preview_file",
    "read_csv",
    "read_ctf",
]


#: Loaded on first use (they need the ORM, the domain or the XML reader): the map
#: import reads a few helpers of this package and stays quick.
_LAZY = {
    "apply_import": "apply",
    "next_year_start": "checking",
    "CTF_MAPPING": "ctf_import",
    "parse_ctf": "ctf_import",
    "read_ctf": "ctf_import",
    "build_preview": "preview",
}


def __getattr__(name: str) -> Any:
    """Load one of ``_LAZY``'s names from its module when first asked for."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


#: How much of a file is read to tell a transfer file from a CSV.
_SNIFF_BYTES = 4096


def is_ctf(path: Path) -> bool:
    """True if ``path`` holds XML (so it is read as a Common Transfer File), whatever its name.

    MIS save transfer files as ``.ctf``, ``.xml`` or ``.XML``, and a CSV export is
    sometimes named ``.txt``; the content decides. A file starting with ``<`` (after any
    byte-order mark and blank space) is XML: if it is not a ``<CTfile>`` the CTF reader
    says so. A file that cannot be opened is left to the reader to report.
    """
    try:
        with Path(path).open("rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except OSError:
        return False
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if head.startswith(bom):
            text = head[len(bom) :].decode(encoding, errors="ignore")
            break
    else:
        text = head.decode("latin-1")
    return bool(re.match(r"\s*<", text))


#: The most a pupil import takes: a large secondary school's roll is about 2,000 pupils.
MAX_IMPORT_BYTES = 20 * 1024 * 1024
MAX_IMPORT_ROWS = 10_000


def _check_size(path: Path) -> None:
    try:
        size = path.stat().st_size
    except OSError:
        return  # the reader reports a file it cannot open
    if size > MAX_IMPORT_BYTES:
        raise ImportFileError(
            f"The file is {size / (1024 * 1024):.1f} MB; ProvMap imports pupil files of up "
            "to 20 MB (a whole school's roll is far smaller). Is it the right file?"
        )


def _check_rows(count: int) -> None:
    if count > MAX_IMPORT_ROWS:
        raise ImportFileError(
            f"The file holds {count:,} records; ProvMap imports up to 10,000 pupils at a "
            "time. Is it the right file?"
        )


def preview_file(
    session: Session,
    path: Path,
    mapping: dict[str, str | None] | None = None,
    *,
    as_intake: bool = False,
    today: dt.date | None = None,
    intake_year: str | None = None,
) -> ImportPreview:
    """Read ``path`` (a transfer file or a CSV, told apart by content) and preview it.

    For a CSV, ``mapping`` overrides the guessed columns; a CTF's fields are fixed, and
    a CTF's pupils one year below the school's year groups are offered as next year's
    intake (taken as intake with ``as_intake``). With ``intake_year`` ("2027/28") every
    pupil in the file is that year's intake (``intake_start``). Raises ``ImportFileError``
    if the file cannot be read at all, or the intake year is not a coming one.
    """
    from .ctf_import import CTF_MAPPING, read_ctf
    from .preview import build_preview

    _check_size(Path(path))
    starts = intake_start(session, intake_year, today) if intake_year else None
    if is_ctf(path):
        rows = read_ctf(path)
        _check_rows(len(rows))
        return build_preview(
            session,
            rows,
            CTF_MAPPING,
            source=path.name,
            unit="Pupil",
            offer_intake=True,
            as_intake=as_intake,
            today=today,
            intake_starts=starts,
        )
    table = read_csv(path)
    _check_rows(len(table.rows))
    chosen = mapping if mapping is not None else guess_with_custom(session, table.headers)
    return build_preview(
        session,
        table.rows,
        chosen,
        source=path.name,
        unit="Row",
        today=today,
        intake_starts=starts,
    )


def guess_with_custom(session: Session, headers: list[str]) -> dict[str, str | None]:
    """The guessed columns for the pupil fields and for each of the school's custom fields."""
    from ...domain.custom_fields import fields_in_order

    mapping = guess_mapping(headers)
    names = {f.id: f.name for f in fields_in_order(session)}
    used = {column for column in mapping.values() if column}
    mapping.update(guess_custom_mapping(headers, names, used))
    return mapping


def intake_start(session: Session, intake_year: str, today: dt.date | None = None) -> dt.date:
    """The first day of the coming year ``intake_year``, when its intake joins.

    Raises ``ImportFileError`` for a label that is not an academic year, or a year that
    has already begun.
    """
    from ..projection import new_year_start

    try:
        starts = new_year_start(session, intake_year.strip())
    except ValueError as exc:
        raise ImportFileError(str(exc)) from None
    if starts <= (today or dt.date.today()):
        raise ImportFileError(
            f"{intake_year} has already begun: an intake is for a year still to come."
        )
    return starts


def import_file(
    session: Session,
    path: Path,
    *,
    dry_run: bool,
    mapping: dict[str, str | None] | None = None,
    as_intake: bool = False,
    today: dt.date | None = None,
    intake_year: str | None = None,
) -> tuple[ImportPreview, ImportResult | None]:
    """Preview ``path`` and, unless ``dry_run`` or anything was rejected, apply it.

    The result is ``None`` when nothing was written; the preview says why
    (``preview.is_clean``). Raises ``ImportFileError`` for an unreadable file.
    """
    preview = preview_file(
        session, Path(path), mapping, as_intake=as_intake, today=today, intake_year=intake_year
    )
    if dry_run or not preview.is_clean:
        return preview, None
    from .apply import apply_import

    return preview, apply_import(session, preview)


def intake_words(intake: IntakeOffer) -> str:
    """One sentence about next year's intake in a transfer file."""
    who = f"{intake.count} pupil{'' if intake.count == 1 else 's'}"
    when = f"{intake.year_group} on {intake.starts:%d/%m/%Y}"
    if intake.accepted:
        return f"Next year's intake: {who} will join {when} (first day of next year)."
    return (
        f"{who} are a year below this school's year groups: this looks like next year's "
        f"intake, joining {when}."
    )


def new_classes_words(names: list[str] | tuple[str, ...]) -> str:
    """'New class: Kestrels' or 'New classes: 6K, Kestrels'."""
    ordered = sorted(names)
    return ("New class: " if len(ordered) == 1 else "New classes: ") + ", ".join(ordered)


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
    if preview.intake is not None:
        lines.append("  " + intake_words(preview.intake))
    if preview.new_classes:
        lines.append("  " + new_classes_words(list(preview.new_classes)))
    if preview.is_clean:
        return "\n".join(lines)
    lines.append("Nothing will be written until these are fixed:")
    for result in preview.rejected:
        who = " ".join(part for part in (result.upn, result.name) if part)
        lines.append(f"  {preview.unit} {result.number}" + (f" ({who})" if who else "") + ":")
        lines += [f"    - {reason}" for reason in result.reasons]
    return "\n".join(lines)
