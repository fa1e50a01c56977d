"""Report structure recovered from every format: authority, date, rating, scores, paragraph places."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.loaders.html import load_html_pages
from ingest.loaders.text import load_text
from ingest.reading import read_reports
from ingest.structure import parse_report
from tests.conftest import DEMO, ROOT


def _load(path: Path):
    ((doc, _),) = read_reports([path])
    return doc


@pytest.mark.parametrize("name", ["ashbourne-vale.pdf", "eastholm.pdf", "kingsmere.html", "severn-marches"])
def test_shared_reports_give_the_published_facts(corpus, facts, name):
    report = parse_report(_load(corpus / "reports" / name))
    expected = facts[report.authority]
    assert report.published == expected["published"]
    assert report.rating == expected["rating"]
    assert report.overall_score == expected["overall_score"]
    assert report.scores == expected["scores"]


@pytest.mark.parametrize("name", ["larkbridge.html", "fenmarsh.md", "oakhurst.pdf"])
def test_demo_reports_give_their_facts(name):
    expected = json.loads((ROOT / "tests" / "data" / "demo_expected.json").read_text())[name]
    report = parse_report(_load(DEMO / name))
    assert (report.authority, report.published, report.rating, report.overall_score) == (
        expected["authority"], expected["published"], expected["rating"], expected["overall_score"],
    )
    assert report.scores == expected["scores"]


def test_seed_excerpt_names_no_authority_and_invents_nothing(corpus):
    report = parse_report(load_text(corpus / "seed" / "learning-improvement-innovation.txt"))
    assert report.authority == "" and report.published == "" and report.rating == ""
    assert report.overall_score is None
    assert report.scores == {"Learning, improvement and innovation": 2}
    headings = {f.heading for f in report.findings}
    assert {"Continuous learning, improvement and professional development", "Learning from feedback"} <= headings
    paragraphs = [f for f in report.findings if f.heading == "Learning from feedback"]
    assert [f.paragraph_no for f in paragraphs] == [1, 2, 3, 4]
    assert all(f.theme == "Leadership" for f in paragraphs)


def test_every_paragraph_has_its_place(corpus):
    report = parse_report(_load(corpus / "reports" / "kingsmere.html"))
    finding = next(f for f in report.findings if "238 unpaid carers were waiting" in f.text)
    assert finding.theme == "How the local authority works with people"
    assert finding.quality_statement == "Assessing needs"
    assert finding.heading == "Assessment and care planning for unpaid carers, child's carers and child carers"
    assert finding.paragraph_no >= 1


def test_saved_page_furniture_is_dropped(corpus):
    text = "\n".join(b.text for b in load_html_pages([corpus / "reports" / "kingsmere.html"]).blocks)
    for furniture in ("analytics cookies", "Skip to main content", "Find and compare services",
                      "Was this page helpful", "(PDF, 412KB)", "Open Government Licence"):
        assert furniture not in text


def test_split_report_pages_become_one_report(corpus):
    folder = corpus / "reports" / "severn-marches"
    doc = load_html_pages(sorted(folder.glob("*.html"), reverse=True))  # order given must not matter
    assert [Path(f).name for f in doc.files] == ["overall-summary.html"] + [f"theme-{n}.html" for n in range(1, 5)]
    assert len(doc.page_starts) == 5 and doc.blocks[0].location == "overall-summary.html"  # the summary page leads
    report = parse_report(doc)
    assert len(report.scores) == 9 and report.published == "2025-04-03"
    # Each finding keeps the page file it came from, for its citation.
    assert {Path(f.source).name for f in report.findings if f.quality_statement == "Safeguarding"} == {"theme-3.html"}


def test_score_line_variants_are_tolerated():
    from ingest.loaders.text import blocks_from_text
    from ingest.document import LoadedDocument

    text = (
        "Northfold Council: local authority assessment\n\nPublished: 2 May 2024\n\nOverall summary\n\n"
        "Local authority rating and score\n\nNorthfold Council: Good\n\nOverall rating for Northfold Council: 70%\n\n"
        "Theme 3: How the local authority ensures safety within the system\n\nSafeguarding\n\n"
        "Score 3\n\n3 – Evidence shows a good standard\n\nSafeguarding systems, processes and practices\n\n"
        "Concerns were triaged within one day.\n\nLearning, improvement and innovation\n\n"
        "Score: 2 - Evidence shows some shortfalls\n\nSupporting people to live healthier lives\n\n"
        "2 – Evidence shows some shortfalls\n"
    )
    report = parse_report(LoadedDocument("n.txt", "text", blocks_from_text(text, "n.txt", markdown=False)))
    assert report.authority == "Northfold Council" and report.published == "2024-05-02"
    assert report.rating == "Good" and report.overall_score == 70
    assert report.scores == {
        "Supporting people to lead healthier lives": 2,
        "Safeguarding": 3,
        "Learning, improvement and innovation": 2,
    }


def test_a_document_that_is_not_a_report_still_ingests_by_headings():
    from ingest.loaders.text import blocks_from_text
    from ingest.document import LoadedDocument

    md = "# Team notes\n\n## Visits\n\nWe visited three homes in June.\n\nAll three had new managers.\n"
    report = parse_report(LoadedDocument("notes.md", "markdown", blocks_from_text(md, "notes.md", markdown=True)))
    assert report.authority == "" and report.scores == {} and report.rating == ""
    assert [(f.section, f.paragraph_no) for f in report.findings] == [("Visits", 1), ("Visits", 2)]


def test_an_overall_score_line_without_a_full_stop_in_plain_text_is_not_a_heading(tmp_path):
    from ingest.loaders.text import load_text
    from ingest.structure import parse_report

    path = tmp_path / "testshire.txt"
    path.write_text(
        "Testshire Council: local authority assessment\n\nPublished: 2 May 2025\n\nOverall summary\n\n"
        "Local authority rating and score\n\nTestshire Council: Requires improvement\n\n"
        "Testshire Council scored 53 out of 100 overall, indicating some shortfalls\n\n"
        "Assessing needs\n\nScore: 2\n\nPeople waited a long time for assessments, and carers said so.\n",
        encoding="utf-8",
    )
    report = parse_report(load_text(path))
    assert report.rating == "Requires improvement" and report.overall_score == 53
    assert report.scores == {"Assessing needs": 2}
