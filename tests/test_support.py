"""A model's sentence must say what the findings it cites say, not only hold their figures (issue 27,
item 7).

Before: "People did not have to wait for their assessments, and the council completed every one
promptly [1]", citing the finding that 612 people were waiting with an average wait of 74 days,
passed every check (no figure, a third of its words the finding's) and was shown. So were all 116
distorted sentences of `tests/support_claims.py` and all 34 of the held-out set (0 removed).
Run with `-s` to see what the check catches and wrongly refuses, round by round and held out.

The chat models are LangChain's fakes; the findings are the shared and demo reports' own.
"""

from __future__ import annotations

import re

import pytest

from assistant.check.claims import check_claims
from assistant.check.support import clauses, quantifiers, scales, unsupported_sense
from cqc.text.sentences import split_sentences
from tests.conftest import DEMO
from tests.support_claims import TUNED
from tests.support_claims_held_out import DISTORTED as HELD_OUT_DISTORTED
from tests.support_claims_held_out import FAITHFUL as HELD_OUT_FAITHFUL
from tests.test_generation import KINGSMERE, QUESTION, _assistant_with, _number_of, _prompt_findings


@pytest.fixture(scope="module")
def findings(corpus) -> list[str]:
    """Every finding of the shared and demo reports, as ingest cuts them (no store needed)."""
    from ingest.chunking import chunk_report
    from ingest.reading import read_reports

    read = read_reports([corpus / "reports", DEMO])
    assert len(read) == 7
    return [c.text for _, report in read for c in chunk_report(report)]


def _finding(findings: list[str], where: str) -> str:
    found = [t for t in findings if where in t]
    assert found, f"no finding holds {where!r}"
    return found[0]


def _check(claim: str, finding: str):
    return check_claims(f"{claim} [1]", {1: finding})


# -- the rates --------------------------------------------------------------------------------------
def _rates(findings, distorted, faithful) -> tuple[list[str], list[tuple[str, str]]]:
    """What the check let through of the distorted sentences, and what it refused of the faithful ones."""
    missed = [claim for where, claim in distorted if _check(claim, _finding(findings, where)).text]
    lost = [(claim, checked.removals[0].reason) for where, claim in faithful
            if not (checked := _check(claim, _finding(findings, where))).text]
    return missed, lost


def _print_rates(name, distorted, faithful, missed, lost) -> None:
    caught, refused = len(distorted) - len(missed), len(lost)
    print(f"\n{name}: distorted caught {caught}/{len(distorted)} ({caught / len(distorted):.0%}), "
          f"true claims wrongly refused {refused}/{len(faithful)} ({refused / len(faithful):.0%})"
          f"\n  missed: {missed}\n  refused: {lost}")


def test_the_rounds_the_check_was_tuned_on(findings):
    """Each round was written after the check had run on the ones before, then the check changed."""
    all_missed, all_lost = [], []
    for name, (distorted, faithful) in TUNED.items():
        missed, lost = _rates(findings, distorted, faithful)
        _print_rates(f"tuned on, {name}", distorted, faithful, missed, lost)
        all_missed += missed
        all_lost += lost
    distorted = [d for bad, _ in TUNED.values() for d in bad]
    faithful = [f for _, good in TUNED.values() for f in good]
    assert len(distorted) >= 80 and len(faithful) >= 80
    assert len(all_missed) / len(distorted) <= 0.1, all_missed
    assert len(all_lost) / len(faithful) <= 0.05, all_lost
    # None lost to the sense of it: the one the checks lose shares too few words (an older check).
    assert not [claim for claim, why in all_lost if "what it cites" in why], all_lost


def test_the_held_out_set(findings):
    """Sentences the check was never changed for (tests/support_claims_held_out.py). Its first run,
    on the check of commit 09b2dea: 28/34 caught, 0/34 refused. The floors are those numbers: they
    guard against a change that makes it worse, and are not a target to tune towards (a change made
    for this set makes it a round of tests/support_claims.py, and a new held-out set is written)."""
    ambiguous = [where for where, _ in HELD_OUT_DISTORTED if sum(where in t for t in findings) != 1]
    assert not ambiguous, "each where-string must pick out one finding"
    missed, lost = _rates(findings, HELD_OUT_DISTORTED, HELD_OUT_FAITHFUL)
    _print_rates("held out", HELD_OUT_DISTORTED, HELD_OUT_FAITHFUL, missed, lost)
    assert len(HELD_OUT_DISTORTED) - len(missed) >= 28, missed
    assert not lost, lost


