"""The plain LangChain baseline used as a yardstick by `assistant eval --baseline`."""

from __future__ import annotations

from pathlib import Path

import pytest

from config import Settings

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
KINGSMERE = "Kingsmere Metropolitan Borough Council"
CARERS_SENTENCE = "At 31 March 2024, 238 unpaid carers were waiting for a carer's assessment."


@pytest.fixture(scope="module")
def small_settings(tmp_path_factory) -> Settings:
    seed = CORPUS / "seed" / "learning-improvement-innovation.txt"
    kingsmere = CORPUS / "reports" / "kingsmere.html"
    if not (seed.exists() and kingsmere.exists()):
        pytest.skip("../shared/corpus is not beside the project")
    from library.ingesting import ingest_paths
    from vectorstore.store import LibraryStore

    settings = Settings(store_dir=tmp_path_factory.mktemp("baseline-store"))
    store = LibraryStore(settings)
    summary = ingest_paths([seed, kingsmere], store)
    assert not summary.failed, summary.lines()
    assert len(store.reports()) == 2
    store.close()
    return settings


def test_baseline_retrieves_plain_chunks(small_settings):
    from evaluation.baseline import run_baseline
    from evaluation.gold import GoldItem, norm

    items = [
        GoldItem(
            qid="t-1", type="fact",
            question="How many unpaid carers were waiting for a carer's assessment in Kingsmere?",
            answer="238 unpaid carers were waiting.", quotes=[CARERS_SENTENCE],
            authorities=[KINGSMERE], scope=[KINGSMERE],
        ),
        GoldItem(
            qid="t-2", type="summary",
            question="What did staff say about training and learning?",
            answer="", quotes=[], authorities=[],
        ),
    ]
    outcomes = run_baseline(small_settings, items)

    assert len(outcomes) == len(items)
    for out in outcomes:
        assert out.abstained is False
        assert len(out.retrieved) == 5
        assert all(len(text) <= 1000 for _, text in out.retrieved)
        assert out.cited == out.retrieved
        assert out.answer == out.retrieved[0][1]
        assert out.seconds >= 0

    carers = outcomes[0]
    assert all(authority == KINGSMERE for authority, _ in carers.retrieved)  # scoped to the selected authority
    assert any(norm(CARERS_SENTENCE) in norm(text) for _, text in carers.retrieved)


def test_baseline_runs_again_in_the_same_process(small_settings):
    """The in-memory Chroma client is shared per process: a second run must not see duplicates."""
    from evaluation.baseline import run_baseline
    from evaluation.gold import GoldItem

    item = GoldItem(qid="t-3", type="fact", question="carer's assessment waiting", answer="", quotes=[], authorities=[])
    first = run_baseline(small_settings, [item])[0]
    second = run_baseline(small_settings, [item])[0]
    assert [t for _, t in first.retrieved] == [t for _, t in second.retrieved]
    assert len({t for _, t in second.retrieved}) == 5
