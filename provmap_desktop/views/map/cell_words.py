"""What a provision map cell says: its text, its words for a screen reader, its chips.

Pure functions of the map's groups; the grid model passes in how to find a member's
end note, a group's current members and each group's delivery rate.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal

from ...services.formatting import format_money
from ...services.provision_map import GroupInfo, MapTotals, MemberInfo
from ...ui.short_forms import over_forms, rate_forms, slot_forms, staff_forms
from .chips import Chip, GroupBlock

#: ``ended 23/11/2026`` (or nothing) for a member of a group.
NoteOf = Callable[[GroupInfo, MemberInfo], str]
#: The members of a group who have not left it by today.
CurrentOf = Callable[[GroupInfo], list[MemberInfo]]


def plural(count: int, word: str) -> str:
    """``1 pupil``, ``2 pupils``."""
    return f"{count} {word}{'' if count == 1 else 's'}"


def hours(minutes: int) -> str:
    """Minutes a week as hours to two places at most: ``1.5 h/wk``."""
    value = Decimal(minutes) / 60
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return f"{text} h/wk"


def totals_text(totals: MapTotals, cost: Decimal | None) -> str:
    """A totals cell: pupils and adult hours a week, then the cost when it is shown."""
    text = f"{plural(totals.pupils, 'pupil')} · {hours(totals.adult_minutes_per_week)}"
    if cost is not None:
        text += f" · {format_money(cost)}"
    return text


def member_text(group: GroupInfo, member: MemberInfo, note_of: NoteOf) -> str:
    """A member's name, with their end note in brackets if they have one."""
    note = note_of(group, member)
    return f"{member.display_name} ({note})" if note else member.display_name


def cell_text(groups: Iterable[GroupInfo], note_of: NoteOf) -> str:
    """A cell as one line of text: each group's staff and slot, then its pupils."""
    parts = []
    for group in groups:
        names = ", ".join(member_text(group, m, note_of) for m in group.members) or "no pupils"
        heading = " ".join(x for x in (group.staff_name, group.slot_text) if x)
        parts.append(f"{heading or group.name or 'Group'}: {names}")
    return "; ".join(parts)


def cell_speech(
    groups: Iterable[GroupInfo],
    current_of: CurrentOf,
    note_of: NoteOf,
    group_rates: dict[int, str],
) -> str:
    """What a screen reader says for a cell: all a sighted user reads there, in words.

    "Phonics catch-up – Year 1, Mrs Bhatt, Mon, Tue 13:15, 4 of 6 pupils, delivered
    92% of planned sessions, green: Jack Francis, Aisha Lloyd (ended 23/11/2026)."
    """
    parts = []
    for group in groups:
        current = current_of(group)
        facts = [
            group.name or "Group",
            group.staff_name or "no staff named",
            group.slot_text,
            f"{len(current)} of {group.max_size} pupils",
        ]
        if len(current) > group.max_size:
            facts.append("over size")
        rate = group_rates.get(group.id)
        if rate:
            percent, *_symbol, word = rate.split()
            facts.append(f"delivered {percent} of planned sessions, {word.lower()}")
        names = ", ".join(member_text(group, m, note_of) for m in group.members) or "no pupils"
        parts.append(f"{', '.join(f for f in facts if f)}: {names}")
    return ". ".join(parts) + "." if parts else ""


def group_block(
    group: GroupInfo, current_of: CurrentOf, note_of: NoteOf, group_rates: dict[int, str]
) -> GroupBlock:
    """A group as drawn in its cell: a heading (staff, slot, size, rate) and its chips."""
    current = current_of(group)
    size = f"{len(current)}/{group.max_size}"
    over = len(current) > group.max_size
    # Each fact with its shorter forms, for a narrow column (see ``short_forms``).
    parts = [staff_forms(group.staff_name) if group.staff_name else ("No staff named", "No staff")]
    parts += [slot_forms(group.slot_text), (size,)]
    if over:
        parts.append(over_forms())
    if group.id in group_rates:
        parts.append(rate_forms(group_rates[group.id]))
    parts = [p for p in parts if p]
    heading_parts = [p[0] for p in parts]
    # Pupils still in the group first; those who have left after them, marked.
    left = [m for m in group.members if m not in current]
    chips = tuple(
        Chip(
            m.membership_id,
            m.pupil_id,
            m.display_name,
            note=note_of(group, m),
            ended=m in left,
        )
        for m in (*current, *left)
    )
    return GroupBlock(group.id, " · ".join(heading_parts), chips, over, tuple(parts))


def cell_tooltip(
    groups: Iterable[GroupInfo],
    current_of: CurrentOf,
    note_of: NoteOf,
    group_rates: dict[int, str],
) -> str:
    """A cell's tooltip: each group's heading in full (a narrow cell shortens it) and
    its pupils' full names.

    "Group A · Mrs Sunita Bhatt · Mon, Wed, Fri 10:30 · 6/6 · 92% ● Green" over
    "Jack Francis, Aisha Lloyd (ended 23/11/2026)".
    """
    blocks = []
    for group in groups:
        heading = group_block(group, current_of, note_of, group_rates).heading
        names = ", ".join(member_text(group, m, note_of) for m in group.members) or "no pupils"
        blocks.append(f"{group.name or 'Group'} · {heading}\n{names}")
    return "\n\n".join(blocks)
