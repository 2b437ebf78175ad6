"""The one-page profile PDF read back: content, one pupil per page start, long text kept."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy.orm import Session

from provmap_desktop.models import Pupil
from provmap_desktop.reports.profile_pdf import profile_story, write_profile_pdf

from ..schools.pupils import pupil_school

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def pupils(session: Session) -> dict[str, Pupil]:
    return pupil_school(session)


def page_texts(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


def squashed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_one_profile_holds_every_section_and_current_provision(
    session: Session, pupils: dict[str, Pupil], tmp_path: Path
) -> None:
    out = write_profile_pdf(session, tmp_path / "ava.pdf", [pupils["Ava"]], today=TODAY)
    texts = page_texts(out)
    assert len(texts) == 1, "Ava's profile fits on one page"
    text = texts[0]
    for expected in (
        "One-page profile",
        "Oak Test Primary",
        "Ava Archer",
        "Year 4 · Class 4M · Born 01/05/2016",
        "SEN support",
        "What people like and admire about me",
        "Kind to younger children; a brilliant artist.",
        "What is important to me",
        "My dog Biscuit and drawing comics.",
        "How best to support me",
        "Give me instructions one step at a time.",
        "My strengths",
        "Visual memory, drawing",
        "My needs",
        "Reading fluency",
        "Strategies that work for me",
        "Coloured overlays; a word bank",
        "My voice",
        "I like working with Mrs Ahmed.",
        "My parents' / carers' views",
        "We read together every night.",
        "Agencies involved",
        "Educational psychologist (2025)",
        "Profile last updated 01/10/2026",
        "Printed 23/11/2026",
        "Page 1 of 1",
    ):
        assert expected in text, expected
    # Current provision: this year's Precision Teaching, not last year's.
    assert "Precision Teaching" in text
    assert "2 × 30 min a week, 1:1" in text
    assert "07/09/2026 to 18/12/2026" in text
    assert "07/09/2025" not in text


def test_a_pupil_without_a_profile_gets_blank_sections_said_in_words(
    session: Session, pupils: dict[str, Pupil], tmp_path: Path
) -> None:
    out = write_profile_pdf(session, tmp_path / "cal.pdf", [pupils["Cal"]], today=TODAY)
    text = page_texts(out)[0]
    assert "Cal Clark" in text
    assert text.count("Not recorded yet.") == 9
    assert "No provision is running for me on 23/11/2026." in text


def test_a_batch_starts_each_profile_on_a_new_page(
    session: Session, pupils: dict[str, Pupil], tmp_path: Path
) -> None:
    # Ben's "important to me" runs over several pages; Cal must still start afresh.
    words = [f"word{n:04d}" for n in range(1, 1601)]
    long_text = "\n".join(" ".join(words[i : i + 20]) for i in range(0, len(words), 20))
    assert pupils["Ben"].profile is not None
    pupils["Ben"].profile.important_to_me = long_text
    session.commit()
    batch = [pupils["Ava"], pupils["Ben"], pupils["Cal"]]
    out = write_profile_pdf(session, tmp_path / "batch.pdf", batch, today=TODAY)
    texts = page_texts(out)
    assert len(texts) >= 5
    ben_pages = [i for i, t in enumerate(texts) if "Ben Brown" in t]
    assert len(ben_pages) >= 3, "Ben's name is on every page of his profile"
    assert ben_pages == list(range(1, 1 + len(ben_pages)))
    cal_first = ben_pages[-1] + 1
    assert "Cal Clark" in texts[cal_first]
    assert "Ben Brown" not in texts[cal_first]
    assert "Ava Archer" in texts[0]
    assert "Ben Brown" not in texts[0]
    # The whole long answer is there, in order, across the pages.
    ben_text = squashed("".join(texts[i] for i in ben_pages))
    positions = [ben_text.find(word) for word in words]
    assert all(p >= 0 for p in positions), [w for w in words if w not in ben_text][:5]
    assert positions == sorted(positions)
    assert "Whatisimportanttome" in squashed(texts[ben_pages[1]]), "heading repeats"
    assert f"Page 1 of {len(texts)}" in texts[0]


def test_the_story_can_be_reused_in_another_document(
    session: Session, pupils: dict[str, Pupil]
) -> None:
    story = profile_story(session, pupils["Ava"], today=TODAY, width=400)
    assert story
    assert not any(type(f).__name__ == "PageBreak" for f in story)


def test_an_empty_batch_is_refused_and_no_file_is_left(
    session: Session, pupils: dict[str, Pupil], tmp_path: Path
) -> None:
    with pytest.raises(ValueError, match="no pupils"):
        write_profile_pdf(session, tmp_path / "none.pdf", [])
    assert list(tmp_path.iterdir()) == []
