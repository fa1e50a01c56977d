"""The national list of councils with adult social care duties (cqc/council_list.py) and the one
resolver that finds them in a question, a page title or a sentence (cqc/council_names.py)."""

from __future__ import annotations

import ast
import itertools
import re
from collections import Counter
from pathlib import Path

import pytest

from cqc.councils import (
    COUNCILS, Council, council_named, council_spans, councils_in, find_councils, name_forms, normalise,
)
from cqc.council_list import EVERYDAY_WORDS, LOWER_CASE_WORDS
from ingest.authority import authority_of
from ingest.report_lines import title_name

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "corpus"


def _forms(council: Council) -> list[str]:
    return name_forms(council) + list(council.abbreviations)


def _every_form() -> list[tuple[Council, str]]:
    return [(c, form) for c in COUNCILS for form in _forms(c)]


def test_every_upper_tier_council_is_listed_once():
    assert len(COUNCILS) == 153
    assert Counter(c.kind for c in COUNCILS) == {"county": 21, "metropolitan": 36, "london": 33, "unitary": 63}
    assert len({c.name for c in COUNCILS}) == 153
    # No name and no abbreviation means two councils.
    owners: dict[str, set[str]] = {}
    for c, form in _every_form():
        owners.setdefault(normalise(form), set()).add(c.name)
    assert {n: o for n, o in owners.items() if len(o) > 1} == {}
    # The abbreviations staff write for the councils with long names are there.
    named = {a: c.name for c in COUNCILS for a in c.abbreviations}
    assert named["LBHF"] == named["H&F"] == "London Borough of Hammersmith and Fulham"
    assert named["RBKC"] == "Royal Borough of Kensington and Chelsea"
    assert named["B&NES"] == named["BANES"] == "Bath and North East Somerset Council"
    assert named["BCP"] == "Bournemouth, Christchurch and Poole Council"


def test_the_table_of_every_name_is_the_size_we_say():
    """The numbers the README gives: every council with its official name, short forms and framings."""
    forms = _every_form()
    abbreviations = [a for c in COUNCILS for a in c.abbreviations]
    assert len(forms) - len(abbreviations) >= 153 * 3
    assert len(abbreviations) >= 35


# The table test: all 153 councils, every name and abbreviation, in a question and in a title.
@pytest.mark.parametrize("council", COUNCILS, ids=lambda c: c.name)
def test_every_name_of_every_council_resolves_to_it_and_to_no_other(council):
    for form in _forms(council):
        assert council_named(form) is council, form
        for question in (f"How many people were waiting for an assessment in {form}?",
                         f"What did the report say about {form}'s safeguarding?",
                         f"Compare {form} with the national average"):
            found = find_councils(question)
            assert [(m.council.name, m.said) for m in found] == [(council.name, form)], question
        title = f"{form}: local authority assessment"
        assert [m.council.name for m in find_councils(title, typos=False)] == [council.name], title
        assert authority_of(title_name(title), []) == council.name, title
        if normalise(form) not in LOWER_CASE_WORDS | EVERYDAY_WORDS and form not in council.abbreviations \
                and not form.startswith("LB "):  # "lb hackney": a pound and a word
            lower = f"how many people were waiting in {form.lower()}?"
            assert [m.council.name for m in find_councils(lower)] == [council.name], lower


JOINED = [c for c in COUNCILS if re.search(r" and |&| with |,|-", c.name + " " + " ".join(c.names))]


def test_questions_naming_two_councils_with_and_in_their_names_read_as_two():
    assert len(JOINED) >= 15
    assert [m.council.name for m in find_councils("Compare Brighton and Hove and Redcar and Cleveland")] == [
        "Brighton and Hove City Council", "Redcar and Cleveland Borough Council"]
    for a, b in itertools.permutations(JOINED, 2):
        question = f"Compare {a.short} and {b.short} on safeguarding"
        found = find_councils(question)
        assert [(m.council, m.said) for m in found] == [(a, a.short), (b, b.short)], question
        # The splitter's spans are exactly the two names: its "and"s inside them are not cut points.
        assert [question[s:e] for s, e in council_spans(question)] == [a.short, b.short], question


def test_a_council_name_is_never_read_as_its_tail():
    for text in ("How many calls did Hammersmith and Fulham answer?", "Hammersmith & Fulham Council are a partner",
                 "The London Borough of Hammersmith & Fulham is in inner London", "H&F and LBHF"):
        assert {m.council.name for m in find_councils(text)} == {"London Borough of Hammersmith and Fulham"}, text
    (m,) = find_councils("How many calls did Hammersmith and Fulham answer?")
    assert (m.start, m.end, m.said) == (19, 41, "Hammersmith and Fulham")
    assert [m.council.name for m in find_councils("Kingston upon Hull City Council and Kingston")] == [
        "Kingston upon Hull City Council", "Royal Borough of Kingston upon Thames"]
    assert [m.said for m in find_councils("waits in Newcastle-under-Lyme and Newcastle upon Tyne")] == [
        "Newcastle upon Tyne"]
    assert [m.said for m in find_councils("Bolton-le-Sands, Derbyshire and Stockton-on-Tees")] == [
        "Derbyshire", "Stockton-on-Tees"]


