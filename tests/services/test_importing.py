"""Pupil import from MIS CSV exports and Common Transfer Files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from provmap_desktop.models import AcademicYear, AuditEntry, Pupil, SchoolClass, YearGroup
from provmap_desktop.services.importing import (
    CTF_MAPPING,
    ImportFileError,
    ImportRefusedError,
    RowAction,
    apply_import,
    build_preview,
    decode_csv,
    format_report,
    guess_mapping,
    import_file,
    is_ctf,
    parse_csv,
    parse_ctf,
    preview_file,
)
from provmap_desktop.services.importing.values import sen_status_code

DATA = Path(__file__).parent.parent / "data"
GOOD = DATA / "pupils_sims_utf8_bom.csv"
CP1252 = DATA / "pupils_windows1252.csv"
BAD = DATA / "pupils_bad_rows.csv"
CTF = DATA / "pupils_transfer_ctf.xml"
SIMS_CTF19 = DATA / "ctf19_sims_transfer.ctf"
NEWER_CTF = DATA / "ctf_newer_sex.XML"
NURSERY_CTF = DATA / "ctf_nursery_transition.ctf"
MIS_WORDING = DATA / "pupils_mis_wording.txt"
TODAY = dt.date(2026, 12, 2)


@pytest.fixture
def school(session: Session) -> dict[str, YearGroup]:
    """Reception to Year 6, class 4B in Year 4, and one pupil already on roll."""
    groups = {"R": YearGroup(name="Reception", sort_order=0)}
    groups |= {str(n): YearGroup(name=f"Year {n}", sort_order=n) for n in range(1, 7)}
    session.add_all(groups.values())
    session.flush()
    session.add(SchoolClass(name="4B", year_group_id=groups["4"].id))
    session.add(
        Pupil(
            upn="X801200016001",
            surname="Ahmed",
            forename="Ava",
            year_group_id=groups["3"].id,
            sen_status="N",
            eal=True,
            sen_notes="Kept by the SENCO",
        )
    )
    session.add(Pupil(upn="K801200016011", surname="Stays", forename="Sam", sen_status="K"))
    session.commit()
    return groups


def _pupil_rows(session: Session) -> list[tuple[str, str, str]]:
    return [
        tuple(row)
        for row in session.execute(
            select(Pupil.upn, Pupil.surname, Pupil.forename).order_by(Pupil.upn)
        )
    ]


# --- reading and mapping -------------------------------------------------------------


def test_guess_mapping_reads_sims_headers() -> None:
    headers = [
        "UPN",
        "Legal Surname",
        "Legal Forename",
        "Preferred Forename",
        "DOB",
        "Gender",
        "Year",
        "Reg",
        "SEN Status",
        "Primary Need",
        "Secondary Need",
    ]
    mapping = guess_mapping(headers)
    assert mapping["upn"] == "UPN"
    assert mapping["surname"] == "Legal Surname"
    assert mapping["forename"] == "Legal Forename"
    assert mapping["preferred_name"] == "Preferred Forename"
    assert mapping["date_of_birth"] == "DOB"
    assert mapping["year_group"] == "Year"
    assert mapping["class_name"] == "Reg"
    assert mapping["sen_status"] == "SEN Status"
    assert mapping["primary_need"] == "Primary Need"
    assert mapping["secondary_need"] == "Secondary Need"
    assert mapping["sen_start_date"] is None


def test_guess_mapping_ignores_case_punctuation_and_pupil_prefix() -> None:
    mapping = guess_mapping(
        ["pupil_upn", "LAST NAME", "First-Name", "Date of Birth", "sex", "N.C. Year", "Form"]
    )
    assert mapping["upn"] == "pupil_upn"
    assert mapping["surname"] == "LAST NAME"
    assert mapping["forename"] == "First-Name"
    assert mapping["date_of_birth"] == "Date of Birth"
    assert mapping["gender"] == "sex"
    assert mapping["year_group"] == "N.C. Year"
    assert mapping["class_name"] == "Form"


def test_utf8_bom_is_dropped_so_the_first_header_still_maps() -> None:
    text = decode_csv(GOOD.read_bytes())
    assert not text.startswith("\ufeff")
    assert parse_csv(text).headers[0] == "UPN"


def test_windows_1252_file_keeps_accented_names_and_semicolons(
    session: Session, school: dict[str, YearGroup]
) -> None:
    table = parse_csv(decode_csv(CP1252.read_bytes()))
    assert table.headers[:3] == ["UPN", "Surname", "Forename"]
    preview, result = import_file(session, CP1252, dry_run=False)
    assert preview.is_clean, format_report(preview)
    assert result is not None
    assert result.added == 3
    names = {(p.forename, p.surname) for p in session.scalars(select(Pupil))}
    assert {("Zoë", "Evans"), ("Siân", "Jones"), ("Seán", "O'Brien")} <= names


# --- a good file ---------------------------------------------------------------------


def test_good_file_adds_new_pupils_and_updates_by_upn(
    session: Session, school: dict[str, YearGroup]
) -> None:
    preview, result = import_file(session, GOOD, dry_run=False)
    assert preview.is_clean, format_report(preview)
    actions = {r.upn: r.action for r in preview.rows}
    assert actions["X801200016001"] is RowAction.UPDATE
    assert actions["L801200016002"] is RowAction.ADD
    assert [r.number for r in preview.rows] == [2, 3, 4, 5]
    assert result is not None
    assert (result.added, result.updated) == (3, 1)
    assert sorted(result.classes_created) == ["3A", "RW"]

    ava = session.scalars(select(Pupil).where(Pupil.upn == "X801200016001")).one()
    assert ava.year_group_id == school["4"].id  # moved from Year 3
    assert ava.sen_status == "K"
    assert ava.primary_need == "SPLD"
    assert ava.secondary_need is None
    assert ava.date_of_birth == dt.date(2016, 5, 4)
    assert ava.school_class is not None
    assert ava.school_class.name == "4B"
    assert ava.preferred_name == ""  # same as the legal forename
    # Fields the file does not hold are left as they were.
    assert ava.eal is True
    assert ava.sen_notes == "Kept by the SENCO"

    ben = session.scalars(select(Pupil).where(Pupil.upn == "L801200016002")).one()
    assert ben.preferred_name == "Ben"
    assert ben.date_of_birth == dt.date(2016, 9, 30)
    zoe = session.scalars(select(Pupil).where(Pupil.upn == "A801200016003")).one()
    assert (zoe.forename, zoe.sen_status, zoe.primary_need, zoe.secondary_need) == (
        "Zoë",
        "E",
        "ASD",
        "SLCN",
    )
    assert zoe.school_class is not None
    assert zoe.school_class.year_group_id == school["3"].id
    callum = session.scalars(select(Pupil).where(Pupil.upn == "P801200016004")).one()
    assert callum.year_group_id == school["R"].id
    assert callum.sen_status == "N"


def test_pupils_missing_from_the_file_are_left_alone(
    session: Session, school: dict[str, YearGroup]
) -> None:
    import_file(session, GOOD, dry_run=False)
    sam = session.scalars(select(Pupil).where(Pupil.upn == "K801200016011")).one()
    assert (sam.surname, sam.sen_status, sam.archived) == ("Stays", "K", False)


def test_reimporting_the_same_file_changes_nothing(
    session: Session, school: dict[str, YearGroup]
) -> None:
    import_file(session, GOOD, dry_run=False)
    audit_rows = session.scalar(select(func.count()).select_from(AuditEntry))
    preview, result = import_file(session, GOOD, dry_run=False)
    assert {r.action for r in preview.rows} == {RowAction.UNCHANGED}
    assert result is not None
    assert (result.added, result.updated, result.unchanged) == (0, 0, 4)
    assert session.scalar(select(func.count()).select_from(AuditEntry)) == audit_rows


def test_dry_run_writes_nothing(session: Session, school: dict[str, YearGroup]) -> None:
    before = _pupil_rows(session)
    preview, result = import_file(session, GOOD, dry_run=True)
    session.rollback()
    assert result is None
    assert preview.is_clean
    assert _pupil_rows(session) == before
    assert session.scalar(select(func.count()).select_from(SchoolClass)) == 1


def test_user_can_override_the_guessed_mapping(
    session: Session, school: dict[str, YearGroup]
) -> None:
    table = parse_csv(decode_csv(GOOD.read_bytes()))
    mapping = guess_mapping(table.headers)
    mapping["preferred_name"] = None
    mapping["sen_status"] = None
    preview = build_preview(session, table.rows, mapping)
    apply_import(session, preview)
    ben = session.scalars(select(Pupil).where(Pupil.upn == "L801200016002")).one()
    zoe = session.scalars(select(Pupil).where(Pupil.upn == "A801200016003")).one()
    assert ben.preferred_name == ""
    assert zoe.sen_status == "N"  # not mapped: a new pupil gets the default


# --- bad rows ------------------------------------------------------------------------


def test_each_kind_of_bad_row_is_rejected_with_its_reason(
    session: Session, school: dict[str, YearGroup]
) -> None:
    preview = preview_file(session, BAD)
    reasons = {r.number: " ".join(r.reasons) for r in preview.rows}
    assert preview.rows[0].action is RowAction.ADD
    assert reasons[2] == ""
    assert "wrong check letter" in reasons[3]
    assert "start with W" in reasons[3]
    assert "Year group 'Year 9' is not one of the school's year groups" in reasons[4]
    assert "'31/02/2016' is neither dd/mm/yyyy nor yyyy-mm-dd" in reasons[5]
    assert "Surname is missing" in reasons[6]
    assert "Forename is missing" in reasons[7]
    assert "appears more than once" in reasons[8]
    assert "rows 8 and 9" in reasons[8]
    assert "appears more than once" in reasons[9]
    assert "rows 9 and 8" in reasons[9]
    assert "SEN status 'Q' is not known" in reasons[10]
    assert "Primary need 'XYZ' is not a census need code" in reasons[11]
    assert [r.number for r in preview.rejected] == list(range(3, 12))


def test_a_file_with_bad_rows_writes_nothing(
    session: Session, school: dict[str, YearGroup]
) -> None:
    before = _pupil_rows(session)
    audit_before = session.scalar(select(func.count()).select_from(AuditEntry))
    preview, result = import_file(session, BAD, dry_run=False)
    assert result is None
    assert not preview.is_clean
    with pytest.raises(ImportRefusedError):
        apply_import(session, preview)
    session.rollback()
    assert _pupil_rows(session) == before
    assert session.scalar(select(func.count()).select_from(AuditEntry)) == audit_before


def test_report_names_each_rejected_row_and_why(
    session: Session, school: dict[str, YearGroup]
) -> None:
    report = format_report(preview_file(session, BAD))
    assert "Rejected: 9" in report
    assert "To add: 1" in report
    assert "Row 3 (A801200016008 Checkletter, Wrong):" in report
    assert "Row 11" in report
    assert "XYZ" in report
    assert "Nothing will be written" in report


def test_missing_upn_column_is_a_file_problem(
    session: Session, school: dict[str, YearGroup]
) -> None:
    table = parse_csv("Surname,Forename\nAhmed,Ava\n")
    preview = build_preview(session, table.rows, guess_mapping(table.headers))
    assert "No column is chosen for UPN." in preview.problems
    assert not preview.is_clean


def test_an_error_while_writing_rolls_everything_back(
    session: Session, school: dict[str, YearGroup], monkeypatch: pytest.MonkeyPatch
) -> None:
    preview = preview_file(session, GOOD)
    before = _pupil_rows(session)

    def fail(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    # Fail at the very end, after every pupil has been flushed.
    monkeypatch.setattr(session, "commit", fail)
    with pytest.raises(RuntimeError):
        apply_import(session, preview)
    monkeypatch.undo()
    assert _pupil_rows(session) == before
    assert session.scalar(select(func.count()).select_from(SchoolClass)) == 1


@pytest.mark.parametrize(
    ("year", "expected"),
    [("4", "4"), ("Year 4", "4"), ("Y4", "4"), ("R", "R"), ("Rec", "R"), ("Reception", "R")],
)
def test_year_group_spellings(
    session: Session, school: dict[str, YearGroup], year: str, expected: str
) -> None:
    table = parse_csv(f"UPN,Surname,Forename,Year\nL801200016002,Brown,Ben,{year}\n")
    preview = build_preview(session, table.rows, guess_mapping(table.headers))
    assert preview.rows[0].values["year_group"] == school[expected].id


def test_nursery_is_unknown_in_a_school_without_one(
    session: Session, school: dict[str, YearGroup]
) -> None:
    table = parse_csv("UPN,Surname,Forename,Year\nL801200016002,Brown,Ben,N\n")
    preview = build_preview(session, table.rows, guess_mapping(table.headers))
    assert "Year group 'N' is not one of the school's year groups" in preview.rows[0].reasons[0]


# --- Common Transfer File ------------------------------------------------------------


def test_ctf_import_takes_names_dates_and_the_latest_sen_entry(
    session: Session, school: dict[str, YearGroup]
) -> None:
    preview, result = import_file(session, CTF, dry_run=False)
    assert preview.is_clean, format_report(preview)
    assert preview.unit == "Pupil"
    assert len(preview.rows) == 3
    assert result is not None
    assert (result.added, result.updated) == (2, 1)
    ava = session.scalars(select(Pupil).where(Pupil.upn == "X801200016001")).one()
    # The 2023 entry (old code S = statement) wins over the 2021 one (A = School Action).
    assert (ava.sen_status, ava.primary_need, ava.secondary_need) == ("E", "ASD", "SLCN")
    assert ava.sen_start_date == dt.date(2023, 1, 10)
    assert ava.preferred_name == "Avi"
    assert ava.surname == "Ahmed"
    assert ava.year_group_id == school["4"].id
    ben = session.scalars(select(Pupil).where(Pupil.upn == "L801200016002")).one()
    assert (ben.sen_status, ben.primary_need, ben.gender) == ("K", "SPLD", "M")
    callum = session.scalars(select(Pupil).where(Pupil.upn == "P801200016004")).one()
    assert callum.year_group_id == school["R"].id
    assert callum.sen_status == "N"
    assert callum.date_of_birth == dt.date(2020, 3, 1)


def test_ctf_with_a_default_namespace_reads_the_same() -> None:
    text = CTF.read_text().replace("<CTfile>", '<CTfile xmlns="urn:example:ctf">')
    rows = parse_ctf(text.encode())
    assert [r.values["upn"] for r in rows] == ["X801200016001", "L801200016002", "P801200016004"]
    assert rows[0].values["sen_status"] == "S"


def test_ctf_pupil_without_sen_history_keeps_their_sen_data(
    session: Session, school: dict[str, YearGroup]
) -> None:
    rows = parse_ctf(
        b"<CTfile><CTFpupilData><Pupil><UPN>K801200016011</UPN>"
        b"<Surname>Stays</Surname><Forename>Sam</Forename></Pupil>"
        b"</CTFpupilData></CTfile>"
    )
    preview = build_preview(session, rows, CTF_MAPPING)
    assert preview.rows[0].action is RowAction.UNCHANGED


def test_malformed_ctf_gives_a_clear_error_and_writes_nothing(
    session: Session, school: dict[str, YearGroup], tmp_path: Path
) -> None:
    broken = tmp_path / "transfer.xml"
    broken.write_text(CTF.read_text().replace("</Surname>", "</Surnme>", 1))
    before = _pupil_rows(session)
    with pytest.raises(ImportFileError, match=r"not well-formed XML \(line \d+"):
        import_file(session, broken, dry_run=False)
    assert _pupil_rows(session) == before


def test_xml_that_is_not_a_ctf_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match="not a Common Transfer File"):
        parse_ctf(b"<html><body/></html>", "page.xml")


_BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE CTfile [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<CTfile><CTFpupilData><Pupil>
  <UPN>A123456789012</UPN><Surname>&lol9;</Surname><Forename>Ava</Forename>
</Pupil></CTFpupilData></CTfile>
"""


