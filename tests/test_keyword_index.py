"""The keyword index (vectorstore/keyword_index.py, vectorstore/bm25.py): its BM25 weights are
bm25s's (with Lucene's idf, exactly its scores; the library's own index weighs words by an idf
smoothed by a share of the findings, issue 26), and a filtered search returns exactly what scoring
every finding and keeping those `SearchFilter.accepts` would, in the same order, and keeps doing so
after a reload from disk and after a rebuild that counted only the new findings."""

from __future__ import annotations

import json

import pytest

from cqc.records import SearchFilter
from ingest.chunking import chunk_report
from ingest.reading import read_reports
from tests.conftest import DEMO, corpus_or_skip
from vectorstore.bm25 import Counts, Weights, lucene_idf, share_idf
from vectorstore import keyword_index
from vectorstore.keyword_index import FILTERED, KEPT, KeywordIndex

QUERIES = ("people waiting for an assessment", "direct payments", "safeguarding enquiries", "carers",
           "1,274 people", "the", "zzzz unknown words", "")


@pytest.fixture(scope="module")
def chunks():
    paths = [DEMO, corpus_or_skip() / "reports"]
    return [c for _, report in read_reports(paths) for c in chunk_report(report)]


def _index(folder, chunks) -> KeywordIndex:
    index = KeywordIndex(folder)
    fields = {attribute: [getattr(c, attribute) or "" for c in chunks] for attribute in KEPT}
    index.build([c.chunk_id for c in chunks], [c.embed_text for c in chunks], 7, fields)
    return index


def _reference(index: KeywordIndex, chunks, query: str, k: int, where: SearchFilter):
    """The index's own scores of every finding, unfiltered, then the filter applied finding by
    finding, best first (ties in index order)."""
    by_id = {c.chunk_id: c for c in chunks}
    every = index.top(query, len(chunks) + 1, SearchFilter())
    return [(chunk_id, score) for chunk_id, score in every if where.accepts(by_id[chunk_id])][:k]


def test_the_weights_are_bm25s_scores_with_its_idf_and_share_smoothed_in_the_library(chunks, tmp_path):
    import bm25s
    import numpy as np

    from cqc.text.tokens import tokenize

    tokenized = [tokenize(c.embed_text) for c in chunks]
    counts = Counts.empty().added(tokenized)
    retriever = bm25s.BM25()
    retriever.index(tokenized, show_progress=False)
    ids = counts.term_ids()
    compared = 0
    for query in QUERIES:
        known = [t for t in tokenize(query) if t in retriever.vocab_dict]
        if not known:
            continue
        expected = retriever.get_scores(known)
        assert np.array_equal(Weights.of(counts).scores([ids[t] for t in known]), expected), query
        compared += 1
    assert compared >= 5
    # The library's index: above about 400 findings a word's idf is smoothed by a share of them, so
    # a word no finding uses weighs the same at 4 reports and at 150 (not log(1 + 2n)).
    assert len(chunks) > 400
    index = _index(tmp_path / "bm25", chunks)
    n = len(chunks)
    assert index.idf("zzzz") == pytest.approx(share_idf(0, n)) and share_idf(0, n) < lucene_idf(0, n)
    assert share_idf(0, 400) == pytest.approx(lucene_idf(0, 400)) and share_idf(3, 200) == lucene_idf(3, 200)


def _filters(chunks) -> list[SearchFilter]:
    authorities = sorted({c.authority for c in chunks if c.authority})
    statements = sorted({c.quality_statement for c in chunks if c.quality_statement})
    themes = sorted({c.theme for c in chunks if c.theme})
    reports = sorted({c.report_id for c in chunks})
    return [
        SearchFilter(),
        SearchFilter(authorities=(authorities[0],)),
        SearchFilter(authorities=tuple(authorities[:2]), quality_statements=(statements[0],)),
        SearchFilter(themes=(themes[-1],)),
        SearchFilter(report_ids=tuple(reports[1:3])),
        SearchFilter(authorities=(authorities[0],), report_ids=(reports[-1],)),  # may match nothing
        SearchFilter(authorities=("A council the library does not hold",)),
    ]


