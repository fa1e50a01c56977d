"""Answers: every citation resolves to a retrieved finding holding the cited text; scores come from
the catalog; the library's silence is said; follow-ups and names are understood."""

from __future__ import annotations

import json
import re

import pytest

from assistant.__main__ import main as assistant_main
from evaluation.gold import load_gold
from assistant.models import NOT_IN_REPORTS
from assistant.question.followup import rewrite
from assistant.question.names import AuthorityNames
from assistant.question.understand import understand
from cqc.records import SearchFilter

AUTHORITIES = [
    "Ashbourne Vale County Council", "Eastholm City Council",
    "Kingsmere Metropolitan Borough Council", "Severn Marches County Council",
]


def _gold(corpus):
    return load_gold(sorted(str(p) for p in (corpus / "qa").glob("*.jsonl")))


def test_every_citation_resolves_to_a_retrieved_finding_that_holds_it(corpus, corpus_assistant):
    checked = 0
    for item in _gold(corpus):
        answer = corpus_assistant.ask(item.question, scope=SearchFilter(authorities=tuple(item.scope)))
        retrieved = {f.chunk.chunk_id: f.chunk.text for f in answer.retrieved}
        markers = {int(m) for m in re.findall(r"\[(\d+)\]", answer.answer)}
        assert markers == {c.marker for c in answer.citations}, item.qid
        for c in answer.citations:
            assert c.chunk_id in retrieved, item.qid
            assert c.text == retrieved[c.chunk_id]
            for sentence in filter(None, c.quote.split("\n")):
                assert sentence in c.text, (item.qid, sentence)
            checked += 1
        if answer.abstained:  # nothing cited as the answer; at most its closest finding, marked as context
            assert all(c.closest for c in answer.citations), item.qid
            assert answer.answer == NOT_IN_REPORTS or "no figure" in answer.answer.split("Closest")[0], item.qid
    assert checked > 100


def test_quoted_sentences_in_answers_are_verbatim_from_their_finding(corpus_assistant):
    answer = corpus_assistant.ask("How many unpaid carers were waiting for a carer's assessment in Kingsmere?")
    assert "238 unpaid carers" in answer.answer
    for sentence, marker in re.findall(r"(.+?) \[(\d+)\]", answer.answer):
        cited = next(c for c in answer.citations if c.marker == int(marker))
        assert sentence.strip(" -") in cited.text
        assert cited.authority == "Kingsmere Metropolitan Borough Council"


def test_score_questions_are_answered_from_the_catalog_with_the_score_line(corpus_assistant):
    answer = corpus_assistant.ask("What score did Eastholm get for Safeguarding?")
    assert answer.kind == "catalog" and not answer.abstained
    assert "scored 1 for Safeguarding" in answer.answer
    assert any("Safeguarding — Score: 1" in c.text for c in answer.citations)
    overall = corpus_assistant.ask("What overall rating and score did Kingsmere receive?")
    assert "Requires improvement" in overall.answer and "53 out of 100" in overall.answer
    assert any("scored 53 out of 100" in c.text for c in overall.citations)


def test_unanswerable_questions_are_declined(corpus, corpus_assistant):
    items = [i for i in _gold(corpus) if i.type == "unanswerable"]
    declined = [corpus_assistant.ask(i.question, scope=SearchFilter(authorities=tuple(i.scope))).abstained for i in items]
    assert sum(declined) / len(declined) >= 0.5


def test_a_named_authority_is_never_answered_from_another(corpus_assistant):
    answer = corpus_assistant.ask("What was direct payment uptake in Eastholm?")
    assert answer.citations and {c.authority for c in answer.citations} == {"Eastholm City Council"}
    assert {f.chunk.authority for f in answer.retrieved} == {"Eastholm City Council"}


def test_comparison_answers_every_named_authority(corpus_assistant):
    answer = corpus_assistant.ask("Compare the social work vacancy rates at Kingsmere and Eastholm.")
    assert {c.authority for c in answer.citations} == {"Kingsmere Metropolitan Borough Council", "Eastholm City Council"}
    assert "14.5%" in answer.answer and "27%" in answer.answer


def test_short_names_and_topics_are_understood():
    names = AuthorityNames.from_authorities(AUTHORITIES)
    plan = understand("How does Severn Marches compare with Kingsmere's safeguarding?", names)
    assert plan.authorities == ("Severn Marches County Council", "Kingsmere Metropolitan Borough Council")
    assert plan.quality_statements == ("Safeguarding",) and plan.is_comparison
    assert "Kingsmere" not in plan.content
    providers = understand("Did Kingsmere have more care providers rated good or outstanding?", names)
    assert not providers.wants_score
    assert understand("Which authorities scored lowest on Safeguarding?", names).all_authorities
    assert understand("What was Harrowfield's rating?", names).authorities == ()


