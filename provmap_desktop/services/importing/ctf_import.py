"""Reading a DfE Common Transfer File (CTF), the XML a school receives with new pupils.

The parts used here::

    CTfile / CTFpupilData / Pupil
        UPN, Surname, Forename, DOB (yyyy-mm-dd), Sex or Gender (M/F)
        BasicDetails / PreferredSurname, PreferredForename, NCyearActual
        SENhistory
            SEN: StartDate, EndDate, SENprovision (N/K/E; older files A/P/S)
            SENneeds / SENneed: SENtype, SENtypeRank (1 primary, 2 secondary),
                NeedStartDate, NeedEndDate

CTF 19 (which SIMS still writes) names the pupil's sex ``Gender``; newer versions name
it ``Sex``. The specification puts ``SENneeds`` directly under ``SENhistory``, beside the
``SEN`` status entries; some older files put it inside a ``SEN`` entry. Both are read.
The current status is the ``SEN`` entry with no end date (the latest start among them,
or among all entries if every one has ended); a status of N has no SEN start date and
no need. Some MIS put ``PreferredForename`` or ``NCyearActual`` straight under ``Pupil``,
so both places are read. A default XML namespace, if any, is ignored. Each pupil becomes a
``SourceRow`` keyed by field name, so the shared preview rules apply unchanged; an
element the file leaves out is "not given" (left alone on update), not "blank".
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from .common import FIELDS, ImportFileError, SourceRow

#: A CTF row is already keyed by field name.
CTF_MAPPING: dict[str, str | None] = {name: name for name in FIELDS}


def _strip_namespaces(root: ET.Element) -> None:
    """Drop any namespace from every tag, so a default namespace does not hide a tag."""
    for element in root.iter():
        if isinstance(element.tag, str) and "}" in element.tag:
            element.tag = element.tag.split("}", 1)[1]


def _text(element: ET.Element | None) -> str | None:
    """The element's text without surrounding blanks; None when the element is absent."""
    if element is None:
        return None
    return (element.text or "").strip()


def _own(pupil: ET.Element, tag: str) -> str | None:
    """The pupil's own element, never one inside Contacts (a parent's Surname)."""
    found = pupil.find(tag)
    if found is None:
        found = pupil.find(f"BasicDetails/{tag}")
    return _text(found)


def _open_first_latest(entries: list[ET.Element], start: str, end: str) -> list[ET.Element]:
    """Entries still open (no end date) if there are any, else all; latest start first.

    ISO dates sort as text; an entry with no start date counts as the oldest, and of
    two with the same start the later one in the file comes first.
    """
    open_entries = [e for e in entries if not _text(e.find(end))]
    chosen = open_entries or entries
    ordered = sorted(enumerate(chosen), key=lambda e: (_text(e[1].find(start)) or "", e[0]))
    return [entry for _, entry in reversed(ordered)]


def _current_sen(pupil: ET.Element) -> ET.Element | None:
    """The SEN status entry in force: the latest open one, else the latest of all."""
    entries = _open_first_latest(pupil.findall("SENhistory/SEN"), "StartDate", "EndDate")
    return entries[0] if entries else None


def _current_needs(pupil: ET.Element, sen: ET.Element | None) -> dict[str, str]:
    """Primary and secondary need: the current rank 1 and rank 2 ``SENneed``."""
    needs = sen.findall("SENneeds/SENneed") if sen is not None else []
    if not needs:
        needs = pupil.findall("SENhistory/SENneeds/SENneed")
    found: dict[str, str] = {}
    for need in _open_first_latest(needs, "NeedStartDate", "NeedEndDate"):
        field = {"1": "primary_need", "2": "secondary_need"}.get(
            _text(need.find("SENtypeRank")) or ""
        )
        if field and field not in found:
            found[field] = _text(need.find("SENtype")) or ""
    return found


def _sen_values(pupil: ET.Element) -> dict[str, str | None]:
    """The SEN fields, or nothing if the file has no SEN history for the pupil."""
    if pupil.find("SENhistory") is None:
        return {}
    sen = _current_sen(pupil)
    values: dict[str, str | None] = {}
    if sen is not None:
        values["sen_status"] = _text(sen.find("SENprovision")) or ""
        values["sen_start_date"] = _iso_day(_text(sen.find("StartDate"))) or ""
    needs = _current_needs(pupil, sen)
    if sen is not None or needs:
        values["primary_need"] = needs.get("primary_need", "")
        values["secondary_need"] = needs.get("secondary_need", "")
    if (values.get("sen_status") or "").upper() == "N":
        # Not on the SEN register: no date they joined it, and no need recorded.
        values.update(sen_start_date="", primary_need="", secondary_need="")
    return values


def _iso_day(text: str | None) -> str | None:
    """The yyyy-mm-dd day of a date that may be written as a full timestamp."""
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
        "gender": _own(pupil, "Sex") if _own(pupil, "Sex") is not None else _own(pupil, "Gender"),
        "year_group": _own(pupil, "NCyearActual"),
    }
    values.update(_sen_values(pupil))
    return {name: value for name, value in values.items() if value is not None}


def parse_ctf(data: bytes, source: str = "The file") -> list[SourceRow]:
    """Parse CTF bytes into one row per pupil (numbered from 1 in file order).

    Raises ``ImportFileError`` with the line and column for malformed XML, for XML that
    declares entities or reaches for outside files (a CTF never does: such a file could
    expand to gigabytes or read other files), and for an XML file that is not a CTF.
    """
    try:
        root = fromstring(data)
    except DefusedXmlException:
        raise ImportFileError(
            f"{source} declares XML entities or refers to other files, which a Common "
            "Transfer File never does, so it was not read. Nothing was written."
        ) from None
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
    """Read and parse the CTF at ``path``; a file that cannot be read is an ImportFileError."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFileError(f"{path.name} cannot be opened ({exc.strerror}).") from None
    return parse_ctf(data, path.name)
