"""Printing on paper: the same PDF a report saves, drawn page by page onto the printer.

A screen says what it would print (``Printable``); File → Print… writes that report to a
private temporary file with ReportLab, opens it with Qt's PDF reader and paints each page
onto the printer the user chose in the system print dialog, or into the print preview.
So what comes out of the printer is the document "Save as PDF…" writes.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QRect, QSize, QSizeF, Qt
from PySide6.QtGui import QPageLayout, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QMessageBox, QWidget

#: Dots per inch for a page drawn onto the printer: sharp on paper, quick enough.
PRINT_DPI = 200


@dataclass(frozen=True)
class Printable:
    """What a screen prints: a title for the print job and how to write the PDF."""

    title: str
    write: Callable[[Path], object]


@contextmanager
def written_pdf(printable: Printable) -> Iterator[QPdfDocument]:
    """Write ``printable`` to a temporary PDF and open it; both go when done."""
    with tempfile.TemporaryDirectory(prefix="provmap-print-") as folder:
        path = Path(folder) / "print.pdf"
        printable.write(path)
        document = QPdfDocument()
        error = document.load(str(path))
        if error != QPdfDocument.Error.None_ or document.pageCount() == 0:
            raise OSError(f"The report could not be read back for printing ({error.name}).")
        try:
            yield document
        finally:
            document.close()


def orient_like(printer: QPrinter, document: QPdfDocument) -> None:
    """Landscape paper for a landscape report (the map), portrait otherwise."""
    size = document.pagePointSize(0)
    landscape = size.width() > size.height()
    printer.setPageOrientation(
        QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait
    )


def paint_pages(printer: QPrinter, document: QPdfDocument) -> int:
    """Draw every page of ``document`` on ``printer``, each scaled to fit; return the count."""
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError("The printer could not be started.")
    try:
        area = printer.pageLayout().paintRectPixels(printer.resolution())
        for page in range(document.pageCount()):
            if page:
                printer.newPage()
            points: QSizeF = document.pagePointSize(page)
            scale = min(area.width() / points.width(), area.height() / points.height())
            target = QSize(round(points.width() * scale), round(points.height() * scale))
            pixels = QSize(
                round(points.width() * PRINT_DPI / 72), round(points.height() * PRINT_DPI / 72)
            )
            image = document.render(page, pixels)
            painter.drawImage(QRect(0, 0, target.width(), target.height()), image)
    finally:
        painter.end()
    return document.pageCount()


def print_with_dialog(
    parent: QWidget, printable: Printable, printer: QPrinter | None = None
) -> int:
    """The system print dialog, then the pages; returns how many were printed (0: none)."""
    try:
        with written_pdf(printable) as document:
            printer = printer or QPrinter(QPrinter.PrinterMode.HighResolution)
            printer.setDocName(printable.title)
            orient_like(printer, document)
            dialog = QPrintDialog(printer, parent)
            dialog.setWindowTitle(f"Print {printable.title}")
            dialog.setMinMax(1, document.pageCount())
            if dialog.exec() != QPrintDialog.DialogCode.Accepted:
                return 0
            return paint_pages(printer, document)
    except (OSError, ValueError) as exc:
        QMessageBox.warning(parent, "Not printed", str(exc))
        return 0


def preview(parent: QWidget, printable: Printable) -> QPrintPreviewDialog | None:
    """The print preview, showing the same pages; it prints from its own Print button."""
    holder = written_pdf(printable)
    try:
        document = holder.__enter__()
    except (OSError, ValueError) as exc:
        QMessageBox.warning(parent, "Nothing to preview", str(exc))
        return None
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(printable.title)
    orient_like(printer, document)
    dialog = QPrintPreviewDialog(printer, parent)
    dialog.setWindowTitle(f"Print preview: {printable.title}")
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.paintRequested.connect(lambda target: paint_pages(target, document))
    # The temporary file lives exactly as long as the preview does.
    dialog.finished.connect(lambda _result: holder.__exit__(None, None, None))
    dialog.resize(900, 580)
    dialog.open()
    return dialog
