"""Finding pupils, archiving, Section F gaps, subject access export and erasure."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from provmap_desktop.domain import pupils as pupil_domain
from provmap_desktop.domain.change import DomainError
from provmap_desktop.models import (
    AcademicYear,
    AuditEntry,
    Base,
    DeliverySession,
    Ehcp,
    EhcpOutcome,
    EhcpProvisionItem,
    GroupMembership,
    Provision,
    ProvisionGroup,
    Pupil,
    PupilProfile,
    Review,
    SchoolClass,
    SessionAttendance,
    YearGroup,
)
from provmap_desktop.rules.upn import UpnError, clean_upn, make_upn, upn_warning
from provmap_desktop.services.data_protection import (
    erase_pupil,
    subject_access_export,
    vacuum,
    write_subject_access_json,
)
from provmap_desktop.services.pupils import (
    PupilFilter,
    find_pupils,
    section_f_gaps,
    suggest_membership,
)
from provmap_desktop.storage.audit import install_audit
from provmap_desktop.storage.database import make_engine

TODAY = dt.date(2026, 11, 16)


def _upn(serial: int) -> str:
    return make_upn("801", "2000", 16, serial)


def build_school(session: Session) -> dict[str, object]:
    """Two year groups, three classes, five pupils, and one EHCP with its provision."""
    y3 = YearGroup(name="Year 3", sort_order=3)
    y4 = YearGroup(name="Year 4", sort_order=4)
    session.add_all([y3, y4])
    session.flush()
    c3, c4a, c4b = (
        SchoolClass(name="3A", year_group_id=y3.id),
        SchoolClass(name="4A", year_group_id=y4.id),
        SchoolClass(name="4B", year_group_id=y4.id),
    )
    session.add_all([c3, c4a, c4b])
    session.flush()

    def pupil(serial: int, fore: str, sur: str, yg: YearGroup, cls: SchoolClass, **kw: object):
        p = Pupil(
            upn=_upn(serial),
            forename=fore,
            surname=sur,
            year_group_id=yg.id,
            class_id=cls.id,
            **kw,
        )
        session.add(p)
        return p

    pupils = {
        "quinn": pupil(
            1,
            "Quentavius",
            "Zephyrbrook",
            y4,
            c4a,
            sen_status="E",
            primary_need="ASD",
            secondary_need="SLCN",
            pupil_premium=True,
        ),
        "amy": pupil(2, "Amy", "Baker", y4, c4b, sen_status="K", primary_need="SPLD", eal=True),
        "tom": pupil(3, "Tom", "Abbott", y4, c4a, sen_status="N"),
        "cara": pupil(
            4,
            "Cara",
            "Young",
            y3,
            c3,
            sen_status="K",
            primary_need="SEMH",
            fsm=True,
            preferred_name="Cee",
        ),
        "leo": pupil(
            5,
            "Leo",
            "Archer",
            y3,
            c3,
            sen_status="K",
            secondary_need="ASD",
            archived=True,
            leaving_date=dt.date(2026, 7, 20),
        ),
    }
    session.flush()
    year = AcademicYear(
        label="2026/27", start_date=dt.date(2026, 9, 1), end_date=dt.date(2027, 8, 31)
    )
    salt = Provision(name="Speech and language therapy", area="CI", wave=3, group_size=1)
    lego = Provision(name="Lego therapy", area="CI", wave=2, group_size=3)
    session.add_all([year, salt, lego])
    session.flush()
    salt_group = ProvisionGroup(
        provision_id=salt.id,
        academic_year_id=year.id,
        name="SaLT 1:1",
        start_date=dt.date(2026, 9, 7),
        end_date=dt.date(2027, 7, 16),
    )
    lego_group = ProvisionGroup(
        provision_id=lego.id,
        academic_year_id=year.id,
        name="Lego Y4",
        start_date=dt.date(2026, 9, 7),
        end_date=dt.date(2026, 12, 18),
    )
    session.add_all([salt_group, lego_group])
    session.flush()
    quinn = pupils["quinn"]
    salt_now = GroupMembership(
        group_id=salt_group.id, pupil_id=quinn.id, join_date=dt.date(2026, 9, 7)
    )
    lego_past = GroupMembership(
        group_id=lego_group.id,
        pupil_id=quinn.id,
        join_date=dt.date(2026, 9, 7),
        leave_date=dt.date(2026, 10, 23),
    )
    amy_lego = GroupMembership(
        group_id=lego_group.id, pupil_id=pupils["amy"].id, join_date=dt.date(2026, 9, 7)
    )
    session.add_all([salt_now, lego_past, amy_lego])
    session.flush()
    quinn.profile = PupilProfile(
        important_to_me="Quentavius loves trains", how_to_support="Visual timetable"
    )
    quinn.ehcp = Ehcp(
        issued_date=dt.date(2025, 3, 1), next_review_date=dt.date(2027, 3, 1), la_reference="LA-77"
    )
    quinn.ehcp.outcomes = [EhcpOutcome(text="Quentavius will ask for help", sort_order=1)]
    quinn.ehcp.provision_items = [
        EhcpProvisionItem(
            text="30 minutes SaLT weekly",
            minutes_per_week=30,
            provision_id=salt.id,
            membership_id=salt_now.id,
            sort_order=1,
        ),
        EhcpProvisionItem(
            text="Lego therapy twice weekly",
            provision_id=lego.id,
            membership_id=lego_past.id,
            sort_order=2,
        ),
        EhcpProvisionItem(text="Sensory breaks", sort_order=3),
    ]
    session.add(
        Review(
            pupil_id=quinn.id,
            membership_id=salt_now.id,
            outcome_sought="Quentavius uses 3-word phrases",
            target="3-word phrases",
        )
    )
    delivered = DeliverySession(
        group_id=salt_group.id,
        session_date=dt.date(2026, 11, 10),
        status="delivered",
        recorded_at=dt.datetime(2026, 11, 10, 15),
    )
    delivered.attendance = [
        SessionAttendance(pupil_id=quinn.id, present=False, absence_reason="Dentist")
    ]
    session.add(delivered)
    session.commit()
    return {
        **pupils,
        "y3": y3,
        "y4": y4,
        "c3": c3,
        "c4a": c4a,
        "salt": salt,
        "lego": lego,
        "salt_now": salt_now,
        "lego_past": lego_past,
        "amy_lego": amy_lego,
        "lego_group": lego_group,
    }


@pytest.fixture
def school(session: Session) -> dict[str, object]:
    return build_school(session)


def _names(pupils: list[Pupil]) -> list[str]:
    return [p.forename for p in pupils]


# --- finding pupils ------------------------------------------------------------------


def test_default_list_hides_archived_and_sorts_by_year_then_surname(
    session: Session, school: dict[str, object]
) -> None:
    assert _names(find_pupils(session)) == ["Cara", "Tom", "Amy", "Quentavius"]


def test_archived_only_and_include_archived(session: Session, school: dict[str, object]) -> None:
    assert _names(find_pupils(session, PupilFilter(archived_only=True))) == ["Leo"]
    assert "Leo" in _names(find_pupils(session, PupilFilter(include_archived=True)))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("zzz", []),
        ("bak", ["Amy"]),
        ("cee", ["Cara"]),  # preferred name
        ("amy baker", ["Amy"]),
        ("B", ["Tom", "Amy", "Quentavius"]),  # Abbott, Baker, Zephyrbrook
        ("oo", ["Quentavius"]),
        (_upn(3)[:6], ["Tom"]),  # the start of a UPN
        (_upn(3).lower(), ["Tom"]),
        ("50%", []),
    ],
)
def test_text_search_on_names_and_upn_prefix(
    session: Session, school: dict[str, object], text: str, expected: list[str]
) -> None:
    assert _names(find_pupils(session, PupilFilter(text=text))) == expected


def test_filters_combine(session: Session, school: dict[str, object]) -> None:
    y4 = school["y4"]
    c4a = school["c4a"]
    assert isinstance(y4, YearGroup)
    assert isinstance(c4a, SchoolClass)
    assert _names(find_pupils(session, PupilFilter(year_group_ids={y4.id}))) == [
        "Tom",
        "Amy",
        "Quentavius",
    ]
    assert _names(find_pupils(session, PupilFilter(class_ids={c4a.id}))) == ["Tom", "Quentavius"]
    assert _names(find_pupils(session, PupilFilter(sen_statuses={"K"}))) == ["Cara", "Amy"]
    # Need codes match primary or secondary need.
    assert _names(
        find_pupils(session, PupilFilter(need_codes={"SLCN", "SEMH"}, include_archived=True))
    ) == ["Cara", "Quentavius"]
    assert _names(find_pupils(session, PupilFilter(need_codes={"ASD"}, include_archived=True))) == [
        "Leo",
        "Quentavius",
    ]
    assert _names(find_pupils(session, PupilFilter(eal=True))) == ["Amy"]
    assert _names(find_pupils(session, PupilFilter(fsm=True))) == ["Cara"]
    assert _names(find_pupils(session, PupilFilter(pupil_premium=True))) == ["Quentavius"]
    assert _names(find_pupils(session, PupilFilter(cla=True))) == []
    assert _names(
        find_pupils(session, PupilFilter(year_group_ids={y4.id}, sen_statuses={"K", "E"}))
    ) == ["Amy", "Quentavius"]


# --- archive and restore -------------------------------------------------------------


def test_archive_hides_and_restore_brings_back(session: Session, school: dict[str, object]) -> None:
    amy = school["amy"]
    assert isinstance(amy, Pupil)
    pupil_domain.archive(session, amy.id, dt.date(2026, 12, 18))
    session.commit()
    assert "Amy" not in _names(find_pupils(session))
    assert amy.leaving_date == dt.date(2026, 12, 18)
    pupil_domain.restore(session, amy.id)
    session.commit()
    assert "Amy" in _names(find_pupils(session))
    assert amy.leaving_date is None
    assert amy.archived is False


def test_archive_before_joining_is_refused(session: Session, school: dict[str, object]) -> None:
    tom = school["tom"]
    assert isinstance(tom, Pupil)
    tom.on_roll_date = dt.date(2026, 9, 1)
    with pytest.raises(DomainError, match="before the date"):
        pupil_domain.archive(session, tom.id, dt.date(2026, 8, 1))
    assert tom.archived is False


# --- Section F -----------------------------------------------------------------------


def test_section_f_gaps_flag_unlinked_and_ended_items(
    session: Session, school: dict[str, object]
) -> None:
    gaps = section_f_gaps(session, TODAY)
    assert [(g.item.text, g.reason) for g in gaps] == [
        ("Lego therapy twice weekly", "The linked allocation ended on 23/10/2026."),
        ("Sensory breaks", "Not linked to any allocation."),
    ]
    # Before the Lego allocation ended, only the unlinked item is a gap.
    quinn = school["quinn"]
    assert isinstance(quinn, Pupil)
    early = section_f_gaps(session, dt.date(2026, 10, 1), pupil=quinn)
    assert [g.item.text for g in early] == ["Sensory breaks"]


def test_section_f_gap_for_an_allocation_not_yet_started(
    session: Session, school: dict[str, object]
) -> None:
    gaps = section_f_gaps(session, dt.date(2026, 9, 1))
    assert "The linked allocation starts on 07/09/2026." in [g.reason for g in gaps]


def test_school_wide_gaps_skip_archived_pupils(session: Session, school: dict[str, object]) -> None:
    quinn = school["quinn"]
    assert isinstance(quinn, Pupil)
    pupil_domain.archive(session, quinn.id, TODAY)
    session.commit()
    assert section_f_gaps(session, TODAY) == []
    assert len(section_f_gaps(session, TODAY, pupil=quinn)) == 2


def test_suggest_membership_finds_a_current_allocation_of_the_provision(
    session: Session, school: dict[str, object]
) -> None:
    quinn, lego_group = school["quinn"], school["lego_group"]
    assert isinstance(quinn, Pupil)
    assert isinstance(lego_group, ProvisionGroup)
    assert quinn.ehcp is not None
    salt_item, lego_item, sensory_item = quinn.ehcp.provision_items
    assert suggest_membership(session, salt_item, TODAY) is school["salt_now"]
    # Quinn left Lego; Amy's current Lego membership is not Quinn's to link.
    assert suggest_membership(session, lego_item, TODAY) is None
    rejoined = GroupMembership(group_id=lego_group.id, pupil_id=quinn.id, join_date=TODAY)
    session.add(rejoined)
    session.commit()
    assert suggest_membership(session, lego_item, TODAY) is rejoined
    assert suggest_membership(session, sensory_item, TODAY) is None


# --- subject access ------------------------------------------------------------------


def test_subject_access_export_holds_everything_about_the_pupil(
    session: Session, school: dict[str, object]
) -> None:
    quinn = school["quinn"]
    assert isinstance(quinn, Pupil)
    data = subject_access_export(session, quinn)
    assert list(data) == [
        "exported_on", "pupil", "profile", "ehcp", "memberships", "reviews", "plans",
        "meetings", "custom_fields", "documents", "attendance", "audit",
    ]  # fmt: skip
    assert all(
        list(e) == ["at", "action", "table", "row_id", "summary", "before", "after"]
        for e in data["audit"]
    )
    assert data["pupil"]["upn"] == quinn.upn
    assert data["pupil"]["surname"] == "Zephyrbrook"
    assert data["pupil"]["year_group"] == "Year 4"
    assert data["pupil"]["class"] == "4A"
    assert data["profile"]["important_to_me"] == "Quentavius loves trains"
    assert data["ehcp"]["la_reference"] == "LA-77"
    assert data["ehcp"]["outcomes"] == ["Quentavius will ask for help"]
    assert [i["provision"] for i in data["ehcp"]["provision_items"]] == [
        "Speech and language therapy",
        "Lego therapy",
        None,
    ]
    assert [i["text"] for i in data["ehcp"]["provision_items"]] == [
        "30 minutes SaLT weekly",
        "Lego therapy twice weekly",
        "Sensory breaks",
    ]
    assert data["ehcp"]["provision_items"][0]["membership_id"] == school["salt_now"].id  # type: ignore[attr-defined]
    assert {(m["provision"], m["leave_date"]) for m in data["memberships"]} == {
        ("Speech and language therapy", None),
        ("Lego therapy", "2026-10-23"),
    }
    assert data["reviews"][0]["outcome_sought"] == "Quentavius uses 3-word phrases"
    assert data["attendance"] == [
        {
            "session_date": "2026-11-10",
            "group_id": school["salt_now"].group_id,  # type: ignore[attr-defined]
            "session_status": "delivered",
            "present": False,
            "absence_reason": "Dentist",
        }
    ]
    audited_tables = {e["table"] for e in data["audit"]}
    # EHCP outcomes carry no pupil_id, yet their audit entries belong to the export.
    assert {"pupils", "pupil_profiles", "ehcp_outcomes", "group_memberships"} <= audited_tables
    assert all(e["table"] != "pupils" or e["row_id"] == quinn.id for e in data["audit"])
    # Nothing about another pupil leaks in.
    assert "Baker" not in json.dumps(data)


def test_subject_access_json_is_written_whole(
    session: Session, school: dict[str, object], tmp_path: Path
) -> None:
    cara = school["cara"]
    assert isinstance(cara, Pupil)
    target = tmp_path / "sar.json"
    write_subject_access_json(session, cara, target)
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["pupil"]["preferred_name"] == "Cee"
    assert data["ehcp"] is None
    assert data["memberships"] == []
    assert [p.name for p in tmp_path.iterdir()] == ["sar.json"]  # no temp file left


# --- erasure -------------------------------------------------------------------------


def test_erase_removes_every_row_and_blanks_the_audit(
    session: Session, school: dict[str, object]
) -> None:
    quinn, amy = school["quinn"], school["amy"]
    assert isinstance(quinn, Pupil)
    assert isinstance(amy, Pupil)
    quinn_id, amy_id, quinn_upn = quinn.id, amy.id, quinn.upn
    assert quinn.ehcp is not None
    # An outcome written and then removed: only the log still holds it, with no pupil id.
    dropped = EhcpOutcome(ehcp_id=quinn.ehcp.id, text="Quentavius counts to twenty")
    session.add(dropped)
    session.commit()
    session.delete(dropped)
    # A change to another row whose logged text names the pupil in full.
    lego_group = school["lego_group"]
    assert isinstance(lego_group, ProvisionGroup)
    lego_group.name = "Lego (zephyrbrook, quentavius)"
    session.commit()
    lego_group.name = "Lego Y4"
    session.commit()
    erase_pupil(session, quinn.id)
    assert session.get(Pupil, quinn_id) is None
    for model in (PupilProfile, Ehcp, GroupMembership, Review, SessionAttendance):
        count = session.scalar(
            select(func.count()).select_from(model).where(model.pupil_id == quinn_id)
        )
        assert count == 0, model
    assert session.scalar(select(func.count()).select_from(EhcpOutcome)) == 0
    assert session.scalar(select(func.count()).select_from(EhcpProvisionItem)) == 0
    # Amy's record and membership of the shared group are untouched.
    assert session.get(Pupil, amy_id) is not None
    assert session.scalar(select(GroupMembership).where(GroupMembership.pupil_id == amy_id))
    log = session.scalars(select(AuditEntry)).all()
    text = " ".join(f"{e.summary} {e.before_json} {e.after_json}" for e in log)
    for secret in ("zephyrbrook", "quentavius", "twenty", quinn_upn.casefold()):
        assert secret not in text.casefold(), secret
    assert all(e.pupil_id != quinn_id for e in log)
    erased = [e for e in log if e.action == "erase"]
    assert len(erased) == 1
    assert erased[0].summary == "pupil erased"
    # Erasing logs no "delete" rows (they would copy the data); the earlier one is blanked.
    deletes = [e for e in log if e.action == "delete"]
    assert [(e.table_name, e.summary, e.before_json) for e in deletes] == [
        ("ehcp_outcomes", "(erased)", None)
    ]
    assert "Baker" in text  # other pupils' history stays


@pytest.fixture
def file_session(tmp_path: Path) -> Iterator[tuple[Session, Path]]:
    """A real database file with the app's pragmas (WAL), schema from the models."""
    path = tmp_path / "school.provmap"
    engine = make_engine(path)
    Base.metadata.create_all(engine)
    factory = sessionmaker(engine, expire_on_commit=False)
    install_audit(factory)
    with factory() as s:
        yield s, path
    engine.dispose()


