"""The exemplar provision map, written by hand, and a school whose pupils it names.

The map is the "Provision map for an anonymous primary school" in the Ealing guidelines
for provision mapping (the seed exemplar): provisions down the side, Reception to
Year 6 across, pupils' first names typed into the cells. It is tidied only as a SENCO
would tidy it to keep using it: one provision per row, a frequency and a staff column
added. It keeps what makes such maps hard to read: two title rows and section headings
merged across the sheet, names split by commas, semicolons and line breaks, stray
spaces ("Ali "), group labels before the names ("Springboard 4: ..."), full names and
initials ("William Paris", "Mohammed R.", "Mohammed P."), one misspelt name ("Wiliam",
as the exemplar itself spells it in Year 4) and one name shared by two pupils (Year 5
has two Mohammeds, and the Wave 3 maths cell says only "Mohammed").

The school (ROSTER) is the children the exemplar names, with surnames made up, plus two
pupils per year group who are on no provision: 109 pupils in all.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from provmap_desktop.rules.upn import make_upn

from . import rows
from .costed import make_role, make_staff, make_year

YEARS = ["Reception", "Year 1", "Year 2", "Year 3", "Year 4", "Year 5", "Year 6"]

ROSTER: dict[str, list[str]] = {
    "Reception": ["Kalam Hussain", "Nic Novak", "Jamila Osei", "Jenny Walsh", "Cameron Hill",
                  "Oscar Reed", "Freya Lamb"],
    "Year 1": ["Hannah Cole", "Paul Baker", "John Evans", "Sunita Sharma", "Mansoor Ali",
               "Ijaz Khan", "Rafiq Uddin", "Attia Malik", "Anthony Grant", "Noah Price",
               "Isla Ward"],
    "Year 2": ["Parvais Iqbal", "Ali Demir", "Jahangir Miah", "Sedef Yilmaz", "Stephen Moore",
               "Adam Fox", "Peter Long", "Rebecca Stone", "Leo Hart", "Ava Bell"],
    "Year 3": ["Billy Shaw", "Peter Quinn", "Sarah Dunn", "Yusuf Aydin", "Ibrahim Sesay",
               "Usha Patel", "Jamila Begum", "Gareth Jones", "Brooke Allen", "David Cross",
               "Sasha Ivanova", "Theo Marsh", "Mia Lowe"],
    "Year 4": ["Jamia Ahmed", "Jordan Blake", "Mary O'Brien", "Kalam Rahman", "Ben Carter",
               "William Paris", "Burnett Hayes", "Liam Kelly", "Travis Young", "Sara Nowak",
               "Mohammed Akhtar", "Aiden Frost", "Charlie Webb", "Gareth Lloyd", "Jade Harris",
               "Kimberley Doyle", "Patrick Byrne", "Maria Silva", "Aston Clarke",
               "Shelby Turner", "Leroy Campbell", "Luke Foster", "Zara Knight", "Finn Porter"],
    "Year 5": ["Sam Booth", "Daniel Green", "Aston Wright", "Sian Morgan", "Brooke Ellis",
               "Emma Watts", "Hannah Reid", "Victoria Page", "Neil Barton", "Oliver Dean",
               "Ruth Abbott", "Mohammed Rahman", "Mohammed Patel", "Mansoor Hussain",
               "Ijaz Qureshi", "Nadia Haddad", "Adam Rhodes", "Ali Yildiz", "Chris Parker",
               "Terry Mills", "Katie Bond", "Leroy Francis", "Luke Chambers", "Lucy Grey",
               "Ruby Nash", "Jack Hale"],
    "Year 6": ["James Archer", "Ahmed Farah", "Elizabeth Moss", "Ian Pearce", "Antony Ross",
               "Sunita Mistry", "Sarah Kemp", "Beth Holland", "Mansoor Chaudhry",
               "Alfie Brooks", "Alice Wood", "Ali Celik", "Shantila Devi", "Jahangir Alam",
               "Ben Fletcher", "Neil Gordon", "Poppy Day", "Harry Cope"],
}  # fmt: skip

TITLE = "Provision map for an anonymous primary school"
SUBTITLE = "Provision additional to Wave 1 inclusive quality first teaching for all children"
HEADER = ["Provision", "Frequency", "Staff", "Reception", "Year 1", "Year 2 ", "Year 3",
          "Year 4", "Year 5", "Year 6"]  # fmt: skip

# Each row: provision, frequency, staff, then the cells Reception .. Year 6.
# A row holding only a provision-column text is a section heading.
ROWS: list[list[str]] = [
    ["Wave 2 literacy intervention"],
    ["Early Literacy Support (ELS)", "3 x 20 min", "TA",
     "", "Hannah, Paul, John, Sunita", "", "", "", "", ""],
    ["Further Literacy Support", "3x weekly 20 mins", "",
     "", "", "", "", "", "Sam, Daniel,\nAston, Sian", ""],
    ["Booster literacy", "daily 20 min", "",
     "", "", "", "", "", "", "James; Ahmed; Elizabeth; Ian; Antony"],
    ["Wave 2 mathematics intervention"],
    ["Springboard mathematics", "3 x 30 min", "Mrs Ahmed",
     "", "", "", "", "Springboard 4: Jamia, Jordan, Mary, Kalam, Ben",
     "Springboard 5:\nBrooke, Daniel, Emma, Hannah, Victoria",
     "Springboard 6 Booster: Sunita, Sarah, Beth, Mansoor, Alfie"],
    ["Wave 3 mathematics intervention"],
    ["Primary Strategy Wave 3 materials", "3 x 15 min", "",
     "", "", "", "Billy, Peter, Sarah", "William, Burnett, Liam, Travis, Sara",
     "Neil, Oliver, Ruth, Mohammed", "Alice"],
    ["Wave 2 language intervention"],
    ["Talking partners", "3 x 15 min", "",
     "", "Hannah, Paul, John, Mansoor, Ijaz", "", "", "", "", ""],
    ["First language support (EAL)", "2 x 30 min", "",
     "Kalam, Nic", "Rafiq, Attia", "Parvais, Ali, Jahangir, Sedef", "", "", "", ""],
    ["Language enrichment group (EAL)", "2 x 30 min", "",
     "", "", "", "Yusuf, Ibrahim, Usha, Jamila", "Sara, Jamia, Mohammed",
     "Mansoor, Ijaz, Mohammed R., Nadia", "Ali, Shantila, Jahangir"],
    ["Wave 3 sensory and physical intervention"],
    ["Coordination programme", "weekly 45 min", "",
     "", "", "", "", "William, Burnett, Aiden, Charlie, Gareth, Jade, Kimberley", "", ""],
    ["Wave 3 SEMH intervention"],
    ["One-to-one counselling", "weekly 1 hour", "",
     "", "", "", "", "Patrick, Maria", "Adam", "Ben, Alice"],
    ["In-class SEMH support", "daily 30 min", "TA",
     "Kalam, Jamila, Jenny", "John, Rafiq, Attia", "Stephen, Adam, Parvais, Ali , Jahangir, Sedef",
     "Gareth, Brooke", "William, Burnett, Patrick, Travis, Sara", "Neil, Mohammed P.", "Ben"],
    ["Friendship skills group", "weekly 30 min", "",
     "", "", "Peter, Stephen, Rebecca, Adam", "", "", "", ""],
    ["Anger management group", "weekly 45 min", "",
     "", "", "", "", "", "Ali, Chris, Terry, Katie", ""],
    ["One-to-one mentoring", "weekly 30 min", "",
     "", "", "", "", "Travis, William Paris, Aston", "Daniel, Leroy, Luke", ""],
    ["Lunchtime social skills club", "2 x 30 min", "",
     "", "", "", "", "Wiliam, Burnett, Shelby, Jordan, Leroy, Aston",
     "Adam, Chris, Katie, Terry, Sian, Luke", ""],
    ["One-to-one speech and language programme", "3 x 15 min", "",
     "Cameron", "Anthony", "", "Sasha", "", "", ""],
    ["One-to-one ASD social skills", "daily 15 min", "",
     "", "", "", "David", "Luke", "Lucy", "Neil"],
]  # fmt: skip

# What the import must allocate, worked out by hand from the rows above: provision ->
# year group -> (group name or "" for the default name, first names as the map gives
# them). "Mohammed R." and "Mohammed P." are Mohammed Rahman and Mohammed Patel of
# Year 5 ("Forename S."); "William Paris" is the full name; every other name is a
# forename that only one pupil of its year group has. Left out: "Mohammed" in the
# Year 5 Wave 3 cell (two Mohammeds) and "Wiliam" in Year 4 (no such pupil).
EXPECTED: dict[str, dict[str, tuple[str, list[str]]]] = {
    "Early literacy support – ELS": {"Year 1": ("", ["Hannah", "Paul", "John", "Sunita"])},
    "Further Literacy Support": {"Year 5": ("", ["Sam", "Daniel", "Aston", "Sian"])},
    "Booster literacy": {"Year 6": ("", ["James", "Ahmed", "Elizabeth", "Ian", "Antony"])},
    "Springboard mathematics": {
        "Year 4": ("Springboard 4", ["Jamia", "Jordan", "Mary", "Kalam", "Ben"]),
        "Year 5": ("Springboard 5", ["Brooke", "Daniel", "Emma", "Hannah", "Victoria"]),
        "Year 6": ("Springboard 6 Booster", ["Sunita", "Sarah", "Beth", "Mansoor", "Alfie"]),
    },
    "Primary Strategy Wave 3 materials": {
        "Year 3": ("", ["Billy", "Peter", "Sarah"]),
        "Year 4": ("", ["William", "Burnett", "Liam", "Travis", "Sara"]),
        "Year 5": ("", ["Neil", "Oliver", "Ruth"]),
        "Year 6": ("", ["Alice"]),
    },
    "Talking Partners": {"Year 1": ("", ["Hannah", "Paul", "John", "Mansoor", "Ijaz"])},
    "First language support (EAL)": {
        "Reception": ("", ["Kalam", "Nic"]),
        "Year 1": ("", ["Rafiq", "Attia"]),
        "Year 2": ("", ["Parvais", "Ali", "Jahangir", "Sedef"]),
    },
    "Language enrichment group (EAL)": {
        "Year 3": ("", ["Yusuf", "Ibrahim", "Usha", "Jamila"]),
        "Year 4": ("", ["Sara", "Jamia", "Mohammed"]),
        "Year 5": ("", ["Mansoor", "Ijaz", "Mohammed Rahman", "Nadia"]),
        "Year 6": ("", ["Ali", "Shantila", "Jahangir"]),
    },
    "Coordination programme": {
        "Year 4": ("", ["William", "Burnett", "Aiden", "Charlie", "Gareth", "Jade", "Kimberley"])
    },
    "One-to-one counselling": {
        "Year 4": ("", ["Patrick", "Maria"]),
        "Year 5": ("", ["Adam"]),
        "Year 6": ("", ["Ben", "Alice"]),
    },
    "In-class SEMH support": {
        "Reception": ("", ["Kalam", "Jamila", "Jenny"]),
        "Year 1": ("", ["John", "Rafiq", "Attia"]),
        "Year 2": ("", ["Stephen", "Adam", "Parvais", "Ali", "Jahangir", "Sedef"]),
        "Year 3": ("", ["Gareth", "Brooke"]),
        "Year 4": ("", ["William", "Burnett", "Patrick", "Travis", "Sara"]),
        "Year 5": ("", ["Neil", "Mohammed Patel"]),
        "Year 6": ("", ["Ben"]),
    },
    "Friendship skills group": {"Year 2": ("", ["Peter", "Stephen", "Rebecca", "Adam"])},
    "Anger management group": {"Year 5": ("", ["Ali", "Chris", "Terry", "Katie"])},
    "One-to-one mentoring": {
        "Year 4": ("", ["Travis", "William", "Aston"]),
        "Year 5": ("", ["Daniel", "Leroy", "Luke"]),
    },
    "Lunchtime social skills club": {
        "Year 4": ("", ["Burnett", "Shelby", "Jordan", "Leroy", "Aston"]),
        "Year 5": ("", ["Adam", "Chris", "Katie", "Terry", "Sian", "Luke"]),
    },
    "One-to-one speech and language programme": {
        "Reception": ("", ["Cameron"]),
        "Year 1": ("", ["Anthony"]),
        "Year 3": ("", ["Sasha"]),
    },
    "One-to-one ASD social skills": {
        "Year 3": ("", ["David"]),
        "Year 4": ("", ["Luke"]),
        "Year 5": ("", ["Lucy"]),
        "Year 6": ("", ["Neil"]),
    },
}
#: 4+4+5+15+12+5+8+14+7+5+22+4+4+6+11+3+4, counted by hand from EXPECTED.
EXPECTED_ALLOCATIONS = 133
#: The two catalogue entries the school already has; the map's names differ in case
#: and punctuation only.
CATALOGUE = ["Early literacy support – ELS", "Talking Partners"]


def full_name(year: str, name: str) -> str:
    """A first name (or a full name) of the map as the roster's full name."""
    if " " in name:
        return name
    (found,) = [n for n in ROSTER[year] if n.split()[0] == name]
    return found


