"""Save as PDF…: choose A4 or A3 and a file, then write the whole-school map."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from ...ui.folders import remember, start_in

if TYPE_CHECKING:
    from .screen import MapScreen


def print_map(screen: MapScreen) -> Path | None:
    from ...reports.map_pdf import write_map_pdf

    ctx = screen.ctx
    if ctx.academic_year_id is None:
        return None
    size, ok = QInputDialog.getItem(
        screen, "Print the map", "Paper size (landscape)", ["A4", "A3"], 0, False
    )
    if not ok:
        return None
    term = (ctx.term_name or "year").lower()
    suggested = start_in(f"provision-map-{term}.pdf")
    path, _ = QFileDialog.getSaveFileName(screen, "Save the map as PDF", suggested, "PDF (*.pdf)")
    if not path:
        return None
    remember(path)
    try:
        write_map_pdf(
            ctx.session,
            Path(path),
            academic_year_id=ctx.academic_year_id,
            term_name=ctx.term_name,
            page_size=size,
            filters=screen.filters,
        )
    except OSError as exc:
        QMessageBox.warning(screen, "Map not saved", f"Could not write {path}: {exc.strerror}.")
        return None
    screen.show_feedback(f"Map saved to {path}")
    return Path(path)
