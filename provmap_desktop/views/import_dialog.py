"""The "Import pupils…" dialog: choose a file, check its columns, preview, then import.

Two steps in one window. First the file and the column mapping: each pupil field has a
list of the file's headers, pre-set from the usual MIS names and open to correction
(a Common Transfer File's fields are fixed). Then the preview: one line per record of
the file saying what importing it would do, and for a rejected line every reason in
words. The Import button is enabled only when the preview is clean; the import is one
transaction, so either every row is written or none is.

A file is a transfer file or a CSV by what it holds, not its name. When a transfer file
brings pupils one year below the school's year groups (Year 6 leavers at a secondary,
nursery children at a primary), the preview says so and asks, with a tick box, whether
to take them as next year's intake.

The preview's table and its summary in words are in ``import_preview``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressDialog,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ..domain.change import Changed, Kind
from ..domain.custom_fields import fields_in_order
from ..services.importing import (
    CTF_MAPPING,
    FIELD_LABELS,
    FIELDS,
    REQUIRED_FIELDS,
    CsvTable,
    ImportFileError,
    ImportPreview,
    ImportResult,
    RowAction,
    SourceRow,
    apply_import,
    build_preview,
    custom_key,
    guess_with_custom,
    is_ctf,
    new_classes_words,
    next_year_start,
    read_csv,
    read_ctf,
)
from ..ui.context import AppContext
from ..ui.folders import remember, start_in
from ..ui.speech import ValueLabel
from .import_preview import PreviewTable, preview_summary

NOT_IN_FILE = "(not in the file)"
#: Above this many records the checking and writing steps show a progress window.
PROGRESS_ABOVE = 300


class ImportPupilsDialog(QDialog):
    """Import pupils from a MIS CSV export or a Common Transfer File into ``ctx``."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Import pupils")
        self.resize(900, 600)
        self.path: Path | None = None
        #: Whether the chosen file is a Common Transfer File (decided by its content).
        self.ctf = False
        #: The day birth dates are checked against and next year is worked out from
        #: (``None``: the real date).
        self.today: dt.date | None = None
        self.rows: list[SourceRow] = []
        self.preview: ImportPreview | None = None
        self.imported: ImportResult | None = None

        self.steps = QStackedWidget()
        self.steps.addWidget(self._mapping_step())
        self.steps.addWidget(self._preview_step())

        self.back_button = QPushButton("< &Back")
        self.back_button.clicked.connect(self.go_back)
        self.next_button = QPushButton("&Check rows >")
        self.next_button.clicked.connect(self.show_preview)
        self.import_button = QPushButton("&Import")
        self.import_button.clicked.connect(self.import_now)
        self.close_button = QPushButton("Cancel")
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.back_button, self.next_button, self.import_button, self.close_button):
            # Enter in the file box reads the file; it must not also press a button.
            button.setAutoDefault(False)
            buttons.addWidget(button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.steps, 1)
        layout.addLayout(buttons)
        self._update_buttons()

    # -- step 1: the file and its columns -------------------------------------------

    def _mapping_step(self) -> QWidget:
        """Step 1: the file box and a column chooser for each pupil field."""
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText(
            "A CSV export from the MIS, or a Common Transfer File (.ctf or .xml)"
        )
        self.path_edit.setAccessibleName("File to import")
        self.path_edit.returnPressed.connect(lambda: self.load_file(Path(self.path_edit.text())))
        self.browse_button = QPushButton("C&hoose file…")
        self.browse_button.clicked.connect(self.choose_file)
        self.browse_button.setAutoDefault(False)
        file_row = QHBoxLayout()
        file_row.addWidget(self.path_edit, 1)
        file_row.addWidget(self.browse_button)

        self.file_message = ValueLabel("Choose the file your MIS exported.")
        self.file_message.setWordWrap(True)
        self.file_message.setAccessibleName("About the file")
        # New starters (a CSV of next September's Reception, say) come in before the
        # rollover: on roll from next year's first day, in the year group they join.
        self.intake_all = QCheckBox(
            "Next year's intake: these pupils &start on the first day of next year, in the "
            "year group the file names"
        )
        self.intake_all.setAccessibleName("Import every pupil as next year's intake")
        self.combos: dict[str, QComboBox] = {}
        form = QFormLayout()
        for name in FIELDS:
            combo = QComboBox()
            label = FIELD_LABELS[name] + (" (required)" if name in REQUIRED_FIELDS else "")
            combo.setAccessibleName(f"Column for {FIELD_LABELS[name]}")
            combo.setEnabled(False)
            self.combos[name] = combo
            form.addRow(label, combo)
        # The school's own fields can be filled from a column too.
        for field in fields_in_order(self.ctx.session):
            combo = QComboBox()
            combo.setAccessibleName(f"Column for {field.name}")
            combo.setEnabled(False)
            self.combos[custom_key(field.id)] = combo
            form.addRow(f"{field.name} (custom field)", combo)
        self.ctx.session.rollback()  # end the read: the file is not held open
        fields = QWidget()
        fields.setLayout(form)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(fields)

        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(QLabel("<b>1. The file and its columns</b>"))
        layout.addLayout(file_row)
        layout.addWidget(self.file_message)
        layout.addWidget(self.intake_all)
        layout.addWidget(QLabel("Which column of the file holds each field:"))
        layout.addWidget(scroll, 1)
        return page

    def choose_file(self) -> None:
        """Ask for the file to import, then read it."""
        name, _ = QFileDialog.getOpenFileName(
            self,
            "Import pupils from",
            start_in(),
            "Pupil files (*.csv *.CSV *.txt *.TXT *.ctf *.CTF *.xml *.XML);;All files (*)",
        )
        if name:
            remember(name)
            self.load_file(Path(name))

    def load_file(self, path: Path) -> bool:
        """Read ``path`` and pre-set the columns; say what is wrong if it cannot be read."""
        self.path_edit.setText(str(path))
        self.preview = None
        self.rows = []
        self.path = None
        self.ctf = is_ctf(path)
        self.intake_box.setChecked(False)
        headers: list[str] = []
        try:
            if self.ctf:
                self.rows = read_ctf(path)
                mapping: dict[str, str | None] = dict(CTF_MAPPING)
            else:
                table: CsvTable = read_csv(path)
                self.rows, headers = table.rows, table.headers
                mapping = guess_with_custom(self.ctx.session, headers)
                self.ctx.session.rollback()
        except ImportFileError as exc:
            self.file_message.setText(f"{exc} Choose another file.")
            self._fill_combos([], {}, editable=False)
            self._update_buttons()
            return False
        self.path = path
        ctf = self.ctf
        unit = "pupil record" if ctf else "row"
        about = f"{path.name}: {len(self.rows)} {unit}{'' if len(self.rows) == 1 else 's'}."
        if ctf:
            about += " A Common Transfer File's fields are fixed."
        else:
            about += " The columns below were guessed from the headers; correct any that are wrong."
        self.file_message.setText(about)
        self._fill_combos(headers, mapping, editable=not ctf)
        self._update_buttons()
        return True

    def _fill_combos(
        self, headers: list[str], mapping: dict[str, str | None], *, editable: bool
    ) -> None:
        """List ``headers`` in every field's chooser, each set from ``mapping``."""
        for name, combo in self.combos.items():
            combo.clear()
            combo.addItem(NOT_IN_FILE, None)
            chosen = mapping.get(name)
            if editable:
                for header in headers:
                    combo.addItem(header, header)
            elif chosen:
                combo.addItem("From the transfer file", chosen)
            combo.setCurrentIndex(max(combo.findData(chosen), 0) if chosen else 0)
            combo.setEnabled(editable)

    def current_mapping(self) -> dict[str, str | None]:
        """The column chosen for each field (``None``: not in the file)."""
        return {name: combo.currentData() for name, combo in self.combos.items()}

    # -- step 2: the preview ----------------------------------------------------------

    def _preview_step(self) -> QWidget:
        """Step 2: the summary, the intake offer, the preview table and the outcome."""
        self.counts = ValueLabel()
        self.counts.setWordWrap(True)
        self.counts.setAccessibleName("What the import will do")
        self.intake_box = QCheckBox()
        self.intake_box.setAccessibleName("Import as next year's intake")
        self.intake_box.hide()
        self.intake_box.toggled.connect(lambda _on: self._recheck_intake())
        self.only_rejected = QCheckBox("Show only &rejected rows")
        self.only_rejected.toggled.connect(lambda _on: self._filter_table())
        self.table = PreviewTable()
        self.outcome = ValueLabel(announces=True)
        self.outcome.setWordWrap(True)
        self.outcome.setAccessibleName("Import result")
        self.outcome.hide()

        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(QLabel("<b>2. Check every row, then import</b>"))
        layout.addWidget(self.counts)
        layout.addWidget(self.intake_box)
        layout.addWidget(self.only_rejected)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.outcome)
        return page

    def _progress(self, text: str, steps: int) -> QProgressDialog | None:
        """A progress window for a long file (``None`` for a short one)."""
        if len(self.rows) <= PROGRESS_ABOVE:
            return None
        progress = QProgressDialog(text, "Cancel", 0, steps, self)
        progress.setWindowTitle("Import pupils")
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(0)
        progress.setValue(0)
        QApplication.processEvents()
        return progress

    def show_preview(self) -> bool:
        """Check every row against the chosen columns and show the result (writes nothing).

        Returns ``False`` if there is no file, or the user cancelled a long check.
        """
        if self.path is None:
            return False
        progress = self._progress(f"Checking {len(self.rows)} rows…", 2)
        mapping = dict(CTF_MAPPING) if self.ctf else self.current_mapping()
        unit = "Pupil" if self.ctf else "Row"
        preview = build_preview(
            self.ctx.session,
            self.rows,
            mapping,
            source=self.path.name,
            unit=unit,
            offer_intake=self.ctf,
            as_intake=self.ctf and self.intake_box.isChecked(),
            today=self.today,
            intake_starts=self._intake_starts(),
        )
        # build_preview only reads; end its read transaction so the file is not held.
        self.ctx.session.rollback()
        if progress is not None:
            progress.setValue(1)
            QApplication.processEvents()
            if progress.wasCanceled():
                progress.close()
                return False
        self.preview = preview
        self._fill_table(preview)
        if progress is not None:
            progress.setValue(2)
            progress.close()
        self.outcome.hide()
        self.imported = None
        self.steps.setCurrentIndex(1)
        self._update_buttons()
        return True

    def _intake_starts(self) -> dt.date | None:
        """Next year's first day when every pupil is next year's intake, else None."""
        if not self.intake_all.isChecked():
            return None
        return next_year_start(self.ctx.session, self.today or dt.date.today())

    def _recheck_intake(self) -> None:
        """The user ticked (or cleared) "next year's intake": check the rows again."""
        if self.preview is not None and self.steps.currentIndex() == 1 and self.imported is None:
            self.show_preview()

    def _show_intake_offer(self, preview: ImportPreview) -> None:
        """Offer to take next year's intake when the file brings one, else hide the offer."""
        intake = preview.intake
        if intake is None:
            self.intake_box.hide()
            return
        who = f"{intake.count} pupil{'' if intake.count == 1 else 's'}"
        self.intake_box.setText(
            f"Import &these {who} as next year's intake: they join {intake.year_group} "
            f"on {intake.starts:%d/%m/%Y}"
        )
        self.intake_box.show()

    def _fill_table(self, preview: ImportPreview) -> None:
        """Show ``preview``: the summary, the intake offer and a line per record."""
        self.counts.setText(preview_summary(preview))
        self._show_intake_offer(preview)
        self.table.show_rows(preview.rows)
        self.only_rejected.setChecked(not preview.is_clean and bool(preview.rejected))
        self._filter_table()

    def _filter_table(self) -> None:
        """Show only the rejected lines when that box is ticked."""
        if self.preview is None:
            return
        self.table.show_only_rejected(self.only_rejected.isChecked())

    def go_back(self) -> None:
        """Back to the file and its columns."""
        self.steps.setCurrentIndex(0)
        self._update_buttons()

    # -- confirm ----------------------------------------------------------------------

    def can_import(self) -> bool:
        """Whether Import can go ahead: a clean preview with something to add or update."""
        preview = self.preview
        return (
            self.steps.currentIndex() == 1
            and self.imported is None
            and preview is not None
            and preview.is_clean
            and bool(preview.count(RowAction.ADD) + preview.count(RowAction.UPDATE))
        )

    def import_now(self) -> ImportResult | None:
        """Write the clean preview in one transaction; say what was done."""
        if not self.can_import() or self.preview is None:
            return None
        progress = self._progress(f"Importing {len(self.preview.rows)} pupils…", 1)
        if progress is not None and progress.wasCanceled():
            return None
        if progress is not None:
            # Once writing starts it runs to the end: it is all or nothing.
            progress.setCancelButton(None)
        try:
            result = apply_import(self.ctx.session, self.preview)
        except Exception as exc:
            self.outcome.setText(f"Nothing was imported: {exc}")
            self.outcome.show()
            return None
        finally:
            if progress is not None:
                progress.close()
        self.imported = result
        # The import cannot be undone, and earlier edits may now refer to changed rows.
        self.ctx.undo_stack.clear()
        self.ctx.data_changed.emit(Changed.of(Kind.PUPILS))
        created = f" {new_classes_words(result.classes_created)}." if result.classes_created else ""
        self.outcome.setText(
            f"Imported: {result.added} pupils added, {result.updated} updated, "
            f"{result.unchanged} unchanged.{created} Pupils not in the file were left alone."
        )
        self.outcome.show()
        self.close_button.setText("Close")
        self._update_buttons()
        return result

    def _update_buttons(self) -> None:
        """Enable the buttons that make sense at this step."""
        on_mapping = self.steps.currentIndex() == 0
        self.back_button.setEnabled(not on_mapping and self.imported is None)
        self.next_button.setEnabled(on_mapping and self.path is not None)
        self.import_button.setEnabled(self.can_import())
