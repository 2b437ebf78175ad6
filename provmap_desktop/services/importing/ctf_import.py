"""Reading a DfE Common Transfer File (CTF), the XML a school receives with new pupils.

The parts used here::

    CTfile / CTFpupilData / Pupil
        UPN, Surname, Forename, DOB (yyyy-mm-dd), Sex (M/F)
        BasicDetails / PreferredSurname, PreferredForename, NCyearActual
        SENhistory / SEN
            StartDate, SENprovision (N/K/E; older files A/P/S)
            SENneeds / SENneed / SENtype, SENtypeRank (1 primary, 2 secondary)

Some MIS put ``PreferredForename`` or ``NCyearActual`` straight under ``Pupil``, so both
places are read. A default XML namespace, if any, is ignored. Each pupil becomes a
``SourceRow`` keyed by field name, so the shared preview rules apply unchanged; an
element the file leaves out is "not given" (left alone on update), not "blank".
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from .common import FIELDS, ImportFileError, SourceRow

#: A CTF row is already keyed by field name.
CTF_MAPPING: dict[str, str | None] = {name: name for name in FIELDS}


def _strip_namespaces(root: ET.Element) -> None:
    for element in root.iter():
        if isinstance(element.tag, str) and "}" in element.tag:
            element.tag = element.tag.split("}", 1)[1]


def _text(element: ET.Element | None) -> str | None:
    if element is None:
        return None
    return (element.text or "").strip()


def _own(pupil: ET.Element, tag: str) -> str | None:
    """The pupil's own element, never one inside Contacts (a parent's Surname)."""
    found = pupil.find(tag)
    if found is None:
        found = pupil.find(f"BasicDetails/{tag}")
    return _text(found)


def _latest_sen(pupil: ET.Element) -> ET.Element | None:
    entries = pupil.findall("SENhistory/SEN")
    if not entries:
        return None
    # ISO dates sort as text; an entry with no start date counts as the oldest.
    return max(enumerate(entries), key=lambda e: (_text(e[1].find("StartDate")) or "", e[0]))[1]


def _sen_values(sen: ET.Element) -> dict[str, str | None]:
    values: dict[str, str | None] = {
        "sen_status": _text(sen.find("SENprovision")) or "",
        "sen_start_date": _text(sen.find("StartDate")) or "",
        "primary_need": "",
        "secondary_need": "",
    }
    for need in sen.findall("SENneeds/SENneed"):
        rank = _text(need.find("SENtypeRank"))
        field = {"1": "primary_need", "2": "secondary_need"}.get(rank or "")
        if field:
            values[field] = _text(need.find("SENtype")) or ""
    return values


def _iso_day(text: str | None) -> str | None:
    # Some systems write a full timestamp (2016-05-04T00:00:00); the day is what counts.
    if text and len(text) > 10 and text[4:5] == "-" and text[10:11] == "T":
        return text[:10]
    return text


def pupil_values(pupil: ET.Element) -> dict[str, str | None]:
    """The fields one ``Pupil`` element gives, keyed by field name."""
    values: dict[str, str | None] = {
        "upn": _own(pupil, "UPN"),
        "surname": _own(pupil, "Surname"),
        "forename": _own(pupil, "Forename"),
        "preferred_name": _own(pupil, "PreferredForename"),
        "date_of_birth": _iso_day(_own(pupil, "DOB")),
        "gender": _own(pupil, "Sex"),
        "year_group": _own(pupil, "NCyearActual"),
    }
    sen = _latest_sen(pupil)
    if sen is not None:
        values.update(_sen_values(sen))
        values["sen_start_date"] = _iso_day(values["sen_start_date"])
    return {name: value for name, value in values.items() if value is not None}


def parse_ctf(data: bytes, source: str = "The file") -> list[SourceRow]:
    """Parse CTF bytes into one row per pupil (numbered from 1 in file order).

    Raises ``ImportFileError`` with the line and column for malformed XML, and for an
    XML file that is not a CTF.
    """
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        line, column = exc.position
        raise ImportFileError(
            f"{source} is not well-formed XML (line {line}, column {column + 1}), so it cannot "
            "be read as a Common Transfer File. Nothing was written."
        ) from None
    _strip_namespaces(root)
    if root.tag != "CTfile":
        raise ImportFileError(
            f"{source} is XML but not a Common Transfer File (it starts with <{root.tag}>, "
            "not <CTfile>). Nothing was written."
        )
    pupils = root.findall("CTFpupilData/Pupil")
    return [SourceRow(number=n, values=pupil_values(p)) for n, p in enumerate(pupils, start=1)]


def read_ctf(path: Path) -> list[SourceRow]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFileError(f"{path.name} cannot be opened ({exc.strerror}).") from None
    return parse_ctf(data, path.name)
