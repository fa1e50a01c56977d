"""Recall of the dense search: Chroma's HNSW top-k against exact (brute-force cosine) top-k over
the same vectors, for the benchmark's questions, and under other HNSW settings (the sweep)."""

from __future__ import annotations

from bench.questions import BenchQuestion
from bench.stats import timed


def dense_recall(store, questions: list[BenchQuestion], sweep: tuple[dict, ...] = (), k: int = 10) -> dict:
    """Chroma's HNSW top-k against exact (brute-force cosine) top-k over the same vectors."""
    import numpy as np

    collection = store.collection
    ids: list[str] = []
    vectors, authorities = [], []
    page = 5000
    while True:
        got = collection.get(include=["embeddings", "metadatas"], limit=page, offset=len(ids))
        ids += got["ids"]
        vectors.append(np.asarray(got["embeddings"], dtype=np.float32))
        authorities += [m.get("authority", "") for m in got["metadatas"]]
        if len(got["ids"]) < page:
            break
    matrix = np.concatenate(vectors)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    auth = np.asarray(authorities)
    query = np.asarray(store.embeddings.embed_documents([q.text for q in questions]), dtype=np.float32)

    def exact(qv: np.ndarray, mask: np.ndarray | None) -> tuple[set[str], int]:
        """Every id as near as the exact k-th nearest (ties included: the library holds identical
        vectors for identical texts, and any of a tied group is a right answer), and how many of
        them a perfect search returns."""
        sims = matrix @ qv
        if mask is not None:
            sims = np.where(mask, sims, -np.inf)
        top = np.argpartition(-sims, k)[:k]
        finite = [i for i in top if np.isfinite(sims[i])]
        if not finite:
            return set(), 0
        kth = min(sims[i] for i in finite)
        return {ids[i] for i in np.flatnonzero(sims >= kth - 1e-5)}, len(finite)

    def measure() -> dict:
        hits_all = []
        hits_scoped = []
        got = collection.query(query_embeddings=query.tolist(), n_results=k, include=["distances"])
        for qv, found in zip(query, got["ids"]):
            truth, expected = exact(qv, None)
            hits_all.append(min(len(truth & set(found)), expected) / expected)
        for qv, q in zip(query, questions):
            if not q.scope:
                continue
            found = collection.query(query_embeddings=[qv.tolist()], n_results=k, where={"authority": q.scope[0]},
                                     include=["distances"])["ids"][0]
            truth, expected = exact(qv, auth == q.scope[0])
            hits_scoped.append(min(len(truth & set(found)), expected) / max(expected, 1))
        return {"unfiltered": round(float(np.mean(hits_all)), 4),
                "scoped": round(float(np.mean(hits_scoped)), 4) if hits_scoped else None}

    result = {"vectors": len(ids), "k": k, "configuration": _hnsw_configuration(collection), **measure()}
    if sweep:
        result["sweep"] = hnsw_sweep(ids, matrix, query, sweep, lambda qv: exact(qv, None), k)
    return result


# HNSW settings tried against exact search: the defaults, a smaller and a larger graph, and query
# breadths. (The store's dense search asks for candidate_k=40, so hnswlib searches at least that wide.)
SWEEP = (
    {"max_neighbors": 16, "ef_construction": 100, "ef_search": 10},
    {"max_neighbors": 16, "ef_construction": 100, "ef_search": 40},
    {"max_neighbors": 16, "ef_construction": 100, "ef_search": 100},
    {"max_neighbors": 8, "ef_construction": 50, "ef_search": 40},
    {"max_neighbors": 32, "ef_construction": 200, "ef_search": 100},
)


def hnsw_sweep(ids, matrix, query, configs, exact, k: int = 10) -> list[dict]:
    """The same vectors indexed again under each setting (in memory), recall@k and build time."""
    import chromadb
    import numpy as np

    client = chromadb.EphemeralClient(settings=chromadb.Settings(anonymized_telemetry=False))
    truths = [exact(qv) for qv in query]
    out = []
    for n, config in enumerate(configs):
        name = f"bench-sweep-{n}"
        collection = client.create_collection(name, configuration={"hnsw": {"space": "cosine", **config}})
        with timed() as build:
            for i in range(0, len(ids), 5000):
                collection.add(ids=ids[i: i + 5000], embeddings=matrix[i: i + 5000])
        with timed() as search:
            found = collection.query(query_embeddings=query.tolist(), n_results=k, include=["distances"])["ids"]
        recall = float(np.mean([min(len(t & set(f)), n) / n for (t, n), f in zip(truths, found)]))
        out.append({**config, "recall": round(recall, 4), "build_s": round(build.seconds, 1),
                    "query_ms": round(search.seconds * 1000 / len(query), 2)})
        client.delete_collection(name)
    return out


def _hnsw_configuration(collection) -> dict:
    try:
        config = collection.configuration_json or {}
        return {k: v for k, v in (config.get("hnsw") or {}).items() if k in ("space", "ef_construction", "ef_search", "max_neighbors")}
    except Exception:  # noqa: BLE001  (reporting only)
        return {}