def test_a_ctf_with_an_entity_expansion_bomb_is_refused_not_expanded(
    session: Session, school: dict[str, YearGroup], tmp_path: Path
) -> None:
    bomb = tmp_path / "transfer.ctf"
    bomb.write_text(_BILLION_LAUGHS, encoding="utf-8")
    before = _pupil_rows(session)
    with pytest.raises(ImportFileError, match="declares XML entities") as refused:
        import_file(session, bomb, dry_run=False)
    assert "transfer.ctf" in str(refused.value)
    assert "Nothing was written" in str(refused.value)
    assert _pupil_rows(session) == before


def test_a_ctf_that_reaches_for_another_file_is_refused() -> None:
    outside = b"""<?xml version="1.0"?>
<!DOCTYPE CTfile [<!ENTITY secret SYSTEM "file:///etc/hostname">]>
<CTfile><CTFpupilData><Pupil><Surname>&secret;</Surname></Pupil></CTFpupilData></CTfile>
"""
    with pytest.raises(ImportFileError, match="refers to other files"):
        parse_ctf(outside, "transfer.xml")


def test_ctf_rejections_name_the_pupil_position(
    session: Session, school: dict[str, YearGroup]
) -> None:
    text = CTF.read_text().replace("<UPN>L801200016002</UPN>", "<UPN>A801200016002</UPN>")
    preview = build_preview(session, parse_ctf(text.encode()), CTF_MAPPING, unit="Pupil")
    assert [r.number for r in preview.rejected] == [2]
    assert "Pupil 2 (A801200016002 Brown, Benjamin)" in format_report(preview)


