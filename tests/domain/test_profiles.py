"""The one-page profile: made on its first edit, stamped on each, undone exactly.

Every write is checked against what a second session reads from the file; a refused
section must leave the profile as it was.
"""

from __future__ import annotations

import datetime as dt

import pytest

from provmap_desktop.domain import profiles
from provmap_desktop.domain.change import DomainError
from provmap_desktop.models import PupilProfile

from ._pupil_file import School, school_fixture

__all__ = ["school_fixture"]

TODAY = dt.date(2026, 11, 16)


def test_the_first_profile_edit_makes_the_profile_and_undo_removes_it(school: School) -> None:
    dee = school.ids["Dee"]
    change = profiles.update(school.session, dee, "strengths", "Drawing", TODAY)
    school.session.commit()
    with school.fresh() as s:
        profile = s.get(PupilProfile, dee)
        assert profile is not None
        assert (profile.strengths, profile.needs, profile.updated_on) == ("Drawing", "", TODAY)
    change.undo(school.session)
    school.session.commit()
    with school.fresh() as s:
        assert s.get(PupilProfile, dee) is None
    change.redo(school.session)
    school.session.commit()
    with school.fresh() as s:
        assert s.get(PupilProfile, dee).strengths == "Drawing"  # type: ignore[union-attr]


def test_a_profile_edit_stamps_the_day_and_undo_puts_back_words_and_stamp(
    school: School,
) -> None:
    ava = school.ids["Ava"]
    with school.fresh() as s:
        before = s.get(PupilProfile, ava)
        assert before is not None
        old_words, old_stamp = before.needs, before.updated_on
    change = profiles.update(school.session, ava, "needs", "Spelling", TODAY)
    school.session.commit()
    with school.fresh() as s:
        profile = s.get(PupilProfile, ava)
        assert profile is not None
        assert (profile.needs, profile.updated_on) == ("Spelling", TODAY)
    change.undo(school.session)
    school.session.commit()
    with school.fresh() as s:
        profile = s.get(PupilProfile, ava)
        assert profile is not None
        assert (profile.needs, profile.updated_on) == (old_words, old_stamp)


def test_the_same_words_again_change_nothing(school: School) -> None:
    ava = school.ids["Ava"]
    words = school.session.get(PupilProfile, ava).needs  # type: ignore[union-attr]
    assert profiles.update(school.session, ava, "needs", words, TODAY).is_noop
    assert school.session.get(PupilProfile, ava).updated_on != TODAY  # type: ignore[union-attr]


def test_a_profile_section_that_does_not_exist_is_refused(school: School) -> None:
    with pytest.raises(DomainError, match="no section"):
        profiles.update(school.session, school.ids["Ava"], "updated_on", "x", TODAY)
    school.session.commit()
    with school.fresh() as s:
        assert s.get(PupilProfile, school.ids["Ava"]).updated_on == dt.date(2026, 10, 1)  # type: ignore[union-attr]


def test_a_profile_for_a_pupil_who_is_gone_is_refused(school: School) -> None:
    with pytest.raises(DomainError, match="no longer in the database"):
        profiles.update(school.session, 999_999, "needs", "Spelling", TODAY)
    school.session.commit()
    with school.fresh() as s:
        assert s.get(PupilProfile, 999_999) is None
