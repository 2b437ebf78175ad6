"""File → Import a provision map…: the school's own map from a workbook, Word table or CSV.

Choose the file and the period the groups run in, then Check the map: the preview
shows, before anything is written, the provisions found and whether each is new to the
catalogue, the groups and allocations, the names that match no pupil or several (with
the cell each came from and the candidates), and the cells it could not read, each
with its sheet, row and column. Choose whether unmatched names become new pupils to
complete or are skipped, then Import: an automatic backup is taken and everything is
written in one transaction. The import is not undone with Edit → Undo; the backup
(File → Automatic backups…) is the way back.

The preview's tabs and its summary in words are in ``map_import_preview``.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from ..domain.change import Changed, Kind
from ..models import AcademicYear
from ..services.map_import import (
    MapFileError,
    MapImportResult,
    MapPlan,
    import_map,
    preview_map,
)
from ..ui.context import AppContext
from .map_import_preview import PlanTabs, plan_summary

WHOLE_YEAR = "Whole year"


class MapImportDialog(QDialog):
    """Preview then import a provision map into ``ctx``'s school."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Import a provision map")
        self.resize(1000, 560)
        self.plan: MapPlan | None = None
        self.imported: MapImportResult | None = None

        top = self._file_and_period()
        self.summary = QLabel("Choose the file, the year and term, then Check the map.")
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("What the import will do")
        self.tabs = PlanTabs()
        choice = self._unmatched_choice()
        buttons = self._outcome_and_buttons()

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(choice)
        layout.addLayout(buttons)
        self._fill_periods()
        self.year_combo.currentIndexChanged.connect(self._fill_terms)
        self.term_combo.currentIndexChanged.connect(self._period_changed)
        self._update_buttons()

    def _file_and_period(self) -> QGridLayout:
        """The file box and its Choose button, the year and term, and Check the map."""
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText("A map saved as .xlsx, .docx or .csv")
        self.path_edit.setAccessibleName("Map file to import")
        self.path_edit.returnPressed.connect(self.check)
        self.browse_button = QPushButton("C&hoose file…")
        self.browse_button.clicked.connect(self.choose_file)
        self.year_combo = QComboBox()
        self.year_combo.setAccessibleName("Academic year the groups run in")
        self.term_combo = QComboBox()
        self.term_combo.setAccessibleName("Term the groups run in")
        self.check_button = QPushButton("&Check the map")
        self.check_button.clicked.connect(self.check)

        top = QGridLayout()
        file_label = QLabel("&File:")
        file_label.setBuddy(self.path_edit)
        top.addWidget(file_label, 0, 0)
        top.addWidget(self.path_edit, 0, 1, 1, 4)
        top.addWidget(self.browse_button, 0, 5)
        year_label = QLabel("&Year:")
        year_label.setBuddy(self.year_combo)
        term_label = QLabel("&Term:")
        term_label.setBuddy(self.term_combo)
        top.addWidget(year_label, 1, 0)
        top.addWidget(self.year_combo, 1, 1)
        top.addWidget(term_label, 1, 2)
        top.addWidget(self.term_combo, 1, 3)
        top.addWidget(self.check_button, 1, 5)
        top.setColumnStretch(4, 1)
        return top

    def _unmatched_choice(self) -> QGroupBox:
        """Whether names that match no pupil become new pupils or are skipped."""
        self.create_radio = QRadioButton(
            "Add them as new &pupils to complete (a temporary UPN; fill in the rest later)"
        )
        self.skip_radio = QRadioButton("&Skip them (ambiguous names are always left out)")
        self.skip_radio.setChecked(True)
        choice = QGroupBox("Names that match no pupil")
        choice_layout = QVBoxLayout(choice)
        choice_layout.addWidget(self.create_radio)
        choice_layout.addWidget(self.skip_radio)
        return choice

    def _outcome_and_buttons(self) -> QHBoxLayout:
        """The line saying what was imported, then Import and Cancel (later Close)."""
        self.outcome = QLabel()
        self.outcome.setWordWrap(True)
        self.outcome.setAccessibleName("Import result")
        self.outcome.hide()

        self.import_button = QPushButton("&Import")
        self.import_button.clicked.connect(self.import_now)
        self.close_button = QPushButton("Cancel")
        self.close_button.clicked.connect(self.reject)
        for button in (
            self.browse_button,
            self.check_button,
            self.import_button,
            self.close_button,
        ):
            button.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.outcome, 1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.close_button)
        return buttons

    # -- period ------------------------------------------------------------------------

    def _fill_periods(self) -> None:
        """List the academic years, choosing the one (and term) chosen in the window."""
        years = self.ctx.session.scalars(select(AcademicYear).order_by(AcademicYear.start_date))
        for year in years:
            self.year_combo.addItem(year.label, year.id)
        index = self.year_combo.findData(self.ctx.academic_year_id)
        self.year_combo.setCurrentIndex(max(index, 0) if self.year_combo.count() else -1)
        self._fill_terms()
        if self.ctx.term_name:
            self.term_combo.setCurrentIndex(max(self.term_combo.findData(self.ctx.term_name), 0))

    def _fill_terms(self) -> None:
        """List the terms of the year chosen, after Whole year."""
        self.term_combo.clear()
        self.term_combo.addItem(WHOLE_YEAR, None)
        year = self._year()
        if year is not None:
            for term in year.terms:
                self.term_combo.addItem(term.name, term.name)
        self._period_changed()

    def _period_changed(self) -> None:
        """A preview is for one period: choosing another asks for a fresh check."""
        if self.plan is not None and self.imported is None:
            self.plan = None
            self._show(None)
            self.summary.setText("The period changed: Check the map again.")
        self._update_buttons()

    def _year(self) -> AcademicYear | None:
        """The academic year chosen, if any."""
        year_id = self.year_combo.currentData()
        return self.ctx.session.get(AcademicYear, year_id) if year_id is not None else None

    # -- file and preview ----------------------------------------------------------------

    def choose_file(self) -> None:
        """Ask for the map file, then check it."""
        name, _ = QFileDialog.getOpenFileName(
            self,
            "Import a provision map from",
            str(Path.home()),
            "Provision maps (*.xlsx *.docx *.csv);;All files (*)",
        )
        if name:
            self.path_edit.setText(name)
            self.check()

    def check(self) -> bool:
        """Read the file and show the preview; nothing is written."""
        self.plan = None
        self.imported = None
        self.outcome.hide()
        year = self._year()
        text = self.path_edit.text().strip()
        if not text or year is None:
            self.summary.setText(
                "Choose a file first." if year is not None else "Add an academic year first."
            )
            self._show(None)
            return False
        try:
            plan = preview_map(self.ctx.session, Path(text), year, self.term_combo.currentData())
        except MapFileError as exc:
            self.summary.setText(f"{exc} Nothing was written.")
            self._show(None)
            return False
        finally:
            # The preview only reads; end its read transaction so the file is not held.
            self.ctx.session.rollback()
        self.plan = plan
        self._show(plan)
        return True

    def _show(self, plan: MapPlan | None) -> None:
        """Show ``plan`` in the summary and the tabs, or empty the tabs for ``None``."""
        if plan is None:
            self.tabs.clear_plan()
            self._update_buttons()
            return
        self.summary.setText(plan_summary(plan))
        self.tabs.show_plan(plan)
        self._update_buttons()

    # -- import ---------------------------------------------------------------------------

    def can_import(self) -> bool:
        """Whether Import can go ahead: a preview with something to write."""
        plan = self.plan
        if plan is None or self.imported is not None:
            return False
        return bool(
            plan.allocation_count
            or plan.new_provisions
            or (plan.unmatched and self.create_radio.isChecked())
        )

    def import_now(self) -> MapImportResult | None:
        """Back up, then write the previewed map in one transaction."""
        plan = self.plan
        if plan is None or not self.can_import():
            return None
        try:
            result = import_map(
                self.ctx.session,
                self.ctx.database.path,
                plan,
                create_unmatched=self.create_radio.isChecked(),
                today=self.ctx.today,
            )
        except Exception as exc:
            self.outcome.setText(f"Nothing was imported: {exc}")
            self.outcome.show()
            return None
        self.imported = result
        # Earlier edits on the undo stack may refer to rows the import changed.
        self.ctx.undo_stack.clear()
        self.ctx.data_changed.emit(Changed.of(Kind.PROVISIONS, Kind.GROUPS, Kind.PUPILS))
        self.outcome.setText(
            f"Imported: {result.provisions_added} provisions added, {result.groups_added} "
            f"groups, {result.allocations} allocations, {result.pupils_added} pupils to "
            "complete. The copy taken before the import is under File → Automatic backups…"
        )
        self.outcome.show()
        self.close_button.setText("Close")
        self._update_buttons()
        return result

    def _update_buttons(self) -> None:
        """Enable Import and the choice about unmatched names when they make sense."""
        self.import_button.setEnabled(self.can_import())
        for radio in (self.create_radio, self.skip_radio):
            radio.setEnabled(self.plan is not None and self.imported is None)
