"""Reports: every printable document and spreadsheet in one place, for the chosen period.

Each button asks where to save, writes the file (to a temporary name, then renamed, by
the report code) and says where it went. The pupil documents use the pupil chosen
anywhere in the app (tray, chip, list).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from ..models import AcademicYear, Pupil
from ..ui.context import AppContext
from ..ui.folders import remember, start_in
from ..ui.speech import ValueLabel

Writer = Callable[[Session, Path], object]


class ReportsScreen(QWidget):
    """The Reports screen: a button per document, whole school and the chosen pupil."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.pupil_id: int | None = None
        self.message = ValueLabel(announces=True)
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Reports message")
        self.period = ValueLabel()
        self.paper = QComboBox()
        self.paper.addItems(["A4", "A3"])
        self.paper.setAccessibleName("Paper size for the whole-school map")
        school = self._school_box()
        pupil_box = self._pupil_box()

        layout = QVBoxLayout(self)
        layout.addWidget(self.period)
        layout.addWidget(self.message)
        layout.addWidget(school)
        layout.addWidget(pupil_box)
        layout.addStretch(1)
        ctx.pupil_selected.connect(self._pupil_chosen)
        ctx.period_changed.connect(self._show_period)
        self._show_period()
        self._pupil_chosen(None)

    def _school_box(self) -> QGroupBox:
        """The whole-school documents for the chosen year and term, with the paper size."""
        school = QGroupBox("Whole school, for the chosen year and term")
        grid = QGridLayout(school)
        self._button(grid, 0, "Provisio&n map (PDF)…", "provision-map.pdf", self._map_pdf)
        paper_row = QHBoxLayout()
        paper_row.addWidget(QLabel("Paper"))
        paper_row.addWidget(self.paper)
        paper_row.addStretch(1)
        grid.addLayout(paper_row, 0, 1)
        self._button(grid, 1, "Provision map (&spreadsheet)…", "provision-map.xlsx", self._map_xlsx)
        self._button(grid, 2, "&Costed provision map (PDF)…", "costed-map.pdf", self._costed_pdf)
        self.governors_button = self._button(
            grid, 3, "Costed summary for &governors (PDF, no pupil names)…",
            "costs-for-governors.pdf", self._governors_pdf,
        )  # fmt: skip
        self._button(grid, 4, "Costed map (s&preadsheet)…", "costed-map.xlsx", self._costed_xlsx)
        self._button(grid, 5, "&Impact by provision (PDF)…", "impact.pdf", self._impact_pdf)
        self._button(
            grid, 6, "One-page profiles of the SEN &register (PDF)…", "sen-register-profiles.pdf",
            self._register_profiles,
        )  # fmt: skip
        self._button(
            grid, 7, "Plan for ne&xt year: needs, gaps, staff (PDF)…", "plan.pdf", self._plan_pdf
        )
        return school

    def _pupil_box(self) -> QGroupBox:
        """The chosen pupil's documents, with whose they are."""
        pupil_box = QGroupBox("The chosen pupil")
        self.pupil_label = QLabel("Choose a pupil on the map or in Pupils.")
        pupil_grid = QGridLayout(pupil_box)
        pupil_grid.addWidget(self.pupil_label, 0, 0, 1, 2)
        self.pupil_buttons = [
            self._button(pupil_grid, 1, "&One-page profile (PDF)…", "profile.pdf", self._profile),
            self._button(
                pupil_grid, 2, "Evi&dence pack (PDF)…", "evidence-pack.pdf", self._evidence
            ),
            self._button(
                pupil_grid,
                3,
                "Costed provision against the &threshold (PDF)…",
                "pupil-costed.pdf",
                self._pupil_costed,
            ),
        ]
        return pupil_box

    def _button(
        self, grid: QGridLayout, row: int, text: str, suggested: str, writer: Writer
    ) -> QPushButton:
        """A button at ``row`` of ``grid`` that saves the report ``writer`` writes."""
        button = QPushButton(text)
        button.setAccessibleName(text.replace("&", "").rstrip("…"))
        button.clicked.connect(lambda: self.save(suggested, writer))
        grid.addWidget(button, row, 0)
        return button

    def _show_period(self) -> None:
        """Say which term and year the reports are for."""
        year = self._year()
        term = f"{self.ctx.term_name} term " if self.ctx.term_name else "Whole year "
        self.period.setText(f"<b>{term}{year.label if year else ''}</b>")

    def _pupil_chosen(self, pupil_id: int | None) -> None:
        """Name the chosen pupil and enable their reports (``None``: no pupil yet)."""
        self.pupil_id = pupil_id
        pupil = self.ctx.session.get(Pupil, pupil_id) if pupil_id else None
        self.pupil_label.setText(
            f"{pupil.display_name} ({pupil.upn})"
            if pupil
            else "Choose a pupil on the map or in Pupils."
        )
        for button in getattr(self, "pupil_buttons", []):
            button.setEnabled(pupil is not None)

    def _year(self) -> AcademicYear | None:
        """The academic year chosen, if any."""
        if self.ctx.academic_year_id is None:
            return None
        return self.ctx.session.get(AcademicYear, self.ctx.academic_year_id)

    # -- saving ---------------------------------------------------------------------

    def save(self, suggested: str, writer: Writer, path: Path | None = None) -> Path | None:
        """Ask for a file (unless given one), write it, and say where it went."""
        if path is None:
            suffix = Path(suggested).suffix
            kinds = "PDF (*.pdf)" if suffix == ".pdf" else "Excel (*.xlsx);;CSV (*.csv)"
            chosen, _ = QFileDialog.getSaveFileName(
                self, "Save as", start_in(self._named(suggested)), kinds
            )
            if not chosen:
                return None
            remember(chosen)
            path = Path(chosen)
        try:
            writer(self.ctx.session, path)
        except (OSError, ValueError) as exc:
            QMessageBox.warning(self, "Not saved", f"{path.name} was not written: {exc}")
            return None
        self.message.setText(f"Saved {path}")
        return path

    def _named(self, suggested: str) -> str:
        """A pupil's report is offered under a name saying whose it is."""
        pupil = self.ctx.session.get(Pupil, self.pupil_id) if self.pupil_id else None
        kinds = {
            "profile.pdf": "One-page profile",
            "evidence-pack.pdf": "Evidence pack",
            "pupil-costed.pdf": "Costed provision",
        }
        if pupil is None or suggested not in kinds:
            return suggested
        name = "".join(c for c in pupil.display_name if c not in '\\/:*?"<>|').strip()
        return f"{kinds[suggested]} – {name}.pdf"

    def _map_pdf(self, session: Session, path: Path) -> object:
        """The whole-school provision map as a PDF, on the paper chosen."""
        from ..reports.map_pdf import write_map_pdf

        return write_map_pdf(
            session, path, academic_year_id=self._year_id(), term_name=self.ctx.term_name,
            page_size=self.paper.currentText(),
        )  # fmt: skip

    def _map_xlsx(self, session: Session, path: Path) -> object:
        """The whole-school provision map as a spreadsheet."""
        from ..services.map_export import export_map

        return export_map(
            session, path, academic_year_id=self._year_id(), term_name=self.ctx.term_name
        )

    def _costed_pdf(self, session: Session, path: Path) -> object:
        """The costed provision map as a PDF."""
        from ..reports.costed_pdf import write_costed_pdf

        return write_costed_pdf(
            session, path, academic_year_id=self._year_id(), term_name=self.ctx.term_name,
            as_of=self.ctx.today,
        )  # fmt: skip

    def _costed_xlsx(self, session: Session, path: Path) -> object:
        """The costed provision map as a spreadsheet."""
        from ..services.exporting import export_costed

        return export_costed(
            session, path, academic_year_id=self._year_id(), term_name=self.ctx.term_name
        )

    def _governors_pdf(self, session: Session, path: Path) -> object:
        """The one-page costed summary for governors, naming no pupil."""
        from ..reports.costed_pdf import write_costed_pdf

        return write_costed_pdf(
            session, path, academic_year_id=self._year_id(), term_name=self.ctx.term_name,
            as_of=self.ctx.today, governors=True,
        )  # fmt: skip

    def _impact_pdf(self, session: Session, path: Path) -> object:
        """The impact of each provision over the year, as a PDF."""
        from ..reports.impact_pdf import write_impact_report

        return write_impact_report(session, self._year_id(), path, today=self.ctx.today)

    def _plan_pdf(self, session: Session, path: Path) -> object:
        """The plan for the year after the chosen one, as a PDF."""
        from ..reports.planning_pdf import write_planning_pdf

        year = self._year()
        if year is None:
            raise ValueError("choose an academic year first.")
        first = int(year.label[:4]) + 1
        label = f"{first}/{(first + 1) % 100:02d}"
        return write_planning_pdf(session, path, year_label=label, today=self.ctx.today)

    def _register_profiles(self, session: Session, path: Path) -> object:
        """The one-page profile of every pupil on the SEN register, in surname order."""
        from ..reports.profile_pdf import write_profile_pdf
        from ..services.pupils import PupilFilter, find_pupils, last_day_of_year

        register = PupilFilter(
            sen_statuses={"K", "E"}, roll_day=last_day_of_year(session, self.ctx.today)
        )
        pupils = find_pupils(session, register)  # on roll: not next year's intake
        # The register in surname order, as it is filed, whatever the year group.
        pupils = sorted(
            pupils, key=lambda p: (p.surname.casefold(), p.forename.casefold(), p.upn or "")
        )
        return write_profile_pdf(session, path, pupils, today=self.ctx.today)

    def _chosen_pupil(self, session: Session) -> Pupil:
        """The chosen pupil; refuses in words when none is chosen."""
        pupil = session.get(Pupil, self.pupil_id) if self.pupil_id else None
        if pupil is None:
            raise ValueError("choose a pupil first")
        return pupil

    def _profile(self, session: Session, path: Path) -> object:
        """The chosen pupil's one-page profile."""
        from ..reports.profile_pdf import write_profile_pdf

        return write_profile_pdf(session, path, [self._chosen_pupil(session)], today=self.ctx.today)

    def _evidence(self, session: Session, path: Path) -> object:
        """The chosen pupil's evidence pack."""
        from ..reports.evidence_pdf import write_evidence_pack

        return write_evidence_pack(
            session, self._chosen_pupil(session).id, path, today=self.ctx.today
        )

    def _pupil_costed(self, session: Session, path: Path) -> object:
        """The chosen pupil's costed provision against the threshold."""
        from ..reports.pupil_costed_pdf import write_pupil_costed_pdf

        return write_pupil_costed_pdf(
            session, path, academic_year_id=self._year_id(),
            pupil_id=self._chosen_pupil(session).id, as_of=self.ctx.today,
        )  # fmt: skip

    def _year_id(self) -> int:
        """The chosen academic year's id; refuses in words when none is chosen."""
        if self.ctx.academic_year_id is None:
            raise ValueError("choose an academic year first")
        return self.ctx.academic_year_id
