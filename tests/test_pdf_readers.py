"""The two PDF readers give the same blocks: glyphs read with pdfium (the default: two to three
times less CPU) and every page read with pdfplumber, on every PDF in the shared corpus and the demo
reports. pdfium must also have read most pages, or the comparison proves nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
import pypdfium2 as pdfium

from ingest.loaders.pdf import load_pdf
from ingest.loaders.pdfium_page import read_lines
from tests.conftest import CORPUS, DEMO

PDFS = sorted(CORPUS.rglob("*.pdf")) + sorted(DEMO.rglob("*.pdf"))


def test_there_are_pdfs_to_compare():
    assert any(p.is_relative_to(DEMO) for p in PDFS)
    if not CORPUS.exists():
        pytest.skip("../shared/corpus is not beside the project")
    assert sum(p.is_relative_to(CORPUS) for p in PDFS) >= 2


@pytest.mark.parametrize("path", PDFS, ids=lambda p: p.name)
def test_pdfium_and_pdfplumber_give_the_same_blocks(path: Path):
    fast = load_pdf(path, reader="pdfium")
    plumber = load_pdf(path, reader="pdfplumber")
    assert fast.blocks == plumber.blocks
    assert len(fast.blocks) > 50
    document = pdfium.PdfDocument(str(path))
    try:
        by_pdfium = sum(read_lines(document[i], i + 1) is not None for i in range(len(document)))
        assert by_pdfium >= 0.8 * len(document), f"pdfium read {by_pdfium} of {len(document)} pages"
    finally:
        document.close()
