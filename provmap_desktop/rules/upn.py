"""Unique pupil numbers: validation with a message a SENCO can act on.

A UPN is 13 characters: a check letter, the issuing local authority's number (3 digits),
the school's establishment number (4 digits), the last two digits of the academic year,
and 3 digits; a temporary UPN ends in 2 digits and a letter. Letters are never I, O or S.

The check letter is mandatory: it is how a mistyped UPN is caught. The local authority
number is not checked against a fixed list, because authorities are created and merged
(Dorset 838 and Bournemouth, Christchurch and Poole 839 in 2019, the Northamptonshire and
Cumbria authorities 940-943 in 2021 and 2023) and a UPN issued by a new one is still a
pupil's real number. ``upn_warning`` says when the number is not one this app knows.
"""

from __future__ import annotations

import re


def check_letter(body: str) -> str:
    """The check letter for a UPN's last 12 characters.

    python-stdnum is imported here, when a number is checked or made: reading a school
    for a report never needs it.
    """
    from stdnum.gb import upn as stdnum_upn

    return str(stdnum_upn.calc_check_digit(body))


class UpnError(ValueError):
    """A UPN that cannot be right; the message says why."""


_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"  # no I, O or S
_FORM = re.compile(rf"[{_LETTERS}][0-9]{{11}}[0-9{_LETTERS}]")


def _numbers(*spans: tuple[int, int] | int) -> frozenset[int]:
    found: set[int] = set()
    for span in spans:
        first, last = span if isinstance(span, tuple) else (span, span)
        found.update(range(first, last + 1))
    return frozenset(found)


#: Local authority numbers the app knows, including the DfE's pseudo-authorities
#: (001-005, 701-708), the Welsh authorities (660-681) and the authorities created
#: since 2019 (838, 839, 940-943). Numbers of authorities since merged stay, because
#: the UPNs they issued are still in use.
KNOWN_LA_NUMBERS: frozenset[int] = _numbers(
    (1, 5),
    (201, 213),
    (301, 320),
    (330, 336),
    (340, 344),
    (350, 359),
    (370, 373),
    (380, 384),
    (390, 394),
    420,
    (660, 681),
    (701, 708),
    (800, 803),
    (805, 808),
    (810, 813),
    815,
    816,
    (820, 823),
    825,
    826,
    830,
    831,
    (835, 839),
    840,
    841,
    845,
    846,
    (850, 852),
    (855, 857),
    860,
    861,
    (865, 896),
    908,
    909,
    916,
    919,
    921,
    925,
    926,
    928,
    929,
    931,
    933,
    (935, 938),
    (940, 943),
)


def _canonical(value: str) -> str:
    return (value or "").strip().upper().replace(" ", "")


def clean_upn(value: str) -> str:
    """Return the UPN in canonical form (upper case, no spaces) or raise ``UpnError``.

    Refuses a UPN of the wrong length or form, or with the wrong check letter; a local
    authority number the app does not know is not a reason to refuse (see ``upn_warning``).
    """
    text = _canonical(value)
    if not text:
        raise UpnError("UPN is missing.")
    if len(text) != 13:
        raise UpnError(f"UPN {text} should be 13 characters, not {len(text)}.")
    if not _FORM.fullmatch(text):
        raise UpnError(
            f"UPN {text} is not in the right form (a letter, 11 digits, then a digit or, "
            "for a temporary UPN, a letter; never I, O or S)."
        )
    expected = check_letter(text[1:])
    if text[0] != expected:
        raise UpnError(f"UPN {text} has the wrong check letter: it should start with {expected}.")
    return text


def is_valid_upn(value: str) -> bool:
    try:
        clean_upn(value)
    except UpnError:
        return False
    return True


def upn_warning(value: str) -> str | None:
    """A note about a valid UPN worth a second look (``None`` if there is nothing to say).

    Only a local authority number the app does not know; the UPN is still accepted.
    """
    text = _canonical(value)
    if not is_valid_upn(text):
        return None
    la = int(text[1:4])
    if la not in KNOWN_LA_NUMBERS:
        return (
            f"UPN {text} names local authority {text[1:4]}, which this app does not know; "
            "check it against the pupil's record."
        )
    return None


def make_upn(la_number: str, establishment: str, year: int, serial: int) -> str:
    """Build a valid permanent UPN from its parts (used by the demo school and tests)."""
    body = f"{int(la_number):03d}{int(establishment):04d}{year % 100:02d}{serial:03d}"
    return f"{check_letter(body)}{body}"
