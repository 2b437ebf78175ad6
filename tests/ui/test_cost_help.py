"""Help → How costs are worked out says the rules the cost engine follows."""

from __future__ import annotations

from PySide6.QtWidgets import QTextBrowser


def test_help_gives_the_weeks_rule_the_agency_rule_and_worked_examples(window):
    window.show_costing_help()
    text = " ".join(window.help_dialog.findChild(QTextBrowser).toPlainText().split())
    window.help_dialog.close()
    assert "teaching days in its dates / 5" in text
    assert "never more than the school's costed weeks a year" in text
    assert "38 weeks even in a 39-week calendar" in text
    assert "a £60.00 speech and language therapy session costs £60.00" in text
    assert "£3.00 × 3 × 12 = £108.00 for the group, £27.00 a pupil" in text
    assert "£18.00 × 5 × 38 = £3,420.00" in text
    assert "teaching days in the academic year" not in text  # the old pro-rata rule
