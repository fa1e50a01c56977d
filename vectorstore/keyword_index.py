"""BM25 over the findings, built at ingest time and saved beside Chroma.

Dense retrieval is weakest on exact figures, names and programme titles; BM25 is strongest
there. Queries score every finding and then apply the same filters as the dense side, so a
filter never starves the keyword results.

The filter is applied to arrays, not to findings one by one: each finding's authority, quality
statement, theme and report are kept as integer codes in index order (saved with the index), so
a question scoped to one council costs a few vector operations over the library rather than a
Python loop over every finding that shares a word with it, and the index holds no finding's text
in memory (it used to hold every finding, the largest part of a large library's serving memory).

A rebuild after an ingest reads and tokenizes only the findings the index has not counted yet
(`vectorstore.bm25`): the counts of the others are kept with the index, so adding one report to
a large library no longer tokenizes the whole library again.

The same rows also hold each finding's vector (a copy of Chroma's, read from the file with the
operating system's paging, `vectors.npy`), so a search filtered to a few councils or to one
report per council compares exactly the vectors that pass the filter (`nearest`): Chroma's
filtered HNSW search cost 15-45 ms at 150 reports whatever the filter, and 87-230 ms with one
report per authority named, growing with the library; an unfiltered search stays Chroma's.
"""

from __future__ import annotations

import json
import os
import re
import threading
import uuid
from pathlib import Path

from collections.abc import Callable

import numpy as np

from cqc.text.tokens import tokenize
from vectorstore.bm25 import Counts, Weights, share_idf

CURRENT = "current.json"  # names the saved version readers load
FORMAT = 5  # 5: each finding's kind kept too; 4: term counts and weights of our own (vectorstore.bm25), filter codes, vectors, share-smoothed idf
VECTORS = "vectors.npy"
PAGE = 2000  # vectors read from Chroma (and rows copied) at a time, so a rebuild never holds them all
# The findings one exact search may compare: a search over more (a filter this wide, or none in a
# larger library) is left to Chroma's graph. Below it exact search is faster than loading the graph
# and misses nothing.
EXACT_LIMIT = 60_000
# Each finding's vector by chunk id (rows in the order asked, NaN where Chroma holds none), or
# None when Chroma cannot be read: the index is then kept without vectors.
VectorSource = Callable[[list[str]], "np.ndarray | None"]
# What a search filter restricts (its field) and the finding's attribute that must match
# (`cqc.records.SearchFilter.accepts`, applied here to arrays).
FILTERED = (("authorities", "authority"), ("quality_statements", "quality_statement"), ("themes", "theme"),
            ("report_ids", "report_id"))
# Every attribute kept as codes: the filtered ones and each finding's kind, so a report's score and
# rating lines are found among its findings without reading them all from the catalog (`of_kind`).
KEPT = (*(attribute for _, attribute in FILTERED), "kind")


class Codes:
    """One attribute of every finding, in index order, as integer codes into its distinct values."""

    def __init__(self, values: list[str], codes: np.ndarray):
        self.values = values
        self.codes = codes
        self._code = {v: i for i, v in enumerate(values)}

    @classmethod
    def of(cls, column: list[str]) -> Codes:
        return cls([], np.zeros(0, np.int32)).added(column)

    def added(self, column: list[str]) -> Codes:
        """These codes with more findings' values after them."""
        values, code = list(self.values), dict(self._code)
        for v in column:
            if v not in code:
                code[v] = len(values)
                values.append(v)
        more = np.fromiter((code[v] for v in column), dtype=np.int32, count=len(column))
        return Codes(values, np.concatenate([self.codes, more]).astype(np.int32))

    def kept(self, rows: np.ndarray) -> Codes:
        return Codes(self.values, self.codes[rows])

    def matching(self, allowed) -> np.ndarray:
        """Which findings have one of the allowed values."""
        wanted = [self._code[v] for v in allowed if v in self._code]
        return np.isin(self.codes, np.asarray(wanted, dtype=np.int32))

    def as_json(self) -> dict:
        return {"values": self.values, "codes": self.codes.tolist()}

    @classmethod
    def from_json(cls, data: dict) -> Codes:
        return cls(list(data["values"]), np.asarray(data["codes"], dtype=np.int32))


