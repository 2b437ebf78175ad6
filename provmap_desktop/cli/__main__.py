"""``python -m provmap_desktop.cli``: the ``provmap`` command without the installed script."""

import sys

from . import run

sys.exit(run())