def test_new_class_takes_the_year_group_of_its_first_clean_row(
    session: Session, school: dict[str, YearGroup]
) -> None:
    table = parse_csv(
        "UPN,Surname,Forename,Year,Class,DOB\n"
        "L801200016002,Brown,Ben,Year 9,5C,01/01/2016\n"
        "A801200016003,Clarke,Zoe,Year 5,5C,2016-01-02 00:00:00\n"
        "P801200016004,Davies,Cal,Year 4,4b,02/01/2016\n"
    )
    preview = build_preview(session, table.rows, guess_mapping(table.headers))
    assert preview.rows[0].action is RowAction.REJECTED
    assert preview.new_classes == {"5C": school["5"].id}
    assert preview.rows[1].notes == ["Class 5C is new and will be created in Year 5."]
    assert preview.rows[1].values["date_of_birth"] == dt.date(2016, 1, 2)
    # A known class in another spelling is the same class, not a new one.
    assert preview.rows[2].values["class_name"] == "4B"
    assert not preview.rows[2].notes


# --- real MIS files: Common Transfer Files -------------------------------------------


def _pupil(session: Session, upn: str) -> Pupil:
    return session.scalars(select(Pupil).where(Pupil.upn == upn)).one()


def test_a_sims_ctf19_file_named_ctf_imports_gender_and_sen_needs(
    session: Session, school: dict[str, YearGroup]
) -> None:
    # Expected values are worked by hand in the fixture's opening comment.
    preview, result = import_file(session, SIMS_CTF19, dry_run=False, today=TODAY)
    assert preview.unit == "Pupil", "a .ctf holding <CTfile> is a transfer file"
    assert preview.is_clean, format_report(preview)
    assert result is not None
    assert (result.added, result.updated) == (3, 1)

    freya = _pupil(session, "A838200024001")
    assert (freya.gender, freya.sen_status, freya.primary_need, freya.secondary_need) == (
        "F",
        "K",
        "SPLD",
        "SLCN",
    )
    assert freya.sen_start_date == dt.date(2021, 11, 15)
    assert freya.surname == "Hollis"
    assert freya.year_group_id == school["4"].id
    ava = _pupil(session, "X801200016001")
    assert (ava.gender, ava.sen_status, ava.sen_start_date) == ("F", "N", None)
    assert ava.year_group_id == school["4"].id
    tobi = _pupil(session, "U839200024002")
    assert (tobi.gender, tobi.sen_status, tobi.primary_need, tobi.secondary_need) == (
        "M",
        "E",
        "ASD",
        "SLCN",
    )
    assert tobi.sen_start_date == dt.date(2022, 5, 20)
    rhys = _pupil(session, "F660200024007")
    assert (rhys.gender, rhys.sen_status, rhys.year_group_id) == ("M", "N", school["5"].id)


