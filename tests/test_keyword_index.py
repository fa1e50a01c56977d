"""The keyword index's filter works on arrays of codes (vectorstore/keyword_index.py); it must
return exactly what scoring every finding and keeping those `SearchFilter.accepts` would, in the
same order, and keep doing so after a reload from disk."""

from __future__ import annotations

import json

import pytest

from cqc.records import SearchFilter
from ingest.chunking import chunk_report
from ingest.reading import read_reports
from tests.conftest import DEMO, corpus_or_skip
from vectorstore.keyword_index import FILTERED, KeywordIndex

QUERIES = ("people waiting for an assessment", "direct payments", "safeguarding enquiries", "carers",
           "1,274 people", "the", "zzzz unknown words", "")


@pytest.fixture(scope="module")
def chunks():
    paths = [DEMO, corpus_or_skip() / "reports"]
    return [c for _, report in read_reports(paths) for c in chunk_report(report)]


def _index(folder, chunks) -> KeywordIndex:
    index = KeywordIndex(folder)
    fields = {attribute: [getattr(c, attribute) or "" for c in chunks] for _, attribute in FILTERED}
    index.build([c.chunk_id for c in chunks], [c.embed_text for c in chunks], 7, fields)
    return index


def _reference(index: KeywordIndex, by_id: dict, query: str, k: int, where: SearchFilter):
    """Every finding scored, the filter applied finding by finding, best first (ties in index order)."""
    from cqc.text.tokens import tokenize

    known = [t for t in tokenize(query) if index.retriever and t in index.retriever.vocab_dict]
    if not known:
        return []
    values = index.retriever.get_scores(known)
    hits = [(index.ids[i], float(values[i])) for i in range(len(index.ids))
            if values[i] > 0 and where.accepts(by_id[index.ids[i]])]
    hits.sort(key=lambda item: -item[1])
    return hits[:k]


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
    by_id = {c.chunk_id: c for c in chunks}
    reloaded = KeywordIndex(tmp_path / "bm25")
    assert reloaded.load(expect_generation=7) and reloaded.ids == index.ids
    compared = 0
    for query in QUERIES:
        for where in _filters(chunks):
            for k in (1, 5, 40, 10_000):
                expected = _reference(index, by_id, query, k, where)
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
