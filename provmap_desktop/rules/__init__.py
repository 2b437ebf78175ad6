"""Checks on single values that hold wherever a value comes from: a UPN's check letter,
a name's length and characters, a date of birth in a school's range. Pure functions,
used by the models, the domain writes, the importers and the screens' dialogs alike.
"""
