"""Unique pupil numbers: validation with a message a SENCO can act on."""

from __future__ import annotations

from stdnum import exceptions
from stdnum.gb import upn as _upn


class UpnError(ValueError):
    """A UPN that cannot be right; the message says why."""


def clean_upn(value: str) -> str:
    """Return the UPN in canonical form (upper case, no spaces) or raise ``UpnError``."""
    text = (value or "").strip().upper().replace(" ", "")
    if not text:
        raise UpnError("UPN is missing.")
    try:
        return str(_upn.validate(text))
    except exceptions.InvalidLength:
        raise UpnError(f"UPN {text} should be 13 characters, not {len(text)}.") from None
    except exceptions.InvalidChecksum:
        expected = _upn.calc_check_digit(text[1:])
        raise UpnError(
            f"UPN {text} has the wrong check letter: it should start with {expected}."
        ) from None
    except exceptions.InvalidComponent:
        raise UpnError(f"UPN {text} does not hold a known local authority number.") from None
    except exceptions.ValidationError:
        raise UpnError(
            f"UPN {text} is not in the right form (a letter, 11 digits, a letter or digit)."
        ) from None


def is_valid_upn(value: str) -> bool:
    try:
        clean_upn(value)
    except UpnError:
        return False
    return True


def make_upn(la_number: str, establishment: str, year: int, serial: int) -> str:
    """Build a valid permanent UPN from its parts (used by the demo school and tests)."""
    body = f"{int(la_number):03d}{int(establishment):04d}{year % 100:02d}{serial:03d}"
    return f"{_upn.calc_check_digit(body)}{body}"