def test_a_newer_ctf_with_sex_in_full_and_an_upper_case_name_imports(
    session: Session, school: dict[str, YearGroup]
) -> None:
    preview, result = import_file(session, NEWER_CTF, dry_run=False, today=TODAY)
    assert preview.is_clean, format_report(preview)
    assert result is not None
    assert result.added == 2
    isla = _pupil(session, "Z80120001605T")  # a temporary UPN
    assert (isla.gender, isla.year_group_id, isla.sen_status) == ("F", school["3"].id, "N")
    alfie = _pupil(session, "T941200024004")
    assert (alfie.gender, alfie.sen_status, alfie.primary_need) == ("M", "K", "MLD")
    assert alfie.sen_start_date == dt.date(2023, 1, 10)


def _ctf(pupils: str) -> bytes:
    return f"<CTfile><CTFpupilData>{pupils}</CTFpupilData></CTfile>".encode()


def test_ctf_status_comes_from_the_open_entry_not_the_latest_start() -> None:
    # An EHC plan assessed and ended in 2024 (a later start) beside SEN support still open.
    rows = parse_ctf(
        _ctf(
            "<Pupil><UPN>E801200019001</UPN><SENhistory>"
            "<SEN><StartDate>2024-03-01</StartDate><EndDate>2024-06-30</EndDate>"
            "<SENprovision>E</SENprovision></SEN>"
            "<SEN><StartDate>2021-09-06</StartDate><SENprovision>K</SENprovision></SEN>"
            "</SENhistory></Pupil>"
        )
    )
    assert rows[0].values["sen_status"] == "K"
    assert rows[0].values["sen_start_date"] == "2021-09-06"