def test_short_forms_that_are_words_are_names_only_where_a_name_stands():
    assert find_councils("Reading the report, how long were the waits?") == []
    assert find_councils("Bury the backlog: how long is the wait?") == []
    assert find_councils("reading, bath time and the hull of a derby winner") == []
    assert find_councils("People in Bury St Edmunds and Sutton Coldfield; a Bath Spa graduate") == []
    assert find_councils("Hullabaloo, burying, Wiganer") == []
    assert [m.said for m in find_councils("Derbyshire's waits")] == ["Derbyshire"]  # not Derby
    assert [c.name for c, _ in councils_in("What about carers in Reading?")] == ["Reading Borough Council"]
    assert [c.name for c, _ in councils_in("Bury Council's safeguarding")] == ["Bury Council"]
    assert [c.name for c, _ in councils_in("Derby's safeguarding score")] == ["Derby City Council"]
    assert [c.name for c, _ in councils_in("Bury and Wigan: which scored higher?")] == ["Bury Council", "Wigan Council"]
    assert [c.name for c, _ in councils_in("the hull of a ship moored in Hull")] == ["Kingston upon Hull City Council"]
    # Abbreviations as staff write them, not as common nouns.
    assert find_councils("What did our BCP say? Is the banes of it bcp?") == []
    assert [m.said for m in find_councils("How does BCP compare with B&NES, BaNES and lbhf?")] == [
        "BCP", "B&NES", "BaNES", "lbhf"]
    # Names in lower case are names, unless they are words.
    assert [c.name for c, _ in councils_in("how is kent doing on waits")] == ["Kent County Council"]


def test_councils_named_in_text_with_their_framing():
    found = councils_in("How do waits in County Durham compare with Sunderland and the London Borough of Bromley?")
    assert [(c.name, said) for c, said in found] == [
        ("Durham County Council", "County Durham"), ("Sunderland City Council", "Sunderland"),
        ("London Borough of Bromley", "London Borough of Bromley"),
    ]
    assert [m.said for m in find_councils("Leeds City Council, leeds council, City of Leeds and LB Camden")] == [
        "Leeds City Council", "leeds council", "City of Leeds", "LB Camden"]
    assert council_named("Leeds Council").name == "Leeds City Council"  # an unofficial suffix still finds it
    assert council_named("London") is None  # the capital is 33 councils, not one
    assert council_named("Kingsmere Metropolitan Borough Council") is None  # fictional
    assert council_named("Leeds and Kent") is None  # two councils are not one name


def _typo(word: str) -> str:
    """One letter of a word changed, away from its first letter: the typo a hurried hand makes."""
    i = len(word) // 2
    return word[:i] + ("x" if word[i].lower() != "x" else "z") + word[i + 1:]


TYPO_COUNCILS = [c for c in COUNCILS if len(c.short.replace(" ", "")) >= 7
                 and normalise(c.short) not in LOWER_CASE_WORDS | EVERYDAY_WORDS]


@pytest.mark.parametrize("council", TYPO_COUNCILS, ids=lambda c: c.name)
def test_a_one_letter_typo_in_a_long_name_is_forgiven(council):
    word = max(re.findall(r"[A-Za-z]+", council.short), key=len)
    for form in {council.short, council.name}:
        typo = re.sub(rf"\b{word}\b", _typo(word), form, count=1)
        question = f"How long were the waits in {typo}?"
        found = find_councils(question)
        assert [(m.council, m.said, m.typo) for m in found] == [(council, typo, True)], typo
        # Without typos the misspelt word is nobody's: at most a shorter name beside it is found.
        at = question.index(_typo(word))
        assert not any(m.start <= at < m.end for m in find_councils(question, typos=False)), typo


def test_typos_are_not_forgiven_where_they_would_be_guesses():
    assert find_councils("Hovering over the waiting list, staff were hovering") == []
    assert find_councils("How long were waits in Kenx or Derbx?") == []  # short names: too many words are one letter away
    assert find_councils("Readinx and Buxy") == []  # everyday words are never corrected


def test_spans_keep_the_librarys_own_names_whole():
    question = "How many calls did Hammersmith and Fulham and Eastholm & Westholm take?"
    spans = council_spans(question, also=["Eastholm and Westholm Council", "Eastholm & Westholm"])
    assert [question[s:e] for s, e in spans] == ["Hammersmith and Fulham", "Eastholm & Westholm"]


@pytest.mark.skipif(not SHARED.is_dir(), reason="shared corpus not present")
def test_no_council_is_found_in_the_fictional_reports_text():
    """400,000 characters of report prose (the shared corpus's four fictional councils, read as
    text pages): not one ordinary word is taken for a real council, typo or not."""
    found = []
    for path in sorted((SHARED / "site-text").glob("*.txt")):
        found += [(path.name, m.said) for m in find_councils(path.read_text(encoding="utf-8"))]
    assert found == []


def test_the_domain_core_imports_nothing_of_ours():
    ours = {"assistant", "ingest", "vectorstore", "ui", "app", "bench", "tests"}
    for path in (ROOT / "cqc").glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                modules = [node.module or ""] if node.level == 0 else []
            else:
                continue
            for module in modules:
                assert module.split(".")[0] not in ours, (path.name, module)