def test_no_sentence_of_any_report_contradicts_its_own_finding(findings):
    """A quoted sentence is what the finding says: the check must never take one out."""
    sentences = [(s, text) for text in findings for s in split_sentences(text) if len(s) >= 16]
    assert len(sentences) > 1000
    wrong = [(s, why) for s, text in sentences if (why := unsupported_sense(s, [text]))]
    assert not wrong, wrong[:5]


# -- how it reads -----------------------------------------------------------------------------------
def test_a_negation_falls_on_the_word_after_it():
    (did_not,) = clauses("People did not have to wait for their assessments")
    assert did_not.negated == {"wait"}
    (nobody,) = clauses("Nobody in Kingsmere was waiting")
    assert nobody.negated == {"wait"}
    (rarely,) = clauses("they rarely received feedback")
    assert rarely.negated == {"receiv"}
    (not_only,) = clauses("not only carers")
    assert not not_only.negations


def test_a_negation_turns_a_scale_word_round():
    assert [(w.scale, w.end) for w in scales("assessments were not always timely")] == [("timeliness", -1)]
    assert [(w.scale, w.end) for w in scales("it was done without delay")] == [("timeliness", +1)]
    assert [w.end for w in scales("there was no shortage of contractors")] == [+1]
    assert not scales("funded by the Better Care Fund")  # a name, not a judgement
    assert not scales("as the table below shows")


@pytest.mark.parametrize("text, kinds", [
    ("All four localities were close", ["all"]),
    ("staff contacted people every 8 weeks", []),
    ("the most deprived wards", []),
    ("most people said", ["many"]),
    ("the team was not yet fully staffed", []),
    ("almost everyone had a record", ["many"]),
    ("some had not been offered it at all", []),
    ("Nobody waited", ["none"]),
])
def test_quantifiers_are_read_as_quantifiers(text, kinds):
    assert [q.kind for q in quantifiers(text)] == kinds


def test_the_reason_names_what_contradicts_what():
    finding = "Partners told us that relationships with the local authority were strong and built on trust."
    checked = check_claims("Relationships with the local authority were weak [1].", {1: finding})
    assert checked.text == "" and checked.removals[0].reason == "contradicts what it cites: 'weak' where the finding says 'strong'"
    unsupported = check_claims("Relationships with the local authority were strong and improving quickly [1].", {1: finding})
    assert "'quickly', which the finding does not say" in unsupported.removals[0].reason


# -- end to end: the generative answerer, with a fake model -----------------------------------------
WAITING = "At 31 March 2024, 612 people were waiting for a Care Act assessment"
FALSE = "People did not have to wait for their assessments, and the council completed every one promptly"


def _shown(store, question=QUESTION, scope=KINGSMERE) -> dict[int, str]:
    from assistant.models import NOT_IN_REPORTS

    probe, fake = _assistant_with(store, [NOT_IN_REPORTS])
    probe.ask(question, scope=scope)
    return _prompt_findings(fake)


def test_the_false_claim_beside_the_quoted_sentence_is_removed(corpus_store):
    """The defect as found: the quoted sentence, then a figure-less claim saying the opposite of it."""
    shown = _shown(corpus_store)
    n = _number_of(shown, WAITING)
    sentence = next(s for s in split_sentences(shown[n]) if s.startswith(WAITING))
    assistant, _ = _assistant_with(corpus_store, [f"{sentence} [{n}] {FALSE} [{n}]."])
    answer = assistant.ask(QUESTION, scope=KINGSMERE)
    assert "did not have to wait" not in answer.answer and "promptly" not in answer.answer
    assert sentence in answer.answer and answer.backend == "fake"
    assert any(FALSE in r.text and r.reason.startswith("contradicts what it cites") for r in answer.removed)


