"""BM25 over the findings, built at ingest time and saved beside Chroma.

Dense retrieval is weakest on exact figures, names and programme titles; BM25 is strongest
there. Queries score every finding and then apply the same filters as the dense side, so a
filter never starves the keyword results.

The filter is applied to arrays, not to findings one by one: each finding's authority, quality
statement, theme and report are kept as integer codes in index order (saved with the index), so
a question scoped to one council costs a few vector operations over the library rather than a
Python loop over every finding that shares a word with it, and the index holds no finding's text
in memory (it used to hold every finding, the largest part of a large library's serving memory).
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
# What a search filter restricts (its field) and the finding's attribute that must match
# (`cqc.records.SearchFilter.accepts`, applied here to arrays).
FILTERED = (("authorities", "authority"), ("quality_statements", "quality_statement"), ("themes", "theme"),
            ("report_ids", "report_id"))


class Codes:
    """One attribute of every finding, in index order, as integer codes into its distinct values."""

    def __init__(self, values: list[str], codes: np.ndarray):
        self.values = values
        self.codes = codes
        self._code = {v: i for i, v in enumerate(values)}

    @classmethod
    def of(cls, column: list[str]) -> Codes:
        values = sorted(set(column))
        code = {v: i for i, v in enumerate(values)}
        return cls(values, np.fromiter((code[v] for v in column), dtype=np.int32, count=len(column)))

    def matching(self, allowed) -> np.ndarray:
        """Which findings have one of the allowed values."""
        wanted = [self._code[v] for v in allowed if v in self._code]
        return np.isin(self.codes, np.asarray(wanted, dtype=np.int32))

    def as_json(self) -> dict:
        return {"values": self.values, "codes": self.codes.tolist()}

    @classmethod
    def from_json(cls, data: dict) -> Codes:
        return cls(list(data["values"]), np.asarray(data["codes"], dtype=np.int32))


class KeywordIndex:
    """A bm25s index plus the chunk ids in index order, stamped with the catalog generation."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._lock = threading.Lock()
        self.retriever: bm25s.BM25 | None = None
        self.ids: list[str] = []
        self.generation = -1
        self.doc_freq: dict[str, int] = {}
        self.fields: dict[str, Codes] = {}

    def build(self, ids: list[str], texts: list[str], generation: int,
              fields: dict[str, list[str]] | None = None) -> None:
        """Index `texts` (one per id); `fields` gives each finding's filtered attributes (FILTERED),
        in the same order."""
        retriever = bm25s.BM25()
        tokenized = [tokenize(t) for t in texts]
        if ids:
            retriever.index(tokenized, show_progress=False)
        doc_freq = Counter(t for text in tokenized for t in set(text))
        columns = {attribute: Codes.of(list((fields or {}).get(attribute) or [""] * len(ids)))
                   for _, attribute in FILTERED}
        with self._lock:
            self.retriever, self.ids, self.generation = (retriever if ids else None), ids, generation
            self.doc_freq, self.fields = dict(doc_freq), columns
        try:
            self._save(retriever if ids else None, ids, doc_freq, generation, columns)
        except OSError:
            pass  # the saved copy only spares the next process a rebuild; the index in memory is whole

    def _save(self, retriever: bm25s.BM25 | None, ids: list[str], doc_freq: Counter, generation: int,
              fields: dict[str, Codes]) -> None:
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
        (target / "ids.json").write_text(json.dumps({
            "generation": generation, "ids": ids, "df": doc_freq,
            "fields": {name: codes.as_json() for name, codes in fields.items()},
        }))
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
            # An index saved before the filtered attributes were kept with it is rebuilt instead.
            fields = {attribute: Codes.from_json(data["fields"][attribute]) for _, attribute in FILTERED}
            if any(len(codes.codes) != len(data["ids"]) for codes in fields.values()):
                return False
            retriever = bm25s.BM25.load(str(target), show_progress=False) if data["ids"] else None
        except (OSError, ValueError, KeyError, TypeError):
            return False
        with self._lock:
            self.retriever, self.ids, self.generation = retriever, data["ids"], data["generation"]
            self.doc_freq, self.fields = data.get("df", {}), fields
        return True

    def idf(self, token: str) -> float:
        """Inverse document frequency over the whole library; rare words weigh more."""
        n = max(len(self.ids), 1)
        df = self.doc_freq.get(token, 0)
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def top(self, query: str, k: int, where) -> list[tuple[str, float]]:
        """The k best-scoring findings that share a term with the query and pass `where` (a
        `SearchFilter`), best first; equal scores in index order."""
        with self._lock:
            retriever, ids, fields = self.retriever, self.ids, self.fields
        tokens = tokenize(query)
        if retriever is None or not tokens or k <= 0:
            return []
        vocab = retriever.vocab_dict
        known = [t for t in tokens if t in vocab]
        if not known:
            return []
        values = retriever.get_scores(known)
        passing = values > 0
        for restriction, attribute in FILTERED:
            allowed = getattr(where, restriction)
            if allowed:
                passing &= fields[attribute].matching(allowed)
        hits = np.flatnonzero(passing)
        if len(hits) > k:  # every hit at least as good as the k-th, so ties at the edge go by index order
            kth = np.partition(values[hits], len(hits) - k)[len(hits) - k]
            hits = hits[values[hits] >= kth]
        best = hits[np.lexsort((hits, -values[hits]))][:k]
        return [(ids[i], float(values[i])) for i in best]


def _generation_of(name: str) -> int | None:
    m = re.match(r"^g(\d+)-[0-9a-f]+$", name)
    return int(m.group(1)) if m else None


def _rmtree(path: Path) -> None:
    import shutil

    shutil.rmtree(path, ignore_errors=True)


class KeywordSearch:
    """The keyword side of the library: the BM25 index kept in step with the catalog.

    `index` is reloaded in place, never replaced: the answerer holds a reference to it for word
    weights. A search never waits for a rebuild: the index swaps in its new state under its own
    lock, and `_refresh_lock` lets one thread rebuild or reload it."""

    def __init__(self, folder: Path, catalog):
        self.index = KeywordIndex(folder)
        self._catalog = catalog
        self._refresh_lock = threading.RLock()
        self._load()

    def search(self, query: str, k: int, where) -> list[tuple[str, float]]:
        self._refresh_if_stale()
        # The index and its findings' attributes are one snapshot of the catalog (one generation);
        # callers resolve the ids through the catalog, which drops any removed since.
        return self.index.top(query, k, where)

    def refresh(self) -> None:
        """Rebuild BM25 from the catalog if anything changed since it was last built."""
        with self._refresh_lock:
            generation = self._catalog.generation()
            if self.index.generation == generation:
                return
            chunks = self._catalog.all_chunks()
            fields = {attribute: [getattr(c, attribute) or "" for c in chunks] for _, attribute in FILTERED}
            self.index.build([c.chunk_id for c in chunks], [c.embed_text for c in chunks], generation, fields)

    def _load(self) -> None:
        with self._refresh_lock:
            if not self.index.load(expect_generation=self._catalog.generation()):
                self.refresh()  # missing or left stale by an interrupted ingest

    def _refresh_if_stale(self) -> None:
        # Another process (an ingest run beside the app) may have changed the catalog.
        generation = self._catalog.generation()
        if self.index.generation == generation:
            return
        with self._refresh_lock:
            if self.index.generation == generation:
                return  # another thread got here first
            if not self.index.load(expect_generation=generation):
                self.refresh()
