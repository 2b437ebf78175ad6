"""``provmap report map`` writes the whole-school map; mistakes end in one line."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader

from provmap_desktop.cli import main

from .schools.templates import copy_school


def _demo(path: Path) -> None:
    """The demo school as of 23/11/2026, copied from its template."""
    copy_school("demo", path)


def test_report_map_writes_every_page_with_the_school_and_page_numbers(tmp_path, capsys):
    db = tmp_path / "demo.provmap"
    _demo(db)
    out = tmp_path / "map.pdf"
    code = main(
        ["--db", str(db), "report", "map", "--out", str(out), "--year", "2026/27",
         "--term", "Autumn", "--paper", "A3"]
    )  # fmt: skip
    assert code == 0
    assert f"Written to {out}" in capsys.readouterr().out
    pages = PdfReader(out).pages
    assert len(pages) >= 1
    for number, page in enumerate(pages, start=1):
        text = page.extract_text()
        assert "Oakfield Primary School" in text
        assert "Autumn term 2026/27" in text
        assert f"Page {number} of {len(pages)}" in text
    everything = "\n".join(p.extract_text() for p in pages)
    assert "Precision Teaching" in everything
    assert "Lego-based therapy" in everything


def test_report_map_refuses_an_unknown_term(tmp_path, capsys):
    db = tmp_path / "demo.provmap"
    _demo(db)
    code = main(["--db", str(db), "report", "map", "--out", str(tmp_path / "m.pdf"),
                 "--term", "Winter"])  # fmt: skip
    assert code == 1
    err = capsys.readouterr().err
    assert err.startswith("provmap: ")
    assert "Traceback" not in err
    assert not (tmp_path / "m.pdf").exists()
