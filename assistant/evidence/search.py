"""Hybrid retrieval: dense (Chroma) and BM25, each filtered the same way, fused by reciprocal rank.

Dense search finds paraphrases; BM25 finds the exact figures, names and programme titles dense
search misses. Reciprocal rank fusion needs no score calibration between the two.
"""

from __future__ import annotations

from assistant.models import RetrievedFinding
from cqc.records import SearchFilter
from vectorstore.store import LibraryStore

RRF_K = 60  # the constant from Cormack et al.; dampens the weight of the very top ranks
# A finding in a quality statement the question names gains a top rank's weight; one in a
# statement its subject only suggests ("direct payments") gains half of one.
NAMED_BOOST = 1.0
TOPIC_BOOST = 0.5


def reciprocal_rank_fusion(rankings: list[list[str]], k: int = RRF_K) -> dict[str, float]:
    fused: dict[str, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking):
            fused[item] = fused.get(item, 0.0) + 1.0 / (k + rank + 1)
    return fused


class HybridSearch:
    def __init__(self, store: LibraryStore):
        self.store = store

    def search(
        self,
        text: str,
        where: SearchFilter = SearchFilter(),
        k: int = 10,
        keyword_text: str | None = None,
        named_statements: tuple[str, ...] = (),
        topic_statements: tuple[str, ...] = (),
        query_vector: list[float] | None = None,
    ) -> list[RetrievedFinding]:
        candidates = self.store.settings.retrieval.candidate_k
        vector = query_vector if query_vector is not None else self.store.embeddings.embed_query(text)
        dense = self.store.dense_search(vector, candidates, where)
        keyword = self.store.keyword_search(keyword_text or text, candidates, where)
        fused = reciprocal_rank_fusion([[cid for cid, _ in dense], [cid for cid, _ in keyword]])
        similarity = dict(dense)
        # Resolving through the catalog drops any vector the catalog does not know (an orphan).
        chunks = self.store.chunks(list(fused))
        for chunk in chunks:
            if chunk.quality_statement in named_statements:
                fused[chunk.chunk_id] += NAMED_BOOST / (RRF_K + 1)
            elif chunk.quality_statement in topic_statements:
                fused[chunk.chunk_id] += TOPIC_BOOST / (RRF_K + 1)
        chunks.sort(key=lambda c: -fused[c.chunk_id])
        return [RetrievedFinding(c, fused[c.chunk_id], similarity.get(c.chunk_id, 0.0)) for c in chunks[:k]]
