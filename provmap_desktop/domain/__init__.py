"""Every change to a school's data, with its rules.

One module per aggregate (pupils, provisions, groups and memberships, staff, funding,
school settings and calendar, reviews, delivery, EHC plans). Each write takes the
session, checks the rules, makes the change without committing and returns a
``Change`` that can undo and redo it. Screens wrap these calls in undo commands; the
command line, imports and tests call them directly. Nothing here imports Qt.
"""

from . import closed_years
from .change import Change, Changed, DomainError, Kind

# Every session refuses writes into a closed academic year (see ``closed_years``).
closed_years.install()

__all__ = ["Change", "Changed", "DomainError", "Kind"]
