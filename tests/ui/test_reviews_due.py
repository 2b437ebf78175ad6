"""The status strip and the Reviews screen count due reviews by the same rule."""

from __future__ import annotations

import datetime as dt

from provmap_desktop.domain.reviews import start_cycle
from provmap_desktop.models import GroupMembership, Review

from ..schools.small import START, build_maya_school

TODAY = dt.date(2026, 11, 16)  # a Monday in the autumn term


def test_the_strip_and_the_reviews_screen_show_the_same_due_count(qtbot, school_db):
    from provmap_desktop.shell.main_window import MainWindow

    ids = build_maya_school(school_db)
    # One open review each: 3 days overdue, due in 5 days, in 10 days and in 20 days.
    # Overdue and due within the next 14 days: 3 need attention, the fourth is later.
    offsets = (-3, 5, 10, 20)
    with school_db.session_factory() as s:
        members = s.query(GroupMembership).filter_by(group_id=ids["group"]).all()
        for member, offset in zip(members, offsets, strict=True):
            review = s.get(Review, start_cycle(s, member.id, today=START).review_id)
            review.review_date = TODAY + dt.timedelta(days=offset)
        s.commit()

    window = MainWindow(school_db, today=TODAY)
    qtbot.addWidget(window)
    window.show()
    window.refresh_attention()
    (strip,) = [item.text for item in window.attention_items if item.screen == "reviews"]
    window.show_screen("reviews")
    screen = window.screens["reviews"]
    statuses = [screen.due.item(row, 0).text() for row in range(screen.due.rowCount())]
    needing = [s for s in statuses if s.startswith("Overdue") or s == "Due"]

    assert strip.startswith("3 reviews")
    assert len(needing) == 3
    assert statuses.count("Upcoming") == 1
