"""BM25 over the findings, built at ingest time and saved beside Chroma.

Dense retrieval is weakest on exact figures, names and programme titles; BM25 is strongest
there. Queries score every finding and then apply the same filters as the dense side, so a
filter never starves the keyword results.
"""

from __future__ import annotations

import json
import math
import re
import threading
from collections import Counter
from functools import lru_cache
from pathlib import Path

import bm25s
import snowballstemmer
import numpy as np

_TOKEN = re.compile(r"£?\d+(?:[.,]\d+)*%?|[a-z]+(?:'[a-z]+)?")
# Short function words carry no evidence; keeping the list small keeps "not", "no" and "without".
STOPWORDS = frozenset(
    "a an and are as at be been by did do does for from had has have how in is it its of on or "
    "our so than that the their there these they this to was we were what when where which who "
    "why will with would".split()
)


_STEMMER = snowballstemmer.stemmer("english")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Snowball English stem after dropping possessives: carers/carer's/carer, allocate/allocation."""
    if word.endswith("'s"):
        word = word[:-2]
    return _STEMMER.stemWord(word.replace("'", ""))


def tokenize(text: str) -> list[str]:
    text = text.lower().replace("’", "'")
    tokens = []
    for raw in _TOKEN.findall(text):
        if raw[0].isdigit() or raw[0] == "£":
            tokens.append(raw.replace(",", "").rstrip("."))
        elif raw not in STOPWORDS:
            tokens.append(stem(raw))
    return tokens


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
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.folder.with_name(self.folder.name + ".tmp")
        if ids:
            retriever.save(str(tmp), show_progress=False)
        else:
            tmp.mkdir(parents=True, exist_ok=True)
        doc_freq = Counter(t for text in tokenized for t in set(text))
        (tmp / "ids.json").write_text(json.dumps({"generation": generation, "ids": ids, "df": doc_freq}))
        # Swap folders so a reader never loads half an index.
        old = self.folder.with_name(self.folder.name + ".old")
        if old.exists():
            _rmtree(old)
        self.folder.rename(old)
        tmp.rename(self.folder)
        _rmtree(old)
        with self._lock:
            self.retriever, self.ids, self.generation = (retriever if ids else None), ids, generation
            self.doc_freq = dict(doc_freq)

    def load(self) -> bool:
        meta = self.folder / "ids.json"
        if not meta.exists():
            return False
        data = json.loads(meta.read_text())
        retriever = bm25s.BM25.load(str(self.folder), show_progress=False) if data["ids"] else None
        with self._lock:
            self.retriever, self.ids, self.generation = retriever, data["ids"], data["generation"]
            self.doc_freq = data.get("df", {})
        return True

    def idf(self, token: str) -> float:
        """Inverse document frequency over the whole library; rare words weigh more."""
        n = max(len(self.ids), 1)
        df = self.doc_freq.get(token, 0)
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def scores(self, query: str) -> dict[str, float]:
        """BM25 score of every finding that shares a term with the query."""
        with self._lock:
            retriever, ids = self.retriever, self.ids
        tokens = tokenize(query)
        if retriever is None or not tokens:
            return {}
        vocab = retriever.vocab_dict
        known = [t for t in tokens if t in vocab]
        if not known:
            return {}
        values = retriever.get_scores(known)
        hits = np.nonzero(values > 0)[0]
        return {ids[i]: float(values[i]) for i in hits}


def _rmtree(path: Path) -> None:
    import shutil

    shutil.rmtree(path, ignore_errors=True)
