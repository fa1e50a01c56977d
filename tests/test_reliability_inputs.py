"""Bad inputs: each is named with its problem, and every other file in the same run still ingests."""

from __future__ import annotations

import io
import os
import shutil

import pytest
from fpdf import FPDF

from ingest.__main__ import main as ingest_main
from ingest.errors import IngestError
from library.ingesting import ingest_paths
from ingest.uploads import safe_upload_name, safe_upload_path, save_upload
from tests.conftest import DEMO
from config import Settings
from vectorstore.store import LibraryStore


def _pdf_with_text(text: str) -> FPDF:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.multi_cell(0, 6, text)
    return pdf


def _scanned_pdf(path) -> None:
    """A page that is only a picture of text, as a scanner makes it."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (800, 300), "white")
    ImageDraw.Draw(image).text((20, 20), "Fenmarsh County Council: local authority assessment", fill="black")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    pdf = FPDF()
    pdf.add_page()
    pdf.image(buffer, x=10, y=10, w=190)
    pdf.output(str(path))


pytestmark = pytest.mark.usefixtures("fake_embedder_module")  # the model is incidental here: no test needs it


@pytest.fixture(scope="module")
def bad_run(tmp_path_factory, fake_embedder_module):
    """One run over good reports with every kind of bad input between them."""
    folder = tmp_path_factory.mktemp("inputs")
    good_pdf = (DEMO / "oakhurst.pdf").read_bytes()
    files = {
        "a-fenmarsh.md": (DEMO / "fenmarsh.md").read_bytes(),  # good, read before the bad ones
        "empty.txt": b"",
        "blank.md": b" \n\n\t\n",
        "zero-bytes.pdf": b"",
        "truncated.pdf": good_pdf[: len(good_pdf) // 2],
        "random-bytes.pdf": os.urandom(8192).replace(b"%PDF-", b"xxxxx"),
        "navigation-only.html": b"<html><head><title>CQC</title></head><body><nav><a href='/'>Home</a>"
                                b"<a href='/reports'>Reports</a></nav><footer>Contact us</footer></body></html>",
        "not-a-report.html": b"<html><head><title>Council news</title></head><body><main><h1>Council news</h1>"
                             b"<p>The library on the high street opens late on Thursdays from June.</p>"
                             b"<p>Bin collections move to Tuesday next week.</p></main></body></html>",
        "binary.txt": bytes(range(256)) * 40,
        "too-big.txt": b"Fenmarsh County Council: local authority assessment\n\n" + b"word " * 120_000,
        "notes.docx": b"PK\x03\x04 a word document",
        "z-larkbridge.html": (DEMO / "larkbridge.html").read_bytes(),  # good, read after them
        "z-oakhurst.pdf": good_pdf,  # good PDF after the bad PDFs
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    pdf = _pdf_with_text("Ashdown Borough Council: local authority assessment\n\nPublished: 1 May 2024")
    pdf.set_encryption(owner_password="owner-secret", user_password="user-secret")
    pdf.output(str(folder / "encrypted.pdf"))
    _scanned_pdf(folder / "scanned.pdf")
    # A real report saved in Windows-1252 rather than UTF-8: read, with a warning.
    cp1252 = (DEMO / "fenmarsh.md").read_text(encoding="utf-8").replace("Fenmarsh", "Wexley")
    (folder / "wexley-windows-1252.md").write_bytes(cp1252.encode("cp1252"))

    store = LibraryStore(Settings(store_dir=folder / "store", max_file_mb=0.5))
    # Every input named; not the store's own database beside its folder (store.sqlite3 and its side files).
    named = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("store."))
    summary = ingest_paths([*named, folder / "does-not-exist.pdf"], store)
    yield folder, store, summary
    store.close()


EXPECTED_FAILURES = {
    "empty.txt": "the file is empty",
    "blank.md": "the file is empty",
    "zero-bytes.pdf": "the file is empty (0 bytes)",
    "truncated.pdf": "truncated",
    "random-bytes.pdf": "not a PDF file",
    "encrypted.pdf": "encrypted or password-protected",
    "scanned.pdf": "OCR is not supported",
    "navigation-only.html": "no report text found in the page",
    "not-a-report.html": "no CQC assessment report found",
    "binary.txt": "not UTF-8",
    "too-big.txt": "over the 0.5 MB limit",
    "notes.docx": "unsupported file type '.docx'",
    "does-not-exist.pdf": "no such file or folder",
}


@pytest.mark.parametrize("name", sorted(EXPECTED_FAILURES))
def test_each_bad_input_is_named_with_its_problem(bad_run, name):
    _, _, summary = bad_run
    messages = [str(e) for e in summary.failed if e.path.endswith(name)]
    assert len(messages) == 1, (name, summary.lines())
    assert EXPECTED_FAILURES[name] in messages[0], messages[0]
    # The printed summary names the file and the problem on one line.
    assert any(name in line and EXPECTED_FAILURES[name] in line for line in summary.lines() if "FAILED" in line)


def test_every_good_file_in_the_same_run_still_ingests(bad_run):
    _, store, summary = bad_run
    authorities = {r.authority for r in store.reports()}
    assert authorities == {"Fenmarsh County Council", "Larkbridge Borough Council", "Oakhurst City Council",
                           "Wexley County Council"}
    assert len(summary.failed) == len(EXPECTED_FAILURES)
    assert store.vector_count() == len(store.catalog.all_chunk_ids()) == summary.chunks


def test_non_utf8_text_is_read_with_a_warning_naming_the_file(bad_run):
    _, store, summary = bad_run
    assert any("wexley-windows-1252.md" in w and "not UTF-8" in w for w in summary.warnings), summary.warnings
    wexley = next(r for r in store.reports() if r.authority == "Wexley County Council")
    text = " ".join(c.text for c in store.catalog.report_chunks(wexley.report_id))
    assert "£620,000" in text and "Assessing needs — Score: 2" in text  # decoded, not mangled


def test_a_parser_failure_on_one_file_does_not_stop_the_others(tmp_path, monkeypatch):
    import ingest.reading as reading

    real = reading.parse_report

    def fragile(doc, **kwargs):
        if doc.source.endswith("larkbridge.html"):
            raise RuntimeError("parser bug")
        return real(doc, **kwargs)

    monkeypatch.setattr(reading, "parse_report", fragile)
    store = LibraryStore(Settings(store_dir=tmp_path / "store"))
    summary = ingest_paths([DEMO / "larkbridge.html", DEMO / "fenmarsh.md"], store)
    assert [r.authority for r in summary.reports] == ["Fenmarsh County Council"]
    (failure,) = summary.failed
    assert failure.path.endswith("larkbridge.html") and "RuntimeError: parser bug" in failure.problem


def test_cli_exit_code_and_lines_name_each_bad_file(tmp_path, capsys):
    (tmp_path / "zero.pdf").write_bytes(b"")
    shutil.copy(DEMO / "fenmarsh.md", tmp_path / "fenmarsh.md")
    code = ingest_main(["--store", str(tmp_path / "store"), str(tmp_path / "zero.pdf"), str(tmp_path / "fenmarsh.md"),
                        str(tmp_path / "gone.html")])
    out = capsys.readouterr().out
    assert code == 1
    assert "Ingested 1 report(s)" in out
    assert any("FAILED" in line and "zero.pdf" in line and "empty" in line for line in out.splitlines())
    assert any("FAILED" in line and "gone.html" in line and "no such file" in line for line in out.splitlines())


# -- uploads: a browser's file name never decides where a file is written ------------------------
HOSTILE_NAMES = [
    "../../outside.pdf",
    "..\\..\\outside.pdf",
    "/etc/outside.pdf",
    "C:\\Windows\\outside.pdf",
    "..",
    ".",
    "",
    ".hidden.pdf",
    "sub/../../outside.pdf",
    "nul\x00byte.pdf",
    "x" * 600 + ".pdf",
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_upload_names_cannot_write_outside_the_uploads_folder(tmp_path, name):
    uploads = tmp_path / "library" / "uploads"
    written = save_upload(uploads, name, b"data")
    assert written.parent == uploads.resolve()
    assert written.read_bytes() == b"data"
    assert not written.name.startswith(".") and len(written.name) <= 150
    outside = [p for p in tmp_path.rglob("*") if p.is_file() and p.parent != uploads.resolve()]
    assert outside == []


def test_upload_keeps_an_ordinary_name_and_refuses_a_planted_symlink(tmp_path):
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    assert safe_upload_path(uploads, "Fenmarsh report (2024).pdf") == uploads.resolve() / "Fenmarsh report (2024).pdf"
    assert safe_upload_name("../../Kingsmere.HTML") == "Kingsmere.HTML"
    target = tmp_path / "secret.txt"
    target.write_text("keep")
    (uploads / "report.pdf").symlink_to(target)
    with pytest.raises(IngestError, match="outside"):
        save_upload(uploads, "report.pdf", b"overwrite")
    assert target.read_text() == "keep"