def _file_bytes(path: Path) -> bytes:
    parts = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-journal")]
    return b"".join(p.read_bytes() for p in parts if p.exists())


def test_erase_and_vacuum_leave_no_trace_in_the_database_file(
    file_session: tuple[Session, Path],
) -> None:
    session, path = file_session
    school = build_school(session)
    quinn = school["quinn"]
    assert isinstance(quinn, Pupil)
    quinn.surname = "Zephyrbrooke"  # an update entry in the audit log as well
    session.commit()
    secrets = [b"Quentavius", b"Zephyrbrook", quinn.upn.encode()]
    assert all(s in _file_bytes(path) for s in secrets)  # the check can see them

    erase_pupil(session, quinn.id)
    vacuum(session)
    raw = _file_bytes(path)
    for secret in secrets:
        assert secret not in raw, secret
        assert secret.lower() not in raw.lower(), secret
    assert b"Baker" in raw  # the file still holds everyone else
    session.close()


def test_vacuum_refuses_while_changes_are_unsaved(
    session: Session, school: dict[str, object]
) -> None:
    tom = school["tom"]
    assert isinstance(tom, Pupil)
    tom.surname = "Changed"
    with pytest.raises(RuntimeError, match="pending changes"):
        vacuum(session)


# --- UPNs ----------------------------------------------------------------------------
#
# Check letters worked by hand from the DfE rule (Common Basic Data Set, item P1): the
# digits in positions 2-13 are multiplied by 2-13 (a temporary UPN's final letter counts
# as its place in A B C D E F G H J K L M N P Q R T U V W X Y Z, A = 0), the sum is taken
# mod 23, and the remainder picks the letter from that same list.
#   R674123101121: 2x6+3x7+4x4+5x1+6x2+7x3+8x1+10x1+11x1+12x2+13x1 = 153 = 6x23+15 -> R
#   A838200024001: 2x8+3x3+4x8+5x2+9x2+10x4+13x1 = 138 = 6x23+0 -> A
#   U839200024002: 2x8+3x3+4x9+5x2+9x2+10x4+13x2 = 155 = 6x23+17 -> U
#   Z940200024003: 2x9+3x4+5x2+9x2+10x4+13x3 = 137 = 5x23+22 -> Z
#   T941200024004: 2x9+3x4+4x1+5x2+9x2+10x4+13x4 = 154 = 6x23+16 -> T
#   L942200024005: 2x9+3x4+4x2+5x2+9x2+10x4+13x5 = 171 = 7x23+10 -> L
#   E943200024006: 2x9+3x4+4x3+5x2+9x2+10x4+13x6 = 188 = 8x23+4 -> E
#   F660200024007: 2x6+3x6+5x2+9x2+10x4+13x7 = 189 = 8x23+5 -> F
#   F681200024008: 2x6+3x8+4x1+5x2+9x2+10x4+13x8 = 212 = 9x23+5 -> F
#   Z80120001605T (temporary, T = 16): 2x8+4x1+5x2+9x1+10x6+12x5+13x16 = 367 = 15x23+22 -> Z
#   B999200024001 (LA 999 is no authority): 2x9+3x9+4x9+5x2+9x2+10x4+13x1 = 162 -> B