def test_follow_up_questions_are_rewritten_to_stand_alone():
    names = AuthorityNames.from_authorities(AUTHORITIES)
    first = "How many people were waiting for a Care Act assessment in Kingsmere?"
    assert rewrite("And in Eastholm?", [first], names) == "How many people were waiting for a Care Act assessment in Eastholm City Council?"
    about = rewrite("What about carers?", [first], names)
    assert "carers" in about and "Kingsmere Metropolitan Borough Council" in about
    unrelated = "What did providers say about fees in Severn Marches?"
    assert rewrite(unrelated, [first], names) == unrelated


def test_ask_cli_answers_a_questions_file_in_order(corpus_store, tmp_path, capsys):
    questions = tmp_path / "q.jsonl"
    questions.write_text(
        json.dumps({"id": "a", "question": "What was Kingsmere's adult social care net budget in 2023/24?"}) + "\n"
        + json.dumps({"id": "b", "question": "How many Deprivation of Liberty Safeguards applications were waiting in Kingsmere?"}) + "\n"
    )
    code = assistant_main(["ask", "--store", str(corpus_store.folder), "--json", "--questions", str(questions)])
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 0 and [r["id"] for r in rows] == ["a", "b"]
    first = rows[0]
    assert set(first) >= {"id", "question", "answer", "abstained", "citations", "retrieved"}
    assert "£118.6 million" in first["answer"] and not first["abstained"]
    assert set(first["citations"][0]) == {"marker", "chunk_id", "authority", "published", "quality_statement", "score", "heading", "text"}
    assert len(first["retrieved"]) == 10
    assert set(first["retrieved"][0]) == {"chunk_id", "authority", "quality_statement", "heading", "text"}
    assert rows[1]["abstained"] is True


def test_standard_wording_and_score_lists_do_not_ground_improvement_actions(corpus_assistant):
    """Each statement's "commitment" and "what people expect" text is the regulator's, the same in
    every report; it names the statement and so matches the question, but records no finding."""
    from cqc.framework import QUALITY_STATEMENTS, is_standard_wording

    for qs in QUALITY_STATEMENTS:
        answer = corpus_assistant.ask(f"Suggest improvement actions on {qs.name.lower()} for Kingsmere")
        top = [f.chunk for f in answer.retrieved[:5]]
        assert not [c.heading for c in top if is_standard_wording(c.heading) or c.kind in ("score", "rating")], qs.name
        assert all(c.authority == "Kingsmere Metropolitan Borough Council" for c in answer.citations)


def test_standard_wording_is_still_found_when_asked_for(corpus_assistant):
    answer = corpus_assistant.ask("What is the local authority commitment for assessing needs in Eastholm?")
    assert any(f.chunk.heading == "The local authority commitment" for f in answer.retrieved[:5])


def test_key_figures_leave_out_years_and_fiscal_years():
    from cqc.text.figures import numbers_in as figures

    assert figures("In 2022/23, 412 people (23%) paid £1,200; in 2024 it rose.") == ["412", "23", "1200"]
    assert figures("During 2023/2024 the wait was 6 weeks") == ["6"]


def test_sentence_vectors_are_embedded_once_and_the_cache_stays_bounded():
    from assistant.evidence.sentences import SentenceVectors

    calls: list[list[str]] = []

    def embed(texts):
        calls.append(list(texts))
        return [[float(len(t)), 1.0] for t in texts]

    vectors = SentenceVectors(embed, size=3)
    first = vectors(["a b", "c d e", "a b"])
    assert calls == [["a b", "c d e"]] and first.shape == (3, 2) and first[0][0] == first[2][0] == 3.0
    vectors(["c d e", "f"])
    assert calls[-1] == ["f"]  # "c d e" came from the cache
    vectors(["g", "h"])  # over the size: the least recently used go first
    vectors(["a b"])
    assert calls[-1] == ["a b"]


def test_a_comparison_over_a_large_library_answers_the_best_matching_authorities(corpus_assistant, monkeypatch):
    """With more authorities than can be answered side by side, one search picks those whose
    findings answer best, and the answer says how many of how many it covers."""
    import assistant.evidence.retrieve as evidence

    monkeypatch.setattr(evidence, "MAX_COMPARED", 2)
    answer = corpus_assistant.ask("Which authorities have long waits for Care Act assessments?")
    assert answer.kind == "comparison"
    named = {c.authority for c in answer.citations}
    assert 1 <= len(named) <= 2
    assert "of the 4 authorities in the library whose reports answer it best" in answer.answer
    # Naming them still answers each one named.
    both = corpus_assistant.ask("Compare waits for Care Act assessments in Kingsmere, Eastholm and Severn Marches")
    assert len({c.authority for c in both.citations}) == 3 and "answer it best" not in both.answer
