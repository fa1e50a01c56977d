"""The PDF loader on the shared sample reports, and on files it must refuse."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from ingest.errors import IngestError
from ingest.loaders.pdf import load_pdf

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
REPORTS = {"ashbourne-vale": "Ashbourne Vale County Council", "eastholm": "Eastholm City Council"}

pytestmark = pytest.mark.skipif(not (CORPUS / "reports").is_dir(), reason="shared corpus not available")

QUALITY_STATEMENTS = [
    "Assessing needs",
    "Supporting people to lead healthier lives",
    "Equity in experience and outcomes",
    "Care provision, integration and continuity",
    "Partnerships and communities",
    "Safe pathways, systems and transitions",
    "Safeguarding",
    "Governance, management and sustainability",
    "Learning, improvement and innovation",
]


def _collapse(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def docs():
    # Loading takes a second or two per report: do it once for the whole module.
    return {slug: load_pdf(CORPUS / "reports" / f"{slug}.pdf") for slug in REPORTS}


@pytest.mark.parametrize("slug", REPORTS)
def test_document_fields(docs, slug):
    doc = docs[slug]
    path = str(CORPUS / "reports" / f"{slug}.pdf")
    assert doc.source == path and doc.files == [path] and doc.format == "pdf"
    assert all(re.fullmatch(r"page \d+", block.location) for block in doc.blocks)


@pytest.mark.parametrize("slug", REPORTS)
def test_running_header_and_page_footer_are_dropped(docs, slug):
    header = f"{REPORTS[slug]}: local authority assessment"
    blocks = docs[slug].blocks
    assert not [b.text for b in blocks if re.search(r"Page \d+ of \d+", b.text)]
    assert [b for b in blocks if header in b.text] == [blocks[0]]  # only the title itself


@pytest.mark.parametrize("slug", REPORTS)
def test_title_is_one_level_one_heading_joined_from_two_lines(docs, slug):
    headings = [b for b in docs[slug].blocks if b.kind == "heading" and b.level == 1]
    assert [h.text for h in headings] == [f"{REPORTS[slug]}: local authority assessment"]
    assert headings[0].location == "page 1"


@pytest.mark.parametrize("slug", REPORTS)
def test_heading_levels(docs, slug):
    headings = {(b.level, b.text) for b in docs[slug].blocks if b.kind == "heading"}
    assert {(3, name) for name in QUALITY_STATEMENTS} <= headings
    assert (2, "Overall summary") in headings
    assert (2, "Theme 3: How the local authority ensures safety within the system") in headings  # wraps
    assert (4, "Key findings for this quality statement") in headings
    assert (5, "Assessment and care planning for unpaid carers, child's carers and child carers") in headings


def test_paragraph_split_over_a_page_break_is_one_block(docs):
    joined = "a real source of reassurance. Other carers told us"
    blocks = [b for b in docs["ashbourne-vale"].blocks if joined in b.text]
    assert len(blocks) == 1
    assert blocks[0].kind == "paragraph" and blocks[0].location == "page 1"
    assert blocks[0].text.startswith("Unpaid carers gave mixed feedback.")
    assert blocks[0].text.endswith("arrange support at short notice.")


@pytest.mark.parametrize("slug", REPORTS)
def test_short_last_line_on_a_page_is_not_joined_to_the_next_page(docs, slug):
    # "Score: 2" ends page 15; the band line at the top of page 16 is its own paragraph.
    texts = [b.text for b in docs[slug].blocks]
    assert not [t for t in texts if re.search(r"Score: \d \d - Evidence", t)]


def test_table_rows_carry_their_column_headers(docs):
    tables = [b for b in docs["ashbourne-vale"].blocks if b.kind == "table"]
    assert len(tables) == 1 and tables[0].location == "page 5"
    rows = tables[0].text.split("\n")
    assert rows[0] == (
        "Locality team: Kelderby and North; People waiting at 31 May 2024: 138; "
        "Average wait (days): 22; Longest wait (days): 96"
    )
    assert len(rows) == 3
    assert "Locality team: Wythenford and Moors; People waiting at 31 May 2024: 171" in tables[0].text
    # The table's words do not leak into the text around it.
    others = [b.text for b in docs["ashbourne-vale"].blocks if b.kind != "table"]
    assert not [text for text in others if "Kelderby and North 138" in text or "Locality team" in text]


def test_table_in_eastholm(docs):
    (table,) = [b for b in docs["eastholm"].blocks if b.kind == "table"]
    assert "Team: Occupational Therapy Service; People waiting at 28 February 2025: 285" in table.text


def test_bullets_become_separate_list_items(docs):
    items = [b for b in docs["ashbourne-vale"].blocks if b.kind == "list_item" and b.location == "page 2"]
    assert [b.text for b in items] == [
        "a strengths-based approach to assessment that was well embedded in all three locality teams;",
        "reablement and intermediate care services that helped many older people to remain in their own "
        "homes;",
        "well-established relationships with the NHS, the three district councils, parish councils and the "
        "voluntary and community sector;",
        "a Safeguarding Adults Board with strong multi-agency engagement and a clear focus on rural risks "
        "such as scams and self-neglect.",
    ]


@pytest.mark.parametrize("slug", REPORTS)
def test_each_score_line_is_its_own_list_item(docs, slug):
    scores = [b.text for b in docs[slug].blocks if b.kind == "list_item" and " — Score: " in b.text]
    assert len(scores) == 9
    assert all(re.fullmatch(r"[^—]+ — Score: \d", s) for s in scores)


@pytest.mark.parametrize("slug", REPORTS)
def test_every_gold_quote_is_inside_one_block(docs, slug):
    texts = [_collapse(b.text) for b in docs[slug].blocks]
    quotes = [
        _collapse(evidence["quote"])
        for line in (CORPUS / "qa" / f"{slug}.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
        for evidence in json.loads(line)["evidence"]
    ]
    assert quotes
    missing = [q for q in quotes if not any(q in t for t in texts)]
    assert missing == []


@pytest.mark.parametrize("slug", REPORTS)
def test_ligatures_are_spelled_out(docs, slug):
    assert not [b.text for b in docs[slug].blocks if re.search("[\ufb00-\ufb06]", b.text)]


# --- files that cannot be read ---------------------------------------------------------------


def _assert_refused(path: Path, problem: str) -> None:
    with pytest.raises(IngestError) as caught:
        load_pdf(path)
    assert caught.value.path == str(path)
    assert str(path) in str(caught.value)
    assert problem in caught.value.problem


def test_random_bytes_are_not_a_pdf(tmp_path):
    path = tmp_path / "noise.pdf"
    path.write_bytes(os.urandom(4096).replace(b"%PDF-", b"xxxxx"))
    _assert_refused(path, "not a PDF")


def test_zero_byte_file(tmp_path):
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    _assert_refused(path, "empty")


@pytest.mark.parametrize("slug", REPORTS)
def test_truncated_pdf(tmp_path, slug):
    data = (CORPUS / "reports" / f"{slug}.pdf").read_bytes()
    path = tmp_path / f"{slug}-truncated.pdf"
    path.write_bytes(data[: len(data) // 2])
    _assert_refused(path, "truncated")


def test_missing_file(tmp_path):
    _assert_refused(tmp_path / "absent.pdf", "cannot be opened")


def _fpdf():
    return pytest.importorskip("fpdf").FPDF


def test_password_protected_pdf(tmp_path):
    pdf = _fpdf()()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="secret")
    pdf.set_encryption(owner_password="owner", user_password="user")
    path = tmp_path / "locked.pdf"
    pdf.output(str(path))
    _assert_refused(path, "password-protected")


def test_pdf_without_a_text_layer(tmp_path):
    pdf = _fpdf()()
    pdf.add_page()
    pdf.rect(20, 20, 100, 60, style="F")  # a picture of a page, as a scanner would make
    path = tmp_path / "scan.pdf"
    pdf.output(str(path))
    _assert_refused(path, "no text layer (scanned PDF?); OCR is not supported")


def test_table_continued_over_a_page_break_is_one_block(tmp_path):
    pdf = _fpdf()()
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    for _ in range(3):
        pdf.multi_cell(0, 6, text="Some words to fill the page. " * 25)
        pdf.ln(4)
    with pdf.table(repeat_headings=1) as table:  # the header is drawn again on page 2
        header = table.row()
        header.cell("Team")
        header.cell("Waiting")
        for i in range(40):
            row = table.row()
            row.cell(f"Team {i}")
            row.cell(str(i * 10))
    path = tmp_path / "long-table.pdf"
    pdf.output(str(path))
    (block,) = [b for b in load_pdf(path).blocks if b.kind == "table"]
    rows = block.text.split("\n")
    assert len(rows) == 40 and rows[0] == "Team: Team 0; Waiting: 0" and rows[-1] == "Team: Team 39; Waiting: 390"
    assert block.location == "page 1"
