"""Questions are text whatever bytes arrive, on every path that takes one (issue 27, item 8, the
question side): `Assistant.ask`, `Assistant.stream`, the follow-up history and the user's council,
and the app's chat (tests/test_app.py; the command line: tests/test_bytes_and_depth.py).

Before: only the command line replaced a lone surrogate, and nothing read a question as ingest reads
a report, so "King\\u200bsmere" (a zero-width space) found no council, "Kingsm\\u0435re" (a Cyrillic
e) was "not in the library", and a lone surrogate stopped `ask` with a TypeError.
"""

from __future__ import annotations

import pytest

from assistant.chain import Assistant, question_text

PLAIN = "How many unpaid carers were waiting for a carer's assessment in Kingsmere?"
KINGSMERE = "Kingsmere Metropolitan Borough Council"
DISGUISED = {
    "zero-width space": PLAIN.replace("Kingsmere", "King\u200bsmere"),
    "Cyrillic e": PLAIN.replace("Kingsmere", "Kingsm\u0435re"),
    "Greek capital iota in a council's capital K": PLAIN.replace("Kingsmere", "\u039aingsmere"),
    "fullwidth letters": PLAIN.replace("Kingsmere", "Ｋｉｎｇｓｍｅｒｅ"),
    "soft hyphen and a bidi isolate": PLAIN.replace("Kingsmere", "Kings\u00admere\u2069"),
    "lone surrogate": PLAIN.replace("Kingsmere?", "Kingsmere \ud800?"),
    "byte a terminal could not read": PLAIN.replace("Kingsmere", "Kingsmere\udcff"),
}


def test_question_text_reads_bytes_and_strings_as_a_person_sees_them():
    assert question_text(PLAIN) == PLAIN
    assert question_text(PLAIN.encode()) == PLAIN
    assert question_text(b"in Kingsmere\xff?") == "in Kingsmere\ufffd?"
    assert question_text("Kingsmere \ud800 \udfff") == "Kingsmere \ufffd \ufffd"
    for name in ("zero-width space", "Cyrillic e", "Greek capital iota in a council's capital K", "fullwidth letters",
                 "soft hyphen and a bidi isolate"):
        assert question_text(DISGUISED[name]) == PLAIN, name
    question_text(DISGUISED["lone surrogate"]).encode("utf-8")  # encodes: nothing further down can fail on it
    # A question written in another alphabet is left as it is, not folded into Latin look-alikes.
    assert question_text("Сколько человек ждали оценки?") == "Сколько человек ждали оценки?"


@pytest.fixture(scope="module")
def plain_answer(corpus_assistant):
    answer = corpus_assistant.ask(PLAIN)
    assert "238" in answer.answer and {c.authority for c in answer.citations} == {KINGSMERE}
    return answer


@pytest.mark.parametrize("name", sorted(DISGUISED))
def test_ask_finds_the_council_whatever_the_bytes(corpus_assistant, plain_answer, name):
    answer = corpus_assistant.ask(DISGUISED[name])
    assert "238" in answer.answer, answer.answer
    assert {c.authority for c in answer.citations} == {KINGSMERE}
    answer.question.encode("utf-8")


@pytest.mark.parametrize("name", ["zero-width space", "Cyrillic e", "lone surrogate"])
def test_stream_finds_the_council_whatever_the_bytes(corpus_assistant, plain_answer, name):
    stream = corpus_assistant.stream(DISGUISED[name])
    pieces = list(stream)
    assert "238" in "".join(pieces)
    assert stream.answer.answer == plain_answer.answer
    assert [c.chunk_id for c in stream.answer.citations] == [c.chunk_id for c in plain_answer.citations]


def test_a_follow_up_and_the_users_council_are_read_as_text_too(corpus_assistant):
    # The earlier question names the council with a zero-width space; the follow-up names none.
    history = [DISGUISED["zero-width space"]]
    follow_up = corpus_assistant.ask("And how many people were waiting for a Care Act assessment?", history=history)
    assert "612" in follow_up.answer and {c.authority for c in follow_up.citations} == {KINGSMERE}
    assert corpus_assistant.home("Kings\u200bmere\ud800") == "Kingsmere\ufffd"
    ours = corpus_assistant.ask("How many unpaid carers were waiting for a carer's assessment in our council?",
                                home="Kingsm\u0435re Metropolitan Borough Council")
    assert "238" in ours.answer and {c.authority for c in ours.citations} == {KINGSMERE}


def test_evidence_for_drafting_reads_the_request_as_text(corpus_assistant):
    plan, where, retrieved, _ = corpus_assistant.evidence("Draft improvement actions for King\u200bsm\u0435re on carers")
    assert where.authorities == (KINGSMERE,) and retrieved
    assert {f.chunk.authority for f in retrieved} == {KINGSMERE}