def test_filtered_keyword_search_matches_the_finding_by_finding_filter(chunks, tmp_path):
    assert len({c.authority for c in chunks}) >= 4
    index = _index(tmp_path / "bm25", chunks)
    reloaded = KeywordIndex(tmp_path / "bm25")
    assert reloaded.load(expect_generation=7) and reloaded.ids == index.ids
    compared = 0
    for query in QUERIES:
        for where in _filters(chunks):
            for k in (1, 5, 40, 10_000):
                expected = _reference(index, chunks, query, k, where)
                assert index.top(query, k, where) == expected, (query, where, k)
                assert reloaded.top(query, k, where) == expected, (query, where, k)
                compared += bool(expected)
    assert compared > 50  # most combinations find something: the comparison is not of empty lists


def test_an_index_saved_without_its_filter_codes_is_not_loaded(chunks, tmp_path):
    """A library whose keyword index was saved by the earlier version (no codes beside the ids)
    is rebuilt from the catalog rather than searched unfiltered."""
    _index(tmp_path / "bm25", chunks[:50])
    pointer = json.loads((tmp_path / "bm25" / "current.json").read_text())
    ids_file = tmp_path / "bm25" / pointer["folder"] / "ids.json"
    data = json.loads(ids_file.read_text())
    del data["fields"]
    ids_file.write_text(json.dumps(data))
    assert not KeywordIndex(tmp_path / "bm25").load(expect_generation=7)


def test_an_index_saved_for_another_library_is_not_loaded_at_the_same_generation(chunks, tmp_path):
    """A store folder pointed at another database (a team's PostgreSQL, a restored copy) whose
    generation has the same number: the index saved for the first library is not taken as this one's."""
    index = KeywordIndex(tmp_path / "bm25", library="library-a")
    index.build([c.chunk_id for c in chunks[:30]], [c.embed_text for c in chunks[:30]], 7)
    assert KeywordIndex(tmp_path / "bm25", library="library-a").load(expect_generation=7)
    assert not KeywordIndex(tmp_path / "bm25", library="library-b").load(expect_generation=7)
    assert not KeywordIndex(tmp_path / "bm25").load(expect_generation=7)