def make_exemplar_school(session: Session) -> None:
    """2026/27 with its terms, Reception to Year 6, the roster, a TA and two provisions."""
    make_year(session)
    years = {name: rows.add_year_group(session, name, order) for order, name in enumerate(YEARS)}
    make_staff(session, make_role(session), "Mrs Ahmed")
    serial = 0
    for year, names in ROSTER.items():
        for name in names:
            serial += 1
            forename, surname = name.split(" ", 1)
            rows.add_pupil(
                session,
                forename,
                surname,
                years[year],
                upn=make_upn("801", "2000", 20, serial),
                sen="N",
            )
    for name in CATALOGUE:
        rows.add_provision(session, name, area="CL", wave=2, group_size=6)
    session.commit()


def write_xlsx(path: Path) -> Path:
    """The map as a workbook: titles and section headings merged across columns A-J."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment

    book = Workbook()
    sheet = book.active
    sheet.title = "Provision map 2026-27"
    sheet["A1"] = TITLE
    sheet.merge_cells("A1:J1")
    sheet["A2"] = SUBTITLE
    sheet.merge_cells("A2:J2")
    sheet.append([])
    sheet.append(HEADER)
    for values in ROWS:
        sheet.append(values)
        row = sheet.max_row
        if len(values) == 1:
            sheet.merge_cells(f"A{row}:J{row}")
        for cell in sheet[row]:
            cell.alignment = Alignment(wrap_text=True)
    book.save(path)
    return path


def write_docx(path: Path) -> Path:
    """The same map as a Word table under a title, section headings merged across."""
    import docx

    document = docx.Document()
    document.add_heading(TITLE, level=1)
    document.add_paragraph(SUBTITLE)
    table = document.add_table(rows=1 + len(ROWS), cols=len(HEADER))
    for c, text in enumerate(HEADER):
        table.cell(0, c).text = text
    for r, values in enumerate(ROWS, start=1):
        if len(values) == 1:
            merged = table.cell(r, 0).merge(table.cell(r, len(HEADER) - 1))
            merged.text = values[0]
            continue
        for c, text in enumerate(values):
            table.cell(r, c).text = text  # "\n" becomes a line break in the cell
    document.save(str(path))
    return path


def exemplar_school(session: Session) -> None:
    """``make_exemplar_school``'s school, copied from its template into the session's
    empty database."""
    from .templates import load_into

    load_into(session, "exemplar")