NEW_AUTHORITY_UPNS = {
    "DfE test UPN (LA 674, Wales)": "R674123101121",
    "Dorset 838": "A838200024001",
    "Bournemouth, Christchurch and Poole 839": "U839200024002",
    "North Northamptonshire 940": "Z940200024003",
    "West Northamptonshire 941": "T941200024004",
    "Cumberland 942": "L942200024005",
    "Westmorland and Furness 943": "E943200024006",
    "Isle of Anglesey 660": "F660200024007",
    "Vale of Glamorgan 681": "F681200024008",
}


@pytest.mark.parametrize("upn", NEW_AUTHORITY_UPNS.values(), ids=NEW_AUTHORITY_UPNS.keys())
def test_upns_of_every_current_authority_are_valid(upn: str) -> None:
    assert clean_upn(upn) == upn
    assert upn_warning(upn) is None


def test_a_temporary_upn_ending_in_a_letter_is_valid() -> None:
    assert clean_upn("z801 2000 1605t") == "Z80120001605T"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("A941200024004", "wrong check letter: it should start with T"),
        ("T80120001605Z", "wrong check letter"),
        ("T94120002400", "should be 13 characters, not 12"),
        ("T9412000240O4", "not in the right form"),
        ("T94120002400I", "not in the right form"),  # I, O and S are never used
        ("", "UPN is missing"),
    ],
)
def test_a_wrong_check_letter_or_form_is_still_refused(text: str, message: str) -> None:
    with pytest.raises(UpnError, match=message):
        clean_upn(text)


def test_an_unknown_authority_number_is_only_a_warning() -> None:
    assert clean_upn("B999200024001") == "B999200024001"
    warning = upn_warning("B999200024001")
    assert warning is not None
    assert "999" in warning


def test_the_pupil_record_refuses_an_invalid_upn_whoever_stores_it(session: Session) -> None:
    with pytest.raises(UpnError, match="should start with T"):
        Pupil(upn="A941200024004", surname="Wrong", forename="Letter")
    pupil = Pupil(upn="T941200024004", surname="Right", forename="Letter")
    with pytest.raises(UpnError):
        pupil.upn = "T94120002400"
    session.add(pupil)
    session.add(Pupil(upn=" z80120001605t", surname="Temp", forename="Orary"))
    session.commit()
    assert set(session.scalars(select(Pupil.upn))) == {"T941200024004", "Z80120001605T"}