def test_ctf_status_n_has_no_sen_start_date_or_need() -> None:
    rows = parse_ctf(
        _ctf(
            "<Pupil><UPN>E801200019001</UPN><SENhistory>"
            "<SEN><StartDate>2019-09-04</StartDate><EndDate>2022-07-20</EndDate>"
            "<SENprovision>K</SENprovision></SEN>"
            "<SEN><StartDate>2022-07-21</StartDate><SENprovision>N</SENprovision></SEN>"
            "<SENneeds><SENneed><NeedStartDate>2019-09-04</NeedStartDate>"
            "<NeedEndDate>2022-07-20</NeedEndDate><SENtypeRank>1</SENtypeRank>"
            "<SENtype>SPLD</SENtype></SENneed></SENneeds>"
            "</SENhistory></Pupil>"
        )
    )
    values = rows[0].values
    assert (values["sen_status"], values["sen_start_date"]) == ("N", "")
    assert (values["primary_need"], values["secondary_need"]) == ("", "")


@pytest.mark.parametrize("name", ["transfer.ctf", "TRANSFER.XML", "transfer.xml", "ctf.dat"])
def test_a_transfer_file_is_recognised_by_what_it_holds(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(SIMS_CTF19.read_bytes())
    assert is_ctf(path)


def test_a_csv_named_txt_is_read_as_csv(
    session: Session, school: dict[str, YearGroup], tmp_path: Path
) -> None:
    path = tmp_path / "export.txt"
    path.write_bytes(GOOD.read_bytes())
    assert not is_ctf(path)
    preview = preview_file(session, path)
    assert preview.unit == "Row"
    assert preview.is_clean, format_report(preview)


@pytest.fixture
def secondary(session: Session) -> dict[str, YearGroup]:
    """Years 7 to 11 and this academic year, 2026/27."""
    groups = {str(n): YearGroup(name=f"Year {n}", sort_order=n) for n in range(7, 12)}
    session.add_all(groups.values())
    session.add(
        AcademicYear(label="2026/27", start_date=dt.date(2026, 9, 1), end_date=dt.date(2027, 8, 31))
    )
    session.commit()
    return groups


def _year6_transition_ctf() -> bytes:
    # Two Year 6 leavers from a primary school; check letters worked in test_pupils.py.
    return _ctf(
        "<Pupil><UPN>T941200024004</UPN><Surname>Barker</Surname><Forename>Alfie</Forename>"
        "<DOB>2015-04-08</DOB><Sex>M</Sex><BasicDetails><NCyearActual>6</NCyearActual>"
        "</BasicDetails></Pupil>"
        "<Pupil><UPN>L942200024005</UPN><Surname>Nash</Surname><Forename>Ruby</Forename>"
        "<DOB>2015-10-01</DOB><Sex>F</Sex><BasicDetails><NCyearActual>6</NCyearActual>"
        "</BasicDetails></Pupil>"
    )


def test_a_year6_transition_ctf_is_offered_as_next_years_intake(
    session: Session, secondary: dict[str, YearGroup]
) -> None:
    rows = parse_ctf(_year6_transition_ctf())
    offered = build_preview(
        session, rows, CTF_MAPPING, unit="Pupil", offer_intake=True, today=TODAY
    )
    assert offered.intake is not None
    assert (offered.intake.count, offered.intake.year_group, offered.intake.starts) == (
        2,
        "Year 7",
        dt.date(2027, 9, 1),  # the day after 2026/27 ends
    )
    assert not offered.intake.accepted
    assert not offered.is_clean
    assert "next year's intake" in offered.rows[0].reasons[0]

    taken = build_preview(
        session, rows, CTF_MAPPING, unit="Pupil", offer_intake=True, as_intake=True, today=TODAY
    )
    assert taken.is_clean
    assert taken.intake is not None
    assert taken.intake.accepted
    assert "joins Year 7 on 01/09/2027" in taken.rows[0].notes[0]
    apply_import(session, taken)
    alfie = _pupil(session, "T941200024004")
    assert alfie.year_group_id == secondary["7"].id
    assert alfie.on_roll_date == dt.date(2027, 9, 1)
    assert "Next year's intake: 2 pupils will join Year 7 on 01/09/2027" in format_report(taken)


def test_nursery_pupils_arrive_as_reception_intake(
    session: Session, school: dict[str, YearGroup]
) -> None:
    preview, result = import_file(session, NURSERY_CTF, dry_run=False, as_intake=True, today=TODAY)
    assert preview.is_clean, format_report(preview)
    assert result is not None
    assert result.added == 2
    poppy = _pupil(session, "K801300125001")
    assert poppy.year_group_id == school["R"].id
    # No academic year is set up in this school: the next one starts on 1 September.
    assert poppy.on_roll_date == dt.date(2027, 9, 1)


def test_a_csv_is_never_taken_as_intake(session: Session, secondary: dict[str, YearGroup]) -> None:
    table = parse_csv("UPN,Surname,Forename,Year\nT941200024004,Barker,Alfie,Year 6\n")
    preview = build_preview(session, table.rows, guess_mapping(table.headers), today=TODAY)
    assert preview.intake is None
    assert "Year group 'Year 6' is not one of the school's" in preview.rows[0].reasons[0]


# --- real MIS files: CSV exports -----------------------------------------------------


def test_a_mis_export_in_sims_arbor_and_bromcom_wording_imports_completely(
    session: Session, school: dict[str, YearGroup]
) -> None:
    session.add(SchoolClass(name="Robins (Reception)", year_group_id=school["R"].id))
    session.commit()
    preview, result = import_file(session, MIS_WORDING, dry_run=False, today=TODAY)
    assert preview.is_clean, format_report(preview)
    assert result is not None
    assert result.added == 9
    assert sorted(result.classes_created) == ["6K", "Kestrels"]
    # Worked by hand from each row of the file:
    expected = {
        # UPN: (preferred, date of birth, gender, year, class, SEN, primary need)
        "E801200019001": ("Emma", dt.date(2016, 3, 14), "F", "6", "6K", "K", "SPLD"),
        "U801200019002": ("", dt.date(2015, 9, 30), "M", "6", "6K", "N", None),
        "H801200019003": ("Lil", dt.date(2015, 10, 8), "F", "6", "6K", "E", "ASD"),
        "X801200019004": ("", dt.date(2015, 10, 8), "M", "6", "6K", "K", "SEMH"),
        "L801200019005": ("", dt.date(2015, 9, 1), "F", "6", "6K", "E", "SLCN"),
        "A801200019006": ("", dt.date(2021, 12, 12), "M", "R", "Robins (Reception)", "E", "PD"),
        "P801200019007": ("", dt.date(2022, 1, 5), "F", "R", "Robins (Reception)", "N", None),
        "D801200019008": ("", dt.date(2022, 2, 20), "F", "R", "Kestrels", "N", None),
        "A838200024001": ("", dt.date(2016, 10, 12), "F", "4", "4B", "K", "SPLD"),
    }
    by_id = {g.id: key for key, g in school.items()}
    for upn, want in expected.items():
        p = _pupil(session, upn)
        got = (
            p.preferred_name,
            p.date_of_birth,
            p.gender,
            by_id[p.year_group_id] if p.year_group_id else None,
            p.school_class.name if p.school_class else None,
            p.sen_status,
            p.primary_need,
        )
        assert got == want, upn
    assert session.scalar(select(func.count()).select_from(SchoolClass)) == 4


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("N - No Special Educational Need", "N"),
        ("K - SEN Support", "K"),
        ("E - Education, Health and Care Plan", "E"),
        ("SEN Support", "K"),
        ("EHC Plan", "E"),
        ("EHCP", "E"),
    ],
)
def test_sen_status_as_mis_write_it(text: str, expected: str) -> None:
    assert sen_status_code(text) == expected


