"""A briefing on one report: the catalog's scores, the report's own summaries cited, nothing borrowed
from another report, and files a board paper can take."""

from __future__ import annotations

import re

import pytest

from assistant.models import Answer
from assistant.papers.briefing import NOT_COVERED, SECTIONS, brief, briefing_markdown, score_lines, write_briefing_docx
from cqc.framework import QUALITY_STATEMENTS


@pytest.fixture(scope="module")
def briefings(corpus_store, corpus_assistant):
    return [brief(corpus_assistant, r) for r in corpus_store.reports() if r.authority]


def test_every_report_is_briefed_from_its_own_findings_only(briefings, corpus_store):
    held = [r for r in corpus_store.reports() if r.authority]
    assert len(briefings) == len(held) >= 4
    for b in briefings:
        assert [s.title for s in b.sections] == [title for title, _ in SECTIONS]
        for section in b.sections:
            assert section.covered, f"{b.report.authority}: {section.title} answered nothing"
            for c in section.answer.citations:
                assert c.authority == b.report.authority
                assert c.chunk_id.startswith(b.report.report_id + ":"), (c.chunk_id, b.report.report_id)
                assert c.quote and c.quote.split("\n")[0] in c.text  # the quoted words are the finding's


def test_scores_are_the_catalogs_in_the_frameworks_order(briefings):
    for b in briefings:
        assert [s.statement for s in b.scores] == [qs.name for qs in QUALITY_STATEMENTS]
        assert {s.statement: s.score for s in b.scores if s.score is not None} == b.report.scores
        if b.report.overall_score is not None:
            assert f"{b.report.overall_score} out of 100" in b.headline()
        low = b.lowest()
        if low:
            assert all(s.score == min(b.report.scores.values()) for s in low)


def test_next_steps_give_a_list_of_what_must_happen_whole(briefings):
    """A list introduced as what the council must do ("needed to take urgent action to:") is given item
    by item, including items whose words name a problem ("reduce waiting lists ...")."""
    checked = 0
    for b in briefings:
        (next_steps,) = [s for s in b.sections if s.title == "Next steps"]
        for c in next_steps.answer.citations:
            lines = [line.strip() for line in c.text.splitlines() if line.strip()]
            for i, line in enumerate(lines):
                if re.search(r"\b(needed to|must|should)\b.*:$", line):
                    items = [re.sub(r"^[-•*]\s*", "", x) for x in lines[i + 1:]]
                    for item in items:
                        assert item in next_steps.answer.answer, (b.report.authority, item)
                        checked += 1
    assert checked >= 3  # the shared reports do hold such lists


class Abstains:
    def ask(self, question, history=None, scope=None, home=None):
        return Answer(question, "The reports in the library do not say.", abstained=True)


def test_a_section_the_report_does_not_cover_says_so(corpus_store):
    report = next(r for r in corpus_store.reports() if r.authority)
    b = brief(Abstains(), report)
    text = briefing_markdown(b)
    assert text.count(NOT_COVERED) == len(SECTIONS)
    assert "do not say" not in text  # the briefing's own words, not a chat answer's


def test_a_report_without_an_authority_is_refused_by_name(corpus_store):
    unnamed = [r for r in corpus_store.reports() if not r.authority]
    assert unnamed, "the seed excerpt names no authority"
    with pytest.raises(ValueError, match=re.escape(unnamed[0].source.rsplit("/", 1)[-1])):
        brief(Abstains(), unnamed[0])


def test_word_file_has_headline_scores_table_and_sources(briefings, tmp_path):
    from docx import Document

    b = briefings[0]
    doc = Document(str(write_briefing_docx(b, tmp_path / "b.docx")))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert b.headline() in text
    (table,) = doc.tables
    rows = [[c.text for c in row.cells] for row in table.rows]
    scored = {row[0]: row[1] for row in rows[1:] if row[0] in {qs.name for qs in QUALITY_STATEMENTS}}
    assert scored == {s.statement: (str(s.score) if s.score is not None else "-") for s in score_lines(b.report)}
    for section in b.sections:
        assert section.title in text
        for c in section.answer.citations:
            assert f"[{c.marker}] {c.authority}" in text


def test_cli_briefs_one_authority_and_names_an_unknown_one(corpus_store, tmp_path, capsys):
    from assistant.__main__ import main

    folder = str(corpus_store.settings.store.dir)
    report = next(r for r in corpus_store.reports() if r.authority)
    out = tmp_path / "b.docx"
    assert main(["brief", "--store", folder, report.authority.split()[0], "--export", str(out)]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith(f"# Briefing: {report.authority}") and out.read_bytes()[:2] == b"PK"
    assert main(["brief", "--store", folder, "Westshire"]) == 2
    assert "No report of 'Westshire' in the library" in capsys.readouterr().err


def _list_items(text: str, introduced_as: str) -> list[str]:
    """The items of each list in `text` whose introducing line (ending ':') matches `introduced_as`."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    items: list[str] = []
    for i, line in enumerate(lines):
        if line.endswith(":") and re.search(introduced_as, line, re.I):
            for follow in lines[i + 1:]:
                if follow.endswith(":"):
                    break
                items.append(re.sub(r"^[-•*]\s*", "", follow))
    return items


def test_a_list_of_strengths_is_never_read_as_areas_for_development(briefings):
    checked = 0
    for b in briefings:
        sections = {s.title: s.answer for s in b.sections}
        for c in sections["Strengths"].citations + sections["Areas for development"].citations:
            for item in _list_items(c.text, r"\bstrength|good practice"):
                assert item not in sections["Areas for development"].answer, (b.report.authority, item)
                checked += 1
    assert checked >= 3


def test_a_paragraph_announced_as_areas_for_development_is_given_whole(briefings):
    """"There were some areas for development. The council should ...": each such sentence is an area
    for development, though it says what should happen."""
    from cqc.text.sentences import answer_sentences

    checked = 0
    for b in briefings:
        (dev,) = [s.answer for s in b.sections if s.title == "Areas for development"]
        for c in dev.citations:
            sentences = answer_sentences(c.text)
            if sentences and re.match(r"there were (also )?(some )?areas for development\.?$", sentences[0], re.I):
                for s in sentences[1:]:
                    if not re.search(r"\b(these|this|each of these)\b", s, re.I):  # a sentence leaning back is optional
                        assert s in dev.answer, (b.report.authority, s)
                        checked += 1
    assert checked >= 1
