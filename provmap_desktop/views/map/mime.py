"""The app's own drag-and-drop payloads: pupils from the tray, chips from the grid."""

from __future__ import annotations

import json
from collections.abc import Iterable

from PySide6.QtCore import QMimeData

PUPILS_MIME = "application/x-provmap-pupils"
MEMBERSHIPS_MIME = "application/x-provmap-memberships"


def pupils_mime(pupil_ids: Iterable[int], names: Iterable[str] = ()) -> QMimeData:
    data = QMimeData()
    data.setData(PUPILS_MIME, json.dumps([int(i) for i in pupil_ids]).encode())
    data.setText(", ".join(names))
    return data


def memberships_mime(membership_ids: Iterable[int], names: Iterable[str] = ()) -> QMimeData:
    data = QMimeData()
    data.setData(MEMBERSHIPS_MIME, json.dumps([int(i) for i in membership_ids]).encode())
    data.setText(", ".join(names))
    return data


def read_ids(data: QMimeData, mime: str) -> list[int]:
    if not data.hasFormat(mime):
        return []
    try:
        values = json.loads(bytes(data.data(mime).data()).decode())
    except (ValueError, UnicodeDecodeError):
        return []
    return [int(v) for v in values if isinstance(v, int)]
