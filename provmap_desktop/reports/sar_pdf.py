"""A subject access export as a readable PDF, built from ``subject_access_export``.

The PDF and the JSON file hold the same information: the JSON for a machine, the PDF
for the family. Every field is shown with a readable name, dates as dd/mm/yyyy, and
nothing is left out (an empty part says so).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

from reportlab.platypus import Flowable, Spacer
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Pupil, SchoolSettings
from . import base, page

TITLE = "Subject access request: everything held about a pupil"
CONFIDENTIAL = "Confidential: special category personal data."
_ISO_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_ISO_TIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})")
_NAMES = {"upn": "UPN", "la_reference": "LA reference", "cla": "CLA (looked after)"}
_NAMES |= {"eal": "EAL", "fsm": "FSM", "id": "Record number"}


def readable_name(key: str) -> str:
    """'date_of_birth' -> 'Date of birth'."""
    return _NAMES.get(key, key.replace("_", " ").capitalize())


def readable_value(value: Any) -> str:
    """ISO dates as dd/mm/yyyy, yes/no for flags, JSON for anything nested."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, indent=1)
    text = str(value)
    if match := _ISO_DAY.match(text):
        return f"{match[3]}/{match[2]}/{match[1]}"
    if match := _ISO_TIME.match(text):
        return f"{match[3]}/{match[2]}/{match[1]} {match[4]}:{match[5]}"
    return text


def _fields(values: dict[str, Any] | None, width: float, height: float) -> Flowable:
    """A two-column table of field names and values, or "Nothing is held."."""
    if not values:
        return base.para("Nothing is held.", "body")
    rows = [[readable_name(k), readable_value(v)] for k, v in values.items()]
    return base.make_table(
        ["Field", "Value"], rows, [width * 0.3, width * 0.7], frame_height=height
    )


def _rows(items: list[dict[str, Any]], keys: list[str], width: float, height: float) -> Flowable:
    """A table of the items with one column per key, or "None."."""
    if not items:
        return base.para("None.", "body")
    rows = [[readable_value(item.get(k)) for k in keys] for item in items]
    return base.make_table(
        [readable_name(k) for k in keys],
        rows,
        [width / len(keys)] * len(keys),
        frame_height=height,
    )


def sar_story(export: dict[str, Any], width: float, height: float) -> list[Flowable]:
    """The export's parts as headed sections, in the order the JSON file holds them."""
    pupil = export.get("pupil") or {}
    name = f"{pupil.get('forename', '')} {pupil.get('surname', '')}".strip()
    story: list[Flowable] = [
        base.para(name or "Pupil", "title"),
        base.para(
            f"Exported on {readable_value(export.get('exported_on'))}. This document and the "
            "JSON file given with it hold the same information.",
            "body",
        ),
        base.para("Pupil record", "heading"),
        _fields(pupil, width, height),
        base.para("One-page profile", "heading"),
        _fields(export.get("profile"), width, height),
        base.para("EHC plan", "heading"),
    ]
    story += _ehcp_story(export.get("ehcp"), width, height)
    story.append(base.para("Provision (group memberships)", "heading"))
    keys = ["provision", "group", "staff", "join_date", "leave_date"]
    story.append(_rows(export.get("memberships") or [], keys, width, height))
    story.append(base.para("Reviews", "heading"))
    reviews = export.get("reviews") or []
    if not reviews:
        story.append(base.para("None.", "body"))
    for number, review in enumerate(reviews, 1):
        story.append(base.para(f"Review {number}", "subheading"))
        story.append(_fields(review, width, height))
    story += _plans_story(export, width, height)
    story.append(base.para("The school's own fields", "heading"))
    fields = [f for f in export.get("custom_fields") or [] if f.get("value")]
    story.append(_rows(fields, ["field", "value"], width, height))
    story.append(base.para("Documents (each given as a file beside the JSON)", "heading"))
    keys = ["added_on", "title", "file_name", "added_by", "size_bytes"]
    story.append(_rows(export.get("documents") or [], keys, width, height))
    story.append(base.para("Attendance at sessions", "heading"))
    keys = ["session_date", "group_id", "session_status", "present", "absence_reason"]
    story.append(_rows(export.get("attendance") or [], keys, width, height))
    story.append(base.para("Record of changes (audit log)", "heading"))
    story.append(_audit_table(export.get("audit") or [], width, height))
    story.append(Spacer(0, 6))
    return story


