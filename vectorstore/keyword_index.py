"""BM25 over the findings, built at ingest time and saved beside Chroma.

Dense retrieval is weakest on exact figures, names and programme titles; BM25 is strongest
there. Queries score every finding and then apply the same filters as the dense side, so a
filter never starves the keyword results.
"""

from __future__ import annotations

import json
import math
import os
import re
import threading
import uuid
from collections import Counter
from pathlib import Path

import bm25s
import numpy as np

from cqc.text.tokens import tokenize

CURRENT = "current.json"  # names the saved version readers load
# Of the findings, the share a word's count is smoothed by: half a finding in a library of four
# reports (about 400 findings), where the weights were set, so that library weighs words as before.
IDF_SMOOTHING = 0.5 / 400


class KeywordIndex:
    """A bm25s index plus the chunk ids in index order, stamped with the catalog generation."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._lock = threading.Lock()
        self.retriever: bm25s.BM25 | None = None
        self.ids: list[str] = []
        self.generation = -1
        self.doc_freq: dict[str, int] = {}

    def build(self, ids: list[str], texts: list[str], generation: int) -> None:
        retriever = bm25s.BM25()
        tokenized = [tokenize(t) for t in texts]
        if ids:
            retriever.index(tokenized, show_progress=False)
        doc_freq = Counter(t for text in tokenized for t in set(text))
        with self._lock:
            self.retriever, self.ids, self.generation = (retriever if ids else None), ids, generation
            self.doc_freq = dict(doc_freq)
        try:
            self._save(retriever if ids else None, ids, doc_freq, generation)
        except OSError:
            pass  # the saved copy only spares the next process a rebuild; the index in memory is whole

    def _save(self, retriever: bm25s.BM25 | None, ids: list[str], doc_freq: Counter, generation: int) -> None:
        """Write a new version beside the old ones, then point at it with one atomic rename.

        Several processes may save at once (an ingest run and the app), and one may be killed
        half way: each writes its own folder, and readers only follow the pointer, which
        always names a complete folder.
        """
        self.folder.mkdir(parents=True, exist_ok=True)
        name = f"g{generation}-{uuid.uuid4().hex[:8]}"
        target = self.folder / name
        if retriever is not None:
            retriever.save(str(target), show_progress=False)
        target.mkdir(parents=True, exist_ok=True)
        (target / "ids.json").write_text(json.dumps({"generation": generation, "ids": ids, "df": doc_freq}))
        pointer = self.folder / f".current-{name}.tmp"
        pointer.write_text(json.dumps({"folder": name, "generation": generation}))
        os.replace(pointer, self.folder / CURRENT)
        # Older versions go; a reader still loading one falls back to rebuilding from the catalog.
        for old in self.folder.iterdir():
            gen = _generation_of(old.name)
            if old.is_dir() and gen is not None and gen < generation:
                _rmtree(old)

    def stored_generation(self) -> int | None:
        """The generation of the saved index, without loading it."""
        try:
            return int(json.loads((self.folder / CURRENT).read_text())["generation"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def load(self, expect_generation: int | None = None) -> bool:
        """Load the saved index in place (holders of this object see the new one); False when
        there is none, it is not the generation expected, or it cannot be read."""
        try:
            pointer = json.loads((self.folder / CURRENT).read_text())
            if expect_generation is not None and pointer["generation"] != expect_generation:
                return False
            target = self.folder / pointer["folder"]
            data = json.loads((target / "ids.json").read_text())
            retriever = bm25s.BM25.load(str(target), show_progress=False) if data["ids"] else None
        except (OSError, ValueError, KeyError, TypeError):
            return False
        with self._lock:
            self.retriever, self.ids, self.generation = retriever, data["ids"], data["generation"]
            self.doc_freq = data.get("df", {})
        return True

    def idf(self, token: str) -> float:
        """Inverse document frequency over the whole library; rare words weigh more.

        A word's weight follows the share of findings that use it, not their number: the
        smoothing is a share too (`IDF_SMOOTHING` of the findings, where BM25's is half of one).
        With half a finding, a word no finding uses weighed log(1 + 2n): 6.7 in a library of four
        reports, 10.3 in one of 150, so every question's words weighed differently as the
        library grew and a sentence that answered in the small library stopped answering in the
        large one (issue 26). Now a word used by the same share of findings weighs the same in
        both, and one no finding uses weighs log(1 + 1 / IDF_SMOOTHING) at any size from four
        reports up. Below that the smoothing stays half a finding, as before: in a library of one
        report, a word none of its 20 findings uses says little about the word."""
        return share_idf(self.doc_freq.get(token, 0), max(len(self.ids), 1))

    def scores(self, query: str) -> dict[str, float]:
        """BM25 score of every finding that shares a term with the query."""
        with self._lock:
            retriever, ids, doc_freq = self.retriever, self.ids, self.doc_freq
        tokens = tokenize(query)
        if retriever is None or not tokens:
            return {}
        vocab = retriever.vocab_dict
        known = [t for t in tokens if t in vocab]
        if not known:
            return {}
        # BM25 with each word weighed by `idf` (a share of the findings), not bm25s's own (half a
        # finding): a finding's keyword rank for a question then does not move when other reports
        # are added to the library (issue 26).
        n = max(len(ids), 1)
        values = np.zeros(len(ids), dtype=np.float64)
        for token, count in Counter(known).items():
            df = doc_freq.get(token, 0)
            weight = share_idf(df, n) / _bm25s_idf(df, n) if df else 1.0
            values += count * weight * retriever.get_scores([token])
        hits = np.nonzero(values > 0)[0]
        return {ids[i]: float(values[i]) for i in hits}


def share_idf(df: int, n: int) -> float:
    """A word's inverse document frequency among n findings, smoothed by a share of them (never
    less than BM25's half a finding: in a library smaller than four reports, weights are BM25's)."""
    smoothing = max(0.5, IDF_SMOOTHING * n)
    return math.log(1 + (n - df + smoothing) / (df + smoothing))


def _bm25s_idf(df: int, n: int) -> float:
    """The word weight bm25s builds into its scores (its default, Lucene's)."""
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


def _generation_of(name: str) -> int | None:
    m = re.match(r"^g(\d+)-[0-9a-f]+$", name)
    return int(m.group(1)) if m else None


def _rmtree(path: Path) -> None:
    import shutil

    shutil.rmtree(path, ignore_errors=True)


class KeywordSearch:
    """The keyword side of the library: the BM25 index kept in step with the catalog, and every
    finding by id so hits are filtered without a catalog query per hit.

    `index` is reloaded in place, never replaced: the answerer holds a reference to it for word
    weights. Two locks, so no search waits for a rebuild: `_lock` guards the findings by id,
    `_refresh_lock` lets one thread rebuild or reload the index."""

    def __init__(self, folder: Path, catalog):
        self.index = KeywordIndex(folder)
        self._catalog = catalog
        self._lock = threading.RLock()
        self._refresh_lock = threading.RLock()
        self._chunks: dict = {}
        self._load()

    def search(self, query: str, k: int, where) -> list[tuple[str, float]]:
        self._refresh_if_stale()
        with self._lock:
            chunks = self._chunks
        scored = self.index.scores(query)
        # Ids the chunk table does not know yet (an index newer than it by a moment) are left out.
        hits = [(cid, s) for cid, s in scored.items() if cid in chunks and where.accepts(chunks[cid])]
        hits.sort(key=lambda item: -item[1])
        return hits[:k]

    def refresh(self) -> None:
        """Rebuild BM25 from the catalog if anything changed since it was last built."""
        with self._refresh_lock:
            generation = self._catalog.generation()
            if self.index.generation == generation:
                return
            chunks = self._catalog.all_chunks()
            self.index.build([c.chunk_id for c in chunks], [c.embed_text for c in chunks], generation)
            with self._lock:
                self._chunks = {c.chunk_id: c for c in chunks}

    def _load(self) -> None:
        with self._refresh_lock:
            if self.index.load(expect_generation=self._catalog.generation()):
                with self._lock:
                    self._chunks = {c.chunk_id: c for c in self._catalog.all_chunks()}
            else:
                self.refresh()  # missing or left stale by an interrupted ingest

    def _refresh_if_stale(self) -> None:
        # Another process (an ingest run beside the app) may have changed the catalog.
        generation = self._catalog.generation()
        if self.index.generation == generation:
            return
        with self._refresh_lock:
            if self.index.generation == generation:
                return  # another thread got here first
            if self.index.load(expect_generation=generation):
                with self._lock:
                    self._chunks = {c.chunk_id: c for c in self._catalog.all_chunks()}
            else:
                self.refresh()
