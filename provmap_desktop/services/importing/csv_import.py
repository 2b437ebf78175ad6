"""Reading a pupil list exported as CSV by the school's MIS (SIMS, Arbor, Bromcom…).

Exports differ in encoding (UTF-8 with or without a byte-order mark, or Windows-1252
from older systems and from Excel), in delimiter (comma, semicolon, tab) and in their
column names, so all three are worked out here and the column guess can be corrected.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass
from pathlib import Path

from .common import FIELDS, ImportFileError, SourceRow, custom_key
from .values import squash

DELIMITERS: tuple[str, ...] = (",", ";", "\t")

#: Column names MIS exports use for each field, squashed (see ``squash``), best first.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "upn": ("upn", "uniquepupilnumber", "pupilupn"),
    "surname": ("surname", "legalsurname", "lastname", "familyname"),
    "forename": ("forename", "legalforename", "firstname", "givenname", "forenames"),
    "preferred_name": (
        "preferredforename",
        "preferredfirstname",
        "preferredname",
        "knownas",
        "chosenname",
    ),
    "date_of_birth": ("dob", "dateofbirth", "birthdate"),
    "gender": ("gender", "sex"),
    "year_group": (
        "yeargroup",
        "year",
        "ncyear",
        "ncyeargroup",
        "ncyearactual",
        "curriculumyear",
        "yr",
    ),
    "class_name": (
        "reg",
        "registrationgroup",
        "registrationform",
        "reggroup",
        "regform",
        "form",
        "formgroup",
        "tutorgroup",
        "class",
        "classname",
    ),
    "sen_status": ("senstatus", "senprovision", "sen", "senstage"),
    "primary_need": ("primaryneed", "senprimaryneed", "primarysenneed", "primaryneedtype"),
    "secondary_need": (
        "secondaryneed",
        "sensecondaryneed",
        "secondarysenneed",
        "secondaryneedtype",
    ),
    "sen_start_date": ("senstartdate", "senstart"),
}
# "Pupil Surname", "Student Forename": the subject word adds nothing.
_PREFIXES = ("pupil", "student", "child")


@dataclass(frozen=True)
class CsvTable:
    headers: list[str]
    rows: list[SourceRow]


def decode_csv(data: bytes) -> str:
    """UTF-8 (a leading byte-order mark is dropped), else Windows-1252.

    Windows-1252 leaves five byte values undefined; Latin-1 reads those rather than
    failing, since a stray byte should show up as an odd character in the preview,
    not stop the whole import.
    """
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def sniff_delimiter(text: str) -> str:
    """The delimiter used most often on the header line (comma when there is a tie)."""
    header = text.split("\n", 1)[0]
    counts = {d: header.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _unique_headers(cells: list[str]) -> list[str]:
    headers: list[str] = []
    for index, cell in enumerate(cells, start=1):
        name = cell.strip() or f"Column {index}"
        if name in headers:
            name = f"{name} ({index})"
        headers.append(name)
    return headers


def parse_csv(text: str) -> CsvTable:
    """Split decoded text into headers and rows; blank lines are skipped but counted.

    Row numbers follow the spreadsheet: the header is row 1, the first pupil row 2.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    try:
        first = next(reader)
    except StopIteration:
        raise ImportFileError("The file is empty.") from None
    except csv.Error as exc:
        raise ImportFileError(f"The file cannot be read as CSV ({exc}).") from None
    headers = _unique_headers(first)
    rows: list[SourceRow] = []
    try:
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            padded = cells + [""] * (len(headers) - len(cells))
            rows.append(SourceRow(number=number, values=dict(zip(headers, padded, strict=False))))
    except csv.Error as exc:
        raise ImportFileError(f"The file cannot be read as CSV ({exc}).") from None
    return CsvTable(headers=headers, rows=rows)


def read_csv(path: Path) -> CsvTable:
    """Read a CSV file from disk; ``ImportFileError`` if it cannot be read."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFileError(f"{path.name} cannot be opened ({exc.strerror}).") from None
    return parse_csv(decode_csv(data))


def guess_mapping(headers: list[str]) -> dict[str, str | None]:
    """Guess which column holds each field from its header; ``None`` where none fits.

    Matching ignores case, spaces and punctuation ("Date of Birth", "DOB", "date_of_birth"),
    and each column is used for one field at most.
    """
    keys: dict[str, str] = {}
    for header in headers:
        keys.setdefault(squash(header), header)
    # A header's exact name wins over the same name with "Pupil"/"Student" taken off.
    for header in headers:
        key = squash(header)
        for prefix in _PREFIXES:
            if key.startswith(prefix) and len(key) > len(prefix):
                keys.setdefault(key[len(prefix) :], header)
    mapping: dict[str, str | None] = {}
    used: set[str] = set()
    for name in FIELDS:
        mapping[name] = None
        for alias in HEADER_ALIASES[name]:
            found = keys.get(alias)
            if found is not None and found not in used:
                mapping[name] = found
                used.add(found)
                break
    return mapping


def guess_custom_mapping(
    headers: list[str], names: dict[int, str], used: set[str] | None = None
) -> dict[str, str | None]:
    """For each custom field (id -> name), the column whose header is its name, if any.

    Matching ignores case, spaces and punctuation; a column already ``used`` for a
    pupil field is not taken again.
    """
    taken = set(used or ())
    by_key = {squash(h): h for h in headers if h not in taken}
    return {custom_key(field_id): by_key.get(squash(name)) for field_id, name in names.items()}