@pytest.mark.parametrize(
    "text",
    ["08/10/2015", "08/10/2015 00:00:00", "2015-10-08", "08 October 2015", "8 Oct 2015"],
)
def test_dates_as_mis_write_them(session: Session, school: dict[str, YearGroup], text: str) -> None:
    table = parse_csv(f'UPN,Surname,Forename,DOB\nE801200019001,Carter,Emily,"{text}"\n')
    preview = build_preview(session, table.rows, guess_mapping(table.headers), today=TODAY)
    assert preview.rows[0].values["date_of_birth"] == dt.date(2015, 10, 8)
    assert preview.is_clean


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("03/12/2026", "is in the future"),  # the day after TODAY
        ("01/12/2001", "more than 25 years ago"),
    ],
)
def test_an_impossible_birth_date_is_a_row_error(
    session: Session, school: dict[str, YearGroup], text: str, reason: str
) -> None:
    table = parse_csv(f"UPN,Surname,Forename,DOB\nE801200019001,Carter,Emily,{text}\n")
    preview = build_preview(session, table.rows, guess_mapping(table.headers), today=TODAY)
    assert preview.rows[0].action is RowAction.REJECTED
    assert reason in " ".join(preview.rows[0].reasons)


@pytest.mark.parametrize("year", ["Year 6", "Y6", "Year Y6", "6", "NC Year 6", "Year 06", "Yr 6"])
def test_year_6_as_mis_write_it(session: Session, school: dict[str, YearGroup], year: str) -> None:
    table = parse_csv(f"UPN,Surname,Forename,Year\nE801200019001,Carter,Emily,{year}\n")
    preview = build_preview(session, table.rows, guess_mapping(table.headers))
    assert preview.rows[0].values["year_group"] == school["6"].id, preview.rows[0].reasons