def _plans_story(export: dict[str, Any], width: float, height: float) -> list[Flowable]:
    """Every version of the SEN support plan with its rows, then every meeting."""
    story: list[Flowable] = [base.para("SEN support plans", "heading")]
    plans = export.get("plans") or []
    if not plans:
        story.append(base.para("None.", "body"))
    parts = {"outcomes": ["text"], "targets": ["text", "baseline", "success_criterion",
             "target_date", "result"], "provisions": ["provision", "group_id"]}  # fmt: skip
    for plan in plans:
        story.append(base.para(f"Plan {plan.get('version')}", "subheading"))
        story.append(_fields({k: v for k, v in plan.items() if k not in parts}, width, height))
        for part, keys in parts.items():
            story.append(_rows(plan.get(part) or [], keys, width, height))
    story.append(base.para("Meetings with the family", "heading"))
    meetings = export.get("meetings") or []
    if not meetings:
        story.append(base.para("None.", "body"))
    for number, meeting in enumerate(meetings, 1):
        story.append(base.para(f"Meeting {number}", "subheading"))
        story.append(_fields({k: v for k, v in meeting.items() if k != "actions"}, width, height))
        keys = ["text", "owner", "due_on", "done_on"]
        story.append(_rows(meeting.get("actions") or [], keys, width, height))
    return story


def _ehcp_story(ehcp: dict[str, Any] | None, width: float, height: float) -> list[Flowable]:
    """The EHC plan's fields, its Section E outcomes and Section F provision."""
    if ehcp is None:
        return [base.para("No EHC plan is held.", "body")]
    parts = ("outcomes", "provision_items", "annual_reviews")
    plain = {k: v for k, v in ehcp.items() if k not in parts}
    story: list[Flowable] = [_fields(plain, width, height)]
    story.append(base.para("Section E outcomes", "subheading"))
    outcomes = ehcp.get("outcomes") or []
    story += [base.para(f"{n}. {text}", "body") for n, text in enumerate(outcomes, 1)] or [
        base.para("None.", "body")
    ]
    story.append(base.para("Section F provision", "subheading"))
    keys = ["text", "minutes_per_week", "provision", "membership_id"]
    story.append(_rows(ehcp.get("provision_items") or [], keys, width, height))
    story.append(base.para("Annual reviews", "subheading"))
    reviews = ehcp.get("annual_reviews") or []
    if not reviews:
        story.append(base.para("None.", "body"))
    for number, review in enumerate(reviews, 1):
        story.append(base.para(f"Annual review {number}", "body"))
        story.append(_fields(review, width, height))
    return story


def _audit_table(audit: list[dict[str, Any]], width: float, height: float) -> Flowable:
    """The pupil's record of changes, one row per entry, or "None."."""
    rows = [
        [
            readable_value(e.get("at")),
            readable_value(e.get("action")),
            readable_value(e.get("table")),
            readable_value(e.get("summary")),
            readable_value(e.get("before")),
            readable_value(e.get("after")),
        ]
        for e in audit
    ]
    if not rows:
        return base.para("None.", "body")
    fractions = (0.13, 0.08, 0.12, 0.17, 0.25, 0.25)
    return base.make_table(
        ["When", "Action", "Table", "Summary", "Before", "After"],
        rows,
        [width * f for f in fractions],
        frame_height=height,
    )


def write_sar_pdf(
    session: Session, path: Path | str, pupil: Pupil, *, today: dt.date | None = None
) -> Path:
    """Write everything held about ``pupil`` as a PDF, whole or not at all."""
    from ..services.data_protection import subject_access_export

    export = subject_access_export(session, pupil)
    info = page.ReportInfo(
        title=TITLE,
        school_name=session.scalar(select(SchoolSettings.name)) or "",
        printed_on=today or dt.date.today(),
        footer_note=CONFIDENTIAL,
    )
    return base.write_pdf(
        path, info, lambda doc: sar_story(export, doc.story_width, doc.story_height)
    )
