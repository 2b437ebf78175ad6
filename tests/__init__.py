"""The test suite.

Python is let keep the files it compiles (in ``__pycache__`` folders, which git ignores)
for this run, even where ``PYTHONDONTWRITEBYTECODE`` is set. Without them every worker
process compiled every module of the app and rewrote every test module's asserts from
source, and so did every copy of the app a test starts (about half of the time it took
to collect the tests, and most of the time each of those copies took to start). Set
``PROVMAP_TESTS_KEEP_NO_BYTECODE=1`` to keep Python from writing them.

This runs when the test package is first imported (by ``tests/conftest.py``), before
the worker processes and the app processes the tests start, which inherit it.
"""

from __future__ import annotations

import os
import sys

if not os.environ.get("PROVMAP_TESTS_KEEP_NO_BYTECODE"):
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    sys.dont_write_bytecode = False
