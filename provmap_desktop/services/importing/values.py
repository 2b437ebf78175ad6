"""The value rules of a pupil import: how MIS exports write years, SEN, needs and dates.

Every rule takes the text of one cell and gives the value ProvMap stores, or ``None``
(or ``ValueError`` for a date) when the text is not one it knows.
"""

from __future__ import annotations

import datetime as dt
import re

from ...models.vocab import NEED_TYPES


def squash(text: str) -> str:
    """Lower case with everything but letters and digits removed: 'Year-Group' -> 'yeargroup'."""
    return re.sub(r"[^0-9a-z]", "", text.casefold())


_SEN_WORDS: dict[str, str] = {
    **dict.fromkeys(["n", "no", "none", "nosen", "nospecialeducationalneed"], "N"),
    **dict.fromkeys(["nospecialeducationalneeds", "notsen"], "N"),
    **dict.fromkeys(["k", "sensupport", "support", "schoolsupport"], "K"),
    # School Action and School Action Plus came before SEN support (2014).
    **dict.fromkeys(["a", "p", "schoolaction", "schoolactionplus"], "K"),
    **dict.fromkeys(["e", "ehcp", "ehc", "ehcplan", "educationhealthandcareplan"], "E"),
    # A statement of SEN became an EHC plan.
    **dict.fromkeys(["s", "statement", "statemented", "statementofsen"], "E"),
}
_NEED_WORDS: dict[str, str] = {
    **{squash(code): code for code in NEED_TYPES},
    **{squash(label): code for code, label in NEED_TYPES.items()},
    "asc": "ASD",
    "autism": "ASD",
    "autisticspectrumcondition": "ASD",
}
_GENDER_WORDS: dict[str, str] = {
    **dict.fromkeys(["m", "male", "boy"], "M"),
    **dict.fromkeys(["f", "female", "girl"], "F"),
    **dict.fromkeys(["x", "other", "nonbinary", "indeterminate"], "X"),
    **dict.fromkeys(["", "u", "unknown", "notknown", "notrecorded"], ""),
}
# NC year: Nursery is -1 and Reception 0, as YearGroup.sort_order holds them.
_YEAR_WORDS: dict[str, int] = {
    **dict.fromkeys(["r", "rec", "reception", "f2", "fs2", "yr"], 0),
    **dict.fromkeys(["n", "n1", "n2", "nursery", "f1", "fs1"], -1),
}


def nc_year(text: str) -> int | None:
    """'4', 'Year 4', 'Y4', 'Year Y6', 'NC Year 4' -> 4; 'R', 'Rec', 'Reception' -> 0;
    'N1', 'N2', 'Nursery' -> -1."""
    key = squash(text)
    # "Year Y6" and "NC Year 6" carry more than one prefix; take them off one at a time.
    for _ in range(3):
        if key in _YEAR_WORDS:
            return _YEAR_WORDS[key]
        if key.isdigit():
            return int(key)
        match = re.fullmatch(r"(?:ncyear|year|nc|yr|y)(\w+)", key)
        if not match:
            return None
        key = match.group(1)
    return None


def sen_status_code(text: str) -> str | None:
    """'K', 'SEN Support', 'K - SEN Support', 'EHCP' -> 'K' or 'E'; blank -> 'N'."""
    if not text.strip():
        return "N"
    code = _SEN_WORDS.get(squash(text))
    if code is not None:
        return code
    # SIMS and Arbor write the census code, a dash and its meaning: "K - SEN Support".
    match = re.fullmatch(r"\s*([A-Za-z])\s*[-–:]\s*(.+)", text)
    if match:
        code = _SEN_WORDS.get(match.group(1).casefold())
        meaning = _SEN_WORDS.get(squash(match.group(2)))
        if code is not None and meaning in (None, code):
            return code
    return None


def need_code(text: str) -> str | None:
    """The census need code a cell names, by code or label; None if none."""
    return _NEED_WORDS.get(squash(text))


_MONTHS: dict[str, int] = {}
for _number, _name in enumerate(
    (
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ),
    start=1,
):
    _MONTHS[_name] = _MONTHS[_name[:3]] = _number
_MONTHS["sept"] = 9


def parse_mis_date(text: str) -> dt.date:
    """A date as MIS exports write it; ``ValueError`` if it is none of these.

    dd/mm/yyyy (or d/m/yyyy), yyyy-mm-dd, "08 October 2014", "8 Oct 2014", each with or
    without a time of day after it ("14/03/2016 00:00:00", "2016-03-14T00:00:00"): the
    day is what counts.
    """
    value = re.sub(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$", "", text.strip())
    match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", value)
    if match:
        day, month, year = (int(part) for part in match.groups())
        return dt.date(year, month, day)
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", value)
    if match:
        year, month, day = (int(part) for part in match.groups())
        return dt.date(year, month, day)
    match = re.fullmatch(r"(\d{1,2})[ -]([A-Za-z]+)\.?[ -](\d{4})", value)
    if match and match.group(2).casefold() in _MONTHS:
        month = _MONTHS[match.group(2).casefold()]
        return dt.date(int(match.group(3)), month, int(match.group(1)))
    raise ValueError(f"'{text}' is not a date")


def gender_code(text: str) -> str | None:
    """'M', 'Male', 'Boy' -> 'M' (likewise F and X); blank or 'Unknown' -> ''; else None."""
    return _GENDER_WORDS.get(squash(text))


def class_base(name: str) -> str:
    """A class name without a bracketed year group: 'Robins (Reception)' -> 'robins'."""
    return squash(re.sub(r"\s*\([^)]*\)\s*$", "", name))
