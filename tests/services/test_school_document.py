"""The whole school as one ``provmap-school`` JSON document: lossless, checked, all or nothing."""

from __future__ import annotations

import copy
import datetime as dt
import json
import shutil
import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from provmap_desktop.models import (
    AcademicYear,
    AuditEntry,
    Base,
    GroupSlot,
    Provision,
    ProvisionGroup,
    Pupil,
    SchoolSettings,
    Staff,
    StaffRole,
    TargetResult,
)
from provmap_desktop.models.vocab import (
    NEED_TYPES,
    AreaOfNeed,
    CancelReason,
    Decision,
    FundingKind,
    MeasureType,
    SenStatus,
    SessionStatus,
    TargetMet,
)
from provmap_desktop.schemas import load_schema
from provmap_desktop.services.school_document import (
    SchoolDocumentError,
    export_school,
    import_school,
    read_school_json,
    write_school_json,
)
from provmap_desktop.services.school_document_check import check_document
from provmap_desktop.storage import open_database

from ..schools.templates import copy_school
from ..storage.conftest import all_rows

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def demo_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo school in a file, then a few edits made with the audit log on."""
    path = copy_school("demo_spring", tmp_path_factory.mktemp("demo") / "demo.provmap")
    db = open_database(path)
    try:
        with db.session_factory() as s:
            pupil = s.scalars(select(Pupil).order_by(Pupil.id)).first()
            assert pupil is not None
            pupil.sen_notes = "Reads best in the morning; “quotes” and accents: Zoë."
            s.add(Staff(name="New HLTA", role=s.scalars(select(StaffRole)).first()))
            # A slot of this year's (last year is closed, so its groups are as they were).
            this_year = (
                select(ProvisionGroup.id).join(AcademicYear).where(AcademicYear.closed_on.is_(None))
            )
            s.delete(
                s.scalars(
                    select(GroupSlot)
                    .where(GroupSlot.group_id.in_(this_year))
                    .order_by(GroupSlot.id)
                ).first()
            )
            s.commit()
    finally:
        db.close()
    return path


@pytest.fixture
def demo_file(demo_master: Path, tmp_path: Path) -> Path:
    path = tmp_path / "demo.provmap"
    shutil.copy(demo_master, path)
    return path


def _export(path: Path) -> dict[str, Any]:
    db = open_database(path, create=False, read_only=True)
    try:
        with db.session_factory() as s:
            return export_school(s)
    finally:
        db.close()


def _import(path: Path, document: dict[str, Any]) -> None:
    db = open_database(path)
    try:
        with db.session_factory() as s:
            import_school(s, document)
            s.commit()
    finally:
        db.close()


def _row_counts(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(path)
    try:
        return {
            t.name: conn.execute(f'SELECT count(*) FROM "{t.name}"').fetchone()[0]
            for t in Base.metadata.sorted_tables
        }
    finally:
        conn.close()


# -- lossless --------------------------------------------------------------------------


@pytest.mark.sqlite_only("compares two SQLite files row for row, alembic_version and all")
def test_export_import_export_of_the_demo_school_is_identical(
    demo_file: Path, tmp_path: Path
) -> None:
    # Every table holds rows, so a column or table the document left out would show.
    counts = _row_counts(demo_file)
    assert all(counts.values()), {t: n for t, n in counts.items() if not n}

    first = _export(demo_file)
    jsonschema.Draft202012Validator(
        load_schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    ).validate(first)
    assert (first["format"], first["version"]) == ("provmap-school", 1)

    copy_path = tmp_path / "copy.provmap"
    _import(copy_path, first)
    second = _export(copy_path)
    assert json.dumps(second, sort_keys=False) == json.dumps(first, sort_keys=False)
    # The rows themselves are the same, ids and all (the import writes no audit rows).
    source, target = all_rows(demo_file), all_rows(copy_path)
    assert source.pop("alembic_version") == target.pop("alembic_version")
    # Each row's count of saved versions (the last column) belongs to its database: the
    # document leaves it out and the copy starts every row again at version 1.
    versioned = {t.name for t in Base.metadata.sorted_tables if "row_version" in t.c}
    assert {row[-1] for t in versioned for row in target[t]} == {1}
    assert max(row[-1] for t in versioned for row in source[t]) > 1  # the demo was edited

    def without_versions(rows: dict[str, list[tuple[object, ...]]]) -> dict[str, object]:
        return {
            t: sorted((r[:-1] if t in versioned else r for r in v), key=repr)
            for t, v in rows.items()
        }

    assert without_versions(source) == without_versions(target)


@pytest.mark.sqlite_only("reads the demo school's file, written once per module")
def test_money_and_dates_are_written_as_documented(demo_file: Path) -> None:
    document = _export(demo_file)
    roles = {r["name"]: r for r in document["staff_roles"]}
    # The standard roles' hourly costs from school_setup: a TA is £18.00, an EP £110.00.
    assert roles["Teaching assistant"]["hourly_cost"] == "18.00"
    assert roles["Educational psychologist"]["hourly_cost"] == "110.00"
    assert document["school"]["sen_threshold"] == "6000.00"
    year = next(y for y in document["academic_years"] if y["label"] == "2026/27")
    assert (year["start_date"], year["end_date"]) == ("2026-09-01", "2027-08-31")
    assert [t["name"] for t in year["terms"]] == ["Autumn", "Spring", "Summer"]
    audit = document["audit"]
    assert {a["action"] for a in audit} == {"insert", "update", "delete"}
    update = next(a for a in audit if a["action"] == "update")
    assert update["after"] == {"sen_notes": "Reads best in the morning; “quotes” and accents: Zoë."}


def test_file_helpers_write_utf8_json_atomically_and_read_it_back(
    demo_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "school.json"
    db = open_database(demo_file, create=False, read_only=True)
    try:
        with db.session_factory() as s:
            write_school_json(s, out)
    finally:
        db.close()
    text = out.read_text(encoding="utf-8")
    assert "Zoë" in text  # not \u-escaped
    assert read_school_json(out) == _export(demo_file)
    assert not list(tmp_path.glob(".school.json.*"))  # no temporary left behind


def test_schema_vocabularies_match_the_models() -> None:
    defs = load_schema()["$defs"]
    assert defs["provision"]["properties"]["area"]["enum"] == [a.value for a in AreaOfNeed]
    assert defs["pupil"]["properties"]["sen_status"]["enum"] == [s.value for s in SenStatus]
    assert defs["need"]["enum"] == [*NEED_TYPES, None]
    assert defs["funding_stream"]["properties"]["kind"]["enum"] == [k.value for k in FundingKind]
    review = defs["review"]["properties"]
    assert review["baseline_type"]["enum"] == [m.value for m in MeasureType]
    assert review["target_met"]["enum"] == [*(t.value for t in TargetMet), None]
    assert review["decision"]["enum"] == [*(d.value for d in Decision), None]
    result = defs["plan_target"]["properties"]["result"]["enum"]
    assert result == [*(r.value for r in TargetResult), None]
    delivery = defs["delivery_session"]["properties"]
    assert delivery["status"]["enum"] == [s.value for s in SessionStatus]
    assert delivery["cancel_reason"]["enum"] == [*(c.value for c in CancelReason), None]


# -- a document written by hand from docs/school-json.md --------------------------------


def test_a_hand_written_document_imports_with_pence_and_dates_exact(session: Session) -> None:
    document = json.loads((DATA / "school_small.json").read_text(encoding="utf-8"))
    assert check_document(document) == []
    import_school(session, document)
    session.commit()

    settings = session.get(SchoolSettings, 1)
    assert settings is not None
    assert settings.name == "Brook Lane Primary"
    assert settings.sen_threshold == Decimal("6000.00")
    ta = session.get(StaffRole, 1)
    assert ta is not None
    assert ta.hourly_cost == Decimal("18.50")
    # In the database money is whole pence: £18.50 is 1850, £0.75 is 75.
    raw = (
        session.connection()
        .exec_driver_sql("SELECT hourly_cost FROM staff_roles WHERE id = 1")
        .scalar()
    )
    assert raw == 1850
    raw = (
        session.connection()
        .exec_driver_sql("SELECT external_cost_per_session FROM provisions WHERE id = 7")
        .scalar()
    )
    assert raw == 75
    provision = session.get(Provision, 7)
    assert provision is not None
    assert [y.name for y in provision.suitable_year_groups] == ["Year 3", "Year 4"]
    pupil = session.get(Pupil, 31)
    assert pupil is not None
    assert pupil.date_of_birth == dt.date(2017, 2, 28)
    assert pupil.profile is not None
    assert pupil.profile.strengths == "Loves drawing"
    assert pupil.ehcp is not None
    assert [o.text for o in pupil.ehcp.outcomes] == ["Read a short text aloud"]
    assert pupil.ehcp.provision_items[0].membership_id == 50
    group = provision.groups[0]
    assert group.slots[0].start_time == dt.time(9, 15)
    assert [(m.pupil_id, m.join_date) for m in group.memberships] == [(31, dt.date(2026, 9, 14))]
    # The import itself adds nothing to the audit log: only the document's one entry.
    assert session.scalar(select(func.count()).select_from(AuditEntry)) == 1


# -- checked before anything is written ------------------------------------------------


def _small() -> dict[str, Any]:
    result: dict[str, Any] = json.loads((DATA / "school_small.json").read_text(encoding="utf-8"))
    return result


def test_every_problem_is_listed_with_its_json_path(session: Session) -> None:
    document = _small()
    document["staff_roles"][0]["hourly_cost"] = "18.5"  # not two decimal places
    document["pupils"][0]["date_of_birth"] = "2017-02-30"  # no such day
    document["provisions"][0]["area"] = "XX"
    del document["groups"][0]["location"]
    document["groups"][0]["colour"] = "red"
    document["school"]["teaching_weeks_per_year"] = 0
    problems = [str(p) for p in check_document(document)]
    assert problems == [
        "$.groups[0]: 'location' is a required property",
        "$.groups[0]: Additional properties are not allowed ('colour' was unexpected)",
        "$.provisions[0].area: 'XX' is not one of ['CI', 'CL', 'SEMH', 'SP']",
        "$.pupils[0].date_of_birth: '2017-02-30' is not a 'date'",
        "$.school.teaching_weeks_per_year: 0 is less than the minimum of 1",
        "$.staff_roles[0].hourly_cost: '18.5' does not match '^[0-9]+\\\\.[0-9]{2}$'",
    ]
    with pytest.raises(SchoolDocumentError) as caught:
        import_school(session, document)
    assert len(caught.value.problems) == 6
    assert session.scalar(select(func.count()).select_from(SchoolSettings)) == 0


def test_links_names_and_dates_are_checked_across_the_document(session: Session) -> None:
    document = _small()
    document["groups"][0]["provision_id"] = 99  # no such provision
    document["groups"][0]["memberships"][0]["pupil_id"] = 32  # no such pupil
    document["year_groups"].append({"id": 3, "name": "Year 4", "sort_order": 5})  # dup id, name
    document["groups"][0]["end_date"] = "2026-09-01"  # before its start
    document["pupils"].append(copy.deepcopy(document["pupils"][0]))  # same id and UPN
    document["pupils"][1]["profile"] = None
    document["pupils"][1]["ehcp"] = None
    problems = [str(p) for p in check_document(document)]
    assert problems == [
        "$.groups[0].end_date: 2026-09-01 is before start_date 2026-09-07",
        "$.groups[0].memberships[0].pupil_id: there is no pupil with id 32",
        "$.groups[0].provision_id: there is no provision with id 99",
        "$.pupils[1].id: another pupil has the id 31",
        "$.pupils[1].upn: another pupil has the upn 'A801200012345'",
        "$.year_groups[2].id: another year group has the id 3",
        "$.year_groups[2].name: another year group has the name 'Year 4'",
    ]
    with pytest.raises(SchoolDocumentError):
        import_school(session, document)
    assert session.scalar(select(func.count()).select_from(Pupil)) == 0


def test_another_version_or_format_is_refused_plainly() -> None:
    document = _small()
    document["version"] = 2
    assert [str(p) for p in check_document(document)] == [
        "$.version: this is version 2 of the school format; this copy of ProvMap reads "
        "version 1. Update ProvMap to read it."
    ]
    assert [str(p) for p in check_document({"format": "something-else"})] == [
        "$.format: this is not a ProvMap school document (format 'something-else')."
    ]
    assert [str(p) for p in check_document([1, 2])] == [
        "$: a ProvMap school document is a JSON object, not a list."
    ]


def test_a_database_that_holds_anything_is_refused(session: Session) -> None:
    session.add(StaffRole(name="Teaching assistant", hourly_cost=Decimal("18.00")))
    session.commit()
    with pytest.raises(SchoolDocumentError, match="not empty"):
        import_school(session, _small())
    assert session.scalar(select(func.count()).select_from(StaffRole)) == 1


def test_a_file_that_is_not_json_says_where(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"format": "provmap-school",\n "version": 1\n "school": {}}', "utf-8")
    with pytest.raises(SchoolDocumentError) as caught:
        read_school_json(path)
    assert str(caught.value) == (
        "broken.json is not a JSON file: Expecting ',' delimiter at line 3, column 2."
    )


def test_the_shipped_schema_is_a_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(load_schema())


def test_the_same_slot_written_two_ways_is_found(session: Session) -> None:
    document = _small()
    # 09:15 and 09:15:00 are the same time of day: the group would have one slot twice.
    document["groups"][0]["slots"].append({"id": 2, "weekday": 0, "start_time": "09:15"})
    assert [str(p) for p in check_document(document)] == [
        "$.groups[0].slots[1].start_time: another slot of this group has the start_time '09:15'"
    ]


def test_a_document_the_database_refuses_leaves_nothing_behind(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    import provmap_desktop.services.school_document as school_document

    document = _small()
    document["groups"][0]["provision_id"] = 99
    # What the checks would have caught, let through to show the database's own refusal.
    monkeypatch.setattr(school_document, "check_document", lambda _document: [])
    with pytest.raises(SchoolDocumentError, match=r"(?i)refused the document: .*foreign key"):
        import_school(session, document)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(SchoolSettings)) == 0
    assert session.scalar(select(func.count()).select_from(Pupil)) == 0


def test_a_number_too_big_for_the_database_is_a_problem_not_a_crash(session: Session) -> None:
    document = _small()
    document["staff"][0]["id"] = 2**70
    assert [str(p) for p in check_document(document)] == [
        f"$.staff[0].id: {2**70} is greater than the maximum of {2**63 - 1}"
    ]