@pytest.mark.parametrize("year", ["N1", "N2", "Nursery"])
def test_nursery_as_mis_write_it(session: Session, year: str) -> None:
    nursery = YearGroup(name="Nursery", sort_order=-1)
    session.add(nursery)
    session.commit()
    table = parse_csv(f"UPN,Surname,Forename,Year\nE801200019001,Carter,Emily,{year}\n")
    preview = build_preview(session, table.rows, guess_mapping(table.headers))
    assert preview.rows[0].values["year_group"] == nursery.id


def test_a_class_matches_ignoring_a_bracketed_year_and_the_preview_names_new_ones(
    session: Session, school: dict[str, YearGroup]
) -> None:
    session.add(SchoolClass(name="Robins (Reception)", year_group_id=school["R"].id))
    session.add(SchoolClass(name="Owls (Year 1)", year_group_id=school["1"].id))
    session.add(SchoolClass(name="Owls (Year 2)", year_group_id=school["2"].id))
    session.commit()
    table = parse_csv(
        "UPN,Surname,Forename,Year,Class\n"
        "E801200019001,Carter,Emily,R,Robins\n"
        "U801200019002,Davies,Owen,Year 2,Owls\n"
        "H801200019003,Evans,Lily,Year 3,Kestrels\n"
        "X801200019004,Foster,Jack,Year 3,Kestrels (Year 3)\n"
    )
    preview = build_preview(session, table.rows, guess_mapping(table.headers))
    assert preview.is_clean, format_report(preview)
    classes = [r.values["class_name"] for r in preview.rows]
    assert classes == ["Robins (Reception)", "Owls (Year 2)", "Kestrels", "Kestrels"]
    assert preview.new_classes == {"Kestrels": school["3"].id}
    assert "New class: Kestrels" in format_report(preview)