def _columns(chunks) -> dict[str, list[str]]:
    return {attribute: [getattr(c, attribute) or "" for c in chunks] for attribute in KEPT}


class _State:
    """One built index, swapped in whole: readers never see half of a rebuild."""

    def __init__(self, ids: list[str], weights: Weights, vocabulary: list[str], fields: dict[str, Codes],
                 generation: int, counts: Counts | None, folder: Path | None, vectors: np.ndarray | None = None):
        self.ids, self.weights, self.fields, self.generation = ids, weights, fields, generation
        self.vectors = vectors  # rows aligned with ids, memory-mapped read-only; None: not kept
        self.term_ids = {term: i for i, term in enumerate(vocabulary)}
        self.doc_freq = {term: int(weights.doc_freq[i]) for i, term in enumerate(vocabulary)}
        self.counts = counts  # kept for the next rebuild; read from `folder` when it is needed
        self.folder = folder


class KeywordIndex:
    """BM25 over the findings plus the chunk ids in index order, stamped with the catalog generation
    and the library it was built from (`library`, the catalog's store_id: a store folder pointed at
    another database whose generation has the same number must not load this one's index)."""

    def __init__(self, folder: Path, library: str = ""):
        self.folder = folder
        self.library = library
        self._lock = threading.Lock()
        self._state: _State | None = None

    # -- what readers see ----------------------------------------------------------------------
    @property
    def ids(self) -> list[str]:
        return self._state.ids if self._state else []

    @property
    def generation(self) -> int:
        return self._state.generation if self._state else -1

    @property
    def doc_freq(self) -> dict[str, int]:
        return self._state.doc_freq if self._state else {}

    @property
    def fields(self) -> dict[str, Codes]:
        return self._state.fields if self._state else {}

    # -- building ------------------------------------------------------------------------------
    def build(self, ids: list[str], texts: list[str], generation: int,
              fields: dict[str, list[str]] | None = None, vectors_of: VectorSource | None = None) -> None:
        """Index `texts` (one per id) from nothing; `fields` gives each finding's filtered
        attributes (FILTERED), in the same order; `vectors_of` their vectors (None: none kept)."""
        counts = Counts.empty().added([tokenize(t) for t in texts])
        columns = {attribute: Codes.of(list((fields or {}).get(attribute) or [""] * len(ids))) for attribute in KEPT}
        self._install(list(ids), counts, columns, generation, _VectorParts(None, None, list(ids), vectors_of))

    def update(self, keep: set[str], ids: list[str], texts: list[str], fields: dict[str, list[str]],
               generation: int, vectors_of: VectorSource | None = None) -> bool:
        """The index without the findings not in `keep`, with these added; False when this index
        has no counts to start from (nothing built or loaded, or its saved counts unreadable)."""
        counts = self._counts()
        if counts is None:
            return False
        state = self._state
        rows = np.asarray([i for i, cid in enumerate(state.ids) if cid in keep], dtype=np.int64)
        counts = counts.kept(rows).added([tokenize(t) for t in texts])
        columns = {attribute: state.fields[attribute].kept(rows).added(list(fields.get(attribute) or [""] * len(ids)))
                   for attribute in KEPT}
        kept_ids = [state.ids[i] for i in rows.tolist()]
        if state.vectors is not None:
            parts = _VectorParts(state.vectors, rows, list(ids), vectors_of)
        else:  # the last index kept no vectors: every row's is read from Chroma
            parts = _VectorParts(None, None, kept_ids + list(ids), vectors_of)
        self._install(kept_ids + list(ids), counts, columns, generation, parts)
        return True

    def _counts(self) -> Counts | None:
        state = self._state
        if state is None:
            return None
        if state.counts is None and state.folder is not None:
            try:
                state.counts = Counts.load(state.folder / "counts.npz")
            except (OSError, ValueError, KeyError):
                return None
        return state.counts

    def _install(self, ids: list[str], counts: Counts, fields: dict[str, Codes], generation: int,
                 vectors: _VectorParts) -> None:
        weights = Weights.of(counts, share_idf)
        target = self.folder / f"g{generation}-{uuid.uuid4().hex[:8]}"
        try:
            target.mkdir(parents=True, exist_ok=True)
            held = vectors.write(target / VECTORS)
        except OSError:
            held = None  # searches filtered by authority go to Chroma instead
        state = _State(ids, weights, counts.vocabulary, fields, generation, counts, None, held)
        with self._lock:
            self._state = state
        try:
            state.folder = self._save(state, counts, target)
        except OSError:
            pass  # the saved copy only spares the next process a rebuild; the index in memory is whole

    def _save(self, state: _State, counts: Counts, target: Path) -> Path:
        """Write a new version beside the old ones, then point at it with one atomic rename.

        Several processes may save at once (an ingest run and the app), and one may be killed
        half way: each writes its own folder, and readers only follow the pointer, which
        always names a complete folder.
        """
        generation = state.generation
        name = target.name
        target.mkdir(parents=True, exist_ok=True)
        counts.save(target / "counts.npz")
        state.weights.save(target / "weights.npz")
        (target / "ids.json").write_text(json.dumps({
            "format": FORMAT, "generation": generation, "ids": state.ids, "vocabulary": counts.vocabulary,
            "fields": {name: codes.as_json() for name, codes in state.fields.items()},
        }))
        pointer = self.folder / f".current-{name}.tmp"
        pointer.write_text(json.dumps({"folder": name, "generation": generation, "library": self.library}))
        os.replace(pointer, self.folder / CURRENT)
        # Older versions go; a reader still loading one falls back to rebuilding from the catalog.
        for old in self.folder.iterdir():
            gen = _generation_of(old.name)
            if old.is_dir() and gen is not None and gen < generation:
                _rmtree(old)
        return target

    # -- loading -------------------------------------------------------------------------------
    def stored_generation(self) -> int | None:
        """The generation of the saved index, without loading it."""
        try:
            return int(json.loads((self.folder / CURRENT).read_text())["generation"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def load(self, expect_generation: int | None = None) -> bool:
        """Load the saved index in place (holders of this object see the new one); False when
        there is none, it is not the generation expected, or it cannot be read. Its term counts
        stay on disk until a rebuild needs them."""
        try:
            pointer = json.loads((self.folder / CURRENT).read_text())
            if expect_generation is not None and pointer["generation"] != expect_generation:
                return False
            if pointer.get("library", "") != self.library:
                return False  # another library's index (its generation says nothing of this one's)
            target = self.folder / pointer["folder"]
            data = json.loads((target / "ids.json").read_text())
            if data.get("format") != FORMAT:
                return False  # saved by an earlier version: rebuilt from the catalog instead
            fields = {attribute: Codes.from_json(data["fields"][attribute]) for attribute in KEPT}
            weights = Weights.load(target / "weights.npz")
            if weights.n_rows != len(data["ids"]) or any(len(c.codes) != len(data["ids"]) for c in fields.values()):
                return False
            vectors = _open_vectors(target / VECTORS, len(data["ids"]))
        except (OSError, ValueError, KeyError, TypeError):
            return False
        state = _State(data["ids"], weights, data["vocabulary"], fields, data["generation"], None, target, vectors)
        with self._lock:
            self._state = state
        return True

    # -- searching -----------------------------------------------------------------------------
    def idf(self, token: str) -> float:
        """Inverse document frequency over the whole library; rare words weigh more.

        A word's weight follows the share of findings that use it, not their number: the
        smoothing is a share too (`bm25.IDF_SMOOTHING` of the findings, where BM25's is half of one).
        With half a finding, a word no finding uses weighed log(1 + 2n): 6.7 in a library of four
        reports, 10.3 in one of 150, so every question's words weighed differently as the
        library grew and a sentence that answered in the small library stopped answering in the
        large one (issue 26). Now a word used by the same share of findings weighs the same in
        both, and one no finding uses weighs log(1 + 1 / bm25.IDF_SMOOTHING) at any size from four
        reports up. Below that the smoothing stays half a finding, as before: in a library of one
        report, a word none of its 20 findings uses says little about the word."""
        return share_idf(self.doc_freq.get(token, 0), max(len(self.ids), 1))

    def _passing(self, state: _State, where) -> np.ndarray | None:
        """Which rows pass `where` (a `SearchFilter`), as a mask; None when it restricts nothing."""
        passing = None
        for restriction, attribute in FILTERED:
            allowed = getattr(where, restriction)
            if allowed:
                match = state.fields[attribute].matching(allowed)
                passing = match if passing is None else passing & match
        return passing

    def of_kind(self, report_ids: list[str], kinds: tuple[str, ...]) -> list[str]:
        """The ids of these reports' findings of these kinds, in index order."""
        with self._lock:
            state = self._state
        if state is None or not report_ids:
            return []
        rows = np.flatnonzero(state.fields["report_id"].matching(report_ids) & state.fields["kind"].matching(kinds))
        return [state.ids[i] for i in rows.tolist()]

    def nearest(self, query_vector, k: int, where) -> list[tuple[str, float]] | None:
        """The k findings passing `where` whose vectors are nearest the query's (cosine similarity,
        best first, equal ones in index order), compared exactly; None when this index cannot
        answer (no vectors kept, more findings to compare than EXACT_LIMIT, or a finding passing
        the filter whose vector Chroma did not hold when the rows were written) and Chroma's graph
        must, after its check that it holds every finding's vector (`LibraryStore._check_vectors`).
        With no filter every finding passes: a library of up to EXACT_LIMIT findings (about 600
        reports) is searched exactly whatever the question."""
        with self._lock:
            state = self._state
        if state is None or state.vectors is None or k <= 0:
            return None
        passing = self._passing(state, where)
        rows = np.arange(len(state.ids)) if passing is None else np.flatnonzero(passing)
        if len(rows) > EXACT_LIMIT:
            return None
        if not len(rows):
            return []
        matrix = state.vectors if passing is None else state.vectors[rows]  # every row: no copy
        similarity = np.asarray(matrix, dtype=np.float32) @ np.asarray(query_vector, dtype=np.float32)
        if np.isnan(similarity).any():  # never a search over part of the findings asked about
            return None
        if len(rows) > k:
            kth = np.partition(similarity, len(rows) - k)[len(rows) - k]
            best = similarity >= kth
            rows, similarity = rows[best], similarity[best]
        order = np.lexsort((rows, -similarity))[:k]
        return [(state.ids[rows[i]], float(similarity[i])) for i in order]

    def top(self, query: str, k: int, where) -> list[tuple[str, float]]:
        """The k best-scoring findings that share a term with the query and pass `where` (a
        `SearchFilter`), best first; equal scores in index order."""
        with self._lock:
            state = self._state
        tokens = tokenize(query)
        if state is None or not state.ids or not tokens or k <= 0:
            return []
        known = [state.term_ids[t] for t in tokens if t in state.term_ids]
        if not known:
            return []
        values = state.weights.scores(known)
        passing = values > 0
        restricted = self._passing(state, where)
        if restricted is not None:
            passing &= restricted
        hits = np.flatnonzero(passing)
        if len(hits) > k:  # every hit at least as good as the k-th, so ties at the edge go by index order
            kth = np.partition(values[hits], len(hits) - k)[len(hits) - k]
            hits = hits[values[hits] >= kth]
        best = hits[np.lexsort((hits, -values[hits]))][:k]
        ids = state.ids
        return [(ids[i], float(values[i])) for i in best]


class _VectorParts:
    """The rows of a new index's vectors: rows kept from the last index's file (`kept`, by
    `rows`), then the new findings' vectors read from Chroma; all of them read from Chroma when
    there is no last file. Written page by page, so a rebuild never holds the library's vectors."""

    def __init__(self, kept: np.ndarray | None, rows: np.ndarray | None, new_ids: list[str],
                 vectors_of: VectorSource | None):
        self.kept, self.rows, self.new_ids, self.vectors_of = kept, rows, new_ids, vectors_of

    def write(self, path: Path) -> np.ndarray | None:
        if self.vectors_of is None:
            return None
        n_kept = 0 if self.rows is None else len(self.rows)
        pages = [self.new_ids[i: i + PAGE] for i in range(0, len(self.new_ids), PAGE)]
        first = self.vectors_of(pages[0]) if pages else None
        if pages and first is None:
            return None
        dimension = self.kept.shape[1] if self.kept is not None else first.shape[1] if first is not None else 0
        total = n_kept + len(self.new_ids)
        if not total or not dimension:
            return None
        out = np.lib.format.open_memmap(path, mode="w+", dtype=np.float32, shape=(total, dimension))
        for start in range(0, n_kept, PAGE):
            end = min(start + PAGE, n_kept)
            out[start: end] = self.kept[self.rows[start: end]]
        at = n_kept
        for number, page in enumerate(pages):
            got = first if number == 0 else self.vectors_of(page)
            if got is None:
                del out
                return None
            out[at: at + len(page)] = got
            at += len(page)
        out.flush()
        del out
        return _open_vectors(path, total)


def _open_vectors(path: Path, rows: int) -> np.ndarray | None:
    """The saved vectors, memory-mapped read-only; None when the index was saved without them."""
    if not path.exists():
        return None
    vectors = np.load(path, mmap_mode="r")
    if vectors.ndim != 2 or vectors.shape[0] != rows:
        raise ValueError(f"{path}: {vectors.shape[0]} vectors for {rows} findings")
    return vectors


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

    def __init__(self, folder: Path, catalog, vectors_of: VectorSource | None = None):
        self.index = KeywordIndex(folder, catalog.get_meta("store_id") or "")
        self._catalog = catalog
        self._vectors_of = vectors_of
        self._refresh_lock = threading.RLock()
        self._load()

    def nearest(self, query_vector, k: int, where) -> list[tuple[str, float]] | None:
        """Exact nearest findings within the filter (`KeywordIndex.nearest`), or None for Chroma."""
        self._refresh_if_stale()
        return self.index.nearest(query_vector, k, where)

    def of_kind(self, report_ids: list[str], kinds: tuple[str, ...]) -> list[str]:
        """Ids of these reports' findings of these kinds (`KeywordIndex.of_kind`)."""
        self._refresh_if_stale()
        return self.index.of_kind(report_ids, kinds)

    def search(self, query: str, k: int, where) -> list[tuple[str, float]]:
        self._refresh_if_stale()
        # The index and its findings' attributes are one snapshot of the catalog (one generation);
        # callers resolve the ids through the catalog, which drops any removed since.
        return self.index.top(query, k, where)

    def refresh(self, force: bool = False) -> None:
        """Rebuild BM25 from the catalog if anything changed since it was last built: from the
        counts it holds, reading only the findings added since, or from every finding (always,
        when `force`d: a repair put vectors back that the rows had none for)."""
        with self._refresh_lock:
            generation = self._catalog.generation()
            if self.index.generation == generation and not force:
                return
            if self.index.generation >= 0 and not force:
                now = self._catalog.all_chunk_ids()
                new = self._catalog.chunks(sorted(now - set(self.index.ids)))
                if self.index.update(now, [c.chunk_id for c in new], [c.embed_text for c in new], _columns(new), generation,
                                     self._vectors_of):
                    return
            chunks = self._catalog.all_chunks()
            self.index.build([c.chunk_id for c in chunks], [c.embed_text for c in chunks], generation, _columns(chunks),
                             self._vectors_of)

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