def test_a_rebuild_from_kept_counts_equals_a_build_from_nothing(chunks, tmp_path):
    """Findings removed and added since the last build: the index updated from its kept counts
    (read back from disk, as another process would) scores exactly as one built from every text."""
    first, second = chunks[: len(chunks) // 2], chunks[len(chunks) // 3:]
    _index(tmp_path / "old", first)
    loaded = KeywordIndex(tmp_path / "old")
    assert loaded.load(expect_generation=7)
    keep = {c.chunk_id for c in second}
    new = [c for c in second if c.chunk_id not in set(loaded.ids)]
    assert new and keep != set(loaded.ids)
    fields = {attribute: [getattr(c, attribute) or "" for c in new] for attribute in KEPT}
    assert loaded.update(keep, [c.chunk_id for c in new], [c.embed_text for c in new], fields, 8)
    assert sorted(loaded.ids) == sorted(keep) and loaded.generation == 8
    fresh = _index(tmp_path / "fresh", [next(c for c in second if c.chunk_id == cid) for cid in loaded.ids])
    for query in QUERIES:
        for where in _filters(second):
            assert loaded.top(query, 40, where) == fresh.top(query, 40, where), (query, where)
    assert loaded.doc_freq == fresh.doc_freq


def test_findings_of_a_kind_are_found_by_report_as_reading_every_finding_finds_them(chunks, tmp_path):
    """`of_kind` (a score lookup's score and rating lines, found without reading every finding of the
    reports it names): the same ids as filtering the findings one by one, after a reload and after
    an update from kept counts too, where the kinds of the findings added come from their fields."""
    index = _index(tmp_path / "bm25", chunks[: len(chunks) // 2])
    reports = sorted({c.report_id for c in chunks})
    kinds = ("score", "rating")

    def expected(held):
        ids = set(held)
        return [c.chunk_id for c in chunks if c.chunk_id in ids and c.report_id in reports[:2] and c.kind in kinds]

    found = index.of_kind(reports[:2], kinds)
    assert found and found == expected(index.ids)
    reloaded = KeywordIndex(tmp_path / "bm25")
    assert reloaded.load(expect_generation=7) and reloaded.of_kind(reports[:2], kinds) == found
    rest = chunks[len(chunks) // 2:]
    fields = {attribute: [getattr(c, attribute) or "" for c in rest] for attribute in KEPT}
    assert reloaded.update(set(index.ids) | {c.chunk_id for c in rest}, [c.chunk_id for c in rest],
                           [c.embed_text for c in rest], fields, 8)
    assert sorted(reloaded.of_kind(reports[:2], kinds)) == sorted(expected(reloaded.ids))
    assert reloaded.of_kind([], kinds) == [] and index.of_kind(["no such report"], kinds) == []


def test_exact_vector_search_within_a_filter_matches_numpy_over_the_findings_that_pass(chunks, tmp_path, monkeypatch):
    """`nearest` compares the vectors kept beside the rows (copied from a vector source, page by
    page): the same top k as scoring every finding that passes the filter, also after a reload
    and after an update that read only the new findings' vectors; with no filter, over every
    finding. A filter passing a finding with no vector is left to Chroma (None: its graph answers
    after checking it holds every vector), as is a search over more than EXACT_LIMIT findings; the
    exact search never answers over part of what passes."""
    import numpy as np

    rng = np.random.default_rng(3)
    vectors = rng.normal(size=(len(chunks), 24)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    row_of = {c.chunk_id: i for i, c in enumerate(chunks)}
    missing = {chunks[5].chunk_id}
    asked: list[int] = []

    def vectors_of(ids):
        asked.append(len(ids))
        out = vectors[[row_of[i] for i in ids]].copy()
        out[[n for n, i in enumerate(ids) if i in missing]] = np.nan
        return out

    def reference(subset, query, k, where):
        if any(where.accepts(c) and c.chunk_id in missing for c in subset):
            return None
        scored = [(c.chunk_id, float(vectors[row_of[c.chunk_id]] @ query)) for c in subset if where.accepts(c)]
        scored.sort(key=lambda item: -item[1])
        return [cid for cid, _ in scored[:k]]

    def found(index, query, k, where):
        hits = index.nearest(query, k, where)
        return None if hits is None else [cid for cid, _ in hits]

    first, second = chunks[: len(chunks) // 2], chunks[len(chunks) // 3:]
    index = KeywordIndex(tmp_path / "v")
    index.build([c.chunk_id for c in first], [c.embed_text for c in first], 7,
                {attribute: [getattr(c, attribute) or "" for c in first] for _, attribute in FILTERED}, vectors_of)
    reloaded = KeywordIndex(tmp_path / "v")
    assert reloaded.load(expect_generation=7)
    queries = [vectors[row_of[chunks[9].chunk_id]], rng.normal(size=24).astype(np.float32)]
    answered = left_to_chroma = 0
    for where in _filters(first)[1:]:
        for query in queries:
            for k in (1, 10, 10_000):
                expected = reference(first, query, k, where)
                assert found(index, query, k, where) == expected, (where, k)
                assert found(reloaded, query, k, where) == expected, (where, k)
                answered += expected is not None
                left_to_chroma += expected is None
    assert answered and left_to_chroma  # both sides of the rule were tried
    assert index.nearest(queries[0], 10, SearchFilter()) is None  # every finding passes, one has no vector

    asked.clear()
    keep = {c.chunk_id for c in second}
    new = [c for c in second if c.chunk_id not in set(reloaded.ids)]
    assert reloaded.update(keep, [c.chunk_id for c in new], [c.embed_text for c in new],
                           {attribute: [getattr(c, attribute) or "" for c in new] for _, attribute in FILTERED}, 8,
                           vectors_of)
    assert sum(asked) == len(new)  # the kept findings' vectors came from the last index's file
    by_id = {c.chunk_id: c for c in second}
    held = [by_id[cid] for cid in reloaded.ids]
    assert not missing & set(reloaded.ids)
    for where in _filters(second):  # no filter first: within EXACT_LIMIT the whole library is compared exactly
        for query in queries:
            assert found(reloaded, query, 10, where) == reference(held, query, 10, where), where
    monkeypatch.setattr(keyword_index, "EXACT_LIMIT", len(held) - 1)  # as in a library larger than that
    assert reloaded.nearest(queries[0], 10, SearchFilter()) is None  # Chroma's graph answers