def test_a_class_name_matching_two_classes_of_other_years_is_a_row_error(
    session: Session, school: dict[str, YearGroup]
) -> None:
    session.add(SchoolClass(name="Owls (Year 1)", year_group_id=school["1"].id))
    session.add(SchoolClass(name="Owls (Year 2)", year_group_id=school["2"].id))
    session.commit()
    table = parse_csv("UPN,Surname,Forename,Year,Class\nE801200019001,Carter,Emily,Year 5,Owls\n")
    preview = build_preview(session, table.rows, guess_mapping(table.headers))
    assert "matches more than one class" in " ".join(preview.rows[0].reasons)


def test_a_name_longer_than_the_database_holds_is_a_row_error(
    session: Session, school: dict[str, YearGroup]
) -> None:
    long_name = "Fitzwilliam-" * 9  # 108 characters
    table = parse_csv(f"UPN,Surname,Forename\nE801200019001,{long_name},Emily\n")
    preview = build_preview(session, table.rows, guess_mapping(table.headers))
    assert preview.rows[0].action is RowAction.REJECTED
    assert "Surname is longer than 100 characters" in " ".join(preview.rows[0].reasons)


def test_upns_of_new_authorities_no_longer_block_a_file(
    session: Session, school: dict[str, YearGroup]
) -> None:
    table = parse_csv(
        "UPN,Surname,Forename\n"
        "A838200024001,Hollis,Freya\n"
        "R674123101121,Test,Pupil\n"
        "B999200024001,Unknown,Authority\n"
    )
    preview = build_preview(session, table.rows, guess_mapping(table.headers))
    assert preview.is_clean, format_report(preview)
    assert any("local authority 999" in note for note in preview.rows[2].notes)
    apply_import(session, preview)
    assert _pupil(session, "R674123101121").surname == "Test"


def test_guess_mapping_reads_arbor_and_bromcom_style_headers() -> None:
    mapping = guess_mapping(
        [
            "UPN",
            "Last Name",
            "First Name",
            "Preferred First Name",
            "Date Of Birth",
            "Sex",
            "NC Year Group",
            "Registration Form",
            "SEN Status",
            "Primary SEN Need",
        ]
    )
    assert mapping["preferred_name"] == "Preferred First Name"
    assert mapping["year_group"] == "NC Year Group"
    assert mapping["class_name"] == "Registration Form"
    assert mapping["primary_need"] == "Primary SEN Need"
