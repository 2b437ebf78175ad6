"""Erasing a pupil for ever: the typed confirmation, the erasure, and an honest message.

Erasing cannot be undone: it clears the undo stack, compacts the file, and names the
backup copies that may still hold the pupil.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget
from sqlalchemy.exc import OperationalError

from ...models import Pupil
from ...services.data_protection import erase_pupil, vacuum
from ...storage.autobackup import HeldCopy, copies_holding
from ...ui.context import AppContext


class EraseDialog(QDialog):
    """Names the pupil, says it cannot be undone, and asks for their surname to be typed."""

    def __init__(self, pupil: Pupil, parent: QWidget | None = None) -> None:
        """Warn about what erasing deletes and wait for the surname to be typed."""
        super().__init__(parent)
        self.surname = pupil.surname
        self.setWindowTitle(f"Erase {pupil.display_name}?")
        text = QLabel(
            f"<b>Erase {pupil.display_name}</b> ({pupil.upn}) completely?<br><br>"
            "Their record, profile, EHC plan, plans, meetings, documents, provision, reviews "
            "and attendance will be "
            "deleted, and their name taken out of the record of changes. "
            "<b>This cannot be undone</b>, and the Undo history will be cleared.<br><br>"
            "If the pupil has simply left, use “Pupil has left…” instead: the record is "
            "kept and can be restored.<br><br>"
            f"To erase, type the pupil's surname, <b>{pupil.surname}</b>:"
        )
        text.setWordWrap(True)
        self.typed = QLineEdit()
        self.typed.setAccessibleName("Type the pupil's surname to confirm")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.erase_button = buttons.addButton(
            "Erase for ever", QDialogButtonBox.ButtonRole.DestructiveRole
        )
        self.erase_button.setEnabled(False)
        self.erase_button.clicked.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.typed.textChanged.connect(lambda t: self.erase_button.setEnabled(self.confirmed(t)))
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.typed)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)

    def confirmed(self, typed: str) -> bool:
        """Whether `typed` is the pupil's surname (any case, spaces trimmed)."""
        return typed.strip().casefold() == self.surname.strip().casefold()

    def accept(self) -> None:
        """Close as accepted only when the surname was typed."""
        if self.confirmed(self.typed.text()):
            super().accept()


@dataclass(frozen=True)
class ErasureOutcome:
    """What an erasure could and could not reach, for an honest message."""

    log_emptied: bool
    compacted: bool
    copies: list[HeldCopy]


def erase(ctx: AppContext, pupil_id: int) -> ErasureOutcome | None:
    """Erase the pupil, compact the file, clear the undo stack, tell every screen."""
    pupil = ctx.session.get(Pupil, pupil_id)
    if pupil is None:
        return None
    upn = pupil.upn
    changed = erase_pupil(ctx.session, pupil_id)
    compacted, log_emptied = True, True
    try:
        log_emptied = vacuum(ctx.session)
    except OperationalError:
        # Deleted text is already overwritten (secure delete); only compaction failed.
        compacted = False
    # Earlier steps on the stack may refer to rows that no longer exist.
    ctx.undo_stack.clear()
    ctx.data_changed.emit(changed)
    path = ctx.database.path  # a server database has no copies of its own to search
    return ErasureOutcome(
        log_emptied, compacted, copies_holding(path, upn) if path is not None else []
    )


def erasure_words(name: str, outcome: ErasureOutcome) -> str:
    """The message after an erasure: only what is true."""
    words = [f"{name} was erased from the database."]
    if not outcome.compacted:
        words.append(
            "The file could not be compacted afterwards (the disk may be full); their "
            "details were overwritten but the file keeps its size. Free some space."
        )
    if not outcome.log_emptied:
        words.append(
            "Another program is reading the database, so some of their details may stay in "
            "its log file until that program closes."
        )
    if outcome.copies:
        words.append(f"{len(outcome.copies)} backup copies still hold them (or may).")
    return " ".join(words)