def test_an_answer_that_only_says_the_opposite_gives_way_to_the_quoted_answer(corpus_store):
    from assistant.chain import Assistant

    quoted = Assistant(corpus_store).ask(QUESTION, scope=KINGSMERE)
    n = _number_of(_shown(corpus_store), WAITING)
    assistant, _ = _assistant_with(corpus_store, [f"{FALSE} [{n}]. Nobody was waiting for a Care Act assessment [{n}]."])
    answer = assistant.ask(QUESTION, scope=KINGSMERE)
    assert answer.answer == quoted.answer and "612" in answer.answer
    assert answer.backend.startswith("quoted from the reports (the fake answer")
    assert len([r for r in answer.removed if "what it cites" in r.reason]) == 2


def test_a_faithful_paraphrase_stands(corpus_store):
    n = _number_of(_shown(corpus_store), WAITING)
    reply = (f"At the end of March 2024, 612 people in Kingsmere were on the waiting list for a Care Act assessment, "
             f"with an average wait of 74 days from referral [{n}].")
    assistant, _ = _assistant_with(corpus_store, [reply])
    answer = assistant.ask(QUESTION, scope=KINGSMERE)
    assert answer.answer == reply and answer.backend == "fake" and answer.kind == "generated"
    assert not answer.removed


def test_a_comparison_line_that_turns_a_finding_round_gets_the_quoted_line(corpus_store):
    from assistant.chain import Assistant
    from tests.test_generation import COMPARE

    quoted = Assistant(corpus_store).ask(COMPARE)
    shown = _shown(corpus_store, COMPARE, None)
    kingsmere = next(c for c in quoted.citations if c.authority.startswith("Kingsmere"))
    n = _number_of(shown, kingsmere.quote.splitlines()[0])
    assert re.search(r"below the England average", shown[n])
    reply = (f"- **Kingsmere Metropolitan Borough Council**: In 2023/24, 21.8% of people receiving long-term community "
             f"support used a direct payment, above the England average of 26.2% [{n}].")
    assistant, _ = _assistant_with(corpus_store, [reply])
    answer = assistant.ask(COMPARE)
    line = next(line for line in answer.answer.splitlines() if "Kingsmere" in line)
    assert "(quoted)" in line and "above the England average" not in answer.answer
    assert any(r.reason == "contradicts what it cites: 'above', but 21.8% is not above 26.2%" for r in answer.removed)


# -- what the fourth round added ---------------------------------------------------------------------
@pytest.mark.parametrize("claim, finding, reason", [
    ("Organisations distrusted each other.", "Organisations trusted each other.", "'distrusted' where the finding says 'trusted'"),
    ("Carers felt undervalued.", "Carers felt recognised and valued.", "'undervalued' where the finding says 'valued'"),
    ("Staff were discouraged from speaking up.", "Staff were encouraged to speak up.", "'discouraged' where the finding says 'encouraged'"),
    ("The model made it harder to keep staff.", "The model made it easier to keep staff.", "'harder' where the finding says 'easier'"),
    ("The Ombudsman upheld few of the 17 complaints.", "The Ombudsman upheld 14 of the 17 complaints.", "'few' where the finding says '14 of the 17'"),
    ("In 2023/24, 21.8% used a direct payment, above the England average of 26.2%.",
     "In 2023/24, 21.8% used a direct payment, below the England average of 26.2%.", "'above', but 21.8% is not above 26.2%"),
])
def test_opposites_by_prefix_comparative_fraction_and_figures(claim, finding, reason):
    assert unsupported_sense(claim, [finding]) == f"contradicts what it cites: {reason}"


@pytest.mark.parametrize("claim, finding", [
    # The figures decide the comparison the finding makes in other words.
    ("78.6% were still at home 91 days later, below the England average of 83.8%.",
     "78.6% were still at home 91 days later, short of the England average of 83.8%."),
    ("Providers said the model helped them keep staff.", "Providers told us the model made it easier to keep staff."),
    ("The team discharged 40 people.", "The team charged 40 people."),  # a word of its own, not "not charged"
    ("20% of people waited more than 4 weeks, compared with 30% in England.",
     "20% of people waited more than 4 weeks, compared with 30% in England."),
])
def test_what_the_fourth_round_added_does_not_refuse(claim, finding):
    assert unsupported_sense(claim, [finding]) is None
