"""``python -m provmap_desktop`` opens the app."""

from __future__ import annotations

import sys

from .app import main

sys.exit(main())
