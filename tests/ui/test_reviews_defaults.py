"""The Reviews screen starts on what the SENCO reviews next: the first review due and
its group, not the group that happens to start last."""

from __future__ import annotations

from provmap_desktop.models import ProvisionGroup, Review

from .conftest import TODAY


def test_the_first_review_due_and_its_group_are_chosen_at_the_start(demo_window):
    demo_window.show_screen("reviews")
    screen = demo_window.screens["reviews"]
    first = screen.listed[0]
    assert first.review_date is not None
    assert first.review_date <= TODAY
    assert screen.selected_review() is first
    assert screen.review_button.isEnabled()
    chosen = screen.ctx.session.get(ProvisionGroup, screen.groups.currentData())
    assert chosen.id == first.membership.group_id
    # The list's first entry is the latest-starting group, which is not the one offered.
    latest = screen.ctx.session.get(ProvisionGroup, screen.groups.itemData(0))
    assert latest.start_date > chosen.start_date


def test_with_no_review_listed_a_group_running_today_is_offered(demo_window):
    screen = demo_window.screens["reviews"]
    session = screen.ctx.session
    screen.listed = []
    screen.groups.clear()
    groups = list(session.query(ProvisionGroup).order_by(ProvisionGroup.start_date.desc()))
    screen.groups.addItem("placeholder", None)
    spans = [(g.id, g.start_date, g.end_date) for g in groups]
    chosen = session.get(ProvisionGroup, screen._sensible_group(spans))
    assert chosen.start_date <= TODAY <= chosen.end_date
    assert session.query(Review).count() > 0
